/**
 * The recorder's reading rules for the kernel's RSS mark (docs/how-it-measures.md#peak-rss): a reset only when no
 * other attempt runs, and start figures carried from the previous end only back to back, with no hook between.
 */
import {afterEach, beforeEach, describe, expect, test} from '@jest/globals';
import {mkdtempSync, readFileSync, rmSync} from 'fs';
import {tmpdir} from 'os';
import * as path from 'path';
import {channelKey, decodeChannelFile, workerChannelPath} from '../../../src/model/channel';
import {releaseWorkerChannelFile} from '../../../src/environment/ChannelWriter';
import {nodeThreadId} from '../../../src/environment/ownCost';
import type {KernelPeak} from '../../../src/environment/KernelPeak';
import {TestRecorder} from '../../../src/environment/TestRecorder';
import type {CircusBlockLike, CircusTestLike} from '../../../src/environment/TestRecorder';

/** Counts resets; its RSS readings rise by 1 MiB per reset, so each start and end is told apart. */
function fakeKernel() {
  let rss = 100 * 1024 * 1024;
  const fake = {
    resets: 0,
    statusReads: 0,
    statusRssBytes: -1,
    arms: 0,
    rearms: 0,
    arm() {
      fake.arms++;
      fake.resets++;
      rss += 1024 * 1024;
      return {usage: process.resourceUsage(), rssBytes: rss, live: true};
    },
    rearm() {
      fake.rearms++;
      fake.resets++;
      rss += 1024 * 1024;
      return {rssBytes: rss, live: true};
    },
    peakBytes: () => rss + 512 * 1024,
  };
  return fake;
}

const SETTINGS = {rssSampleIntervalS: 0, mode: 'static' as const, skipInternalFrames: true, includeLocals: false, includeClosure: false, maxDepth: 2, extractClasses: false, captureRate: 1, redact: [], leaks: false};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'recorder-unit-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

function setUp(names: string[], concurrent = false) {
  const root: CircusBlockLike & {children: Array<{type: 'test'} & CircusTestLike>} = {name: 'ROOT_DESCRIBE_BLOCK', children: []};
  const tests = names.map(name => {
    const test = {type: 'test' as const, name, parent: root, errors: [], invocations: 1, concurrent};
    root.children.push(test);
    return test;
  });
  const kernel = fakeKernel();
  const channelPath = workerChannelPath(dir, process.pid, nodeThreadId());
  const recorder = new TestRecorder({
    channelDir: dir,
    channelKey: channelKey('p', path.join(dir, 'a.test.js')),
    testPath: path.join(dir, 'a.test.js'),
    rootDir: dir,
    workerId: 1,
    sampler: null,
    kernelPeak: kernel as unknown as KernelPeak,
    alwaysConcurrent: false,
    settings: SETTINGS,
    trace: null,
    gc: null,
    notices: [],
  });
  const state = {rootDescribeBlock: root};
  const at = (name: string, nowMs: number, test?: CircusTestLike, hook?: {type: 'beforeAll'}) => recorder.handle({name, test, hook}, state, nowMs);
  at('run_start', 0);
  const finish = () => {
    at('run_finish', 1000);
    recorder.close();
    releaseWorkerChannelFile();
    return decodeChannelFile(readFileSync(channelPath, 'utf8')).tests.map(t => t.attempts[0]);
  };
  return {tests, kernel, at, finish};
}

describe('TestRecorder with the kernel mark', () => {
  test('back to back, the next start is the previous end: one reset per test, after its end reads', () => {
    const {tests: [a, b], kernel, at, finish} = setUp(['a', 'b']);
    at('test_start', 1, a);
    at('test_started', 1.01, a);
    at('test_done', 2, a);
    at('test_start', 2.2, b);
    at('test_started', 2.3, b);
    at('test_done', 3, b);
    const [first, second] = finish();
    expect(kernel.arms).toBe(1);
    expect(kernel.rearms).toBe(2);
    expect(second.rssStartBytes).toBe(first.rssEndBytes);
  });

  test('a hook between two tests, or a gap of 1 ms or more, makes the next test read afresh', () => {
    const {tests: [a, b, c], kernel, at, finish} = setUp(['a', 'b', 'c']);
    at('test_start', 1, a);
    at('test_started', 1.01, a);
    at('test_done', 2, a);
    at('hook_start', 2.1, undefined, {type: 'beforeAll'});
    at('hook_success', 2.2, undefined, {type: 'beforeAll'});
    at('test_start', 2.3, b);
    at('test_started', 2.4, b);
    at('test_done', 3, b);
    at('test_start', 3.5, c);
    at('test_started', 4, c);
    at('test_done', 5, c);
    const [first, second, third] = finish();
    expect(kernel.arms).toBe(3);
    expect(second.rssStartBytes).not.toBe(first.rssEndBytes);
    expect(third.rssStartBytes).not.toBe(second.rssEndBytes);
  });

  test('concurrent attempts never reset the mark while another one runs', () => {
    const {tests: [a, b, c], kernel, at, finish} = setUp(['a', 'b', 'c']);
    at('test_start', 1, a);
    at('test_started', 1.01, a);
    // b starts while a runs: no reset, which would cut a's window short.
    at('test_start', 1.02, b);
    at('test_started', 1.03, b);
    expect(kernel.arms).toBe(1);
    // a ends while b runs, then b ends: neither resets (b ran beside a), and c reads afresh.
    at('test_done', 2, a);
    at('test_done', 2.1, b);
    expect(kernel.rearms).toBe(0);
    at('test_start', 2.2, c);
    at('test_started', 2.3, c);
    at('test_done', 3, c);
    finish();
    expect(kernel.arms).toBe(2);
  });
});
