/**
 * The config helper never changes an outcome: a runner other than circus (in the config or in its preset) is kept,
 * and the run says in one line that its files were not measured and why; circus given by resolved path is
 * recognised; our reporter given by resolved path is not added twice.
 */
import {describe, expect, test} from '@jest/globals';
import {MAJORS, runJest} from '../harness/runJest';

/** Our lines: notices and the printed summary's headline and notes (Jest's own output is around them). */
const ours = (stderr: string): string[] => stderr.split('\n').filter(line => /jest-perf-monitor|without the perf monitor|testRunner/.test(line));
const JASMINE_LINE = "2 test files ran without the perf monitor (2 tests, 0 failed, counted by Jest): testRunner 'jest-jasmine2' cannot be measured (only jest-circus, Jest's default, can).";

describe.each(MAJORS)('Jest %i', major => {
  test.each(['preset-jasmine', 'config-jasmine'])('%s: the runner is kept, a test that needs jasmine passes, one line says why its files were not measured', async variant => {
    const run = await runJest('config-helper', {major, env: {FIXTURE_VARIANT: variant}, jestJson: true});
    expect(run.exitCode).toBe(0);
    expect(run.jestResult().testResults.flatMap(file => file.assertionResults.map(result => result.status))).toEqual(['passed', 'passed']);
    const lines = ours(run.stderr);
    expect(lines).toEqual([expect.stringMatching(/^jest-perf-monitor: 2 tests \(2 passed, 0 failed; 2 of them, 0 failed, in unmeasured files\)/), JASMINE_LINE]);
    expect(run.metrics().unmeasured).toEqual({files: ['jasmine-only.test.js', 'plain.test.js'], tests: 2, passed: 2, failed: 0, runners: ['jest-jasmine2']});
  });

  test("require.resolve('jest-circus/runner') is circus: replaced by ours, the file measured", async () => {
    const run = await runJest('config-helper', {major, env: {FIXTURE_VARIANT: 'resolved-circus'}});
    expect(run.exitCode).toBe(0);
    expect(run.metrics().unmeasured).toBeUndefined();
    expect(Object.keys(run.metrics().tests)).toEqual(['plain.test.js::plain']);
    expect(ours(run.stderr)).toEqual([expect.stringMatching(/^jest-perf-monitor: 1 test \(1 passed, 0 failed\) in /)]);
  });

  test("require.resolve('jest-perf-monitor') as the reporter: no second instance, one summary", async () => {
    const run = await runJest('config-helper', {major, env: {FIXTURE_VARIANT: 'resolved-reporter'}});
    expect(run.exitCode).toBe(0);
    expect(ours(run.stderr)).toEqual([expect.stringMatching(/^jest-perf-monitor: 1 test \(1 passed, 0 failed\) in /)]);
    expect(Object.keys(run.metrics().tests)).toEqual(['plain.test.js::plain']);
  });
});
