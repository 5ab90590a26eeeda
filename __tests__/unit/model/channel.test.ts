import {describe, expect, test} from '@jest/globals';
import {mkdtempSync, readFileSync, rmSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import {ChannelWriter} from '../../../src/environment/ChannelWriter';
import {releaseWorkerChannelFile} from '../../../src/environment/ChannelWriter';
import {CHANNEL_VERSION, channelKey, decodeChannelFile, encodeAttemptRecord, workerChannelPath} from '../../../src/model/channel';
import {nodeThreadId} from '../../../src/environment/ownCost';
import type {AttemptRecord} from '../../../src/model/types';
import {attempt} from '../../harness/syntheticRun';

describe('channel', () => {
  const line = (value: object) => JSON.stringify({v: CHANNEL_VERSION, ...value});
  const start = (session: string) => line({k: 'file-start', session, testPath: '/project/a.test.js', workerId: 2, loadMs: 5, heapStartBytes: 1});
  const attemptLine = (_session: string, index: number, a: Partial<AttemptRecord> = {}) => encodeAttemptRecord(index, ['d', `t${index}`], attempt(a));

  test('file keys: 20 hex digits, one per project and path, none shared among 50,000 files', () => {
    const names = new Set<string>();
    for (let i = 0; i < 25_000; i++) {
      for (const project of ['/repo/jest.config.js', '/repo/jest.config.js:1']) names.add(channelKey(project, `/repo/src/module${i}/index.test.ts`));
    }
    expect(names.size).toBe(50_000);
    // One assertion over all the names: 50,000 calls of expect() take half a minute on a loaded 2-core machine.
    expect([...names].filter(name => !/^[0-9a-f]{20}$/.test(name))).toEqual([]);
    expect(channelKey('p', '/a.test.js')).toBe(channelKey('p', '/a.test.js'));
  });

  test('a carried start\'s lead widens the window of the CPU share: CPU time over duration + lead', () => {
    // 1 ms of CPU time measured from the previous test's end, 0.8 ms before this 0.5 ms test started: 1 / 1.3.
    const record = attempt({durationMs: 0.5, setupMs: 0, callMs: 0.5, teardownMs: 0, cpuUserMs: 0.9, cpuSystemMs: 0.1});
    const [carried] = decodeChannelFile([start('s1'), encodeAttemptRecord(0, ['t'], record, 0.8)].join('\n')).tests;
    expect(carried.attempts[0].cpuPercent).toBe(76.92);
    const [fresh] = decodeChannelFile([start('s1'), encodeAttemptRecord(0, ['t'], record)].join('\n')).tests;
    expect(fresh.attempts[0].cpuPercent).toBe(200);
  });

  test('a static-mode attempt (heap not read) decodes with null heap figures', () => {
    const [decoded] = decodeChannelFile([start('s1'), encodeAttemptRecord(0, ['t'], attempt({heapStartBytes: null, heapEndBytes: null}))].join('\n')).tests;
    expect(decoded.attempts[0]).toMatchObject({heapStartBytes: null, heapEndBytes: null});
  });

  test('of two runs of a file, keeps the one that started last, in whichever order they are read', () => {
    const run = (session: string, startedAtMs: number, tests: number) => [
      line({k: 'file-start', file: 'k', session, startedAtMs, testPath: '/project/a.test.js', workerId: 1, loadMs: 5, heapStartBytes: 1}),
      ...Array.from({length: tests}, (_, index) => attemptLine(session, index)),
    ];
    // The first run died after one test (no end line); the re-run in another worker finished both.
    const died = run('s1', 1000, 1);
    const rerun = [...run('s2', 2000, 2), line({k: 'file-end', session: 's2', beforeAllMs: 0, afterAllMs: 0, heapEndBytes: 9, hookFailures: [], selfMs: 0, tracePauses: 0, notices: []})];
    for (const text of [[...died, ...rerun], [...rerun, ...died]]) {
      const decoded = decodeChannelFile(text.join('\n'));
      expect(decoded.file?.completed).toBe(true);
      expect(decoded.tests.map(t => t.index)).toEqual([0, 1]);
    }
  });

  test('keeps the last session of a re-run file and tolerates a torn last line', () => {
    const text = [start('s1'), attemptLine('s1', 0), attemptLine('s1', 1), start('s2'), attemptLine('s2', 0), attemptLine('s2', 1, {attempt: 1, status: 'failed'}), attemptLine('s2', 1, {attempt: 2}), '{"v":1,"k":"att'].join('\n');
    const decoded = decodeChannelFile(text);
    expect(decoded.tests.map(t => [t.index, t.attempts.length])).toEqual([[0, 1], [1, 2]]);
    expect(decoded.skippedLines).toBe(1);
    expect(decoded.file).toMatchObject({completed: false, workerId: 2, loadMs: 5});
  });

  test('the writer\'s batched lines decode to the records they were made from', () => {
    const failure = {
      errorType: 'Error', message: 'a "quoted"\nmessage', location: {file: 'a.js', line: 1, column: 2}, codeFrame: '> 1 | x', stack: 'Error\n  at x',
      locals: {'fn (a.js)': {password: '[redacted]', n: 1}}, closure: {user: {name: 'é'}}, captured: true, phase: 'test' as const, errorCount: 1, timestampMs: 5,
    };
    const records = [
      attempt({startedAtMs: 1_700_000_000_123, durationMs: 10.001, setupMs: 2.5, callMs: 7.001, teardownMs: 0.5, cpuPercent: 60, cpuUserMs: 5.5, cpuSystemMs: 0.5}),
      attempt({cpuPercent: null, status: 'failed', failure, spans: [{name: 'db "seed"', offsetMs: 1, durationMs: 0.5}], durationMs: 0, setupMs: 0, callMs: 0, teardownMs: 0}),
      attempt({status: 'skipped', durationMs: 0, setupMs: 0, callMs: 0, teardownMs: 0, cpuPercent: null, cpuUserMs: 0, cpuSystemMs: 0, retainedHeapBytes: 123}),
    ];
    records[0].cpuPercent = Math.round(((5500 + 500) / 10001) * 10000) / 100;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jpm-channel-'));
    const file = workerChannelPath(dir, process.pid, nodeThreadId());
    const writer = new ChannelWriter(dir);
    writer.start(start('s1'));
    records.forEach((a, index) => {
      const position = {index, titlePath: ['dé', `ti"tle\u0001${index}`]};
      const extras = a.spans.length > 0 || a.failure !== null || a.retainedHeapBytes !== null ? {spans: a.spans, failure: a.failure, retainedHeapBytes: a.retainedHeapBytes} : null;
      const offset = writer.add(position, extras, 0);
      const decoded = JSON.parse(encodeAttemptRecord(index, position.titlePath, a)) as number[];
      writer.numbers.set(decoded.slice(3, 19), offset);
    });
    writer.flush(line({k: 'file-end', session: 's1', beforeAllMs: 0, afterAllMs: 0, heapEndBytes: 9, hookFailures: [], selfMs: 0, tracePauses: 0, notices: []}));
    writer.close();
    releaseWorkerChannelFile();
    const text = readFileSync(file, 'utf8');
    rmSync(dir, {recursive: true, force: true});
    const lines = text.split('\n').filter(Boolean);
    expect(lines.slice(1, 4)).toEqual(records.map((a, index) => encodeAttemptRecord(index, ['dé', `ti"tle\u0001${index}`], a)));
    const decoded = decodeChannelFile(text);
    expect(decoded.file?.completed).toBe(true);
    expect(decoded.tests.map(t => t.attempts[0])).toEqual(records);
  });

  test('a file-end line completes the file; another version is skipped and named', () => {
    const end = line({k: 'file-end', session: 's1', beforeAllMs: 3, afterAllMs: 4, heapEndBytes: 9, hookFailures: []});
    const foreign = JSON.stringify({v: 99, k: 'attempt'});
    const decoded = decodeChannelFile([start('s1'), attemptLine('s1', 0), foreign, end, ''].join('\n'));
    expect(decoded.file).toMatchObject({completed: true, beforeAllMs: 3, afterAllMs: 4});
    expect(decoded.foreignVersion).toBe(99);
  });
});
