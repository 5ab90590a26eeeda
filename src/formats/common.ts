import {mebibytes, percent, seconds} from '../model/toSchema';
import type {AttemptRecord, FailureRecord, RunMetrics, TestEntry} from '../model/types';

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

export const plural = (count: number, word: string, words = `${word}s`): string => `${count} ${count === 1 ? word : words}`;

/** Milliseconds for people: `12.3 ms`, `4.56 s`. */
export const formatMs = (value: number): string => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`);
/** Bytes for people, in MiB. */
export const formatMib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;
export const formatSignedMib = (bytes: number): string => `${bytes >= 0 ? '+' : ''}${formatMib(bytes)}`;

/** Where a failure happened, as `file:line:col`, or the file alone. */
export function failureWhere(location: {file: string; line: number; column: number} | null, file: string): string {
  return location ? `${location.file}:${location.line}:${location.column}` : file;
}

/** One failure to list in a report: a failed test (its final attempt), or a file's failed beforeAll/afterAll hook. */
export interface ListedFailure {
  /** The test id, or `<file> (<phase>)` for a hook. */
  title: string;
  file: string;
  failure: FailureRecord | null;
  hook: boolean;
}

/** The failed tests in report order, then the failed hooks. */
export function listFailures(run: RunMetrics): ListedFailure[] {
  const listed: ListedFailure[] = run.tests
    .filter(entry => finalAttempt(entry).status === 'failed')
    .map(entry => ({title: entry.id, file: entry.file, failure: finalAttempt(entry).failure, hook: false}));
  for (const file of run.files) {
    for (const failure of file.hookFailures) listed.push({title: `${file.file} (${failure.phase})`, file: file.file, failure, hook: true});
  }
  return listed;
}

/** A plain-text table: the first column left-aligned, the others right-aligned; the first row is the header. */
export function table(title: string, rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)));
  return [
    title,
    ...rows.map(row => `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')}`),
  ];
}
