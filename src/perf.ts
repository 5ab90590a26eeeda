/**
 * Custom spans inside a test, recorded with the test's metrics (`spans` in performance_metrics.json).
 *
 *     import {perf} from 'jest-perf-monitor/perf';
 *     await perf.span('seed db', () => seed());
 *     perf.mark('parse'); parse(); perf.measure('parse');
 *
 * Without the monitoring environment (or with `enabled: false`) every call still runs the code and records
 * nothing. This entry is tiny on purpose: Jest loads it afresh for every test file.
 */
import {performance} from 'perf_hooks';
import {BRIDGE_KEY} from './model/bridge';
import type {PerfBridge} from './model/bridge';

function bridge(): PerfBridge | undefined {
  return (globalThis as unknown as Record<symbol, PerfBridge | undefined>)[BRIDGE_KEY];
}

interface ExpectState {
  currentTestName?: string;
  currentConcurrentTestName?: () => string | undefined;
}

/** The test this code runs in, as Jest names it; concurrent tests each see their own (AsyncLocalStorage). */
function currentTestName(): string | undefined {
  const expect = (globalThis as {expect?: {getState?: () => ExpectState}}).expect;
  const state = expect?.getState?.();
  return state?.currentConcurrentTestName?.() ?? state?.currentTestName;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as {then?: unknown}).then === 'function';
}

const marks = new Map<string, number>();

export interface Perf {
  /** Runs `fn` and records its wall time as a span named `name`; async functions are timed until they settle. */
  span<T>(name: string, fn: () => T): T;
  /** Remembers the current time under `name`, for a later `measure`. */
  mark(name: string): void;
  /**
   * Records a span from mark `startMark` to mark `endMark` (or to now) under `name`.
   * @returns the span's duration in milliseconds, or `undefined` when `startMark` was never set
   */
  measure(name: string, startMark?: string, endMark?: string): number | undefined;
}

export const perf: Perf = {
  span<T>(name: string, fn: () => T): T {
    const startMs = performance.now();
    const testName = currentTestName();
    const record = (): void => {
      bridge()?.recordSpan(name, startMs, performance.now() - startMs, testName);
    };
    let result: T;
    try {
      result = fn();
    } catch (error) {
      record();
      throw error;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).finally(record) as T;
    }
    record();
    return result;
  },
  mark(name: string): void {
    marks.set(name, performance.now());
  },
  measure(name: string, startMark: string = name, endMark?: string): number | undefined {
    const startMs = marks.get(startMark);
    if (startMs === undefined) return undefined;
    const endMs = endMark === undefined ? performance.now() : marks.get(endMark) ?? performance.now();
    const durationMs = endMs - startMs;
    bridge()?.recordSpan(name, startMs, durationMs, currentTestName());
    return durationMs;
  },
};
