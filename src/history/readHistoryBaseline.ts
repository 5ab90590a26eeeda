import {median, robustSpreadMs} from '../analysis/compareDurations';
import type {DurationSample} from '../analysis/compareDurations';
import type {HistoryDatabase} from './HistoryDatabase';

/** Runs whose median is the baseline for `baseline: 'history'`. */
export const BASELINE_RUNS = 10;
/** Runs whose spread sets each test's noise floor. */
export const SPREAD_RUNS = 20;

/**
 * `history` or `history:<branch>`: each test's median duration over the newest `BASELINE_RUNS` runs (of that
 * branch) in which it passed. Null when those runs hold nothing to compare with.
 */
export function readHistoryBaseline(db: HistoryDatabase, reference: string): DurationSample[] | null {
  const branch = reference.startsWith('history:') ? reference.slice('history:'.length) : undefined;
  const durations = db.passedDurations({runs: BASELINE_RUNS, branch});
  if (durations.size === 0) return null;
  return [...durations].map(([id, values]) => ({id, passed: true, durationMs: median(values)}));
}

/** Each test's robust spread over its newest passing runs, for the noise floor of a comparison. */
export function readHistorySpread(db: HistoryDatabase): (id: string) => number | null {
  const durations = db.passedDurations({runs: SPREAD_RUNS});
  return id => {
    const values = durations.get(id);
    return values === undefined ? null : robustSpreadMs(values);
  };
}
