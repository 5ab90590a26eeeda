import {readFileSync, rmSync, writeFileSync} from 'fs';
import type * as InspectorNamespace from 'inspector';
import type {Session} from 'inspector';
import type * as ModuleNamespace from 'module';
import * as path from 'path';
import type * as Picomatch from 'picomatch';
import {performance} from 'perf_hooks';
import {fileURLToPath, pathToFileURL} from 'url';
import {threadId} from 'worker_threads';
import type {ProfileCandidate, ProfileSettings} from '../model/channel';
import {sliceProfile, topFunctions} from '../model/cpuProfile';
import type {CpuProfile, CpuProfileNode} from '../model/cpuProfile';

/** Where Jest's runtime keeps each transformed file's source map: file path → map file path. */
export type SourceMapRegistry = () => ReadonlyMap<string, string> | undefined;

/** Tests over a duration budget keep their profile whatever their rank; this many per worker at most. */
const MAX_OVER_BUDGET = 100;

/**
 * A profile that runs for the worker's whole life while `cpuProfile` is on, so that V8 keeps its map of compiled
 * code: starting a profile with none running makes V8 walk the heap for every compiled function (35–185 ms in a
 * Jest worker, per start), while a profile started beside a running one costs ~0.1 ms. It is replaced after
 * `BASE_ROTATE_MS`, as it holds every sample it took (~24 bytes each).
 */
const BASE_ROTATE_MS = 60_000;
/**
 * With no file started this long after one ended, the base profile stops: in band, or in watch mode, the process
 * outlives the run, and an idle `--watch` session would otherwise keep sampling (and holding samples) for hours.
 * The next file then pays the start once more.
 */
const BASE_IDLE_STOP_MS = 5_000;

/** The profiler of this process (a worker, or Jest's own process in band): one session, set up on first use. */
interface ProcessProfiler {
  session: Session;
  /** The inspector's own console: `profile(title)`/`profileEnd(title)` start and stop nested profiles. */
  console: {profile(title: string): void; profileEnd(title: string): void};
  /** V8's profile clock (µs, monotonic) minus `performance.now()` in µs: measured once, when the session starts. */
  offsetUs: number;
  /** The channel the kept candidates belong to: a new run (watch mode, in band) starts a new list. */
  channelDir: string;
  /**
   * Names this thread's profile files: under `workerThreads` every thread has the same pid and its own copy of this
   * module, so the pid alone would let two threads overwrite (and evict) each other's files.
   */
  filePrefix: string;
  /** Candidates this process kept, across its files. */
  kept: Array<{durationMs: number; path: string; overBudget: boolean}>;
  seq: number;
  base: {title: string; startedMs: number};
  /** The last profile a `profileEnd` delivered (the session answers synchronously). */
  finished: {title: string; profile: CpuProfile} | null;
  /** Stops the base profile once the process has been idle for `BASE_IDLE_STOP_MS` (unref'd: never keeps it alive). */
  idleTimer: NodeJS.Timeout | null;
}
let shared: ProcessProfiler | null = null;

function post<T>(session: Session, method: string, params?: object): T {
  // The same-thread session answers synchronously: the callback has run when `post` returns.
  let failure: Error | null = null;
  let answer: T | undefined;
  session.post(method, params ?? {}, (error: Error | null, result?: unknown) => {
    failure = error;
    answer = result as T;
  });
  if (failure !== null) throw failure;
  return answer as T;
}

/** Ends a nested profile and returns it (null when the inspector delivered none). */
function endProfile(proc: ProcessProfiler, title: string): CpuProfile | null {
  proc.finished = null;
  proc.console.profileEnd(title);
  const finished = proc.finished as {title: string; profile: CpuProfile} | null;
  // Not held past this call: after a base rotation it is a minute of samples.
  proc.finished = null;
  return finished !== null && finished.title === title ? finished.profile : null;
}

function stopBaseWhenIdle(proc: ProcessProfiler): void {
  if (proc.idleTimer !== null) clearTimeout(proc.idleTimer);
  proc.idleTimer = setTimeout(() => {
    proc.idleTimer = null;
    if (proc.base.title === '') return;
    try {
      endProfile(proc, proc.base.title);
    } catch {
      // A session that broke stays broken; the next file's start says so.
    }
    proc.base = {title: '', startedMs: 0};
  }, BASE_IDLE_STOP_MS);
  proc.idleTimer.unref();
}

function startBase(proc: ProcessProfiler): void {
  const previous = proc.base;
  proc.base = {title: `jest-perf-monitor-base-${++proc.seq}`, startedMs: performance.now()};
  proc.console.profile(proc.base.title);
  if (previous.title !== '') endProfile(proc, previous.title);
}

interface Window {
  index: number;
  attempt: number;
  startMs: number;
  endMs: number;
  durationMs: number;
}

export interface ProfilerContext {
  channelDir: string;
  rootDir: string;
  /** The test file relative to rootDir, `/`-separated: what duration budgets match. */
  relativeFile: string;
  /** Jest's source maps (the runner has the runtime); null under the environment entries. */
  sourceMaps: SourceMapRegistry | null;
}

/**
 * `cpuProfile`: V8's sampling profiler (the inspector's Profiler domain, which unlike the Debugger domain leaves
 * V8's compilation cache on) runs from `run_start` to `run_finish` of each file. At the end of the file its samples
 * are cut by each test's window, and the tests that could be among the run's slowest (this process's own slowest
 * `tests` so far, and those over a duration budget) get a `.cpuprofile` file in the channel directory and their top
 * functions. A candidate displaced by a slower test has its file deleted: memory and disk stay bounded.
 */
export class CpuProfiler {
  private readonly windows = new Map<number, Window>();
  /** The title of this file's profile while it runs, else null. */
  private title: string | null = null;
  /** Time spent starting, stopping and cutting, in ms (the recorder counts it as its own). */
  costMs = 0;
  /** Why a test's profile could not be kept, the first time it happened in the file (the recorder says it once). */
  failure: string | null = null;
  private readonly budgetMs: number | null;

  private constructor(
    private readonly proc: ProcessProfiler,
    private readonly settings: ProfileSettings,
    private readonly context: ProfilerContext,
  ) {
    this.budgetMs = budgetFor(settings, context.relativeFile);
  }

  /** The profiler for one file, or one line saying why there is none. */
  static create(settings: ProfileSettings, context: ProfilerContext): CpuProfiler | string {
    if (shared === null) {
      let inspector: typeof InspectorNamespace;
      try {
        // Loaded only when `cpuProfile` is on: Node builds without the inspector throw on load.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
        inspector = require('inspector') as typeof InspectorNamespace;
      } catch {
        return 'node:inspector is not available in this Node build';
      }
      try {
        const session = new inspector.Session();
        session.connect();
        post(session, 'Profiler.enable');
        post(session, 'Profiler.setSamplingInterval', {interval: settings.samplingIntervalUs});
        const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
        const proc: ProcessProfiler = {
          session,
          console: inspector.console as unknown as ProcessProfiler['console'],
          offsetUs,
          channelDir: context.channelDir,
          filePrefix: `profile-${process.pid}-${threadId}-${Math.random().toString(36).slice(2, 8)}`,
          kept: [],
          seq: 0,
          base: {title: '', startedMs: 0},
          finished: null,
          idleTimer: null,
        };
        session.on('Profiler.consoleProfileFinished', (message: {params: {title?: string; profile: CpuProfile}}) => {
          proc.finished = {title: message.params.title ?? '', profile: message.params.profile};
        });
        startBase(proc);
        shared = proc;
      } catch (error) {
        return `the profiler could not be enabled (${(error as Error).message})`;
      }
    }
    if (shared.channelDir !== context.channelDir) {
      shared.channelDir = context.channelDir;
      shared.kept = [];
    }
    return new CpuProfiler(shared, settings, context);
  }

  /** `run_start`: module loading is over, the file's hooks and tests begin. */
  startFile(): void {
    const startMs = performance.now();
    if (this.proc.idleTimer !== null) {
      clearTimeout(this.proc.idleTimer);
      this.proc.idleTimer = null;
    }
    if (this.proc.base.title === '' || startMs - this.proc.base.startedMs > BASE_ROTATE_MS) startBase(this.proc);
    this.title = `jest-perf-monitor-file-${++this.proc.seq}`;
    this.proc.console.profile(this.title);
    this.costMs += performance.now() - startMs;
  }

  /** A finished attempt that ran (not skipped): its window. A retried test keeps its last attempt's. */
  addAttempt(index: number, attempt: number, startMs: number, endMs: number): void {
    if (this.title === null) return;
    this.windows.set(index, {index, attempt, startMs, endMs, durationMs: endMs - startMs});
  }

  /** `run_finish`: stops the profiler and keeps what could make the run's slowest. */
  finishFile(): ProfileCandidate[] {
    if (this.title === null) return [];
    const startMs = performance.now();
    const profile = endProfile(this.proc, this.title);
    this.title = null;
    const candidates: ProfileCandidate[] = [];
    if (profile !== null) {
      const maps = new SourceMapCache(this.context.sourceMaps);
      const windows = [...this.windows.values()].sort((a, b) => b.durationMs - a.durationMs);
      for (const window of windows) {
        // Past the cap on over-budget profiles, a test over its budget competes with the others by duration: the
        // run's slowest never lose theirs to the first hundred over-budget tests.
        const overBudget = this.budgetMs !== null && window.durationMs > this.budgetMs && this.proc.kept.filter(item => item.overBudget).length < MAX_OVER_BUDGET;
        if (!this.wouldKeep(window.durationMs, overBudget)) continue;
        const file = path.join(this.context.channelDir, `${this.proc.filePrefix}-${++this.proc.seq}.cpuprofile`);
        let top: ProfileCandidate['top'];
        try {
          const toUs = (ms: number): number => ms * 1000 + this.proc.offsetUs;
          const sliced = sliceProfile(profile, [{startUs: toUs(window.startMs), endUs: toUs(window.endMs)}]) ?? idleProfile(toUs(window.startMs), toUs(window.endMs));
          maps.apply(sliced.nodes);
          writeFileSync(file, JSON.stringify(sliced));
          top = topFunctions(sliced, {rootDir: this.context.rootDir});
        } catch (error) {
          // A full disk, a channel folder removed under us, a profile too large to encode: this test goes without.
          this.failure ??= (error as Error).message;
          rmSync(file, {force: true});
          continue;
        }
        this.keep({durationMs: window.durationMs, path: file, overBudget});
        candidates.push({index: window.index, attempt: window.attempt, durationMs: window.durationMs, path: file, top, overBudget});
      }
    }
    this.windows.clear();
    stopBaseWhenIdle(this.proc);
    this.costMs += performance.now() - startMs;
    return candidates;
  }

  /** The file ended without `run_finish` (a crash, an exit): the profiler stops, nothing is kept. */
  close(): void {
    // Even for a file that never reached run_start (it failed to load): an idle process stops the base profile.
    stopBaseWhenIdle(this.proc);
    if (this.title === null) return;
    const title = this.title;
    this.title = null;
    this.windows.clear();
    try {
      endProfile(this.proc, title);
    } catch {
      // The process is going away; nothing to keep.
    }
  }

  private wouldKeep(durationMs: number, overBudget: boolean): boolean {
    const kept = this.proc.kept;
    if (overBudget) return kept.filter(item => item.overBudget).length < MAX_OVER_BUDGET;
    const ranked = kept.filter(item => !item.overBudget);
    return ranked.length < this.settings.tests || ranked.some(item => item.durationMs < durationMs);
  }

  /** Adds a candidate; past `tests` ranked ones, the fastest goes, file and all. */
  private keep(candidate: {durationMs: number; path: string; overBudget: boolean}): void {
    const kept = this.proc.kept;
    kept.push(candidate);
    if (candidate.overBudget) return;
    const ranked = kept.filter(item => !item.overBudget);
    if (ranked.length <= this.settings.tests) return;
    const fastest = ranked.reduce((a, b) => (b.durationMs < a.durationMs ? b : a));
    kept.splice(kept.indexOf(fastest), 1);
    rmSync(fastest.path, {force: true});
  }
}

/** A test with no sample at all (shorter than the interval, or the profiler's thread never woke): all of it idle. */
function idleProfile(startUs: number, endUs: number): CpuProfile {
  const frame = (functionName: string) => ({functionName, scriptId: '0', url: '', lineNumber: -1, columnNumber: -1});
  return {
    nodes: [
      {id: 1, callFrame: frame('(root)'), hitCount: 0, children: [2]},
      {id: 2, callFrame: frame('(idle)'), hitCount: 1, children: []},
    ],
    startTime: startUs,
    endTime: endUs,
    // The one sample at the window's start, so it weighs the window (up to one interval), not nothing.
    samples: [2],
    timeDeltas: [0],
  };
}

/** The file's duration limit: the first `maxDuration` rule whose glob fits the file, as the budget check decides. */
function budgetFor(settings: ProfileSettings, relativeFile: string): number | null {
  if (settings.maxDuration.length === 0) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only runs that set duration budgets pay picomatch's load
  const picomatch = require('picomatch') as typeof Picomatch;
  const rule = settings.maxDuration.find(candidate => picomatch(candidate.match, {dot: true})(relativeFile));
  return rule === undefined ? null : rule.maxDurationMs;
}

/**
 * Source-maps the call frames of a sliced profile to the files Jest transformed (ts-jest, babel-jest), so that
 * the saved `.cpuprofile` and its top functions point at the `.ts` line. Frames keep their url otherwise.
 */
class SourceMapCache {
  private readonly maps = new Map<string, {map: ModuleNamespace.SourceMap; dir: string} | null>();
  private SourceMap: typeof ModuleNamespace.SourceMap | null = null;

  constructor(private readonly registry: SourceMapRegistry | null) {}

  apply(nodes: CpuProfileNode[]): void {
    if (this.registry === null) return;
    for (const node of nodes) {
      const frame = node.callFrame;
      if (!frame.url.startsWith('file://') || frame.lineNumber < 0) continue;
      let file: string;
      try {
        file = fileURLToPath(frame.url);
      } catch {
        continue;
      }
      const loaded = this.load(file);
      if (loaded === null) continue;
      const entry = loaded.map.findEntry(frame.lineNumber, frame.columnNumber) as Partial<ModuleNamespace.SourceMapping>;
      if (typeof entry.originalSource !== 'string' || typeof entry.originalLine !== 'number') continue;
      const source = entry.originalSource;
      let original: string;
      try {
        original = source.startsWith('file://') ? fileURLToPath(source) : path.resolve(loaded.dir, source);
      } catch {
        // A `file://host/…` source (ERR_INVALID_FILE_URL_HOST): the frame keeps the transformed file's place.
        continue;
      }
      frame.url = pathToFileURL(original).href;
      frame.lineNumber = entry.originalLine;
      frame.columnNumber = entry.originalColumn ?? 0;
    }
  }

  private load(file: string): {map: ModuleNamespace.SourceMap; dir: string} | null {
    if (this.maps.has(file)) return this.maps.get(file)!;
    let loaded: {map: ModuleNamespace.SourceMap; dir: string} | null = null;
    try {
      const mapPath = this.registry?.()?.get(file);
      if (mapPath !== undefined) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- node:module's SourceMap, loaded only when mapping
        this.SourceMap ??= (require('module') as typeof ModuleNamespace).SourceMap;
        const payload = JSON.parse(readFileSync(mapPath, 'utf8')) as ModuleNamespace.SourceMapPayload;
        loaded = {map: new this.SourceMap(payload), dir: path.dirname(file)};
      }
    } catch {
      loaded = null;
    }
    this.maps.set(file, loaded);
    return loaded;
  }
}
