import type {FileBoundaryRecord, WorkerFileLeft, WorkerGrowth} from '../model/types';

/** A worker whose heap or RSS kept this much is named in the printed summary (every worker is in the JSON). */
export const LARGE_WORKER_GROWTH_BYTES = 64 * 1024 * 1024;
/** The files listed per worker: the ones that left the most, until they make up `TOP_SHARE` of its growth. */
export const TOP_FILES = 5;
const TOP_SHARE = 0.8;

interface BoundaryFile {
  file: string;
  workerId: number;
  boundary: FileBoundaryRecord | null;
}

/**
 * Which files made each worker grow (docs/checks.md, "Memory across files"). A worker process's readings after each
 * file's teardown, in the order it ran them, from its starting point: r0, r1, … rn. What stays is what the worker
 * still held at its end: the floor after file k is min(rk … rn), which only rises, and each rise is the memory file
 * k added that no later file saw released. The rises add up to rn − min(r0 … rn), the worker's growth that stayed;
 * memory a file added that a later GC took back (garbage, before GC) is never attributed. Sets each file's
 * `heapLeftBytes` and `rssLeftBytes`, and returns one entry per worker process, the largest growth first.
 */
export function workerGrowth(files: readonly BoundaryFile[]): WorkerGrowth[] {
  const byProcess = new Map<string, BoundaryFile[]>();
  for (const file of files) {
    if (file.boundary === null) continue;
    const key = `${file.workerId}:${file.boundary.processId}`;
    const list = byProcess.get(key);
    if (list) list.push(file);
    else byProcess.set(key, [file]);
  }
  const workers: WorkerGrowth[] = [];
  for (const list of byProcess.values()) {
    list.sort((a, b) => a.boundary!.order - b.boundary!.order);
    const first = list[0].boundary!;
    const last = list[list.length - 1].boundary!;
    const heapLeft = leftBehind(first.heapBeforeBytes, list.map(file => file.boundary!.heapAfterBytes));
    const rssLeft = leftBehind(first.rssBeforeBytes, list.map(file => file.boundary!.rssAfterBytes));
    list.forEach((file, index) => {
      file.boundary!.heapLeftBytes = heapLeft.left[index];
      file.boundary!.rssLeftBytes = rssLeft.left[index];
    });
    const ranked: WorkerFileLeft[] = list
      .map((file, index) => ({file: file.file, heapLeftBytes: heapLeft.left[index], rssLeftBytes: rssLeft.left[index], share: heapLeft.total > 0 ? heapLeft.left[index] / heapLeft.total : 0}))
      .filter(file => file.heapLeftBytes > 0)
      .sort((a, b) => b.heapLeftBytes - a.heapLeftBytes);
    const top: WorkerFileLeft[] = [];
    let covered = 0;
    for (const file of ranked) {
      if (top.length >= TOP_FILES || covered >= TOP_SHARE) break;
      top.push(file);
      covered += file.share;
    }
    workers.push({
      workerId: list[0].workerId,
      processId: first.processId,
      files: list.length,
      // A process is after GC only if every one of its readings was: a mix (leaks turned on in watch mode) is not.
      afterGc: list.every(file => file.boundary!.afterGc),
      heapStartBytes: first.heapBeforeBytes,
      heapEndBytes: last.heapAfterBytes,
      heapGrowthBytes: heapLeft.total,
      rssStartBytes: first.rssBeforeBytes,
      rssEndBytes: last.rssAfterBytes,
      rssGrowthBytes: rssLeft.total,
      topFiles: top,
    });
  }
  return workers.sort((a, b) => b.heapGrowthBytes - a.heapGrowthBytes || a.workerId - b.workerId);
}

/** Each reading's rise of the floor (see `workerGrowth`), and their sum. */
export function leftBehind(start: number, readings: readonly number[]): {left: number[]; total: number} {
  const floors = new Array<number>(readings.length);
  let floor = Infinity;
  for (let index = readings.length - 1; index >= 0; index--) {
    floor = Math.min(floor, readings[index]);
    floors[index] = floor;
  }
  let previous = Math.min(start, floor);
  const left = floors.map(value => {
    const rise = value - previous;
    previous = value;
    return rise;
  });
  return {left, total: left.reduce((sum, value) => sum + value, 0)};
}

/** Whether a worker grew enough for the printed summary to name it. */
export function isLargeGrowth(worker: WorkerGrowth): boolean {
  return worker.heapGrowthBytes >= LARGE_WORKER_GROWTH_BYTES || worker.rssGrowthBytes >= LARGE_WORKER_GROWTH_BYTES;
}
