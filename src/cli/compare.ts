import {Command, InvalidArgumentError} from 'commander';
import {compareDurations, durationSamples} from '../analysis/compareDurations';
import {printable} from '../formats/terminalText';
import {comparisonLines, runSlowdown} from '../formats/findings';
import {HistoryError} from '../history/historyRecords';
import {openHistory} from '../history/HistoryStore';
import type {HistoryStore} from '../history/HistoryStore';
import {readHistorySpread} from '../history/readHistoryBaseline';
import {InputError, readMetricsFile} from '../io/readMetricsFile';
import {DEFAULT_OUTPUT, readRunFile} from './paths';

/** Plain decimals, as for the reporter's env vars: `0x10` or `1e3` is a mistake, not a number anyone means. */
function nonNegative(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) throw new InvalidArgumentError('expected a decimal number >= 0.');
  return Number(value);
}

function count(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected an integer >= 0.');
  return Number(value);
}

interface CompareFlags {
  threshold: number;
  minChange: number;
  fail?: boolean;
  db?: string;
  top: number;
}

/**
 * `jest-perf-monitor compare <baseline> [current] [--threshold 20] [--min-change 0.01] [--db path] [--fail]`:
 * the reporter's `baseline` comparison between two metrics files. Exit 1 with `--fail` when a test regressed.
 */
export function compareCommand(): Command {
  return new Command('compare')
    .description('compare test durations with a baseline metrics file, relative to the run\'s drift; exit 1 on regressions (or a slowdown of the whole run) with --fail')
    .argument('<baseline>', 'the performance_metrics.json to compare with')
    .argument('[current]', `the performance_metrics.json of this run (default: JEST_PERF_OUTPUT, else ./${DEFAULT_OUTPUT})`)
    .option('--threshold <percent>', 'a change must exceed this percentage', nonNegative, 20)
    .option('--min-change <seconds>', 'and this many seconds', nonNegative, 0.01)
    .option('--db <path|url>', 'a history database (a SQLite file or a postgres:// URL): tests with 5 or more runs there also need a change over 3 robust σ of those runs')
    .option('--top <n>', 'tests listed per kind', count, 20)
    .option('--fail', 'exit 1 when a test regressed, or the whole run did (a run-level finding)')
    .action(async (baselineFile: string, currentFile: string | undefined, flags: CompareFlags) => {
      const baseline = readMetricsFile(baselineFile);
      const current = readRunFile(currentFile);
      let db: HistoryStore | null = null;
      try {
        if (flags.db !== undefined) db = await openHistory(flags.db, {mustExist: true});
      } catch (error) {
        if (error instanceof HistoryError) throw new InputError(error.message);
        throw error;
      }
      let spreadMs: ((id: string) => number | null) | undefined;
      try {
        // Every test's spread in one query, aggregated by the database.
        spreadMs = db === null ? undefined : await readHistorySpread(db);
      } finally {
        await db?.close();
      }
      const report = compareDurations(durationSamples(baseline.tests), durationSamples(current.tests), {
        baseline: baselineFile,
        thresholdPercent: flags.threshold,
        minChangeMs: flags.minChange * 1000,
        spreadMs,
      });
      // Ids as a terminal can show them: a title's control characters escaped, not acted on.
      process.stdout.write(`${comparisonLines(report, Math.floor(flags.top), printable).map(printable).join('\n')}\n`);
      if (flags.fail && (report.regressions.length > 0 || runSlowdown(report) !== null)) process.exitCode = 1;
    });
}
