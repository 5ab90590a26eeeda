import {getHeapStatistics} from 'v8';
import {rssReader} from './readRss';

/** The worker's memory at one file boundary. */
export interface BoundaryReading {
  heapBytes: number;
  rssBytes: number;
}

/**
 * The worker's memory after the previous file's teardown (or, before its first file, when this module was loaded:
 * after the environment and runner modules, before any test environment was built). Process-wide: one worker runs
 * its files one after another, so each file's boundary reading is the next file's starting point.
 */
let previous: BoundaryReading | null = null;
/** Files this process has closed so far: the order of the files in this worker. */
let filesRun = 0;
let previousAfterGc = false;

function readNow(gc: (() => void) | null): BoundaryReading {
  if (gc !== null) gc();
  return {heapBytes: getHeapStatistics().used_heap_size, rssBytes: rssReader()()};
}

/**
 * Takes the worker's starting point when the runner or an environment entry is loaded, before Jest builds the first
 * test environment. `gc` (leak detection) makes it a retained figure, as the boundary readings are.
 */
export function noteWorkerStart(gc: (() => void) | null): void {
  if (previous !== null) return;
  previous = readNow(gc);
  previousAfterGc = gc !== null;
}

/** What one file's boundary reading gives the channel (`FileAfterLine`, less its envelope). */
export interface FileBoundary {
  /** The reading after the previous file's teardown in this process (or the process's starting point). */
  before: BoundaryReading;
  after: BoundaryReading;
  /** Both readings were taken after a forced full GC (leak detection): retained figures, not a heap with garbage. */
  afterGc: boolean;
  processId: number;
  /** 1 for the first file this process ran. */
  order: number;
}

/**
 * One read of heap and RSS after a file's teardown (its environment and module registry released), with a full GC
 * first when `gc` is given. Cheap without the GC: one `getHeapStatistics()` and one RSS read per file.
 */
export function readFileBoundary(gc: (() => void) | null): FileBoundary {
  const after = readNow(gc);
  const before = previous ?? after;
  const afterGc = gc !== null && (previous === null || previousAfterGc);
  previous = after;
  previousAfterGc = gc !== null;
  filesRun++;
  return {before, after, afterGc, processId: process.pid, order: filesRun};
}
