import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {summarise} from '../../../src/model/SummaryAccumulator';
import {fixedJson, isoTime, testEntry, testEntryJson, toSchema} from '../../../src/model/toSchema';
import type {AttemptRecord, TestEntry} from '../../../src/model/types';
import {MetricsCollector} from '../../../src/reporter/MetricsCollector';
import {attempt} from '../../harness/syntheticRun';

const ROOT = path.resolve('/project');

describe('model', () => {
  const entry = (id: string, a: Partial<AttemptRecord>): TestEntry => ({id, file: 'a.test.js', project: null, record: {testPath: '/project/a.test.js', titlePath: [id], index: 0, workerId: 1, attempts: [attempt(a)]}});

  test('the summary leaves skipped and todo tests out', () => {
    const summary = summarise([entry('a', {durationMs: 10}), entry('b', {durationMs: 30, rssEndBytes: 104 * 1048576}), entry('c', {status: 'skipped', durationMs: 0})]);
    expect(summary).toMatchObject({totalDurationMs: 40, avgDurationMs: 20, maxDurationMs: 30, minDurationMs: 10});
    expect(summary.maxMemoryDeltaBytes).toBe(4 * 1048576);
  });

  test('converts milliseconds and bytes to the seconds and MiB of the schema', () => {
    const collector = new MetricsCollector(ROOT);
    collector.addFile({file: null, skippedLines: 0, foreignVersion: null, testBytes: [], notices: [], tests: [
      {testPath: path.join(ROOT, 'src/a.test.js'), titlePath: ['adds', 'small'], index: 0, workerId: 1, attempts: [attempt()]},
      {testPath: path.join(ROOT, 'src/a.test.js'), titlePath: ['adds', 'small'], index: 1, workerId: 1, attempts: [attempt()]},
    ]});
    const doc = toSchema(collector.build({startedAtMs: 0, durationMs: 1500, system: null}));
    expect(Object.keys(doc.tests)).toEqual(['src/a.test.js::adds > small', 'src/a.test.js::adds > small [2]']);
    expect(doc.tests['src/a.test.js::adds > small']).toMatchObject({
      duration: 0.01, setup_time: 0.002, call_time: 0.007, teardown_time: 0.001,
      memory: {start_mb: 100, peak_mb: 120, end_mb: 101, delta_mb: 1},
      heap: {start_mb: 10, end_mb: 11, delta_mb: 1},
      cpu_percent: 60, status: 'passed', file: 'src/a.test.js',
    });
    expect(doc.session).toEqual({duration: 1.5, total_tests: 2, timestamp: '1970-01-01T00:00:00.000Z'});
    expect(doc.system).toBeUndefined();
    expect(Object.keys(doc)).toEqual(['schema_version', 'session', 'tests', 'files', 'stats', 'overhead', 'summary']);
  });

  test('a title that itself ends in " [2]" never collides with a duplicate suffix', () => {
    const collector = new MetricsCollector(ROOT);
    const record = (index: number, title: string) => ({testPath: path.join(ROOT, 'a.test.js'), titlePath: [title], index, workerId: 1, attempts: [attempt()]});
    collector.addFile({file: null, skippedLines: 0, foreignVersion: null, testBytes: [], notices: [], tests: [record(0, 't [2]'), record(1, 't'), record(2, 't')]});
    const ids = collector.build({startedAtMs: 0, durationMs: 1, system: null}).tests.map(t => t.id);
    expect(ids).toEqual(['a.test.js::t [2]', 'a.test.js::t', 'a.test.js::t [3]']);
    expect(new Set(ids).size).toBe(3);
    const later = new MetricsCollector(ROOT);
    later.addFile({file: null, skippedLines: 0, foreignVersion: null, testBytes: [], notices: [], tests: [record(0, 't'), record(1, 't'), record(2, 't [2]'), record(3, 't')]});
    expect(later.build({startedAtMs: 0, durationMs: 1, system: null}).tests.map(t => t.id)).toEqual(['a.test.js::t', 'a.test.js::t [2]', 'a.test.js::t [2] [2]', 'a.test.js::t [3]']);
  });

  test('the hand-written JSON of a test is what JSON.stringify makes of its schema entry', () => {
    const variants: TestEntry[] = [
      entry('plain', {}),
      entry('odd numbers', {durationMs: 1 / 3, setupMs: 0.1 + 0.2, callMs: 1e-9, teardownMs: 123456.789, cpuPercent: null, rssEndBytes: 3, heapEndBytes: 0}),
      entry('not finite', {cpuPercent: Number.NaN, cpuUserMs: Number.POSITIVE_INFINITY, retainedHeapBytes: 52 * 1048576, concurrent: true}),
      entry('with a span', {spans: [{name: 'db', offsetMs: 1, durationMs: 2}]}),
      {...entry('retried', {status: 'passed'}), record: {...entry('retried', {}).record, attempts: [attempt({status: 'failed'}), attempt()]}},
      {...entry('a > b', {}), record: {...entry('a > b', {}).record, titlePath: ['a > b']}},
      {...entry('weird "file"', {status: 'skipped'}), file: 'dir/we"ird\\file.test.js', id: 'dir/we"ird\\file.test.js::weird "file"'},
    ];
    for (const variant of variants) expect(testEntryJson(variant)).toBe(JSON.stringify(testEntry(variant)));
  });

  test('isoTime formats as toISOString does', () => {
    const times = [0, 1, 999, 1000, 1001.7, 1763733823781, 1763733823999, 1763733824000, 1763733823781.4, 253402300799999, 253402300800000, -1, -1500.5];
    for (let step = 0; step < 2000; step++) times.push(1763733800000 + step * 37);
    for (const ms of times) expect([ms, isoTime(ms)]).toEqual([ms, new Date(ms).toISOString()]);
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });

  test('numbers built from integers print as JSON.stringify prints the division', () => {
    const values = [0, -0, 1, -1, 5, 10, 100, 999999, 1000000, 1000001, 123456789, -123456, 1e15 - 1, 1e15, 2 ** 53, 2 ** 53 + 2, 0.5, Number.NaN, Number.POSITIVE_INFINITY];
    // A fixed pseudo-random walk over the magnitudes a report holds, so a failure is reproducible.
    let seed = 42;
    for (let index = 0; index < 3000; index++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      values.push(Math.round((seed / 2 ** 31) * 10 ** (index % 13)) * (index % 7 === 0 ? -1 : 1));
    }
    for (const decimals of [1, 3, 6] as const) {
      for (const units of values) expect([units, decimals, fixedJson(units, decimals)]).toEqual([units, decimals, JSON.stringify(units / 10 ** decimals)]);
    }
  });
});
