import {setFlagsFromString} from 'v8';
import {runInNewContext} from 'vm';

let collector: (() => void) | null | undefined;

/**
 * V8's full garbage collection, without the user having to start Node with `--expose-gc`: the way
 * jest-leak-detector gets it. The flag is set just long enough for a new context to be created with `gc` on its
 * global, then reset, so the tests' own globals never see a `gc`. The function stays valid afterwards, so this
 * happens once per worker. Null when V8 refuses (a runtime without `setFlagsFromString`).
 */
export function acquireGc(): (() => void) | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as {gc?: unknown}).gc;
  if (typeof exposed === 'function') return (collector = exposed as () => void);
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collector = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collector = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collector;
}
