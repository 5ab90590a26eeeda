/**
 * The link between the `perf` API, which runs inside the test's sandbox, and the environment that records the
 * test. The environment puts a `PerfBridge` on the sandbox global under this registered symbol; the sandbox's
 * copy of `jest-perf-monitor/perf` (a separate module instance) finds it there.
 */
export const BRIDGE_KEY = Symbol.for('jest-perf-monitor.bridge');

export interface PerfBridge {
  /**
   * Records a span on the test attempt that is running.
   * @param startMs `performance.now()` at the span's start (same process clock as the environment's)
   * @param testName Jest's name of the running test (expect's state), which tells concurrent tests apart
   */
  recordSpan(name: string, startMs: number, durationMs: number, testName?: string): void;
}
