import {readdirSync, readFileSync, readlinkSync} from 'fs';
import type * as WorkerThreads from 'worker_threads';
import type {OwnCostLine} from '../model/channel';

/**
 * This package's cost beyond the recorder's per-file time (docs/performance.md, "Own cost"): loading the package,
 * and the threads it starts (the RSS sampler, the CPU profiler's). The figures are per process and cumulative; a
 * worker sends them with each file's end line, the reporter keeps the last of each worker.
 *
 * Imported first by every entry module (its own load is the one thing not counted), so the module-load clock starts
 * before the rest of the package is required. Nothing here loads a module Node has not loaded already.
 */

/** Where a thread's CPU time came from: `schedstat` (ns, Linux), `stat` (clock ticks, Linux), Node's own, or none. */
export type ThreadCpuSource = 'schedstat' | 'stat' | 'threadCpuUsage' | null;

/** `/proc/<pid>/task/<tid>/schedstat`: `<ns on CPU> <ns waiting> <timeslices>`; milliseconds on CPU, or null. */
export function parseSchedstat(text: string): number | null {
  const ns = Number(text.slice(0, text.indexOf(' ')));
  return text.indexOf(' ') > 0 && Number.isFinite(ns) && ns >= 0 ? ns / 1e6 : null;
}

/** Linux's USER_HZ: /proc's clock ticks are 1/100 s on every architecture Node runs on (it is part of the ABI). */
const TICK_MS = 10;

/**
 * `/proc/<pid>/task/<tid>/stat`: utime and stime (fields 14 and 15) in clock ticks, as milliseconds, or null. The
 * thread's name (field 2, in parentheses) may itself hold spaces and parentheses: fields are counted after the last `)`.
 */
export function parseStatCpuMs(text: string): number | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // After ")": state (field 3) is the first, so utime (14) and stime (15) are the 12th and 13th.
  const fields = text.slice(close + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return fields.length > 12 && Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * TICK_MS : null;
}

type ThreadCpuUsage = () => {user: number; system: number};
const nodeThreadCpu = (process as unknown as {threadCpuUsage?: ThreadCpuUsage}).threadCpuUsage;

/** Reads one /proc thread directory's CPU time; null when neither file can be read. */
export function taskCpuMs(dir: string): number | null {
  try {
    return parseSchedstat(readFileSync(`${dir}/schedstat`, 'latin1'));
  } catch {
    try {
      return parseStatCpuMs(readFileSync(`${dir}/stat`, 'latin1'));
    } catch {
      return null;
    }
  }
}

/**
 * The calling thread's CPU time in ms, or null where no reading exists (not Linux, and a Node without
 * `process.threadCpuUsage`, added in 23.9). On Linux `/proc/thread-self/schedstat` has nanoseconds on Node 20, 22
 * and 24 alike; Node's own reading comes second (it is a syscall, but only microseconds).
 */
export function threadCpuMs(): number | null {
  if (process.platform === 'linux') {
    const ms = taskCpuMs('/proc/thread-self');
    if (ms !== null) return ms;
  }
  if (nodeThreadCpu === undefined) return null;
  const usage = nodeThreadCpu.call(process);
  return (usage.user + usage.system) / 1000;
}

/** The calling thread's id in /proc (Linux), or null. */
export function ownThreadId(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * The CPU of this process's threads named `name` (V8 names its own: `v8:ProfEvntProc` is the CPU profiler's), summed
 * over every such thread seen so far: a thread keeps the most it was seen with after it ends (a stopped profiler's
 * thread is joined, and its last stretch since the previous reading is lost). Linux only; null elsewhere.
 */
export class NamedThreadsCpu {
  private readonly seen = new Map<string, number>();

  constructor(private readonly name: string) {}

  read(): number | null {
    if (process.platform !== 'linux') return null;
    let tasks: string[];
    try {
      tasks = readdirSync('/proc/self/task');
    } catch {
      return null;
    }
    for (const tid of tasks) {
      try {
        if (readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trimEnd() !== this.name) continue;
      } catch {
        continue;
      }
      const ms = taskCpuMs(`/proc/self/task/${tid}`);
      if (ms !== null && ms > (this.seen.get(tid) ?? -1)) this.seen.set(tid, ms);
    }
    let total = 0;
    for (const ms of this.seen.values()) total += ms;
    return total;
  }
}

/** The clock module loads are timed with: the thread's CPU where it can be read, else the wall clock. */
function loadClockMs(): number {
  return threadCpuMs() ?? performance.now();
}

/** When the first entry module began to load in this process (this module is its first import). */
let firstStartMs: number | null = loadClockMs();
let loadedMs = 0;

/** For an entry that requires the rest after this call: its own start, when another entry may have loaded first. */
export function entryLoadStart(): number {
  return firstStartMs ?? loadClockMs();
}

/**
 * Called by an entry module once its imports are loaded, with its `entryLoadStart()` or, for an entry whose imports
 * are all static, the first entry's start (counted once: a later such entry finds its modules loaded already).
 */
export function noteEntryLoaded(startMs: number | null = firstStartMs): void {
  if (startMs === null) return;
  loadedMs += Math.max(0, loadClockMs() - startMs);
  firstStartMs = null;
}

/** Milliseconds (of CPU where it can be read) this process spent loading the package's entry modules. */
export function packageLoadMs(): number {
  return loadedMs;
}


let threadNumber: number | undefined;
/**
 * Node's thread id of the calling thread (0: a process's main thread). A Jest worker process has an IPC channel and
 * runs tests on its main thread: there `worker_threads` is not loaded for the answer.
 */
export function nodeThreadId(): number {
  if (threadNumber === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only off a worker process's main thread
    threadNumber = typeof process.send === 'function' ? 0 : (require('worker_threads') as typeof WorkerThreads).threadId;
  }
  return threadNumber;
}

const profilerThreads = new NamedThreadsCpu('v8:ProfEvntProc');

/** This worker's own-cost figures so far, for a file's end line; `profiling`: cpuProfile is on in this worker. */
export function ownCostFigures(sampler: {threadCpuMs(): number | null} | null, profiling: boolean): OwnCostLine {
  const cpu = process.cpuUsage();
  return {
    pid: process.pid,
    thread: nodeThreadId(),
    loadMs: loadedMs,
    samplerMs: sampler === null ? 0 : sampler.threadCpuMs(),
    profilerMs: profiling ? profilerThreads.read() : 0,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}
