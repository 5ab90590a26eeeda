import {describe, expect, test} from '@jest/globals';
import {compareDurations, robustSpreadMs, durationSamples, judgeClock, referenceShare} from '../../../src/analysis/compareDurations';
import type {DurationSample} from '../../../src/analysis/compareDurations';

describe('comparing durations', () => {
  const sample = (id: string, durationMs: number, passed = true) => ({id, durationMs, passed, cpuMs: null});

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

/** A deterministic scatter of ±`amount` (a share), so that the runs are noisy but the tests repeatable. */
const jitter = (i: number, amount: number): number => 1 + amount * Math.sin(i * 12.9898);

interface Shape {
  /** CPU work, ms. */
  cpuMs: number;
  /** Waiting (timers, I/O), ms. */
  waitMs: number;
}

/** Ten busy tests of 20–200 ms, four waiting ones, three too short to measure. */
const SUITE: Array<[string, Shape]> = [
  ...Array.from({length: 10}, (_, i): [string, Shape] => [`busy ${i}`, {cpuMs: 20 * (i + 1), waitMs: 0.5}]),
  ...[20, 30, 50, 80].map((ms, i): [string, Shape] => [`waits ${i}`, {cpuMs: 1, waitMs: ms}]),
  ...[0, 1, 2].map((i): [string, Shape] => [`tiny ${i}`, {cpuMs: 0.2, waitMs: 0.1}]),
];

/**
 * A run of SUITE: `load` stretches the wall time of CPU work (2 = a CPU ms takes 2 ms of wall time), `code` scales
 * the CPU work of the tests it names (`*` for all), `seed` moves the jitter.
 */
function runOf(options: {load?: number; code?: Record<string, number>; seed?: number; extraWaitMs?: Record<string, number>; extraCpuMs?: Record<string, number>}): DurationSample[] {
  const {load = 1, code = {}, seed = 0, extraWaitMs = {}, extraCpuMs = {}} = options;
  return SUITE.map(([id, shape], i) => {
    const cpuMs = shape.cpuMs * (code[id] ?? code['*'] ?? 1) * jitter(i + seed * 31, 0.03) + (extraCpuMs[id] ?? 0);
    const waitMs = shape.waitMs * jitter(i + seed * 17 + 5, 0.05) + (extraWaitMs[id] ?? 0);
    return {id, passed: true, cpuMs, durationMs: waitMs + cpuMs * load * jitter(i + seed * 7 + 3, 0.08)};
  });
}

const options = {baseline: 'b.json', thresholdPercent: 20, minChangeMs: 10};

describe('drift', () => {
  test('the same code on a loaded machine: the run is slower on the wall clock, no test is flagged, no run-level finding', () => {
    for (const load of [1.5, 2.5, 4]) {
      const report = compareDurations(runOf({}), runOf({load, seed: 1}), options);
      expect(report.regressions).toEqual([]);
      expect(report.improvements).toEqual([]);
      expect(report.drift!.overall!.factor).toBeGreaterThan(1.3);
      expect(report.drift!.cpu!.factor).toBeGreaterThan(0.95);
      expect(report.drift!.cpu!.factor).toBeLessThan(1.05);
      expect(report.drift!.load!.factor).toBeGreaterThan(load * 0.85);
      expect(report.drift!.load!.factor).toBeLessThan(load * 1.15);
      expect(report.drift!.finding).toBeNull();
    }
  });

  test('one busy test made 3x slower under the same load is flagged, on the CPU clock, and no other', () => {
    const report = compareDurations(runOf({}), runOf({load: 2.5, seed: 2, code: {'busy 4': 3}}), options);
    expect(report.regressions.map(change => change.id)).toEqual(['busy 4']);
    expect(report.improvements).toEqual([]);
    const [change] = report.regressions;
    expect(change.clock).toBe('cpu');
    // The CPU figures: 100 ms of work, then about 300.
    expect(change.baselineMs).toBeGreaterThan(90);
    expect(change.currentMs / change.baselineMs).toBeGreaterThan(2.7);
    expect(change.driftFactor).toBeCloseTo(report.drift!.cpu!.factor, 6);
    expect(change.factorMargin).toBeGreaterThanOrEqual(1.2);
  });

  test('the code 1.5x slower everywhere is a run-level finding, not a list of tests, and is never normalised away', () => {
    const report = compareDurations(runOf({}), runOf({seed: 3, code: {'*': 1.5}}), options);
    expect(report.drift!.finding).toMatchObject({clock: 'cpu', direction: 'slower'});
    expect(report.drift!.finding!.factor).toBeGreaterThan(1.4);
    expect(report.drift!.finding!.factor).toBeLessThan(1.6);
    expect(report.regressions).toEqual([]);
    // The same slowdown on a loaded machine is still found, and the load told apart from it.
    const loaded = compareDurations(runOf({}), runOf({load: 2, seed: 4, code: {'*': 1.5}}), options);
    expect(loaded.drift!.finding).toMatchObject({clock: 'cpu', direction: 'slower'});
    expect(loaded.drift!.load!.factor).toBeGreaterThan(1.7);
  });

  test('a waiting test made slower is judged on wall time; a busy test that starts to wait keeps the CPU clock', () => {
    const waits = compareDurations(runOf({}), runOf({load: 2, seed: 6, extraWaitMs: {'waits 3': 300}}), options);
    expect(waits.regressions.map(change => [change.id, change.clock])).toEqual([['waits 3', 'wall']]);
    // The clock comes from the baseline: this run's share cannot tell a wait from a loaded machine (the limit
    // docs/checks.md#the-clock states). Its wall time is in the report, not in a verdict.
    const busy = compareDurations(runOf({}), runOf({seed: 5, extraWaitMs: {'busy 2': 400}}), options);
    expect(busy.regressions).toEqual([]);
  });

  test('under a run-level slowdown, a test that lags the drift but is no faster than before is no improvement', () => {
    const fixedPart = runOf({});
    const slower = runOf({seed: 9, code: {'*': 1.5, 'busy 0': 1.05}});
    const report = compareDurations(fixedPart, slower, options);
    expect(report.drift!.finding).toMatchObject({direction: 'slower'});
    expect(report.improvements).toEqual([]);
  });

  test('a faster machine is no improvement; a test made 3x faster is', () => {
    const baseline = runOf({load: 2});
    expect(compareDurations(baseline, runOf({seed: 7}), options).improvements).toEqual([]);
    const faster = compareDurations(baseline, runOf({seed: 8, code: {'busy 9': 1 / 3}}), options);
    expect(faster.improvements.map(change => change.id)).toEqual(['busy 9']);
  });

  test('kernel time alone does not make a CPU-clock regression: the user time must show it too', () => {
    const withUser = (samples: DurationSample[], systemMs: Record<string, number> = {}): DurationSample[] =>
      samples.map(sample => ({...sample, userMs: sample.cpuMs, cpuMs: sample.cpuMs! + (systemMs[sample.id] ?? 0), durationMs: sample.durationMs + (systemMs[sample.id] ?? 0)}));
    // Under load, the first test's system time went from ~0 to 39 ms with the code unchanged (measured).
    const kernel = compareDurations(withUser(runOf({})), withUser(runOf({load: 2.5, seed: 10}), {'busy 1': 39}), options);
    expect(kernel.regressions).toEqual([]);
    const real = compareDurations(withUser(runOf({})), withUser(runOf({load: 2.5, seed: 10, code: {'busy 1': 3}})), options);
    expect(real.regressions.map(change => change.id)).toEqual(['busy 1']);
  });

  test('CPU time V8\'s background threads add to whichever test runs (10–20 ms) is within the run\'s CPU-clock noise; a real change is not', () => {
    // Measured on the drift fixture: with the code unchanged, a 27 ms test took 12 ms more than predicted, and others
    // 4–10 ms more (docs/performance.md#verdicts-on-a-loaded-machine).
    const background = {'busy 2': 5, 'busy 3': 9, 'busy 5': -4, 'busy 6': 6, 'busy 8': -5};
    const noisy = compareDurations(runOf({}), runOf({seed: 11, code: {'*': 1.5}, extraCpuMs: {...background, 'busy 0': 12}}), options);
    expect(noisy.drift!.cpuNoiseMs).toBeGreaterThan(12);
    expect(noisy.regressions).toEqual([]);
    // The same 12 ms without that scatter around it is a change the run can tell.
    const quiet = compareDurations(runOf({}), runOf({seed: 11, code: {'*': 1.5}, extraCpuMs: {'busy 0': 12}}), options);
    expect(quiet.drift!.cpuNoiseMs).toBeLessThan(12);
    expect(quiet.regressions.map(change => change.id)).toEqual(['busy 0']);
    // A real change of that test, 3x its work, stands out of the same scatter.
    const real = compareDurations(runOf({}), runOf({seed: 11, code: {'*': 1.5, 'busy 0': 4.5}, extraCpuMs: background}), options);
    expect(real.regressions.map(change => [change.id, change.clock])).toEqual([['busy 0', 'cpu']]);
  });

  test('with too few tests to measure, no drift is estimated and each test is judged as measured', () => {
    const sample = (id: string, durationMs: number): DurationSample => ({id, passed: true, durationMs, cpuMs: durationMs});
    const report = compareDurations([sample('a', 100), sample('b', 100)], [sample('a', 300), sample('b', 100)], options);
    expect(report.drift).toMatchObject({overall: null, cpu: null, load: null, wall: null, finding: null});
    expect(report.regressions.map(change => [change.id, change.driftFactor])).toEqual([['a', 1]]);
  });
});

describe('the clock', () => {
  const busy = (cpuMs: number, durationMs: number): DurationSample => ({id: 't', passed: true, durationMs, cpuMs});
  test('CPU time for a test busy on the CPU in either run, relative to that run\'s busiest; wall time otherwise', () => {
    const reference = {then: 0.5, now: 0.9};
    // On a loaded baseline machine, where the busiest tests got 50 % of a core, 25 % is busy (and 13 % still is).
    expect(judgeClock(busy(25, 100), busy(30, 400), reference)).toBe('cpu');
    // A busy test that got 9 % of a core in a loaded baseline, and its share in this run.
    expect(judgeClock(busy(9, 100), busy(27, 30), reference)).toBe('cpu');
    // Mostly waiting in both runs.
    expect(judgeClock(busy(10, 100), busy(10, 100), reference)).toBe('wall');
    // A concurrent test's CPU time is its worker's: no CPU clock.
    expect(judgeClock(busy(90, 100), {id: 't', passed: true, durationMs: 100, cpuMs: null}, reference)).toBe('wall');
    expect(judgeClock(busy(90, 100), busy(9, 100), {then: null, now: 0.9})).toBe('wall');
    // Too short to divide by.
    expect(judgeClock(busy(2, 2), busy(2, 2), {then: 1, now: 1})).toBe('wall');
  });

  test('the reference share is the run\'s 90th percentile, over tests long enough to divide by', () => {
    const samples = Array.from({length: 10}, (_, i): DurationSample => ({id: `t${i}`, passed: true, durationMs: 100, cpuMs: 10 * (i + 1)}));
    expect(referenceShare(samples)).toBe(1);
    expect(referenceShare(samples.slice(0, 4))).toBeNull();
    expect(referenceShare(samples.map(sample => ({...sample, durationMs: 2})))).toBeNull();
  });

  test('durationSamples takes the final attempt\'s user + system CPU time, none for a concurrent test', () => {
    const attempt = {status: 'passed', durationMs: 50, cpuUserMs: 30, cpuSystemMs: 5, concurrent: false};
    expect(durationSamples([{id: 'a', record: {attempts: [{...attempt, status: 'failed'}, attempt]}}, {id: 'b', record: {attempts: [{...attempt, concurrent: true}]}}])).toEqual([
      {id: 'a', passed: true, durationMs: 50, cpuMs: 35, userMs: 30},
      {id: 'b', passed: true, durationMs: 50, cpuMs: null, userMs: null},
    ]);
  });
});
