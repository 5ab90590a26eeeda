/** Figures of a run that every format shares: a test's final attempt, the rankings' keys, Jest's headline counts. */
import {mebibytes, percent, seconds} from '../model/toSchema';
import type {AttemptRecord, ProfileFunction, RunMetrics, RunModuleCost, TestEntry} from '../model/types';
import {plural} from './terminalText';

/** The attempt that decided the test's outcome. */
export const finalAttempt = (entry: TestEntry): AttemptRecord => entry.record.attempts[entry.record.attempts.length - 1];

/** Passed only after failing: Jest's `retryTimes` hid a failure. */
export const isFlaky = (entry: TestEntry): boolean =>
  finalAttempt(entry).status === 'passed' && entry.record.attempts.some(attempt => attempt.status === 'failed');

/** Whether the test ran (skipped and todo tests are listed but left out of timing figures). */
export const wasExecuted = (entry: TestEntry): boolean => {
  const status = finalAttempt(entry).status;
  return status === 'passed' || status === 'failed';
};

/**
 * Sort keys at the precision performance_metrics.json keeps (microseconds, 1/1000 MiB, 0.1 %). Rankings made
 * after a run and from its file later (`jest-perf-monitor summary`) then agree, ties included: a stable sort keeps
 * the report's order for tests that the file cannot tell apart.
 */
export const durationKey = (entry: TestEntry): number => seconds(finalAttempt(entry).durationMs);

export const memoryDeltaKey = (entry: TestEntry): number => mebibytes(finalAttempt(entry).rssEndBytes - finalAttempt(entry).rssStartBytes);

export const cpuKey = (entry: TestEntry): number => percent(finalAttempt(entry).cpuPercent) ?? 0;

/** User + system CPU time of the final attempt: what "CPU-heaviest" ranks by (a share would rank a 17 ms test first). */
export const cpuTimeKey = (entry: TestEntry): number => finalAttempt(entry).cpuUserMs + finalAttempt(entry).cpuSystemMs;

/**
 * The `n` items with the highest key, highest first, among those `include` accepts. Ties keep their order in
 * `items`, as a stable sort would. One pass, O(items × n): the reports ask for a handful out of up to hundreds of
 * thousands of tests, where sorting them all cost a quarter of a second.
 */
export function topBy<T>(items: readonly T[], n: number, key: (item: T) => number, include: (item: T) => boolean = () => true): T[] {
  const best: T[] = [];
  const keys: number[] = [];
  if (n <= 0) return best;
  for (const item of items) {
    if (!include(item)) continue;
    const value = key(item);
    if (best.length === n && !(value > keys[n - 1])) continue;
    let index = best.length;
    while (index > 0 && keys[index - 1] < value) index--;
    best.splice(index, 0, item);
    keys.splice(index, 0, value);
    if (best.length > n) {
      best.pop();
      keys.pop();
    }
  }
  return best;
}

/** The `n` executed tests with the longest final attempt, slowest first. */
export function slowestTests(tests: readonly TestEntry[], n: number): TestEntry[] {
  return topBy(tests, n, durationKey, wasExecuted);
}

/**
 * Jest's counts for the headline, unmeasured files included (docs/reports.md#test-files-that-fail-to-load: no report claims fewer tests or
 * failures than Jest): `failed` counts the unmeasured files' failures too, and `unmeasuredOther` their other
 * tests, whose outcome the run does not know beyond "not failed".
 */
export function headlineCounts(run: RunMetrics): {total: number; passed: number; failed: number; skipped: number; unmeasuredFailed: number; unmeasuredOther: number} {
  const {stats, unmeasured} = run;
  const unmeasuredFailed = unmeasured?.failedCount ?? 0;
  const unmeasuredOther = unmeasured ? Math.max(0, unmeasured.testCount - unmeasured.failedCount) : 0;
  return {
    total: stats.totalCount + (unmeasured?.testCount ?? 0),
    passed: stats.passedCount + (unmeasured?.passedCount ?? 0),
    failed: stats.failuresCount + unmeasuredFailed,
    skipped: stats.totalCount - stats.passedCount - stats.failuresCount + (unmeasured ? Math.max(0, unmeasured.testCount - unmeasured.passedCount - unmeasured.failedCount) : 0),
    unmeasuredFailed,
    unmeasuredOther,
  };
}

/** The notes a run may need before its figures: it stopped early, or some files were not measured. */
/** A module whose loads cost less than this over the whole run is not worth a "Heaviest imports" row. */
export const HEAVY_IMPORT_MS = 50;

/**
 * The "Heaviest imports" rows: the run's costliest modules by self time summed over the files that loaded them, those
 * costing at least `HEAVY_IMPORT_MS`; empty when imports were not measured or none is that heavy.
 */
export function heaviestImports(run: RunMetrics, n: number): RunModuleCost[] {
  return (run.imports ?? []).filter(cost => cost.selfMs >= HEAVY_IMPORT_MS).slice(0, n);
}

export function runNotes(run: RunMetrics): string[] {
  const notes: string[] = [];
  if (run.interrupted) notes.push('The run was interrupted: this report holds the tests that finished before it stopped.');
  if (run.unmeasured !== null) {
    const {files, testCount, failedCount, runners = []} = run.unmeasured;
    // A runner other than circus is the user's choice, kept so no outcome changes: its files cannot be measured.
    const why = runners.length > 0
      ? `testRunner ${runners.map(runner => `'${runner}'`).join(', ')} cannot be measured (only jest-circus, Jest's default, can).`
      : "use testRunner 'jest-perf-monitor/runner' to measure every file.";
    notes.push(`${plural(files.length, 'test file')} ran without the perf monitor (${plural(testCount, 'test')}, ${failedCount} failed, counted by Jest): ${why}`);
  }
  if (run.cpuProfile) {
    // The profiler's cost lands in the tests themselves (docs/performance.md): a reader comparing with a run without it must know.
    notes.push(`Durations were taken under V8's CPU profiler (cpuProfile, sampling every ${formatSamplingInterval(run.cpuProfile.samplingIntervalUs)}): they are longer than without it.`);
  }
  return notes;
}

function formatSamplingInterval(us: number): string {
  return us >= 1000 ? `${Number((us / 1000).toFixed(3))} ms` : `${us} µs`;
}

/** One of a CPU profile's top functions, as reports name it: `name (file:line)`, or the folded entry's name alone. */
export function functionLabel(fn: ProfileFunction): string {
  return fn.location === null ? fn.functionName : `${fn.functionName} (${fn.location})`;
}
