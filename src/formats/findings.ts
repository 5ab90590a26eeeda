/**
 * Budgets, regressions and leaks in words (docs/checks.md): the lines the summary, the Markdown and HTML reports,
 * the GitHub annotations and `jest-perf-monitor compare` share.
 */
import type {BudgetBreach, BudgetReport, DurationChange, FileLeak, LeakReport, RegressionReport, RunMetrics} from '../model/types';
import {formatMib, formatMs, plural} from './common';

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

/** Who broke it: the test (and the rule's glob), or the suite. */
export function breachSubject(breach: BudgetBreach): string {
  return breach.scope === 'suite' ? 'the suite' : `${breach.test} (${breach.rule})`;
}

const signedPercent = (change: DurationChange): string =>
  Number.isFinite(change.changePercent) ? `${change.changePercent >= 0 ? '+' : ''}${change.changePercent.toFixed(0)} %` : 'new time';

/** `120.0 ms → 250.0 ms (+108 %)`. */
export function describeChange(change: DurationChange): string {
  return `${formatMs(change.baselineMs)} → ${formatMs(change.currentMs)} (${signedPercent(change)})`;
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
    `${report.added.length} new, ${report.removed.length} gone (${plural(report.compared, 'test')} compared; a change must exceed ${report.thresholdPercent} % and ${formatMs(report.minChangeMs)})`
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
  const lines = [comparisonHeadline(report)];
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
