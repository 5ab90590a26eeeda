/**
 * Budgets, regressions and leaks in words (docs/checks.md): the lines the summary, the Markdown and HTML reports,
 * the GitHub annotations and `jest-perf-monitor compare` share.
 */
import type {BudgetBreach, BudgetReport, DriftEstimate, DurationChange, FileLeak, JudgeClock, LeakReport, RegressionReport, RunDrift, RunMetrics} from '../model/types';
import {formatMib, formatMs, plural} from './terminalText';

const METRIC_NAMES: Record<BudgetBreach['metric'], string> = {
  duration: 'duration',
  setup: 'setup',
  memoryDelta: 'memory growth',
  peakMemory: 'peak memory',
};

/** `duration 153.0 ms > 100.0 ms`. */
export function describeBreach(breach: BudgetBreach): string {
  const [actual, limit] = 'actualMs' in breach ? [formatMs(breach.actualMs), formatMs(breach.limitMs)] : [formatMib(breach.actualBytes), formatMib(breach.limitBytes)];
  return `${METRIC_NAMES[breach.metric]} ${actual} > ${limit}`;
}

/**
 * The rule a breach broke and where it came from: `recommended: unit`, `budgets.tests[1], match "src/**"`. Files
 * written before rules were named give their glob alone.
 */
export function breachRule(breach: BudgetBreach): string {
  if (breach.ruleSource === null) return breach.rule === null ? 'budgets.suite' : `match "${breach.rule}"`;
  return breach.rule === null || breach.ruleSource.startsWith('recommended') ? breach.ruleSource : `${breach.ruleSource}, match "${breach.rule}"`;
}

/** Who broke it and which rule: `src/a.test.js::t (rule recommended: unit)`, or the suite. */
export function breachSubject(breach: BudgetBreach): string {
  return `${breach.scope === 'suite' ? 'the suite' : breach.test} (rule ${breachRule(breach)})`;
}

const signedPercent = (change: DurationChange): string =>
  Number.isFinite(change.changePercent) ? `${change.changePercent >= 0 ? '+' : ''}${change.changePercent.toFixed(0)} %` : 'new time';

/** How clocks are named in the reports. */
export const CLOCK_NAMES: Record<JudgeClock, string> = {cpu: 'CPU time', wall: 'wall time'};

/** `1.28x slower`, `1.10x faster`, `same speed`. */
export function describeFactor(factor: number): string {
  if (factor >= 0.995 && factor < 1.005) return 'same speed';
  return factor >= 1 ? `${factor.toFixed(2)}x slower` : `${(1 / factor).toFixed(2)}x faster`;
}

/**
 * `120.0 ms → 360.0 ms CPU time (+200 %; 2.94x beyond the run's drift of 1.02x; needed 1.20x and 10.0 ms)`: the
 * baseline and current figures on the clock the verdict used, the drift it was judged relative to, and the margin
 * it beat.
 */
export function describeChange(change: DurationChange): string {
  const relative = change.baselineMs > 0 ? change.currentMs / (change.baselineMs * change.driftFactor) : Infinity;
  const beyond = Number.isFinite(relative) ? `${relative.toFixed(2)}x beyond the run's drift of ${change.driftFactor.toFixed(2)}x` : 'from nothing';
  return (
    `${formatMs(change.baselineMs)} → ${formatMs(change.currentMs)} ${CLOCK_NAMES[change.clock]} (${signedPercent(change)}; ${beyond}; ` +
    `needed ${change.factorMargin.toFixed(2)}x and ${formatMs(change.noiseMs)})`
  );
}

const estimateText = (name: string, estimate: DriftEstimate): string => `${name} ${describeFactor(estimate.factor)} (median of ${plural(estimate.tests, 'test')})`;

/**
 * The run-level lines (docs/checks.md#drift): how much slower or faster the whole run was than the baseline, on each
 * clock, and the run-level finding when the code (or the CPU) changed across the board. Empty for files written
 * before drift was estimated.
 */
export function driftLines(drift: RunDrift | null): string[] {
  if (drift === null) return [];
  if (drift.overall === null && drift.cpu === null && drift.wall === null && drift.load === null) {
    return [`Drift: fewer than 5 tests of 5 ms or more in both runs, too few to estimate the run's drift; each test is judged on its own change`];
  }
  const parts: string[] = [];
  if (drift.overall !== null) {
    const factor = drift.overall.factor;
    parts.push(
      `this run was ${factor >= 0.995 && factor < 1.005 ? 'as fast as the baseline' : `${describeFactor(factor)} than the baseline`} overall (wall time, median of ${plural(drift.overall.tests, 'test')})`,
    );
  }
  const judged: string[] = [];
  if (drift.cpu !== null) judged.push(estimateText('CPU time of the CPU-bound tests', drift.cpu));
  if (drift.load !== null) judged.push(`load: a CPU millisecond took ${drift.load.factor.toFixed(2)}x the wall time it took in the baseline`);
  if (drift.wall !== null) judged.push(estimateText(drift.load === null ? 'wall time of the tests judged on it' : 'wall time of the others beyond the load', drift.wall));
  if (drift.wallNoiseMs > 0) judged.push(`wall-clock noise ${formatMs(drift.wallNoiseMs)}`);
  if (drift.cpuNoiseMs > 0) judged.push(`CPU-clock noise ${formatMs(drift.cpuNoiseMs)}`);
  const lines = [`Drift: ${[...parts, ...judged].join('; ')}; each test is judged relative to its clock's drift`];
  const finding = drift.finding;
  if (finding !== null) {
    lines.push(
      `Run-level finding: ${CLOCK_NAMES[finding.clock]} ${describeFactor(finding.factor)} than the baseline across the run: the code (or the CPU) got ${finding.direction} everywhere, not one test`,
    );
  }
  return lines;
}

/** `run-level slowdown (CPU time 1.50x slower)`, when the run's drift is a slowdown finding; null otherwise. */
export function runSlowdown(report: RegressionReport | null): string | null {
  const finding = report?.drift?.finding;
  return finding && finding.direction === 'slower' ? `run-level slowdown (${CLOCK_NAMES[finding.clock]} ${describeFactor(finding.factor)})` : null;
}

/** Small growth reads better in KiB. */
export function formatGrowth(bytes: number): string {
  return Math.abs(bytes) < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : formatMib(bytes);
}

/** `+512.0 KiB per test over 8 tests (retained 40.1 → 43.6 MiB)`. */
export function describeLeak(leak: FileLeak): string {
  return `+${formatGrowth(leak.growthPerTestBytes)} per test over ${plural(leak.tests, 'test')} (retained heap ${formatMib(leak.retainedFirstBytes)} → ${formatMib(leak.retainedLastBytes)})`;
}

/** `Budgets: 2 breaches (40 tests checked)`. */
export function budgetHeadline(report: BudgetReport): string {
  return report.breaches.length === 0
    ? `Budgets: all ${plural(report.testsChecked, 'test')} and the suite within budget`
    : `Budgets: ${plural(report.breaches.length, 'breach', 'breaches')} (${plural(report.testsChecked, 'test')} checked)`;
}

/** `Compared with baseline.json: 1 regression, …`. */
export function comparisonHeadline(report: RegressionReport): string {
  return (
    `Compared with ${report.baseline}: ${plural(report.regressions.length, 'regression')}, ${plural(report.improvements.length, 'improvement')}, ` +
    `${report.added.length} new, ${report.removed.length} gone (${plural(report.compared, 'test')} compared; a change beyond the drift must exceed ${report.thresholdPercent} % and ${formatMs(report.minChangeMs)})`
  );
}

/** `Leaks: 1 file whose retained heap keeps growing (8 files checked)`. */
export function leakHeadline(report: LeakReport): string {
  return report.flagged.length === 0
    ? `Leaks: none (${plural(report.filesChecked, 'file')} checked)`
    : `Leaks: ${plural(report.flagged.length, 'file')} whose retained heap keeps growing (${plural(report.filesChecked, 'file')} checked)`;
}

/** The comparison's headline and its lists, `top` entries each. */
export function comparisonLines(report: RegressionReport, top: number, clip: (text: string) => string = text => text): string[] {
  const lines = [comparisonHeadline(report), ...driftLines(report.drift).map(line => `  ${line}`)];
  const list = (title: string, changes: DurationChange[]): void => {
    if (changes.length === 0) return;
    lines.push(`  ${title}`);
    for (const change of changes.slice(0, top)) lines.push(`    ${clip(change.id)}  ${describeChange(change)}`);
    if (changes.length > top) lines.push(`    … and ${changes.length - top} more`);
  };
  list('slower:', report.regressions);
  list('faster:', report.improvements);
  const ids = (title: string, values: string[]): void => {
    if (values.length === 0) return;
    lines.push(`  ${title}: ${values.slice(0, top).map(clip).join(', ')}${values.length > top ? `, … and ${values.length - top} more` : ''}`);
  };
  ids('new', report.added);
  ids('gone', report.removed);
  return lines;
}

/** Every finding of the run, as plain lines. */
export function findingLines(run: RunMetrics, top: number, clip: (text: string) => string = text => text): string[] {
  const lines: string[] = [];
  if (run.budgets) {
    const breaches = run.budgets.breaches;
    lines.push(budgetHeadline(run.budgets));
    for (const breach of breaches.slice(0, top)) lines.push(`  ${clip(breachSubject(breach))}: ${describeBreach(breach)}`);
    if (breaches.length > top) lines.push(`  … and ${breaches.length - top} more (see "budgets" in the JSON file)`);
  }
  if (run.regressions) lines.push(...comparisonLines(run.regressions, top, clip));
  if (run.leaks) {
    const flagged = run.leaks.flagged;
    lines.push(leakHeadline(run.leaks));
    for (const leak of flagged.slice(0, top)) lines.push(`  ${leak.file}: ${describeLeak(leak)}`);
    if (flagged.length > top) lines.push(`  … and ${flagged.length - top} more`);
  }
  return lines;
}
