import {types} from 'util';

/** How far and how wide a captured value is followed. */
export interface SerializeLimits {
  /** Levels of nesting kept; deeper values become a one-line marker such as `[Object]`. */
  maxDepth: number;
  /** Class instances as `{"__class__": Name, ...fields}`; when false, only `[Name]`. */
  extractClasses: boolean;
  /** Lower-cased substrings: a key containing one has its value replaced by `"[redacted]"`. */
  redact: readonly string[];
}

/** A string longer than this keeps its start and a marker with the full length. */
export const MAX_STRING_CHARS = 500;
/** Array items, Map/Set entries and object keys kept per container. */
export const MAX_ITEMS = 30;
/** Values visited per capture, across all variables, so one huge structure cannot stall a failing test. */
const MAX_NODES = 2000;

export const REDACTED = '[redacted]';

/**
 * Turns one captured scope (variable name → value) into plain JSON. It runs while the test is paused in the
 * debugger, on the user's live objects, so it never runs user code: getters are shown as `[Getter]`, proxies as
 * `[Proxy]`, and no `toJSON`/`toString` is called. Errors from other realms (the test's vm context) are
 * recognised with `util.types`, not `instanceof`.
 */
export function serializeScope(scope: object, limits: SerializeLimits, skip?: ReadonlySet<string>): Record<string, unknown> {
  const state: SerializeState = {limits, nodes: 0, ancestors: []};
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const name of Object.keys(scope)) {
    // Functions and classes in scope are the code, not the data the failure depended on.
    if (skip?.has(name) || typeof Object.getOwnPropertyDescriptor(scope, name)?.value === 'function') continue;
    if (kept++ >= MAX_ITEMS * 2) {
      out['…'] = `${Object.keys(scope).length - MAX_ITEMS * 2} more variables`;
      break;
    }
    out[name] = isRedacted(name, limits.redact) ? REDACTED : readProperty(scope, name, 0, state);
  }
  return out;
}

/** Serialises one value (used for thrown primitives and by tests). */
export function serializeValue(value: unknown, limits: SerializeLimits): unknown {
  return serialize(value, 0, {limits, nodes: 0, ancestors: []});
}

interface SerializeState {
  limits: SerializeLimits;
  nodes: number;
  /** The objects on the path from the root to the current value: a repeat is a cycle. */
  ancestors: object[];
}

export function isRedacted(key: string, redact: readonly string[]): boolean {
  if (redact.length === 0) return false;
  const lower = key.toLowerCase();
  for (const needle of redact) if (lower.includes(needle)) return true;
  return false;
}

function readProperty(owner: object, key: string, depth: number, state: SerializeState): unknown {
  let descriptor: PropertyDescriptor | undefined;
  try {
    descriptor = Object.getOwnPropertyDescriptor(owner, key);
  } catch {
    return '[Unreadable]';
  }
  if (descriptor === undefined) return '[undefined]';
  if (descriptor.get !== undefined || descriptor.set !== undefined) return '[Getter]';
  return serialize(descriptor.value, depth, state);
}

function className(value: object): string | null {
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === null) return null;
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as {name?: unknown} | undefined;
    return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : null;
  } catch {
    return null;
  }
}

function truncateString(text: string): string {
  return text.length > MAX_STRING_CHARS ? `${text.slice(0, MAX_STRING_CHARS)}… [${text.length} chars]` : text;
}

function serialize(value: unknown, depth: number, state: SerializeState): unknown {
  if (++state.nodes > MAX_NODES) return '[…]';
  switch (typeof value) {
    case 'string':
      return truncateString(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'undefined':
      return '[undefined]';
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return value.toString();
    case 'function': {
      const name = (Object.getOwnPropertyDescriptor(value, 'name')?.value as unknown) ?? '';
      return `[Function${typeof name === 'string' && name !== '' ? ` ${name}` : ''}]`;
    }
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (types.isProxy(object)) return '[Proxy]';
  if (state.ancestors.includes(object)) return '[Circular]';
  if (types.isNativeError(object)) {
    const error = object as Error;
    const message = Object.getOwnPropertyDescriptor(error, 'message')?.value as unknown;
    return `[${className(object) ?? 'Error'}: ${truncateString(typeof message === 'string' ? message : '')}]`;
  }
  if (types.isDate(object)) {
    const time = Date.prototype.getTime.call(object);
    return Number.isNaN(time) ? '[Invalid Date]' : new Date(time).toISOString();
  }
  if (types.isRegExp(object)) return RegExp.prototype.toString.call(object);
  if (types.isPromise(object)) return '[Promise]';
  if (types.isWeakMap(object) || types.isWeakSet(object)) return `[${className(object) ?? 'Weak'}]`;
  if (types.isAnyArrayBuffer(object)) return `[${className(object) ?? 'ArrayBuffer'}(${(object as ArrayBuffer).byteLength})]`;
  if (types.isTypedArray(object) || types.isDataView(object)) {
    return `[${className(object) ?? 'TypedArray'}(${(object as ArrayBufferView).byteLength} bytes)]`;
  }

  const isArray = Array.isArray(object);
  const isMap = types.isMap(object);
  const isSet = types.isSet(object);
  const name = isArray || isMap || isSet ? null : className(object);
  const isPlain = !isArray && !isMap && !isSet && (name === null || name === 'Object');
  if (depth >= state.limits.maxDepth) {
    if (isArray) return `[Array(${(object as unknown[]).length})]`;
    if (isMap) return `[Map(${(object as Map<unknown, unknown>).size})]`;
    if (isSet) return `[Set(${(object as Set<unknown>).size})]`;
    return isPlain ? '[Object]' : `[${name}]`;
  }
  if (!isPlain && !isArray && !isMap && !isSet && !state.limits.extractClasses) return `[${name}]`;

  state.ancestors.push(object);
  try {
    if (isArray) {
      const array = object as unknown[];
      const out: unknown[] = [];
      const shown = Math.min(array.length, MAX_ITEMS);
      for (let index = 0; index < shown; index++) out.push(readProperty(array, String(index), depth + 1, state));
      if (array.length > shown) out.push(`… ${array.length - shown} more items`);
      return out;
    }
    if (isMap) {
      const map = object as Map<unknown, unknown>;
      const entries: unknown[] = [];
      for (const [key, entry] of Map.prototype.entries.call(map) as IterableIterator<[unknown, unknown]>) {
        if (entries.length >= MAX_ITEMS) {
          entries.push(`… ${map.size - MAX_ITEMS} more entries`);
          break;
        }
        const redacted = typeof key === 'string' && isRedacted(key, state.limits.redact);
        entries.push([serialize(key, depth + 1, state), redacted ? REDACTED : serialize(entry, depth + 1, state)]);
      }
      return {__class__: 'Map', size: map.size, entries};
    }
    if (isSet) {
      const set = object as Set<unknown>;
      const values: unknown[] = [];
      for (const item of Set.prototype.values.call(set) as IterableIterator<unknown>) {
        if (values.length >= MAX_ITEMS) {
          values.push(`… ${set.size - MAX_ITEMS} more values`);
          break;
        }
        values.push(serialize(item, depth + 1, state));
      }
      return {__class__: 'Set', size: set.size, values};
    }
    const out: Record<string, unknown> = isPlain ? {} : {__class__: name};
    const keys = Object.keys(object);
    const shown = Math.min(keys.length, MAX_ITEMS);
    for (let index = 0; index < shown; index++) {
      const key = keys[index];
      out[key] = isRedacted(key, state.limits.redact) ? REDACTED : readProperty(object, key, depth + 1, state);
    }
    if (keys.length > shown) out['…'] = `${keys.length - shown} more keys`;
    return out;
  } finally {
    state.ancestors.pop();
  }
}
