/** The failures a run holds, listed for reports: a test's, a beforeAll/afterAll hook's, a file's that could not run. */
import {fileKeyOfId} from '../model/testId';
import type {FailureRecord, FileRecord, RunMetrics, TestEntry} from '../model/types';
import {finalAttempt} from './common';
import {plural} from './terminalText';

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
