import type * as InspectorNamespace from 'inspector';
import type {Session} from 'inspector';
import * as path from 'path';
import {fileURLToPath, pathToFileURL} from 'url';
import {getHeapStatistics} from 'v8';
import {Script} from 'vm';
import {relativeToRoot} from '../model/testId';
import {serializeScope} from './serializeValue';
import type {SerializeLimits} from './serializeValue';

type InspectorModule = typeof InspectorNamespace;

/** What trace mode captured for one thrown value. */
export interface CapturedVariables {
  /** Per user frame, innermost first: `"fn (file)"` → variable → value. */
  locals: Record<string, Record<string, unknown>> | null;
  /** Closure variables of the outermost user frame (the test or hook function): describe-scope fixtures. */
  closure: Record<string, unknown> | null;
  /** Strings read under secret names: redacted from the failure's message, stack and code frame as well. */
  secrets: Set<string>;
}

export interface TraceSettings extends SerializeLimits {
  includeLocals: boolean;
  includeClosure: boolean;
  rootDir: string;
}

/**
 * Pauses in one test attempt. An expect failure pauses two or three times (the throw, the rethrow as a promise
 * rejection); a test that throws and catches in a loop would pause on every throw, ~1 ms each. After this many,
 * pausing stops until the next test starts: the cost a test that catches its own exceptions can pay is bounded.
 */
export const MAX_PAUSES_PER_TEST = 10;
/** Pauses outside any test (between tests, in beforeAll/afterAll) allowed per file, for the same reason. */
const MAX_PAUSES_OUTSIDE_TESTS = 20;
/** User frames whose variables are read per failure, innermost first. */
const MAX_FRAMES = 5;
/** Frames scanned for user code before giving up (Jest's own stack below a test is ~20 deep). */
const MAX_SCANNED_FRAMES = 40;

/** Under this registered symbol, on the sandbox global and on the outer global, the functions the debugger calls. */
const TRACE_KEY = 'jest-perf-monitor.trace';
const TRACE_SYMBOL = Symbol.for(TRACE_KEY);
const BEGIN_FN = `function(){var t=globalThis[Symbol.for(${JSON.stringify(TRACE_KEY)})];return !!(t&&t.begin(this));}`;
const SCOPE_FN = `function(k,l){var t=globalThis[Symbol.for(${JSON.stringify(TRACE_KEY)})];if(t)t.scope(this,k,l);}`;

/** Names the module wrapper puts in every test file's closure: noise, not fixtures. */
const WRAPPER_NAMES: ReadonlySet<string> = new Set(['module', 'exports', 'require', '__dirname', '__filename', 'jest']);

interface TraceHooks {
  begin(thrown: unknown): boolean;
  scope(scope: object, kind: string, label: string): void;
}

interface PausedParams {
  reason: string;
  data?: {objectId?: string; type?: string; value?: unknown; unserializableValue?: string};
  callFrames: Array<{
    functionName: string;
    location: {scriptId: string};
    scopeChain: Array<{type: string; object: {objectId?: string}}>;
  }>;
}

/** The one inspector session of this process (a worker, or Jest's own process in band). */
interface SharedSession {
  session: Session;
  userScripts: Map<string, string>;
  /**
   * The directories whose scripts are the user's: the run's root of each file traced so far (it holds the file's
   * project rootDir and roots), as paths and as file URLs. A worker may trace files of several projects.
   */
  userRoots: Array<{dir: string; url: string}>;
  /** False once the session was disconnected (mode `auto` after a file, or the heap limit): posting would throw. */
  connected: boolean;
  /** `heap_size_limit` when the debugger went on: V8 raises it while a debugger is enabled, see `onHeapLimit`. */
  heapLimitBytes: number;
  /** What the debugger has cost this process so far, in ms: measured set-up and pauses, estimated recompiles. */
  costMs: number;
  /**
   * Source hashes of the scripts compiled while the debugger was on, or already compiled when it went on (V8
   * reports those at enable): a second compile of one is a recompile.
   */
  seenScripts: Set<string>;
}
let shared: SharedSession | null = null;

/** A user directory as scripts name it: a path (with its separator, so `/app` does not take `/app2`) or a file URL. */
function userRoot(dir: string): {dir: string; url: string} {
  const withSep = dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`;
  return {dir: withSep, url: pathToFileURL(withSep).href};
}
/** Sessions set up in this process so far: more than one in mode `auto`, which turns the debugger off after each file. */
let sessionsStarted = 0;
/** Measured once per process (see `calibrateCompile`): what a recompile costs per byte of source, and a bare pause. */
const price = {msPerByte: 0, pauseMs: 0};
/** Set when the heap neared its limit under the debugger: the debugger stays off in this process from then on. */
let heapLimitNotice: string | null = null;

/**
 * Trace mode: pauses on exceptions inside tests and hooks with `node:inspector` in this very thread (Jest's vm
 * contexts share the isolate), reads the scopes of the user's frames, and keys what it read by the thrown value.
 * The recorder looks a failure's error up afterwards. Sentry's Node "LocalVariables" integration is the prior art.
 *
 * Every pause is resumed in a `finally`; nothing here throws into the test, and a test's outcome cannot change:
 * the debugger only reads (the serialiser never calls user code).
 */
export class TraceCapture {
  private readonly captures = new WeakMap<object, CapturedVariables>();
  /** Thrown primitives (strings, null, undefined) cannot key a WeakMap: the last one of the attempt is kept. */
  private primitive: {value: unknown; captured: CapturedVariables} | null = null;
  private pending: CapturedVariables | null = null;
  private pendingKey: object | null = null;
  /** Debugger pauses seen in this file, captured or not: what trace mode cost it (~1 ms each). */
  pauses = 0;
  private pausesLeft = 0;
  private pausesOutsideLeft = MAX_PAUSES_OUTSIDE_TESTS;
  private inTest = false;
  /** Since the test (or file) started: what became of its pauses, for a failure that got no variables. */
  private miss: 'no-throw' | 'no-user-frame' | 'pause-limit' = 'no-throw';
  private pausing = false;
  private readonly hooks: TraceHooks;

  private readonly session: Session;
  private readonly userScripts: Map<string, string>;

  private constructor(
    private readonly shared: SharedSession,
    private readonly settings: TraceSettings,
    private readonly sandboxGlobal: object,
    /** The process's debugger cost when this file began (0 for the file that set the debugger up, which pays that). */
    private readonly costAtStartMs: number,
  ) {
    this.session = shared.session;
    this.userScripts = shared.userScripts;
    this.hooks = {begin: thrown => this.begin(thrown), scope: (scope, kind, label) => this.scope(scope, kind, label)};
    for (const target of [sandboxGlobal, globalThis]) {
      Object.defineProperty(target, TRACE_SYMBOL, {value: this.hooks, enumerable: false, configurable: true});
    }
    this.session.on('Debugger.paused', this.onPaused);
  }

  /**
   * Starts trace capture for one test file, or says in one line why it cannot: the inspector is missing, a
   * debugger is already attached (it would see our pauses), or enabling failed.
   */
  static start(settings: TraceSettings, sandboxGlobal: object): TraceCapture | string {
    let inspector: InspectorModule;
    try {
      // Loaded lazily: Node builds without the inspector throw on load, and only trace mode needs it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      inspector = require('inspector') as InspectorModule;
    } catch {
      return 'node:inspector is not available in this Node build';
    }
    if (inspector.url() !== undefined) return 'a debugger is attached to this process';
    if (heapLimitNotice !== null) return heapLimitNotice;
    try {
      if (shared === null) {
        const session = new inspector.Session();
        session.connect();
        const userScripts = new Map<string, string>();
        const heapLimitBytes = getHeapStatistics().heap_size_limit;
        // Only the user's scripts are kept: their frames are the ones worth reading.
        const userRoots = [userRoot(settings.rootDir)];
        const started: SharedSession = {session, userScripts, userRoots, connected: true, heapLimitBytes, costMs: 0, seenScripts: new Set()};
        let enabling = true;
        session.on('Debugger.scriptParsed', message => {
          const params = message.params as {url: string; scriptId: string; hash: string; length?: number};
          // While the debugger is on, V8's compilation cache is off: each test file compiles again every module
          // the previous files of this worker compiled (Jest loads them afresh per file), where plain Jest would
          // reuse the compiled code. Those recompiles are the bulk of trace mode's cost; they are counted here.
          if (started.seenScripts.has(params.hash)) {
            if (!enabling) started.costMs += (params.length ?? 0) * price.msPerByte;
          } else {
            started.seenScripts.add(params.hash);
          }
          // Jest's sandbox scripts are named by file URL; frames carry only the script id.
          const url = params.url;
          if (!url.includes('/node_modules/') && userRoots.some(root => url.startsWith(root.url) || url.startsWith(root.dir))) {
            userScripts.set(params.scriptId, url.startsWith('file:') ? fileURLToPath(url) : url);
          }
        });
        // Registered before any file's listener, and for the session's whole life: between files too.
        session.on('Debugger.paused', message => {
          if ((message.params as {reason?: string}).reason === 'OOM') onHeapLimit(started);
        });
        const setupStartMs = performance.now();
        post(session, 'Debugger.enable', {});
        enabling = false;
        // Turning the debugger on also emptied V8's compilation cache: in mode `auto`, a later session's file
        // recompiles what earlier files compiled, so the price is measured now if it was not yet.
        if (price.pauseMs === 0) calibratePause(session);
        if (price.msPerByte === 0 && sessionsStarted > 0) calibrateCompile();
        sessionsStarted++;
        started.costMs += performance.now() - setupStartMs;
        shared = started;
        return new TraceCapture(started, settings, sandboxGlobal, 0);
      }
      if (!shared.userRoots.some(root => root.dir === settings.rootDir)) shared.userRoots.push(userRoot(settings.rootDir));
      const costAtStartMs = shared.costMs;
      if (price.msPerByte === 0) {
        // The first file of a process recompiles nothing; from the second on, in a warm process (a cold one
        // compiles slower than it will for the rest of the run), the recompile price is measured once.
        const calibrateStartMs = performance.now();
        calibrateCompile();
        shared.costMs += performance.now() - calibrateStartMs;
      }
      return new TraceCapture(shared, settings, sandboxGlobal, costAtStartMs);
    } catch (error) {
      return `the inspector could not be enabled (${(error as Error).message})`;
    }
  }

  /** The file's tests are about to run (beforeAll hooks first): pause on exceptions from now on. */
  startFile(): void {
    this.inTest = false;
    this.pausesOutsideLeft = MAX_PAUSES_OUTSIDE_TESTS;
    this.miss = 'no-throw';
    this.setPausing(true);
  }

  /** A test attempt starts: pausing is (re)armed with a fresh budget. */
  startTest(wanted: boolean): void {
    this.inTest = wanted;
    this.pausesLeft = MAX_PAUSES_PER_TEST;
    this.primitive = null;
    this.miss = 'no-throw';
    this.setPausing(wanted);
  }

  /** The attempt ended; pausing stays on (toggling costs ~10 µs) but pauses now count against the file's budget. */
  endTest(): void {
    this.inTest = false;
  }

  /**
   * Why `lookup` found nothing for the test under way (or the file, between tests): its pause budget ran out, it
   * paused only in frames that are not the project's, or nothing paused at all.
   */
  missReason(): 'no-throw' | 'no-user-frame' | 'pause-limit' {
    return this.miss;
  }

  /** The variables captured when `thrown` was thrown, if it was. */
  lookup(thrown: unknown): CapturedVariables | null {
    if ((typeof thrown === 'object' && thrown !== null) || typeof thrown === 'function') {
      return this.captures.get(thrown as object) ?? null;
    }
    return this.primitive !== null && Object.is(this.primitive.value, thrown) ? this.primitive.captured : null;
  }

  /**
   * At test boundaries, from the recorder's own heap reading (no extra call): a raised `heap_size_limit` that the
   * pause handler missed (V8 skips its heap-limit pause while another pause runs) turns the debugger off here.
   */
  checkHeapLimit(heapLimitBytes: number): void {
    if (heapLimitBytes > this.shared.heapLimitBytes && this.shared.connected) onHeapLimit(this.shared);
  }

  /**
   * What the debugger cost this file, in ms, for the own-cost figure: its set-up (the first file of a process),
   * its pauses, and an estimate of the recompiles it caused (see `calibrateCompile`). Read before `close`.
   */
  costMs(): number {
    return this.shared.costMs - this.costAtStartMs;
  }

  /** Why the heap limit turned the debugger off during this file, for the file's notices; null otherwise. */
  stoppedReason(): string | null {
    return this.shared.connected ? null : heapLimitNotice;
  }

  /**
   * Ends this file's capture. `detach` also turns the debugger off for the process: while it is on, V8 compiles
   * every script of every later file afresh (no compilation cache), which mode `auto` spares the files it does not trace.
   */
  close(detach = false): void {
    if (this.shared.connected) this.setPausing(false);
    this.session.removeListener('Debugger.paused', this.onPaused);
    for (const target of [this.sandboxGlobal, globalThis]) {
      if ((target as Record<symbol, unknown>)[TRACE_SYMBOL] === this.hooks) delete (target as Record<symbol, unknown>)[TRACE_SYMBOL];
    }
    if (detach && this.shared.connected) disconnect(this.shared);
  }

  private setPausing(on: boolean): void {
    if (this.pausing === on || !this.shared.connected) return;
    this.pausing = on;
    post(this.session, 'Debugger.setPauseOnExceptions', {state: on ? 'all' : 'none'});
  }

  private readonly onPaused = (message: {params: unknown}): void => {
    // The heap-limit pause: the session's own listener (which ran first) took the debugger down; nothing to resume.
    if (!this.shared.connected || (message.params as {reason?: string}).reason === 'OOM') return;
    const startMs = performance.now();
    this.pauses++;
    const left = this.inTest ? --this.pausesLeft : --this.pausesOutsideLeft;
    try {
      if (left >= 0) this.capture(message.params as PausedParams);
    } catch {
      // Reading variables is best effort: the failure is still recorded in profile-mode detail.
    } finally {
      this.pending = null;
      this.pendingKey = null;
      try {
        // The budget is spent: no more pauses until the next test starts (a throw after this one gets no variables).
        if (left <= 0) {
          this.miss = 'pause-limit';
          this.setPausing(false);
        }
      } finally {
        if (this.shared.connected) post(this.session, 'Debugger.resume', {});
        this.shared.costMs += price.pauseMs + (performance.now() - startMs);
      }
    }
  };

  private capture(params: PausedParams): void {
    if (params.reason !== 'exception' && params.reason !== 'promiseRejection') return;
    const frames: PausedParams['callFrames'] = [];
    const scanned = Math.min(params.callFrames.length, MAX_SCANNED_FRAMES);
    for (let index = 0; index < scanned && frames.length < MAX_FRAMES; index++) {
      const frame = params.callFrames[index];
      if (this.userScripts.has(frame.location.scriptId)) frames.push(frame);
    }
    if (frames.length === 0) {
      if (this.miss !== 'pause-limit') this.miss = 'no-user-frame';
      return;
    }

    const data = params.data;
    if (data?.objectId !== undefined) {
      // Tags the thrown object (once: its rethrows pause again) and opens `pending` for it.
      const result = post(this.session, 'Runtime.callFunctionOn', {objectId: data.objectId, functionDeclaration: BEGIN_FN, returnByValue: true});
      if ((result as {result?: {value?: unknown}}).result?.value !== true) return;
    } else {
      const value = data?.type === 'undefined' ? undefined : data?.unserializableValue ?? data?.value;
      this.pending = {locals: null, closure: null, secrets: new Set()};
      this.primitive = {value, captured: this.pending};
    }

    const last = frames.length - 1;
    frames.forEach((frame, index) => {
      const file = relativeToRoot(this.settings.rootDir, this.userScripts.get(frame.location.scriptId) ?? '');
      const label = `${frame.functionName || '<anonymous>'} (${file})`;
      for (const scope of frame.scopeChain) {
        const objectId = scope.object.objectId;
        if (objectId === undefined) continue;
        const local = scope.type === 'local' || scope.type === 'block' || scope.type === 'catch';
        const closure = scope.type === 'closure' && index === last;
        if ((local && this.settings.includeLocals) || (closure && this.settings.includeClosure)) {
          post(this.session, 'Runtime.callFunctionOn', {
            objectId,
            functionDeclaration: SCOPE_FN,
            arguments: [{value: local ? 'local' : 'closure'}, {value: label}],
          });
        }
      }
    });
    if (this.pendingKey !== null && this.pending !== null) this.captures.set(this.pendingKey, this.pending);
  }

  private begin(thrown: unknown): boolean {
    if (this.captures.has(thrown as object)) return false;
    this.pending = {locals: null, closure: null, secrets: new Set()};
    this.pendingKey = thrown as object;
    return true;
  }

  private scope(scope: object, kind: string, label: string): void {
    const pending = this.pending;
    if (pending === null) return;
    const values = serializeScope(scope, this.settings, kind === 'closure' ? WRAPPER_NAMES : undefined, pending.secrets);
    if (kind === 'closure') {
      // Inner scopes first: a name shadowed further out keeps the value the test saw.
      pending.closure = {...values, ...pending.closure};
    } else if (Object.keys(values).length > 0) {
      pending.locals ??= {};
      pending.locals[label] = {...pending.locals[label], ...values};
    }
  }
}

/**
 * Module-shaped source for `calibrateCompile`, about 36 KB: function declarations and exports, every function called once
 * (so compiled twice: lazily pre-parsed with the script, then in full on its first call). A real module runs only
 * part of its functions, so this prices a recompile high: on a suite of 24 files of 20 tests each loading four npm
 * packages, the estimate came out 1.5 to 3 times what trace mode really added to the CPU time of the run (in band
 * and in workers). High on purpose: the own-cost figure must not look smaller than what the user pays.
 */
const PROBE_SOURCE = `(function (exports) {\n${Array.from(
  {length: 120},
  (_, i) =>
    `  function helper${i}(items, options) {\n    const out = [];\n    for (const item of items) {\n      if (options && options.skip === item) continue;\n      out.push({id: item.id + ${i}, label: String(item.label || '') + '-${i}'});\n    }\n    return out;\n  }\n  exports.helper${i} = helper${i};\n`,
).join('')}${Array.from({length: 120}, (_, i) => `  helper${i}([{id: ${i}}]);\n`).join('')}})({});\n`;

/**
 * `calibrateCompile` and `calibratePause` measure, once per process while the debugger is on, what it makes V8 pay: a compile of module-shaped source
 * per byte (every recompile of a module costs that; without the debugger the compilation cache makes it nearly
 * free), and a pause on an exception before our handler runs (V8 collects the frames, the inspector serialises
 * the event, Node parses it). In CPU time, the least of three tries: on a machine busy with other processes wall
 * time would count the time this one waited (workers start together). About 10 ms, counted as debugger cost.
 */
function calibrateCompile(): void {
  let compileMs = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const start = process.cpuUsage();
    new Script(PROBE_SOURCE, {filename: 'jest-perf-monitor-trace-probe.js'}).runInThisContext();
    compileMs = Math.min(compileMs, cpuMsSince(start));
  }
  price.msPerByte = compileMs / PROBE_SOURCE.length;
}

function calibratePause(session: Session): void {
  post(session, 'Debugger.setPauseOnExceptions', {state: 'all'});
  try {
    let pauseMs = Infinity;
    for (let attempt = 0; attempt < 3; attempt++) {
      const start = process.cpuUsage();
      try {
        throwFromDepth(PROBE_STACK_DEPTH);
      } catch {
        // Thrown to be paused on, and caught.
      }
      pauseMs = Math.min(pauseMs, cpuMsSince(start));
    }
    price.pauseMs = pauseMs;
  } finally {
    post(session, 'Debugger.setPauseOnExceptions', {state: 'none'});
  }
}

/** About as deep as a test's stack under Jest's: the paused event carries every frame and its scopes. */
const PROBE_STACK_DEPTH = 30;

function throwFromDepth(depth: number): void {
  if (depth > 0) throwFromDepth(depth - 1);
  else throw new Error('jest-perf-monitor: trace mode measures one pause');
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * The heap is near its limit and the debugger is on. V8's inspector then raises the limit to 4x the initial one
 * (`HeapLimitForDebugging` in v8-debugger.cc, so that a developer can still inspect a process about to run out of
 * memory) and pauses with reason `OOM`; it restores the limit only when that pause ends, and the next near-limit
 * raises it again. A test that allocates without end would then grind through four times the heap, in GC, before
 * it dies: minutes and gigabytes where plain Jest fails in seconds. Disabling the debugger removes V8's callback
 * and restores the limit (to no less than the live heap plus a quarter), so the process fails as it would without
 * us. The debugger stays off in this process from then on: failures get profile-mode detail.
 */
function onHeapLimit(session: SharedSession): void {
  if (!session.connected) return;
  heapLimitNotice = `the JavaScript heap neared its limit (${Math.round(session.heapLimitBytes / 1048576)} MiB), which V8 raises 4x while a debugger is on`;
  disconnect(session);
}

function disconnect(session: SharedSession): void {
  session.connected = false;
  if (shared === session) shared = null;
  try {
    session.session.disconnect();
  } catch {
    // Already disconnected: nothing to undo.
  }
}

/** Same-thread inspector calls answer synchronously; this makes that explicit and surfaces errors. */
function post(session: Session, method: string, params: object): unknown {
  let outcome: {error: Error | null; result: unknown} | null = null;
  session.post(method, params, (error: Error | null, result?: unknown) => {
    outcome = {error, result};
  });
  const settled = outcome as {error: Error | null; result: unknown} | null;
  if (settled === null) throw new Error(`${method} did not answer synchronously`);
  if (settled.error) throw settled.error;
  return settled.result;
}
