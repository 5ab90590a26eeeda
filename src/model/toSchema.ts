/**
 * The one place where the model (milliseconds, bytes) becomes the performance_metrics.json schema (seconds, MiB).
 * The seed schema's keys are kept key for key; everything else is an extra key (docs/schema.md).
 */
import {idGivesTitles} from './testId';
import {ownCostMs, ownCostPercent} from './overhead';
import type {AttemptRecord, BudgetBreach, DriftEstimate, DurationChange, FailureRecord, FileLeak, FileRecord, ModuleCost, RunDrift, RunMetrics, RunModuleCost, TestEntry, VariablesMissing, WorkerGrowth} from './types';

/** The version of the extensions this package writes, and the newest it reads back. */
export const SCHEMA_VERSION = 1;

const MIB = 1024 * 1024;

// The schema's precisions, as whole numbers of units: `seconds` and `millis` keep microseconds, `mebibytes`
// thousandths of a MiB, `percent` tenths. The numbers below divide them; `testEntryJson` prints them (`fixedJson`).
const microseconds = (ms: number): number => Math.round(ms * 1000);
const mibThousandths = (bytes: number): number => Math.round((bytes / MIB) * 1000);
const tenths = (value: number): number => Math.round(value * 10);

/** Seconds, to the microsecond. */
export const seconds = (ms: number): number => microseconds(ms) / 1e6;
/** MiB, to the KiB-ish (3 decimals). */
export const mebibytes = (bytes: number): number => mibThousandths(bytes) / 1000;
/** Percent, to 0.1. */
export const percent = (value: number | null): number | null => (value === null ? null : tenths(value) / 10);
const millis = (ms: number): number => microseconds(ms) / 1000;

/** The second last formatted by `isoTime`, and its text up to the milliseconds. */
let isoSecond = Number.NaN;
let isoPrefix = '';
/** Epoch milliseconds of year 10000, where `toISOString` switches to six-digit years. */
const ISO_LIMIT_MS = 253402300800000;

/**
 * `new Date(ms).toISOString()`, reusing the text of the second before: formatting a date costs V8 over a
 * microsecond on the bench machine, and a run's tests start many to a second.
 */
export function isoTime(ms: number): string {
  const whole = Math.trunc(ms);
  if (!(whole >= 0 && whole < ISO_LIMIT_MS)) return new Date(ms).toISOString();
  const second = Math.floor(whole / 1000);
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    isoSecond = second;
  }
  const millisecond = whole - second * 1000;
  return `${isoPrefix}${millisecond < 10 ? '00' : millisecond < 100 ? '0' : ''}${millisecond}Z`;
}

export interface SchemaMemory {
  start_mb: number;
  peak_mb: number;
  end_mb: number;
  delta_mb: number;
}

export interface SchemaFailure {
  test: string;
  file: string;
  phase: FailureRecord['phase'];
  error_type: string | null;
  message: string;
  location: FailureRecord['location'];
  code_frame: string | null;
  stack: string | null;
  locals: Record<string, Record<string, unknown>> | null;
  closure: Record<string, unknown> | null;
  captured: boolean;
  /** Trace and `auto` mode: why `locals` and `closure` are null (see `VariablesMissing`); absent otherwise. */
  variables_missing?: VariablesMissing;
  error_count: number;
  timestamp: string;
}

export interface SchemaAttempt {
  attempt: number;
  status: AttemptRecord['status'];
  started_at: string;
  duration: number;
  setup_time: number;
  call_time: number;
  teardown_time: number;
  memory: SchemaMemory;
  cpu_percent: number | null;
  failure?: SchemaFailure;
}

export interface SchemaTest {
  duration: number;
  setup_time: number;
  call_time: number;
  teardown_time: number;
  memory: SchemaMemory;
  cpu_percent: number | null;
  status: AttemptRecord['status'];
  file: string;
  attempts?: SchemaAttempt[];
  /** `retained_mb`: the heap left after a forced GC at the test's end, when leak detection ran. */
  heap?: {start_mb: number; end_mb: number; delta_mb: number; retained_mb?: number};
  cpu_user_ms: number;
  cpu_system_ms: number;
  worker: number;
  concurrent: boolean;
  started_at: string;
  /** The describe titles and title, present only when the id alone cannot give them back (see `titlePathFromId`). */
  titles?: string[];
  /** The Jest project that ran the test, in a run with more than one project. */
  project?: string;
  spans?: Array<{name: string; offset: number; duration: number}>;
  failure?: SchemaFailure;
  /** `cpuProfile`: a slow test's `.cpuprofile` (relative to the JSON file's directory) and its top functions. */
  profile?: SchemaProfile;
}

export interface SchemaProfile {
  file: string;
  top: Array<{function: string; location: string | null; self_ms: number; total_ms: number}>;
}

export interface SchemaFile {
  load_time: number;
  before_all_time: number;
  after_all_time: number;
  heap_start_mb: number;
  heap_end_mb: number;
  heap_growth_mb: number;
  worker: number;
  completed: boolean;
  hook_failures: SchemaFailure[];
  /** Trace mode: debugger pauses on exceptions during the file. */
  trace_pauses: number;
  /** The path relative to rootDir, present when the key is not the path alone (a `[project] ` prefix). */
  file?: string;
  /** The Jest project that ran the file, in a run with more than one project. */
  project?: string;
  /** The file could not run (a missing module, a syntax error, a throw at its top level). */
  load_error?: SchemaFailure;
  /** Seconds of `load_time` spent inside module loads (option `imports`, under the runner). */
  import_time?: number;
  /** Seconds: `load_time` minus `import_time`, the framework's own set-up (jest-circus, expect, the globals). */
  framework_setup_time?: number;
  /** Distinct modules the file loaded through Jest's runtime. */
  modules_loaded?: number;
  /** The file's 10 costliest modules by self time (milliseconds, as the keys say). */
  imports?: SchemaModuleCost[];
  /** The worker's memory once this file was torn down, and what the file left in it (docs/checks.md). */
  after_teardown?: SchemaFileBoundary;
}

/** A worker's memory after a file's teardown. MiB. */
export interface SchemaFileBoundary {
  heap_mb: number;
  rss_mb: number;
  /** Of the worker's growth that stayed until its last file, the part that appeared during this file (≥ 0). */
  heap_left_mb: number;
  rss_left_mb: number;
  /** True: read after a forced full GC (leak detection), retained memory; false: before GC, garbage included. */
  after_gc: boolean;
  /** The file's place among the files its worker process ran (1 = first). */
  order: number;
}

/** One worker process's memory across its files. MiB. */
export interface SchemaWorkerMemory {
  worker: number;
  pid: number;
  files: number;
  after_gc: boolean;
  heap_start_mb: number;
  heap_end_mb: number;
  heap_growth_mb: number;
  rss_start_mb: number;
  rss_end_mb: number;
  rss_growth_mb: number;
  top_files: Array<{file: string; heap_left_mb: number; rss_left_mb: number; share: number}>;
}

/** A module's cost in one file. Milliseconds, as the key names say. */
export interface SchemaModuleCost {
  module: string;
  self_ms: number;
  total_ms: number;
  transform_ms: number;
  count: number;
}

/** A module's cost summed over the run. Milliseconds, as the key names say. */
export interface SchemaRunModuleCost {
  module: string;
  self_ms: number;
  total_ms: number;
  transform_ms: number;
  /** Test files that loaded it. */
  files: number;
}

/** A budget breach. `value` and `limit` are in the unit the metric's name gives: seconds, or MiB for `_mb`. */
export interface SchemaBudgetBreach {
  scope: BudgetBreach['scope'];
  test?: string;
  rule?: string;
  /** Where the rule came from: `recommended: unit`, `budgets.tests[1]`, `budgets.suite`… */
  rule_source?: string;
  metric: 'duration' | 'setup_time' | 'delta_mb' | 'peak_mb';
  value: number;
  limit: number;
}

/** A test's duration against the baseline, in seconds. */
export interface SchemaDurationChange {
  test: string;
  baseline: number;
  current: number;
  /** Null when the baseline was 0 s. */
  change_percent: number | null;
  noise: number;
  /** The clock `baseline` and `current` are on: `wall` (duration) or `cpu` (user + system CPU time). */
  clock: DurationChange['clock'];
  /** The run's drift factor on that clock, which the test was judged relative to. */
  drift: number;
  /** The factor current / (baseline × drift) had to be beyond (1.2 = 20 %). */
  margin: number;
}

/** A drift estimate: exp(median log ratio), the tests it is the median of, the robust σ of their log ratios. */
export interface SchemaDriftEstimate {
  factor: number;
  tests: number;
  spread: number;
}

export interface SchemaRunDrift {
  overall: SchemaDriftEstimate | null;
  cpu: SchemaDriftEstimate | null;
  load: SchemaDriftEstimate | null;
  wall: SchemaDriftEstimate | null;
  /** Seconds. */
  wall_noise: number;
  /** Seconds. */
  cpu_noise: number;
  finding: {clock: DurationChange['clock']; direction: 'slower' | 'faster'; factor: number} | null;
}

export interface SchemaFileLeak {
  file: string;
  tests: number;
  retained_first_mb: number;
  retained_last_mb: number;
  growth_per_test_mb: number;
  /** The slope over the later half of the measurements (absent in files written before it was added). */
  later_growth_per_test_mb?: number;
  growing_share: number;
}

/** The blocks that exist only when their check ran (docs/checks.md). */
export interface SchemaFindings {
  budgets?: {tests_checked: number; breaches: SchemaBudgetBreach[]};
  regressions?: {
    baseline: string;
    threshold_percent: number;
    min_change: number;
    compared: number;
    /** Absent in files written before drift was estimated. */
    drift?: SchemaRunDrift;
    regressions: SchemaDurationChange[];
    improvements: SchemaDurationChange[];
    new: string[];
    gone: string[];
  };
  leaks?: {files_checked: number; flagged: SchemaFileLeak[]};
}

export interface MetricsDocument extends SchemaFindings {
  schema_version: number;
  session: {duration: number; total_tests: number; timestamp: string};
  system?: {
    platform: string;
    node_version: string;
    jest_version: string | null;
    cpu_count: number;
    memory_total_mb: number;
    /** How the tests' peak RSS was taken: `kernel`, `sampler` or `ends` (docs/how-it-measures.md#peak-rss); two when workers differed. */
    peak_rss?: string[];
    timestamp: string;
  };
  tests: Record<string, SchemaTest>;
  files: Record<string, SchemaFile>;
  /** The modules that cost most over the run, by summed self time (option `imports`). */
  imports?: SchemaRunModuleCost[];
  /** Each worker's memory across its files, the largest growth first (docs/checks.md, "Memory across files"). */
  worker_memory?: SchemaWorkerMemory[];
  /** Present and true when the run stopped before its end; the file holds the tests finished until then. */
  interrupted?: boolean;
  /** Test files Jest ran that this package did not measure, with Jest's own counts for them. */
  unmeasured?: {files: string[]; tests: number; passed: number; failed: number; runners?: string[]};
  /** Present when `cpuProfile` was on: every duration was taken with V8's sampling profiler running. */
  cpu_profile?: {sampling_interval_us: number; tests: number};
  /** Counts over every test, and whether the memory limits dropped records (docs/failure-context.md#memory-limits). */
  stats: {
    failures_count: number;
    passed_count: number;
    total_count: number;
    failures_at_limit: boolean;
    passed_at_limit: boolean;
    /** Estimated size of the records the reporter held, in MiB. */
    memory_usage_mb: number;
    /** Failure records whose detail `maxFailures` dropped. */
    failures_dropped: number;
    /** Passed tests `maxPassed` left out of `tests`. */
    passed_dropped: number;
  };
  /** Seconds this package itself spent: in the environments (all files) and in the reporter. */
  /** Seconds. `trace_time` is the part of `environment_time` that trace mode's debugger cost. */
  overhead: {
    environment_time: number;
    reporter_time: number;
    trace_time: number;
    /** Loading the package, in every worker and in Jest's process (CPU of the loading thread). */
    module_load_time?: number;
    /** CPU of the RSS sampler threads; null when it could not be read. */
    sampler_time?: number | null;
    /** `cpuProfile`: CPU of V8's profiler threads; null when it could not be read. */
    profiler_time?: number | null;
    /** Rendering and writing the reports written before this file (it is written last). */
    report_writing_time?: number;
    /** The sum of the above and of environment_time and reporter_time. */
    own_time?: number;
    /** The run's CPU: Jest's process and every worker's; null when a worker's is not known. */
    run_cpu_time?: number | null;
    /** own_time as a percentage of run_cpu_time; null when that is not known. */
    own_cpu_percent?: number | null;
  };
  summary: {
    total_duration: number;
    avg_duration: number;
    max_duration: number;
    min_duration: number;
    avg_memory_delta_mb: number;
    max_memory_delta_mb: number;
  };
}

function memory(attempt: AttemptRecord): SchemaMemory {
  return {
    start_mb: mebibytes(attempt.rssStartBytes),
    peak_mb: mebibytes(attempt.rssPeakBytes),
    end_mb: mebibytes(attempt.rssEndBytes),
    delta_mb: mebibytes(attempt.rssEndBytes - attempt.rssStartBytes),
  };
}

function failure(record: FailureRecord, test: string, file: string): SchemaFailure {
  return {
    test,
    file,
    phase: record.phase,
    error_type: record.errorType,
    message: record.message,
    location: record.location,
    code_frame: record.codeFrame,
    stack: record.stack,
    locals: record.locals,
    closure: record.closure,
    captured: record.captured,
    ...(record.variablesMissing ? {variables_missing: record.variablesMissing} : {}),
    error_count: record.errorCount,
    timestamp: isoTime(record.timestampMs),
  };
}

function attemptEntry(attempt: AttemptRecord, id: string, file: string): SchemaAttempt {
  const entry: SchemaAttempt = {
    attempt: attempt.attempt,
    status: attempt.status,
    started_at: isoTime(attempt.startedAtMs),
    duration: seconds(attempt.durationMs),
    setup_time: seconds(attempt.setupMs),
    call_time: seconds(attempt.callMs),
    teardown_time: seconds(attempt.teardownMs),
    memory: memory(attempt),
    cpu_percent: percent(attempt.cpuPercent),
  };
  if (attempt.failure) entry.failure = failure(attempt.failure, id, file);
  return entry;
}

/** One test's entry under `tests`: the last attempt's figures, plus every attempt when there were several. */
export function testEntry({id, file, project, record}: TestEntry): SchemaTest {
  const last = record.attempts[record.attempts.length - 1];
  const entry: SchemaTest = {
    duration: seconds(last.durationMs),
    setup_time: seconds(last.setupMs),
    call_time: seconds(last.callMs),
    teardown_time: seconds(last.teardownMs),
    memory: memory(last),
    cpu_percent: percent(last.cpuPercent),
    status: last.status,
    file,
    // Static mode reads the heap per file only: the key is left out rather than filled with figures never read.
    ...(last.heapStartBytes !== null &&
      last.heapEndBytes !== null && {
        heap: {
          start_mb: mebibytes(last.heapStartBytes),
          end_mb: mebibytes(last.heapEndBytes),
          delta_mb: mebibytes(last.heapEndBytes - last.heapStartBytes),
          ...(last.retainedHeapBytes !== null && {retained_mb: mebibytes(last.retainedHeapBytes)}),
        },
      }),
    cpu_user_ms: millis(last.cpuUserMs),
    cpu_system_ms: millis(last.cpuSystemMs),
    worker: record.workerId,
    concurrent: last.concurrent,
    started_at: isoTime(last.startedAtMs),
  };
  if (!idGivesTitles(id, file, record.titlePath)) entry.titles = [...record.titlePath];
  if (project !== null) entry.project = project;
  if (record.attempts.length > 1) entry.attempts = record.attempts.map(attempt => attemptEntry(attempt, id, file));
  if (last.spans.length > 0) {
    entry.spans = last.spans.map(span => ({name: span.name, offset: seconds(span.offsetMs), duration: seconds(span.durationMs)}));
  }
  if (last.failure) entry.failure = failure(last.failure, id, file);
  if (record.profile !== undefined) {
    entry.profile = {
      file: record.profile.file,
      top: record.profile.top.map(fn => ({function: fn.functionName, location: fn.location, self_ms: millis(fn.selfMs), total_ms: millis(fn.totalMs)})),
    };
  }
  return entry;
}

/**
 * `JSON.stringify(units / 10 ** decimals)` for a whole number of units (microseconds of a second, thousandths of a
 * MiB), built from integers. Printing a double with several decimals costs V8 ~400 ns on the bench machine,
 * printing an integer a fifth of that, and a report of 100,000 tests prints 1.4 million of them. The text is the
 * same: `units / 10 ** decimals` is the double nearest the decimal, and for up to 15 significant digits the
 * shortest text that reads back as that double is the decimal itself (a unit test compares the two).
 */
export function fixedJson(units: number, decimals: 1 | 3 | 6): string {
  const scale = decimals === 6 ? 1e6 : decimals === 3 ? 1e3 : 10;
  // Out of the exact range (or not finite): what JSON.stringify prints, the slow way.
  if (!Number.isSafeInteger(units) || Math.abs(units) >= 1e15) return Number.isFinite(units) ? String(units / scale) : 'null';
  const negative = units < 0;
  const magnitude = negative ? -units : units;
  const whole = Math.floor(magnitude / scale);
  let fraction = magnitude - whole * scale;
  // -0 prints as 0, as JSON.stringify does.
  if (fraction === 0) return negative && whole !== 0 ? `-${whole}` : `${whole}`;
  let digits: number = decimals;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  const text = `${fraction}`;
  // 1e-7 and smaller print in exponent form; six decimals never get there.
  return `${negative ? '-' : ''}${whole}.${'00000'.slice(0, digits - text.length)}${text}`;
}

// `JSON.stringify` of `seconds`, `mebibytes`, `millis` and `percent` (a non-finite figure prints as null in fixedJson).
const secondsJson = (ms: number): string => fixedJson(microseconds(ms), 6);
const mebibytesJson = (bytes: number): string => fixedJson(mibThousandths(bytes), 3);
const millisJson = (ms: number): string => fixedJson(microseconds(ms), 3);
const percentJson = (value: number | null): string => (value === null ? 'null' : fixedJson(tenths(value), 1));

/** The last file's name as JSON: a run's tests come file by file, so this is quoted once per file. */
let quotedFile = {file: '', json: '""'};

/**
 * `JSON.stringify(testEntry(entry))`, written out by hand for the common entry (one attempt, no spans, no
 * failure, no project, titles the id gives back): the report of a 100,000-test run spends most of its time here,
 * and a template of numbers costs a fraction of building the object and serialising it. Every other entry goes
 * through `testEntry`. A unit test checks that both agree.
 */
export function testEntryJson(entry: TestEntry): string {
  const {id, file, record} = entry;
  const last = record.attempts[record.attempts.length - 1];
  if (record.attempts.length > 1 || last.spans.length > 0 || last.failure !== null || entry.project !== null || record.profile !== undefined || !idGivesTitles(id, file, record.titlePath)) {
    return JSON.stringify(testEntry(entry));
  }
  if (quotedFile.file !== file) quotedFile = {file, json: JSON.stringify(file)};
  return (
    `{"duration":${secondsJson(last.durationMs)},"setup_time":${secondsJson(last.setupMs)},"call_time":${secondsJson(last.callMs)},` +
    `"teardown_time":${secondsJson(last.teardownMs)},"memory":{"start_mb":${mebibytesJson(last.rssStartBytes)},` +
    `"peak_mb":${mebibytesJson(last.rssPeakBytes)},"end_mb":${mebibytesJson(last.rssEndBytes)},` +
    `"delta_mb":${mebibytesJson(last.rssEndBytes - last.rssStartBytes)}},"cpu_percent":${percentJson(last.cpuPercent)},` +
    `"status":"${last.status}","file":${quotedFile.json},${heapJson(last)}` +
    `"cpu_user_ms":${millisJson(last.cpuUserMs)},"cpu_system_ms":${millisJson(last.cpuSystemMs)},"worker":${Number.isFinite(record.workerId) ? record.workerId : 'null'},` +
    `"concurrent":${last.concurrent},"started_at":"${isoTime(last.startedAtMs)}"}`
  );
}

/** The `"heap":{…},` member of a test's line, or nothing when the heap was not read per test (static mode). */
function heapJson(last: AttemptRecord): string {
  if (last.heapStartBytes === null || last.heapEndBytes === null) return '';
  return (
    `"heap":{"start_mb":${mebibytesJson(last.heapStartBytes)},"end_mb":${mebibytesJson(last.heapEndBytes)},` +
    `"delta_mb":${mebibytesJson(last.heapEndBytes - last.heapStartBytes)}` +
    `${last.retainedHeapBytes !== null ? `,"retained_mb":${mebibytesJson(last.retainedHeapBytes)}` : ''}},`
  );
}

/**
 * One file's entry under `files` (its key is `file.key`). Failures there are named `<key>::(<phase>)`, the key
 * standing where a test's id has its file.
 */
export function fileEntry(file: FileRecord & {file: string; key: string}): SchemaFile {
  const entry: SchemaFile = {
    load_time: seconds(file.loadMs),
    before_all_time: seconds(file.beforeAllMs),
    after_all_time: seconds(file.afterAllMs),
    heap_start_mb: mebibytes(file.heapStartBytes),
    heap_end_mb: mebibytes(file.heapEndBytes),
    heap_growth_mb: file.completed ? mebibytes(file.heapEndBytes - file.heapStartBytes) : 0,
    worker: file.workerId,
    completed: file.completed,
    hook_failures: file.hookFailures.map(hookFailure => failure(hookFailure, `${file.key}::(${hookFailure.phase})`, file.file)),
    trace_pauses: file.tracePauses,
  };
  if (file.key !== file.file) entry.file = file.file;
  if (file.project !== null) entry.project = file.project;
  if (file.loadError !== null) entry.load_error = failure(file.loadError, `${file.key}::(${file.loadError.phase})`, file.file);
  if (file.imports !== null) {
    entry.import_time = seconds(file.imports.loadImportsMs);
    // Rounded apart from load_time, so that the two add up to it exactly in the file.
    entry.framework_setup_time = Math.max(0, microseconds(file.loadMs) - microseconds(file.imports.loadImportsMs)) / 1e6;
    entry.modules_loaded = file.imports.moduleCount;
    entry.imports = file.imports.modules.map(moduleCostEntry);
  }
  const boundary = file.boundary;
  if (boundary !== null) {
    entry.after_teardown = {
      heap_mb: mebibytes(boundary.heapAfterBytes),
      rss_mb: mebibytes(boundary.rssAfterBytes),
      heap_left_mb: mebibytes(boundary.heapLeftBytes ?? 0),
      rss_left_mb: mebibytes(boundary.rssLeftBytes ?? 0),
      after_gc: boundary.afterGc,
      order: boundary.order,
    };
  }
  return entry;
}

function workerMemoryEntry(worker: WorkerGrowth): SchemaWorkerMemory {
  return {
    worker: worker.workerId,
    pid: worker.processId,
    files: worker.files,
    after_gc: worker.afterGc,
    heap_start_mb: mebibytes(worker.heapStartBytes),
    heap_end_mb: mebibytes(worker.heapEndBytes),
    heap_growth_mb: mebibytes(worker.heapGrowthBytes),
    rss_start_mb: mebibytes(worker.rssStartBytes),
    rss_end_mb: mebibytes(worker.rssEndBytes),
    rss_growth_mb: mebibytes(worker.rssGrowthBytes),
    top_files: worker.topFiles.map(top => ({file: top.file, heap_left_mb: mebibytes(top.heapLeftBytes), rss_left_mb: mebibytes(top.rssLeftBytes), share: Math.round(top.share * 1000) / 1000})),
  };
}

function moduleCostEntry(cost: ModuleCost): SchemaModuleCost {
  return {module: cost.module, self_ms: millis(cost.selfMs), total_ms: millis(cost.totalMs), transform_ms: millis(cost.transformMs), count: cost.count};
}

function runModuleCostEntry(cost: RunModuleCost): SchemaRunModuleCost {
  return {module: cost.module, self_ms: millis(cost.selfMs), total_ms: millis(cost.totalMs), transform_ms: millis(cost.transformMs), files: cost.files};
}

/** The blocks before `tests`, in the file's key order. */
export function schemaHead(run: RunMetrics): Pick<MetricsDocument, 'schema_version' | 'session' | 'system'> {
  const timestamp = new Date(run.startedAtMs).toISOString();
  return {
    schema_version: run.schemaVersion,
    session: {duration: seconds(run.durationMs), total_tests: run.stats.totalCount, timestamp},
    ...(run.system && {
      system: {
        platform: run.system.platform,
        node_version: run.system.nodeVersion,
        jest_version: run.system.jestVersion,
        cpu_count: run.system.cpuCount,
        memory_total_mb: mebibytes(run.system.memoryTotalBytes),
        ...(run.system.peakRss && {peak_rss: run.system.peakRss}),
        timestamp,
      },
    }),
  };
}

/** The model's budget metric names and the schema's (which name the JSON key the figure comes from). */
export const BREACH_METRIC: Record<BudgetBreach['metric'], SchemaBudgetBreach['metric']> = {
  duration: 'duration',
  setup: 'setup_time',
  memoryDelta: 'delta_mb',
  peakMemory: 'peak_mb',
};

function breachEntry(breach: BudgetBreach): SchemaBudgetBreach {
  const [value, limit] = 'actualMs' in breach ? [seconds(breach.actualMs), seconds(breach.limitMs)] : [mebibytes(breach.actualBytes), mebibytes(breach.limitBytes)];
  return {
    scope: breach.scope,
    ...(breach.test !== null && {test: breach.test}),
    ...(breach.rule !== null && {rule: breach.rule}),
    ...(breach.ruleSource !== null && {rule_source: breach.ruleSource}),
    metric: BREACH_METRIC[breach.metric],
    value,
    limit,
  };
}

function changeEntry(change: DurationChange): SchemaDurationChange {
  return {
    test: change.id,
    baseline: seconds(change.baselineMs),
    current: seconds(change.currentMs),
    change_percent: Number.isFinite(change.changePercent) ? Math.round(change.changePercent * 10) / 10 : null,
    noise: seconds(change.noiseMs),
    clock: change.clock,
    drift: round3(change.driftFactor),
    margin: round3(change.factorMargin),
  };
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

function driftEstimate(estimate: DriftEstimate | null): SchemaDriftEstimate | null {
  return estimate === null ? null : {factor: round3(estimate.factor), tests: estimate.tests, spread: round3(estimate.spread)};
}

function runDrift(drift: RunDrift): SchemaRunDrift {
  return {
    overall: driftEstimate(drift.overall),
    cpu: driftEstimate(drift.cpu),
    load: driftEstimate(drift.load),
    wall: driftEstimate(drift.wall),
    wall_noise: seconds(drift.wallNoiseMs),
    cpu_noise: seconds(drift.cpuNoiseMs),
    finding: drift.finding === null ? null : {...drift.finding, factor: round3(drift.finding.factor)},
  };
}

function leakEntry(leak: FileLeak): SchemaFileLeak {
  return {
    file: leak.file,
    tests: leak.tests,
    retained_first_mb: mebibytes(leak.retainedFirstBytes),
    retained_last_mb: mebibytes(leak.retainedLastBytes),
    // Leaks are often KBs per test: 6 decimals keep the byte.
    growth_per_test_mb: Math.round((leak.growthPerTestBytes / MIB) * 1e6) / 1e6,
    later_growth_per_test_mb: Math.round((leak.laterGrowthPerTestBytes / MIB) * 1e6) / 1e6,
    growing_share: Math.round(leak.growingShare * 1000) / 1000,
  };
}

/** The budgets, regressions and leaks blocks, each only when its check ran. */
export function schemaFindings(run: RunMetrics): SchemaFindings {
  const findings: SchemaFindings = {};
  if (run.budgets) findings.budgets = {tests_checked: run.budgets.testsChecked, breaches: run.budgets.breaches.map(breachEntry)};
  if (run.regressions) {
    const report = run.regressions;
    findings.regressions = {
      baseline: report.baseline,
      threshold_percent: report.thresholdPercent,
      min_change: seconds(report.minChangeMs),
      compared: report.compared,
      ...(report.drift !== null && {drift: runDrift(report.drift)}),
      regressions: report.regressions.map(changeEntry),
      improvements: report.improvements.map(changeEntry),
      new: report.added,
      gone: report.removed,
    };
  }
  if (run.leaks) findings.leaks = {files_checked: run.leaks.filesChecked, flagged: run.leaks.flagged.map(leakEntry)};
  return findings;
}

/**
 * The blocks after `files`, in the file's key order. `imports` only when measured; `interrupted` and `unmeasured`
 * only when they say something.
 */
export function schemaTail(run: RunMetrics): Pick<MetricsDocument, 'imports' | 'worker_memory' | 'interrupted' | 'unmeasured' | 'cpu_profile' | 'stats' | 'overhead' | 'summary' | keyof SchemaFindings> {
  return {
    ...(run.imports !== null && {imports: run.imports.map(runModuleCostEntry)}),
    ...(run.workerMemory !== null && {worker_memory: run.workerMemory.map(workerMemoryEntry)}),
    ...(run.interrupted && {interrupted: true}),
    ...(run.unmeasured !== null && {
      unmeasured: {
        files: [...run.unmeasured.files],
        tests: run.unmeasured.testCount,
        passed: run.unmeasured.passedCount,
        failed: run.unmeasured.failedCount,
        ...(run.unmeasured.runners !== undefined && run.unmeasured.runners.length > 0 && {runners: [...run.unmeasured.runners]}),
      },
    }),
    ...(run.cpuProfile && {cpu_profile: {sampling_interval_us: run.cpuProfile.samplingIntervalUs, tests: run.cpuProfile.tests}}),
    stats: {
      failures_count: run.stats.failuresCount,
      passed_count: run.stats.passedCount,
      total_count: run.stats.totalCount,
      failures_at_limit: run.stats.failuresAtLimit,
      passed_at_limit: run.stats.passedAtLimit,
      memory_usage_mb: mebibytes(run.stats.retainedBytes),
      failures_dropped: run.stats.failuresDropped,
      passed_dropped: run.stats.passedDropped,
    },
    overhead: schemaOverhead(run.overhead),
    summary: {
      total_duration: seconds(run.summary.totalDurationMs),
      avg_duration: seconds(run.summary.avgDurationMs),
      max_duration: seconds(run.summary.maxDurationMs),
      min_duration: seconds(run.summary.minDurationMs),
      avg_memory_delta_mb: mebibytes(run.summary.avgMemoryDeltaBytes),
      max_memory_delta_mb: mebibytes(run.summary.maxMemoryDeltaBytes),
    },
    ...schemaFindings(run),
  };
}

/** The whole document in memory. Formats that stream use `schemaHead`, `testEntry`, `fileEntry` and `schemaTail`. */
export function toSchema(run: RunMetrics): MetricsDocument {
  const tests: Record<string, SchemaTest> = {};
  for (const entry of run.tests) tests[entry.id] = testEntry(entry);
  const files: Record<string, SchemaFile> = {};
  for (const file of run.files) files[file.key] = fileEntry(file);
  return {...schemaHead(run), tests, files, ...schemaTail(run)};
}

function schemaOverhead(overhead: RunMetrics['overhead']): MetricsDocument['overhead'] {
  const document: MetricsDocument['overhead'] = {environment_time: seconds(overhead.environmentMs), reporter_time: seconds(overhead.reporterMs), trace_time: seconds(overhead.traceMs)};
  // Absent from a run read from a file written before the rest was counted: then only the three above are known.
  if (overhead.moduleLoadMs === undefined) return document;
  const orNull = (value: number | null | undefined): number | null => (value === undefined || value === null ? null : seconds(value));
  const percent = ownCostPercent(overhead);
  return {
    ...document,
    module_load_time: seconds(overhead.moduleLoadMs),
    sampler_time: orNull(overhead.samplerMs),
    profiler_time: orNull(overhead.profilerMs),
    report_writing_time: seconds(overhead.reportWritingMs ?? 0),
    own_time: seconds(ownCostMs(overhead)),
    run_cpu_time: orNull(overhead.runCpuMs),
    own_cpu_percent: percent === null ? null : Math.round(percent * 1000) / 1000,
  };
}
