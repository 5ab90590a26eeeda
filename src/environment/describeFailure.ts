import * as path from 'path';
import {inspect, stripVTControlCharacters, types} from 'util';
import type {FailureRecord, SourceLocation} from '../model/types';

/** How circus stores an error: the thrown value, or `[thrown, asyncError]` where asyncError marks the call site. */
export type CircusError = unknown;

const TIMEOUT_PREFIX = 'Exceeded timeout of';
const MAX_MESSAGE_CHARS = 2000;
/** How the recorder describes a test that was running when its worker process exited. */
export const WORKER_EXIT_PREFIX = 'The worker process exited';

/**
 * Turns what circus collected for a failed attempt into one readable record. Circus rejects timeouts with a
 * string and lets tests throw anything, so every shape gets a message; non-Errors take their location from the
 * async error circus made where the test or hook was declared.
 */
export function describeFailure(
  errors: readonly CircusError[],
  phase: FailureRecord['phase'],
  rootDir: string,
): FailureRecord {
  const [thrown, asyncError] = splitCircusError(errors[0]);
  const described = describeThrown(thrown);
  // jest-worker sets FORCE_COLOR in workers when the terminal has colour, so matcher messages carry ANSI codes.
  const rawStack = described.stack ?? stackOf(asyncError);
  const stack = rawStack === null ? null : stripVTControlCharacters(rawStack);
  return {
    errorType: described.errorType,
    message: stripVTControlCharacters(described.message),
    location: stack ? locationFromStack(stack, rootDir) : null,
    stack,
    phase,
    errorCount: errors.length,
    timestampMs: Date.now(),
  };
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

/** The first stack frame in the user's code: not node internals, not node_modules. */
export function locationFromStack(stack: string, rootDir: string): SourceLocation | null {
  for (const line of stack.split('\n')) {
    const match = FRAME_RE.exec(line);
    if (!match) continue;
    const file = match[1];
    if (file.startsWith('node:') || file.includes(`${path.sep}node_modules${path.sep}`) || !path.isAbsolute(file)) {
      continue;
    }
    const relative = path.relative(rootDir, file);
    const shown = relative.startsWith('..') ? file : relative;
    return {file: shown.split(path.sep).join('/'), line: Number(match[2]), column: Number(match[3])};
  }
  return null;
}
