import {MIN_RUNS_FOR_SPREAD} from '../analysis/compareDurations';
import type {DurationSample} from '../analysis/compareDurations';
import type {HistoryStore} from './HistoryStore';

/** Runs whose median is the baseline for `baseline: 'history'`. */
export const BASELINE_RUNS = 10;
/** Runs whose spread sets each test's noise floor. */
export const SPREAD_RUNS = 20;

/**
 * `history` or `history:<branch>`: each test's median over its newest `BASELINE_RUNS` passing results (of that
 * branch), on this machine when the history has runs from it (a laptop's times are no baseline for a CI runner),
 * else on any. Null when there is nothing to compare with. The database aggregates: one row per test.
 */
export async function readHistoryBaseline(db: HistoryStore, reference: string, machine?: string): Promise<DurationSample[] | null> {
  const branch = reference.startsWith('history:') ? reference.slice('history:'.length) : undefined;
  const query = {medianOf: BASELINE_RUNS, spreadOf: BASELINE_RUNS, minSpreadRuns: MIN_RUNS_FOR_SPREAD, branch};
  let rows = await db.baselineRows({...query, machine});
  if (rows.length === 0 && machine !== undefined) rows = await db.baselineRows(query);
  if (rows.length === 0) return null;
  // The history holds each test's wall-time median, not its CPU time: such a comparison is on the wall clock.
  return rows.map(row => ({id: row.testId, passed: true, durationMs: row.medianMs, cpuMs: null}));
}

/**
 * Each test's robust spread over its newest `SPREAD_RUNS` passing runs (any branch, any machine), for the noise
 * floor of a comparison: one query for the whole suite, read before the comparison.
 */
export async function readHistorySpread(db: HistoryStore): Promise<(id: string) => number | null> {
  const rows = await db.baselineRows({medianOf: SPREAD_RUNS, spreadOf: SPREAD_RUNS, minSpreadRuns: MIN_RUNS_FOR_SPREAD});
  const spread = new Map(rows.map(row => [row.testId, row.spreadMs]));
  return id => spread.get(id) ?? null;
}
