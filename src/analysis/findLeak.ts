import type {FileLeak, TestEntry} from '../model/types';

/** Fewer measured tests than this cannot show a trend: the first is a warm-up, and two points are any line. */
export const LEAK_MIN_TESTS = 4;
/** The slope a file must keep up: below it, what Jest itself keeps per test (its results, our records) shows up. */
export const LEAK_MIN_GROWTH_PER_TEST_BYTES = 32 * 1024;
/** And the total growth, so a short file with a few KB of caching is not flagged. */
export const LEAK_MIN_TOTAL_BYTES = 1024 * 1024;
/** The share of steps that must grow: a cache filled once grows in one step, a leak in most of them. */
export const LEAK_MIN_GROWING_SHARE = 0.75;

/**
 * One file's retained-heap trend, from the heap left after a forced GC at the end of each measured test (in the
 * order the tests ran; a file of many tests is measured after an even sample of them). Null when the file has too few measured tests to judge. `flagged` says whether it leaks: the heap
 * grew in most steps, by at least `LEAK_MIN_GROWTH_PER_TEST_BYTES` per test and `LEAK_MIN_TOTAL_BYTES` in all.
 */
export function findLeak(file: string, tests: readonly TestEntry[]): (FileLeak & {flagged: boolean}) | null {
  // x: the test's position in its file (large files are measured after a sample of their tests), y: retained heap.
  const xs: number[] = [];
  const series: number[] = [];
  for (const entry of tests) {
    for (const attempt of entry.record.attempts) {
      if (attempt.retainedHeapBytes === null) continue;
      xs.push(entry.record.index);
      series.push(attempt.retainedHeapBytes);
    }
  }
  if (series.length < LEAK_MIN_TESTS) return null;
  const n = series.length;
  const meanX = xs.reduce((sum, value) => sum + value, 0) / n;
  const meanY = series.reduce((sum, value) => sum + value, 0) / n;
  let covariance = 0;
  let variance = 0;
  let growing = 0;
  for (let i = 0; i < n; i++) {
    covariance += (xs[i] - meanX) * (series[i] - meanY);
    variance += (xs[i] - meanX) ** 2;
    if (i > 0 && series[i] > series[i - 1]) growing++;
  }
  if (variance === 0) return null;
  const growthPerTestBytes = covariance / variance;
  const growingShare = growing / (n - 1);
  const first = series[0];
  const last = series[n - 1];
  return {
    file,
    tests: n,
    retainedFirstBytes: first,
    retainedLastBytes: last,
    growthPerTestBytes,
    growingShare,
    flagged: growingShare >= LEAK_MIN_GROWING_SHARE && growthPerTestBytes >= LEAK_MIN_GROWTH_PER_TEST_BYTES && last - first >= LEAK_MIN_TOTAL_BYTES,
  };
}
