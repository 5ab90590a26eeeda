import type {FailureMode} from '../model/types';

/** The formats `formats` accepts. */
export const FORMATS = ['json', 'markdown', 'junit', 'csv', 'yaml', 'html', 'ctrf', 'prometheus'] as const;
export type FormatName = (typeof FORMATS)[number];

export const PRESETS = ['auto', 'development', 'ci', 'production'] as const;
export type PresetName = (typeof PRESETS)[number];

/**
 * `static`, `profile` and `trace` as docs/failure-context.md#what-each-mode-captures says; `auto` is profile for every file plus trace for the
 * files that failed in the previous run on this machine (remembered in Jest's `cacheDirectory`).
 */
export type Mode = FailureMode | 'auto';
export const MODES: readonly Mode[] = ['static', 'profile', 'trace', 'auto'];

export const FAIL_ON = ['budget', 'regression', 'leak'] as const;

/** Which per-test series a Pushgateway push carries: every test's, the slowest `PUSHGATEWAY_SLOWEST`, or none. */
export const PUSHGATEWAY_TESTS = ['all', 'slowest', 'none'] as const;
export type PushgatewayTests = (typeof PUSHGATEWAY_TESTS)[number];
/** The slowest tests pushed by default: with run and file series, a push stays within a few hundred series. */
export const PUSHGATEWAY_SLOWEST = 50;

/** `cpuProfile` as an object: how many tests get a profile, and how often V8 samples. */
export interface CpuProfileOptions {
  /**
   * The slowest tests of the run that get a `.cpuprofile` file and top functions (tests that break a duration budget
   * or regress get one too). Each worker keeps at most this many candidates.
   * @default 10
   */
  tests?: number;
  /**
   * Microseconds between V8's samples. Smaller sees shorter functions and costs more: 1000 (1 ms) resolves a busy
   * test's next functions better, at about twice the profiler's CPU cost (docs/performance.md#cpuprofiles-cost).
   * @default 10000
   */
  samplingIntervalUs?: number;
}

export interface PushgatewayOptions {
  /** The Pushgateway's base URL, `http://host:9091`. */
  url: string;
  /**
   * Per-test series: `slowest` (the 50 slowest tests), `all`, or `none` (run and file series only).
   * @default 'slowest'
   */
  tests?: PushgatewayTests;
}
export type FailOn = (typeof FAIL_ON)[number];

/** A per-test budget rule (docs/checks.md#budgets). */
export interface TestBudgetRule {
  /** Glob on the test file, relative to rootDir. */
  match: string;
  /** Seconds. */
  maxDuration?: number;
  /** Seconds of beforeEach time. */
  maxSetup?: number;
  maxMemoryDeltaMb?: number;
  maxPeakMemoryMb?: number;
}

/** Limits on the whole run. */
export interface SuiteBudget {
  /** Seconds of the whole Jest run. */
  maxDuration?: number;
  /** MiB: the highest worker resident set seen during any test. */
  maxPeakMemoryMb?: number;
}

/** Budgets written out: per-test rules and suite limits. */
export interface BudgetSet {
  /**
   * Per-test rules. For each limit, the first rule whose `match` fits the test file and that sets the limit wins,
   * so put specific globs before a catch-all `**`.
   */
  tests?: TestBudgetRule[];
  suite?: SuiteBudget;
}

/** Budgets (docs/checks.md#budgets): per-test rules and suite limits, or the named set `recommended`. */
export type BudgetsOption = 'recommended' | BudgetSet;

/**
 * The seeds' guide figures: unit tests under 0.1 s, integration tests under 2 s, the suite under 60 s, memory
 * growth under 10 MB and peak under 500 MB per test. A test counts as integration by its path: an
 * `integration`, `__integration__` or `e2e` directory, or a `.int.`, `.integration.` or `.e2e.` infix.
 */
export const RECOMMENDED_BUDGETS: Readonly<Required<BudgetSet>> = {
  tests: [
    {match: '**/{integration,__integration__,e2e}/**', maxDuration: 2},
    {match: '**/*.{int,integration,e2e}.*', maxDuration: 2},
    {match: '**', maxDuration: 0.1, maxMemoryDeltaMb: 10, maxPeakMemoryMb: 500},
  ],
  suite: {maxDuration: 60, maxPeakMemoryMb: 500},
};

/** Placeholders of the JUnit suite name template (as in jest-junit). */
export const JUNIT_SUITE_PLACEHOLDERS = ['title', 'filepath', 'filename'] as const;
/** Placeholders of the JUnit classname and title templates (as in jest-junit). */
export const JUNIT_TEST_PLACEHOLDERS = ['classname', 'title', 'filepath', 'filename', 'suitename'] as const;

/** How the JUnit report names things, with jest-junit's option names and defaults where it has them. */
export interface JunitOptions {
  /**
   * The `name` of `<testsuites>`.
   * @default 'jest tests'
   */
  suiteName?: string;
  /**
   * One `<testsuite>` per test file, named by this template: `{title}` (the file's first top-level describe, else
   * its path), `{filepath}` (relative to rootDir), `{filename}`. jest-junit's default is `{title}`; the path is
   * ours because it is unique per file, and CI pages merge suites of equal names.
   * @default '{filepath}'
   */
  suiteNameTemplate?: string;
  /**
   * `classname` of each `<testcase>`: `{classname}` (describe titles joined by `ancestorSeparator`), `{title}`,
   * `{filepath}`, `{filename}`, `{suitename}`.
   * @default '{classname} {title}'
   */
  classNameTemplate?: string;
  /**
   * `name` of each `<testcase>`, with the same placeholders as `classNameTemplate`.
   * @default '{classname} {title}'
   */
  titleTemplate?: string;
  /**
   * Joins describe titles in `{classname}`.
   * @default ' '
   */
  ancestorSeparator?: string;
  /**
   * Report retried tests the Maven Surefire way: a test that passed after failing gets `<flakyFailure>` per failed
   * attempt; one that failed every attempt gets `<failure>` plus `<rerunFailure>` per earlier attempt.
   * @default false (only the final attempt is reported, as jest-junit does)
   */
  reportRetries?: boolean;
}

/** Older option names, still read as the option that replaced them (`resolveOptions`' alias). */
export type DeprecatedOptionName = 'cpuInterval';

/** What users put in `reporters: [['jest-perf-monitor', {...}]]`. Every key is optional. */
export interface PerfMonitorOptions {
  /**
   * `false`: the environment records nothing and the reporter writes nothing. Env: `JEST_PERF_MONITOR`.
   * @default true
   */
  enabled?: boolean;
  /**
   * The main JSON file; relative paths are resolved against Jest's rootDir. Env: `JEST_PERF_OUTPUT`.
   * @default '<rootDir>/performance_metrics.json'
   */
  output?: string;
  /**
   * Where the other formats go. Env: `JEST_PERF_OUTPUT_DIR`.
   * @default directory of `output`
   */
  outputDir?: string;
  /**
   * Formats to write. Env: `JEST_PERF_FORMATS` (comma list).
   * @default ['json']
   */
  formats?: FormatName[];
  /**
   * Include the `system` block. Env: `JEST_PERF_SYSTEM_INFO`.
   * @default true
   */
  systemInfo?: boolean;
  /**
   * Seconds between off-thread RSS samples (they find peaks inside synchronous code); `0` turns sampling off.
   * Env: `JEST_PERF_RSS_SAMPLE_INTERVAL`.
   * @default 0.1
   */
  rssSampleInterval?: number;
  /**
   * The older name of `rssSampleInterval` (it samples RSS, not CPU), still read, as is `JEST_PERF_CPU_INTERVAL`.
   * @deprecated use `rssSampleInterval`
   */
  cpuInterval?: number;
  /**
   * Print the summary after the run. Env: `JEST_PERF_PRINT_SUMMARY`.
   * @default true
   */
  printSummary?: boolean;
  /**
   * `auto` picks `ci` on a CI machine (detected with ci-info), else `development`. Env: `JEST_PERF_PRESET`.
   * @default 'auto'
   */
  preset?: PresetName;
  /**
   * Failure extraction depth (docs/failure-context.md): `static`, `profile`, `trace`, or `auto` (profile, plus trace
   * for the files that failed in the previous run). The preset's is `auto` in development, `profile` in ci, `static`
   * in production. Env: `JEST_PERF_MODE`.
   * @default from preset
   */
  mode?: Mode;
  /** @default from preset */
  includeLocals?: boolean;
  /** @default from preset */
  includeClosure?: boolean;
  /** @default from preset */
  maxDepth?: number;
  /** @default from preset */
  extractClasses?: boolean;
  /** @default from preset */
  skipInternalFrames?: boolean;
  /**
   * Full failure records kept; a number or `'unlimited'`. Env: `JEST_PERF_MAX_FAILURES`.
   * @default from preset
   */
  maxFailures?: number | 'unlimited';
  /**
   * Passed-test records kept; a number or `'unlimited'`. Env: `JEST_PERF_MAX_PASSED`.
   * @default from preset
   */
  maxPassed?: number | 'unlimited';
  /**
   * Fraction (0–1) of failures that get full context. Env: `JEST_PERF_CAPTURE_RATE`.
   * @default 1
   */
  captureRate?: number;
  /**
   * Extra names whose captured values are replaced by "[redacted]" (substrings of key and variable names; case,
   * `-` and `_` ignored), on top of the built-in rules, which always apply: names such as password, pass, secret,
   * token, apiKey, privateKey, credentials, auth, cookie, session, dsn, and values shaped like JWTs, PEM private
   * keys, passwords in URLs, known token formats and the values of secret-named environment variables.
   * @default []
   */
  redact?: string[];
  /**
   * What to compare durations with: a previous performance_metrics.json (relative to rootDir), or `history`
   * (each test's median over the last 10 runs in the `history` database), or `history:<branch>` (the last 10 runs
   * of that branch). Env: `JEST_PERF_BASELINE`.
   * @default none
   */
  baseline?: string;
  /**
   * Percent change that counts as a regression (or an improvement). Env: `JEST_PERF_REGRESSION_THRESHOLD`.
   * @default 20
   */
  regressionThreshold?: number;
  /**
   * Seconds: a change must also be at least this large, so jitter on tiny tests is not flagged. Where the history
   * has 5 or more runs of a test, 3 robust standard deviations of those runs count too, when larger.
   * Env: `JEST_PERF_REGRESSION_MIN_CHANGE`.
   * @default 0.01
   */
  regressionMinChange?: number;
  /**
   * Leak detection: a full GC after each test (obtained without `--expose-gc`; at most 16 tests per file, spread
   * evenly) and the heap it leaves; files whose retained heap keeps growing are flagged. A GC costs tens of
   * milliseconds (see docs/checks.md), so it is opt-in; `failOn: ['leak']` turns it on too. Env: `JEST_PERF_LEAKS`.
   * @default false
   */
  leaks?: boolean;
  /**
   * Time what each test file's imports cost through Jest's runtime (self, total, transform), for `files[].imports`
   * and the run's heaviest imports. Needs `testRunner: 'jest-perf-monitor/runner'` (the environment entries never
   * see the runtime). Env: `JEST_PERF_IMPORTS`.
   * @default true
   */
  imports?: boolean;
  /**
   * CPU profiles of the slowest tests: each worker runs V8's sampling profiler, cuts the samples by each test's
   * time window, and keeps `<outputDir>/profiles/<test>.cpuprofile` (Chrome DevTools, VS Code, speedscope) and the
   * top functions (`tests[id].profile`) for the slowest tests. `true`, or `{tests, samplingIntervalUs}`. It costs
   * CPU: 1.05–1.29x plain Jest's at the default 10 ms sampling (1.21–1.47x at 1 ms), and every
   * duration of the run is taken under it (the reports say so), so it is off in every preset. Under the runner the
   * locations are source-mapped; under the environment entries they are lines of the transformed code.
   * Env: `JEST_PERF_CPU_PROFILE` (`1`/`true`, `0`/`false`, or a number of tests).
   * @default false
   */
  cpuProfile?: boolean | CpuProfileOptions;
  /** @default none */
  budgets?: BudgetsOption;
  /**
   * Findings that fail the run. Env: `JEST_PERF_FAIL_ON` (comma list).
   * @default none
   */
  failOn?: FailOn[];
  /**
   * The run history: a SQLite file path, or a `postgres://` / `postgresql://` URL (the password from the URL or
   * `PGPASSWORD`) for a history that many machines share. Env: `JEST_PERF_HISTORY`.
   * @default none
   */
  history?: string;
  /**
   * A Prometheus Pushgateway to push the run's metrics to at the end of the run (PUT, under
   * `job="jest-perf-monitor"` grouped by project and branch): its URL, or `{url, tests}`. Env:
   * `JEST_PERF_PUSHGATEWAY` (a URL).
   * @default none
   */
  pushgateway?: string | PushgatewayOptions;
  /**
   * GitHub Actions annotations and job summary.
   * @default true when GITHUB_ACTIONS=true
   */
  githubActions?: boolean;
  /**
   * Naming and retries in the `junit` format.
   * @default see [JUnit](reports.md#junit-xml)
   */
  junit?: JunitOptions;
}

/** Options after defaults, preset, reporter options and environment variables were applied. */
export interface ResolvedOptions {
  enabled: boolean;
  /** Absolute path. */
  output: string;
  /** Absolute path. */
  outputDir: string;
  formats: FormatName[];
  systemInfo: boolean;
  /** Seconds between off-thread RSS samples; 0 turns the sampler off. */
  rssSampleIntervalS: number;
  printSummary: boolean;
  /** The preset in force (`auto` already decided). */
  preset: Exclude<PresetName, 'auto'>;
  mode: Mode;
  includeLocals: boolean;
  includeClosure: boolean;
  maxDepth: number;
  extractClasses: boolean;
  skipInternalFrames: boolean;
  /** `Infinity` for unlimited. */
  maxFailures: number;
  /** `Infinity` for unlimited. */
  maxPassed: number;
  captureRate: number;
  redact: string[];
  /** Absolute path, or null. */
  baseline: string | null;
  regressionThresholdPercent: number;
  regressionMinChangeMs: number;
  /** True when asked for, or when `failOn` has `leak`. */
  leaks: boolean;
  imports: boolean;
  /** Null when off. */
  cpuProfile: Required<CpuProfileOptions> | null;
  /** `recommended` already written out. */
  budgets: Required<BudgetSet> | null;
  failOn: FailOn[];
  /** Absolute path, a PostgreSQL URL, or null. */
  history: string | null;
  pushgateway: Required<PushgatewayOptions> | null;
  githubActions: boolean;
  junit: Required<JunitOptions>;
}
