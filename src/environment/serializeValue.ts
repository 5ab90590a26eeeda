import {types} from 'util';
import {REDACTED} from '../model/redactSecrets';
import type {SecretRules} from '../model/redactSecrets';

export {REDACTED};

/** How far and how wide a captured value is followed. */
export interface SerializeLimits {
  /** Levels of nesting kept; deeper values become a one-line marker such as `[Object]`. */
  maxDepth: number;
  /** Class instances as `{"__class__": Name, ...fields}`; when false, only `[Name]`. */
  extractClasses: boolean;
  /** Which names and values are secrets: their values become `"[redacted]"`. */
  secrets: SecretRules;
}

/** A string longer than this keeps its start and a marker with the full length. */
export const MAX_STRING_CHARS = 500;
/** Array items, Map/Set entries and object keys kept per container. */
export const MAX_ITEMS = 30;
/** Values visited per capture, across all variables, so one huge structure cannot stall a failing test. */
const MAX_NODES = 2000;
/**
 * Characters of a long string that are checked for secrets before it is cut to `MAX_STRING_CHARS`: a PEM key or
 * token that starts before the cut is redacted whole rather than shown in part.
 */
const REDACT_WINDOW_CHARS = MAX_STRING_CHARS + 8192;

/**
 * Turns one captured scope (variable name → value) into plain JSON. It runs while the test is paused in the
 * debugger, on the user's live objects, so it never runs user code: getters are shown as `[Getter]`, proxies as
 * `[Proxy]`, and no `toJSON`/`toString` is called. Errors from other realms (the test's vm context) are
 * recognised with `util.types`, not `instanceof`.
 */
export function serializeScope(
  scope: object,
  limits: SerializeLimits,
  skip?: ReadonlySet<string>,
  found?: Set<string>,
): Record<string, unknown> {
  const state: SerializeState = {limits, nodes: 0, ancestors: [], found};
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const name of Object.keys(scope)) {
    // Functions and classes in scope are the code, not the data the failure depended on.
    if (skip?.has(name) || typeof Object.getOwnPropertyDescriptor(scope, name)?.value === 'function') continue;
    if (kept++ >= MAX_ITEMS * 2) {
      out['…'] = `${Object.keys(scope).length - MAX_ITEMS * 2} more variables`;
      break;
    }
    out[name] = limits.secrets.isSecretName(name) ? redactProperty(scope, name, state) : readProperty(scope, name, 0, state);
  }
  return out;
}

/** Serialises one value (used for thrown primitives and by tests). */
export function serializeValue(value: unknown, limits: SerializeLimits): unknown {
  return serialize(value, 0, {limits, nodes: 0, ancestors: [], found: undefined});
}

interface SerializeState {
  limits: SerializeLimits;
  nodes: number;
  /** The objects on the path from the root to the current value: a repeat is a cycle. */
  ancestors: object[];
  /** Strings that were stored under secret names: the failure's message and code frame are cleaned of them too. */
  found: Set<string> | undefined;
}

/** What is shown for a secret-named property: `[redacted]`, or the value itself when it tells nothing (a flag, null). */
function redactProperty(owner: object, key: string, state: SerializeState): unknown {
  let value: unknown;
  try {
    value = Object.getOwnPropertyDescriptor(owner, key)?.value;
  } catch {
    return REDACTED;
  }
  return shownForSecret(value, state);
}

function shownForSecret(value: unknown, state: SerializeState): unknown {
  if (typeof value === 'boolean' || value === null) return value;
  if (value === undefined) return '[undefined]';
  if (typeof value === 'string' && value.length > 0) state.found?.add(value);
  return REDACTED;
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

/** A data property's value, without running a getter. */
function dataValue(owner: object, key: string): unknown {
  try {
    return Object.getOwnPropertyDescriptor(owner, key)?.value;
  } catch {
    return undefined;
  }
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

/** A string with its secrets redacted (only its start is checked when it is long), then cut. */
function serializeString(text: string, secrets: SecretRules): string {
  if (secrets.isSecretValue(text)) return REDACTED;
  const cleaned = secrets.redactText(text.length > REDACT_WINDOW_CHARS ? text.slice(0, REDACT_WINDOW_CHARS) : text);
  // The marker gives the length of the value as it was.
  return cleaned.length > MAX_STRING_CHARS || text.length > REDACT_WINDOW_CHARS ? `${cleaned.slice(0, MAX_STRING_CHARS)}… [${text.length} chars]` : cleaned;
}

function serialize(value: unknown, depth: number, state: SerializeState): unknown {
  if (++state.nodes > MAX_NODES) return '[…]';
  switch (typeof value) {
    case 'string':
      return serializeString(value, state.limits.secrets);
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
    return `[${className(object) ?? 'Error'}: ${serializeString(typeof message === 'string' ? message : '', state.limits.secrets)}]`;
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
      // `['x-api-key', value]` (an entry of `Object.entries(headers)`, a header pair): the name says what the value is.
      if (array.length === 2 && typeof out[0] === 'string' && state.limits.secrets.isSecretName(out[0])) out[1] = shownForSecret(dataValue(array, '1'), state);
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
        const redacted = typeof key === 'string' && state.limits.secrets.isSecretName(key);
        entries.push([serialize(key, depth + 1, state), redacted ? shownForSecret(entry, state) : serialize(entry, depth + 1, state)]);
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
    // `{...process.env}` (or Jest's copy of it): its names tell what was configured, its values are not ours to show.
    const environment = isPlain && state.limits.secrets.isEnvironmentCopy(keys, key => dataValue(object, key));
    for (let index = 0; index < shown; index++) {
      const key = keys[index];
      if (environment) out[key] = REDACTED;
      else out[key] = state.limits.secrets.isSecretName(key) ? redactProperty(object, key, state) : readProperty(object, key, depth + 1, state);
    }
    if (keys.length > shown) out['…'] = `${keys.length - shown} more keys`;
    return out;
  } finally {
    state.ancestors.pop();
  }
}
