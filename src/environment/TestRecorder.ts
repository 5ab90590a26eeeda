import {performance} from 'perf_hooks';
import {getHeapStatistics} from 'v8';
import {ATTEMPT_NUMBERS, AttemptSlot, CHANNEL_VERSION, HEAP_NOT_READ, STATUS_CODES} from '../model/channel';
import type {AttemptExtras, EnvironmentSettings, FileAfterLine, FileEndLine, FileStartLine, ImportsLine, ProfileCandidate} from '../model/channel';
import {baseTestId, isSampled, relativeToRoot} from '../model/testId';
import type {FailureMode, FailureRecord, PeakRssMethod, SpanRecord, VariablesMissing} from '../model/types';
import {ChannelWriter} from './ChannelWriter';
import type * as DescribeFailureModule from './describeFailure';
import {readFileBoundary} from './fileBoundary';
import type {FailureContext} from './describeFailure';
import type * as ReadCodeFrameModule from './readCodeFrame';
import type * as SecretRulesModule from './secretRules';
import {rssReader} from './readRss';
import {nodeThreadId, ownCostFigures} from './ownCost';
import type {LazyRssSampler} from './RssSampler';
import type {KernelPeak} from './KernelPeak';
import type {CpuProfiler} from './CpuProfiler';
import type {TraceCapture} from './TraceCapture';

/** The parts of circus's state this recorder reads. Structural, so Jest 29 and 30 both fit. */
export interface CircusTestLike {
  name: string;
  parent: CircusBlockLike;
  errors: unknown[];
  invocations: number;
  concurrent?: boolean;
}
export interface CircusBlockLike {
  name: string;
  parent?: CircusBlockLike;
  children: ReadonlyArray<({type: 'test'} & CircusTestLike) | ({type: 'describeBlock'} & CircusBlockLike)>;
}
type HookType = 'beforeAll' | 'beforeEach' | 'afterAll' | 'afterEach';
export interface CircusEventLike {
  name: string;
  test?: CircusTestLike;
  hook?: {type: HookType; asyncError?: unknown};
  error?: unknown;
}
export interface CircusStateLike {
  rootDescribeBlock: CircusBlockLike;
}

interface Position {
  index: number;
  titlePath: string[];
  /** The JSON of `titlePath`, encoded once per test rather than once per attempt (by the channel writer). */
  titlePathJson?: string;
  /** Jest's name of the test (titles joined by spaces), as expect's state reports it; made on first use. */
  name?: string;
  /** Whether `captureRate` picked this test for full failure context; decided on first use. */
  sampled?: boolean;
}

function nameOf(position: Position): string {
  return (position.name ??= position.titlePath.join(' '));
}

function addSpan(attempt: ActiveAttempt, span: {name: string; startMs: number; durationMs: number}): void {
  if (attempt.spans === NO_SPANS) attempt.spans = [];
  attempt.spans.push({name: span.name, offsetMs: Math.max(0, span.startMs - attempt.startMs), durationMs: span.durationMs});
}

const MAX_PARKED_SPANS = 100;

/** What a running attempt has gathered so far. */
interface ActiveAttempt {
  position: Position;
  startMs: number;
  startedAtMs: number;
  fnStartMs: number;
  fnEndMs: number;
  rssStartBytes: number;
  heapStartBytes: number;
  cpuUserStartUs: number;
  cpuSystemStartUs: number;
  maxRssStartKiB: number;
  /**
   * The kernel's mark was reset for this attempt (it started alone): its end `maxRSS` is its exact peak, `live`
   * when the mark is above the process's floor (see `KernelPeak`).
   */
  armed: boolean;
  live: boolean;
  /** `KernelPeak.resets` at the start: a reset since would have cut the window short. */
  resetsAtStart: number;
  /** Wall time before `startMs` that the CPU figures cover (`AttemptSlot.cpuLeadUs`): the carried gap, else 0. */
  cpuLeadMs: number;
  /** The process figures were read (at test_started, or at test_start on Jest < 29.6). */
  measured: boolean;
  failedPhase: FailureRecord['phase'] | null;
  concurrent: boolean;
  spans: SpanRecord[];
}

/**
 * The previous attempt's end figures, which the next attempt may start from (docs/how-it-measures.md#back-to-back-tests):
 * when only Jest's own code ran in between (no hook, no error event) and for less than `CARRY_GAP_MS`.
 */
interface Carry {
  atMs: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapBytes: number;
  maxRssKiB: number;
  /** The kernel's mark was reset after the end reads (see `Armed`). */
  armed: boolean;
  live: boolean;
  resets: number;
}

/** The longest gap between one attempt's end and the next one's start over which the end figures serve as its start. */
const CARRY_GAP_MS = 1;

/** Shared by attempts that recorded no span, so the common case allocates no array. */
const NO_SPANS: SpanRecord[] = [];

const PASSED = STATUS_CODES.indexOf('passed');
const FAILED = STATUS_CODES.indexOf('failed');
const SKIPPED = STATUS_CODES.indexOf('skipped');
const TODO = STATUS_CODES.indexOf('todo');

/** A test whose RSS rose this much may be the one that takes the worker down: flush after it. */
const FLUSH_RSS_RISE_BYTES = 50 * 1024 * 1024;
/**
 * Static mode reads no heap per test; it checks the heap against `heapFlushBytes()` only after RSS grew this much
 * since the last check, or after `HEAP_CHECK_EVERY_TESTS` tests. The heap cannot grow much without its pages adding
 * to RSS; the count covers a heap that grows while other memory (buffers) is given back.
 */
const HEAP_CHECK_RSS_STEP_BYTES = 16 * 1024 * 1024;
const HEAP_CHECK_EVERY_TESTS = 64;
let heapFlushAtBytes = -1;
/** 80 % of the worker's heap limit: past it, an out-of-memory death may be near. Read once per process. */
function heapFlushBytes(): number {
  if (heapFlushAtBytes < 0) heapFlushAtBytes = 0.8 * getHeapStatistics().heap_size_limit;
  return heapFlushAtBytes;
}

/** Whether this Jest emits test_started (29.6+); learnt from the first one seen in the process. */
let testStartedSeen = false;

let internalErrorReported = false;

/** Reports an internal error once per process, on stderr, and never throws. */
export function reportInternalError(where: string, error: unknown): void {
  if (internalErrorReported) return;
  internalErrorReported = true;
  const message = error instanceof Error ? error.message : String(error);
  try {
    process.stderr.write(`jest-perf-monitor: internal error in ${where}: ${message} (metrics may be incomplete; tests are unaffected)\n`);
  } catch {
    // Nothing left to report to.
  }
}

let failureCode: typeof DescribeFailureModule | null = null;

/**
 * The failure path's code (describing an error, code frames, redaction), loaded at a worker's first failure: most
 * test files pass, and a worker whose files all pass never pays for loading it (docs/performance.md#own-cost).
 */
function failurePath(): typeof DescribeFailureModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first failure, see above
  return (failureCode ??= require('./describeFailure') as typeof DescribeFailureModule);
}

/**
 * Events that need neither a time nor more than a field write: the definition events (before `run_start`, no
 * attempt to touch), Jest's steps between tests, and the start and success of `beforeEach`/`afterEach` hooks (inside
 * a test's window, after `test_started` has spent any carried start: the test's setup and teardown are measured from
 * its own events).
 */
function isUntimed(event: CircusEventLike): boolean {
  switch (event.name) {
    case 'add_hook':
    case 'add_test':
    case 'start_describe_definition':
    case 'finish_describe_definition':
    case 'include_test_location_in_result':
    case 'setup':
    case 'run_describe_start':
    case 'run_describe_finish':
    case 'test_retry':
      return true;
    case 'hook_start':
    case 'hook_success':
      return event.hook?.type === 'beforeEach' || event.hook?.type === 'afterEach';
    default:
      return false;
  }
}

/**
 * Every event of every test passes here, from the environment entries and from the runner alike: the recorder's
 * own time is measured, and nothing throws into circus.
 */
export function recordEvent(recorder: TestRecorder, event: unknown, state: unknown): void {
  try {
    recorder.handleTimed(event as CircusEventLike, state as CircusStateLike);
  } catch (error) {
    reportInternalError('environment', error);
  }
}

/**
 * Times the file's module loads (the runner's `ImportTimer`: only the runner gets Jest's runtime). Nothing of it runs
 * per test event: the recorder asks it once at `run_start` and once at `run_finish`.
 */
export interface ImportSource {
  /** Milliseconds spent inside module loads so far, nested loads counted once. */
  loadedMs(): number;
  /** What timing the loads cost so far: this package's own time. */
  ownMs(): number;
  /** Stops timing; `loadedMs` is the figure read at `run_start`. Null when the file's load could not be timed (ESM). */
  finish(loadedMs: number): ImportsLine | null;
  stop(): void;
}

/** Everything a recorder needs for one test file. */
export interface RecorderOptions {
  /** The run's channel directory (`ChannelDescriptor.dir`). */
  channelDir: string;
  /** `channelKey` of the file's project and path. */
  channelKey: string;
  /** Absolute path of the test file. */
  testPath: string;
  /** The run's root (see `model/runRoot`): locations and ids are relative to it. */
  rootDir: string;
  /** Trace or `auto` mode was asked for: failures without variables say why (see `FailureContext.variables`). */
  variables?: {untraced: VariablesMissing | null};
  workerId: number;
  sampler: LazyRssSampler | null;
  /**
   * The kernel's RSS high-water mark, reset per attempt (Linux; see `KernelPeak`); null where it cannot be had or
   * under `workerThreads: true`, where the files of several threads share the process's mark.
   */
  kernelPeak?: KernelPeak | null;
  /** Under `workerThreads: true` several files share one process, so every figure is shared. */
  alwaysConcurrent: boolean;
  /** The run's settings, with this file's mode (`auto` already decided). */
  settings: EnvironmentSettings & {mode: FailureMode};
  /** Trace mode's debugger-based capture, when it could start. */
  trace: TraceCapture | null;
  /** Turn the debugger off when the file ends (mode `auto`, which traces only some files). */
  detachTrace?: boolean;
  /** Leak detection: a full GC to force after each test, or null when it is off. */
  gc: (() => void) | null;
  /** Leak detection: heap Jest holds for the file and lets go at its end (its console buffer), taken off the retained heap. */
  heldByJest?: () => number;
  /** Said once by the reporter (trace mode falling back, for one). */
  notices: string[];
  /** `cpuProfile`: the sampling profiler for this file; null (the default) when off. */
  profiler?: CpuProfiler | null;
}

/**
 * Turns the circus events of one test file into channel lines. Everything here runs on every test event of the
 * user's suite: each case does a handful of cheap reads (see the cost table in docs/performance.md) and allocates little.
 * The window opens at `test_start` (a clock read only: skipped tests end there) and the process figures follow at
 * `test_started`; at `test_done` the clock is read first, so the end-of-test reads stay out of the window.
 */
export class TestRecorder {
  private readonly writer: ChannelWriter;
  /** Epoch milliseconds minus `performance.now()`: a test's start date without a second clock read. */
  private readonly epochOffsetMs = Date.now() - performance.now();
  private readonly session: string;
  private readonly positions = new Map<CircusTestLike, Position>();
  private readonly active = new Map<CircusTestLike, ActiveAttempt>();
  /** The attempt a `perf.span()` call belongs to: the one that started last. */
  private current: ActiveAttempt | null = null;
  private setupDoneMs = performance.now();
  private allHookStartMs = 0;
  private beforeAllMs = 0;
  private afterAllMs = 0;
  private readonly hookFailures: FailureRecord[] = [];
  private readonly readRss = rssReader();
  /** Time spent in `handle()`: this package's own cost, reported with the file (see `handleTimed`). */
  private selfMs = 0;
  /** Spans of tests that have not started yet, by Jest's test name. */
  private readonly parkedSpans = new Map<string, Array<{name: string; startMs: number; durationMs: number}>>();

  private readonly testPath: string;
  private readonly channelKey: string;
  private readonly workerId: number;
  private readonly sampler: LazyRssSampler | null;
  private readonly kernel: KernelPeak | null;
  /** How this file's peaks are taken, for `system.peak_rss`. */
  readonly peakMethod: PeakRssMethod;
  /** The last attempt's end figures, while the next attempt may start from them. */
  private carry: Carry | null = null;
  /** Attempts that started from the previous one's end figures, and those that read their own: a debug figure. */
  private carried = 0;
  private freshStarts = 0;
  private readonly alwaysConcurrent: boolean;
  /** Built at the first failure (`failureContext()`), with the code it needs. */
  private failureContextMade: FailureContext | null = null;
  private readonly failureSettings: Pick<RecorderOptions, 'rootDir' | 'trace' | 'variables' | 'settings'>;
  private readonly captureRate: number;
  /** The test file relative to rootDir, for ids. */
  private readonly relativeFile: string;
  private readonly trace: TraceCapture | null;
  private readonly detachTrace: boolean;
  private readonly notices: string[];
  private readonly gc: (() => void) | null;
  private readonly heldByJest: () => number;
  private readonly profiler: CpuProfiler | null;
  /** Leak detection: the test positions after which a GC is forced (see `leakSamplePositions`). */
  private leakSamples: ReadonlySet<number> | null = null;
  /**
   * Whether each test's heap is read. Not in `static` mode: `getHeapStatistics()` walks the heap, and in a Jest
   * worker two calls cost more than the rest of a test's reads together (docs/performance.md).
   */
  private readonly heapPerTest: boolean;
  /** Static mode: the RSS at which the heap is next checked against its flush threshold... */
  private heapCheckAtRssBytes = 0;
  /** ...or the number of tests until it is. */
  private testsUntilHeapCheck = 0;
  private imports: ImportSource | null = null;
  /** `run_finish` was seen and the file-boundary reading is still to take (`afterTeardown`). */
  private finished = false;
  /** `imports.loadedMs()` at `run_start`: the part of the load time spent in module loads. */
  private importsLoadedMs = -1;

  constructor(options: RecorderOptions) {
    this.writer = new ChannelWriter(options.channelDir);
    this.channelKey = options.channelKey;
    this.testPath = options.testPath;
    this.workerId = options.workerId;
    this.sampler = options.sampler;
    this.kernel = options.kernelPeak ?? null;
    this.peakMethod = this.kernel !== null ? 'kernel' : this.sampler !== null ? 'sampler' : 'ends';
    this.alwaysConcurrent = options.alwaysConcurrent;
    this.trace = options.trace;
    this.detachTrace = options.detachTrace === true;
    this.notices = options.notices;
    this.gc = options.gc;
    this.heldByJest = options.heldByJest ?? (() => 0);
    this.profiler = options.profiler ?? null;
    this.captureRate = options.settings.captureRate;
    this.heapPerTest = options.settings.mode !== 'static';
    this.failureSettings = options;
    this.relativeFile = relativeToRoot(options.rootDir, options.testPath);
    this.session = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Time spent making this recorder (see `createRecorder`), counted as its own. */
  chargeSetup(ms: number): void {
    this.selfMs += ms;
  }

  /** Called when the wrapped environment's `setup()` resolved: loading the test file starts now. */
  markSetupDone(): void {
    this.setupDoneMs = performance.now();
  }

  /** A one-line notice for the user, printed once by the reporter. */
  notice(message: string): void {
    this.notices.push(message);
  }

  /** The runner times the file's imports: their figures go into the file's end line. */
  timeImports(source: ImportSource): void {
    this.imports = source;
  }

  /**
   * `handle()`, timed: two clock reads buy a measured, not estimated, overhead figure. The first is also the
   * event's time, so the events that need one cost no third read. The events whose handling is at most a field
   * write (`isUntimed`) take neither read: inside a Jest run the two reads cost more than handling them, and they
   * are half of a test's events when it has a `beforeEach` and an `afterEach`.
   */
  handleTimed(event: CircusEventLike, state: CircusStateLike): void {
    if (isUntimed(event)) return;
    const startMs = performance.now();
    this.handle(event, state, startMs);
    this.selfMs += performance.now() - startMs;
  }

  /** `nowMs`: `performance.now()` as the event arrived. */
  handle(event: CircusEventLike, state: CircusStateLike, nowMs: number): void {
    switch (event.name) {
      case 'test_start':
        this.startAttempt(event.test!, nowMs);
        break;
      case 'test_started':
        this.startMeasuring(event.test!, nowMs);
        break;
      case 'test_fn_start': {
        const attempt = this.active.get(event.test!);
        if (attempt) {
          attempt.fnStartMs = nowMs;
          // Errors that arrived without a hook_failure (an unhandled rejection or 'error' event during a
          // beforeEach) also stop the body from running: they belong to setup.
          if (attempt.failedPhase === null && event.test!.errors.length > 0) attempt.failedPhase = 'beforeEach';
        }
        break;
      }
      case 'test_fn_success':
      case 'test_fn_failure': {
        const attempt = this.active.get(event.test!);
        if (attempt) {
          attempt.fnEndMs = nowMs;
          if (event.name === 'test_fn_failure' && attempt.failedPhase === null) attempt.failedPhase = 'test';
        }
        break;
      }
      case 'test_done':
        this.finishAttempt(event.test!, null, nowMs);
        break;
      case 'test_skip':
        this.finishAttempt(event.test!, 'skipped', nowMs);
        break;
      case 'test_todo':
        this.finishAttempt(event.test!, 'todo', nowMs);
        break;
      case 'hook_start':
        // A hook is the user's code: the next attempt reads its own start figures.
        this.carry = null;
        if (event.hook!.type === 'beforeAll' || event.hook!.type === 'afterAll') this.allHookStartMs = nowMs;
        break;
      case 'hook_success':
      case 'hook_failure':
        this.endHook(event, nowMs);
        break;
      case 'run_start':
        this.startFile(state);
        break;
      case 'run_finish':
        this.finishFile(nowMs);
        break;
      // Jest's own steps between two tests: the previous end figures still serve as the next start.
      case 'run_describe_start':
      case 'run_describe_finish':
      case 'test_retry':
        break;
      default:
        // Anything else (an `error` event, one a newer Jest adds) may be the user's code.
        this.carry = null;
        break;
    }
  }

  /**
   * Adds a span measured by the test itself. `testName` is Jest's name of the test that made it (describe titles
   * and title joined by spaces, from expect's state), which tells concurrent tests apart; without it, the span
   * goes to the attempt that started last.
   */
  recordSpan(name: string, startMs: number, durationMs: number, testName?: string): void {
    const span = {name: String(name), startMs, durationMs};
    let attempt = this.current;
    if (testName !== undefined) {
      attempt = null;
      for (const candidate of this.active.values()) if (nameOf(candidate.position) === testName) attempt = candidate;
      if (attempt === null) {
        // Jest 29 (and 30 before 30.2) start concurrent test bodies before their test_start: keep the span for
        // when that test starts.
        const parked = this.parkedSpans.get(testName) ?? [];
        if (parked.length < MAX_PARKED_SPANS) parked.push(span);
        this.parkedSpans.set(testName, parked);
        return;
      }
    }
    if (attempt !== null) addSpan(attempt, span);
  }

  private failureContext(): FailureContext {
    if (this.failureContextMade !== null) return this.failureContextMade;
    const {rootDir, trace, variables, settings} = this.failureSettings;
    /* eslint-disable @typescript-eslint/no-require-imports -- the failure path's code, loaded at the first failure */
    const {CodeFrameReader} = require('./readCodeFrame') as typeof ReadCodeFrameModule;
    const {secretRulesFor} = require('./secretRules') as typeof SecretRulesModule;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const made: FailureContext = {
      rootDir,
      mode: settings.mode,
      skipInternalFrames: settings.skipInternalFrames,
      codeFrames: new CodeFrameReader(),
      trace,
      secrets: secretRulesFor(settings.redact),
      ...(variables !== undefined && {variables}),
    };
    this.failureContextMade = made;
    return made;
  }

  /**
   * After the file's environment was torn down (its module registry and global released): the worker's heap and RSS
   * at this file boundary, one read (after a forced GC with leak detection), in a line after the file's end line.
   * Only for a file that reached `run_finish`: a file that crashed has no boundary worth attributing.
   */
  afterTeardown(): void {
    if (!this.finished) return;
    this.finished = false;
    const startMs = performance.now();
    const boundary = readFileBoundary(this.gc);
    const line: FileAfterLine = {
      v: CHANNEL_VERSION,
      k: 'file-after',
      session: this.session,
      heapBeforeBytes: boundary.before.heapBytes,
      rssBeforeBytes: boundary.before.rssBytes,
      heapAfterBytes: boundary.after.heapBytes,
      rssAfterBytes: boundary.after.rssBytes,
      afterGc: boundary.afterGc,
      pid: boundary.processId,
      order: boundary.order,
      // As with the end line: all but the write that follows.
      ownMs: performance.now() - startMs,
    };
    this.writer.appendAfterClose(JSON.stringify(line));
  }

  close(): void {
    this.imports?.stop();
    process.removeListener('exit', this.onProcessExit);
    this.trace?.close(this.detachTrace);
    this.profiler?.close();
    this.writer.close();
  }

  private startFile(state: CircusStateLike): void {
    // Index every test in a depth-first walk: the order of Jest's own testResults, and a stable identity that
    // tells a retry (same entry) from a duplicate title (another entry).
    const walk = (block: CircusBlockLike, titles: string[]): void => {
      for (const child of block.children) {
        if (child.type === 'test') {
          this.positions.set(child, {index: this.positions.size, titlePath: [...titles, child.name]});
        } else {
          walk(child, [...titles, child.name]);
        }
      }
    };
    walk(state.rootDescribeBlock, []);
    if (this.gc !== null) this.leakSamples = leakSamplePositions(this.positions.size);
    // Read before the debugger and the profiler start (a profiler restart costs tens of ms): not load time.
    const loadMs = performance.now() - this.setupDoneMs;
    if (this.imports !== null) this.importsLoadedMs = this.imports.loadedMs();
    // beforeAll hooks run before the first test starts: trace them too.
    this.trace?.startFile();
    this.profiler?.startFile();

    // Prepended: in band, the reporter's own exit listener (registered earlier) must see this file's last record.
    process.prependOnceListener('exit', this.onProcessExit);
    const line: FileStartLine = {
      v: CHANNEL_VERSION,
      k: 'file-start',
      file: this.channelKey,
      session: this.session,
      startedAtMs: Date.now(),
      testPath: this.testPath,
      workerId: this.workerId,
      loadMs,
      heapStartBytes: getHeapStatistics().used_heap_size,
      peakRss: this.peakMethod,
    };
    this.writer.start(JSON.stringify(line));
  }

  /** `nowMs`: when run_finish arrived; the time since is this event's, not yet in `selfMs`. */
  private finishFile(nowMs: number): void {
    this.finished = true;
    const traceStopped = this.trace?.stoppedReason();
    if (traceStopped) this.notices.push(`trace mode went off during a file and stays off in its worker (${traceStopped}); failures get profile-mode detail`);
    const heapEndBytes = getHeapStatistics().used_heap_size;
    let profiles: ProfileCandidate[] | undefined;
    if (this.profiler !== null) {
      // Nothing the profiler does may cost the file its end line (and so its completion and hook figures).
      try {
        profiles = this.profiler.finishFile();
        if (this.profiler.failure !== null) this.notices.push(`a CPU profile could not be kept (${this.profiler.failure})`);
      } catch (error) {
        this.notices.push(`CPU profiles of this file were lost (${(error as Error).message})`);
      }
    }
    // The line is made after the batch is encoded: the file's own time then includes the encoding, all but the
    // one write system call that follows.
    this.writer.flush(() => {
      let imports: ImportsLine | null | undefined;
      try {
        imports = this.imports === null ? undefined : this.imports.finish(this.importsLoadedMs < 0 ? this.imports.loadedMs() : this.importsLoadedMs);
      } catch (error) {
        this.notices.push(`import costs of this file were lost (${(error as Error).message})`);
      }
      // Before the line's selfMs is taken: reading them is part of the file's own time.
      const own = ownCostFigures(this.sampler, this.profiler !== null);
      const line: FileEndLine = {
        v: CHANNEL_VERSION,
        k: 'file-end',
        session: this.session,
        beforeAllMs: this.beforeAllMs,
        afterAllMs: this.afterAllMs,
        heapEndBytes,
        hookFailures: this.hookFailures,
        selfMs: this.selfMs + (this.imports?.ownMs() ?? 0) + (performance.now() - nowMs),
        traceMs: this.trace?.costMs() ?? 0,
        tracePauses: this.trace?.pauses ?? 0,
        notices: this.notices,
        starts: {carried: this.carried, fresh: this.freshStarts, statusReads: this.kernel?.statusReads ?? 0, resetsSkipped: this.kernel?.resetsSkipped ?? 0},
        own,
      };
      if (imports) line.imports = imports;
      if (profiles !== undefined) line.profiles = profiles;
      return JSON.stringify(line);
    });
  }

  /**
   * The worker is exiting mid-file (a test called `process.exit`, or Jest killed it): record the attempts that
   * were running as failed, so the report says which test took the worker down. 'exit' listeners run
   * synchronously, and so does the write.
   */
  private readonly onProcessExit = (code: number): void => {
    // Never throw here: a throwing 'exit' listener stops the others, the reporter's in-band one included.
    try {
      const nowMs = performance.now();
      if (this.active.size > 0) {
        // In band there is no worker: the process is Jest's own (no IPC channel, and the main thread).
        const message = failurePath().processExitMessage(code, process.send === undefined && nodeThreadId() === 0);
        for (const test of [...this.active.keys()]) this.finishAttempt(test, null, nowMs, message);
      }
      this.close();
    } catch (error) {
      reportInternalError('environment exit handler', error);
    }
  };

  private endHook(event: CircusEventLike, nowMs: number): void {
    const type = event.hook!.type;
    if (type === 'beforeAll' || type === 'afterAll') {
      const elapsed = nowMs - this.allHookStartMs;
      if (type === 'beforeAll') this.beforeAllMs += elapsed;
      else this.afterAllMs += elapsed;
      if (event.name === 'hook_failure') {
        this.hookFailures.push(failurePath().describeFailure([[event.error, event.hook!.asyncError]], type, this.failureContext()));
      }
      return;
    }
    if (event.name === 'hook_failure' && event.test) {
      const attempt = this.active.get(event.test);
      if (attempt && attempt.failedPhase === null) attempt.failedPhase = type;
    }
  }

  private positionOf(test: CircusTestLike): Position {
    let position = this.positions.get(test);
    if (position === undefined) {
      // Not seen at run_start (should not happen): give it the next free index so it is still reported.
      const titles: string[] = [test.name];
      for (let block = test.parent; block && block.parent; block = block.parent) titles.unshift(block.name);
      position = {index: this.positions.size, titlePath: titles};
      this.positions.set(test, position);
    }
    return position;
  }

  /** `test_start`: the clock only. Skipped and todo tests end here, so they cost next to nothing. */
  private startAttempt(test: CircusTestLike, nowMs: number): void {
    // A batch that has waited long enough goes out now, before a test that may run for minutes.
    if (this.writer.due(nowMs)) this.writer.flush();
    const attempt: ActiveAttempt = {
      position: this.positionOf(test),
      startMs: nowMs,
      startedAtMs: Math.round(this.epochOffsetMs + nowMs),
      fnStartMs: -1,
      fnEndMs: -1,
      rssStartBytes: 0,
      heapStartBytes: 0,
      cpuUserStartUs: 0,
      cpuSystemStartUs: 0,
      maxRssStartKiB: 0,
      armed: false,
      live: false,
      resetsAtStart: 0,
      cpuLeadMs: 0,
      measured: false,
      // A beforeAll failure is attached to the test before it starts.
      failedPhase: test.errors.length > 0 ? 'beforeAll' : null,
      concurrent: this.alwaysConcurrent || test.concurrent === true || this.active.size > 0,
      spans: NO_SPANS,
    };
    if (attempt.concurrent) for (const other of this.active.values()) other.concurrent = true;
    this.active.set(test, attempt);
    if (this.trace !== null) this.trace.startTest(this.isSampled(attempt.position));
    this.current = attempt;
    if (this.parkedSpans.size > 0) {
      const name = nameOf(attempt.position);
      const parked = this.parkedSpans.get(name);
      if (parked !== undefined) {
        this.parkedSpans.delete(name);
        for (const span of parked) addSpan(attempt, span);
      }
    }
    // Jest before 29.6 has no test_started: until one is seen, measure here.
    if (!testStartedSeen) this.measure(attempt, nowMs);
  }

  /** `test_started` (the test will run): the process figures, read as close to the start as Jest allows. */
  private startMeasuring(test: CircusTestLike, nowMs: number): void {
    testStartedSeen = true;
    const attempt = this.active.get(test);
    if (attempt !== undefined && !attempt.measured) this.measure(attempt, nowMs);
  }

  private measure(attempt: ActiveAttempt, nowMs: number): void {
    attempt.measured = true;
    const alone = !attempt.concurrent && this.active.size === 1;
    const carry = this.carry;
    this.carry = null;
    if (alone && carry !== null && nowMs - carry.atMs < CARRY_GAP_MS && (carry.armed || this.kernel === null)) {
      // Back to back after a test that ran alone: its end figures are this start's, and the mark (or the sampler)
      // was reset right after them.
      this.carried++;
      attempt.cpuUserStartUs = carry.cpuUserUs;
      attempt.cpuSystemStartUs = carry.cpuSystemUs;
      attempt.maxRssStartKiB = carry.maxRssKiB;
      attempt.heapStartBytes = carry.heapBytes;
      attempt.rssStartBytes = carry.rssBytes;
      attempt.armed = carry.armed;
      attempt.live = carry.live;
      attempt.resetsAtStart = carry.resets;
      attempt.cpuLeadMs = Math.max(0, attempt.startMs - carry.atMs);
      return;
    }
    this.freshStarts++;
    const kernel = this.kernel;
    if (kernel !== null && alone) {
      // Reset only with no other attempt running: a reset would cut that attempt's window short.
      const armed = kernel.arm();
      attempt.armed = true;
      attempt.live = armed.live;
      attempt.resetsAtStart = kernel.resets;
      attempt.cpuUserStartUs = armed.usage.userCPUTime;
      attempt.cpuSystemStartUs = armed.usage.systemCPUTime;
      attempt.maxRssStartKiB = armed.usage.maxRSS;
      attempt.rssStartBytes = armed.rssBytes;
      attempt.heapStartBytes = this.heapPerTest ? getHeapStatistics().used_heap_size : HEAP_NOT_READ;
      return;
    }
    this.sampler?.reset();
    const usage = process.resourceUsage();
    attempt.resetsAtStart = kernel === null ? 0 : kernel.resets;
    attempt.cpuUserStartUs = usage.userCPUTime;
    attempt.cpuSystemStartUs = usage.systemCPUTime;
    attempt.maxRssStartKiB = usage.maxRSS;
    attempt.heapStartBytes = this.heapPerTest ? getHeapStatistics().used_heap_size : HEAP_NOT_READ;
    attempt.rssStartBytes = this.readRss();
  }

  private finishAttempt(test: CircusTestLike, notRun: 'skipped' | 'todo' | null, nowMs: number, exitMessage?: string): void {
    const endMs = nowMs;
    const attempt = this.active.get(test);
    if (attempt === undefined) return;
    this.active.delete(test);
    if (this.current === attempt) this.current = null;
    if (this.trace !== null && this.active.size === 0) this.trace.endTest();

    const writer = this.writer;
    let durationMs = 0;
    let flushNow = false;
    if (notRun !== null || !attempt.measured) {
      // Skipped, todo, or (never seen in practice) ended without test_started: nothing was measured.
      const offset = writer.add(attempt.position, null, endMs);
      const n = writer.numbers;
      n.fill(0, offset, offset + ATTEMPT_NUMBERS);
      n[offset + AttemptSlot.attempt] = test.invocations;
      n[offset + AttemptSlot.status] = notRun === 'skipped' ? SKIPPED : notRun === 'todo' ? TODO : test.errors.length > 0 ? FAILED : PASSED;
      n[offset + AttemptSlot.startedAtMs] = attempt.startedAtMs;
    } else {
      const usage = process.resourceUsage();
      const kernel = this.kernel;
      // No reset since the start (none is made while another attempt runs): the mark covers the whole window.
      const intact = kernel === null || kernel.resets === attempt.resetsAtStart;
      let highWaterBytes: number;
      let rssEndBytes = -1;
      if (attempt.armed && intact) {
        highWaterBytes = kernel!.peakBytes(usage, attempt.live);
        rssEndBytes = kernel!.statusRssBytes;
      } else {
        // A new high of the mark reached during the attempt is its exact peak; below it, the sampler and the two
        // end points are what we know.
        highWaterBytes = intact && usage.maxRSS > attempt.maxRssStartKiB ? usage.maxRSS * 1024 : 0;
      }
      // Ending alone, the next attempt may start from these figures: the RSS is read and the mark reset (unless it
      // already stands at that RSS).
      const endsAlone = this.active.size === 0 && !attempt.concurrent && exitMessage === undefined && this.gc === null;
      const armed = kernel !== null && endsAlone ? kernel.rearm(usage.maxRSS) : null;
      if (armed !== null) rssEndBytes = armed.rssBytes;
      else if (rssEndBytes < 0) rssEndBytes = this.readRss();
      let heapEndBytes = HEAP_NOT_READ;
      let heapNearLimit: boolean;
      if (this.heapPerTest) {
        const heap = getHeapStatistics();
        heapEndBytes = heap.used_heap_size;
        if (this.trace !== null) this.trace.checkHeapLimit(heap.heap_size_limit);
        heapNearLimit = heapEndBytes > heapFlushBytes();
      } else {
        heapNearLimit = (rssEndBytes >= this.heapCheckAtRssBytes || --this.testsUntilHeapCheck < 0) && this.heapNearLimit(rssEndBytes);
      }
      const sampledBytes = this.sampler ? this.sampler.peakBytes() : 0;
      // Whole microseconds, the precision of the report: the phases then add up to the duration, and the numbers
      // are short to write and to read back (a 17-digit double costs several times more to print).
      const fnStartUs = Math.round(((attempt.fnStartMs < 0 ? endMs : attempt.fnStartMs) - attempt.startMs) * 1000);
      const durationUs = Math.round((endMs - attempt.startMs) * 1000);
      // No fn end: the process exited inside the body (which ran until then), or a beforeEach failed and the body
      // never ran (everything after the fn start is teardown).
      const exitedInBody = exitMessage !== undefined && attempt.fnStartMs >= 0;
      const fnEndUs = attempt.fnEndMs >= 0 ? Math.round((attempt.fnEndMs - attempt.startMs) * 1000) : exitedInBody ? durationUs : fnStartUs;
      durationMs = durationUs / 1000;
      const failed = test.errors.length > 0 || exitMessage !== undefined;
      let extras: AttemptExtras | null = null;
      if (failed || attempt.spans !== NO_SPANS || this.gc !== null) {
        const errors = exitMessage === undefined ? test.errors : [...test.errors, exitMessage];
        extras = {
          spans: attempt.spans,
          failure: failed ? failurePath().describeFailure(errors, attempt.failedPhase ?? 'test', this.failureContext(), this.isSampled(attempt.position)) : null,
          retainedHeapBytes: null,
        };
      }
      const offset = writer.add(attempt.position, extras, endMs);
      const n = writer.numbers;
      n[offset + AttemptSlot.attempt] = test.invocations;
      n[offset + AttemptSlot.status] = failed ? FAILED : PASSED;
      n[offset + AttemptSlot.startedAtMs] = attempt.startedAtMs;
      n[offset + AttemptSlot.durationUs] = durationUs;
      n[offset + AttemptSlot.setupUs] = fnStartUs;
      n[offset + AttemptSlot.callUs] = fnEndUs - fnStartUs;
      n[offset + AttemptSlot.teardownUs] = durationUs - fnEndUs;
      n[offset + AttemptSlot.rssStartBytes] = attempt.rssStartBytes;
      n[offset + AttemptSlot.rssPeakBytes] = Math.max(attempt.rssStartBytes, rssEndBytes, highWaterBytes, sampledBytes);
      n[offset + AttemptSlot.rssEndBytes] = rssEndBytes;
      n[offset + AttemptSlot.heapStartBytes] = attempt.heapStartBytes;
      n[offset + AttemptSlot.heapEndBytes] = heapEndBytes;
      n[offset + AttemptSlot.cpuUserUs] = usage.userCPUTime - attempt.cpuUserStartUs;
      n[offset + AttemptSlot.cpuSystemUs] = usage.systemCPUTime - attempt.cpuSystemStartUs;
      n[offset + AttemptSlot.concurrent] = attempt.concurrent ? 1 : 0;
      n[offset + AttemptSlot.cpuLeadUs] = Math.round(attempt.cpuLeadMs * 1000);
      if (extras !== null) extras.retainedHeapBytes = this.retainedHeap(attempt);
      if (this.profiler !== null) this.profiler.addAttempt(attempt.position.index, test.invocations, attempt.startMs, endMs);
      // The moments a worker may die next (an assertion about to take it down, memory running out): what is
      // pending goes out now.
      flushNow = failed || rssEndBytes - attempt.rssStartBytes >= FLUSH_RSS_RISE_BYTES || heapNearLimit;
      if (endsAlone && !flushNow) {
        if (armed === null) this.sampler?.reset();
        this.carry = {
          atMs: endMs,
          cpuUserUs: usage.userCPUTime,
          cpuSystemUs: usage.systemCPUTime,
          rssBytes: rssEndBytes,
          heapBytes: heapEndBytes,
          maxRssKiB: usage.maxRSS,
          armed: armed !== null,
          live: armed !== null && armed.live,
          resets: kernel === null ? 0 : kernel.resets,
        };
      }
    }
    if (flushNow || writer.due(endMs)) {
      writer.flush();
      // The write is this package's, not the next test's.
      this.carry = null;
    }
    // After the figures are taken and written: a sampler that starts now boots between two tests.
    if (this.sampler?.noteDuration(durationMs) === true) this.carry = null;
  }

  /** Static mode's heap check, made when RSS grew by `HEAP_CHECK_RSS_STEP_BYTES` or after `HEAP_CHECK_EVERY_TESTS` tests. */
  private heapNearLimit(rssBytes: number): boolean {
    this.heapCheckAtRssBytes = rssBytes + HEAP_CHECK_RSS_STEP_BYTES;
    this.testsUntilHeapCheck = HEAP_CHECK_EVERY_TESTS;
    return getHeapStatistics().used_heap_size > heapFlushBytes();
  }

  /**
   * Leak detection: the heap still in use after a full GC, once every figure of the test is taken (the GC's
   * tens of milliseconds fall between two tests, in no test's time), less what Jest holds for the file until its end
   * (the buffered console). Not for concurrent tests: another test's live objects would count.
   */
  private retainedHeap(attempt: ActiveAttempt): number | null {
    if (this.gc === null || attempt.concurrent || this.active.size > 0 || !this.leakSamples?.has(attempt.position.index)) return null;
    this.gc();
    return getHeapStatistics().used_heap_size - this.heldByJest();
  }

  private isSampled(position: Position): boolean {
    return (position.sampled ??= isSampled(baseTestId(this.relativeFile, position.titlePath), this.captureRate));
  }
}

/**
 * A full GC costs tens of milliseconds in a Jest worker (its heap holds the module registry and source maps), so a
 * file is measured after at most this many tests, spread evenly: enough points for a trend, at a bounded cost.
 */
export const LEAK_SAMPLES_PER_FILE = 16;

/** The positions of a file's `count` tests after which a GC is forced: all of them up to the limit, else evenly spread. */
export function leakSamplePositions(count: number): Set<number> {
  if (count <= LEAK_SAMPLES_PER_FILE) return new Set(Array.from({length: count}, (_, i) => i));
  return new Set(Array.from({length: LEAK_SAMPLES_PER_FILE}, (_, i) => Math.round((i * (count - 1)) / (LEAK_SAMPLES_PER_FILE - 1))));
}
