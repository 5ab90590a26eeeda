import type * as Picomatch from 'picomatch';
import type {AttemptRecord, BudgetBreach, BudgetReport, TestEntry} from '../model/types';
import {RECOMMENDED_BUDGETS} from '../options/types';
import type {BudgetSet, TestBudgetRule} from '../options/types';

const MIB = 1024 * 1024;

type LimitKey = Exclude<keyof TestBudgetRule, 'match'>;
const LIMIT_KEYS: readonly LimitKey[] = ['maxDuration', 'maxSetup', 'maxMemoryDeltaMb', 'maxPeakMemoryMb'];

/** The limits that apply to one test file, each with the rule that set it and where that rule came from. */
type FileLimits = Partial<Record<LimitKey, {value: number; rule: string; ruleSource: string}>>;

/** The `recommended` set's rules by what they are for, so that a breach says `recommended: unit`, not `**`. */
const RECOMMENDED_NAMES = new Map<TestBudgetRule, string>(
  RECOMMENDED_BUDGETS.tests.map(rule => [rule, rule.maxDuration === 2 ? 'recommended: integration' : 'recommended: unit']),
);

/**
 * Checks budgets (docs/checks.md#budgets) as tests arrive, so every test is checked, including those `maxPassed` later
 * leaves out of the report. For each limit, the first rule whose glob fits the test file and that sets the limit
 * wins; a file's limits are worked out once.
 */
export class BudgetChecker {
  private readonly rules: Array<{rule: TestBudgetRule; source: string; matches: (file: string) => boolean}>;
  private readonly limitsByFile = new Map<string, FileLimits | null>();
  private readonly breaches: BudgetBreach[] = [];
  private testsChecked = 0;
  private peakRssBytes = 0;

  constructor(private readonly budgets: Required<BudgetSet>) {
    // `dot`: a budget on `**` means every file, `.hidden/` directories included.
    // Required here, not at the top: every run loads this module, few set budgets, and picomatch takes ~20 ms to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
    const picomatch = require('picomatch') as typeof Picomatch;
    this.rules = budgets.tests.map((rule, index) => ({rule, source: RECOMMENDED_NAMES.get(rule) ?? `budgets.tests[${index}]`, matches: picomatch(rule.match, {dot: true})}));
  }

  /** Checks a test's final attempt; skipped and todo tests have no figures to check. */
  check(entry: TestEntry): void {
    const attempt: AttemptRecord = entry.record.attempts[entry.record.attempts.length - 1];
    if (attempt.status !== 'passed' && attempt.status !== 'failed') return;
    if (attempt.rssPeakBytes > this.peakRssBytes) this.peakRssBytes = attempt.rssPeakBytes;
    const limits = this.limitsFor(entry.file);
    if (limits === null) return;
    this.testsChecked++;
    const base = {scope: 'test' as const, test: entry.id};
    const {maxDuration, maxSetup, maxMemoryDeltaMb, maxPeakMemoryMb} = limits;
    if (maxDuration && attempt.durationMs > maxDuration.value * 1000) {
      this.breaches.push({...base, rule: maxDuration.rule, ruleSource: maxDuration.ruleSource, metric: 'duration', actualMs: attempt.durationMs, limitMs: maxDuration.value * 1000});
    }
    if (maxSetup && attempt.setupMs > maxSetup.value * 1000) {
      this.breaches.push({...base, rule: maxSetup.rule, ruleSource: maxSetup.ruleSource, metric: 'setup', actualMs: attempt.setupMs, limitMs: maxSetup.value * 1000});
    }
    const deltaBytes = attempt.rssEndBytes - attempt.rssStartBytes;
    if (maxMemoryDeltaMb && deltaBytes > maxMemoryDeltaMb.value * MIB) {
      this.breaches.push({...base, rule: maxMemoryDeltaMb.rule, ruleSource: maxMemoryDeltaMb.ruleSource, metric: 'memoryDelta', actualBytes: deltaBytes, limitBytes: maxMemoryDeltaMb.value * MIB});
    }
    if (maxPeakMemoryMb && attempt.rssPeakBytes > maxPeakMemoryMb.value * MIB) {
      this.breaches.push({...base, rule: maxPeakMemoryMb.rule, ruleSource: maxPeakMemoryMb.ruleSource, metric: 'peakMemory', actualBytes: attempt.rssPeakBytes, limitBytes: maxPeakMemoryMb.value * MIB});
    }
  }

  /** The report, with the suite limits checked against the whole run. */
  report(run: {durationMs: number}): BudgetReport {
    const suite = this.budgets.suite;
    const breaches = [...this.breaches];
    const base = {scope: 'suite' as const, test: null, rule: null, ruleSource: suite === RECOMMENDED_BUDGETS.suite ? 'recommended: suite' : 'budgets.suite'};
    if (suite.maxDuration !== undefined && run.durationMs > suite.maxDuration * 1000) {
      breaches.push({...base, metric: 'duration', actualMs: run.durationMs, limitMs: suite.maxDuration * 1000});
    }
    if (suite.maxPeakMemoryMb !== undefined && this.peakRssBytes > suite.maxPeakMemoryMb * MIB) {
      breaches.push({...base, metric: 'peakMemory', actualBytes: this.peakRssBytes, limitBytes: suite.maxPeakMemoryMb * MIB});
    }
    return {testsChecked: this.testsChecked, breaches};
  }

  private limitsFor(file: string): FileLimits | null {
    let limits = this.limitsByFile.get(file);
    if (limits !== undefined) return limits;
    const found: FileLimits = {};
    for (const {rule, source, matches} of this.rules) {
      if (!matches(file)) continue;
      for (const key of LIMIT_KEYS) {
        const value = rule[key];
        if (value !== undefined && found[key] === undefined) found[key] = {value, rule: rule.match, ruleSource: source};
      }
    }
    limits = Object.keys(found).length > 0 ? found : null;
    this.limitsByFile.set(file, limits);
    return limits;
  }
}
