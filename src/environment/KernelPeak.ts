import {closeSync, constants, openSync, readSync, writeSync} from 'fs';
import type {RssReader} from './readRss';

export type {PeakRssMethod} from '../model/types';


/**
 * The file whose write resets the mark. Set to a file that cannot be written (`/nonexistent/clear_refs`) to take the sampler
 * where the kernel's mark would do: a locked-down container, as the tests of the fallback do.
 */
export const CLEAR_REFS_ENV = 'JEST_PERF_MONITOR_CLEAR_REFS';

/** `5`: reset the RSS high-water mark to the current RSS (Linux 4.0+, proc(5)). */
const RESET = Buffer.from('5');

/**
 * How far the RSS may drift between the reset and an RSS read that follows it, with the kernel's per-CPU counters
 * and V8's helper threads: measured within ±132 KiB in 5,000 resets (notes in docs/how-it-measures.md).
 */
const DRIFT_KIB = 256;

/** What a reset leaves an attempt with. */
export interface Armed {
  /** `process.resourceUsage()` right after the reset: the attempt's CPU starting point. */
  usage: NodeJS.ResourceUsage;
  /** The RSS at the reset. */
  rssBytes: number;
  /** The mark is the process's own (see `KernelPeak`): at the end, `resourceUsage().maxRSS` is the exact peak. */
  live: boolean;
}

/**
 * The kernel's RSS high-water mark as each test's peak: writing `5` to `/proc/self/clear_refs` resets it to the
 * current RSS, and at the test's end it is the exact peak of the whole process since, synchronous code included, with
 * no thread and no sampling interval.
 *
 * `process.resourceUsage().maxRSS` reads it cheaply (~2 µs), but it is the larger of the mark and a floor that no
 * reset lowers: the RSS of the process that forked this one, carried across `exec` (a Jest worker starts with the
 * Jest parent's RSS there). So a reset whose `maxRSS` is above every value seen after a reset is the current RSS (the
 * floor lies below it), and so is one that an RSS read confirms; the mark is then `live` for the attempt. Otherwise
 * the RSS is below the floor, and an attempt that does not rise above it reads the mark itself from
 * `/proc/self/status` (`VmHWM`, ~15 µs in a Jest worker). Threads that exit do not raise the floor (checked: Linux 6.x).
 */
export class KernelPeak {
  /** An upper bound of the floor: the lowest `maxRSS` seen right after a reset (every one is at or above it). */
  private floorKiB = Number.POSITIVE_INFINITY;
  private statusFd = -1;
  private readonly statusBuffer = Buffer.alloc(4096);
  /** The RSS `readPeak` saw in the status file, in bytes (-1 when it was not read). */
  statusRssBytes = -1;
  /** Resets done by this process: an attempt that saw one after its start has lost the peak before it. */
  resets = 0;
  /** Status reads (attempts below the floor): a debug figure for the tests. */
  statusReads = 0;
  /** Ends that needed no reset (`rearm`): a debug figure for the tests. */
  resetsSkipped = 0;

  private constructor(
    private readonly clearRefsFd: number,
    private readonly readRss: RssReader,
  ) {}

  private static instance: KernelPeak | string | null = null;

  /** The process-wide mark, or why it cannot be had (said once in `system.peak_rss`'s docs: the sampler runs then). */
  static shared(readRss: RssReader): KernelPeak | string {
    if (KernelPeak.instance === null) KernelPeak.instance = KernelPeak.open(process.env[CLEAR_REFS_ENV] ?? '/proc/self/clear_refs', readRss);
    return KernelPeak.instance;
  }

  /** Opens `clearRefsPath` and checks that a reset takes. */
  static open(clearRefsPath: string, readRss: RssReader): KernelPeak | string {
    if (process.platform !== 'linux') return `not on Linux (${process.platform})`;
    let fd: number;
    try {
      // Write-only, never created: a path that does not exist must not become a file that seems to work.
      fd = openSync(clearRefsPath, constants.O_WRONLY);
    } catch (error) {
      return `${clearRefsPath} cannot be opened (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
    const peak = new KernelPeak(fd, readRss);
    try {
      peak.arm();
      return peak;
    } catch (error) {
      closeSync(fd);
      return `${clearRefsPath} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
  }

  /** Resets the mark to the current RSS, at an attempt's start: with the CPU figures the attempt starts from. */
  arm(): Armed {
    writeSync(this.clearRefsFd, RESET, 0, 1, 0);
    this.resets++;
    const usage = process.resourceUsage();
    const markKiB = usage.maxRSS;
    if (markKiB > this.floorKiB) return {usage, rssBytes: markKiB * 1024, live: true};
    this.floorKiB = markKiB;
    const rssBytes = this.readRss();
    return {usage, rssBytes, live: rssBytes >= (markKiB - DRIFT_KIB) * 1024};
  }

  /**
   * Resets the mark at an attempt's end, for the next attempt to start from (the CPU figures are the end's): one RSS
   * read, and a `resourceUsage()` only when that RSS is not above the floor's bound. Every `resourceUsage()` spared
   * counts: it makes the kernel account the running thread, and on a loaded machine that is where the scheduler
   * takes the CPU away, inside this package's own time.
   *
   * No reset at all when the attempt ended at the mark (`endMaxRssKiB`, its end `maxRSS`, above the floor, and the RSS
   * read now at or above it): the mark already is the current RSS, which is what a reset would make it. That is the
   * usual end: V8 keeps the pages it grew into, so the RSS seldom comes down between two tests. A system call inside
   * a Jest run costs tens of microseconds (docs/performance.md), and this is one of three per back-to-back test.
   */
  rearm(endMaxRssKiB: number): {rssBytes: number; live: boolean} {
    const rssBytes = this.readRss();
    if (endMaxRssKiB > this.floorKiB && rssBytes >= endMaxRssKiB * 1024) {
      this.resetsSkipped++;
      return {rssBytes, live: true};
    }
    writeSync(this.clearRefsFd, RESET, 0, 1, 0);
    this.resets++;
    // The RSS read just before the reset is where the reset put the mark (the microseconds between move it by the
    // kernel's counter drift at most, `DRIFT_KIB`).
    if (rssBytes > this.floorKiB * 1024) return {rssBytes, live: true};
    const markKiB = process.resourceUsage().maxRSS;
    if (markKiB < this.floorKiB) this.floorKiB = markKiB;
    return {rssBytes, live: rssBytes >= (markKiB - DRIFT_KIB) * 1024};
  }

  /**
   * The peak since the attempt's reset, in bytes, from its end `usage`. Below the floor (`live` false and no rise
   * above it) the status file is read, which gives the current RSS too (`statusRssBytes`).
   */
  peakBytes(usage: NodeJS.ResourceUsage, live: boolean): number {
    this.statusRssBytes = -1;
    if (live || usage.maxRSS > this.floorKiB) return usage.maxRSS * 1024;
    try {
      return this.readStatus();
    } catch {
      // No status file to read (never seen on Linux): the start and end readings stand for the peak.
      this.statusRssBytes = -1;
      return 0;
    }
  }

  /** `VmHWM` from /proc/self/status, in bytes; `VmRSS` goes to `statusRssBytes`. */
  private readStatus(): number {
    this.statusReads++;
    if (this.statusFd < 0) this.statusFd = openSync('/proc/self/status', 'r');
    const buffer = this.statusBuffer;
    const length = readSync(this.statusFd, buffer, 0, buffer.length, 0);
    const hwm = fieldKiB(buffer, length, HWM);
    this.statusRssBytes = fieldKiB(buffer, length, RSS) * 1024;
    if (hwm < 0 || this.statusRssBytes < 0) throw new Error('no VmHWM in /proc/self/status');
    return hwm * 1024;
  }
}

const HWM = Buffer.from('VmHWM:');
const RSS = Buffer.from('VmRSS:');

/** The number after `name` in a status file, in KiB; -1 when absent. */
export function fieldKiB(buffer: Buffer, length: number, name: Buffer): number {
  let index = buffer.indexOf(name);
  if (index < 0 || index >= length) return -1;
  index += name.length;
  while (index < length && (buffer[index] === 0x20 || buffer[index] === 0x09)) index++;
  const first = index;
  let value = 0;
  for (; index < length; index++) {
    const digit = buffer[index] - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return index > first ? value : -1;
}
