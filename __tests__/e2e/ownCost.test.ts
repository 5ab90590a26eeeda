/**
 * The package's own cost, counted completely (docs/performance.md, "Own cost"): loading it in each worker and in
 * Jest's process, the threads it starts, writing the reports, and all of it as a share of the run's CPU.
 */
import {describe, expect, test} from '@jest/globals';
import {MAJORS, runJest} from '../harness/runJest';
import type {JestRun} from '../harness/runJest';

/** The printed figure for `what` on the "Own cost" line, in ms. */
function printedMs(run: JestRun, what: string): number {
  const match = new RegExp(`([\\d.]+) (m?s) ${what}`).exec(run.stderr);
  if (match === null) throw new Error(`no "${what}" in: ${run.stderr}`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

function expectPlausible(run: JestRun): void {
  expect(run.exitCode).toBe(0);
  const metrics = run.metrics();
  const overhead = metrics.overhead;
  expect(overhead.module_load_time).toBeGreaterThan(0);
  expect(overhead.report_writing_time).toBeGreaterThan(0);
  const runCpu = overhead.run_cpu_time!;
  // The run's CPU holds every test's own CPU (each worker's process CPU covers its tests'), and far more than ours.
  const testsCpuS = Object.values(metrics.tests).reduce((sum, t) => sum + (t.cpu_user_ms + t.cpu_system_ms) / 1000, 0);
  expect(runCpu).toBeGreaterThanOrEqual(testsCpuS);
  const parts = overhead.environment_time + overhead.reporter_time + overhead.module_load_time! + (overhead.sampler_time ?? 0) + (overhead.profiler_time ?? 0) + overhead.report_writing_time!;
  expect(overhead.own_time).toBeCloseTo(parts, 5);
  expect(overhead.own_time!).toBeLessThan(runCpu);
  expect(overhead.own_cpu_percent).toBeGreaterThan(0);
  expect(overhead.own_cpu_percent).toBeLessThan(100);
  expect(overhead.own_cpu_percent).toBeCloseTo((overhead.own_time! / runCpu) * 100, 2);
  expect(run.stderr).toMatch(
    /Own cost: [\d.]+ m?s in test environments \([\d.]+ % of test time\), [\d.]+ m?s in the reporter, [\d.]+ m?s loading the package, (.+, )?[\d.]+ m?s writing reports: [\d.]+ m?s in all, [\d.]+ % of the run's CPU \([\d.]+ m?s\)/,
  );
  // The JSON file is written last, with what the other reports cost; the printed line shows the JSON file's figure.
  expect(Math.abs(printedMs(run, 'writing reports') - overhead.report_writing_time! * 1000)).toBeLessThanOrEqual(0.1 + 1e-9);
  const printedShare = Number(/([\d.]+) % of the run's CPU/.exec(run.stderr)![1]);
  expect(printedShare).toBeGreaterThan(0);
  expect(printedShare).toBeLessThan(100);
}

describe.each(MAJORS)('Jest %i', major => {
  test('two workers, kernel peaks (Linux): every part is counted, and no sampler thread runs', async () => {
    const run = await runJest('own-cost', {major, args: ['--maxWorkers=2']});
    expectPlausible(run);
    const overhead = run.metrics().overhead;
    if (run.metrics().system?.peak_rss?.includes('kernel')) {
      expect(overhead.sampler_time).toBe(0);
      expect(run.stderr).not.toContain('sampler thread');
    }
  }, 120_000);

  test('two workers, the sampler fallback: every part is counted, the sampler thread (tests longer than its interval) included', async () => {
    // Where /proc/self/clear_refs cannot be written, peaks come from the sampler thread (docs/how-it-measures.md).
    const run = await runJest('own-cost', {major, args: ['--maxWorkers=2'], env: {JEST_PERF_MONITOR_CLEAR_REFS: '/nonexistent/clear_refs'}});
    expectPlausible(run);
    const overhead = run.metrics().overhead;
    expect(run.metrics().system?.peak_rss).toEqual(['sampler']);
    // Tests of 20 to 40 ms, an interval of 20 ms: the workers start their sampler, whose boot alone is CPU.
    expect(overhead.sampler_time).toBeGreaterThan(0);
    expect(overhead.profiler_time).toBe(0);
    expect(run.stderr).toMatch(/[\d.]+ m?s in the RSS sampler thread/);
    expect(run.stderr).not.toContain('profiler thread');
  }, 120_000);

  test('in band: Jest\'s process is the worker, counted once', async () => {
    const run = await runJest('own-cost', {major, args: ['--runInBand'], env: {JEST_PERF_RSS_SAMPLE_INTERVAL: '0'}});
    expectPlausible(run);
    const overhead = run.metrics().overhead;
    // No sampler asked for: none ran, and the line does not name one.
    expect(overhead.sampler_time).toBe(0);
    expect(run.stderr).not.toContain('sampler thread');
  }, 120_000);

  test('cpuProfile: V8\'s profiler thread is counted', async () => {
    const run = await runJest('own-cost', {major, args: ['--maxWorkers=2'], env: {OWN_COST_PROFILE: '1'}});
    expectPlausible(run);
    expect(run.metrics().overhead.profiler_time).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/[\d.]+ m?s in V8's profiler thread/);
  }, 120_000);

  test('workerThreads: the workers share Jest\'s process, whose CPU is counted once', async () => {
    const run = await runJest('own-cost', {major, args: ['--maxWorkers=2', '--workerThreads']});
    expectPlausible(run);
  }, 120_000);
});
