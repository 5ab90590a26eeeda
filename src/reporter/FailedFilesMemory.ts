import {failedFilesPath, readFailedFiles} from '../model/failedFiles';
import type {FailedFilesDocument} from '../model/failedFiles';
import {writeOwnFileAtomic} from '../io/writeFileAtomic';

/**
 * Mode `auto`'s memory of red files, per project cache directory: which files failed in the previous run (those
 * were traced this run) and which fail now (those will be traced next run). Files this run did not include keep
 * what they had, so a watch-mode run of one file does not forget the others.
 */
export class FailedFilesMemory {
  private readonly byCache = new Map<string, {previous: Set<string>; now: Map<string, boolean>}>();

  /** Notes a file's outcome; returns whether it ran traced (it had failed the run before). */
  note(cacheDirectory: string, testPath: string, failed: boolean): boolean {
    let entry = this.byCache.get(cacheDirectory);
    if (entry === undefined) {
      entry = {previous: readFailedFiles(cacheDirectory), now: new Map()};
      this.byCache.set(cacheDirectory, entry);
    }
    entry.now.set(testPath, failed);
    return entry.previous.has(testPath);
  }

  /** Writes each project's list for the next run. */
  save(): void {
    for (const [cacheDirectory, {previous, now}] of this.byCache) {
      const failed = new Set(previous);
      for (const [testPath, isFailed] of now) {
        if (isFailed) failed.add(testPath);
        else failed.delete(testPath);
      }
      if (failed.size === previous.size && [...failed].every(file => previous.has(file))) continue;
      const document: FailedFilesDocument = {v: 1, failed: [...failed].sort()};
      // Ours alone: a link planted at its name is replaced, its target left as it was.
      writeOwnFileAtomic(failedFilesPath(cacheDirectory), `${JSON.stringify(document)}\n`);
    }
  }
}
