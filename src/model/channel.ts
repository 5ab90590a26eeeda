/**
 * The worker-to-reporter channel.
 *
 * Jest has no official way for an environment to hand data to a reporter (jestjs/jest#15385), and its worker IPC
 * keeps only what survives JSON serialisation of the test result. So: the reporter's constructor (which runs
 * before any worker is forked) creates a run directory and exports its path, with the resolved options, in
 * `CHANNEL_ENV_VAR`. Workers inherit it. Each worker (a process, or a thread under `workerThreads`) appends to one
 * NDJSON file of its own, opened once: a file-start line for each test file it runs, then a line per finished
 * attempt, synchronously, so a worker that dies mid-file still leaves what it finished. A worker runs one test file
 * at a time, so a file's lines are the ones between its file-start line and the next. `env.teardown()` is awaited
 * before the file's result leaves the worker, so when the reporter's `onTestFileResult` reads what was appended,
 * the file's lines are complete.
 *
 * Every line carries the channel version; a reader meeting another version says so once and skips the line.
 * jest-worker re-runs a file whose worker crashed, so each environment instance writes under its own `session`
 * and the reader keeps only the last session of a file.
 */
import * as path from 'path';
import type {AttemptRecord, FailureMode, PeakRssMethod, FailureRecord, FileImports, FileRecord, ProfileFunction, SpanRecord, TestRecord, TestStatus} from './types';

/** Bumped whenever a line's shape changes incompatibly. */
export const CHANNEL_VERSION = 8;

/** Set by the reporter's constructor, read by the environment in each worker. */
export const CHANNEL_ENV_VAR = 'JEST_PERF_MONITOR_CHANNEL';

/** What the environment needs from the reporter's resolved options. */
export interface EnvironmentSettings {
  /** Seconds between RSS samples taken off the JS thread; 0 disables the sampler. */
  rssSampleIntervalS: number;
  /**
   * How much context a failure gets; the reporter already fell back from trace where it knew trace cannot work.
   * `auto`: trace for the files that failed in the previous run (see `model/failedFiles`), profile for the others.
   */
  mode: FailureMode | 'auto';
  /** Keep `node_modules` and `node:` frames in stacks when false. */
  skipInternalFrames: boolean;
  /** Trace mode: read the failing frames' local variables. */
  includeLocals: boolean;
  /** Trace mode: read the test function's closure variables. */
  includeClosure: boolean;
  /** Trace mode: nesting levels kept in captured values. */
  maxDepth: number;
  /** Trace mode: class instances with their fields, else their class name only. */
  extractClasses: boolean;
  /** Fraction (0–1) of failures that get full context, chosen by a hash of the test id. */
  captureRate: number;
  /** The user's extra secret names (lower-cased substrings), on top of the built-in rules of model/redactSecrets. */
  redact: string[];
  /** Force a full GC after each test and record the heap it leaves (leak detection). */
  leaks: boolean;
  /** Time each module a test file loads through Jest's runtime (the runner only: environments never see the runtime). */
  imports?: boolean;
  /** CPU profiles of the slowest tests; absent or null when off. */
  cpuProfile?: ProfileSettings | null;
  /**
   * The run's root as the reporter knew it from the global config (see `model/runRoot`): ids, locations and module
   * names are relative to it. Absent from an older reporter: the global rootDir then.
   */
  runRoot?: string;
}

/** What a worker needs to profile tests and keep only the candidates. */
export interface ProfileSettings {
  /** Each worker keeps its own this many slowest tests' profiles (the run's slowest are among them). */
  tests: number;
  samplingIntervalUs: number;
  /** Duration budgets (`budgets.tests[].maxDuration`), in order: a test over its file's limit keeps its profile too. */
  maxDuration: Array<{match: string; maxDurationMs: number}>;
}

/** A test whose profile a worker kept: the reporter picks the run's slowest among these. */
export interface ProfileCandidate {
  /** The test's position in its file (`TestRecord.index`) and the attempt profiled (the last one it ran). */
  index: number;
  attempt: number;
  durationMs: number;
  /** The sliced `.cpuprofile`, in the channel directory; a worker deletes it when a slower test displaces it. */
  path: string;
  top: ProfileFunction[];
  /** Over a duration budget: kept whatever its rank. */
  overBudget: boolean;
}

/** The value of `CHANNEL_ENV_VAR`, as JSON. */
export interface ChannelDescriptor {
  v: number;
  /** Directory that receives one `.ndjson` file per worker (`workerChannelPath`). */
  dir: string;
  settings: EnvironmentSettings;
}

export type FileStartLine = {
  v: number;
  k: 'file-start';
  /** `channelKey` of the file's project and path: what the reporter finds the file's lines by. Third, after `v` and `k`: see `FILE_START_MARK`. */
  file: string;
  session: string;
  /**
   * Epoch milliseconds at the file's `run_start`. A file re-run after its worker died is in another worker's
   * file, which the reader may read first: the latest start is the run Jest reports.
   */
  startedAtMs: number;
  testPath: string;
  workerId: number;
  loadMs: number;
  heapStartBytes: number;
  /** How the file's peaks were taken (`system.peak_rss`); absent from writers before it was recorded. */
  peakRss?: PeakRssMethod;
};

/**
 * An attempt travels as a JSON array, which is quicker to write and to parse than an object with keys:
 * `[version, index, titlePath, ...ATTEMPT_NUMBERS numbers in AttemptSlot order]`, then, only when any is set,
 * `spans, failure, retainedHeapBytes`. Times are whole microseconds, as the recorder measures them.
 */
export type AttemptArray = [number, number, string[], ...unknown[]];

/** Where each number of an attempt sits, counted from the first number (array position 3). */
export const AttemptSlot = {
  attempt: 0,
  /** An index into `STATUS_CODES`. */
  status: 1,
  startedAtMs: 2,
  durationUs: 3,
  /** From the start to the test function's start. */
  setupUs: 4,
  callUs: 5,
  teardownUs: 6,
  rssStartBytes: 7,
  rssPeakBytes: 8,
  rssEndBytes: 9,
  /** -1 when the heap was not read per test (static mode); both heap slots then are. */
  heapStartBytes: 10,
  heapEndBytes: 11,
  cpuUserUs: 12,
  cpuSystemUs: 13,
  /** 1 or 0. */
  concurrent: 14,
  /**
   * Wall time before the test's start that its CPU figures cover: the gap since the previous test's end when its
   * start figures were carried from there (docs/how-it-measures.md#back-to-back-tests); 0 otherwise. The CPU share
   * is taken over the duration plus this, the window the CPU time was measured over.
   */
  cpuLeadUs: 15,
} as const;

/** The heap slots' value when static mode did not read the heap for the test. */
export const HEAP_NOT_READ = -1;

/** How many numbers an attempt has. */
export const ATTEMPT_NUMBERS = 16;

export const STATUS_CODES: readonly TestStatus[] = ['passed', 'failed', 'skipped', 'todo'];

/** The non-numeric tail of an attempt; most attempts have none. */
export interface AttemptExtras {
  spans: SpanRecord[];
  failure: FailureRecord | null;
  retainedHeapBytes: number | null;
}

interface AttemptLine {
  index: number;
  titlePath: string[];
  a: AttemptRecord;
}

/**
 * The line of an attempt given as a record: what the recorder's writer produces from its numbers, for tests and the
 * benchmark's synthetic channel files. Milliseconds are rounded to the microseconds the recorder measures.
 */
export function encodeAttemptRecord(index: number, titlePath: string[], a: AttemptRecord, cpuLeadMs = 0): string {
  const us = (ms: number): number => Math.round(ms * 1000);
  const numbers = [
    a.attempt,
    STATUS_CODES.indexOf(a.status),
    a.startedAtMs,
    us(a.durationMs),
    us(a.setupMs),
    us(a.callMs),
    us(a.teardownMs),
    a.rssStartBytes,
    a.rssPeakBytes,
    a.rssEndBytes,
    a.heapStartBytes ?? HEAP_NOT_READ,
    a.heapEndBytes ?? HEAP_NOT_READ,
    us(a.cpuUserMs),
    us(a.cpuSystemMs),
    a.concurrent ? 1 : 0,
    us(cpuLeadMs),
  ];
  const extras = a.spans.length > 0 || a.failure !== null || a.retainedHeapBytes !== null ? [a.spans, a.failure, a.retainedHeapBytes] : [];
  return JSON.stringify([CHANNEL_VERSION, index, titlePath, ...numbers, ...extras]);
}

/** The attempt an array line holds, in the model's units. */
export function decodeAttempt(line: AttemptArray, maxCpuPercent = Number.POSITIVE_INFINITY): AttemptLine {
  const n = (slot: number): number => line[3 + slot] as number;
  const durationUs = n(AttemptSlot.durationUs);
  const cpuUserUs = n(AttemptSlot.cpuUserUs);
  const cpuSystemUs = n(AttemptSlot.cpuSystemUs);
  const cpuWindowUs = durationUs + n(AttemptSlot.cpuLeadUs);
  const heapStartBytes = n(AttemptSlot.heapStartBytes);
  const hasExtras = line.length > 3 + ATTEMPT_NUMBERS;
  return {
    index: line[1],
    titlePath: line[2],
    a: {
      attempt: n(AttemptSlot.attempt),
      status: STATUS_CODES[n(AttemptSlot.status)] ?? 'failed',
      startedAtMs: n(AttemptSlot.startedAtMs),
      durationMs: durationUs / 1000,
      setupMs: n(AttemptSlot.setupUs) / 1000,
      callMs: n(AttemptSlot.callUs) / 1000,
      teardownMs: n(AttemptSlot.teardownUs) / 1000,
      rssStartBytes: n(AttemptSlot.rssStartBytes),
      rssPeakBytes: n(AttemptSlot.rssPeakBytes),
      rssEndBytes: n(AttemptSlot.rssEndBytes),
      heapStartBytes: heapStartBytes === HEAP_NOT_READ ? null : heapStartBytes,
      heapEndBytes: heapStartBytes === HEAP_NOT_READ ? null : n(AttemptSlot.heapEndBytes),
      cpuUserMs: cpuUserUs / 1000,
      cpuSystemMs: cpuSystemUs / 1000,
      cpuPercent: cpuWindowUs > 0 ? Math.min(maxCpuPercent, Math.round(((cpuUserUs + cpuSystemUs) / cpuWindowUs) * 10000) / 100) : null,
      concurrent: n(AttemptSlot.concurrent) === 1,
      spans: hasExtras ? (line[3 + ATTEMPT_NUMBERS] as SpanRecord[]) : NO_SPANS,
      failure: hasExtras ? (line[4 + ATTEMPT_NUMBERS] as FailureRecord | null) : null,
      retainedHeapBytes: hasExtras ? (line[5 + ATTEMPT_NUMBERS] as number | null) : null,
    },
  };
}

export type FileEndLine = {
  v: number;
  k: 'file-end';
  session: string;
  beforeAllMs: number;
  afterAllMs: number;
  heapEndBytes: number;
  hookFailures: FileRecord['hookFailures'];
  selfMs: number;
  /** What trace mode's debugger cost the file, beside `selfMs` (absent before channel version 4's writers had it). */
  traceMs?: number;
  tracePauses: number;
  /** One-line notices for the user (trace mode falling back, for one); the reporter prints each once. */
  notices: string[];
  /** The file's module loads, when `imports` is on and the runner could time them. */
  imports?: ImportsLine;
  /** `cpuProfile`: this file's tests whose profiles the worker kept (some may be displaced by later files). */
  profiles?: ProfileCandidate[];
  /**
   * How the file's attempts got their start figures: from the previous attempt's end (back to back) or read afresh;
   * and how many peaks needed the status file (below the process's floor, see `KernelPeak`). Not in the report: a
   * figure for this package's own tests and measurements.
   */
  starts?: {carried: number; fresh: number; statusReads: number; resetsSkipped?: number};
  /** The worker's own-cost figures so far (cumulative: the reporter keeps each worker's last). */
  own?: OwnCostLine;
};

/**
 * A worker's own cost beyond its files' `selfMs`, cumulative over the process (docs/performance.md, "Own cost"). A
 * figure that cannot be read on this system is null.
 */
export type OwnCostLine = {
  pid: number;
  /** Node's thread id: 0 in a worker process, the thread's under `workerThreads` (which share the pid). */
  thread: number;
  /** Loading the package's entry modules: CPU of the loading thread where readable, else wall time. */
  loadMs: number;
  /** CPU of the RSS sampler thread (0 when none started). */
  samplerMs: number | null;
  /** CPU of V8's profiler thread (`cpuProfile`; 0 when off). */
  profilerMs: number | null;
  /** The whole process's CPU (user + system) so far. */
  cpuMs: number;
};

/**
 * Written after the file's environment was torn down (after `file-end`, in the same session): the worker's heap and
 * RSS at this file boundary, and at the one before it in the same process. Absent for a file whose teardown never
 * finished (a crash).
 */
export type FileAfterLine = {
  v: number;
  k: 'file-after';
  session: string;
  heapBeforeBytes: number;
  rssBeforeBytes: number;
  heapAfterBytes: number;
  rssAfterBytes: number;
  /** Both readings followed a forced full GC (leak detection). */
  afterGc: boolean;
  /** The worker process, and the file's place among the files it ran (1 = its first). */
  pid: number;
  order: number;
  /** What taking the reading cost, added to the file's own time. */
  ownMs: number;
};

/** One module's cost in a channel line: `[module, selfUs, totalUs, transformUs, count]`, times in whole microseconds. */
export type ModuleCostArray = [string, number, number, number, number];

/** A file's module loads as the runner timed them. */
export interface ImportsLine {
  /**
   * The costliest modules by self time (in no particular order), at most `CHANNEL_IMPORTS`: the file keeps its 10
   * costliest, the rest is for the run's totals, where a module cheap in each file but loaded by all of them adds up.
   */
  modules: ModuleCostArray[];
  /** Distinct modules the file loaded, those past the cap included. */
  count: number;
  /** Microseconds of the file's load time (up to `run_start`) spent inside module loads. */
  loadUs: number;
}

/**
 * Modules a file sends: beyond the file's own top 10, so that the run's totals stay right for a module that is cheap
 * in each file but loaded by every file. 200 covers every module of most test files; past it, a module left out
 * costs that file less than the 200th does (typically well under a millisecond). About 12 KB per file at most.
 */
export const CHANNEL_IMPORTS = 200;

export type ChannelLine = FileStartLine | AttemptArray | FileEndLine | FileAfterLine;

/**
 * The key of one test file of one project in the channel: a hash of the project and the path, so both sides derive
 * it and nothing else needs to be exchanged; the project id keeps two projects that share a test file apart. Not a
 * cryptographic hash: nothing here is adversarial, and in a Jest worker `createHash('sha1')` cost ~50 µs a file.
 * Two independent 53-bit hashes (cyrb53, public domain) make 106 bits, of which the key keeps 80: no collision
 * among any number of test files a run can have. Hex digits only, so it needs no escaping in JSON.
 */
export function channelKey(projectId: string, testPath: string): string {
  const text = `${projectId}\0${testPath}`;
  return `${cyrb53(text, 0x9e3779b9).toString(16).padStart(14, '0').slice(-10)}${cyrb53(text, 0x85ebca6b).toString(16).padStart(14, '0').slice(-10)}`;
}

/**
 * How a file-start line begins (`JSON.stringify` keeps the key order of `FileStartLine`): the reader finds each test
 * file's lines in a worker's file by it, at a line start. Quotes inside JSON strings are escaped, so no title or
 * message can contain it.
 */
export const FILE_START_MARK = `{"v":${CHANNEL_VERSION},"k":"file-start","file":"`;

/** One worker's channel file: per process, and per thread under `workerThreads`. */
export function workerChannelPath(dir: string, processId: number, threadId: number): string {
  return path.join(dir, `w${processId}-${threadId}.ndjson`);
}

/** Bound once: inside a vm context (Jest's sandbox, where the unit tests run this) every `Math` lookup is slow. */
const imul = Math.imul;

function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = imul(h1 ^ code, 2654435761);
    h2 = imul(h2 ^ code, 1597334677);
  }
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

let mismatchReported = false;
let lastDescriptor: {raw: string; parsed: ChannelDescriptor | null} = {raw: '', parsed: null};

/**
 * Reads `CHANNEL_ENV_VAR`; null when absent. A malformed value, or one of another channel version (the
 * environment and the reporter come from two installed copies of this package), is said once on stderr: the
 * run then goes on unmeasured rather than half-measured.
 */
export function readChannelDescriptor(env: NodeJS.ProcessEnv = process.env): ChannelDescriptor | null {
  const raw = env[CHANNEL_ENV_VAR];
  if (!raw) return null;
  // Read for every test file (twice by the environment entries); the value changes only between watch runs.
  if (raw === lastDescriptor.raw) return lastDescriptor.parsed;
  let problem: string;
  try {
    const parsed = JSON.parse(raw) as ChannelDescriptor;
    if (parsed.v === CHANNEL_VERSION && typeof parsed.dir === 'string') {
      lastDescriptor = {raw, parsed};
      return parsed;
    }
    problem = `the reporter speaks channel version ${String(parsed.v)}, this environment version ${CHANNEL_VERSION}: are two versions of jest-perf-monitor installed?`;
  } catch {
    problem = `${CHANNEL_ENV_VAR} is not valid JSON`;
  }
  if (!mismatchReported) {
    mismatchReported = true;
    process.stderr.write(`jest-perf-monitor: ${problem} Tests run unmeasured.\n`);
  }
  return null;
}

/** What one channel file decodes to. */
export interface DecodedChannelFile {
  file: FileRecord | null;
  tests: TestRecord[];
  /** Per test (same order as `tests`): the length of its lines, an estimate of what holding it costs. */
  testBytes: number[];
  notices: string[];
  /** Lines skipped because they were of another channel version or not JSON (a torn last line after a crash). */
  skippedLines: number;
  /** A channel version other than ours, when one was seen. */
  foreignVersion: number | null;
  /** `cpuProfile`: candidates for a profile among this file's tests. */
  profiles?: ProfileCandidate[];
  /** The worker's own-cost figures as of this file's end (absent from a file that did not end, or an older writer). */
  own?: OwnCostLine | null;
}

/** Shared by every attempt that recorded no span. */
const NO_SPANS: AttemptRecord['spans'] = [];

/**
 * The reporter holds every test of the run, so what each decoded line retains counts (the bench holds it to 1 KB
 * per test). JSON.parse gives every line its own copy of the describe titles and an empty spans array: the file's
 * tests share one of each instead.
 */
function shareStrings(line: AttemptLine, describeTitles: Map<string, string>): void {
  const titles = line.titlePath;
  for (let index = 0; index < titles.length - 1; index++) {
    const known = describeTitles.get(titles[index]);
    if (known === undefined) describeTitles.set(titles[index], titles[index]);
    else titles[index] = known;
  }
  if (line.a.spans.length === 0) line.a.spans = NO_SPANS;
}

/**
 * Decodes one test file's lines from the channel. Keeps one session only, the one that started last: jest-worker
 * re-runs a file whose worker died, in another worker, whose lines may be read before the dead one's.
 *
 * `maxCpuPercent`: the CPU share's cap, 100 × the cores the process can run on. Other threads' CPU time reaches the
 * process's total only at their next scheduler tick, so a window shorter than a tick can hold more than its cores
 * could give it (docs/how-it-measures.md: CPU).
 */
export function decodeChannelFile(text: string, maxCpuPercent = Number.POSITIVE_INFINITY): DecodedChannelFile {
  let skippedLines = 0;
  let foreignVersion: number | null = null;
  let start: FileStartLine | null = null;
  /** The lines read are of a run that started before `start`'s. */
  let older = false;
  let end: FileEndLine | null = null;
  let after: FileAfterLine | null = null;
  let attempts: AttemptLine[] = [];
  let attemptBytes: number[] = [];
  const describeTitles = new Map<string, string>();

  for (const raw of text.split('\n')) {
    if (raw.length === 0) continue;
    let line: ChannelLine;
    try {
      line = JSON.parse(raw) as ChannelLine;
    } catch {
      skippedLines++;
      continue;
    }
    const version = Array.isArray(line) ? line[0] : (line as {v?: unknown} | null)?.v;
    if (version !== CHANNEL_VERSION) {
      foreignVersion = typeof version === 'number' ? version : null;
      skippedLines++;
      continue;
    }
    if (Array.isArray(line)) {
      // An attempt belongs to the file-start line before it: jest-worker re-runs a file only after its worker died.
      if (start === null || end !== null || older) continue;
      const attempt = decodeAttempt(line, maxCpuPercent);
      shareStrings(attempt, describeTitles);
      attempts.push(attempt);
      attemptBytes.push(raw.length);
    } else if (line.k === 'file-start') {
      // Runs of a file come in the order the reader met the workers' files, not the order they ran: keep the latest.
      older = start !== null && line.startedAtMs < start.startedAtMs;
      if (older) continue;
      start = line;
      end = null;
      after = null;
      attempts = [];
      attemptBytes = [];
    } else if (start !== null && line.session === start.session) {
      if (line.k === 'file-after') after = line;
      else end = line;
    }
  }

  if (!start) return {file: null, tests: [], testBytes: [], notices: [], skippedLines, foreignVersion, profiles: []};

  const newTest = (line: AttemptLine): TestRecord => ({
    testPath: start.testPath,
    titlePath: line.titlePath,
    index: line.index,
    workerId: start.workerId,
    attempts: [line.a],
  });
  let tests: TestRecord[];
  let testBytes: number[];
  if (attempts.every((line, position) => position === 0 || line.index > attempts[position - 1].index)) {
    // The common case, one attempt per test in order (no retries, no concurrency): no grouping needed.
    tests = attempts.map(newTest);
    testBytes = attemptBytes;
  } else {
    const byIndex = new Map<number, TestRecord>();
    const bytesByIndex = new Map<number, number>();
    attempts.forEach((line, position) => {
      bytesByIndex.set(line.index, (bytesByIndex.get(line.index) ?? 0) + attemptBytes[position]);
      const test = byIndex.get(line.index);
      if (test) test.attempts.push(line.a);
      else byIndex.set(line.index, newTest(line));
    });
    tests = [...byIndex.values()].sort((a, b) => a.index - b.index);
    testBytes = tests.map(test => bytesByIndex.get(test.index) ?? 0);
  }

  const file: FileRecord = {
    testPath: start.testPath,
    workerId: start.workerId,
    loadMs: start.loadMs,
    heapStartBytes: start.heapStartBytes,
    beforeAllMs: end ? end.beforeAllMs : 0,
    afterAllMs: end ? end.afterAllMs : 0,
    heapEndBytes: end ? end.heapEndBytes : 0,
    completed: end !== null,
    hookFailures: end ? end.hookFailures : [],
    selfMs: (end ? end.selfMs : 0) + (after ? after.ownMs : 0),
    traceMs: end?.traceMs ?? 0,
    tracePauses: end?.tracePauses ?? 0,
    // Set by the reporter, which knows Jest's result for the file and the run's projects.
    loadError: null,
    project: null,
    imports: end?.imports ? decodeImports(end.imports) : null,
    boundary: after
      ? {
          heapBeforeBytes: after.heapBeforeBytes,
          rssBeforeBytes: after.rssBeforeBytes,
          heapAfterBytes: after.heapAfterBytes,
          rssAfterBytes: after.rssAfterBytes,
          afterGc: after.afterGc,
          processId: after.pid,
          order: after.order,
          // Set by the reporter once the worker's later files are in (see analysis/workerGrowth).
          heapLeftBytes: null,
          rssLeftBytes: null,
        }
      : null,
  };
  if (start.peakRss !== undefined) file.peakRss = start.peakRss;
  return {file, tests, testBytes, notices: end?.notices ?? [], skippedLines, foreignVersion, profiles: end?.profiles ?? [], own: end?.own ?? null};
}

/** A file's imports line in the model's units (every module the line carries: the reporter keeps the top 10). */
export function decodeImports(line: ImportsLine): FileImports {
  return {
    modules: line.modules.map(([module, selfUs, totalUs, transformUs, count]) => ({module, selfMs: selfUs / 1000, totalMs: totalUs / 1000, transformMs: transformUs / 1000, count})),
    moduleCount: line.count,
    loadImportsMs: line.loadUs / 1000,
  };
}
