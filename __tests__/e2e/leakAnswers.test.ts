/**
 * Leak detection on files whose answer is known (docs/checks.md, "Leaks"), through real Jest runs of the
 * `leak-answers` fixture: one real leak (a module-level array every test pushes 64 KiB into) and four look-alikes
 * that are not leaks (a cache that fills and stops, jsdom's first render, Jest's console buffer, a UI tree kept
 * until teardown). Quiet, and with two CPU-bound processes beside Jest.
 */
import {describe, expect, test} from '@jest/globals';
import {spawn} from 'child_process';
import type {ChildProcess} from 'child_process';
import {MAJORS, runJest} from '../harness/runJest';

const options = {FIXTURE_OPTIONS: JSON.stringify({leaks: true})};
const FILES = ['cache-fills', 'console-buffer', 'jsdom-first-render', 'real-leak', 'tree-until-teardown'];

async function expectOnlyTheRealLeak(major: number): Promise<void> {
  const run = await runJest('leak-answers', {major, args: ['--maxWorkers=2'], env: options, timeoutMs: 240_000});
  expect(run.exitCode).toBe(0);
  const leaks = run.metrics().leaks!;
  expect(leaks.files_checked).toBe(FILES.length);
  expect(leaks.flagged.map(leak => leak.file)).toEqual(['files/real-leak.test.js']);
  const [leak] = leaks.flagged;
  // 64 KiB pushed per test, plus what Jest keeps per test (a few KiB).
  expect(leak.growth_per_test_mb * 1024).toBeGreaterThan(60);
  expect(leak.growth_per_test_mb * 1024).toBeLessThan(80);
  expect(leak.later_growth_per_test_mb! * 1024).toBeGreaterThan(60);
  expect(leak.tests).toBe(16);
  // Every file's tests were measured after a GC (16 of each file's 24).
  for (const file of FILES) {
    const measured = Object.entries(run.metrics().tests).filter(([id, entry]) => id.startsWith(`files/${file}.test.js::`) && entry.heap?.retained_mb !== undefined);
    expect(measured).toHaveLength(16);
  }
}

describe.each(MAJORS)('Jest %i', major => {
  test('only the real leak is flagged', async () => {
    await expectOnlyTheRealLeak(major);
  });

  test('only the real leak is flagged with two CPU-bound processes beside Jest', async () => {
    const hogs: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], {stdio: 'ignore'}));
    try {
      await expectOnlyTheRealLeak(major);
    } finally {
      for (const hog of hogs) hog.kill('SIGKILL');
    }
  }, 300_000);
});
