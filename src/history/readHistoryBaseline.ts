import {median, robustSpreadMs} from '../analysis/compareDurations';
import type {DurationSample} from '../analysis/compareDurations';
import type {HistoryDatabase} from './HistoryDatabase';

/** Runs whose median is the baseline for `baseline: 'history'`. */
export const BASELINE_RUNS = 10;
/** Runs whose spread sets each test's noise floor. */
export const SPREAD_RUNS = 20;

/**
 * `history` or `history:<branch>`: each test's median over its newest `BASELINE_RUNS` passing results (of that
 * branch), on this machine when the history has runs from it (a laptop's times are no baseline for a CI runner),
 * else on any. Null when there is nothing to compare with.
 */
export function readHistoryBaseline(db: HistoryDatabase, reference: string, machine?: string): DurationSample[] | null {
  const branch = reference.startsWith('history:') ? reference.slice('history:'.length) : undefined;
  const durations = db.recentPassedDurations(BASELINE_RUNS, {branch, machine});
  if (durations.size === 0) return null;
  return [...durations].map(([id, values]) => ({id, passed: true, durationMs: median(values)}));
}

/**
 * Each test's robust spread over its newest passing runs, for the noise floor of a comparison. Read per test, and
 * only for the tests already over the threshold and the minimum change: a few queries, whatever the suite's size.
 * The database must stay open while the comparison runs.
 */
export function readHistorySpread(db: HistoryDatabase): (id: string) => number | null {
  return id => robustSpreadMs(db.testPassedDurations(id, SPREAD_RUNS));
}
