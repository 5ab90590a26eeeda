/**
 * The benchmark's smoke run: `npm run bench` with every suite, variant and micro-benchmark shrunk to one small
 * round (BENCH_QUICK=1), so the bench cannot rot between the times someone measures with it. It checks that every
 * figure was taken and is sane, never how fast anything was.
 */
import {describe, expect, test} from '@jest/globals';
import {runNodeScript} from '../harness/runJest';
import {mkdtempSync, readFileSync, rmSync} from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../..');

interface VariantFigures {
  wallSeconds: number;
  cpuSeconds: number | null;
  wallVsPlain: number;
  wallVsFloor: number;
  wallPointsOverFloor: number;
  ownSeconds?: number;
}

describe('npm run bench (BENCH_QUICK=1)', () => {
  test('runs the whole matrix and the micro-benchmarks and writes every figure', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jest-perf-bench-test-'));
    const output = path.join(dir, 'results.json');
    try {
      const env: NodeJS.ProcessEnv = {...process.env, BENCH_QUICK: '1', BENCH_OUTPUT: output, BENCH_WORK: path.join(dir, 'work'), BENCH_SKIP_PREPARE: '1'};
      delete env.BENCH_SUITES;
      delete env.BENCH_VARIANTS;
      const {exitCode: code, stdout, stderr} = await runNodeScript(path.join(REPO, 'bench', 'run.js'), [], {cwd: REPO, env});
      expect({code, stderr: code === 0 ? '' : stderr}).toEqual({code: 0, stderr: ''});
      const results = JSON.parse(readFileSync(output, 'utf8')) as {
        machine: {cpus: number; node: string; jest: string};
        quick: boolean;
        suites: Record<string, {tests: number; variants: Record<string, VariantFigures>}>;
        micro: {
          reporter: {tests: number; totalMs: number; retainedBytesPerTest: number; reportMb: number};
          failures: {profileMsPerFailure: number; traceFailuresWithLocals: number; failuresPerRun: number};
          environment: {nsPerEvent: number; eventsPerTest: number};
        };
        targets: Array<{what: string; target: number; figures: Record<string, {value: number; met: boolean}>}>;
      };
      expect(results.quick).toBe(true);
      expect(results.machine).toMatchObject({cpus: os.cpus().length, node: process.versions.node, jest: expect.stringMatching(/^30\./)});
      expect(Object.keys(results.suites)).toEqual(['trivial', 'realistic', 'failing']);
      for (const suite of Object.values(results.suites)) {
        expect(Object.keys(suite.variants)).toEqual(['plain', 'floor', 'junit', 'allure', 'heapusage', 'static', 'profile', 'trace', 'runner', 'recommended', 'auto', 'cpuprofile']);
        expect(suite.variants.plain.wallVsPlain).toBe(1);
        for (const [name, figures] of Object.entries(suite.variants)) {
          expect([name, figures.wallSeconds > 0, Number.isFinite(figures.wallVsFloor), Number.isFinite(figures.wallPointsOverFloor)]).toEqual([name, true, true, true]);
          if (process.platform === 'linux') expect([name, (figures.cpuSeconds ?? 0) > 0]).toEqual([name, true]);
          // The plugin's variants read their own cost back from the report they wrote.
          if (['static', 'profile', 'trace', 'runner', 'recommended', 'auto', 'cpuprofile'].includes(name)) expect([name, (figures.ownSeconds ?? -1) > 0]).toEqual([name, true]);
        }
      }
      expect(results.micro.reporter).toMatchObject({tests: 2000});
      expect(results.micro.reporter.totalMs).toBeGreaterThan(0);
      expect(results.micro.reporter.retainedBytesPerTest).toBeGreaterThan(100);
      expect(results.micro.failures.failuresPerRun).toBe(10);
      expect(results.micro.failures.traceFailuresWithLocals).toBe(10);
      expect(results.micro.environment.eventsPerTest).toBe(9);
      expect(results.micro.environment.nsPerEvent).toBeGreaterThan(0);
      expect(results.targets.map(target => target.what)).toEqual([
        'static, trivial: points over the floor',
        'profile, trivial: points over the floor',
        'profile, realistic: x plain Jest',
        'runner vs environment entry (profile), realistic: x',
        'auto vs profile (both through the runner), all-passing realistic: x',
        'trace, 10% failing: x plain Jest',
        'extraction per failure, profile (ms)',
        'ingest and write 2000 tests (ms)',
        'retained per test (bytes)',
      ]);
      for (const target of results.targets) {
        for (const figure of Object.values(target.figures)) expect(figure.met).toBe(figure.value <= target.target);
      }
      expect(stdout).toMatch(/^trivial \(40 tests, medians of 1\)$/m);
      expect(stdout).toMatch(/^targets$/m);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
    // About 35 s alone; more beside the other test files.
  }, 300_000);
});
