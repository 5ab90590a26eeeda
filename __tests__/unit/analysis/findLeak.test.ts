import {describe, expect, test} from '@jest/globals';
import {findLeak, LEAK_MIN_GROWTH_PER_TEST_BYTES, medianSlope} from '../../../src/analysis/findLeak';
import {LEAK_SAMPLES_PER_FILE, leakSamplePositions} from '../../../src/environment/TestRecorder';
import type {TestEntry} from '../../../src/model/types';
import {entry, MIB, testOf} from '../../harness/syntheticRun';

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

const KIB = 1024;

/** A file's tests with the retained heap (bytes) measured after each, at positions 0, step, 2·step, … */
function series(values: number[], step = 1): TestEntry[] {
  return values.map((bytes, i) => {
    const entry = testOf('f.test.js', [`t${i}`], {retainedHeapBytes: bytes});
    entry.record.index = i * step;
    return entry;
  });
}

/** 16 measurements over 24 tests, as the recorder samples a file of 24 tests, from a per-test function. */
function sampled(retained: (test: number) => number): TestEntry[] {
  const positions = Array.from({length: 16}, (_, i) => Math.round((i * 23) / 15));
  return positions.map((position, i) => {
    const entry = testOf('f.test.js', [`t${i}`], {retainedHeapBytes: retained(position)});
    entry.record.index = position;
    return entry;
  });
}

describe('medianSlope', () => {
  test('a line gives its slope; one outlier moves it little', () => {
    expect(medianSlope([0, 1, 2, 3, 4], [10, 12, 14, 16, 18])).toBe(2);
    expect(medianSlope([0, 1, 2, 3, 4, 5, 6], [10, 12, 14, 100, 18, 20, 22])).toBe(2);
    expect(medianSlope([1, 1], [3, 5])).toBe(0);
  });
});

describe('findLeak on the shapes of the known-answer fixture (docs/checks.md)', () => {
  const base = 60 * MIB;
  // What Jest keeps per test anyway (its results, our records).
  const jest = (test: number): number => test * 5 * KIB;

  test('a real leak of 64 KiB per test is flagged, even when the worker frees 4 MiB once early in the file', () => {
    expect(findLeak('f', sampled(t => base + jest(t) + t * 64 * KIB))!.flagged).toBe(true);
    const dropped = findLeak('f', sampled(t => base + jest(t) + t * 64 * KIB - (t >= 3 ? 4 * MIB : 0)))!;
    expect(dropped.flagged).toBe(true);
    expect(dropped.growthPerTestBytes).toBeGreaterThan(60 * KIB);
    expect(dropped.growthPerTestBytes).toBeLessThan(75 * KIB);
  });

  test('a cache that fills and stops is not: its later half is flat, even when it fills over half the file', () => {
    const six = findLeak('f', sampled(t => base + jest(t) + Math.min(t + 1, 6) * 256 * KIB))!;
    expect(six.laterGrowthPerTestBytes).toBeLessThan(LEAK_MIN_GROWTH_PER_TEST_BYTES);
    expect(six.flagged).toBe(false);
    const twelve = findLeak('f', sampled(t => base + jest(t) + Math.min(t + 1, 12) * 256 * KIB))!;
    expect(twelve.growthPerTestBytes).toBeGreaterThan(LEAK_MIN_GROWTH_PER_TEST_BYTES);
    expect(twelve.laterGrowthPerTestBytes).toBeLessThan(LEAK_MIN_GROWTH_PER_TEST_BYTES);
    expect(twelve.flagged).toBe(false);
  });

  test('a slow creep under 32 KiB per test (jsdom, V8 caches) is not; one spike does not make it one', () => {
    const creep = (t: number): number => base + jest(t) + t * 15 * KIB;
    expect(findLeak('f', sampled(creep))!.flagged).toBe(false);
    expect(findLeak('f', sampled(t => creep(t) + (t === 12 ? 4 * MIB : 0)))!.flagged).toBe(false);
  });

  test('the older cases still hold: steady growth flagged with its slope per test, noise and short files not', () => {
    const MiB = (values: number[]): number[] => values.map(value => value * MIB);
    const leak = findLeak('f', series(MiB([20, 22, 24, 26, 28, 30])));
    expect(leak).toMatchObject({flagged: true, tests: 6, growingShare: 1, growthPerTestBytes: 2 * MIB, laterGrowthPerTestBytes: 2 * MIB});
    expect(findLeak('f', series(MiB([20, 25, 30, 35, 40]), 10))).toMatchObject({flagged: true, growthPerTestBytes: 0.5 * MIB});
    expect(findLeak('f', series(MiB([20, 30, 30, 30, 30, 30])))!.flagged).toBe(false);
    expect(findLeak('f', series(MiB([20, 20.01, 20.02, 20.03, 20.04])))!.flagged).toBe(false);
    expect(findLeak('f', series(MiB([20, 25, 30])))).toBeNull();
  });
});
