import {closeSync, constants, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeSync} from 'fs';
import type {Stats} from 'fs';
import * as path from 'path';

/** Chunks are gathered up to this many characters before each write: few system calls, little memory. */
const BUFFER_CHARS = 1 << 16;

/** Linux's own limit on symbolic links followed in one path. */
const MAX_SYMLINK_HOPS = 40;

/** How long a write to a FIFO waits for its reader to take more, before the write is given up. */
const FIFO_STALL_MS = 5000;
/** How long a FIFO with no reader is given for one to open it. */
const FIFO_READER_WAIT_MS = 2000;

/** The parts of `fs.Stats` that decide how a file is written. */
export type FileTypeLike = Pick<Stats, 'isFile' | 'isDirectory'>;

/**
 * How to write over what stands at a path (links already followed; `null`: nothing there). A regular file, or
 * none, is replaced atomically. Anything else but a directory (a character or block device, a FIFO, a socket) is
 * opened and written through, as a shell redirect or `cp` does: replacing `/dev/null` with a file, or a FIFO whose
 * reader waits, would be the wrong thing. A directory is refused rather than replaced.
 */
export type WriteStrategy = 'write-through' | 'replace' | 'refuse-directory';

export function writeStrategy(target: FileTypeLike | null): WriteStrategy {
  if (target === null || target.isFile()) return 'replace';
  if (target.isDirectory()) return 'refuse-directory';
  return 'write-through';
}

/**
 * Where a write to `file` lands and how. Symbolic links are followed: a link given as the output keeps pointing
 * at its target, which is replaced.
 */
export function resolveWriteTarget(file: string): {strategy: WriteStrategy; file: string; fifo: boolean} {
  let stats: Stats | null = null;
  try {
    stats = statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const strategy = writeStrategy(stats);
  if (strategy === 'refuse-directory') {
    throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${file}'`), {code: 'EISDIR', path: file});
  }
  // Opened by the name given: the kernel follows the links, /proc's too (/dev/stdout → /proc/self/fd/1 → "pipe:[…]").
  if (strategy === 'write-through') return {strategy, file, fifo: stats?.isFIFO() === true};
  return {strategy, file: stats === null ? danglingTarget(file) : realpathSync(file), fifo: false};
}

/** Where a file at `file` would be created: the end of its chain of links, when they lead nowhere yet. */
function danglingTarget(file: string): string {
  let current = path.resolve(file);
  for (let hops = 0; hops < MAX_SYMLINK_HOPS; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch {
      return current;
    }
    if (!isLink) return current;
    // Relative to the link's real directory, as the kernel resolves it ("..", through a linked directory).
    current = path.resolve(realDirectory(path.dirname(current)), readlinkSync(current));
  }
  throw Object.assign(new Error(`ELOOP: too many symbolic links encountered, open '${file}'`), {code: 'ELOOP', path: file});
}

function realDirectory(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * Writes a file so that readers see the old content or the new one, never half of it: a temp file in the same
 * directory as the link-resolved target (so the rename stays on one filesystem), then a rename. A device or FIFO
 * is written through instead, and a directory refused (see `writeStrategy`). Content may be a string or the
 * chunks of a streaming format, which are written as they come. Any error (ENOSPC from `/dev/full` included) is
 * thrown.
 */
export function writeFileAtomic(file: string, content: string | Iterable<string>): void {
  const target = resolveWriteTarget(file);
  if (target.strategy === 'write-through') {
    // A FIFO is opened without blocking: with no reader, a blocking open would wait forever (and SIGTERM with it).
    const fd = target.fifo ? openFifo(target.file) : openSync(target.file, 'w');
    try {
      writeContent(fd, content);
    } finally {
      closeSync(fd);
    }
    return;
  }
  replaceFile(target.file, content);
}

/** A FIFO opened for writing without blocking; a reader that is about to open it is waited for, up to FIFO_READER_WAIT_MS. */
function openFifo(file: string): number {
  const startedAt = Date.now();
  for (;;) {
    try {
      return openSync(file, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO' || Date.now() - startedAt > FIFO_READER_WAIT_MS) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

/**
 * Writes `file` atomically without following a link at its name: a symbolic link (or FIFO, or device) there is
 * replaced by the file, never written through. For files that are ours alone, such as mode auto's state in Jest's
 * cache directory, where a planted link must not get its target overwritten.
 */
export function writeOwnFileAtomic(file: string, content: string | Iterable<string>): void {
  replaceFile(path.resolve(file), content);
}

let tempCounter = 0;

/** A temp file beside `file`, created exclusively (never an existing file or a link), then renamed over it. */
function replaceFile(file: string, content: string | Iterable<string>): void {
  makeDirectories(path.dirname(file));
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}${(++tempCounter).toString(36)}.tmp`);
  let fd: number | null = null;
  let created = false;
  try {
    fd = openSync(temp, 'wx');
    created = true;
    writeContent(fd, content);
    closeSync(fd);
    fd = null;
    renameSync(temp, file);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    if (created) rmSync(temp, {force: true});
    throw error;
  }
}

/**
 * `mkdir -p`, one level at a time from the deepest directory that exists. Node's recursive mkdirSync spins forever
 * where mkdir says ENOENT under an existing parent (`/proc`, `/sys`): here that is an error like any other.
 */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    try {
      if (!statSync(current).isDirectory()) {
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), {code: 'ENOTDIR', path: current});
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (let index = missing.length - 1; index >= 0; index--) {
    try {
      mkdirSync(missing[index]);
    } catch (error) {
      // Made meanwhile by another process (two runs at once): fine.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function writeContent(fd: number, content: string | Iterable<string>): void {
  if (typeof content === 'string') {
    writeAll(fd, content);
    return;
  }
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

/**
 * `writeSync` may write less than asked; loop until every byte is out. A non-blocking FIFO says EAGAIN while its
 * reader is behind: wait a little and retry, and give up once the reader took nothing for FIFO_STALL_MS.
 */
function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text);
  let stalledSince: number | null = null;
  for (let offset = 0; offset < buffer.length; ) {
    try {
      offset += writeSync(fd, buffer, offset);
      stalledSince = null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      stalledSince ??= Date.now();
      if (Date.now() - stalledSince > FIFO_STALL_MS) {
        throw Object.assign(new Error(`EAGAIN: the reader of the FIFO took nothing for ${FIFO_STALL_MS / 1000} s`), {code: 'ESTALLED'});
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/** Why a file could not be written, in a few words. */
export function writeProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a parent of it is not a directory';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EPIPE') return 'broken pipe (its reader closed it)';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENXIO') return 'it is a FIFO with no reader';
  if (code === 'ENOENT' && (error as NodeJS.ErrnoException).syscall === 'mkdir') return `directory ${(error as NodeJS.ErrnoException).path} cannot be made there`;
  if (code === 'ESTALLED') return 'it is a FIFO whose reader stopped reading';
  return (error as Error).message;
}
