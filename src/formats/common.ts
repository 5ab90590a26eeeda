import {fileKeyOfId} from '../model/testId';
import {mebibytes, percent, seconds} from '../model/toSchema';
import type {AttemptRecord, FailureRecord, FileRecord, ProfileFunction, RunMetrics, RunModuleCost, TestEntry} from '../model/types';

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

/** One element of `RunMetrics.files`. */
export type FileEntry = FileRecord & {file: string; key: string};

/** The key of the test's file under `files`: its path, or `[<project>] <path>` when its id carries the project. */
export const fileKeyOf = (entry: TestEntry): string => fileKeyOfId(entry.id, entry.file);

/** What a listed failure belongs to: a test, a file's beforeAll/afterAll hook, or a file that could not run. */
export type FailureKind = 'test' | 'hook' | 'load';

/** One failure to list in a report: a failed test (its final attempt), a failed hook, or a file's load error. */
export interface ListedFailure {
  /** The test id, `<file key> (<phase>)` for a hook, or `<file key> (could not run)` for a load error. */
  title: string;
  file: string;
  failure: FailureRecord | null;
  kind: FailureKind;
}

/** A file's failure (a hook's, or its load error) as a listed failure. */
export function listedFileFailure(file: FileEntry, failure: FailureRecord): ListedFailure {
  return failure.phase === 'load'
    ? {title: `${file.key} (could not run)`, file: file.file, failure, kind: 'load'}
    : {title: `${file.key} (${failure.phase})`, file: file.file, failure, kind: 'hook'};
}

/** Files that could not run first (each hides all its tests), then the failed tests in report order, then hooks. */
export function listFailures(run: RunMetrics): ListedFailure[] {
  const listed: ListedFailure[] = [];
  for (const file of run.files) if (file.loadError !== null) listed.push(listedFileFailure(file, file.loadError));
  for (const entry of run.tests) {
    if (finalAttempt(entry).status === 'failed') listed.push({title: entry.id, file: entry.file, failure: finalAttempt(entry).failure, kind: 'test'});
  }
  for (const file of run.files) for (const failure of file.hookFailures) listed.push(listedFileFailure(file, failure));
  return listed;
}

/** Where a failure happened, in words, for a failure outside the test body: ` (in afterAll)`; '' for the body. */
export function phaseNote(failure: FailureRecord): string {
  if (failure.phase === 'test') return '';
  return failure.phase === 'load' ? ' (while loading the test file)' : ` (in ${failure.phase})`;
}

/** `3 tests, 1 file that could not run, 1 beforeAll/afterAll hook`: what a list of failures holds. */
export function describeFailureCounts(failures: readonly ListedFailure[], hookWord = 'beforeAll/afterAll hook'): string {
  const count = (kind: FailureKind): number => failures.filter(item => item.kind === kind).length;
  const parts: string[] = [];
  if (count('test') > 0 || failures.length === 0) parts.push(plural(count('test'), 'test'));
  if (count('load') > 0) parts.push(plural(count('load'), 'file that could not run', 'files that could not run'));
  if (count('hook') > 0) parts.push(plural(count('hook'), hookWord));
  return parts.join(', ');
}

/** A failure no test carries, which formats that count tests add as one failed entry of its own. */
export interface FileFailure {
  file: FileEntry;
  failure: FailureRecord;
}

/**
 * The failures Jest counts against a file, not a test (docs/reports.md#test-files-that-fail-to-load): a load error, an `afterAll` hook (its
 * tests stay passed), and a `beforeAll` hook when no test of the file failed with it. A `beforeAll` failure
 * otherwise fails every test of its block, and those tests already carry it: counting it again would claim more
 * failures than Jest did.
 */
export function fileFailures(run: RunMetrics): FileFailure[] {
  const carried = new Set<string>();
  for (const entry of run.tests) {
    const last = finalAttempt(entry);
    if (last.status === 'failed' && last.failure?.phase === 'beforeAll') carried.add(fileKeyOf(entry));
  }
  // In the order `listFailures` gives: files that could not run first.
  const found: FileFailure[] = [];
  for (const file of run.files) if (file.loadError !== null) found.push({file, failure: file.loadError});
  for (const file of run.files) {
    for (const failure of file.hookFailures) {
      if (failure.phase !== 'beforeAll' || !carried.has(file.key)) found.push({file, failure});
    }
  }
  return found;
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
  return notes;
}

/**
 * Characters a terminal would act on rather than show (C0 and C1 controls, DEL; an ESC sequence can retitle the
 * window or hide text) and the bidirectional overrides that reorder what is shown. Tab and line feed are layout.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text for a terminal: unprintable characters shown as `\x1b` or `\u202e`, so a title cannot act on it. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, char => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Columns a code point takes in a terminal: 0 for combining marks and joiners, 2 for wide (East Asian, emoji).
 * Written here rather than taken from `string-width`: its maintained versions are ES modules only, which this
 * CommonJS package cannot `require`, and the summary needs just these ranges.
 */
function codePointWidth(code: number): number {
  if (
    (code >= 0x300 && code <= 0x36f) ||
    (code >= 0x1ab0 && code <= 0x1aff) ||
    (code >= 0x1dc0 && code <= 0x1dff) ||
    (code >= 0x20d0 && code <= 0x20ff) ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    (code >= 0xfe20 && code <= 0xfe2f) ||
    (code >= 0xe0100 && code <= 0xe01ef) ||
    code === 0x200b ||
    code === 0x200d
  ) {
    return 0;
  }
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f680 && code <= 0x1f6ff) ||
    (code >= 0x1f900 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** The columns `text` takes in a terminal (approximately: the common wide and zero-width ranges). */
export function displayWidth(text: string): number {
  let width = 0;
  // Printable ASCII, the common case, is one column a character.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  for (const char of text) width += codePointWidth(char.codePointAt(0)!);
  return width;
}

/** The longest start of `text` (whole code points) that takes at most `width` columns. */
function headOf(text: string, width: number): string {
  let used = 0;
  let end = 0;
  for (const char of text) {
    const next = used + codePointWidth(char.codePointAt(0)!);
    if (next > width) break;
    used = next;
    end += char.length;
  }
  return text.slice(0, end);
}

/** The longest end of `text` (whole code points) that takes at most `width` columns. */
function tailOf(text: string, width: number): string {
  const chars = Array.from(text);
  let used = 0;
  let start = chars.length;
  while (start > 0) {
    const next = used + codePointWidth(chars[start - 1].codePointAt(0)!);
    if (next > width) break;
    used = next;
    start--;
  }
  return chars.slice(start).join('');
}

/**
 * `text` in at most `width` columns, its middle replaced by `…` when it is longer: the end keeps `tailWidth`
 * columns (at most; a wide character is not split), the start the rest.
 */
export function clipMiddle(text: string, width: number, tailWidth = Math.round((width - 1) / 2)): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 1) return width === 1 ? '…' : '';
  const tail = Math.max(0, Math.min(width - 1, tailWidth));
  return `${headOf(text, width - 1 - tail)}…${tailOf(text, tail)}`;
}

/**
 * A test id in at most `width` columns, for a terminal: on one line, unprintable characters escaped, and cut in
 * the middle of its parts rather than at its end, so that ids that differ only in their test title, or only in
 * their file name, stay apart. The file keeps its start (the directory) and its whole base name when there is
 * room; the titles keep their start (the describe block) and more of their end (the test's own title).
 */
export function clipId(id: string, width: number): string {
  const text = printable(id.replace(/\s+/g, ' '));
  if (displayWidth(text) <= width) return text;
  const separator = text.indexOf('::');
  // Too narrow to show both parts usefully, or no `::`: one middle cut.
  if (separator < 0 || width < 16) return clipMiddle(text, width, Math.round((width - 1) * 0.6));
  const file = text.slice(0, separator);
  const titles = text.slice(separator + 2);
  const available = width - 2;
  const fileWidth = displayWidth(file);
  const titlesWidth = displayWidth(titles);
  // The titles get at least 55 % of the room, the file what they leave, and each gives the other what it does not use.
  const fileRoom = Math.min(fileWidth, Math.max(available - titlesWidth, Math.ceil(available * 0.45)));
  const titlesRoom = available - fileRoom;
  // The base name tells files apart more often than their directories do.
  const base = displayWidth(file.slice(file.lastIndexOf('/') + 1));
  const fileTail = base <= fileRoom - 5 ? base : Math.round((fileRoom - 1) * 0.55);
  return `${clipMiddle(file, fileRoom, fileTail)}::${clipMiddle(titles, titlesRoom, Math.round((titlesRoom - 1) * 0.65))}`;
}

/** A plain-text table: the first column left-aligned, the others right-aligned; the first row is the header. */
export function table(title: string, rows: string[][]): string[] {
  if (rows.length === 0) return [];
  // A tab or line feed in a title would break the row: each cell is one line.
  const shown = rows.map(row => row.map(cell => printable(cell.replace(/[\t\n]/g, ' '))));
  const widths = shown[0].map((_, column) => Math.max(...shown.map(row => displayWidth(row[column]))));
  const pad = (cell: string, column: number): string => {
    const room = ' '.repeat(Math.max(0, widths[column] - displayWidth(cell)));
    return column === 0 ? `${cell}${room}` : `${room}${cell}`;
  };
  return [printable(title), ...shown.map(row => `  ${row.map(pad).join('  ')}`)];
}

/** One of a CPU profile's top functions, as reports name it: `name (file:line)`, or the folded entry's name alone. */
export function functionLabel(fn: ProfileFunction): string {
  return fn.location === null ? fn.functionName : `${fn.functionName} (${fn.location})`;
}
