import {median} from './compareDurations';

/** A test whose outcome is not stable across runs. */
export interface FlakyTest {
  id: string;
  /** Runs in which it passed or failed. */
  runs: number;
  failed: number;
  /** Times its outcome changed from one run to the next. */
  flips: number;
  /** Runs in which it passed only after retries (`jest.retryTimes`). */
  passedAfterRetry: number;
}

/** Tests whose outcome flips across runs, or that needed retries to pass; the most unstable first. */
export function findFlaky(outcomes: ReadonlyMap<string, ReadonlyArray<{status: string; attempts: number}>>): FlakyTest[] {
  const flaky: FlakyTest[] = [];
  for (const [id, runs] of outcomes) {
    let flips = 0;
    for (let i = 1; i < runs.length; i++) if (runs[i].status !== runs[i - 1].status) flips++;
    const passedAfterRetry = runs.filter(run => run.status === 'passed' && run.attempts > 1).length;
    if (flips === 0 && passedAfterRetry === 0) continue;
    flaky.push({id, runs: runs.length, failed: runs.filter(run => run.status === 'failed').length, flips, passedAfterRetry});
  }
  return flaky.sort((a, b) => b.flips - a.flips || b.passedAfterRetry - a.passedAfterRetry || a.id.localeCompare(b.id));
}

/** A test that got slower across the runs looked at. */
export interface SlowerTest {
  id: string;
  runs: number;
  /** Median duration over the older half of its runs, and over the newer half. */
  beforeMs: number;
  nowMs: number;
}

/**
 * The tests that got slower the most: the median of the newer half of each test's passing runs against the median
 * of the older half (halves, not first against last: one slow run is noise, a shifted median is a trend). Tests
 * with fewer than 2 runs are left out; the largest increase in milliseconds first.
 */
export function findSlowest(durations: ReadonlyMap<string, readonly number[]>, top: number): SlowerTest[] {
  const slower: SlowerTest[] = [];
  for (const [id, values] of durations) {
    if (values.length < 2) continue;
    const half = values.length >> 1;
    const beforeMs = median(values.slice(0, half));
    const nowMs = median(values.slice(half));
    if (nowMs > beforeMs) slower.push({id, runs: values.length, beforeMs, nowMs});
  }
  return slower.sort((a, b) => b.nowMs - b.beforeMs - (a.nowMs - a.beforeMs)).slice(0, top);
}
