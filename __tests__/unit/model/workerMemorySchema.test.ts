import {describe, expect, test} from '@jest/globals';
import {fromSchema} from '../../../src/model/fromSchema';
import {toSchema} from '../../../src/model/toSchema';
import type {WorkerGrowth} from '../../../src/model/types';
import {fileOf, runOf, testOf} from '../../harness/syntheticRun';

const MIB = 1024 * 1024;

describe('worker memory in the JSON', () => {
  const worker: WorkerGrowth = {
    workerId: 2, processId: 4242, files: 1, afterGc: false, heapStartBytes: 20 * MIB, heapEndBytes: 100 * MIB, heapGrowthBytes: 80 * MIB,
    rssStartBytes: 60 * MIB, rssEndBytes: 150 * MIB, rssGrowthBytes: 90 * MIB, topFiles: [{file: 'a.test.js', heapLeftBytes: 80 * MIB, rssLeftBytes: 90 * MIB, share: 1}],
  };
  const boundary = {
    heapBeforeBytes: 20 * MIB, rssBeforeBytes: 60 * MIB, heapAfterBytes: 100 * MIB, rssAfterBytes: 150 * MIB, afterGc: false, processId: 4242, order: 1,
    heapLeftBytes: 80 * MIB, rssLeftBytes: 90 * MIB,
  };

  test('worker_memory and files[].after_teardown are written in MiB and read back', () => {
    const run = runOf([testOf('a.test.js', ['t'])], [fileOf('a.test.js', {boundary})], {workerMemory: [worker]});
    const document = toSchema(run);
    expect(document.worker_memory).toEqual([
      {worker: 2, pid: 4242, files: 1, after_gc: false, heap_start_mb: 20, heap_end_mb: 100, heap_growth_mb: 80, rss_start_mb: 60, rss_end_mb: 150, rss_growth_mb: 90,
        top_files: [{file: 'a.test.js', heap_left_mb: 80, rss_left_mb: 90, share: 1}]},
    ]);
    expect(document.files['a.test.js'].after_teardown).toEqual({heap_mb: 100, rss_mb: 150, heap_left_mb: 80, rss_left_mb: 90, after_gc: false, order: 1});
    const back = fromSchema(JSON.parse(JSON.stringify(document)));
    expect(back.workerMemory).toEqual([worker]);
    expect(back.files[0].boundary).toMatchObject({heapAfterBytes: 100 * MIB, heapLeftBytes: 80 * MIB, afterGc: false, order: 1});
  });

  test('a file written before they existed reads without them', () => {
    const document = JSON.parse(JSON.stringify(toSchema(runOf([testOf('a.test.js', ['t'])], [fileOf('a.test.js')]))));
    expect(document.worker_memory).toBeUndefined();
    expect(document.files['a.test.js'].after_teardown).toBeUndefined();
    const back = fromSchema(document);
    expect(back.workerMemory).toBeNull();
    expect(back.files[0].boundary).toBeNull();
  });
});
