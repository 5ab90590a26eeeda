/**
 * Every kind of test and failure is recorded, with the same outcome Jest itself reports.
 */
import {describe, expect, test} from '@jest/globals';
import {expectSameOutcomesAsJest, MAJORS, runJest} from '../harness/runJest';

describe.each(MAJORS)('Jest %i', major => {
  test('retries, concurrent, skip/todo, duplicate titles, unicode and control characters', async () => {
    const run = await runJest('lifecycle', {major, jestJson: true});
    expect(run.exitCode).toBe(0);
    expectSameOutcomesAsJest(run);
    const ids = Object.keys(run.metrics().tests);

    const retried = run.test('retries > passes on the third attempt');
    expect(retried.status).toBe('passed');
    expect(retried.attempts?.map(a => [a.attempt, a.status])).toEqual([[1, 'failed'], [2, 'failed'], [3, 'passed']]);
    expect(retried.attempts?.[0].failure?.message).toBe('attempt 1 fails');

    expect(run.test('concurrent > one').concurrent).toBe(true);
    expect(run.test('concurrent > two').concurrent).toBe(true);
    expect(run.test('retries > passes on the third attempt').concurrent).toBe(false);

    for (const [suffix, status] of [['not run > skipped', 'skipped'], ['not run > todo', 'todo']]) {
      const t = run.test(suffix);
      expect(t.status).toBe(status);
      expect([t.duration, t.setup_time, t.call_time, t.teardown_time]).toEqual([0, 0, 0, 0]);
      expect(t.cpu_percent).toBeNull();
    }

    expect(ids.filter(id => id.includes('duplicates > same title'))).toEqual([
      'lifecycle.test.js::duplicates > same title',
      'lifecycle.test.js::duplicates > same title [2]',
      'lifecycle.test.js::duplicates > same title [3]',
    ]);
    expect(ids).toContain('lifecycle.test.js::ünïcødé ✓ 日本語 > emoji 🚀 and "quotes"');
    expect(ids).toContain('lifecycle.test.js::ünïcødé ✓ 日本語 > control \u0001 char\tand tab');

    // Skipped and todo tests are listed but not averaged.
    const metrics = run.metrics();
    expect(metrics.session.total_tests).toBe(10);
    const executed = Object.values(metrics.tests).filter(t => t.status === 'passed' || t.status === 'failed');
    const total = executed.reduce((sum, t) => sum + t.duration, 0);
    expect(metrics.summary.total_duration).toBeCloseTo(total, 4);
    expect(metrics.summary.avg_duration).toBeCloseTo(total / executed.length, 4);
    expect(metrics.summary.min_duration).toBeGreaterThan(0);
  });

  test('every failure kind: hooks, assertions, timeouts, non-Error throws, errors after an await', async () => {
    const run = await runJest('failures', {major, jestJson: true});
    expect(run.exitCode).toBe(1);
    expectSameOutcomesAsJest(run);

    const failure = (suffix: string) => {
      const t = run.test(suffix);
      expect(t.status).toBe('failed');
      return t.failure!;
    };
    const at = (suffix: string) => failure(suffix).location;

    expect(failure('beforeAll fails > a')).toMatchObject({phase: 'beforeAll', error_type: 'Error', message: 'beforeAll broke'});
    expect(failure('beforeAll fails > b').phase).toBe('beforeAll');
    expect(at('beforeAll fails > a')).toEqual({file: 'failures.test.js', line: 3, column: 11});

    const beforeEach = run.test('beforeEach fails > body never runs');
    expect(beforeEach.failure).toMatchObject({phase: 'beforeEach', message: 'beforeEach broke'});
    expect(beforeEach.call_time).toBe(0);

    expect(failure('afterEach fails > body passes')).toMatchObject({phase: 'afterEach', message: 'afterEach broke'});
    expect(run.test('afterAll fails > still passes').status).toBe('passed');

    expect(failure('throws > assertion')).toMatchObject({phase: 'test', error_type: 'JestAssertionError'});
    expect(failure('throws > assertion').message).toContain('Expected: 3');
    expect(at('throws > assertion')).toEqual({file: 'failures.test.js', line: 39, column: 19});

    const timeout = failure('throws > timeout');
    expect(timeout.error_type).toBe('Timeout');
    expect(timeout.message).toMatch(/^Exceeded timeout of 200 ms/);
    expect(timeout.location?.line).toBe(41);
    expect(run.test('throws > timeout').call_time).toBeGreaterThanOrEqual(0.195);

    expect(failure('throws > a string')).toMatchObject({error_type: 'string', message: 'Thrown: "plain string"'});
    expect(failure('throws > null')).toMatchObject({error_type: 'null', message: 'Thrown: null'});
    expect(failure('throws > undefined')).toMatchObject({error_type: 'undefined', message: 'Thrown: undefined'});
    expect(failure('throws > a plain object').message).toBe("Thrown: { code: 42, reason: 'object thrown' }");
    for (const suffix of ['throws > a string', 'throws > null', 'throws > undefined', 'throws > a plain object']) {
      expect(at(suffix)?.file).toBe('failures.test.js');
    }
    expect(failure('throws > after an await')).toMatchObject({error_type: 'TypeError', message: 'late failure'});
    expect(at('throws > after an await')?.line).toBe(56);

    expect(run.test('throws > failing test that fails').status).toBe('passed');
    expect(run.test('throws > passes').failure).toBeUndefined();

    const file = run.metrics().files['failures.test.js'];
    expect(file.hook_failures.map(f => [f.phase, f.message])).toEqual([
      ['beforeAll', 'beforeAll broke'],
      ['afterAll', 'afterAll broke'],
      ['afterAll', 'Thrown: "afterAll string"'],
    ]);
    // A string thrown in a hook is located where the hook was declared.
    expect(file.hook_failures[2].location).toEqual({file: 'failures.test.js', line: 31, column: 3});
    expect(run.metrics().stats).toMatchObject({failures_count: 12, passed_count: 4, total_count: 16, failures_at_limit: false, passed_at_limit: false});
    // A retried test's entry holds its final failure; every attempt keeps its own.
    const retried = run.test('fails on every attempt', undefined);
    expect(retried.failure?.message).toBe('attempt 3 failed');
    expect(retried.attempts?.map(a => a.failure?.message)).toEqual(['attempt 1 failed', 'attempt 2 failed', 'attempt 3 failed']);
    // Plain text: no ANSI colour codes, even though expect colours its messages.
    expect(JSON.stringify(run.metrics())).not.toMatch(/\\u001b\[/);
  });
});
