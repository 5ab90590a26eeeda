import {describe, expect, test} from '@jest/globals';
import {BudgetChecker} from '../../../src/analysis/BudgetChecker';
import {OptionsError, resolveOptions} from '../../../src/options/resolveOptions';
import {RECOMMENDED_BUDGETS} from '../../../src/options/types';
import {entry, MIB} from '../../harness/syntheticRun';

describe('budgets', () => {
  test('per limit, the first matching rule that sets it wins; skipped tests are not checked', () => {
    const checker = new BudgetChecker({
      tests: [{match: '**/*.int.test.*', maxDuration: 2}, {match: '**', maxDuration: 0.1, maxMemoryDeltaMb: 0.5, maxSetup: 0.001}],
      suite: {maxDuration: 1, maxPeakMemoryMb: 110},
    });
    checker.check(entry('a/x.int.test.js::slow', {durationMs: 500, setupMs: 0.5, rssEndBytes: 100 * MIB}));
    checker.check(entry('a/y.test.js::slow', {durationMs: 500, setupMs: 0.5, rssEndBytes: 100 * MIB}));
    checker.check(entry('a/y.test.js::grows', {durationMs: 5, setupMs: 2, rssEndBytes: 101 * MIB}));
    checker.check(entry('a/y.test.js::skipped', {status: 'skipped', durationMs: 0, setupMs: 0}));
    const report = checker.report({durationMs: 2000});
    expect(report.testsChecked).toBe(3);
    expect(report.breaches).toEqual([
      {scope: 'test', test: 'a/y.test.js::slow', rule: '**', ruleSource: 'budgets.tests[1]', metric: 'duration', actualMs: 500, limitMs: 100},
      {scope: 'test', test: 'a/y.test.js::grows', rule: '**', ruleSource: 'budgets.tests[1]', metric: 'setup', actualMs: 2, limitMs: 1},
      {scope: 'test', test: 'a/y.test.js::grows', rule: '**', ruleSource: 'budgets.tests[1]', metric: 'memoryDelta', actualBytes: MIB, limitBytes: 0.5 * MIB},
      {scope: 'suite', test: null, rule: null, ruleSource: 'budgets.suite', metric: 'duration', actualMs: 2000, limitMs: 1000},
      {scope: 'suite', test: null, rule: null, ruleSource: 'budgets.suite', metric: 'peakMemory', actualBytes: 120 * MIB, limitBytes: 110 * MIB},
    ]);
  });

  test('the recommended set tells integration tests by their path', () => {
    const checker = new BudgetChecker(RECOMMENDED_BUDGETS);
    for (const id of ['test/integration/db.test.js::q', 'src/api.int.test.ts::q', 'e2e/login.spec.ts::q', 'src/unit.test.js::q']) {
      checker.check(entry(id, {durationMs: 500}));
    }
    expect(checker.report({durationMs: 1000}).breaches.map(breach => breach.test)).toEqual(['src/unit.test.js::q']);
  });

  test('a history baseline needs a history; an empty glob is refused', () => {
    const resolve = (raw: object): unknown => resolveOptions(raw, {rootDir: '/p', isCI: false, env: {}});
    // failOn without what it checks is a notice at run time (the baseline may come from CI only), not an error.
    expect(resolve({failOn: ['budget', 'regression']})).toMatchObject({failOn: ['budget', 'regression'], budgets: null, baseline: null});
    expect(() => resolve({baseline: 'history'})).toThrow(OptionsError);
    expect(() => resolve({budgets: {tests: [{match: '', maxDuration: 1}]}})).toThrow(/option "budgets" got/);
    expect(resolve({baseline: 'history:main', history: 'h.db'})).toMatchObject({baseline: 'history:main', history: '/p/h.db'});
    expect(resolve({baseline: 'base.json'})).toMatchObject({baseline: '/p/base.json'});
    expect(resolve({failOn: ['leak']})).toMatchObject({leaks: true});
    expect(resolve({})).toMatchObject({leaks: false, regressionMinChangeMs: 10, regressionThresholdPercent: 20});
  });
});
