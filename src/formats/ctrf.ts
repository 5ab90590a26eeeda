import type {AttemptRecord, FailureRecord, RunMetrics, TestEntry, TestStatus} from '../model/types';
import {schemaTail, testEntry} from '../model/toSchema';
import type {SchemaTest} from '../model/toSchema';
import {finalAttempt, isFlaky} from './common';
import {fileFailures} from './failureList';
import type {FileFailure} from './failureList';

/** CTRF spec version written (https://ctrf.io; the schema the tests validate against is in `__tests__/schemas`). */
export const CTRF_SPEC_VERSION = '0.0.0';
/** Our figures go under `extra`, namespaced as the CTRF spec asks. */
const EXTRA_KEY = 'jestPerfMonitor';

/** CTRF has no `todo`: it is `pending` (declared, not implemented), and `rawStatus` keeps Jest's word. */
const CTRF_STATUS: Record<TestStatus, string> = {passed: 'passed', failed: 'failed', skipped: 'skipped', todo: 'pending'};

const integerMs = (ms: number): number => Math.max(0, Math.round(ms));

/** `line` is a line of the test's own file (`filePath`), so a failure thrown in a helper module gives none. */
function failureFields(failure: FailureRecord | null, file: string): Record<string, unknown> {
  if (failure === null) return {};
  return {
    message: failure.errorType ? `${failure.errorType}: ${failure.message}` : failure.message,
    ...(failure.stack !== null && {trace: failure.stack}),
    ...(failure.location?.file === file && {line: failure.location.line}),
    ...(failure.codeFrame !== null && {snippet: failure.codeFrame}),
  };
}

/** What CTRF says of one attempt, the same for a test (its final attempt) and for each of its retries. */
function outcomeFields(attempt: AttemptRecord, file: string): Record<string, unknown> {
  return {
    status: CTRF_STATUS[attempt.status],
    duration: integerMs(attempt.durationMs),
    start: Math.round(attempt.startedAtMs),
    stop: Math.round(attempt.startedAtMs + attempt.durationMs),
    ...failureFields(attempt.failure, file),
  };
}

function test(entry: TestEntry): Record<string, unknown> {
  const last = finalAttempt(entry);
  const attempts = entry.record.attempts;
  // The figures of the JSON report, without what CTRF's own fields already say.
  const figures: Partial<SchemaTest> = testEntry(entry);
  const failure = figures.failure;
  delete figures.file;
  delete figures.status;
  delete figures.attempts;
  delete figures.failure;
  return {
    name: entry.id,
    ...outcomeFields(last, entry.file),
    ...(entry.record.titlePath.length > 1 && {suite: entry.record.titlePath.slice(0, -1)}),
    filePath: entry.file,
    rawStatus: last.status,
    threadId: String(entry.record.workerId),
    // `retryAttempts` holds the attempts before the final one; the test itself is the final result.
    ...(attempts.length > 1 && {retries: attempts.length - 1, retryAttempts: attempts.slice(0, -1).map(attempt => ({attempt: attempt.attempt, ...outcomeFields(attempt, entry.file)}))}),
    flaky: isFlaky(entry),
    extra: {
      [EXTRA_KEY]: {
        ...figures,
        ...(failure && {failure: {error_type: failure.error_type, phase: failure.phase, location: failure.location, locals: failure.locals, closure: failure.closure, captured: failure.captured}}),
      },
    },
  };
}

/**
 * A failure no test carries (a file that could not run, a failed afterAll), which Jest reports against the file
 * and does not count as a test. CTRF's `tests` are tests, and its summary counts them, so these are not entries
 * there (the counts stay Jest's): they are listed under `summary.extra`, where a dashboard that goes red on a
 * failed run finds them (docs/reports.md, "Counts").
 */
function fileFailureEntry({file, failure}: FileFailure): Record<string, unknown> {
  return {
    file: file.key,
    ...(failure.phase === 'load' ? {load_error: true} : {hook: failure.phase}),
    ...(file.project !== null && {project: file.project}),
    error_type: failure.errorType,
    ...failureFields(failure, file.file),
    location: failure.location,
    captured: failure.captured,
  };
}

/** Common Test Report Format JSON: the run in CTRF's words, with every figure of ours under `extra`. */
export function* renderCtrf(run: RunMetrics, toolVersion: string | null): Generator<string> {
  const counts = {passed: 0, failed: 0, skipped: 0, pending: 0, other: 0};
  for (const entry of run.tests) counts[CTRF_STATUS[finalAttempt(entry).status] as keyof typeof counts]++;
  const outsideTests = fileFailures(run).map(fileFailureEntry);
  // Tests that `maxPassed` left out of the file are still counted, as they are in our own summary.
  counts.passed += run.stats.passedDropped;
  // So are the tests of files the monitor did not measure, with Jest's counts: their failures as failed, the rest
  // (passed, skipped or todo: the run does not know which) as other.
  if (run.unmeasured) {
    counts.failed += run.unmeasured.failedCount;
    counts.other += Math.max(0, run.unmeasured.testCount - run.unmeasured.failedCount);
  }
  const flaky = run.tests.filter(isFlaky).length;
  const summary = {
    tests: counts.passed + counts.failed + counts.skipped + counts.pending + counts.other,
    ...counts,
    flaky,
    start: Math.round(run.startedAtMs),
    stop: Math.round(run.startedAtMs + run.durationMs),
    duration: integerMs(run.durationMs),
    suites: run.files.length + (run.unmeasured?.files.length ?? 0),
    ...(outsideTests.length > 0 && {extra: {[EXTRA_KEY]: {failed_outside_tests: outsideTests.length, failures_outside_tests: outsideTests}}}),
  };
  const results = {
    tool: {name: 'jest', ...(run.system?.jestVersion && {version: run.system.jestVersion})},
    summary,
    ...(run.system && {environment: {osPlatform: run.system.platform, extra: {nodeVersion: run.system.nodeVersion, cpuCount: run.system.cpuCount}}}),
  };
  const head = JSON.stringify({reportFormat: 'CTRF', specVersion: CTRF_SPEC_VERSION, timestamp: new Date(run.startedAtMs).toISOString(), generatedBy: `jest-perf-monitor${toolVersion ? `@${toolVersion}` : ''}`}, null, 2);
  yield `${head.slice(0, -2)},\n  "results": {\n`;
  for (const [key, value] of Object.entries(results)) yield `    ${JSON.stringify(key)}: ${JSON.stringify(value)},\n`;
  yield '    "tests": [';
  for (let index = 0; index < run.tests.length; index++) yield `${index === 0 ? '\n' : ',\n'}      ${JSON.stringify(test(run.tests[index]))}`;
  yield `\n    ],\n    "extra": ${JSON.stringify({[EXTRA_KEY]: schemaTail(run)})}\n  }\n}\n`;
}
