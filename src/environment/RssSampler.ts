import type {Worker} from 'worker_threads';
import type * as WorkerThreads from 'worker_threads';
import {taskCpuMs} from './ownCost';

/**
 * Samples the process's resident set from a worker thread, so a peak reached inside synchronous test code, where
 * no timer of the test's own thread can fire, is still seen. The high-water mark since the last `reset()` lives
 * in a SharedArrayBuffer: reading and resetting it costs the test thread a few nanoseconds, with no message
 * passing. One sampler serves the whole process (a Jest worker runs many files).
 *
 * `process.resourceUsage().maxRSS` complements it: when it rises during a test, the process reached a new
 * all-time high during that test, exactly. The sampler covers peaks below an earlier high.
 */
export class RssSampler {
  private readonly peakKiB: Int32Array;
  private readonly worker: Worker;

  private constructor(intervalMs: number) {
    // [0]: peak RSS in KiB since the last reset; [1]: 1 once the thread is sampling; [2]: its thread id (Linux);
    // [3]: its own CPU in ms where only Node can tell it (process.threadCpuUsage, not Linux).
    const shared = new SharedArrayBuffer(16);
    this.peakKiB = new Int32Array(shared);
    // Loaded only when a sampler starts: most workers never start one (see `lazy`).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
    const {Worker: WorkerThread} = require('worker_threads') as typeof WorkerThreads;
    // The thread is tiny and self-contained; eval keeps it out of the module graph Jest resolves.
    this.worker = new WorkerThread(SAMPLER_SOURCE, {
      eval: true,
      workerData: {shared, intervalMs},
      // Keep the sampler small: it only reads one number on a timer.
      resourceLimits: {maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2},
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
    // Wait (bounded) until the thread samples, so its boot (~55 ms of CPU, a few MiB of RSS) is over before the
    // next test starts measuring; a thread that is slow to boot is simply waited for no longer.
    Atomics.wait(this.peakKiB, 1, 0, BOOT_WAIT_MS);
    // A sampler that cannot run must never disturb the test run; the high-water mark still works without it.
    this.worker.on('error', () => {});
  }

  private static instance: RssSampler | null = null;

  /** The process-wide sampler, started now. */
  static shared(intervalMs: number): RssSampler | null {
    if (RssSampler.instance === null) {
      try {
        RssSampler.instance = new RssSampler(intervalMs);
      } catch {
        return null;
      }
    }
    return RssSampler.instance;
  }

  /**
   * The process-wide sampler, started only once a test has lasted longer than one interval. Booting the thread
   * costs ~55 ms of CPU per worker process, which a suite of short tests would pay for nothing: a test shorter
   * than the interval would rarely get a sample anyway, and the kernel's high-water mark covers its new peaks.
   * It starts between two tests (after the long test's figures are taken) and is waited for there.
   */
  static lazy(intervalMs: number): LazyRssSampler {
    return new LazyRssSampler(intervalMs);
  }

  /** The sampler if one is running in this process. */
  static running(): RssSampler | null {
    return RssSampler.instance;
  }

  /** Forgets the peak seen so far; the next sample starts a new window. */
  reset(): void {
    Atomics.store(this.peakKiB, 0, 0);
  }

  /** The sampler thread's CPU so far (its boot included), in ms; null where it cannot be read. */
  threadCpuMs(): number | null {
    const tid = Atomics.load(this.peakKiB, 2);
    if (tid > 0) return taskCpuMs(`/proc/self/task/${tid}`);
    const ms = Atomics.load(this.peakKiB, 3);
    return ms > 0 ? ms : null;
  }

  /** Highest RSS sampled since the last reset, in bytes (0 when no sample was taken yet). */
  peakBytes(): number {
    return Atomics.load(this.peakKiB, 0) * 1024;
  }
}

const BOOT_WAIT_MS = 500;

const SAMPLER_SOURCE = `
const {workerData} = require('worker_threads');
const peak = new Int32Array(workerData.shared);
try {
  if (process.platform === 'linux') Atomics.store(peak, 2, Number(require('fs').readlinkSync('/proc/thread-self').split('/').pop()) || 0);
} catch {}
const ownCpu = process.platform !== 'linux' && typeof process.threadCpuUsage === 'function';
const sample = () => {
  if (ownCpu) {
    const usage = process.threadCpuUsage();
    Atomics.store(peak, 3, Math.round((usage.user + usage.system) / 1000));
  }
  const kib = Math.floor(process.memoryUsage.rss() / 1024);
  let seen = Atomics.load(peak, 0);
  while (seen < kib) {
    const previous = Atomics.compareExchange(peak, 0, seen, kib);
    if (previous === seen) break;
    seen = previous;
  }
};
setInterval(sample, workerData.intervalMs);
sample();
Atomics.store(peak, 1, 1);
Atomics.notify(peak, 1);
`;

/** Defers `RssSampler.shared()` until `noteDuration()` sees a test longer than the interval. */
export class LazyRssSampler {
  private sampler: RssSampler | null = RssSampler.running();

  constructor(private readonly intervalMs: number) {}

  /** Called at the end of each test attempt; true when it started the thread just now. */
  noteDuration(durationMs: number): boolean {
    if (this.sampler !== null || durationMs < this.intervalMs) return false;
    this.sampler = RssSampler.shared(this.intervalMs);
    return true;
  }

  reset(): void {
    this.sampler?.reset();
  }

  peakBytes(): number {
    return this.sampler === null ? 0 : this.sampler.peakBytes();
  }

  /** The sampler thread's CPU so far: 0 while none was started, null where it cannot be read. */
  threadCpuMs(): number | null {
    return this.sampler === null ? 0 : this.sampler.threadCpuMs();
  }
}
