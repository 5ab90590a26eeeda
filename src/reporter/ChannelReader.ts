import {closeSync, openSync, readdirSync, readSync} from 'fs';
import * as path from 'path';
import {StringDecoder} from 'string_decoder';
import {FILE_START_MARK} from '../model/channel';

/** One worker's channel file, read from where the last read stopped. */
interface Source {
  fd: number;
  position: number;
  /** A character split between two reads stays whole. */
  decoder: StringDecoder;
  /** The end of the last read after its last newline: a line the worker is still writing, or tore when it died. */
  rest: string;
  /** The key of the test file whose lines the worker is writing now; null before its first file-start line. */
  key: string | null;
}

const NEWLINE = 10;
/** In a file's end line (written at `run_finish`), and nowhere else: quotes inside JSON strings are escaped. */
const FILE_END_MARK = '"k":"file-end"';

/**
 * The reporter's side of the channel (see `model/channel`): each worker appends every test file's lines to a file of
 * its own. This reads what the workers appended since the last read, and keeps each test file's lines under its key
 * until the file's result asks for them. A worker may have started its next file meanwhile: those lines wait.
 */
export class ChannelReader {
  private readonly sources = new Map<string, Source>();
  /** Lines read and not yet taken, by test file key, in the order they were read. */
  private readonly pending = new Map<string, string>();
  /**
   * Keys already handed over: a result comes once per file, so lines of a file found after it (a run of a worker that
   * died after the file's end line, re-run elsewhere) are dropped, not kept for the run's end and counted twice.
   */
  private readonly taken = new Set<string>();
  private readonly buffer = Buffer.allocUnsafe(64 * 1024);

  /** `dir`: the run's channel directory. */
  constructor(readonly dir: string) {}

  /**
   * The lines of one test file, or null when no worker wrote any. Reads the workers' files known so far, and looks
   * for new ones only when those did not have the file's end line: a worker's first file, or a file re-run after its
   * worker died (jest-worker retries it in a new worker). One read per worker, no directory listing, for most files.
   */
  take(key: string): string | null {
    this.readKnown();
    const known = this.pending.get(key);
    if (known === undefined || known.lastIndexOf(FILE_END_MARK) < 0) this.discover();
    const text = this.pending.get(key);
    this.taken.add(key);
    if (text === undefined) return null;
    this.pending.delete(key);
    return text;
  }

  /** Everything not yet taken, by key: the files Jest will not report (an interrupted run, an exit). */
  takeAll(): Map<string, string> {
    this.readKnown();
    this.discover();
    const all = new Map(this.pending);
    this.pending.clear();
    return all;
  }

  close(): void {
    for (const source of this.sources.values()) {
      try {
        closeSync(source.fd);
      } catch {
        // Already closed: nothing held.
      }
    }
    this.sources.clear();
  }

  private readKnown(): void {
    for (const source of this.sources.values()) this.read(source);
  }

  private discover(): void {
    for (const name of readdirSync(this.dir)) {
      if (this.sources.has(name) || !name.endsWith('.ndjson')) continue;
      const source: Source = {fd: openSync(path.join(this.dir, name), 'r'), position: 0, decoder: new StringDecoder('utf8'), rest: '', key: null};
      this.sources.set(name, source);
      this.read(source);
    }
  }

  private read(source: Source): void {
    let text = '';
    for (;;) {
      const count = readSync(source.fd, this.buffer, 0, this.buffer.length, source.position);
      if (count === 0) break;
      source.position += count;
      text += source.decoder.write(count === this.buffer.length ? this.buffer : this.buffer.subarray(0, count));
    }
    if (text.length === 0) return;
    if (source.rest.length > 0) text = source.rest + text;
    const end = text.lastIndexOf('\n') + 1;
    source.rest = text.slice(end);
    if (end > 0) this.sort(source, text, end);
  }

  /** Files the complete lines of `text` (those before `end`) under the test file whose file-start line they follow. */
  private sort(source: Source, text: string, end: number): void {
    let from = 0;
    let search = 0;
    for (;;) {
      let mark = text.indexOf(FILE_START_MARK, search);
      while (mark > 0 && text.charCodeAt(mark - 1) !== NEWLINE) mark = text.indexOf(FILE_START_MARK, mark + 1);
      if (mark < 0 || mark >= end) {
        this.keep(source.key, text.slice(from, end));
        return;
      }
      this.keep(source.key, text.slice(from, mark));
      const keyStart = mark + FILE_START_MARK.length;
      source.key = text.slice(keyStart, text.indexOf('"', keyStart));
      from = mark;
      search = keyStart;
    }
  }

  private keep(key: string | null, text: string): void {
    // Before a worker's first file-start line there is nothing to file anything under; an empty line (the one that
    // starts each file-start, after a file already taken) carries nothing.
    if (key === null || text.length === 0 || text === '\n' || this.taken.has(key)) return;
    const before = this.pending.get(key);
    this.pending.set(key, before === undefined ? text : before + text);
  }
}
