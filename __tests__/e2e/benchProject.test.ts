/**
 * The benchmark on a project of its own (BENCH_PROJECT): each variant applied on top of the project's config (here
 * its package.json's "jest" key), the peers (allure-jest's environment, `--logHeapUsage`) and this package's
 * recommended config and cpuProfile at two sampling intervals, as paired CPU ratios with their spread, what the
 * profiler did to the tests' durations, and whether the coarser interval kept the top functions. One quick round:
 * it checks that every figure is taken, never how fast anything was.
 */
import {describe, expect, test} from '@jest/globals';
import {runNodeScript} from '../harness/runJest';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../..');
const PROJECT = path.join(REPO, '__tests__', 'fixtures', 'bench-project');

interface Figures {
  cpuSeconds: number | null;
  cpuVsPlain: number | null;
  cpuVsPlainRange: [number, number] | null;
  ownSeconds?: number;
  testSeconds?: number;
  testSecondsVsRunner?: number;
  topFunctionsVs?: {reference: string; tests: number; sameFirst: number | null; top3InTop5: number | null};
}

describe('npm run bench with BENCH_PROJECT (BENCH_QUICK=1)', () => {
  test('runs the peers and our variants on the project\'s own config and reports paired ratios, profiled durations and top-function agreement', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jest-perf-bench-project-'));
    const output = path.join(dir, 'results.json');
    const work = path.join(dir, 'work');
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        BENCH_QUICK: '1',
        BENCH_MICRO: '0',
        BENCH_PROJECT: PROJECT,
        // allure last: its results folder is the one left after the round.
        BENCH_VARIANTS: 'plain,heapusage,recommended,runner,cpuprofile@1000,cpuprofile@20000,allure',
        BENCH_OUTPUT: output,
        BENCH_WORK: work,
        BENCH_SKIP_PREPARE: '1',
      };
      delete env.BENCH_SUITES;
      const {exitCode: code, stdout, stderr} = await runNodeScript(path.join(REPO, 'bench', 'run.js'), [], {cwd: REPO, env});
      expect({code, stderr: code === 0 ? '' : stderr}).toEqual({code: 0, stderr: ''});
      const results = JSON.parse(readFileSync(output, 'utf8')) as {suites: Record<string, {tests: number; project: string; variants: Record<string, Figures>}>};
      // The project alone: no generated suite unless BENCH_SUITES names one.
      expect(Object.keys(results.suites)).toEqual(['bench-project']);
      const suite = results.suites['bench-project'];
      // Its own testMatch (specs/*.spec.js) was kept under every variant: 12 tests, read back from our report.
      expect(suite.tests).toBe(12);
      expect(suite.project).toMatch(/^bench-project \(its own config and Jest 30\./);
      expect(Object.keys(suite.variants)).toEqual(['plain', 'heapusage', 'recommended', 'runner', 'cpuprofile@1000', 'cpuprofile@20000', 'allure']);
      for (const [name, figures] of Object.entries(suite.variants)) {
        if (process.platform !== 'linux') continue;
        expect([name, (figures.cpuSeconds ?? 0) > 0, figures.cpuVsPlainRange?.length]).toEqual([name, true, 2]);
        // One round: the range is the one ratio.
        expect([name, figures.cpuVsPlainRange![0]]).toEqual([name, figures.cpuVsPlain]);
      }
      for (const name of ['recommended', 'runner', 'cpuprofile@1000', 'cpuprofile@20000']) {
        expect([name, (suite.variants[name].ownSeconds ?? -1) > 0, (suite.variants[name].testSeconds ?? 0) > 0.3]).toEqual([name, true, true]);
      }
      // Durations under the profiler, paired with the runner's without it.
      expect(suite.variants['cpuprofile@1000'].testSecondsVsRunner).toBeGreaterThan(0);
      expect(suite.variants.runner.testSecondsVsRunner).toBeUndefined();
      // The coarser interval's top functions, held to the finest's on the tests both profiled (the 10 slowest of 12).
      const agreement = suite.variants['cpuprofile@20000'].topFunctionsVs!;
      expect(agreement.reference).toBe('cpuprofile@1000');
      expect(agreement.tests).toBeGreaterThanOrEqual(1);
      expect(agreement.sameFirst).toBeGreaterThanOrEqual(0);
      expect(agreement.sameFirst).toBeLessThanOrEqual(1);
      expect(suite.variants['cpuprofile@1000'].topFunctionsVs).toBeUndefined();
      // allure-jest's environment ran: it wrote its results where the bench pointed it.
      expect(readdirSync(path.join(work, 'allure-results')).filter(name => name.endsWith('-result.json')).length).toBe(12);
      expect(stdout).toMatch(/^ {2}cpuprofile@20000: same top function as cpuprofile@1000 in /m);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  }, 300_000);
});
