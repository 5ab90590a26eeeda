import {describe, expect, test} from '@jest/globals';
import {closeSync, existsSync, mkdtempSync, openSync} from 'fs';
import {tmpdir} from 'os';
import * as path from 'path';
import {fieldKiB, KernelPeak} from '../../../src/environment/KernelPeak';
import {rssReader} from '../../../src/environment/readRss';

const STATUS = 'Name:\tnode\nVmPeak:\t 1234 kB\nVmHWM:\t  125076 kB\nVmRSS:\t  98304 kB\n';

function writable(file: string): boolean {
  try {
    closeSync(openSync(file, 'w'));
    return true;
  } catch {
    return false;
  }
}

describe('KernelPeak', () => {
  test('reads VmHWM and VmRSS from a status text, and says when a field is missing', () => {
    const buffer = Buffer.from(STATUS);
    expect(fieldKiB(buffer, buffer.length, Buffer.from('VmHWM:'))).toBe(125076);
    expect(fieldKiB(buffer, buffer.length, Buffer.from('VmRSS:'))).toBe(98304);
    expect(fieldKiB(buffer, buffer.length, Buffer.from('VmSwap:'))).toBe(-1);
    // A field past the bytes read does not count.
    expect(fieldKiB(buffer, STATUS.indexOf('VmRSS'), Buffer.from('VmRSS:'))).toBe(-1);
  });

  test('a file that cannot be opened gives the reason, for the fallback', () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'kernel-peak-')), 'missing', 'clear_refs');
    const result = KernelPeak.open(missing, rssReader());
    expect(typeof result === 'string' ? result : 'opened').toBe(process.platform === 'linux' ? `${missing} cannot be opened (ENOENT)` : `not on Linux (${process.platform})`);
  });

  test('a path that does not exist is not created', () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'kernel-peak-')), 'clear_refs');
    expect(typeof KernelPeak.open(missing, rssReader())).toBe('string');
    expect(existsSync(missing)).toBe(false);
  });

  const linux = process.platform === 'linux' && writable('/proc/self/clear_refs');
  (linux ? test : test.skip)('after a reset, a transient allocation shows in the peak and not in the RSS after it', () => {
    const peak = KernelPeak.open('/proc/self/clear_refs', rssReader());
    if (typeof peak === 'string') throw new Error(peak);
    const armed = peak.arm();
    let buffer: Buffer | null = Buffer.alloc(64 * 1024 * 1024, 1);
    expect(buffer.length).toBeGreaterThan(0);
    buffer = null;
    const peakBytes = peak.peakBytes(process.resourceUsage(), armed.live);
    expect(peakBytes - armed.rssBytes).toBeGreaterThanOrEqual(63 * 1024 * 1024);
    // A second reset falls back to the RSS of the moment, far below the peak once the buffer is released
    // (or at most at it, when the allocator keeps the pages).
    const again = peak.rearm(process.resourceUsage().maxRSS);
    expect(again.rssBytes).toBeLessThanOrEqual(peakBytes + 1024 * 1024);
  });

  (linux ? test : test.skip)('an end at the mark needs no reset (the mark is the RSS already); an end below it resets', () => {
    let rssBytes = 0;
    const peak = KernelPeak.open('/proc/self/clear_refs', () => rssBytes);
    if (typeof peak === 'string') throw new Error(peak);
    // Above the floor (the maxRSS right after the first reset), as a worker's mark is once it has grown.
    const markKiB = process.resourceUsage().maxRSS + 64 * 1024;
    const resets = peak.resets;
    rssBytes = markKiB * 1024;
    expect(peak.rearm(markKiB)).toEqual({rssBytes, live: true});
    expect([peak.resets, peak.resetsSkipped]).toEqual([resets, 1]);
    // The RSS came down since the peak: the mark must come down to it, or the next test would inherit this one's peak.
    rssBytes = (markKiB - 4096) * 1024;
    expect(peak.rearm(markKiB).rssBytes).toBe(rssBytes);
    expect([peak.resets, peak.resetsSkipped]).toEqual([resets + 1, 1]);
    // An end maxRSS at or below the floor is not the process's own mark: a reset, whatever the RSS.
    rssBytes = markKiB * 1024 * 2;
    peak.rearm(1);
    expect(peak.resets).toBe(resets + 2);
  });
});
