import {describe, expect, test} from '@jest/globals';
import {isLargeGrowth, leftBehind, workerGrowth} from '../../../src/analysis/workerGrowth';
import type {FileBoundaryRecord} from '../../../src/model/types';

const MIB = 1024 * 1024;

describe('leftBehind', () => {
  test('each rise of the floor goes to the file that made it; growth a later reading gave back goes to none', () => {
    // Start 100; file 1 keeps 40, file 2 nothing, file 3 keeps 10 (readings after a GC).
    expect(leftBehind(100, [140, 140, 150])).toEqual({left: [40, 0, 10], total: 50});
    // Before GC: file 2 leaves 30 of garbage that a GC during file 3 frees. Of it, only what the last reading still
    // holds counts, and it goes to the earliest file after which the floor stayed up (file 2 here).
    expect(leftBehind(100, [140, 170, 145])).toEqual({left: [40, 5, 0], total: 45});
    // A worker that ends below where it started kept nothing.
    expect(leftBehind(100, [120, 90])).toEqual({left: [0, 0], total: 0});
    expect(leftBehind(100, [])).toEqual({left: [], total: 0});
  });
});

describe('workerGrowth', () => {
  const boundary = (processId: number, order: number, heapBefore: number, heapAfter: number, afterGc = true): FileBoundaryRecord => ({
    heapBeforeBytes: heapBefore * MIB, rssBeforeBytes: (heapBefore + 50) * MIB, heapAfterBytes: heapAfter * MIB, rssAfterBytes: (heapAfter + 50) * MIB,
    afterGc, processId, order, heapLeftBytes: null, rssLeftBytes: null,
  });

  test('per worker process, in the order it ran its files: the files that left the most, with their share', () => {
    const files = [
      // Arrival order differs from run order; a restarted worker 2 (another pid) is another entry.
      {file: 'c.test.js', workerId: 1, boundary: boundary(11, 3, 150, 250)},
      {file: 'a.test.js', workerId: 1, boundary: boundary(11, 1, 20, 30)},
      {file: 'b.test.js', workerId: 1, boundary: boundary(11, 2, 30, 150)},
      {file: 'd.test.js', workerId: 2, boundary: boundary(12, 1, 20, 21)},
      {file: 'e.test.js', workerId: 2, boundary: boundary(13, 1, 20, 22, false)},
      {file: 'gone.test.js', workerId: 2, boundary: null},
    ];
    const workers = workerGrowth(files);
    expect(workers.map(worker => [worker.workerId, worker.processId, worker.files])).toEqual([[1, 11, 3], [2, 13, 1], [2, 12, 1]]);
    const [first] = workers;
    expect(first).toMatchObject({afterGc: true, heapStartBytes: 20 * MIB, heapEndBytes: 250 * MIB, heapGrowthBytes: 230 * MIB, rssGrowthBytes: 230 * MIB});
    // c and b make up 96 % (over 80 %): a is not listed.
    expect(first.topFiles.map(top => [top.file, top.heapLeftBytes / MIB, Math.round(top.share * 100)])).toEqual([['b.test.js', 120, 52], ['c.test.js', 100, 43]]);
    expect(files[1].boundary!.heapLeftBytes).toBe(10 * MIB);
    expect(workers[1].afterGc).toBe(false);
    expect(isLargeGrowth(first)).toBe(true);
    expect(isLargeGrowth(workers[2])).toBe(false);
  });
});
