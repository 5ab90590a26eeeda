import {expect} from '@jest/globals';
import {runJest} from './runJest';

const options = {FIXTURE_OPTIONS: JSON.stringify({leaks: true})};
const FILES = ['cache-fills', 'console-buffer', 'jsdom-first-render', 'real-leak', 'tree-until-teardown'];

/** One run of the `leak-answers` fixture with leak detection on: the real leak is flagged, and nothing else. */
export async function expectOnlyTheRealLeak(major: number): Promise<void> {
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
