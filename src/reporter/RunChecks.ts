import {existsSync} from 'fs';
import {BudgetChecker} from '../analysis/BudgetChecker';
import {compareDurations, durationSamples} from '../analysis/compareDurations';
import type {DurationSample} from '../analysis/compareDurations';
import {findLeak} from '../analysis/findLeak';
import type * as CollectRunContext from '../history/collectRunContext';
import type {RunContext} from '../history/collectRunContext';
import type * as HistoryRecords from '../history/historyRecords';
import type {HistoryFileRow, HistoryTestRow} from '../history/historyRecords';
import type * as HistoryStoreModule from '../history/HistoryStore';
import type {HistoryStore} from '../history/HistoryStore';
import type * as ReadHistoryBaseline from '../history/readHistoryBaseline';
import {InputError, readMetricsFile} from '../io/readMetricsFile';
import {withoutUrlPasswords} from '../model/redactSecrets';
import type {FileLeak, FileRecord, RunMetrics, TestEntry} from '../model/types';
import {plural} from '../formats/terminalText';
import {runSlowdown} from '../formats/findings';
import type {FailOn, ResolvedOptions} from '../options/types';
import {runningJestVersion} from './systemInfo';

type Options = Pick<ResolvedOptions, 'budgets' | 'leaks' | 'baseline' | 'history' | 'regressionThresholdPercent' | 'regressionMinChangeMs' | 'failOn'>;

/**
 * The checks of docs/checks.md, fed file by file as results arrive (so every test counts, including those the
 * memory limits later drop from the report), then finished once the run is built: budgets, leaks, the comparison
 * with a baseline, and the history append. A check that cannot run (a missing baseline, a corrupt history
 * database) says so through `notice` and leaves the others, and the test run, alone.
 */
export class RunChecks {
  private readonly budgets: BudgetChecker | null;
  private readonly flagged: FileLeak[] = [];
  private leakFilesChecked = 0;
  /** Compact per-test figures, kept only when a comparison or the history needs every test. */
  private readonly rows: HistoryTestRow[] | null;
  /** Each row's user + system and user CPU time (null for a concurrent test), for the comparison's CPU clock. */
  private readonly cpuMs: Array<{cpuMs: number; userMs: number} | null> = [];
  private readonly fileRows: HistoryFileRow[] = [];

  constructor(
    private readonly options: Options,
    private readonly context: {
      rootDir: string;
      ciProvider: string | null;
      /** `--shard` was given: the run is one shard of a run that others complete. */
      shard: boolean;
      notice: (message: string) => void;
    },
  ) {
    this.budgets = options.budgets === null ? null : new BudgetChecker(options.budgets);
    this.rows = options.baseline !== null || options.history !== null ? [] : null;
  }

  addFile(file: (FileRecord & {file: string; key: string}) | null, tests: readonly TestEntry[]): void {
    if (this.budgets) for (const entry of tests) this.budgets.check(entry);
    let leakGrowth: number | null = null;
    if (this.options.leaks && file !== null) {
      // By key: a file run by two overlapping projects is two files here, each with its own heap.
      const leak = findLeak(file.key, tests);
      if (leak !== null) {
        this.leakFilesChecked++;
        leakGrowth = leak.growthPerTestBytes;
        if (leak.flagged) this.flagged.push(leak);
      }
    }
    if (this.rows === null) return;
    for (const {id, file: testFile, record} of tests) {
      const last = record.attempts[record.attempts.length - 1];
      this.cpuMs.push(last.concurrent ? null : {cpuMs: last.cpuUserMs + last.cpuSystemMs, userMs: last.cpuUserMs});
      this.rows.push({
        id,
        file: testFile,
        status: last.status,
        attempts: record.attempts.length,
        durationMs: last.durationMs,
        setupMs: last.setupMs,
        callMs: last.callMs,
        teardownMs: last.teardownMs,
        rssDeltaBytes: last.rssEndBytes - last.rssStartBytes,
        rssPeakBytes: last.rssPeakBytes,
        heapDeltaBytes: last.heapEndBytes === null || last.heapStartBytes === null ? null : last.heapEndBytes - last.heapStartBytes,
        cpuPercent: last.cpuPercent,
      });
    }
    if (file !== null) {
      this.fileRows.push({
        file: file.file,
        loadMs: file.loadMs,
        beforeAllMs: file.beforeAllMs,
        afterAllMs: file.afterAllMs,
        heapGrowthBytes: file.completed ? file.heapEndBytes - file.heapStartBytes : 0,
        leakGrowthPerTestBytes: leakGrowth,
      });
    }
  }

  /** Adds the findings to the run, and appends it to the history. */
  async finish(run: RunMetrics): Promise<void> {
    const target = this.options.history;
    if (target === null) {
      this.finishOffline(run);
      return;
    }
    this.finishLocal(run);
    const {collectRunContext, readHistoryBaseline, readHistorySpread} = historyCode();
    const context = collectRunContext(this.context.rootDir, this.context.ciProvider);
    const history = await this.openHistory(target);
    try {
      const {baseline} = this.options;
      if (baseline !== null) {
        let before: DurationSample[] | null = null;
        if (!isHistoryReference(baseline)) before = this.readBaselineFile(baseline);
        else if (history !== null) {
          before = await readHistoryBaseline(history, baseline, context.machine);
          if (before === null) this.context.notice(`baseline ${baseline}: the history has no passing runs${baseline === 'history' ? '' : ' of that branch'} yet; no comparison this run`);
        }
        if (before !== null) run.regressions = this.compare(baseline, before, history === null ? undefined : await readHistorySpread(history));
      }
      if (history !== null) await this.append(history, run, context);
    } finally {
      await history?.close();
    }
  }

  /**
   * The checks that need no database, at once: for a run stopped by a signal or `process.exit`, where nothing
   * asynchronous can finish. Such a run is not added to the history (it is partial anyway).
   */
  finishOffline(run: RunMetrics): void {
    this.finishLocal(run);
    const {baseline} = this.options;
    if (baseline === null || isHistoryReference(baseline)) return;
    const before = this.readBaselineFile(baseline);
    if (before !== null) run.regressions = this.compare(baseline, before, undefined);
  }

  /** Budgets and leaks: what needs nothing but this run. */
  private finishLocal(run: RunMetrics): void {
    if (this.budgets) run.budgets = this.budgets.report({durationMs: run.durationMs});
    if (this.options.leaks) {
      run.leaks = {filesChecked: this.leakFilesChecked, flagged: [...this.flagged].sort((a, b) => b.growthPerTestBytes - a.growthPerTestBytes)};
    }
  }

  /** What `failOn` makes fail, one phrase each (empty: the run stands as Jest decided). */
  failures(run: RunMetrics): string[] {
    const failOn = new Set<FailOn>(this.options.failOn);
    const reasons: string[] = [];
    const breaches = run.budgets?.breaches.length ?? 0;
    if (failOn.has('budget') && breaches > 0) reasons.push(plural(breaches, 'budget breach', 'budget breaches'));
    const regressions = run.regressions?.regressions.length ?? 0;
    if (failOn.has('regression') && regressions > 0) reasons.push(plural(regressions, 'regression'));
    // A slowdown of the whole run is a regression too, though no single test stands out from it.
    const slowdown = runSlowdown(run.regressions);
    if (failOn.has('regression') && slowdown !== null) reasons.push(slowdown);
    const leaks = run.leaks?.flagged.length ?? 0;
    if (failOn.has('leak') && leaks > 0) reasons.push(plural(leaks, 'leaking file'));
    return reasons;
  }

  private async openHistory(target: string): Promise<HistoryStore | null> {
    const {openHistory, HistoryError} = historyCode();
    try {
      return await openHistory(target);
    } catch (error) {
      this.context.notice(`${error instanceof HistoryError ? error.message : `history database ${withoutUrlPasswords(target)}: ${String(error)}`}; this run is not recorded`);
      return null;
    }
  }

  /** A metrics file as the baseline; null (said once) when it is missing or unreadable. */
  private readBaselineFile(baseline: string): DurationSample[] | null {
    // The first run on a branch has no baseline yet: that is a normal state, not an error.
    if (!existsSync(baseline)) {
      this.context.notice(`baseline ${baseline} does not exist; no comparison this run`);
      return null;
    }
    try {
      return durationSamples(readMetricsFile(baseline).tests);
    } catch (error) {
      this.context.notice(`baseline ${error instanceof InputError ? error.message : String(error)}; no comparison this run`);
      return null;
    }
  }

  private compare(baseline: string, before: DurationSample[], spreadMs: ((id: string) => number | null) | undefined): RunMetrics['regressions'] {
    const now = (this.rows ?? []).map((row, i) => ({id: row.id, passed: row.status === 'passed', durationMs: row.durationMs, cpuMs: this.cpuMs[i]?.cpuMs ?? null, userMs: this.cpuMs[i]?.userMs ?? null}));
    return compareDurations(before, now, {
      baseline,
      thresholdPercent: this.options.regressionThresholdPercent,
      minChangeMs: this.options.regressionMinChangeMs,
      spreadMs,
    });
  }

  private async append(history: HistoryStore, run: RunMetrics, context: RunContext): Promise<void> {
    const rows = this.rows ?? [];
    try {
      await history.appendRun(
        {
          startedAtMs: run.startedAtMs,
          durationMs: run.durationMs,
          ...context,
          nodeVersion: process.versions.node,
          jestVersion: run.system ? run.system.jestVersion : runningJestVersion(),
          total: rows.length,
          passed: rows.filter(row => row.status === 'passed').length,
          failed: rows.filter(row => row.status === 'failed').length,
          skipped: rows.filter(row => row.status === 'skipped' || row.status === 'todo').length,
          runKey: this.context.shard ? historyCode().runKeyFromEnv() : null,
        },
        rows,
        this.fileRows,
      );
    } catch (error) {
      this.context.notice(`history database ${history.label}: this run could not be recorded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
  }
}

const isHistoryReference = (baseline: string): boolean => baseline === 'history' || baseline.startsWith('history:');

/**
 * The history's code (its drivers load later still, when a database is opened): required by a run that has a
 * history target, never by one without (docs/performance.md, "Own cost").
 */
function historyCode(): typeof CollectRunContext & typeof HistoryRecords & typeof HistoryStoreModule & typeof ReadHistoryBaseline {
  /* eslint-disable @typescript-eslint/no-require-imports -- see above */
  return {
    ...(require('../history/collectRunContext') as typeof CollectRunContext),
    ...(require('../history/historyRecords') as typeof HistoryRecords),
    ...(require('../history/HistoryStore') as typeof HistoryStoreModule),
    ...(require('../history/readHistoryBaseline') as typeof ReadHistoryBaseline),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}
