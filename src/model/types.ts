/**
 * The one metrics model. Every figure carries its unit in its name; the conversion to the seconds and MiB of
 * `performance_metrics.json` happens in one place only: `toSchema.ts`.
 */

/** Outcome of one test attempt, as Jest decided it. */
export type TestStatus = 'passed' | 'failed' | 'skipped' | 'todo';

/** A named span measured inside a test with `perf.span()` or `perf.measure()`. */
export interface SpanRecord {
  /** The name the test gave the span. */
  name: string;
  /** Milliseconds from the start of the test attempt to the start of the span. */
  offsetMs: number;
  /** Wall time of the span, in milliseconds. */
  durationMs: number;
}

/** Where a failure happened, as printed in the error's (source-mapped) stack. */
export interface SourceLocation {
  /** Path relative to the run's rootDir when inside it, else absolute. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** How much context a failure gets (docs/failure-context.md#what-each-mode-captures). */
export type FailureMode = 'static' | 'profile' | 'trace';

/** Why a test attempt failed. */
/**
 * Why a failure in trace or `auto` mode has no variables (docs/failure-context.md, "When a failure has no
 * variables"); `VARIABLES_MISSING` says each in words.
 */
export type VariablesMissing = 'untraced' | 'trace-off' | 'off' | 'not-sampled' | 'detail-dropped' | 'no-throw' | 'no-user-frame' | 'pause-limit' | 'empty' | 'load';

/** Each reason in the words the summary and the reports use. */
export const VARIABLES_MISSING: Readonly<Record<VariablesMissing, string>> = {
  untraced: 'mode auto traces a file after it failed once: the next run of this file reads them',
  'trace-off': 'trace mode could not start in this worker (the run said why)',
  off: 'includeLocals and includeClosure are both off',
  'not-sampled': 'captureRate left this failure out',
  'detail-dropped': 'past maxFailures, older failures keep their message and location only',
  'no-throw': 'nothing was thrown where the debugger could see it (a timeout, a worker exit)',
  'no-user-frame': "the throw was seen in no frame of the project's files (node_modules or Node internals only)",
  'pause-limit': 'the test threw more often than trace mode pauses per test',
  empty: 'the failing frames held no variables',
  load: 'the test file could not load: none of its code ran',
};

export interface FailureRecord {
  /**
   * Constructor name of the thrown value (`Error`, `TypeError`, `JestAssertionError`), `typeof` for non-Errors,
   * `Timeout` or `WorkerExit`; null in static mode and when the failure was not captured.
   */
  errorType: string | null;
  /** One readable message, also for timeouts and throws of non-Error values. */
  message: string;
  /** Where it was thrown (the first stack frame outside node_modules and node internals), when known. */
  location: SourceLocation | null;
  /** The source lines around `location`, with a `>` marker on the failing line; profile and trace modes. */
  codeFrame: string | null;
  /**
   * The stack as Jest's source-map support printed it, without `node_modules` and `node:` frames unless
   * `skipInternalFrames` is off; profile and trace modes.
   */
  stack: string | null;
  /** Trace mode: per user frame (innermost first, `"fn (file)"`), its local variables, serialised and redacted. */
  locals: Record<string, Record<string, unknown>> | null;
  /** Trace mode: the closure variables of the test or hook function (describe-scope fixtures). */
  closure: Record<string, unknown> | null;
  /**
   * False when only the message and location were kept: the failure was not sampled by `captureRate`, or the
   * reporter dropped its detail to stay within `maxFailures`.
   */
  captured: boolean;
  /**
   * Trace and `auto` mode only: why this failure has no variables (`locals` and `closure` both null), never a silent
   * null. Absent (or null) when it has them, and in static and profile mode, which never read them.
   */
  variablesMissing?: VariablesMissing | null;
  /** Which phase failed: a hook, the test body, or `load` for a test file that could not run at all. */
  phase: 'load' | 'beforeAll' | 'beforeEach' | 'test' | 'afterEach' | 'afterAll';
  /** How many errors the attempt collected (the first is described here). */
  errorCount: number;
  /** Epoch milliseconds when the attempt ended. */
  timestampMs: number;
}

/** One run of one test (a retried test has several). */
export interface AttemptRecord {
  /** 1-based attempt number (Jest's `invocations`). */
  attempt: number;
  status: TestStatus;
  /** Epoch milliseconds at `test_start`. */
  startedAtMs: number;
  /** Wall time from `test_start` to `test_done`; equals setup + call + teardown. */
  durationMs: number;
  /** beforeEach hooks, Jest's own mock-reset hook included. */
  setupMs: number;
  /** The test body. */
  callMs: number;
  /** afterEach hooks. */
  teardownMs: number;
  /** Worker resident set size at `test_start`. */
  rssStartBytes: number;
  /** Highest resident set size seen during the attempt (high-water mark and sampler). */
  rssPeakBytes: number;
  /** Resident set size at `test_done`. */
  rssEndBytes: number;
  /**
   * V8 used heap at `test_start`. Null in `static` mode, which reads the heap per file only: `getHeapStatistics()`
   * walks the whole heap, the dearest of a test's reads (see docs/performance.md).
   */
  heapStartBytes: number | null;
  /** V8 used heap at `test_done`; null when `heapStartBytes` is. */
  heapEndBytes: number | null;
  /** Worker process user CPU time during the attempt. */
  cpuUserMs: number;
  /** Worker process system CPU time during the attempt. */
  cpuSystemMs: number;
  /** (user + system) / wall × 100; `null` when the wall time is too short to divide by. */
  cpuPercent: number | null;
  /** True when other tests of the same worker ran at the same time, so process-wide figures are shared. */
  concurrent: boolean;
  /** Spans the test measured itself. */
  spans: SpanRecord[];
  /** Present when the attempt failed. */
  failure: FailureRecord | null;
  /**
   * V8 used heap right after the attempt, after a forced full GC: what the test left behind. `null` unless leak
   * detection is on, and for concurrent tests (another test's live objects would count).
   */
  retainedHeapBytes: number | null;
}

/** One entry of a CPU profile's top functions. */
export interface ProfileFunction {
  /**
   * The function's name (`(anonymous)` when it has none), or a folded entry: `(node_modules: <package>)`,
   * `(node internals)`, or V8's `(idle)`, `(program)`, `(garbage collector)`.
   */
  functionName: string;
  /** `path/relative/to/rootDir.ts:line` of the function (source-mapped under the runner); null for folded entries. */
  location: string | null;
  /** Sampled time with this function on top of the stack. */
  selfMs: number;
  /** Sampled time with this function anywhere on the stack. */
  totalMs: number;
}

/** A slow test's CPU profile (option `cpuProfile`). */
export interface TestProfile {
  /** The `.cpuprofile` file, relative to the directory of the main JSON file, `/`-separated. */
  file: string;
  /** The functions with the most self time (at most 5). */
  top: ProfileFunction[];
}

/** One test (all its attempts) as the environment saw it. */
export interface TestRecord {
  /** Absolute path of the test file. */
  testPath: string;
  /** Describe titles, then the test title. */
  titlePath: string[];
  /** Position of the test in a depth-first walk of its file's describe tree (0-based). */
  index: number;
  /** The JEST_WORKER_ID of the worker that ran it (`1` in band). */
  workerId: number;
  /** Every attempt, in order; the last one is the test's result. */
  attempts: AttemptRecord[];
  /** Its last attempt's CPU profile, for the slowest tests when `cpuProfile` is on. */
  profile?: TestProfile;
}

/** Figures of one test file, outside any test. */
export interface FileRecord {
  /** Absolute path of the test file. */
  testPath: string;
  /** The JEST_WORKER_ID of the worker that ran it. */
  workerId: number;
  /** From the environment's `setup()` finishing to circus's `run_start`: loading and collecting the file. */
  loadMs: number;
  /** Wall time spent in beforeAll hooks. */
  beforeAllMs: number;
  /** Wall time spent in afterAll hooks. */
  afterAllMs: number;
  /** V8 used heap at `run_start`. */
  heapStartBytes: number;
  /** V8 used heap at `run_finish` (0 when the file did not finish). */
  heapEndBytes: number;
  /** False when the worker stopped before `run_finish` (a crash, `process.exit`). */
  completed: boolean;
  /** A beforeAll/afterAll failure, which Jest reports against the file, not one test. */
  hookFailures: FailureRecord[];
  /** Time this package's environment spent handling the file's events (its own cost), up to `run_finish`. */
  selfMs: number;
  /**
   * Trace mode: what the debugger cost the file beside `selfMs`: its set-up (in the first traced file of a
   * process), the pauses on exceptions, and an estimate of the module recompiles it causes (V8 turns its
   * compilation cache off while a debugger is on). 0 in other modes.
   */
  traceMs: number;
  /** Trace mode: debugger pauses on exceptions during the file (each costs ~1 ms; at most 10 per test). */
  tracePauses: number;
  /**
   * The file could not run (a missing module, a syntax error, a throw at its top level): Jest's error for it, with
   * phase `load`. Null for a file that ran. Such a file has no tests; formats that count tests add one failed entry
   * for it, so a dashboard is red exactly when Jest failed.
   */
  loadError: FailureRecord | null;
  /**
   * The Jest project that ran the file (its `displayName`, else `project <n>` by its 1-based position in
   * `projects`); null in a single-project run.
   */
  project: string | null;
  /** How the file's tests got their peak RSS; absent for a file that could not run, and from older channel writers. */
  peakRss?: PeakRssMethod;
  /** What the file's module loads cost (option `imports`, under `jest-perf-monitor/runner`); null when not measured. */
  imports: FileImports | null;
  /**
   * The worker's memory after this file's teardown, and what the file left behind in it (docs/checks.md, "Memory
   * across files"). Null when the teardown did not finish (a crash) or the file came from an older writer.
   */
  boundary: FileBoundaryRecord | null;
}

/** A worker's memory at one file boundary: after the previous file's teardown and after this one's. */
export interface FileBoundaryRecord {
  /** V8 used heap and RSS after the previous file's teardown in the same worker process (or at its start). */
  heapBeforeBytes: number;
  rssBeforeBytes: number;
  /** The same after this file's teardown. */
  heapAfterBytes: number;
  rssAfterBytes: number;
  /** Both readings followed a forced full GC (leak detection on): retained memory. Else they include garbage. */
  afterGc: boolean;
  /** The worker process (a restarted worker keeps its JEST_WORKER_ID but not its pid). */
  processId: number;
  /** 1 for the first file that process ran. */
  order: number;
  /**
   * Of the worker's growth that stayed until its last file, the part that appeared during this file (never
   * negative; `workerGrowth`). Null until the run's files are all in, or when the file has no reading.
   */
  heapLeftBytes: number | null;
  rssLeftBytes: number | null;
}

/** What loading one module cost: in one test file, or (with `files`) summed over the run. */
export interface ModuleCost {
  /** Path relative to rootDir for the user's code; `package/subpath` (`@scope/pkg/sub`) inside `node_modules`. */
  module: string;
  /** Time in the module's loads, the modules it loaded excluded: its transform and its own top-level code. */
  selfMs: number;
  /** Time in the module's loads, the modules it loaded included. */
  totalMs: number;
  /** Of `selfMs`: Jest's transform of the module (ts-jest, babel; a transform-cache hit costs little). */
  transformMs: number;
  /** Times the module was loaded (`jest.isolateModules` and `jest.resetModules` load it again). */
  count: number;
}

/** One test file's module loads, timed through Jest's runtime. */
export interface FileImports {
  /**
   * The costliest modules by self time, the costliest first: the file's top 10 in a finished run (the channel
   * carries more, for the run's totals). The test file itself is one of them: its top-level code is a cost.
   */
  modules: ModuleCost[];
  /** Distinct modules the file loaded. */
  moduleCount: number;
  /**
   * Of `loadMs`: time inside module loads before the tests started (the setupFilesAfterEnv, the test file and all
   * they required). `loadMs` minus this is the framework's own set-up (jest-circus, expect, the globals).
   */
  loadImportsMs: number;
}

/** A module's cost summed over the run's files. */
export interface RunModuleCost {
  module: string;
  selfMs: number;
  totalMs: number;
  transformMs: number;
  /** Test files that loaded it. */
  files: number;
}

/**
 * How a process's tests got their peak RSS (docs/how-it-measures.md#peak-rss): `kernel`, the kernel's high-water
 * mark reset at each test's start (Linux); `sampler`, a thread sampling RSS (where the mark cannot be reset, and under
 * `workerThreads: true`); `ends`, neither (the sampler is off): the start and end readings and new all-time highs.
 */
export type PeakRssMethod = 'kernel' | 'sampler' | 'ends';

/** Facts about the machine and tool versions. */
export interface SystemInfo {
  platform: string;
  nodeVersion: string;
  jestVersion: string | null;
  cpuCount: number;
  memoryTotalBytes: number;
  /**
   * How the tests' peak RSS was taken: the methods the measured files used, in `PeakRssMethod` order (two when
   * workers differed). Absent when no file was measured, and in files written before it was recorded.
   */
  peakRss?: PeakRssMethod[];
}

/** Computed over every executed test (skipped and todo tests excluded). */
export interface SummaryFigures {
  totalDurationMs: number;
  avgDurationMs: number;
  maxDurationMs: number;
  minDurationMs: number;
  avgMemoryDeltaBytes: number;
  maxMemoryDeltaBytes: number;
}

/** What one test looks like in a finished run: its stable id plus its record. */
export interface TestEntry {
  /** `path/relative/to/rootDir::describe > test`, with ` [n]` for the n-th duplicate. */
  id: string;
  /** Path of the file relative to rootDir, with `/` separators. */
  file: string;
  /** The Jest project that ran it (see `FileRecord.project`); null in a single-project run. */
  project: string | null;
  record: TestRecord;
}

/** Counts kept while records are dropped by the memory limits (docs/failure-context.md#memory-limits). */
export interface RunStats {
  /** Failed tests (final attempt), whether or not their full record was kept. */
  failuresCount: number;
  /** Passed tests (final attempt), whether or not their record was kept. */
  passedCount: number;
  /** Every test seen, skipped and todo included. */
  totalCount: number;
  /** True when `maxFailures` was reached and older failures lost their detail (`captured: false`). */
  failuresAtLimit: boolean;
  /** True when `maxPassed` was reached and the fastest passed tests were left out of `tests`. */
  passedAtLimit: boolean;
  /** Passed-test records left out of `tests` by `maxPassed`. */
  passedDropped: number;
  /** Failure records whose detail was dropped by `maxFailures`. */
  failuresDropped: number;
  /** Estimated size of the records the reporter holds: the JSON length of what it kept, in bytes. */
  retainedBytes: number;
}

/** A figure a budget limits. */
export type BudgetMetric = 'duration' | 'setup' | 'memoryDelta' | 'peakMemory';

/** One figure over its budget (docs/checks.md#budgets). Durations are in milliseconds, memory in bytes. */
export type BudgetBreach = {
  /** `test`: one test's figure; `suite`: the whole run's. */
  scope: 'test' | 'suite';
  /** The test id; null for the suite. */
  test: string | null;
  /** The `match` glob of the rule that set the limit; null for the suite. */
  rule: string | null;
  /**
   * Where the rule came from: `recommended: unit`, `recommended: integration`, `recommended: suite` (the
   * `recommended` set), or the option's path, `budgets.tests[1]` or `budgets.suite`. Null in files written before
   * rules were named.
   */
  ruleSource: string | null;
} & (
  | {metric: 'duration' | 'setup'; actualMs: number; limitMs: number}
  | {metric: 'memoryDelta' | 'peakMemory'; actualBytes: number; limitBytes: number}
);

/** The budget check of a run. */
export interface BudgetReport {
  /** Executed tests (passed or failed) that a rule applied to. */
  testsChecked: number;
  /** Every breach, tests in arrival order, then the suite's. */
  breaches: BudgetBreach[];
}

/** One test's duration, compared with the baseline. */
/**
 * The clock a test is judged on (docs/checks.md#the-clock): `cpu` (user + system CPU time of its worker) for a test
 * that was busy on the CPU in the baseline, which other processes on the machine hardly move; `wall` otherwise.
 */
export type JudgeClock = 'cpu' | 'wall';

export interface DurationChange {
  /** Test id. */
  id: string;
  /**
   * The baseline's figure on `clock` (a file's figure, or the median of the history's recent runs): wall time, or
   * user + system CPU time.
   */
  baselineMs: number;
  /** This run's figure on `clock`. */
  currentMs: number;
  /** (current − baseline) / baseline × 100. */
  changePercent: number;
  /**
   * The noise floor the change beyond the drift had to beat: the minimum change, or 3 robust σ of the test's
   * history, whichever is larger.
   */
  noiseMs: number;
  /** The clock the verdict used. Files written before clocks existed read as `wall`. */
  clock: JudgeClock;
  /**
   * The run's drift factor on that clock, which the test was judged relative to: it is flagged when
   * current / (baseline × drift) is beyond `factorMargin`. 1 when the drift could not be estimated.
   */
  driftFactor: number;
  /**
   * The relative margin the change beyond the drift had to beat: 1 + threshold, or the run's own scatter
   * (`RunDrift`), whichever is larger (1.2 = 20 %).
   */
  factorMargin: number;
}

/** The run's speed against the baseline on one clock, estimated from the run itself. */
export interface DriftEstimate {
  /** exp(median per-test log(current / baseline)) over the tests long enough to measure: 1.28 = 28 % slower. */
  factor: number;
  /** Tests it is the median of. */
  tests: number;
  /** 1.4826 × the median absolute deviation of those log ratios around the median: the run's own scatter (σ). */
  spread: number;
}

/**
 * The whole run against the baseline (docs/checks.md#drift): how much slower or faster it was overall, and whether
 * that is a finding. Each clock's tests are judged relative to that clock's drift.
 */
export interface RunDrift {
  /** Wall time over every test long enough to measure: how much slower the run felt. Null with too few such tests. */
  overall: DriftEstimate | null;
  /** CPU time over the tests judged on the CPU clock: the code's (or the CPU's) speed. Null with too few. */
  cpu: DriftEstimate | null;
  /**
   * Wall time per CPU millisecond of the tests judged on the CPU clock, against the baseline's: how much more the
   * machine's other load stretched a busy test (2 = a CPU millisecond took twice the wall time). Null with too few.
   */
  load: DriftEstimate | null;
  /**
   * Wall time over the tests judged on the wall clock, against what the baseline and this run's `cpu` and `load`
   * predict for them (their waiting as before, their CPU work stretched by the load); null with too few.
   */
  wall: DriftEstimate | null;
  /**
   * The run's wall-clock noise in milliseconds, which a wall-clock test's change must also exceed: the larger of 6 ×
   * the median absolute difference between the wall-clock tests' times and their predictions (4 robust σ), and the
   * median time the CPU-clock tests waited for a core (wall − CPU) in either run.
   */
  wallNoiseMs: number;
  /**
   * The run's CPU-clock noise in milliseconds, which a CPU-clock test's change must also exceed: 6 robust σ
   * (1.4826 × median absolute deviation) of the CPU-clock tests' differences from their predictions; 0 with fewer
   * than 5 such tests.
   */
  cpuNoiseMs: number;
  /**
   * A run-level finding: the CPU clock's drift (the wall clock's, when no test is judged on CPU) beyond the
   * threshold, so the code (or the CPU itself) is slower or faster across the board. Null when it is not.
   */
  finding: {clock: JudgeClock; direction: 'slower' | 'faster'; factor: number} | null;
}

/** The comparison of a run with a baseline (docs/checks.md#baselines-and-regressions). */
export interface RegressionReport {
  /** What was compared with: a file path, or `history` / `history:<branch>` (median of recent runs). */
  baseline: string;
  /** A change must be over this percentage… */
  thresholdPercent: number;
  /** …and over this many milliseconds (or the history spread, when larger). */
  minChangeMs: number;
  /** Tests that passed in both runs and were compared. */
  compared: number;
  /** The run's drift against the baseline; null in files written before drift was estimated. */
  drift: RunDrift | null;
  /** Slower beyond drift, threshold and noise, the largest change first. */
  regressions: DurationChange[];
  /** Faster beyond drift, threshold and noise, the largest change first. */
  improvements: DurationChange[];
  /** Ids run now but not in the baseline. */
  added: string[];
  /** Ids in the baseline but not run now. */
  removed: string[];
}

/** One file's retained heap across its tests (after a forced GC each time). */
export interface FileLeak {
  /** Path relative to rootDir. */
  file: string;
  /** Tests whose retained heap was measured. */
  tests: number;
  /** Retained heap after the first test (a warm-up: module caches fill here) and after the last one. */
  retainedFirstBytes: number;
  retainedLastBytes: number;
  /** Slope of the retained heap per test, from the first test on (Theil–Sen: the median of the pairwise slopes). */
  growthPerTestBytes: number;
  /** The same over the later half of the measurements: a leak keeps growing there, a cache that filled does not. */
  laterGrowthPerTestBytes: number;
  /** Share of test-to-test steps in which the retained heap grew (1 = every step). */
  growingShare: number;
}

/** Leak detection over a run. */
export interface LeakReport {
  /** Files with enough measured tests to judge. */
  filesChecked: number;
  /** Files whose retained heap keeps growing, the steepest first. */
  flagged: FileLeak[];
}

/** A file that left memory behind in its worker. */
export interface WorkerFileLeft {
  /** Path relative to rootDir (the file's key under `files`). */
  file: string;
  heapLeftBytes: number;
  rssLeftBytes: number;
  /** `heapLeftBytes` over the worker's `heapGrowthBytes`. */
  share: number;
}

/** One worker process's memory across its files, read after each file's teardown (docs/checks.md). */
export interface WorkerGrowth {
  /** JEST_WORKER_ID (1 in band). */
  workerId: number;
  /** A worker restarted by Jest (a crash, `workerIdleMemoryLimit`) is a new process with the same id: a new entry. */
  processId: number;
  /** Files with a reading in this process. */
  files: number;
  /** Every reading followed a forced full GC (leak detection): retained memory; else the figures include garbage. */
  afterGc: boolean;
  /** Before its first file (when the runner or environment was loaded) and after its last file's teardown. */
  heapStartBytes: number;
  heapEndBytes: number;
  /** The heap growth that stayed until the last file: the sum of its files' `heapLeftBytes`. */
  heapGrowthBytes: number;
  rssStartBytes: number;
  rssEndBytes: number;
  rssGrowthBytes: number;
  /** The files that left the most heap, most first (at most 5, fewer when they already make up 80 % of it). */
  topFiles: WorkerFileLeft[];
}

/** Files Jest ran without this package measuring them, with Jest's own counts. */
export interface UnmeasuredFiles {
  /** Paths relative to rootDir. */
  files: string[];
  /** Tests Jest ran in them (all outcomes). */
  testCount: number;
  /** Of those, the ones Jest reported failed. */
  failedCount: number;
  /** Of those, the ones Jest reported passed (the rest were skipped or todo). */
  passedCount: number;
  /**
   * Test runners other than jest-circus that ran some of them (`jest-jasmine2`): the reason those files cannot be
   * measured. Empty or absent when none did (a `@jest-environment` docblock, a project that keeps its own runner).
   */
  runners?: string[];
}

/** The whole run, ready to be rendered by any format. */
export interface RunMetrics {
  /** Version of the JSON schema extensions written by this package. */
  schemaVersion: number;
  /** Epoch milliseconds when the run started. */
  startedAtMs: number;
  /** Wall time of the whole Jest run. */
  durationMs: number;
  /** Absent when `systemInfo` is off. */
  system: SystemInfo | null;
  tests: TestEntry[];
  /**
   * `file`: the path relative to rootDir. `key`: the file's key under `files` in the JSON: the path, or
   * `[<project>] <path>` when the run's projects overlap (one file may run in several projects), the same prefix
   * its test ids carry.
   */
  files: Array<FileRecord & {file: string; key: string}>;
  summary: SummaryFigures;
  stats: RunStats;
  /** Present when budgets are configured. */
  budgets: BudgetReport | null;
  /** Present when a baseline was compared with. */
  regressions: RegressionReport | null;
  /** Present when leak detection ran. */
  leaks: LeakReport | null;
  /** Each worker's memory across its files, the largest growth first; null when no file had a boundary reading. */
  workerMemory: WorkerGrowth[] | null;
  /**
   * True when the run stopped before its end (watch mode re-run, Ctrl-C, a process exit): the report holds the
   * tests finished until then.
   */
  interrupted: boolean;
  /**
   * Test files Jest ran that sent no records (a `@jest-environment` docblock replaced the measured environment, or
   * a runner other than jest-circus), with Jest's own counts for them, so no report claims fewer tests or failures
   * than Jest did.
   */
  unmeasured: UnmeasuredFiles | null;
  /**
   * Set when `cpuProfile` was on: V8's sampling profiler ran in every worker while the tests ran, so every duration
   * (and CPU time) in the run was taken under it and is longer than it would be without (docs/performance.md).
   * Absent or null when it was off, and in files written before it was recorded.
   */
  cpuProfile?: {samplingIntervalUs: number; tests: number} | null;
  /**
   * The modules that cost most over the run (summed self time, the costliest first, at most `RUN_IMPORTS`); null
   * when no file's imports were measured.
   */
  imports: RunModuleCost[] | null;
  /** What this package itself cost the run. */
  overhead: {
    /**
     * Summed over every test file's environment (in workers, or in Jest's process when in band), trace mode's
     * debugger included.
     */
    environmentMs: number;
    /** Of `environmentMs`: what trace mode's debugger cost (set-up, pauses, estimated recompiles); 0 otherwise. */
    traceMs: number;
    /** The reporter's own work in Jest's main process, before the report is rendered. */
    reporterMs: number;
    /*
     * The rest of the package's cost (docs/performance.md, "Own cost"). Each is absent from a run read from a file
     * written before it was counted.
     */
    /** Loading the package: in each worker (and worker thread) and in Jest's process; CPU of the loading thread. */
    moduleLoadMs?: number;
    /** CPU of the RSS sampler threads, over every worker; null when a worker's could not be read while it ran. */
    samplerMs?: number | null;
    /** `cpuProfile`: CPU of V8's profiler threads, over every worker; null when one could not be read. */
    profilerMs?: number | null;
    /**
     * Rendering and writing the report files written before the JSON file (it is written last, and its own writing
     * is the one not counted); in each other format, those written before it.
     */
    reportWritingMs?: number;
    /**
     * The run's CPU (user + system): Jest's process, plus each worker process's up to its last file's end; null when
     * a worker's is not known (its files came from an older writer).
     */
    runCpuMs?: number | null;
  };
}
