import * as path from 'path';
import {inspect, stripVTControlCharacters, types} from 'util';
import {relativeToRoot} from '../model/testId';
import type {FailureMode, FailureRecord, SourceLocation} from '../model/types';
import type {CodeFrameReader} from './readCodeFrame';
import type {TraceCapture} from './TraceCapture';

/** How circus stores an error: the thrown value, or `[thrown, asyncError]` where asyncError marks the call site. */
export type CircusError = unknown;

/** What describing a failure needs besides the error: the mode and its helpers. */
export interface FailureContext {
  rootDir: string;
  mode: FailureMode;
  skipInternalFrames: boolean;
  codeFrames: CodeFrameReader;
  /** Present in trace mode when the inspector could be used. */
  trace: TraceCapture | null;
}

const TIMEOUT_PREFIX = 'Exceeded timeout of';
const MAX_MESSAGE_CHARS = 2000;
/** How the recorder describes a test that was running when its worker process exited. */
export const WORKER_EXIT_PREFIX = 'The worker process exited';

/**
 * Turns what circus collected for a failed attempt into one readable record. Circus rejects timeouts with a
 * string and lets tests throw anything, so every shape gets a message; non-Errors take their location from the
 * async error circus made where the test or hook was declared.
 *
 * Static mode keeps the message and location (the cheapest record). Profile adds the error type, a code frame and a
 * filtered stack; trace adds the variables the debugger read when the error was thrown. `full` is false for a
 * failure `captureRate` did not sample: it keeps the message, type and location, marked `captured: false`.
 */
export function describeFailure(
  errors: readonly CircusError[],
  phase: FailureRecord['phase'],
  context: FailureContext,
  full = true,
): FailureRecord {
  const [thrown, asyncError] = splitCircusError(errors[0]);
  const described = describeThrown(thrown);
  // jest-worker sets FORCE_COLOR in workers when the terminal has colour, so matcher messages carry ANSI codes.
  const rawStack = described.stack ?? stackOf(asyncError);
  const stack = rawStack === null ? null : stripVTControlCharacters(rawStack);
  const where = stack === null ? null : locationFromStack(stack);
  const record: FailureRecord = {
    errorType: null,
    message: stripVTControlCharacters(described.message),
    location: where === null ? null : relativeLocation(where, context.rootDir),
    codeFrame: null,
    stack: null,
    locals: null,
    closure: null,
    captured: full,
    phase,
    errorCount: errors.length,
    timestampMs: Date.now(),
  };
  if (context.mode === 'static') return record;
  record.errorType = described.errorType;
  if (!full) return record;

  record.stack = stack === null ? null : context.skipInternalFrames ? withoutInternalFrames(stack) : stack;
  if (where !== null) record.codeFrame = context.codeFrames.read(where.file, where.line, where.column);
  if (context.trace !== null) {
    const captured = context.trace.lookup(thrown);
    if (captured !== null) {
      record.locals = captured.locals;
      record.closure = captured.closure;
    }
  }
  return record;
}

function splitCircusError(entry: CircusError): [unknown, unknown] {
  // Circus pushes tuples from its own handlers; user code (or an older circus) may push a bare error.
  if (Array.isArray(entry) && entry.length === 2 && isErrorLike(entry[1])) return [entry[0], entry[1]];
  return [entry, undefined];
}

function isErrorLike(value: unknown): value is {message: string; stack?: string; name?: string} {
  // Errors thrown in tests come from the vm context's realm: `instanceof Error` is false for them.
  if (types.isNativeError(value)) return true;
  return typeof value === 'object' && value !== null && typeof (value as {message?: unknown}).message === 'string'
    && typeof (value as {stack?: unknown}).stack === 'string';
}

function stackOf(value: unknown): string | null {
  return isErrorLike(value) && typeof value.stack === 'string' ? value.stack : null;
}

function describeThrown(thrown: unknown): {errorType: string; message: string; stack: string | null} {
  if (isErrorLike(thrown)) {
    const ctorName = (thrown as {constructor?: {name?: unknown}}).constructor?.name;
    const errorType = typeof ctorName === 'string' && ctorName !== 'Object' ? ctorName : (thrown.name ?? 'Error');
    return {errorType, message: truncate(thrown.message), stack: stackOf(thrown)};
  }
  if (typeof thrown === 'string') {
    if (thrown.startsWith(TIMEOUT_PREFIX)) return {errorType: 'Timeout', message: truncate(thrown), stack: null};
    if (thrown.startsWith(WORKER_EXIT_PREFIX)) return {errorType: 'WorkerExit', message: thrown, stack: null};
    return {errorType: 'string', message: truncate(`Thrown: ${JSON.stringify(thrown)}`), stack: null};
  }
  const errorType = thrown === null ? 'null' : typeof thrown;
  const shown = inspect(thrown, {depth: 2, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200});
  return {errorType, message: truncate(`Thrown: ${shown}`), stack: null};
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}… [truncated]` : text;
}

const FRAME_RE = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

function isInternalFile(file: string): boolean {
  return file.startsWith('node:') || file.includes(`${path.sep}node_modules${path.sep}`) || !path.isAbsolute(file);
}

/** The first stack frame in the user's code (absolute path): not node internals, not node_modules. */
export function locationFromStack(stack: string): SourceLocation | null {
  for (const line of stack.split('\n')) {
    const match = FRAME_RE.exec(line);
    if (!match || isInternalFile(match[1])) continue;
    return {file: match[1], line: Number(match[2]), column: Number(match[3])};
  }
  return null;
}

function relativeLocation(location: SourceLocation, rootDir: string): SourceLocation {
  return {file: relativeToRoot(rootDir, location.file), line: location.line, column: location.column};
}

/** The stack without frames in node_modules, node internals and native code (`at new Promise (<anonymous>)`). */
export function withoutInternalFrames(stack: string): string {
  const kept: string[] = [];
  for (const line of stack.split('\n')) {
    if (/^\s*at /.test(line)) {
      const match = FRAME_RE.exec(line);
      if (match === null || isInternalFile(match[1])) continue;
    }
    kept.push(line);
  }
  return kept.join('\n');
}
