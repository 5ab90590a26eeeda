/**
 * Failure context (SPEC section 4): static/profile/trace modes, captured variables, redaction, memory limits and
 * captureRate, each through real Jest runs of fixture projects.
 */
import {describe, expect, test} from '@jest/globals';
import {readFileSync} from 'fs';
import * as path from 'path';
import {isSampled} from '../../src/model/testId';
import {MAX_PAUSES_PER_TEST} from '../../src/environment/TraceCapture';
import {expectSameOutcomesAsJest, MAJORS, runJest} from '../harness/runJest';
import type {JestRun} from '../harness/runJest';

/** Secrets the context fixture puts in variables: none may reach the report. */
const SECRETS = ['hunter2', 'tok-secret', 'sk-live-should-never-appear', 'local-secret', 'map-secret'];

describe.each(MAJORS)('Jest %i', major => {
  test('profile: a TypeScript failure points at the .ts line, with a code frame and a stack without internals', async () => {
    const run = await runJest('failure-context', {major, jestJson: true, env: {JEST_PERF_MODE: 'profile'}});
    expect(run.exitCode).toBe(1);
    expectSameOutcomesAsJest(run);

    // The helper's `throw` is on line 16 of src/geometry.ts; the emitted JavaScript drops the interfaces above it.
    const helper = run.test('geometry > a negative radius throws from the helper').failure!;
    expect(helper).toMatchObject({error_type: 'RangeError', message: 'negative size -2', captured: true, locals: null, closure: null});
    expect(helper.location).toEqual({file: 'src/geometry.ts', line: 16, column: expect.any(Number)});
    expect(helper.code_frame).toContain('> 16 |   if (size < 0) throw new RangeError(`negative size ${size}`);');
    expect(helper.stack).toMatch(/^RangeError: negative size -2\n/);
    expect(helper.stack).toContain('geometry.test.ts:12:');
    expect(helper.stack).not.toMatch(/node_modules|node:|<anonymous>\)/);

    const assertion = run.test('geometry > an assertion fails in the test body').failure!;
    expect(assertion.error_type).toBe('JestAssertionError');
    expect(assertion.location).toEqual({file: 'geometry.test.ts', line: 18, column: 22});
    expect(assertion.code_frame).toContain('> 18 |     expect(computed).toBe(10);');
    // The summary shows each failure with its place and code frame.
    expect(run.stderr).toContain('at geometry.test.ts:18:22');
    expect(run.stderr).toContain('> 18 |     expect(computed).toBe(10);');
  });

  test.each([
    ['in band', ['--runInBand']],
    ['in workers', ['--maxWorkers=2']],
  ])('trace (%s): locals of the helper and the test, describe fixtures, redaction, bounded values', async (_how, args) => {
    const run = await runJest('failure-context', {major, jestJson: true, args, env: {JEST_PERF_PRESET: 'development', JEST_PERF_MODE: 'trace'}});
    expect(run.exitCode).toBe(1);
    expectSameOutcomesAsJest(run);
    expect(run.stderr).not.toContain('trace mode is off');

    const helper = run.test('checkout > fails in a helper with locals and describe fixtures').failure!;
    expect(helper.locals).toEqual({
      'checkout (context.test.js)': {
        cart: {items: [{price: 7}, {price: 8}]},
        account: {__class__: 'Account', owner: 'Ada', balance: 10, history: [1, 2, 3]},
        total: 15,
        apiKey: '[redacted]',
      },
      '<anonymous> (context.test.js)': {cart: {items: [{price: 7}, {price: 8}]}, password: '[redacted]'},
    });
    // The describe-scope fixtures that beforeEach assigned, nested secrets redacted too.
    expect(helper.closure).toMatchObject({
      user: {name: 'Ada', password: '[redacted]', roles: ['admin'], nested: {credentials: '[redacted]'}},
      account: {__class__: 'Account', owner: 'Ada'},
    });

    const bounded = Object.values(run.test('checkout > bounded values: a cycle, a 1 MB string, a long array and a class instance').failure!.locals!)[0];
    expect(bounded.cyclic).toEqual({name: 'root', self: '[Circular]'});
    expect(bounded.big).toMatch(/^x{500}… \[1048576 chars\]$/);
    expect(bounded.many).toHaveLength(31);
    expect((bounded.many as unknown[])[30]).toBe('… 9970 more items');
    // maxDepth 6 (development preset): six levels below the variable, then a marker.
    expect(JSON.stringify(bounded.deep)).toBe('{"a":{"b":{"c":{"d":{"e":{"f":"[Object]"}}}}}}');
    expect(bounded.instance).toEqual({__class__: 'Account', owner: 'Grace', balance: 10, history: [1, 2, 3]});
    expect(bounded.map).toEqual({__class__: 'Map', size: 2, entries: [['token', '[redacted]'], ['k', 1]]});

    // A TypeScript helper's frame, by its source file.
    expect(run.test('geometry > a negative radius throws from the helper').failure!.locals).toMatchObject({
      'area (src/geometry.ts)': {shape: {kind: 'circle', radius: -2}, size: -2},
    });
    expect(Object.values(run.test('checkout > throws a string').failure!.locals!)[0]).toEqual({reason: 'plain'});

    const text = readFileSync(path.join(run.dir, 'performance_metrics.json'), 'utf8');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    for (const secret of SECRETS) expect(run.stderr).not.toContain(secret);
    // The printed summary shows the variables.
    expect(run.stderr).toContain('locals of checkout (context.test.js): cart={"items":[{"price":7},{"price":8}]}');
    // What the debugger cost (its set-up at least, in every worker) is in the own-cost figure, and the line says so.
    const overhead = run.metrics().overhead;
    expect(overhead.trace_time).toBeGreaterThan(0);
    expect(overhead.environment_time).toBeGreaterThanOrEqual(overhead.trace_time);
    expect(run.stderr).toMatch(/Own cost: [\d.]+ m?s in test environments \([\d.]+ % of test time; [\d.]+ m?s of it trace mode's debugger: set-up, pauses, recompiles \(estimated\)\)/);
  });

  test('trace: a test that catches its own exceptions keeps its outcome, and pausing stops after the stated budget', async () => {
    const common = {major, jestJson: true, args: ['catches', 'context']};
    const trace = await runJest('failure-context', {...common, env: {JEST_PERF_PRESET: 'development', JEST_PERF_MODE: 'trace'}});
    const profile = await runJest('failure-context', {...common, env: {JEST_PERF_MODE: 'profile'}});
    expectSameOutcomesAsJest(trace);
    expect(trace.test('catches a thousand of its own exceptions and passes').status).toBe('passed');
    // 1,000 throws, but at most MAX_PAUSES_PER_TEST debugger pauses (~1 ms each): that bounds the slow-down.
    const pauses = trace.metrics().files['catches.test.js'].trace_pauses;
    expect(pauses).toBeGreaterThan(0);
    expect(pauses).toBeLessThanOrEqual(MAX_PAUSES_PER_TEST);
    expect(profile.metrics().files['catches.test.js'].trace_pauses).toBe(0);
    expect(profile.metrics().overhead.trace_time).toBe(0);
    // Loose on purpose (a timing on a shared machine): ten pauses cannot cost anywhere near half a second.
    const slower = trace.test('catches a thousand of its own exceptions and passes').duration - profile.test('catches a thousand of its own exceptions and passes').duration;
    expect(slower).toBeLessThan(0.5);
    // After the budget is spent, the test's own failure keeps profile-mode detail.
    const late = trace.test('catches its own exceptions, then fails for real').failure!;
    expect(late).toMatchObject({error_type: 'JestAssertionError', captured: true, locals: null});
    expect(late.code_frame).toContain("expect(expected).toBe('real failure');");
  });

  test('trace on jsdom captures locals too', async () => {
    const run = await runJest('failure-context', {
      major,
      args: ['context'],
      env: {JEST_PERF_PRESET: 'development', JEST_PERF_MODE: 'trace'},
      files: {'jest.config.js': "module.exports = {testEnvironment: 'jest-perf-monitor/environment-jsdom', reporters: ['default', ['jest-perf-monitor', {}]]};\n"},
    });
    expect(run.exitCode).toBe(1);
    expect(run.test('checkout > fails in a helper with locals and describe fixtures').failure!.locals).toMatchObject({
      'checkout (context.test.js)': {total: 15, apiKey: '[redacted]'},
    });
  });

  test('trace: every failure kind keeps its outcome, message and location', async () => {
    const run = await runJest('failures', {major, jestJson: true, env: {JEST_PERF_PRESET: 'development', JEST_PERF_MODE: 'trace'}});
    expect(run.exitCode).toBe(1);
    expectSameOutcomesAsJest(run);
    const failed = Object.values(run.metrics().tests).filter(t => t.status === 'failed');
    expect(failed).toHaveLength(12);
    for (const t of failed) {
      expect(t.failure!.message.length).toBeGreaterThan(0);
      expect(t.failure!.location).not.toBeNull();
    }
    // An error thrown after an await is still matched to the variables read when it was thrown.
    expect(run.test('throws > after an await').failure).toMatchObject({error_type: 'TypeError', message: 'late failure'});
    expect(run.test('fails on every attempt').failure!.message).toBe('attempt 3 failed');
    expect(run.metrics().files['failures.test.js'].hook_failures).toHaveLength(3);
  });

  test('static mode keeps the message and location only', async () => {
    const run = await runJest('failure-context', {major, args: ['geometry'], env: {JEST_PERF_MODE: 'static'}});
    const failure = run.test('geometry > a negative radius throws from the helper').failure!;
    expect(failure).toMatchObject({error_type: null, message: 'negative size -2', code_frame: null, stack: null, locals: null, captured: true});
    expect(failure.location).toMatchObject({file: 'src/geometry.ts', line: 16});
  });

  test('limits: the most recent failures and the slowest passed tests are kept; stats and summary cover all', async () => {
    const run = await runJest('limits', {major, env: {JEST_PERF_MAX_FAILURES: '5', JEST_PERF_MAX_PASSED: '3'}});
    const metrics = run.metrics();
    expect(metrics.stats).toMatchObject({
      failures_count: 30, passed_count: 20, total_count: 50, failures_at_limit: true, passed_at_limit: true,
      failures_dropped: 25, passed_dropped: 17,
    });
    expect(metrics.stats.memory_usage_mb).toBeGreaterThan(0);
    expect(metrics.session.total_tests).toBe(50);
    const ids = Object.keys(metrics.tests);
    expect(ids.filter(id => id.includes('passing'))).toEqual(['many.test.js::passing > passed 17', 'many.test.js::passing > passed 18', 'many.test.js::passing > passed 19']);
    const failures = ids.filter(id => id.includes('failing')).map(id => metrics.tests[id].failure!);
    expect(failures).toHaveLength(30);
    const full = failures.filter(f => f.captured);
    expect(full.map(f => f.test)).toEqual(Array.from({length: 5}, (_, i) => `many.test.js::failing > failure ${25 + i}`));
    for (const f of full) expect(f.stack).not.toBeNull();
    for (const f of failures.filter(f => !f.captured)) {
      expect(f).toMatchObject({error_type: 'JestAssertionError', code_frame: null, stack: null, location: {file: 'many.test.js', line: 11}});
      expect(f.message).toContain('Expected: -1');
    }
    // The summary is over all 50 executed tests, not the 33 kept.
    const passedMax = 0.03 + 0.019;
    expect(metrics.summary.max_duration).toBeGreaterThanOrEqual(passedMax * 0.95);
    expect(run.stderr).toContain('jest-perf-monitor: 50 tests (20 passed, 30 failed)');
    expect(run.stderr).toContain('… and 20 more failures not shown');
    expect(run.stderr).toContain('Memory limits: 17 fast passed tests left out of the file (maxPassed); detail of the 25 oldest failures dropped (maxFailures)');
  });

  test('captureRate samples the same failures on every run, by test id', async () => {
    const env = {JEST_PERF_CAPTURE_RATE: '0.5', JEST_PERF_MAX_FAILURES: 'unlimited'};
    const first = await runJest('limits', {major, env});
    const second = await runJest('limits', {major, env});
    const captured = (run: JestRun) => Object.values(run.metrics().tests).filter(t => t.failure?.captured).map(t => t.failure!.test);
    const expected = Object.keys(first.metrics().tests).filter(id => id.includes('failing') && isSampled(id, 0.5));
    expect(captured(first)).toEqual(expected);
    expect(captured(second)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.length).toBeLessThan(25);
    const skipped = Object.values(first.metrics().tests).find(t => t.failure && !t.failure.captured)!.failure!;
    expect(skipped).toMatchObject({code_frame: null, stack: null, error_type: 'JestAssertionError', location: {line: 11}});
  });
});

test('trace mode falls back to profile with one notice under --detectLeaks', async () => {
  const run = await runJest('failure-context', {major: MAJORS[0], args: ['geometry', '--detectLeaks'], env: {JEST_PERF_PRESET: 'development', JEST_PERF_MODE: 'trace'}});
  expect(run.stderr.match(/trace mode is off \(--detectLeaks is on\)/g)).toHaveLength(1);
  const failure = run.test('geometry > a negative radius throws from the helper').failure!;
  expect(failure).toMatchObject({error_type: 'RangeError', locals: null});
  expect(failure.code_frame).toContain('> 16 |');
});
