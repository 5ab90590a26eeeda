/**
 * Mode `auto` remembers which test files failed, so that their next run is traced (the second run of a red file gets
 * its local variables). The list lives in Jest's own `cacheDirectory`, per project: it is this machine's, survives
 * between runs, and `jest --clearCache` forgets it with everything else. The reporter writes it at the end of a run;
 * the recorder reads it when a file starts.
 */
import {closeSync, constants, fstatSync, openSync, readFileSync} from 'fs';
import * as path from 'path';

/** The file, under a project's `cacheDirectory`. */
export function failedFilesPath(cacheDirectory: string): string {
  return path.join(cacheDirectory, 'jest-perf-monitor', 'failed-files.json');
}

/** The document: absolute test paths that failed when they last ran. */
export interface FailedFilesDocument {
  v: 1;
  failed: string[];
}

/** The remembered files; empty when there is no list yet or it cannot be read (auto then profiles every file). */
export function readFailedFiles(cacheDirectory: string): Set<string> {
  let fd: number | null = null;
  try {
    // Not blocking, and a regular file only: a FIFO or device planted at the name must not hang the run.
    fd = openSync(failedFilesPath(cacheDirectory), constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return new Set();
    const parsed = JSON.parse(readFileSync(fd, 'utf8')) as FailedFilesDocument;
    return parsed.v === 1 && Array.isArray(parsed.failed) ? new Set(parsed.failed.filter(file => typeof file === 'string')) : new Set();
  } catch {
    return new Set();
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
