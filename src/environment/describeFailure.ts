import * as path from 'path';
import {inspect, stripVTControlCharacters, types} from 'util';
import {REDACTED} from '../model/redactSecrets';
import type {SecretRules} from '../model/redactSecrets';
import {relativeToRoot} from '../model/testId';
import type {FailureMode, FailureRecord, SourceLocation, VariablesMissing} from '../model/types';
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
  /** Secrets are redacted from every text of the record (message, stack, code frame) and from captured values. */
  secrets: SecretRules;
  /**
   * Trace or `auto` mode was asked for: a failure without variables then says why (`variablesMissing`). `untraced`
   * is the reason for a file that runs without trace (`auto` before the file failed, trace that could not start).
   */
  variables?: {untraced: VariablesMissing | null};
}

const TIMEOUT_PREFIX = 'Exceeded timeout of';
const MAX_MESSAGE_CHARS = 2000;
/**
 * Characters of a long message that are redacted before it is cut to `MAX_MESSAGE_CHARS`: a token or key that
 * starts before the cut is found whole, and redacting the rest of a huge message would cost for nothing.
 */
const REDACT_WINDOW_CHARS = MAX_MESSAGE_CHARS + 8192;
/** `inspect`'s cut of each string in a thrown non-Error; its strings are redacted before the cut. */
const MAX_INSPECTED_STRING_CHARS = 200;
/** How the recorder describes a test that was running when its worker process exited. */
export const WORKER_EXIT_PREFIX = 'The worker process exited';
/** ...and when it ran in band, in Jest's own process (no worker to blame). */
export const JEST_EXIT_PREFIX = 'The Jest process exited';

/** The failure message of a test that was running when its process exited with `code`. */
export function processExitMessage(code: number, inJestProcess: boolean): string {
  return `${inJestProcess ? JEST_EXIT_PREFIX : WORKER_EXIT_PREFIX} (code ${code}) while this test was running`;
}

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
  const secrets = context.secrets;
  const described = describeThrown(thrown, secrets);
  const captured = context.trace !== null && context.mode !== 'static' && full ? context.trace.lookup(thrown) : null;
  // Strings trace mode found under secret names (`password = 'x'`) are cleaned from the texts too.
  const redact = (text: string): string => secrets.redactText(text, captured?.secrets);
  // jest-worker sets FORCE_COLOR in workers when the terminal has colour, so matcher messages carry ANSI codes.
  const rawStack = described.stack ?? stackOf(asyncError);
  const stack = rawStack === null ? null : stripVTControlCharacters(rawStack);
  const where = stack === null ? null : locationFromStack(stack);
  const record: FailureRecord = {
    errorType: null,
    // Redacted first, then cut: a secret that straddles the cut must not leave its first half behind.
    message: truncate(redact(stripVTControlCharacters(windowed(described.message))), described.message.length),
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
  if (!full) {
    if (context.variables !== undefined) record.variablesMissing = 'not-sampled';
    return record;
  }

  record.stack = stack === null ? null : redact(context.skipInternalFrames ? withoutInternalFrames(stack) : stack);
  if (where !== null) {
    const frame = context.codeFrames.read(where.file, where.line, where.column);
    record.codeFrame = frame === null ? null : redact(frame);
  }
  if (captured !== null) {
    record.locals = captured.locals;
    record.closure = captured.closure;
  }
  if (context.variables !== undefined && record.locals === null && record.closure === null) {
    record.variablesMissing = whyNoVariables(context, captured !== null, described.errorType);
  }
  return record;
}

/** The reason a failure of a traced (or `auto`) run has no variables; see `VariablesMissing`. */
function whyNoVariables(context: FailureContext, captured: boolean, errorType: string): VariablesMissing {
  if (context.variables?.untraced) return context.variables.untraced;
  if (context.trace === null) return 'trace-off';
  if (captured) return 'empty';
  if (errorType === 'Timeout' || errorType === 'WorkerExit') return 'no-throw';
  return context.trace.missReason();
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

function describeThrown(thrown: unknown, secrets: SecretRules): {errorType: string; message: string; stack: string | null} {
  if (isErrorLike(thrown)) {
    const ctorName = (thrown as {constructor?: {name?: unknown}}).constructor?.name;
    const errorType = typeof ctorName === 'string' && ctorName !== 'Object' ? ctorName : (thrown.name ?? 'Error');
    return {errorType, message: thrown.message, stack: stackOf(thrown)};
  }
  if (typeof thrown === 'string') {
    if (thrown.startsWith(TIMEOUT_PREFIX)) return {errorType: 'Timeout', message: thrown, stack: null};
    if (thrown.startsWith(WORKER_EXIT_PREFIX) || thrown.startsWith(JEST_EXIT_PREFIX)) return {errorType: 'WorkerExit', message: thrown, stack: null};
    return {errorType: 'string', message: `Thrown: ${JSON.stringify(windowed(thrown))}`, stack: null};
  }
  const errorType = thrown === null ? 'null' : typeof thrown;
  // Shown with the values under secret names replaced (the texts' rules then catch secret-shaped values).
  const shown = inspect(withoutSecretFields(thrown, secrets, 0, new Map()), {depth: 2, breakLength: Infinity, maxArrayLength: 20, maxStringLength: MAX_INSPECTED_STRING_CHARS});
  return {errorType, message: `Thrown: ${shown}`, stack: null};
}

/** Levels of a thrown object that are copied with secrets left out: `inspect` shows two (depth 2) below the top. */
const COPIED_LEVELS = 3;

/**
 * A copy of a thrown non-Error value whose secret-named fields hold `[redacted]`, for `inspect` to show. Plain
 * objects, class instances (same prototype, so `inspect` names the class) and arrays are copied; getters are left
 * as they are not read; anything else is the value itself.
 */
function withoutSecretFields(value: unknown, secrets: SecretRules, depth: number, copies: Map<object, unknown>): unknown {
  if (typeof value === 'string') return secrets.redactText(value.slice(0, MAX_INSPECTED_STRING_CHARS + 8192));
  if (typeof value !== 'object' || value === null || depth >= COPIED_LEVELS || types.isProxy(value)) return value;
  const seen = copies.get(value);
  if (seen !== undefined) return seen;
  let proto: object | null;
  try {
    proto = Object.getPrototypeOf(value) as object | null;
  } catch {
    return value;
  }
  const isArray = Array.isArray(value);
  if (!isArray && proto !== null && !isPlainOrClassPrototype(proto)) return value;
  const copy: Record<string, unknown> = isArray ? ([] as unknown as Record<string, unknown>) : (Object.create(proto) as Record<string, unknown>);
  copies.set(value, copy);
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined) continue;
    if (descriptor.get !== undefined || descriptor.set !== undefined) {
      Object.defineProperty(copy, key, {...descriptor, configurable: true});
      continue;
    }
    const field: unknown = descriptor.value;
    // `['x-api-key', value]`: a header or entry pair names its value.
    const named = isArray ? (key === '1' && (value as unknown[]).length === 2 && typeof (value as unknown[])[0] === 'string' ? ((value as unknown[])[0] as string) : null) : key;
    const hidden = named !== null && secrets.isSecretName(named) && typeof field !== 'boolean' && field !== null && field !== undefined;
    // Strings are redacted here, before `inspect` cuts them at MAX_INSPECTED_STRING_CHARS.
    copy[key] = hidden ? REDACTED : typeof field === 'string' ? secrets.redactText(field.slice(0, MAX_INSPECTED_STRING_CHARS + 8192)) : withoutSecretFields(field, secrets, depth + 1, copies);
  }
  return copy;
}

/** Objects whose fields are all in their own properties: not Maps, Dates, typed arrays and the like. */
function isPlainOrClassPrototype(proto: object): boolean {
  let current: object | null = proto;
  // A class chain ends at Object.prototype of some realm, whose own prototype is null.
  for (let hops = 0; current !== null && hops < 20; hops++) {
    const next = Object.getPrototypeOf(current) as object | null;
    if (next === null) return true;
    const ctor = Object.getOwnPropertyDescriptor(current, 'constructor')?.value as unknown;
    if (typeof ctor === 'function' && BUILT_IN_CLASSES.has((ctor as {name: string}).name)) return false;
    current = next;
  }
  return false;
}

const BUILT_IN_CLASSES: ReadonlySet<string> = new Set([
  'Map', 'Set', 'WeakMap', 'WeakSet', 'Date', 'RegExp', 'Promise', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array',
  'Uint8ClampedArray', 'BigInt64Array', 'BigUint64Array', 'Buffer', 'Error', 'String', 'Number', 'Boolean', 'Symbol',
]);

/** The start of a long text that is worth redacting (see REDACT_WINDOW_CHARS). */
function windowed(text: string): string {
  return text.length > REDACT_WINDOW_CHARS ? text.slice(0, REDACT_WINDOW_CHARS) : text;
}

/** A message cut to MAX_MESSAGE_CHARS; `originalLength` is the length before redaction and windowing. */
function truncate(text: string, originalLength: number): string {
  return text.length > MAX_MESSAGE_CHARS || originalLength > REDACT_WINDOW_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}… [truncated]` : text;
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
