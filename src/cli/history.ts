import {Command, InvalidArgumentError} from 'commander';
import {MIN_RUNS_FOR_SPREAD} from '../analysis/compareDurations';
import {findFlaky, findSlowest} from '../analysis/historyTrends';
import {formatMs, formatSignedMib, table} from '../formats/terminalText';
import {HistoryError} from '../history/historyRecords';
import type {RunWindow} from '../history/historyRecords';
import {openHistory} from '../history/HistoryStore';
import {isPostgresUrl} from '../options/historyTarget';
import type {HistoryStore} from '../history/HistoryStore';
import {InputError} from '../io/readMetricsFile';
import {pathFromEnv} from './paths';
import {existsSync} from 'fs';

/** Where the reporter writes when `history` is set to the suggestion in docs/checks.md. */
const DEFAULT_DB = '.jest-perf/history.db';

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed < 1 || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError('expected an integer >= 1.');
  return parsed;
}

interface WindowFlags {
  db?: string;
  runs: number;
  branch?: string;
}

/** Opens the database for a command: a missing or unusable one is bad input (exit 2). */
async function withDatabase<T>(flags: {db?: string}, use: (db: HistoryStore) => Promise<T>): Promise<T> {
  // A blank JEST_PERF_HISTORY is unset, as for the reporter.
  const fromEnv = process.env.JEST_PERF_HISTORY?.trim();
  // A variable's path is the current directory's, as for the reporter (a URL is left as it is).
  const file = flags.db ?? (fromEnv ? (isPostgresUrl(fromEnv) ? fromEnv : pathFromEnv(fromEnv)) : DEFAULT_DB);
  let db: HistoryStore;
  try {
    db = await openHistory(file, {mustExist: true});
  } catch (error) {
    // A file the user named is theirs to find; the default or the variable's gets a word on where the reporter writes.
    if (error instanceof HistoryError && flags.db === undefined && !isPostgresUrl(file) && !existsSync(file)) {
      throw new InputError(
        `${error.message} (the reporter writes the file its "history" option names, relative to Jest's rootDir, or JEST_PERF_HISTORY's, ` +
          'relative to the directory Jest ran in; pass --db with its path)',
      );
    }
    if (error instanceof HistoryError) throw new InputError(error.message);
    throw error;
  }
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

function windowOf(flags: WindowFlags): RunWindow {
  return {runs: flags.runs, branch: flags.branch};
}

const shortCommit = (commit: string | null): string => (commit === null ? '–' : commit.slice(0, 8));

function withWindowOptions(command: Command): Command {
  return command
    .option('--db <path|url>', `the history database, a SQLite file or a postgres:// URL (default: JEST_PERF_HISTORY, else ${DEFAULT_DB})`)
    .option('--runs <n>', 'look at the newest n runs', positiveInteger, 20)
    .option('--branch <name>', 'only runs of this git branch');
}

function trendCommand(): Command {
  return withWindowOptions(
    new Command('trend')
      .description("one test's figures across runs, oldest first")
      .requiredOption('--test <id>', 'the test id, as in performance_metrics.json (path::describe > test)'),
  ).action(async (flags: WindowFlags & {test: string}) => {
    const points = await withDatabase(flags, db => db.trend(flags.test, windowOf(flags)));
    if (points.length === 0) throw new InputError(`no runs of test ${JSON.stringify(flags.test)} in the history's newest ${flags.runs} runs`);
    const rows = points.map(point => [
      String(point.runId),
      point.startedAt.replace('T', ' ').slice(0, 19),
      shortCommit(point.gitCommit),
      point.gitBranch ?? '–',
      point.attempts > 1 ? `${point.status} (${point.attempts} attempts)` : point.status,
      formatMs(point.durationMs),
      formatMs(point.setupMs),
      formatMs(point.callMs),
      formatMs(point.teardownMs),
      formatSignedMib(point.rssDeltaBytes),
    ]);
    const lines = table(`${flags.test}: ${points.length} run(s)`, [['run', 'started (UTC)', 'commit', 'branch', 'status', 'total', 'setup', 'call', 'teardown', 'memory Δ'], ...rows]);
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

function flakyCommand(): Command {
  return withWindowOptions(new Command('flaky').description('tests whose outcome flips across runs, or that passed only after retries')).action(async (flags: WindowFlags) => {
    const flaky = await withDatabase(flags, async db => findFlaky(await db.outcomes(windowOf(flags))));
    if (flaky.length === 0) {
      process.stdout.write(`No flaky tests in the newest ${flags.runs} runs.\n`);
      return;
    }
    const rows = flaky.map(test => [test.id, String(test.runs), String(test.failed), String(test.flips), String(test.passedAfterRetry)]);
    process.stdout.write(`${table(`Flaky tests in the newest ${flags.runs} runs`, [['test', 'runs', 'failed', 'flips', 'passed after retry'], ...rows]).join('\n')}\n`);
  });
}

function slowestCommand(): Command {
  return withWindowOptions(
    new Command('slowest').description(
      'the largest rises in median duration: the newer half of each test\'s passing runs against the older half (a ranking, not a verdict: compare judges regressions)',
    ),
  )
    .option('--top <n>', 'how many tests', positiveInteger, 10)
    .action(async (flags: WindowFlags & {top: number}) => {
      const slower = await withDatabase(flags, async db => findSlowest(await db.passedDurations(windowOf(flags)), flags.top));
      if (slower.length === 0) {
        process.stdout.write(`No test's median wall time rose in the newest ${flags.runs} runs.\n`);
        return;
      }
      const rows = slower.map(test => [
        test.id,
        String(test.runs),
        formatMs(test.beforeMs),
        formatMs(test.nowMs),
        `+${formatMs(test.nowMs - test.beforeMs)}`,
        test.beforeMs > 0 ? `+${(((test.nowMs - test.beforeMs) / test.beforeMs) * 100).toFixed(0)} %` : '–',
      ]);
      // What the list is: a ranking of rises in wall time, newer half against older half, with no noise check.
      // With a few runs per half, the machine's drift alone moves it: said, not hidden.
      const title = `Largest rises in median wall time, newer half of each test's passing runs against the older half (newest ${flags.runs} runs)`;
      const lines = table(title, [['test', 'runs', 'older half', 'newer half', 'rise', ''], ...rows]);
      const few = slower.filter(test => test.runs < 2 * MIN_RUNS_FOR_SPREAD).length;
      if (few > 0) {
        lines.push(`${few} of these ${few === 1 ? 'has' : 'have'} fewer than ${2 * MIN_RUNS_FOR_SPREAD} runs: a few runs against a few, which a busier machine alone can move. For a verdict, use compare (it allows for the run's drift and noise).`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function pruneCommand(): Command {
  return new Command('prune')
    .description('delete all but the newest runs')
    .requiredOption('--keep <n>', 'runs to keep', positiveInteger)
    .option('--db <path|url>', `the history database, a SQLite file or a postgres:// URL (default: JEST_PERF_HISTORY, else ${DEFAULT_DB})`)
    .action(async (flags: {keep: number; db?: string}) => {
      const [removed, left] = await withDatabase(flags, async db => [await db.prune(flags.keep), await db.runCount()]);
      process.stdout.write(`Removed ${removed} run(s); ${left} kept.\n`);
    });
}

/** `jest-perf-monitor history trend|flaky|slowest|prune`: reads the database the reporter's `history` option fills. */
export function historyCommand(): Command {
  return new Command('history')
    .description('read the run history database (the reporter\'s history option)')
    .addCommand(trendCommand())
    .addCommand(flakyCommand())
    .addCommand(slowestCommand())
    .addCommand(pruneCommand());
}
