/**
 * Unit tests of the pure logic behind SPEC section 5: budget rules, the comparison's noise floor, the leak
 * trend, the shard merge's figures, and the history trends. The fixture runs in checks.test.ts cover them end
 * to end.
 */
import {describe, expect, test} from '@jest/globals';
import {BudgetChecker} from '../src/analysis/BudgetChecker';
import {compareDurations, robustSpreadMs} from '../src/analysis/compareDurations';
import {findLeak} from '../src/analysis/findLeak';
import {findFlaky, findSlowest} from '../src/analysis/historyTrends';
import {mergeRuns} from '../src/analysis/mergeRuns';
import {LEAK_SAMPLES_PER_FILE, leakSamplePositions} from '../src/environment/TestRecorder';
import type {AttemptRecord, RunMetrics, TestEntry} from '../src/model/types';
import {OptionsError, resolveOptions} from '../src/options/resolveOptions';
import {RECOMMENDED_BUDGETS} from '../src/options/types';

const MIB = 1024 * 1024;

function attempt(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    attempt: 1, status: 'passed', startedAtMs: 0, durationMs: 10, setupMs: 2, callMs: 7, teardownMs: 1,
    rssStartBytes: 100 * MIB, rssPeakBytes: 120 * MIB, rssEndBytes: 101 * MIB, heapStartBytes: 10 * MIB, heapEndBytes: 11 * MIB,
    cpuUserMs: 5, cpuSystemMs: 1, cpuPercent: 60, concurrent: false, spans: [], failure: null, retainedHeapBytes: null, ...overrides,
  };
}

const entry = (id: string, overrides: Partial<AttemptRecord> = {}, attempts?: AttemptRecord[]): TestEntry => {
  const file = id.slice(0, id.indexOf('::'));
  return {id, file, project: null, record: {testPath: `/p/${file}`, titlePath: [id.slice(id.indexOf('::') + 2)], index: 0, workerId: 1, attempts: attempts ?? [attempt(overrides)]}};
};

describe('budgets', () => {
  test('per limit, the first matching rule that sets it wins; skipped tests are not checked', () => {
    const checker = new BudgetChecker({
      tests: [{match: '**/*.int.test.*', maxDuration: 2}, {match: '**', maxDuration: 0.1, maxMemoryDeltaMb: 0.5, maxSetup: 0.001}],
      suite: {maxDuration: 1, maxPeakMemoryMb: 110},
    });
    checker.check(entry('a/x.int.test.js::slow', {durationMs: 500, setupMs: 0.5, rssEndBytes: 100 * MIB}));
    checker.check(entry('a/y.test.js::slow', {durationMs: 500, setupMs: 0.5, rssEndBytes: 100 * MIB}));
    checker.check(entry('a/y.test.js::grows', {durationMs: 5, setupMs: 2, rssEndBytes: 101 * MIB}));
    checker.check(entry('a/y.test.js::skipped', {status: 'skipped', durationMs: 0, setupMs: 0}));
    const report = checker.report({durationMs: 2000});
    expect(report.testsChecked).toBe(3);
    expect(report.breaches).toEqual([
      {scope: 'test', test: 'a/y.test.js::slow', rule: '**', metric: 'duration', actualMs: 500, limitMs: 100},
      {scope: 'test', test: 'a/y.test.js::grows', rule: '**', metric: 'setup', actualMs: 2, limitMs: 1},
      {scope: 'test', test: 'a/y.test.js::grows', rule: '**', metric: 'memoryDelta', actualBytes: MIB, limitBytes: 0.5 * MIB},
      {scope: 'suite', test: null, rule: null, metric: 'duration', actualMs: 2000, limitMs: 1000},
      {scope: 'suite', test: null, rule: null, metric: 'peakMemory', actualBytes: 120 * MIB, limitBytes: 110 * MIB},
    ]);
  });

  test('the recommended set tells integration tests by their path', () => {
    const checker = new BudgetChecker(RECOMMENDED_BUDGETS);
    for (const id of ['test/integration/db.test.js::q', 'src/api.int.test.ts::q', 'e2e/login.spec.ts::q', 'src/unit.test.js::q']) {
      checker.check(entry(id, {durationMs: 500}));
    }
    expect(checker.report({durationMs: 1000}).breaches.map(breach => breach.test)).toEqual(['src/unit.test.js::q']);
  });

  test('a history baseline needs a history; an empty glob is refused', () => {
    const resolve = (raw: object): unknown => resolveOptions(raw, {rootDir: '/p', isCI: false, env: {}});
    // failOn without what it checks is a notice at run time (the baseline may come from CI only), not an error.
    expect(resolve({failOn: ['budget', 'regression']})).toMatchObject({failOn: ['budget', 'regression'], budgets: null, baseline: null});
    expect(() => resolve({baseline: 'history'})).toThrow(OptionsError);
    expect(() => resolve({budgets: {tests: [{match: '', maxDuration: 1}]}})).toThrow(/option "budgets" got/);
    expect(resolve({baseline: 'history:main', history: 'h.db'})).toMatchObject({baseline: 'history:main', history: '/p/h.db'});
    expect(resolve({baseline: 'base.json'})).toMatchObject({baseline: '/p/base.json'});
    expect(resolve({failOn: ['leak']})).toMatchObject({leaks: true});
    expect(resolve({})).toMatchObject({leaks: false, regressionMinChangeMs: 10, regressionThresholdPercent: 20});
  });
});

describe('comparing durations', () => {
  const sample = (id: string, durationMs: number, passed = true) => ({id, durationMs, passed});

  test('a change must beat both the threshold and the noise floor', () => {
    const report = compareDurations(
      [sample('big', 100), sample('tiny', 1), sample('small-change', 100), sample('faster', 300), sample('failed-now', 100), sample('gone', 5)],
      [sample('big', 200), sample('tiny', 4), sample('small-change', 115), sample('faster', 100), sample('failed-now', 900, false), sample('new', 5)],
      {baseline: 'b.json', thresholdPercent: 20, minChangeMs: 10},
    );
    expect(report.regressions.map(change => [change.id, change.changePercent, change.noiseMs])).toEqual([['big', 100, 10]]);
    expect(report.improvements.map(change => change.id)).toEqual(['faster']);
    expect(report).toMatchObject({compared: 4, added: ['new'], removed: ['gone']});
  });

  test('with history, 3 robust σ of the test\'s runs raise the floor', () => {
    // Runs that swing by ±20 ms: a 40 ms change is within the noise.
    const spread = robustSpreadMs([80, 100, 120, 90, 110, 100, 85, 115]);
    expect(spread).toBeGreaterThan(15);
    const compare = (spreadMs: number | null) =>
      compareDurations([sample('t', 100)], [sample('t', 140)], {baseline: 'history', thresholdPercent: 20, minChangeMs: 10, spreadMs: () => spreadMs});
    expect(compare(spread).regressions).toEqual([]);
    expect(compare(null).regressions).toHaveLength(1);
    expect(robustSpreadMs([1, 2, 3, 4])).toBeNull();
  });
});

describe('leaks', () => {
  const series = (values: number[], step = 1): TestEntry[] =>
    values.map((mib, i) => {
      const test = entry(`f.test.js::t${i}`, {retainedHeapBytes: mib * MIB});
      test.record.index = i * step;
      return test;
    });

  test('steady growth is flagged with its slope; a cache filled once, noise or too few tests are not', () => {
    const leak = findLeak('f.test.js', series([20, 22, 24, 26, 28, 30]));
    expect(leak).toMatchObject({flagged: true, tests: 6, growingShare: 1, retainedFirstBytes: 20 * MIB, retainedLastBytes: 30 * MIB});
    expect(leak!.growthPerTestBytes).toBeCloseTo(2 * MIB, 0);
    expect(findLeak('f.test.js', series([20, 30, 30, 30, 30, 30]))!.flagged).toBe(false);
    expect(findLeak('f.test.js', series([20, 20.01, 20, 20.01, 20, 20.01]))!.flagged).toBe(false);
    expect(findLeak('f.test.js', series([20, 20.01, 20.02, 20.03, 20.04]))!.flagged).toBe(false);
    expect(findLeak('f.test.js', series([20, 25, 30]))).toBeNull();
    expect(findLeak('f.test.js', [entry('f.test.js::x')])).toBeNull();
  });

  test('a sampled file: the slope is per test, not per sample', () => {
    // Measured after every 10th test, growing 5 MiB between samples: 0.5 MiB per test.
    const leak = findLeak('f.test.js', series([20, 25, 30, 35, 40], 10));
    expect(leak!.growthPerTestBytes).toBeCloseTo(0.5 * MIB, 0);
    expect(leak!.flagged).toBe(true);
  });

  test('large files are measured after an even sample of 16 tests, first and last included', () => {
    expect([...leakSamplePositions(5)]).toEqual([0, 1, 2, 3, 4]);
    const sampled = [...leakSamplePositions(100)];
    expect(sampled).toHaveLength(LEAK_SAMPLES_PER_FILE);
    expect(sampled[0]).toBe(0);
    expect(sampled[sampled.length - 1]).toBe(99);
  });
});

describe('merging shards', () => {
  const run = (tests: TestEntry[], overrides: Partial<RunMetrics> = {}): RunMetrics => ({
    schemaVersion: 1, startedAtMs: 1000, durationMs: 500, system: null, tests, files: [],
    summary: {totalDurationMs: 0, avgDurationMs: 0, maxDurationMs: 0, minDurationMs: 0, avgMemoryDeltaBytes: 0, maxMemoryDeltaBytes: 0},
    stats: {failuresCount: 0, passedCount: tests.length, totalCount: tests.length, failuresAtLimit: false, passedAtLimit: false, passedDropped: 0, failuresDropped: 0, retainedBytes: 0},
    budgets: null, regressions: null, leaks: null, workerMemory: null, interrupted: false, unmeasured: null, imports: null, overhead: {environmentMs: 1, reporterMs: 2, traceMs: 0}, ...overrides,
  });

  test('a duplicate id keeps the later run; the summary is recomputed from the tests', () => {
    const early = entry('a.test.js::t', {durationMs: 10, startedAtMs: 1000});
    const late = entry('a.test.js::t', {durationMs: 30, startedAtMs: 5000});
    const {run: merged, duplicateIds} = mergeRuns([run([late, entry('b.test.js::u', {durationMs: 20})], {startedAtMs: 4000, durationMs: 2000}), run([early])]);
    expect(duplicateIds).toEqual(['a.test.js::t']);
    expect(merged.tests.map(test => test.record.attempts[0].durationMs)).toEqual([30, 20]);
    expect(merged.summary).toMatchObject({totalDurationMs: 50, avgDurationMs: 25, maxDurationMs: 30, minDurationMs: 20});
    expect(merged).toMatchObject({startedAtMs: 1000, durationMs: 5000, overhead: {environmentMs: 2, reporterMs: 4}});
    expect(merged.stats).toMatchObject({totalCount: 2, passedCount: 2});
  });

  test('when a shard dropped passed tests, the summaries are combined by weight', () => {
    const summary = (total: number, count: number, max: number, min: number) => ({totalDurationMs: total, avgDurationMs: total / count, maxDurationMs: max, minDurationMs: min, avgMemoryDeltaBytes: 1, maxMemoryDeltaBytes: 2});
    const a = run([entry('a.test.js::t')], {summary: summary(300, 3, 200, 40), stats: {failuresCount: 0, passedCount: 3, totalCount: 3, failuresAtLimit: false, passedAtLimit: true, passedDropped: 2, failuresDropped: 0, retainedBytes: 0}});
    const b = run([entry('b.test.js::t')], {summary: summary(100, 1, 100, 100)});
    const {run: merged, summaryFromInputs} = mergeRuns([a, b]);
    expect(summaryFromInputs).toBe(true);
    expect(merged.summary).toEqual({totalDurationMs: 400, avgDurationMs: 100, maxDurationMs: 200, minDurationMs: 40, avgMemoryDeltaBytes: 1, maxMemoryDeltaBytes: 2});
    expect(merged.stats).toMatchObject({totalCount: 4, passedCount: 4, passedDropped: 2, passedAtLimit: true});
  });
});

describe('history trends', () => {
  test('flaky: outcome flips and passes after retries, the most unstable first', () => {
    const outcomes = new Map([
      ['stable', [{status: 'passed', attempts: 1}, {status: 'passed', attempts: 1}]],
      ['flips', [{status: 'passed', attempts: 1}, {status: 'failed', attempts: 1}, {status: 'passed', attempts: 1}]],
      ['retried', [{status: 'passed', attempts: 2}, {status: 'passed', attempts: 1}]],
    ]);
    expect(findFlaky(outcomes)).toEqual([
      {id: 'flips', runs: 3, failed: 1, flips: 2, passedAfterRetry: 0},
      {id: 'retried', runs: 2, failed: 0, flips: 0, passedAfterRetry: 1},
    ]);
  });

  test('slowest: the median of the newer half against the older half, the biggest increase first', () => {
    const durations = new Map([
      ['one-spike', [10, 10, 10, 100, 10, 10]],
      ['shifted', [10, 11, 10, 30, 31, 30]],
      ['faster', [30, 30, 10, 10]],
      ['single', [50]],
    ]);
    expect(findSlowest(durations, 5)).toEqual([{id: 'shifted', runs: 6, beforeMs: 10, nowMs: 30}]);
  });
});
