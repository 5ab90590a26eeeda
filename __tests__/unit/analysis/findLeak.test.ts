import {describe, expect, test} from '@jest/globals';
import {findLeak} from '../../../src/analysis/findLeak';
import {LEAK_SAMPLES_PER_FILE, leakSamplePositions} from '../../../src/environment/TestRecorder';
import type {TestEntry} from '../../../src/model/types';
import {entry, MIB} from '../../harness/syntheticRun';

describe('leaks', () => {
  const series = (values: number[], step = 1): TestEntry[] =>
    values.map((mib, i) => {
      const test = entry(`f.test.js::t${i}`, {retainedHeapBytes: mib * MIB});
      test.record.index = i * step;
      return test;
    });

  test('steady growth is flagged with its slope; a cache filled once, noise or too few tests are not', () => {
    const leak = findLeak('f.test.js', series([20, 22, 24, 26, 28, 30]));
    expect(leak).toMatchObject({flagged: true, tests: 6, growingShare: 1, retainedFirstBytes: 20 * MIB, retainedLastBytes: 30 * MIB});
    expect(leak!.growthPerTestBytes).toBeCloseTo(2 * MIB, 0);
    expect(findLeak('f.test.js', series([20, 30, 30, 30, 30, 30]))!.flagged).toBe(false);
    expect(findLeak('f.test.js', series([20, 20.01, 20, 20.01, 20, 20.01]))!.flagged).toBe(false);
    expect(findLeak('f.test.js', series([20, 20.01, 20.02, 20.03, 20.04]))!.flagged).toBe(false);
    expect(findLeak('f.test.js', series([20, 25, 30]))).toBeNull();
    expect(findLeak('f.test.js', [entry('f.test.js::x')])).toBeNull();
  });

  test('a sampled file: the slope is per test, not per sample', () => {
    // Measured after every 10th test, growing 5 MiB between samples: 0.5 MiB per test.
    const leak = findLeak('f.test.js', series([20, 25, 30, 35, 40], 10));
    expect(leak!.growthPerTestBytes).toBeCloseTo(0.5 * MIB, 0);
    expect(leak!.flagged).toBe(true);
  });

  test('large files are measured after an even sample of 16 tests, first and last included', () => {
    expect([...leakSamplePositions(5)]).toEqual([0, 1, 2, 3, 4]);
    const sampled = [...leakSamplePositions(100)];
    expect(sampled).toHaveLength(LEAK_SAMPLES_PER_FILE);
    expect(sampled[0]).toBe(0);
    expect(sampled[sampled.length - 1]).toBe(99);
  });
});
