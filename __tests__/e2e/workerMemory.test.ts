/**
 * Which test file makes the worker grow (docs/checks.md, "Memory across files"), through real Jest runs of the
 * `worker-growth` fixture: two files keep ~80 MiB each on a core module (it outlives their teardown), four allocate
 * as much and drop it.
 */
import {describe, expect, test} from '@jest/globals';
import {readFileSync} from 'fs';
import * as path from 'path';
import {chromium} from 'playwright-core';
import {MAJORS, runCli, runJest} from '../harness/runJest';
import type {JestRun} from '../harness/runJest';

const options = (value: object): Record<string, string> => ({FIXTURE_OPTIONS: JSON.stringify(value)});
const KEPT_MIB = 80;

function boundaries(run: JestRun): Array<{file: string; worker: number; left: number; rssLeft: number; afterGc: boolean; order: number}> {
  return Object.entries(run.metrics().files).map(([file, entry]) => {
    const after = entry.after_teardown!;
    expect(after).toBeDefined();
    return {file, worker: entry.worker, left: after.heap_left_mb, rssLeft: after.rss_left_mb, afterGc: after.after_gc, order: after.order};
  });
}

describe.each(MAJORS)('Jest %i', major => {
  test('leaks on: a GC at each file boundary; the files that keep memory are named with what they left', async () => {
    const run = await runJest('worker-growth', {major, args: ['--maxWorkers=2'], env: options({leaks: true, formats: ['json', 'markdown', 'html']})});
    expect(run.exitCode).toBe(0);
    const files = boundaries(run);
    expect(files).toHaveLength(6);
    expect(files.every(file => file.afterGc)).toBe(true);
    for (const file of files) {
      // 10 Mi doubles are 80 MiB. The first file a worker runs also keeps Jest's own caches (12 MiB in Jest 29).
      const warmUp = file.order === 1 ? 20 : 4;
      if (file.file.includes('keeps')) {
        expect(file.left).toBeGreaterThan(KEPT_MIB - 1);
        expect(file.left).toBeLessThan(KEPT_MIB + warmUp);
      } else {
        expect(file.left).toBeLessThan(warmUp);
      }
    }
    const workers = run.metrics().worker_memory!;
    // Each worker's growth is the sum of what its files left.
    for (const worker of workers) {
      const own = files.filter(file => file.worker === worker.worker);
      expect(own).toHaveLength(worker.files);
      expect(worker.after_gc).toBe(true);
      expect(Math.abs(own.reduce((sum, file) => sum + file.left, 0) - worker.heap_growth_mb)).toBeLessThan(0.01);
      expect(own.map(file => file.order).sort()).toEqual(own.map((_, index) => index + 1));
    }
    const named = workers.flatMap(worker => worker.top_files.map(top => top.file)).sort();
    expect(named.filter(file => file.includes('keeps'))).toEqual(['files/keeps-1.test.js', 'files/keeps-2.test.js']);
    const total = workers.reduce((sum, worker) => sum + worker.heap_growth_mb, 0);
    expect(total).toBeGreaterThan(2 * KEPT_MIB - 1);
    expect(run.stderr).toMatch(/Worker memory \(read after each file's teardown, after a forced GC\):\n {2}worker \d grew \d+\.\d MiB of heap over \d files \(RSS \+\d+\.\d MiB\); \d files? left \d+ % of it: files\/keeps-\d\.test\.js \(\d+\.\d MiB\)/);
    // Read back from the JSON, `summary` says the same.
    const summary = await runCli(['summary', 'performance_metrics.json'], {cwd: run.dir});
    expect(summary.exitCode).toBe(0);
    expect(summary.stdout).toContain(run.stderr.match(/Worker memory \(read after each file's teardown, after a forced GC\):\n.*\n/)![0]);

    const markdown = readFileSync(path.join(run.dir, 'performance_metrics.md'), 'utf8');
    expect(markdown).toMatch(/### Worker memory across files\n\n.*\n\n\| worker \| readings \| files that left the most \|\n\|---\|---\|---\|\n\| worker \d grew .* \| after a forced GC \| .*files\/keeps-\d\.test\.js/);
    // The HTML report marks the named files on the per-worker memory chart.
    const browser = await chromium.launch({executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run']});
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', error => errors.push(String(error)));
      await page.goto(`file://${path.join(run.dir, 'performance_metrics.html')}`);
      expect(errors).toEqual([]);
      expect(await page.getAttribute('body', 'data-charts-rendered')).toBe('3');
      const marked = workers.flatMap(worker => worker.top_files.filter(top => top.heap_left_mb >= 4));
      expect(marked.length).toBeGreaterThanOrEqual(2);
      expect(Number(await page.getAttribute('body', 'data-memory-marks'))).toBe(marked.length);
      expect(await page.textContent('#worker-memory')).toMatch(/Worker memory across files.*files\/keeps-\d\.test\.js/s);
    } finally {
      await browser.close();
    }
  });

  test('leaks off, in band: one read per file, said to be before GC; the keeping files still show', async () => {
    const run = await runJest('worker-growth', {major, args: ['--runInBand'], env: options({})});
    expect(run.exitCode).toBe(0);
    const files = boundaries(run);
    expect(files.every(file => !file.afterGc)).toBe(true);
    expect(new Set(files.map(file => file.worker))).toEqual(new Set([1]));
    expect(files.map(file => file.order).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    // Before GC, garbage an earlier file left is attributed to it when later growth keeps the floor up: only the
    // total is sure.
    const [worker] = run.metrics().worker_memory!;
    expect(worker.heap_growth_mb).toBeGreaterThan(2 * KEPT_MIB - 1);
    expect(worker).toMatchObject({worker: 1, files: 6, after_gc: false});
    expect(run.stderr).toMatch(/Worker memory \(read after each file's teardown, before GC unless leaks is on\):\n {2}worker 1 grew \d+\.\d MiB of heap over 6 files \(RSS \+\d+\.\d MiB\), before GC; /);
  });

  test("each file's heap agrees with Jest's own --logHeapUsage figure on the same run", async () => {
    // With --expose-gc, Jest reads heapUsed after a full GC, just before the file's teardown; with leaks on, ours is
    // read after a full GC just after it. Both are then retained figures, a teardown apart.
    const run = await runJest('worker-growth', {major, args: ['--maxWorkers=2', '--logHeapUsage'], env: {...options({leaks: true}), NODE_OPTIONS: '--expose-gc'}});
    expect(run.exitCode).toBe(0);
    // `PASS files/keeps-1.test.js (45 MB heap size)`: Jest floors heapUsed to whole MiB.
    const jest = new Map([...run.stderr.matchAll(/^PASS (\S+)\s.*?(\d+) MB heap size/gm)].map(match => [match[1], Number(match[2])]));
    expect(jest.size).toBe(6);
    for (const [file, entry] of Object.entries(run.metrics().files)) {
      const theirs = jest.get(file)!;
      const ours = entry.after_teardown!.heap_mb;
      expect(entry.after_teardown!.after_gc).toBe(true);
      // The teardown releases the file's module registry and environment (a few MiB at most for these files).
      expect(ours).toBeLessThan(theirs + 1 + 0.5);
      expect(ours).toBeGreaterThan(theirs - 5);
    }
  });
});
