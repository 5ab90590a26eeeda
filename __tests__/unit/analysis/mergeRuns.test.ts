import {describe, expect, test} from '@jest/globals';
import {mergeRuns} from '../../../src/analysis/mergeRuns';
import type {RunMetrics, TestEntry} from '../../../src/model/types';
import {entry} from '../../harness/syntheticRun';

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
