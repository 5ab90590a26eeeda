import type {DurationChange, RegressionReport} from '../model/types';

/** A test's figure on one side of a comparison. */
export interface DurationSample {
  id: string;
  /** Only tests that passed on both sides are compared: a failure's time (a timeout, an early throw) says nothing. */
  passed: boolean;
  durationMs: number;
}

export interface CompareOptions {
  /** Written into the report: the file or history reference compared with. */
  baseline: string;
  /** A change must be over this percentage of the baseline… */
  thresholdPercent: number;
  /** …and over this many milliseconds… */
  minChangeMs: number;
  /** …and over 3 robust σ of the test's recent history, where known (see `robustSpreadMs`). */
  spreadMs?: (id: string) => number | null;
}

/** Below this many runs, a spread says little: the noise floor is the minimum change alone. */
export const MIN_RUNS_FOR_SPREAD = 5;

/**
 * 1.4826 × the median absolute deviation: the standard deviation of normal noise, but not thrown off by the one
 * run that hit a cold cache. Null with fewer than `MIN_RUNS_FOR_SPREAD` figures.
 */
export function robustSpreadMs(durationsMs: readonly number[]): number | null {
  if (durationsMs.length < MIN_RUNS_FOR_SPREAD) return null;
  const center = median(durationsMs);
  return 1.4826 * median(durationsMs.map(value => Math.abs(value - center)));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Compares a run's durations with a baseline (docs/checks.md#baselines-and-regressions). A test is a regression (or an improvement) only when
 * its change is over the threshold percentage and over the noise floor. Tests on one side only are listed as
 * added or removed; tests that were skipped or failed on either side are not compared.
 */
export function compareDurations(baseline: Iterable<DurationSample>, current: Iterable<DurationSample>, options: CompareOptions): RegressionReport {
  const before = new Map<string, DurationSample>();
  for (const sample of baseline) before.set(sample.id, sample);
  const report: RegressionReport = {
    baseline: options.baseline,
    thresholdPercent: options.thresholdPercent,
    minChangeMs: options.minChangeMs,
    compared: 0,
    regressions: [],
    improvements: [],
    added: [],
    removed: [],
  };
  const seen = new Set<string>();
  for (const now of current) {
    seen.add(now.id);
    const then = before.get(now.id);
    if (then === undefined) {
      report.added.push(now.id);
      continue;
    }
    if (!now.passed || !then.passed) continue;
    report.compared++;
    const changeMs = now.durationMs - then.durationMs;
    const changePercent = then.durationMs > 0 ? (changeMs / then.durationMs) * 100 : changeMs > 0 ? Infinity : 0;
    if (Math.abs(changeMs) <= options.minChangeMs || Math.abs(changePercent) <= options.thresholdPercent) continue;
    // The history's spread is asked for only now, for the few tests that got this far.
    const spread = options.spreadMs?.(now.id) ?? null;
    const noiseMs = Math.max(options.minChangeMs, spread === null ? 0 : 3 * spread);
    if (Math.abs(changeMs) <= noiseMs) continue;
    const change: DurationChange = {id: now.id, baselineMs: then.durationMs, currentMs: now.durationMs, changePercent, noiseMs};
    (changeMs > 0 ? report.regressions : report.improvements).push(change);
  }
  for (const id of before.keys()) if (!seen.has(id)) report.removed.push(id);
  const byChange = (a: DurationChange, b: DurationChange): number => Math.abs(b.currentMs - b.baselineMs) - Math.abs(a.currentMs - a.baselineMs);
  report.regressions.sort(byChange);
  report.improvements.sort(byChange);
  return report;
}

/** What a run gives a comparison: every test's final attempt (skipped ones too, so they are not counted as gone). */
export function durationSamples(tests: Iterable<{id: string; record: {attempts: ReadonlyArray<{status: string; durationMs: number}>}}>): DurationSample[] {
  const samples: DurationSample[] = [];
  for (const {id, record} of tests) {
    const last = record.attempts[record.attempts.length - 1];
    samples.push({id, passed: last.status === 'passed', durationMs: last.durationMs});
  }
  return samples;
}
