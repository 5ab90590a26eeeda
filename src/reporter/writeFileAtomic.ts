import {mkdirSync, renameSync, rmSync, writeFileSync} from 'fs';
import * as path from 'path';

/**
 * Writes a file so that readers see the old content or the new one, never half of it: a temp file in the same
 * directory (so the rename stays on one filesystem), then a rename.
 */
export function writeFileAtomic(file: string, content: string): void {
  mkdirSync(path.dirname(file), {recursive: true});
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    writeFileSync(temp, content);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, {force: true});
    throw error;
  }
}
