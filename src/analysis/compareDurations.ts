import type {DriftEstimate, DurationChange, JudgeClock, RegressionReport, RunDrift} from '../model/types';

/** A test's figure on one side of a comparison. */
export interface DurationSample {
  id: string;
  /** Only tests that passed on both sides are compared: a failure's time (a timeout, an early throw) says nothing. */
  passed: boolean;
  durationMs: number;
  /**
   * User + system CPU time of the attempt; null when it says nothing of the test alone (a concurrent test shares
   * its worker's CPU with others) or is not known (the history's baseline holds wall-time medians).
   */
  cpuMs: number | null;
  /**
   * The user part of `cpuMs`. When known on both sides, a CPU-clock verdict must show in it too: under load the
   * kernel's time for a test swings by tens of milliseconds with the code unchanged (docs/checks.md#noise).
   */
  userMs?: number | null;
}

export interface CompareOptions {
  /** Written into the report: the file or history reference compared with. */
  baseline: string;
  /** A change must be over this percentage of the baseline (after the drift)… */
  thresholdPercent: number;
  /** …and over this many milliseconds… */
  minChangeMs: number;
  /** …and over 3 robust σ of the test's recent history, where known (see `robustSpreadMs`). */
  spreadMs?: (id: string) => number | null;
}

/** Below this many runs, a spread says little: the noise floor is the minimum change alone. */
export const MIN_RUNS_FOR_SPREAD = 5;

/**
 * A test is judged on CPU time when its CPU share (CPU time / wall time) is at least this part of its run's reference
 * share (`referenceShare`): it is busy on the CPU, so waiting for a core on a loaded machine stretches its wall time
 * and not its CPU time. Relative to the run, because on a loaded machine busy tests' shares fall (a busy test at 20 %
 * of a core among others at 40 % is as busy as a test can be there), while a test that mostly waits stays far below.
 */
export const CPU_CLOCK_SHARE = 0.25;
/** Tests shorter than this on a clock (in the baseline) are too short to weigh in that clock's drift. */
export const DRIFT_MIN_MS = 5;
/** Fewer measurable tests than this on a clock: no drift is estimated for it (a median of 3 is one test's luck). */
export const DRIFT_MIN_TESTS = 5;
/**
 * Robust σ of the run's own log ratios a change beyond the drift must exceed, besides the threshold: a loaded machine
 * scatters tests' times more, so the floor rises with it (docs/checks.md#noise). Six, not three: one sample per test,
 * and a loaded machine's tail is heavy (garbage-collector threads, kernel time).
 */
export const DRIFT_SPREAD_SIGMAS = 6;

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

/** A sample's CPU share, when it says something: CPU time known, and a wall time long enough to divide by. */
const shareOf = (sample: DurationSample): number | null => (sample.cpuMs !== null && sample.durationMs >= DRIFT_MIN_MS ? sample.cpuMs / sample.durationMs : null);

/**
 * The CPU share of the run's busiest tests: the 90th percentile of the shares of its tests long enough to measure.
 * Null when fewer than `DRIFT_MIN_TESTS` tests have a share.
 */
export function referenceShare(samples: Iterable<DurationSample>): number | null {
  const shares: number[] = [];
  for (const sample of samples) {
    const share = sample.passed ? shareOf(sample) : null;
    if (share !== null) shares.push(share);
  }
  if (shares.length < DRIFT_MIN_TESTS) return null;
  shares.sort((a, b) => a - b);
  return shares[Math.min(shares.length - 1, Math.floor(shares.length * 0.9))];
}

/**
 * The clock a test is judged on (docs/checks.md#the-clock): CPU time when its CPU time is known in both runs and its
 * CPU share in either run is at least `CPU_CLOCK_SHARE` of that run's reference share, else wall time. Either run:
 * on a loaded machine a busy test's share swings from 90 % to 9 % with the moment (measured), so one run's share can
 * miss a busy test; a test that mostly waits stays far below in both.
 */
export function judgeClock(then: DurationSample, now: DurationSample, reference: {then: number | null; now: number | null}): JudgeClock {
  if (then.cpuMs === null || now.cpuMs === null) return 'wall';
  const busy = (sample: DurationSample, share: number | null): boolean => {
    const own = shareOf(sample);
    return own !== null && share !== null && own >= CPU_CLOCK_SHARE * share;
  };
  return busy(then, reference.then) || busy(now, reference.now) ? 'cpu' : 'wall';
}

/** The median of log ratios and their robust spread; null with fewer than `DRIFT_MIN_TESTS`. */
function logEstimate(logs: readonly number[]): DriftEstimate | null {
  if (logs.length < DRIFT_MIN_TESTS) return null;
  const center = median(logs);
  return {factor: Math.exp(center), tests: logs.length, spread: 1.4826 * median(logs.map(value => Math.abs(value - center)))};
}

/** The drift of `pairs` ([baseline, current]) whose baseline is long enough to measure; null with too few. */
export function estimateDrift(pairs: ReadonlyArray<readonly [number, number]>): DriftEstimate | null {
  const logs: number[] = [];
  for (const [then, now] of pairs) if (then >= DRIFT_MIN_MS && now > 0) logs.push(Math.log(now / then));
  return logEstimate(logs);
}

/**
 * The run-level finding: the CPU clock's drift (the wall clock's when no test is judged on CPU) beyond the threshold.
 * Such a change is the code's (or the CPU's) across the board, and judging tests relative to it would hide it: it
 * is reported on its own. The wall clock's drift is not used beside the CPU's: on a loaded machine, waiting tests
 * wake up late, and that is the machine's doing.
 */
function runFinding(cpu: DriftEstimate | null, wall: DriftEstimate | null, thresholdPercent: number): RunDrift['finding'] {
  const [clock, estimate] = cpu !== null ? (['cpu', cpu] as const) : (['wall', wall] as const);
  if (estimate === null) return null;
  const margin = 1 + thresholdPercent / 100;
  if (estimate.factor > margin) return {clock, direction: 'slower', factor: estimate.factor};
  if (estimate.factor < 1 / margin) return {clock, direction: 'faster', factor: estimate.factor};
  return null;
}

interface Pair {
  then: DurationSample;
  now: DurationSample;
  clock: JudgeClock;
  /** On the pair's clock: the baseline's figure, this run's, and what the drift predicts for this run. */
  baselineMs: number;
  currentMs: number;
  expectedMs: number;
}

/**
 * The drift on each clock, and each pair's prediction (docs/checks.md#drift). CPU-clock tests: baseline × the CPU
 * drift. Wall-clock tests: their baseline wall time, with the part their CPU work took (CPU × the busy tests' wall
 * per CPU ms then, at most the whole) stretched by this run's CPU drift and load, then × the wall-clock tests'
 * remaining drift; without busy tests to measure the load, baseline × the wall-clock tests' drift.
 */
function estimate(pairs: Pair[], thresholdPercent: number): RunDrift {
  const cpuPairs = pairs.filter(pair => pair.clock === 'cpu');
  const wallPairs = pairs.filter(pair => pair.clock === 'wall');
  const overall = estimateDrift(pairs.map(({then, now}) => [then.durationMs, now.durationMs] as const));
  const cpu = estimateDrift(cpuPairs.map(pair => [pair.baselineMs, pair.currentMs] as const));
  const wallPerCpu = (sample: DurationSample): number => sample.durationMs / sample.cpuMs!;
  const load = cpu === null ? null : logEstimate(cpuPairs.filter(pair => pair.then.cpuMs! > 0 && pair.now.cpuMs! > 0).map(pair => Math.log(wallPerCpu(pair.now) / wallPerCpu(pair.then))));
  const kThen = load === null ? 0 : median(cpuPairs.filter(pair => pair.then.cpuMs! > 0).map(pair => wallPerCpu(pair.then)));
  for (const pair of cpuPairs) pair.expectedMs = pair.baselineMs * (cpu?.factor ?? 1);
  for (const pair of wallPairs) {
    const {then} = pair;
    if (load === null || then.cpuMs === null || then.cpuMs <= 0) {
      pair.expectedMs = then.durationMs;
      continue;
    }
    // The wall time its CPU work took then: at the busy tests' rate, but never more than its whole wall time.
    const workMs = then.cpuMs * Math.min(kThen, then.durationMs / then.cpuMs);
    pair.expectedMs = Math.max(0, then.durationMs + workMs * (cpu!.factor * load.factor - 1));
  }
  const wall = estimateDrift(wallPairs.map(pair => [pair.expectedMs, pair.currentMs] as const));
  if (wall !== null) for (const pair of wallPairs) pair.expectedMs *= wall.factor;
  const residuals = wallPairs.map(pair => Math.abs(pair.currentMs - pair.expectedMs));
  // From enough tests only: with a few, the median residual would be the changed test's own.
  const scatterMs = residuals.length < DRIFT_MIN_TESTS ? 0 : 6 * median(residuals);
  // How long the busy tests waited for a core (wall − CPU: they wait for nothing else), in the baseline and now: on a
  // loaded machine any test can lose that long, which one sample cannot tell from a change.
  const waitedMs = (pick: (pair: Pair) => DurationSample): number => median(cpuPairs.map(pair => Math.max(0, pick(pair).durationMs - pick(pair).cpuMs!)));
  const schedulingMs = cpu === null ? 0 : Math.max(waitedMs(pair => pair.then), waitedMs(pair => pair.now));
  const wallNoiseMs = Math.max(scatterMs, schedulingMs);
  return {overall, cpu, load, wall, wallNoiseMs, cpuNoiseMs: cpuNoiseOf(cpuPairs), finding: runFinding(cpu, load === null ? wall : null, thresholdPercent)};
}

/**
 * The CPU clock's noise in milliseconds: `DRIFT_SPREAD_SIGMAS` robust σ (1.4826 × median absolute deviation) of the
 * CPU-clock tests' differences from their predictions. The margin on the log ratios covers noise that grows with a
 * test; this covers what does not: a test's CPU time includes V8's background threads (concurrent marking, the
 * optimizing compiler), whose 10–20 ms land on whichever test runs then. Measured on the drift fixture
 * (docs/performance.md#verdicts-on-a-loaded-machine): a 27 ms test took 12 ms more than predicted with the code
 * unchanged. From `DRIFT_MIN_TESTS` tests only: with fewer, one changed test would set its own floor.
 */
function cpuNoiseOf(cpuPairs: readonly Pair[]): number {
  if (cpuPairs.length < DRIFT_MIN_TESTS) return 0;
  return DRIFT_SPREAD_SIGMAS * (robustSpreadMs(cpuPairs.map(pair => pair.currentMs - pair.expectedMs)) ?? 0);
}

/**
 * Compares a run's durations with a baseline (docs/checks.md#baselines-and-regressions). The run's
 * drift is estimated from the run itself; each test is judged on its clock relative to what the drift predicts for
 * it: a regression (or an improvement) only when current / predicted is beyond the threshold and beyond the run's
 * own scatter, and the difference beyond the noise floor in milliseconds. Tests on one side only are listed as
 * added or removed; tests that were skipped or failed on either side are not compared.
 */
export function compareDurations(baseline: Iterable<DurationSample>, current: Iterable<DurationSample>, options: CompareOptions): RegressionReport {
  const before = new Map<string, DurationSample>();
  for (const sample of baseline) before.set(sample.id, sample);
  const currentSamples = [...current];
  const reference = {then: referenceShare(before.values()), now: referenceShare(currentSamples)};
  const report: RegressionReport = {
    baseline: options.baseline,
    thresholdPercent: options.thresholdPercent,
    minChangeMs: options.minChangeMs,
    compared: 0,
    drift: null,
    regressions: [],
    improvements: [],
    added: [],
    removed: [],
  };
  const seen = new Set<string>();
  const pairs: Pair[] = [];
  for (const now of currentSamples) {
    seen.add(now.id);
    const then = before.get(now.id);
    if (then === undefined) {
      report.added.push(now.id);
      continue;
    }
    if (!now.passed || !then.passed) continue;
    report.compared++;
    const clock = judgeClock(then, now, reference);
    const baselineMs = clock === 'cpu' ? then.cpuMs! : then.durationMs;
    const currentMs = clock === 'cpu' ? now.cpuMs! : now.durationMs;
    pairs.push({then, now, clock, baselineMs, currentMs, expectedMs: baselineMs});
  }
  for (const id of before.keys()) if (!seen.has(id)) report.removed.push(id);

  const drift = estimate(pairs, options.thresholdPercent);
  report.drift = drift;
  const threshold = 1 + options.thresholdPercent / 100;
  for (const pair of pairs) {
    const {now, clock, baselineMs, currentMs, expectedMs} = pair;
    const spreadOf = clock === 'cpu' ? drift.cpu : drift.wall;
    const factorMargin = Math.max(threshold, Math.exp(DRIFT_SPREAD_SIGMAS * (spreadOf?.spread ?? 0)));
    const beyondMs = currentMs - expectedMs;
    const runNoiseMs = clock === 'wall' ? drift.wallNoiseMs : drift.cpuNoiseMs;
    if (Math.abs(beyondMs) <= Math.max(options.minChangeMs, runNoiseMs)) continue;
    const relative = expectedMs > 0 ? currentMs / expectedMs : currentMs > 0 ? Infinity : 1;
    if (relative <= factorMargin && relative >= 1 / factorMargin) continue;
    // Slower (faster) than the baseline itself by the threshold too, not only than the drift predicts: under a
    // run-level slowdown of the code, a test whose work is partly fixed (a first test's warm-up) lags the drift
    // without getting any faster; on a loaded machine, a waiting test can beat its stretched prediction unchanged.
    if (beyondMs > 0 ? currentMs <= baselineMs * threshold : currentMs * threshold >= baselineMs) continue;
    const [thenUser, nowUser] = [pair.then.userMs, pair.now.userMs];
    if (clock === 'cpu' && thenUser != null && nowUser != null && thenUser > 0) {
      const userRelative = nowUser / (thenUser * (drift.cpu?.factor ?? 1));
      if (beyondMs > 0 ? userRelative <= threshold : userRelative * threshold >= 1) continue;
    }
    // The history's spread is asked for only now, for the few tests that got this far.
    const spread = options.spreadMs?.(now.id) ?? null;
    const noiseMs = Math.max(options.minChangeMs, runNoiseMs, spread === null ? 0 : 3 * spread);
    if (Math.abs(beyondMs) <= noiseMs) continue;
    const changePercent = baselineMs > 0 ? ((currentMs - baselineMs) / baselineMs) * 100 : currentMs > 0 ? Infinity : 0;
    const driftFactor = baselineMs > 0 ? expectedMs / baselineMs : 1;
    const change: DurationChange = {id: now.id, baselineMs, currentMs, changePercent, noiseMs, clock, driftFactor, factorMargin};
    (beyondMs > 0 ? report.regressions : report.improvements).push(change);
  }
  // The largest change beyond the prediction first.
  const beyond = (change: DurationChange): number => Math.abs(change.currentMs - change.baselineMs * change.driftFactor);
  report.regressions.sort((a, b) => beyond(b) - beyond(a));
  report.improvements.sort((a, b) => beyond(b) - beyond(a));
  return report;
}

/** What a run gives a comparison: every test's final attempt (skipped ones too, so they are not counted as gone). */
export function durationSamples(
  tests: Iterable<{id: string; record: {attempts: ReadonlyArray<{status: string; durationMs: number; cpuUserMs: number; cpuSystemMs: number; concurrent: boolean}>}}>,
): DurationSample[] {
  const samples: DurationSample[] = [];
  for (const {id, record} of tests) {
    const last = record.attempts[record.attempts.length - 1];
    const concurrent = last.concurrent;
    samples.push({id, passed: last.status === 'passed', durationMs: last.durationMs, cpuMs: concurrent ? null : last.cpuUserMs + last.cpuSystemMs, userMs: concurrent ? null : last.cpuUserMs});
  }
  return samples;
}
