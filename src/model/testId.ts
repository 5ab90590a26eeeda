import * as path from 'path';

/**
 * How files appear in ids, `files` keys, locations and the report: relative to the run's root (see `runRoot.ts`)
 * with `/` separators; `../`-relative for a file outside it, never absolute (a path that is not absolute, such as
 * `node:internal/…`, is kept as it is; a file on another Windows drive, which has no relative path, keeps its own).
 */
export function relativeToRoot(rootDir: string, file: string): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(rootDir, file);
  return (path.isAbsolute(relative) ? file : relative).split(path.sep).join('/');
}

/**
 * A test's id before de-duplication: the file relative to the run's root (`/`-separated), `::`, then the describe titles
 * and the title joined by ` > ` (docs/schema.md, Notes). The reporter adds ` [n]` to a repeated id; the environment, which
 * sees one file at a time, uses this plain form (for `captureRate`'s choice).
 */
export function baseTestId(relativeFile: string, titlePath: readonly string[]): string {
  return `${relativeFile}::${titlePath.join(' > ')}`;
}

/**
 * Whether a failure of this test gets full context under `captureRate`: a hash of the id, not a random draw, so
 * a rerun samples the same tests (FNV-1a, 32 bits; uniform enough for a fraction and cheap to compute).
 */
export function isSampled(id: string, captureRate: number): boolean {
  if (captureRate >= 1) return true;
  if (captureRate <= 0) return false;
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x100000000 < captureRate;
}

/** The ` [n]` the reporter adds to a repeated id, at the end of an id. */
const DEDUPE_SUFFIX = / \[\d+\]$/;

/**
 * The describe titles and title an id was made from: the part after `<file>::` (or `[<project>] <file>::`, the id
 * of a file that ran in several projects), split on ` > `, with the ` [n]` de-duplication suffix removed.
 * Ambiguous when a title itself contains ` > ` or ends in ` [n]`; the JSON then carries the exact `titles` (see
 * `toSchema`), so a file read back always gives the titles Jest had.
 */
export function titlePathFromId(id: string, file: string): string[] {
  return titlesOfId(id, file).replace(DEDUPE_SUFFIX, '').split(' > ');
}

/** The part of an id after its file: `<file>::`, `[<project>] <file>::`, else the first `::`. */
export function titlesOfId(id: string, file: string): string {
  if (id.startsWith(`${file}::`)) return id.slice(file.length + 2);
  // The project prefix comes first, so the first `] <file>::` ends it (unless a project's name holds one).
  const prefixed = id.startsWith('[') ? id.indexOf(`] ${file}::`) : -1;
  return prefixed > 0 ? id.slice(prefixed + file.length + 4) : id.slice(id.indexOf('::') + 2);
}

/** The `[<project>] <file>` (or `<file>`) an id starts with: its file's key under `files` (see `RunMetrics.files`). */
export function fileKeyOfId(id: string, file: string): string {
  if (id.startsWith(`${file}::`)) return file;
  const prefixed = id.startsWith('[') ? id.indexOf(`] ${file}::`) : -1;
  return prefixed > 0 ? id.slice(0, prefixed + file.length + 2) : file;
}

/**
 * Whether `titlePathFromId(id, file)` gives `titlePath` back: the same answer, from one pass over the characters
 * (it is asked for every test each time a report is written, and joining, searching and splitting strings cost
 * microseconds per test on the bench machine).
 *
 * The titles come back exactly when the id is `<file>::<titles joined by " > ">`, with or without a ` [n]`
 * suffix, no title holds " > " (it would split in two), and the joined titles do not themselves end like a suffix
 * (it would be cut off). The last case is rare and left to `titlePathFromId`.
 */
export function idGivesTitles(id: string, file: string, titlePath: readonly string[]): boolean {
  const last = titlePath[titlePath.length - 1];
  if (!id.startsWith(file) || id.charCodeAt(file.length) !== COLON || id.charCodeAt(file.length + 1) !== COLON || last === undefined || last.endsWith(']')) {
    const fromId = titlePathFromId(id, file);
    return fromId.length === titlePath.length && fromId.every((title, index) => title === titlePath[index]);
  }
  let position = file.length + 2;
  for (let index = 0; index < titlePath.length; index++) {
    if (index > 0) {
      if (id.charCodeAt(position) !== SPACE || id.charCodeAt(position + 1) !== GREATER || id.charCodeAt(position + 2) !== SPACE) return false;
      position += 3;
    }
    const title = titlePath[index];
    for (let offset = 0; offset < title.length; offset++) {
      const code = title.charCodeAt(offset);
      if (code !== id.charCodeAt(position + offset)) return false;
      // A title holding " > " splits in two.
      if (code === GREATER && title.charCodeAt(offset - 1) === SPACE && title.charCodeAt(offset + 1) === SPACE) return false;
    }
    position += title.length;
  }
  if (position === id.length) return true;
  // What is left must be one ` [n]`.
  if (id.length - position < 4 || id.charCodeAt(position) !== SPACE || id.charCodeAt(position + 1) !== BRACKET || id.charCodeAt(id.length - 1) !== CLOSE) return false;
  for (let index = position + 2; index < id.length - 1; index++) {
    const code = id.charCodeAt(index);
    if (code < ZERO || code > NINE) return false;
  }
  return true;
}

const COLON = 58;
const SPACE = 32;
const GREATER = 62;
const BRACKET = 91;
const CLOSE = 93;
const ZERO = 48;
const NINE = 57;
