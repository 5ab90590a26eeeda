import type * as BabelCodeFrame from '@babel/code-frame';
import {readFileSync, statSync} from 'fs';
import {withoutPemBodies} from '../model/redactSecrets';

let codeFrame: typeof BabelCodeFrame | null = null;

/** Source files larger than this get no code frame: a bundle or generated file is not worth reading on a failure. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
/** Files kept in memory per test file (failures cluster in a few files). */
const MAX_CACHED_FILES = 32;

/**
 * Reads code frames for failure locations, keeping the sources it read: a file with many failures is read once.
 * One instance per test file, so edits between watch-mode runs are seen.
 */
export class CodeFrameReader {
  private readonly sources = new Map<string, string | null>();

  /** The lines around `line` with a `>` marker and a caret under `column`; null when the file cannot be read. */
  read(file: string, line: number, column: number): string | null {
    let source = this.sources.get(file);
    if (source === undefined) {
      source = readSource(file);
      if (this.sources.size >= MAX_CACHED_FILES) this.sources.delete(this.sources.keys().next().value as string);
      this.sources.set(file, source);
    }
    if (source === null) return null;
    // Required on the first failure, not when the worker loads the environment: ~15 ms saved per worker of a green run.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
    codeFrame ??= require('@babel/code-frame') as typeof BabelCodeFrame;
    // Same frame as Jest's own failure output (jest-message-util uses this library), without colours.
    return codeFrame.codeFrameColumns(source, {start: {line, column}}, {highlightCode: false, linesAbove: 2, linesBelow: 2});
  }
}

function readSource(file: string): string | null {
  try {
    if (statSync(file).size > MAX_SOURCE_BYTES) return null;
    // A frame of a few lines can show a key's body without its BEGIN line: the bodies go before any frame is cut.
    return withoutPemBodies(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}
