import {describe, expect, test} from '@jest/globals';
import {compareDurations, robustSpreadMs} from '../../../src/analysis/compareDurations';

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
