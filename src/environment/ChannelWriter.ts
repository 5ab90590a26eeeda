import {closeSync, openSync, writeSync} from 'fs';
import {ATTEMPT_NUMBERS, CHANNEL_VERSION, workerChannelPath} from '../model/channel';
import type {AttemptExtras} from '../model/channel';
import {nodeThreadId} from './ownCost';

/** What a pending attempt needs beyond its numbers: where it sits in the file, and the rare non-numeric parts. */
export interface PendingPosition {
  index: number;
  titlePath: string[];
  /** The JSON of `titlePath`, encoded once per test rather than once per attempt. */
  titlePathJson?: string;
}

/** Flush when about this many bytes are pending: one write system call per batch, little memory held. */
export const FLUSH_BYTES = 64 * 1024;
/** ...or when the oldest pending attempt finished this long ago. */
export const FLUSH_AGE_MS = 250;
/** A rough size of an encoded attempt without its titles, for the byte estimate. */
const ATTEMPT_BASE_BYTES = 160;

const FIELDS = ATTEMPT_NUMBERS;


/**
 * The worker's side of the channel for one test file. Finished attempts are kept as numbers in a reused typed array and encoded
 * in batches, one `write` per batch (docs/how-it-measures.md#no-loss: a record need not reach disk the moment its test ends). The
 * recorder asks for a flush at the moments a worker may die next: after a failure, a large RSS rise, a heap near its
 * limit. The `exit` handler flushes too, so only a kill without one (SIGKILL, an abort) loses what is pending:
 * at most `FLUSH_AGE_MS` of passing tests.
 */
export class ChannelWriter {
  /**
   * Between `start()` and `close()`. The file's descriptor is asked for at each write, never kept: in band, the
   * reporter may have released it, and its number may have been reused since.
   */
  private open = false;
  /** The file-start line, written with the first batch. */
  private head = '';
  /** Pending attempts' numbers, `ATTEMPT_NUMBERS` per attempt; replaced by a larger array when full. */
  numbers = new Float64Array(64 * FIELDS);
  private positions: PendingPosition[] = [];
  private extras: Array<AttemptExtras | null> = [];
  private count = 0;
  private pendingBytes = 0;
  /** performance.now() when the oldest pending attempt was added; -1 when nothing is pending. */
  private oldestMs = -1;

  /** `dir`: the run's channel directory, where this worker's file is (`workerChannelFile`). */
  constructor(private readonly dir: string) {}

  /** Takes the worker's file; the file-start line is written with the first flush. */
  start(line: string): void {
    this.open = true;
    openWriters.add(this);
    if (!signalsWatched) watchStopSignals();
    // At a line start, where the reader looks for it, whatever the previous line was (a torn one, with a reused pid).
    this.head = `\n${line}\n`;
  }

  /** A slot for one finished attempt: fill `numbers` from the returned offset, in `AttemptSlot` order. */
  add(position: PendingPosition, extras: AttemptExtras | null, nowMs: number): number {
    if ((this.count + 1) * FIELDS > this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    const offset = this.count * FIELDS;
    this.positions[this.count] = position;
    this.extras[this.count] = extras;
    this.count++;
    this.pendingBytes += ATTEMPT_BASE_BYTES + (position.titlePathJson?.length ?? 64);
    if (this.oldestMs < 0) this.oldestMs = nowMs;
    return offset;
  }

  /** Whether a flush is due by size or age. */
  due(nowMs: number): boolean {
    return this.pendingBytes >= FLUSH_BYTES || (this.oldestMs >= 0 && nowMs - this.oldestMs >= FLUSH_AGE_MS);
  }

  /**
   * Writes what is pending, then `tail` (the file-end line) when given. A function tail is called once the batch
   * is encoded, so the line it makes can count the encoding in the recorder's own time.
   */
  flush(tail?: string | (() => string)): void {
    if (!this.open) return;
    let text = this.head;
    this.head = '';
    for (let slot = 0; slot < this.count; slot++) text += this.encode(slot);
    if (tail !== undefined) text += `${typeof tail === 'string' ? tail : tail()}\n`;
    this.count = 0;
    this.pendingBytes = 0;
    this.oldestMs = -1;
    this.positions.length = 0;
    this.extras.length = 0;
    if (text.length > 0) writeAll(workerChannelFile(this.dir), text);
  }

  /** Writes what is pending. The worker's file stays open for its next test file. */
  close(): void {
    if (!this.open) return;
    openWriters.delete(this);
    this.flush();
    this.open = false;
  }

  /**
   * One line after `close()`: the file's boundary reading, taken once the environment is torn down, before the next
   * test file of this worker starts.
   */
  appendAfterClose(line: string): void {
    writeAll(workerChannelFile(this.dir), `${line}\n`);
  }

  /** One attempt line: a JSON array, the numbers in `AttemptSlot` order (`decodeAttempt` is the other side). */
  private encode(slot: number): string {
    const n = this.numbers;
    const o = slot * FIELDS;
    const position = this.positions[slot];
    position.titlePathJson ??= JSON.stringify(position.titlePath);
    let line =
      `[${CHANNEL_VERSION},${position.index},${position.titlePathJson},${n[o]},${n[o + 1]},${n[o + 2]},${n[o + 3]},${n[o + 4]},` +
      `${n[o + 5]},${n[o + 6]},${n[o + 7]},${n[o + 8]},${n[o + 9]},${n[o + 10]},${n[o + 11]},${n[o + 12]},${n[o + 13]},${n[o + 14]},${n[o + 15]}`;
    const extras = this.extras[slot];
    if (extras !== null) line += `,${JSON.stringify(extras.spans)},${JSON.stringify(extras.failure)},${extras.retainedHeapBytes}`;
    return `${line}]\n`;
  }
}

/**
 * This worker's channel file, opened once for every test file it runs (docs/performance.md#own-cost): a file per test
 * file cost an open, a close, a second open for the boundary line, and the reporter's open and unlink, about 0.3 ms
 * of a file's 0.7 ms of own cost. A new channel directory (another run in the same process: a programmatic
 * `runCLI`) gets a new file.
 */
let workerFile: {dir: string; fd: number} | null = null;

function workerChannelFile(dir: string): number {
  if (workerFile !== null && workerFile.dir === dir) return workerFile.fd;
  releaseWorkerChannelFile();
  const fd = openSync(workerChannelPath(dir, process.pid, nodeThreadId()), 'a');
  workerFile = {dir, fd};
  return fd;
}

/** Closes this process's channel file, if open: in band, the reporter does before it removes the directory. */
export function releaseWorkerChannelFile(): void {
  if (workerFile === null) return;
  const {fd} = workerFile;
  workerFile = null;
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing held.
  }
}

const openWriters = new Set<ChannelWriter>();

/**
 * Writes what this process's open writers hold. In band, the reporter calls it as a stop signal arrives, before it
 * reads the channel: from a second run in the same process (watch mode), its signal listener is ahead of this
 * module's, which was added once, by the first run.
 */
export function flushOpenWriters(): void {
  for (const writer of openWriters) {
    try {
      writer.flush();
    } catch {
      // Dying anyway: nothing to report to.
    }
  }
}
let signalsWatched = false;
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Ctrl-C reaches every process of the group, workers included, a closed terminal sends SIGHUP to all of them, and
 * `kill` or a CI timeout may send SIGTERM: a
 * process dying of a signal emits no 'exit' event, so what is pending is written here. Then, if no one else
 * listens, the signal is raised again and the process dies of it as it would have. In band, the reporter listens
 * too: it reads the channel next (this listener, prepended later, runs first) and raises the signal itself.
 */
function watchStopSignals(): void {
  signalsWatched = true;
  const onStopSignal = (signal: NodeJS.Signals): void => {
    flushOpenWriters();
    // Once is enough: the others (the reporter in band) see no listener of ours when they decide to raise it again.
    for (const each of STOP_SIGNALS) process.removeListener(each, onStopSignal);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  for (const signal of STOP_SIGNALS) process.prependListener(signal, onStopSignal);
}

/** `writeSync` may write less than asked; loop until every byte is out. */
function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text);
  for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
}
