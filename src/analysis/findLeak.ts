import type {FileLeak, TestEntry} from '../model/types';

/** Fewer measured tests than this cannot show a trend: the first is a warm-up, and two points are any line. */
export const LEAK_MIN_TESTS = 4;
/**
 * The slope a file must keep up, over all its measurements and over their later half. Below it: what Jest itself
 * keeps per test (its results, our records: about 5 KiB), and the slow creep of jsdom's and V8's caches (10–20 KiB
 * per test on the known-answer fixture; docs/checks.md).
 */
export const LEAK_MIN_GROWTH_PER_TEST_BYTES = 32 * 1024;
/**
 * And the growth the slope makes over the measured tests (slope × their span), so a short file with a few KB of
 * caching is not flagged. From the slope, not from the last reading minus the first: a worker sometimes frees a few
 * MiB once, early in a file (what the previous file left for a later GC), and that one step must not hide a leak.
 */
export const LEAK_MIN_TOTAL_BYTES = 1024 * 1024;
/** The share of steps that must grow: a cache filled once grows in one step, a leak in most of them. */
export const LEAK_MIN_GROWING_SHARE = 0.75;

/**
 * Theil–Sen slope: the median of the slopes between every pair of points. One outlier (a GC that could not free
 * what a background compile held, a code-space bump) moves it by little, where it drags a least-squares line.
 */
export function medianSlope(xs: readonly number[], ys: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) if (xs[j] !== xs[i]) slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]));
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const middle = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[middle] : (slopes[middle - 1] + slopes[middle]) / 2;
}

/**
 * One file's retained-heap trend, from the heap left after a forced GC at the end of each measured test (in the
 * order the tests ran; a file of many tests is measured after an even sample of them), less the console output
 * Jest buffers for the file. Null when the file has too few measured tests to judge. `flagged` says whether it
 * leaks: the heap grew in most steps, by at least `LEAK_MIN_GROWTH_PER_TEST_BYTES` per test over all the
 * measurements and still over their later half, and by `LEAK_MIN_TOTAL_BYTES` in all (by that slope). The later half is what tells
 * a leak from a cache that fills and then stops (docs/checks.md, "Leaks").
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
  if (xs.every(x => x === xs[0])) return null;
  let growing = 0;
  for (let i = 1; i < n; i++) if (series[i] > series[i - 1]) growing++;
  const growthPerTestBytes = medianSlope(xs, series);
  const half = n >> 1;
  const laterGrowthPerTestBytes = medianSlope(xs.slice(half), series.slice(half));
  const growingShare = growing / (n - 1);
  const first = series[0];
  const last = series[n - 1];
  const spanTests = xs[n - 1] - xs[0];
  return {
    file,
    tests: n,
    retainedFirstBytes: first,
    retainedLastBytes: last,
    growthPerTestBytes,
    laterGrowthPerTestBytes,
    growingShare,
    flagged:
      growingShare >= LEAK_MIN_GROWING_SHARE &&
      growthPerTestBytes >= LEAK_MIN_GROWTH_PER_TEST_BYTES &&
      laterGrowthPerTestBytes >= LEAK_MIN_GROWTH_PER_TEST_BYTES &&
      growthPerTestBytes * spanTests >= LEAK_MIN_TOTAL_BYTES,
  };
}
