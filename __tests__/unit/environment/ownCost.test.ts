import {describe, expect, test} from '@jest/globals';
import {readFileSync} from 'fs';
import {NamedThreadsCpu, ownThreadId, parseSchedstat, parseStatCpuMs, threadCpuMs} from '../../../src/environment/ownCost';

describe('/proc parsing', () => {
  test('schedstat: the first field is nanoseconds on the CPU', () => {
    expect(parseSchedstat('1234567890 5000 42\n')).toBeCloseTo(1234.56789, 6);
    expect(parseSchedstat('0 0 0\n')).toBe(0);
  });

  test('schedstat: anything else is no reading', () => {
    expect(parseSchedstat('')).toBeNull();
    expect(parseSchedstat('abc def 1')).toBeNull();
    expect(parseSchedstat('-5 1 1')).toBeNull();
    expect(parseSchedstat('12345')).toBeNull();
  });

  test('stat: utime + stime (fields 14 and 15), in ticks of 10 ms, counted after the name however odd it is', () => {
    const tail = 'S 1 2 3 4 5 6 7 8 9 10 123 45 0 0 20 0 1 0 100 200 300';
    expect(parseStatCpuMs(`4242 (node) ${tail}`)).toBe((123 + 45) * 10);
    // A thread name may hold spaces and parentheses: `comm` is whatever the thread set.
    expect(parseStatCpuMs(`4242 (a) b (c) ${tail}`)).toBe((123 + 45) * 10);
  });

  test('stat: a line cut short or without a name is no reading', () => {
    expect(parseStatCpuMs('4242 node S 1 2 3')).toBeNull();
    expect(parseStatCpuMs('4242 (node) S 1 2 3')).toBeNull();
  });
});

const linux = process.platform === 'linux' ? test : test.skip;

describe('reading this process', () => {
  linux('the calling thread\'s CPU grows with work on it, and not with sleep', () => {
    // Work until this thread has used 100 ms of CPU by the kernel's tick count (/proc/thread-self/stat), not for a
    // span of wall time, nor by the process's CPU: on a loaded CI machine the thread may get only a few ms of a 30 ms
    // window, and in a Jest worker other threads (V8's compilers and GC) add to the process's figure meanwhile.
    const ticksMs = (): number => parseStatCpuMs(readFileSync('/proc/thread-self/stat', 'utf8'))!;
    const before = threadCpuMs()!;
    const ticksBefore = ticksMs();
    const giveUpAt = Date.now() + 10_000;
    let x = 0;
    while (ticksMs() - ticksBefore < 100 && Date.now() < giveUpAt) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
    const busy = threadCpuMs()! - before;
    const ticks = ticksMs() - ticksBefore;
    expect(x).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThanOrEqual(100);
    // The same work on both of the thread's clocks: nanoseconds against 10 ms ticks, each end a tick apart at most
    // (and the tick count is sampled, so a little more).
    expect(Math.abs(busy - ticks)).toBeLessThan(30);
    const idleStart = threadCpuMs()!;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    expect(threadCpuMs()! - idleStart).toBeLessThan(20);
  });

  linux('the calling thread has a /proc id', () => {
    expect(ownThreadId()).toBeGreaterThan(0);
  });

  linux('threads by name: none of a name that no thread has, and a thread\'s CPU once one has it', () => {
    expect(new NamedThreadsCpu('no-such-thread-name').read()).toBe(0);
    // The test's own thread is named after the process (Jest's worker or node): some CPU is on it.
    const name = readFileSync('/proc/thread-self/comm', 'utf8').trimEnd();
    expect(new NamedThreadsCpu(name).read()).toBeGreaterThan(0);
  });
});
