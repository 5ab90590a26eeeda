import {closeSync, openSync, writeSync} from 'fs';
import {performance} from 'perf_hooks';
import {getHeapStatistics} from 'v8';
import {CHANNEL_VERSION} from '../model/channel';
import type {FileEndLine, FileStartLine} from '../model/channel';
import type {AttemptRecord, FailureRecord, SpanRecord, TestStatus} from '../model/types';
import {describeFailure, WORKER_EXIT_PREFIX} from './describeFailure';
import {rssReader} from './readRss';
import type {LazyRssSampler} from './RssSampler';

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
  hook?: {type: HookType};
  error?: unknown;
}
export interface CircusStateLike {
  rootDescribeBlock: CircusBlockLike;
}

interface Position {
  index: number;
  titlePath: string[];
  /** The JSON of `titlePath`, encoded once per test rather than once per attempt. */
  titlePathJson?: string;
}

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
  failedPhase: FailureRecord['phase'] | null;
  concurrent: boolean;
  spans: SpanRecord[];
}

/** Channel lines are written at least this often... */
const FLUSH_MS = 250;
/** ...or when this many characters are waiting. */
const FLUSH_BYTES = 64 * 1024;

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

/**
 * Turns the circus events of one test file into channel lines. Everything here runs on every test event of the
 * user's suite: each case does a handful of cheap reads (see the cost table in the README) and allocates little.
 * Measurements are taken outside the timed window: the start clock is read last, the end clock first.
 */
export class TestRecorder {
  private fd: number | null = null;
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
  private pending = '';
  private lastFlushMs = 0;

  constructor(
    private readonly channelPath: string,
    private readonly testPath: string,
    private readonly rootDir: string,
    private readonly workerId: number,
    private readonly sampler: LazyRssSampler | null,
  ) {
    this.session = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Called when the wrapped environment's `setup()` resolved: loading the test file starts now. */
  markSetupDone(): void {
    this.setupDoneMs = performance.now();
  }

  handle(event: CircusEventLike, state: CircusStateLike): void {
    switch (event.name) {
      case 'test_start':
        this.startAttempt(event.test!);
        break;
      case 'test_fn_start': {
        const attempt = this.active.get(event.test!);
        if (attempt) attempt.fnStartMs = performance.now();
        break;
      }
      case 'test_fn_success':
      case 'test_fn_failure': {
        const now = performance.now();
        const attempt = this.active.get(event.test!);
        if (attempt) {
          attempt.fnEndMs = now;
          if (event.name === 'test_fn_failure' && attempt.failedPhase === null) attempt.failedPhase = 'test';
        }
        break;
      }
      case 'test_done':
        this.finishAttempt(event.test!, null);
        break;
      case 'test_skip':
        this.finishAttempt(event.test!, 'skipped');
        break;
      case 'test_todo':
        this.finishAttempt(event.test!, 'todo');
        break;
      case 'hook_start':
        if (event.hook!.type === 'beforeAll' || event.hook!.type === 'afterAll') this.allHookStartMs = performance.now();
        break;
      case 'hook_success':
      case 'hook_failure':
        this.endHook(event);
        break;
      case 'run_start':
        this.startFile(state);
        break;
      case 'run_finish':
        this.finishFile();
        break;
      default:
        break;
    }
  }

  /** Adds a span measured by the test itself to the attempt that is running. */
  recordSpan(name: string, startMs: number, durationMs: number): void {
    const attempt = this.current;
    if (attempt === null) return;
    attempt.spans.push({name: String(name), offsetMs: Math.max(0, startMs - attempt.startMs), durationMs});
  }

  close(): void {
    process.removeListener('exit', this.onProcessExit);
    this.flush();
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
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

    const loadMs = performance.now() - this.setupDoneMs;
    this.fd = openSync(this.channelPath, 'a');
    // Prepended: in band, the reporter's own exit listener (registered earlier) must see this file's last record.
    process.prependOnceListener('exit', this.onProcessExit);
    const line: FileStartLine = {
      v: CHANNEL_VERSION,
      k: 'file-start',
      session: this.session,
      testPath: this.testPath,
      workerId: this.workerId,
      loadMs,
      heapStartBytes: getHeapStatistics().used_heap_size,
    };
    this.write(JSON.stringify(line));
    this.flush();
  }

  private finishFile(): void {
    const line: FileEndLine = {
      v: CHANNEL_VERSION,
      k: 'file-end',
      session: this.session,
      beforeAllMs: this.beforeAllMs,
      afterAllMs: this.afterAllMs,
      heapEndBytes: getHeapStatistics().used_heap_size,
      hookFailures: this.hookFailures,
    };
    this.write(JSON.stringify(line));
    this.flush();
  }

  /**
   * The worker is exiting mid-file (a test called `process.exit`, or Jest killed it): record the attempts that
   * were running as failed, so the report says which test took the worker down. 'exit' listeners run
   * synchronously, and so does the write.
   */
  private readonly onProcessExit = (code: number): void => {
    for (const test of [...this.active.keys()]) {
      this.finishAttempt(test, null, `${WORKER_EXIT_PREFIX} (code ${code}) while this test was running`);
    }
    this.close();
  };

  private endHook(event: CircusEventLike): void {
    const type = event.hook!.type;
    if (type === 'beforeAll' || type === 'afterAll') {
      const elapsed = performance.now() - this.allHookStartMs;
      if (type === 'beforeAll') this.beforeAllMs += elapsed;
      else this.afterAllMs += elapsed;
      if (event.name === 'hook_failure') {
        this.hookFailures.push(describeFailure([event.error], type, this.rootDir));
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

  private startAttempt(test: CircusTestLike): void {
    const concurrent = test.concurrent === true || this.active.size > 0;
    if (concurrent) for (const other of this.active.values()) other.concurrent = true;
    this.sampler?.reset();
    const usage = process.resourceUsage();
    const attempt: ActiveAttempt = {
      position: this.positionOf(test),
      startMs: 0,
      startedAtMs: Date.now(),
      fnStartMs: -1,
      fnEndMs: -1,
      rssStartBytes: this.readRss(),
      heapStartBytes: getHeapStatistics().used_heap_size,
      cpuUserStartUs: usage.userCPUTime,
      cpuSystemStartUs: usage.systemCPUTime,
      maxRssStartKiB: usage.maxRSS,
      // A beforeAll failure is attached to the test before it starts.
      failedPhase: test.errors.length > 0 ? 'beforeAll' : null,
      concurrent,
      spans: [],
    };
    this.active.set(test, attempt);
    this.current = attempt;
    attempt.startMs = performance.now();
  }

  private finishAttempt(test: CircusTestLike, notRun: 'skipped' | 'todo' | null, exitMessage?: string): void {
    const endMs = performance.now();
    const attempt = this.active.get(test);
    if (attempt === undefined) return;
    this.active.delete(test);
    if (this.current === attempt) this.current = null;

    let record: AttemptRecord;
    if (notRun !== null) {
      record = emptyAttempt(test.invocations, notRun, attempt.startedAtMs);
    } else {
      const usage = process.resourceUsage();
      const rssEndBytes = this.readRss();
      const heapEndBytes = getHeapStatistics().used_heap_size;
      // A new all-time high reached during the attempt is its exact peak; below an earlier high, the sampler
      // and the two end points are what we know.
      const highWaterBytes = usage.maxRSS > attempt.maxRssStartKiB ? usage.maxRSS * 1024 : 0;
      const sampledBytes = this.sampler ? this.sampler.peakBytes() : 0;
      const durationMs = endMs - attempt.startMs;
      this.sampler?.noteDuration(durationMs);
      const fnStartMs = attempt.fnStartMs < 0 ? endMs : attempt.fnStartMs;
      // No fn end: a beforeEach failed and the body never ran; everything after the fn start is teardown.
      const fnEndMs = attempt.fnEndMs < 0 ? fnStartMs : attempt.fnEndMs;
      const cpuUserMs = (usage.userCPUTime - attempt.cpuUserStartUs) / 1000;
      const cpuSystemMs = (usage.systemCPUTime - attempt.cpuSystemStartUs) / 1000;
      const failed = test.errors.length > 0 || exitMessage !== undefined;
      const errors = exitMessage === undefined ? test.errors : [...test.errors, exitMessage];
      record = {
        attempt: test.invocations,
        status: failed ? 'failed' : 'passed',
        startedAtMs: attempt.startedAtMs,
        durationMs,
        setupMs: fnStartMs - attempt.startMs,
        callMs: fnEndMs - fnStartMs,
        teardownMs: endMs - fnEndMs,
        rssStartBytes: attempt.rssStartBytes,
        rssPeakBytes: Math.max(attempt.rssStartBytes, rssEndBytes, highWaterBytes, sampledBytes),
        rssEndBytes,
        heapStartBytes: attempt.heapStartBytes,
        heapEndBytes,
        cpuUserMs,
        cpuSystemMs,
        cpuPercent: durationMs > 0 ? ((cpuUserMs + cpuSystemMs) / durationMs) * 100 : null,
        concurrent: attempt.concurrent,
        spans: attempt.spans,
        failure: failed ? describeFailure(errors, attempt.failedPhase ?? 'test', this.rootDir) : null,
      };
    }
    this.write(encodeAttemptLine(this.session, attempt.position, record));
  }

  private write(json: string): void {
    this.pending += `${json}\n`;
    // Flushed at file start and end, on process exit (see onProcessExit), and at least every FLUSH_MS, so a worker
    // that dies mid-file keeps what it finished; batching keeps the syscalls off a fast suite's hot path.
    const now = performance.now();
    if (now - this.lastFlushMs >= FLUSH_MS || this.pending.length >= FLUSH_BYTES) this.flush(now);
  }

  private flush(now = performance.now()): void {
    this.lastFlushMs = now;
    if (this.fd === null || this.pending.length === 0) return;
    writeSync(this.fd, this.pending);
    this.pending = '';
  }
}

function emptyAttempt(attempt: number, status: TestStatus, startedAtMs: number): AttemptRecord {
  return {
    attempt,
    status,
    startedAtMs,
    durationMs: 0,
    setupMs: 0,
    callMs: 0,
    teardownMs: 0,
    rssStartBytes: 0,
    rssPeakBytes: 0,
    rssEndBytes: 0,
    heapStartBytes: 0,
    heapEndBytes: 0,
    cpuUserMs: 0,
    cpuSystemMs: 0,
    cpuPercent: null,
    concurrent: false,
    spans: [],
    failure: null,
  };
}

/**
 * `JSON.stringify` of an `AttemptLine`, written out by hand: this runs once per test, and a template of numbers is
 * several times cheaper than serialising the object. The decoder sees ordinary JSON; `channel.test.ts` checks
 * that both encodings agree.
 */
export function encodeAttemptLine(session: string, position: Position, a: AttemptRecord): string {
  position.titlePathJson ??= JSON.stringify(position.titlePath);
  return (
    `{"v":${CHANNEL_VERSION},"k":"attempt","session":"${session}","index":${position.index},"titlePath":${position.titlePathJson},` +
    `"a":{"attempt":${a.attempt},"status":"${a.status}","startedAtMs":${a.startedAtMs},"durationMs":${a.durationMs},` +
    `"setupMs":${a.setupMs},"callMs":${a.callMs},"teardownMs":${a.teardownMs},"rssStartBytes":${a.rssStartBytes},` +
    `"rssPeakBytes":${a.rssPeakBytes},"rssEndBytes":${a.rssEndBytes},"heapStartBytes":${a.heapStartBytes},` +
    `"heapEndBytes":${a.heapEndBytes},"cpuUserMs":${a.cpuUserMs},"cpuSystemMs":${a.cpuSystemMs},` +
    `"cpuPercent":${a.cpuPercent === null || !Number.isFinite(a.cpuPercent) ? 'null' : a.cpuPercent},"concurrent":${a.concurrent},` +
    `"spans":${a.spans.length === 0 ? '[]' : JSON.stringify(a.spans)},"failure":${a.failure === null ? 'null' : JSON.stringify(a.failure)}}}`
  );
}
