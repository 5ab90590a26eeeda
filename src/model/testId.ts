import * as path from 'path';

/**
 * How files appear in ids, locations and the report: relative to rootDir with `/` separators, or absolute when
 * outside it.
 */
export function relativeToRoot(rootDir: string, file: string): string {
  const relative = path.relative(rootDir, file);
  return (relative.startsWith('..') || path.isAbsolute(relative) ? file : relative).split(path.sep).join('/');
}

/**
 * A test's id before de-duplication: the file relative to rootDir (`/`-separated), `::`, then the describe titles
 * and the title joined by ` > ` (SPEC section 3). The reporter adds ` [n]` to a repeated id; the environment, which
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

/**
 * The describe titles and title an id was made from: the part after `<file>::`, split on ` > `, with the ` [n]`
 * de-duplication suffix removed. Ambiguous when a title itself contains ` > ` or ends in ` [n]`; the JSON then
 * carries the exact `titles` (see `toSchema`), so a file read back always gives the titles Jest had.
 */
export function titlePathFromId(id: string, file: string): string[] {
  const titles = id.startsWith(`${file}::`) ? id.slice(file.length + 2) : id.slice(id.indexOf('::') + 2);
  return titles.replace(/ \[\d+\]$/, '').split(' > ');
}

/**
 * Whether `titlePathFromId(id, file)` gives `titlePath` back: the same answer, without building the list. It is
 * asked for every test each time a report is written, so the common case (no title holds " > ") allocates nothing.
 */
export function idGivesTitles(id: string, file: string, titlePath: readonly string[]): boolean {
  const same = (titles: readonly string[]): boolean => titles.length === titlePath.length && titles.every((title, index) => title === titlePath[index]);
  if (titlePath.some(title => title.includes(' > '))) return same(titlePathFromId(id, file));
  const start = id.startsWith(file) && id.startsWith('::', file.length) ? file.length + 2 : id.indexOf('::') + 2;
  let end = id.length;
  if (id.endsWith(']')) {
    const suffix = / \[\d+\]$/.exec(id);
    if (suffix !== null) {
      if (suffix.index < start) return same(titlePathFromId(id, file));
      end = suffix.index;
    }
  }
  let position = start;
  for (let index = 0; index < titlePath.length; index++) {
    if (index > 0) {
      if (!id.startsWith(' > ', position)) return false;
      position += 3;
    }
    if (!id.startsWith(titlePath[index], position)) return false;
    position += titlePath[index].length;
  }
  return position === end;
}
