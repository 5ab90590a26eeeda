import {performance} from 'perf_hooks';
import {CHANNEL_IMPORTS} from '../model/channel';
import type {ImportsLine, ModuleCostArray} from '../model/channel';
import {moduleName} from '../model/moduleName';
import type {ImportSource} from '../environment/TestRecorder';

/** A load in progress. */
interface Frame {
  file: string;
  startMs: number;
  /** Time in the loads it made: not its own. */
  childMs: number;
  transformMs: number;
}

interface Totals {
  selfMs: number;
  totalMs: number;
  transformMs: number;
  count: number;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;
type Target = Record<string, unknown>;

const microseconds = (ms: number): number => Math.max(0, Math.round(ms * 1000));

const isObject = (value: unknown): value is Target => typeof value === 'object' && value !== null;

/**
 * Where a Jest runtime loads a CommonJS module that is not in its registry yet, with the arguments
 * `(localModule, from, moduleName, modulePath, options, moduleRegistry)` in both shapes:
 * - Jest 29 to 30.3: `Runtime#_loadModule`, called through `this` by `requireModule` and `requireMock`;
 * - Jest 30.4+: the runtime's `cjsLoader.loadModule`, called through `this` by the loader's `requireModule`.
 * A registry hit never gets here, so only real loads are timed. An own property shadows the prototype's method for
 * this file's runtime alone.
 */
function findLoader(runtime: unknown): {target: Target; key: string} | null {
  if (!isObject(runtime)) return null;
  const loader = runtime.cjsLoader;
  if (isObject(loader) && typeof loader.loadModule === 'function') return {target: loader, key: 'loadModule'};
  if (typeof runtime._loadModule === 'function') return {target: runtime, key: '_loadModule'};
  return null;
}

/** The file's ScriptTransformer (made per test file by jest-runner): `_scriptTransformer` up to 30.3, in `transformCache` after. */
function findTransformer(runtime: Target): Target | null {
  const cache = runtime.transformCache;
  const transformer = isObject(cache) ? cache.scriptTransformer : runtime._scriptTransformer;
  return isObject(transformer) ? transformer : null;
}

/**
 * Times every CommonJS module one test file loads through Jest's runtime: each load's total time (what it loaded
 * included), its self time (excluded) and the part of it in Jest's transform. Installed by the runner before
 * jest-circus starts, so the setupFilesAfterEnv and the test file itself are timed; Jest's own internal modules
 * (jest-circus's adapter, expect) are not, and count as the framework's set-up.
 *
 * Per load: three clock reads and a map update, a few hundred nanoseconds against the tens of microseconds (and
 * often milliseconds) a load takes. ES modules (`unstable_importModule`, Node's `require(esm)`) are not timed: they
 * are linked and evaluated as one graph, with no per-module boundary to time.
 */
export class ImportTimer implements ImportSource {
  private readonly stack: Frame[] = [];
  private readonly modules = new Map<string, Totals>();
  /** Time in loads made outside any other load: what the file's load time spent in modules. */
  private rootMs = 0;
  private costMs = 0;
  private readonly restores: Array<() => void> = [];
  private stopped = false;

  private constructor(
    private readonly rootDir: string,
    private readonly testPath: string,
  ) {}

  /** Installs the timer on a file's runtime; a string says why it cannot (an unknown runtime shape). */
  static install(runtime: unknown, rootDir: string, testPath: string): ImportTimer | string {
    const loader = findLoader(runtime);
    if (loader === null) return "this Jest's runtime has no module loader this version of jest-perf-monitor knows";
    const timer = new ImportTimer(rootDir, testPath);
    timer.wrap(loader.target, loader.key, original =>
      function timedLoad(this: unknown, ...args: unknown[]): unknown {
        const modulePath = args[3];
        const options = args[4] as {isInternalModule?: boolean} | undefined;
        if (timer.stopped || typeof modulePath !== 'string' || options?.isInternalModule === true) return original.apply(this, args);
        return timer.timeLoad(modulePath, original, this, args);
      },
    );
    const transformer = findTransformer(runtime as Target);
    if (transformer !== null) {
      for (const key of ['transform', 'transformJson']) {
        if (typeof transformer[key] !== 'function') continue;
        timer.wrap(transformer, key, original =>
          function timedTransform(this: unknown, ...args: unknown[]): unknown {
            const frame = timer.stack.length > 0 ? timer.stack[timer.stack.length - 1] : undefined;
            if (frame === undefined || timer.stopped) return original.apply(this, args);
            const startMs = performance.now();
            try {
              return original.apply(this, args);
            } finally {
              frame.transformMs += performance.now() - startMs;
            }
          },
        );
      }
    }
    return timer;
  }

  loadedMs(): number {
    return this.rootMs;
  }

  ownMs(): number {
    return this.costMs;
  }

  /** Stops timing and puts the runtime's own methods back. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const restore of this.restores) restore();
  }

  /**
   * Stops, and gives the file's modules for its end line: the costliest `CHANNEL_IMPORTS` by self time, in no
   * particular order; null when the test file itself was not loaded through the CommonJS loader (an ES module test
   * file). Its cost is the caller's to count (the recorder times the whole end of the file).
   */
  finish(loadedMs: number): ImportsLine | null {
    this.stop();
    // An ES module test file never goes through the CommonJS loader: its load time cannot be split, so none is claimed.
    if (!this.modules.has(this.testPath)) return null;
    // Most files load fewer modules than the cap: all go, unsorted (the reporter ranks them). Past it, the cap's
    // worth with the highest self time, found from the self times alone.
    let floorMs = -Infinity;
    // Modules at exactly the floor's self time that still fit: those above it all go, whatever order they come in.
    let tiesLeft = Infinity;
    if (this.modules.size > CHANNEL_IMPORTS) {
      const selfTimes = new Float64Array(this.modules.size);
      let index = 0;
      for (const totals of this.modules.values()) selfTimes[index++] = totals.selfMs;
      selfTimes.sort();
      floorMs = selfTimes[selfTimes.length - CHANNEL_IMPORTS];
      let above = 0;
      for (let i = selfTimes.length - 1; i >= 0 && selfTimes[i] > floorMs; i--) above++;
      tiesLeft = CHANNEL_IMPORTS - above;
    }
    // Two copies of one package (nested installs, pnpm peers) share a name: summed under it.
    const byName = new Map<string, ModuleCostArray>();
    for (const [file, totals] of this.modules) {
      if (totals.selfMs < floorMs) continue;
      if (totals.selfMs === floorMs && tiesLeft-- <= 0) continue;
      const name = moduleName(this.rootDir, file);
      const known = byName.get(name);
      if (known === undefined) {
        byName.set(name, [name, microseconds(totals.selfMs), microseconds(totals.totalMs), microseconds(totals.transformMs), totals.count]);
      } else {
        known[1] += microseconds(totals.selfMs);
        known[2] += microseconds(totals.totalMs);
        known[3] += microseconds(totals.transformMs);
        known[4] += totals.count;
      }
    }
    return {modules: [...byName.values()], count: this.modules.size, loadUs: microseconds(loadedMs)};
  }

  private wrap(target: Target, key: string, make: (original: Method) => Method): void {
    const original = target[key] as Method;
    const hadOwn = Object.hasOwn(target, key);
    target[key] = make(original);
    this.restores.push(() => {
      if (hadOwn) target[key] = original;
      else delete target[key];
    });
  }

  private timeLoad(file: string, load: Method, self: unknown, args: unknown[]): unknown {
    const frame: Frame = {file, startMs: performance.now(), childMs: 0, transformMs: 0};
    this.stack.push(frame);
    try {
      return load.apply(self, args);
    } finally {
      this.exit(frame);
    }
  }

  private exit(frame: Frame): void {
    const endMs = performance.now();
    this.stack.pop();
    const totalMs = endMs - frame.startMs;
    let totals = this.modules.get(frame.file);
    if (totals === undefined) {
      totals = {selfMs: 0, totalMs: 0, transformMs: 0, count: 0};
      this.modules.set(frame.file, totals);
    }
    totals.selfMs += totalMs - frame.childMs;
    totals.totalMs += totalMs;
    totals.transformMs += frame.transformMs;
    totals.count++;
    // The parent's self time keeps the child's bookkeeping (a fraction of a microsecond): the self times of a file's
    // modules then add up to the time its root loads took, which is what its load time is explained by.
    if (this.stack.length > 0) this.stack[this.stack.length - 1].childMs += totalMs;
    else this.rootMs += totalMs;
    this.costMs += performance.now() - endMs;
  }
}
