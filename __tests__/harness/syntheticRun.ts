/** Runs built by hand, for unit tests of the formats: the shapes the reporter builds, with round figures. */
import {summarise} from '../../src/model/SummaryAccumulator';
import type {AttemptRecord, FailureRecord, FileRecord, RunMetrics, TestEntry} from '../../src/model/types';

export const MIB = 1024 * 1024;

export function attempt(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    attempt: 1, status: 'passed', startedAtMs: 1_700_000_000_000, durationMs: 10, setupMs: 2, callMs: 7, teardownMs: 1,
    rssStartBytes: 100 * MIB, rssPeakBytes: 120 * MIB, rssEndBytes: 101 * MIB, heapStartBytes: 10 * MIB, heapEndBytes: 11 * MIB,
    cpuUserMs: 5, cpuSystemMs: 1, cpuPercent: 60, concurrent: false, spans: [], failure: null, retainedHeapBytes: null, ...overrides,
  };
}

export function failure(phase: FailureRecord['phase'], message: string, overrides: Partial<FailureRecord> = {}): FailureRecord {
  return {
    errorType: 'Error', message, location: {file: 'src/a.test.js', line: 3, column: 9}, codeFrame: '> 3 | boom()', stack: `Error: ${message}`,
    locals: null, closure: null, captured: true, phase, errorCount: 1, timestampMs: 1_700_000_000_500, ...overrides,
  };
}

/** A test of `file` (in `project`, whose id then carries the `[project] ` prefix). */
export function testOf(file: string, titles: string[], overrides: Partial<AttemptRecord> = {}, project: string | null = null): TestEntry {
  const id = `${project === null ? '' : `[${project}] `}${file}::${titles.join(' > ')}`;
  return {id, file, project, record: {testPath: `/project/${file}`, titlePath: titles, index: 0, workerId: 1, attempts: [attempt(overrides)]}};
}

/** A test entry with the given id (`<file>::<title>`), one attempt unless `attempts` are given. */
export function entry(id: string, overrides: Partial<AttemptRecord> = {}, attempts?: AttemptRecord[]): TestEntry {
  const file = id.slice(0, id.indexOf('::'));
  return {id, file, project: null, record: {testPath: `/p/${file}`, titlePath: [id.slice(id.indexOf('::') + 2)], index: 0, workerId: 1, attempts: attempts ?? [attempt(overrides)]}};
}

export function fileOf(file: string, overrides: Partial<FileRecord> = {}, project: string | null = null): RunMetrics['files'][number] {
  return {
    file, key: project === null ? file : `[${project}] ${file}`, testPath: `/project/${file}`, workerId: 1, loadMs: 5, beforeAllMs: 1, afterAllMs: 1,
    heapStartBytes: 10 * MIB, heapEndBytes: 12 * MIB, completed: true, hookFailures: [], selfMs: 0.5, traceMs: 0, tracePauses: 0, loadError: null, project, imports: null, boundary: null, ...overrides,
  };
}

/** A run as the reporter builds it: stats and summary from the tests. */
export function runOf(tests: TestEntry[], files: RunMetrics['files'], overrides: Partial<RunMetrics> = {}): RunMetrics {
  const status = (wanted: string): number => tests.filter(t => t.record.attempts[t.record.attempts.length - 1].status === wanted).length;
  return {
    schemaVersion: 1, startedAtMs: 1_700_000_000_000, durationMs: 1500, system: null, tests, files, summary: summarise(tests),
    stats: {failuresCount: status('failed'), passedCount: status('passed'), totalCount: tests.length, failuresAtLimit: false, passedAtLimit: false, passedDropped: 0, failuresDropped: 0, retainedBytes: 0},
    budgets: null, regressions: null, leaks: null, workerMemory: null, interrupted: false, unmeasured: null, imports: null, overhead: {environmentMs: 1, reporterMs: 2, traceMs: 0}, ...overrides,
  };
}
