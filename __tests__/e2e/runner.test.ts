/**
 * `jest-perf-monitor/runner` and `withPerfMonitorConfig` on the setups real projects use: their own environments,
 * `@jest-environment` docblocks, monorepos with `projects`, files that cannot load, and mode `auto`.
 */
import {describe, expect, test} from '@jest/globals';
import {xml2js} from 'xml-js';
import {existsSync, readFileSync, rmSync} from 'fs';
import * as path from 'path';
import {expectSameOutcomesAsJest, MAJORS, runJest} from '../harness/runJest';

interface Ctrf {
  results: {summary: {tests: number; failed: number; passed: number; extra?: unknown}; tests: Array<{name: string; status: string}>};
}

function junitCases(file: string): {total: number; errors: number; failures: number} {
  const xml = readFileSync(file, 'utf8');
  return {
    total: (xml.match(/<testcase\b/g) ?? []).length,
    errors: (xml.match(/<error\b/g) ?? []).length,
    failures: (xml.match(/<failure\b/g) ?? []).length,
  };
}

describe.each(MAJORS)('Jest %i', major => {
  test('the runner measures every file whatever its environment, and the environment\'s own handler still sees every event in order', async () => {
    const run = await runJest('runner', {major, jestJson: true});
    expect(run.exitCode).toBe(1);
    expectSameOutcomesAsJest(run);
    const metrics = run.metrics();
    // The docblock file ran in jsdom, not in the project's environment, and is measured all the same.
    const docblock = run.test('docblock.test.js::has a document');
    expect(docblock.status).toBe('passed');
    expect(docblock.memory.start_mb).toBeGreaterThan(0);
    expect(docblock.cpu_percent).not.toBeNull();
    expect(metrics.unmeasured).toBeUndefined();
    expect(run.stderr).not.toContain('ran without the perf monitor');

    // The same events, in the same order, as under jest-circus alone.
    const ours = readFileSync(path.join(run.dir, 'events.log'), 'utf8');
    rmSync(path.join(run.dir, 'events.log'));
    const plain = await runJest('runner', {major, inDir: run.dir, files: {'jest.config.js': "module.exports = {testEnvironment: '<rootDir>/LoggingEnvironment.js'};\n"}});
    expect(plain.exitCode).toBe(1);
    const byFile = (log: string): Record<string, string[]> => {
      const files: Record<string, string[]> = {};
      for (const line of log.trim().split('\n')) (files[line.split(' ')[0]] ??= []).push(line);
      return files;
    };
    expect(byFile(ours)).toEqual(byFile(readFileSync(path.join(run.dir, 'events.log'), 'utf8')));
    expect(Object.keys(byFile(ours)).sort()).toEqual(['failing.test.js', 'passing.test.js']);
  });

  test('a file that cannot load is in every report, and the counts equal Jest\'s', async () => {
    const run = await runJest('runner', {major, jestJson: true, env: {GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: undefined}});
    const jest = run.jestResult() as unknown as {numTotalTests: number; numFailedTests: number; numFailedTestSuites: number};
    const metrics = run.metrics();
    const broken = metrics.files['no-load.test.js'];
    expect(broken.load_error).toMatchObject({message: expect.stringContaining("Cannot find module './a-module-that-does-not-exist'")});
    expect(broken.load_error?.location).toMatchObject({file: 'no-load.test.js', line: 2});
    expect(broken.load_error?.code_frame).toContain("require('./a-module-that-does-not-exist')");
    expect(Object.keys(metrics.tests).filter(id => id.startsWith('no-load.test.js'))).toEqual([]);
    expect(metrics.session.total_tests).toBe(jest.numTotalTests);

    // One extra failed entry for the file no test carries, nowhere a second one.
    expect(junitCases(path.join(run.dir, 'performance_metrics.junit.xml'))).toEqual({total: jest.numTotalTests + 1, errors: 1, failures: jest.numFailedTests});
    const ctrf = JSON.parse(readFileSync(path.join(run.dir, 'performance_metrics.ctrf.json'), 'utf8')) as Ctrf;
    // CTRF counts Jest's tests only; the file that could not run is under summary.extra (docs/reports.md, Counts).
    expect(ctrf.results.summary).toMatchObject({tests: jest.numTotalTests, failed: jest.numFailedTests});
    expect(ctrf.results.tests.some(entry => entry.name.includes('no-load.test.js'))).toBe(false);
    expect(JSON.stringify(ctrf.results.summary.extra)).toContain('no-load.test.js');
    expect(readFileSync(path.join(run.dir, 'performance_metrics.md'), 'utf8')).toContain('no-load.test.js');
    expect(run.stderr).toMatch(/::error file=no-load\.test\.js,line=2/);
    expect(run.stderr).toMatch(/no-load\.test\.js[^\n]*\n[^\n]*Cannot find module/);
  });

  test('mode auto: profile on the first run, then trace for the files that failed, and never for passing ones', async () => {
    const first = await runJest('runner', {major});
    const untraced = first.test('cart > totals the lines').failure!;
    expect(untraced.locals ?? null).toBeNull();
    expect(first.stderr).toMatch(/2 failed test files ran without local variables: mode 'auto' traces a file in the run after it fails/);
    expect(first.metrics().files['passing.test.js'].trace_pauses).toBe(0);
    expect(first.metrics().files['failing.test.js'].trace_pauses).toBe(0);
    // What the debugger cost is in the own-cost figure of the run that traced (below), and only there.
    expect(first.metrics().overhead.trace_time).toBe(0);

    const second = await runJest('runner', {major, inDir: first.dir});
    const traced = second.test('cart > totals the lines').failure!;
    expect(Object.values(traced.locals ?? {})[0]).toMatchObject({total: 600});
    expect(second.metrics().files['failing.test.js'].trace_pauses).toBeGreaterThan(0);
    expect(second.metrics().overhead.trace_time).toBeGreaterThan(0);
    // The passing file throws and catches: traced, it would have paused.
    expect(second.metrics().files['passing.test.js'].trace_pauses).toBe(0);
    expect(second.stderr).not.toContain('ran without local variables');
    expect(existsSync(path.join(first.dir, '.jest-cache', 'jest-perf-monitor', 'failed-files.json'))).toBe(true);
  });

  test('with the environment entry, a docblock file runs unmeasured: the reporter says so and keeps Jest\'s counts', async () => {
    const run = await runJest('runner', {
      major,
      jestJson: true,
      files: {'jest.config.js': "module.exports = {testEnvironment: 'jest-perf-monitor/environment', reporters: ['default', ['jest-perf-monitor', {}]]};\n"},
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("1 test file ran without the perf monitor (a @jest-environment docblock?): use testRunner 'jest-perf-monitor/runner'");
    expect(run.metrics().unmeasured).toEqual({files: ['docblock.test.js'], tests: 2, passed: 1, failed: 1});
    expect(Object.keys(run.metrics().tests).filter(id => id.startsWith('docblock'))).toEqual([]);
  });

  test('a monorepo through withPerfMonitorConfig: every project measured, one file in two projects twice, <rootDir> in paths', async () => {
    const run = await runJest('monorepo', {major, jestJson: true});
    expect(run.exitCode).toBe(1);
    expect(existsSync(path.join(run.dir, '<rootDir>'))).toBe(false);
    const metrics = run.metrics('reports/perf.json');
    const jest = run.jestResult() as unknown as {numTotalTests: number; numFailedTests: number};
    expect(metrics.session.total_tests).toBe(jest.numTotalTests);
    const ours = Object.values(metrics.tests).map(t => `${t.file} ${t.status}`).sort();
    const theirs = run.jestResult().testResults.flatMap(file => file.assertionResults.map(a => `${path.relative(run.dir, file.name)} ${a.status}`)).sort();
    expect(ours).toEqual(theirs);

    expect(Object.keys(metrics.tests).filter(id => id.includes('format.test.js')).sort()).toEqual([
      '[shared-dom] shared/format.test.js::formats',
      '[shared-node] shared/format.test.js::formats',
    ]);
    expect(Object.keys(metrics.files).filter(key => key.includes('format.test.js')).sort()).toEqual(['[shared-dom] shared/format.test.js', '[shared-node] shared/format.test.js']);
    // Projects that do not overlap keep plain ids; every test names its project.
    expect(metrics.tests['packages/api/src/sum.test.js::sum > adds'].project).toBe('api');
    expect(metrics.tests['packages/web/src/button.test.js::renders a button'].project).toBe('web');
    expect(metrics.tests['[shared-dom] shared/format.test.js::formats'].project).toBe('shared-dom');
    // Docblocks both ways are measured.
    expect(metrics.tests['packages/api/src/dom-in-node.test.js::a docblock gives this node project a DOM'].memory.start_mb).toBeGreaterThan(0);
    expect(metrics.tests['packages/web/src/node-in-dom.test.js::a docblock takes this jsdom project back to node'].memory.start_mb).toBeGreaterThan(0);

    // JUnit: Jest's tests, plus the file that cannot load and the two afterAll failures no test carries.
    expect(junitCases(path.join(run.dir, 'reports/perf.junit.xml')).total).toBe(jest.numTotalTests + 3);
    const ctrf = JSON.parse(readFileSync(path.join(run.dir, 'reports/perf.ctrf.json'), 'utf8')) as Ctrf;
    expect(ctrf.results.summary).toMatchObject({tests: jest.numTotalTests, failed: jest.numFailedTests});
    expect(() => xml2js(readFileSync(path.join(run.dir, 'reports/perf.junit.xml'), 'utf8'))).not.toThrow();
  });
});
