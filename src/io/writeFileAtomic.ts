import {closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync} from 'fs';
import * as path from 'path';

/** Chunks are gathered up to this many characters before each write: few system calls, little memory. */
const BUFFER_CHARS = 1 << 16;

/**
 * Writes a file so that readers see the old content or the new one, never half of it: a temp file in the same
 * directory (so the rename stays on one filesystem), then a rename. Content may be a string or the chunks of a
 * streaming format, which are written as they come.
 */
export function writeFileAtomic(file: string, content: string | Iterable<string>): void {
  mkdirSync(path.dirname(file), {recursive: true});
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'w');
    if (typeof content === 'string') {
      writeAll(fd, content);
    } else {
      let pending: string[] = [];
      let pendingChars = 0;
      for (const chunk of content) {
        pending.push(chunk);
        pendingChars += chunk.length;
        if (pendingChars >= BUFFER_CHARS) {
          writeAll(fd, pending.join(''));
          pending = [];
          pendingChars = 0;
        }
      }
      if (pendingChars > 0) writeAll(fd, pending.join(''));
    }
    closeSync(fd);
    fd = null;
    renameSync(temp, file);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    rmSync(temp, {force: true});
    throw error;
  }
}

/** `writeSync` may write less than asked; loop until every byte is out. */
function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text);
  for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
}

/** Why a file could not be written, in a few words. */
export function writeProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a parent of it is not a directory';
  if (code === 'ENOSPC') return 'no space left on the device';
  return (error as Error).message;
}
