/**
 * Peak RSS from the kernel's high-water mark (Linux), the sampler where the mark cannot be reset, and start figures
 * carried over from the previous test's end when only Jest ran in between (docs/how-it-measures.md#peak-rss).
 */
import {describe, expect, test} from '@jest/globals';
import {closeSync, openSync} from 'fs';
import {MAJORS, runJest} from '../harness/runJest';

/** Whether this machine lets a process reset its own mark (a locked-down container may not). */
function kernelMarkWritable(): boolean {
  try {
    closeSync(openSync('/proc/self/clear_refs', 'w'));
    return true;
  } catch {
    return false;
  }
}

const PEAKS = 'peak.test.js::peaks > ';
const FORCE_FALLBACK = {JEST_PERF_MONITOR_CLEAR_REFS: '/nonexistent/clear_refs'};

describe.each(MAJORS)('Jest %i', major => {
  test('the kernel mark gives the exact peak of a brief synchronous allocation below an earlier high', async () => {
    const run = await runJest('peak-rss', {major, args: ['--runInBand']});
    expect(run.exitCode).toBe(0);
    const kernel = kernelMarkWritable();
    expect(run.metrics().system!.peak_rss).toEqual([kernel ? 'kernel' : 'sampler']);
    if (!kernel) return;
    const high = run.test(`${PEAKS}sets a high of 300 MiB`).memory;
    expect(high.peak_mb - high.start_mb).toBeGreaterThanOrEqual(299);
    expect(high.peak_mb - high.start_mb).toBeLessThan(330);
    const below = run.test(`${PEAKS}holds 100 MiB briefly below the high`).memory;
    expect(below.peak_mb - below.start_mb).toBeGreaterThanOrEqual(99);
    expect(below.peak_mb - below.start_mb).toBeLessThan(130);
    expect(below.end_mb - below.start_mb).toBeLessThan(50);
  });

  test('where the mark cannot be reset, the sampler runs; with sampling off, only the ends are known', async () => {
    const sampled = await runJest('memory', {major, args: ['--runInBand', 'transient'], env: {...FORCE_FALLBACK, JEST_PERF_CPU_INTERVAL: '0.05'}});
    expect(sampled.exitCode).toBe(0);
    expect(sampled.metrics().system!.peak_rss).toEqual(['sampler']);
    // Held for 400 ms below an earlier high: the sampler thread sees it.
    const held = sampled.test('transient.test.js::transient > holds 150 MiB for 400 ms below an earlier high').memory;
    expect(held.peak_mb - held.start_mb).toBeGreaterThan(130);

    const ends = await runJest('peak-rss', {major, args: ['--runInBand'], env: {...FORCE_FALLBACK, JEST_PERF_CPU_INTERVAL: '0'}});
    expect(ends.exitCode).toBe(0);
    expect(ends.metrics().system!.peak_rss).toEqual(['ends']);
    // A new all-time high is still exact; the brief peak below it is not seen from the two ends.
    const high = ends.test(`${PEAKS}sets a high of 300 MiB`).memory;
    expect(high.peak_mb - high.start_mb).toBeGreaterThanOrEqual(299);
    const below = ends.test(`${PEAKS}holds 100 MiB briefly below the high`).memory;
    expect(below.peak_mb - below.start_mb).toBeLessThan(50);
  });

  test.each([
    ['kernel mark', {}],
    ['sampler', FORCE_FALLBACK],
  ])('back-to-back tests start from the previous end figures; a beforeAll in between forces fresh reads (%s)', async (_, env) => {
    const run = await runJest('peak-rss', {major, args: ['--runInBand'], env});
    expect(run.exitCode).toBe(0);
    const trivial = Array.from({length: 20}, (__, index) => run.test(`peak.test.js::back to back > trivial ${index}`));
    // Carried: the start is the previous end to the byte (and the heap too). A gap over 1 ms (the machine is
    // loaded) reads afresh, so most pairs, not all, must match.
    const carried = trivial.slice(1).filter((t, index) => t.memory.start_mb === trivial[index].memory.end_mb && t.heap!.start_mb === trivial[index].heap!.end_mb);
    expect(carried.length).toBeGreaterThanOrEqual(10);
    // A carried start's CPU time covers the gap since the previous end, and so does its CPU share's window: no
    // sub-millisecond test shows more CPU than the machine's cores could give it (a real suite showed 786 %).
    for (const t of trivial) expect(t.cpu_percent!).toBeLessThanOrEqual(100 * run.metrics().system!.cpu_count);
    const after = run.test('peak.test.js::after a beforeAll > starts with the beforeAll memory');
    // The beforeAll's 64 MiB arrived between the two tests: a carried start would miss it.
    expect(after.memory.start_mb - trivial[19].memory.end_mb).toBeGreaterThan(50);
    expect(after.memory.end_mb - after.memory.start_mb).toBeLessThan(20);
  });
});
