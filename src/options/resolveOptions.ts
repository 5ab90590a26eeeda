import * as path from 'path';
import {isPostgresUrl} from '../history/HistoryStore';
import {FAIL_ON, FORMATS, RECOMMENDED_BUDGETS, JUNIT_SUITE_PLACEHOLDERS, JUNIT_TEST_PLACEHOLDERS, MODES, PRESETS, PUSHGATEWAY_TESTS} from './types';
import type {BudgetSet, BudgetsOption, CpuProfileOptions, FailOn, JunitOptions, Mode, PerfMonitorOptions, PresetName, PushgatewayOptions, ResolvedOptions} from './types';

/** A configuration mistake. Its message is the one line the user sees. */
export class OptionsError extends Error {
  constructor(message: string) {
    super(`jest-perf-monitor: ${message}`);
    this.name = 'OptionsError';
    // One line, no stack: the message says everything and a stack into our code would only add noise.
    this.stack = this.message;
  }
}

type PresetValues = Pick<
  ResolvedOptions,
  'mode' | 'includeLocals' | 'includeClosure' | 'maxDepth' | 'extractClasses' | 'skipInternalFrames' | 'maxFailures' | 'maxPassed'
>;

/** SPEC section 2, after FailExtract's environments. */
export const PRESET_VALUES: Record<Exclude<PresetName, 'auto'>, PresetValues> = {
  development: {mode: 'auto', includeLocals: true, includeClosure: true, maxDepth: 6, extractClasses: true, skipInternalFrames: false, maxFailures: 2000, maxPassed: Infinity},
  ci: {mode: 'profile', includeLocals: true, includeClosure: false, maxDepth: 4, extractClasses: true, skipInternalFrames: true, maxFailures: 500, maxPassed: Infinity},
  production: {mode: 'static', includeLocals: false, includeClosure: false, maxDepth: 2, extractClasses: false, skipInternalFrames: true, maxFailures: 100, maxPassed: 50},
};

/** The built-in rules (model/redactSecrets) always apply: `redact` only adds names. */
const DEFAULT_REDACT: string[] = [];

/** How one option is read from reporter options (any JS value) and from its environment variable (a string). */
interface OptionSpec {
  env?: string;
  allowed: string;
  /** Returns the parsed value, or `undefined` when the value is not allowed. */
  parse(value: unknown): unknown;
  /** Parses the env var string; defaults to `parse`. */
  parseEnv?(value: string): unknown;
}

const BOOLEAN_WORDS = new Map([['1', true], ['true', true], ['0', false], ['false', false]]);

const bool: Pick<OptionSpec, 'allowed' | 'parse' | 'parseEnv'> = {
  allowed: 'true, false (env: 1, 0, true, false)',
  parse: value => (typeof value === 'boolean' ? value : undefined),
  // A Map, not an object literal: `JEST_PERF_MONITOR=constructor` must not find Object.prototype.constructor.
  parseEnv: value => BOOLEAN_WORDS.get(value.trim().toLowerCase()),
};

function oneOf(values: readonly string[]): Pick<OptionSpec, 'allowed' | 'parse'> {
  return {allowed: values.join(', '), parse: value => (typeof value === 'string' && values.includes(value) ? value : undefined)};
}

function listOf(values: readonly string[]): Pick<OptionSpec, 'allowed' | 'parse' | 'parseEnv'> {
  const parse = (value: unknown): unknown =>
    Array.isArray(value) && value.every(item => typeof item === 'string' && values.includes(item)) ? [...new Set(value)] : undefined;
  return {
    allowed: `a list of any of ${values.join(', ')}`,
    parse,
    // A list of commas only (`,`) names nothing: refused, as an empty value would be read as unset.
    parseEnv: value => {
      const items = value.split(',').map(item => item.trim()).filter(Boolean);
      return items.length === 0 ? undefined : parse(items);
    },
  };
}

/**
 * Numbers in env vars are plain decimals: `0x10`, `1e3`, `+5` or `Infinity` are what `Number()` accepts, not what
 * anyone writes on purpose, and reading them silently would hide a templating mistake.
 */
const DECIMAL = /^\d+(\.\d+)?$/;
const INTEGER = /^\d+$/;

function number(min: number, max: number, allowed: string, integer = false): Pick<OptionSpec, 'allowed' | 'parse' | 'parseEnv'> {
  const parse = (value: unknown): unknown =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value))
      ? value
      : undefined;
  return {allowed, parse, parseEnv: value => ((integer ? INTEGER : DECIMAL).test(value.trim()) ? parse(Number(value)) : undefined)};
}

function limit(): Pick<OptionSpec, 'allowed' | 'parse' | 'parseEnv'> {
  const parse = (value: unknown): unknown =>
    value === 'unlimited' || value === Infinity ? Infinity : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  return {
    allowed: "an integer >= 0, or 'unlimited'",
    parse,
    parseEnv: value => (value.trim() === 'unlimited' ? Infinity : INTEGER.test(value.trim()) ? parse(Number(value)) : undefined),
  };
}

/** A control character in a path is a quoting or templating mistake (a newline from a multi-line CI value). */
const hasControlCharacter = (value: string): boolean => [...value].some(char => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);

const text: Pick<OptionSpec, 'allowed' | 'parse'> = {
  allowed: 'a non-empty string (a file path) without control characters',
  parse: value => (typeof value === 'string' && value.trim() !== '' && !hasControlCharacter(value) ? value : undefined),
};

/** An http(s) URL with a host and nothing after the path: the Pushgateway's base, to which /metrics/job/… is added. */
function isGatewayUrl(value: unknown): value is string {
  if (typeof value !== 'string' || hasControlCharacter(value)) return false;
  try {
    const url = new URL(value.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

const BUDGET_RULE_LIMITS = ['maxDuration', 'maxSetup', 'maxMemoryDeltaMb', 'maxPeakMemoryMb'];
const SUITE_BUDGET_LIMITS = ['maxDuration', 'maxPeakMemoryMb'];

/** An unknown key in a nested option object gets its own line, naming where it is and the keys allowed there. */
function refuseUnknownKeys(value: object, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).find(key => !allowed.includes(key));
  if (unknown !== undefined) throw new OptionsError(`option "${where}" has an unknown key ${show(unknown)}; allowed keys: ${allowed.join(', ')}`);
}

const isLimit = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value >= 0;

function isBudgetRule(rule: unknown, index: number): boolean {
  if (typeof rule !== 'object' || rule === null) return false;
  if (Array.isArray(rule)) return false;
  refuseUnknownKeys(rule, ['match', ...BUDGET_RULE_LIMITS], `budgets.tests[${index}]`);
  const {match, ...limits} = rule as Record<string, unknown>;
  return typeof match === 'string' && match.trim() !== '' && Object.values(limits).every(isLimit);
}

function isSuiteBudget(suite: unknown): boolean {
  if (typeof suite !== 'object' || suite === null || Array.isArray(suite)) return false;
  refuseUnknownKeys(suite, SUITE_BUDGET_LIMITS, 'budgets.suite');
  return Object.values(suite).every(isLimit);
}

export const JUNIT_DEFAULTS: Required<JunitOptions> = {
  suiteName: 'jest tests',
  suiteNameTemplate: '{filepath}',
  classNameTemplate: '{classname} {title}',
  titleTemplate: '{classname} {title}',
  ancestorSeparator: ' ',
  reportRetries: false,
};

/** A template may use only its own placeholders: a typo would otherwise end up in every test name. */
function usesOnly(template: unknown, placeholders: readonly string[]): boolean {
  return typeof template === 'string' && [...template.matchAll(/\{([^{}]*)\}/g)].every(match => placeholders.includes(match[1]));
}

/** Keys are looked up with `Object.hasOwn`: `constructor` or `__proto__` must be unknown keys, not inherited checks. */
const JUNIT_KEYS: Record<keyof JunitOptions, (value: unknown) => boolean> = {
  suiteName: value => typeof value === 'string',
  suiteNameTemplate: value => usesOnly(value, JUNIT_SUITE_PLACEHOLDERS),
  classNameTemplate: value => usesOnly(value, JUNIT_TEST_PLACEHOLDERS),
  titleTemplate: value => usesOnly(value, JUNIT_TEST_PLACEHOLDERS),
  ancestorSeparator: value => typeof value === 'string',
  reportRetries: value => typeof value === 'boolean',
};

const SPECS: Record<keyof PerfMonitorOptions, OptionSpec> = {
  enabled: {env: 'JEST_PERF_MONITOR', ...bool},
  output: {env: 'JEST_PERF_OUTPUT', ...text},
  outputDir: {env: 'JEST_PERF_OUTPUT_DIR', ...text},
  formats: {env: 'JEST_PERF_FORMATS', ...listOf(FORMATS)},
  systemInfo: {env: 'JEST_PERF_SYSTEM_INFO', ...bool},
  cpuInterval: {env: 'JEST_PERF_CPU_INTERVAL', ...number(0, 3600, 'a number of seconds >= 0 (0 turns sampling off)')},
  printSummary: {env: 'JEST_PERF_PRINT_SUMMARY', ...bool},
  preset: {env: 'JEST_PERF_PRESET', ...oneOf(PRESETS)},
  mode: {env: 'JEST_PERF_MODE', ...oneOf(MODES)},
  includeLocals: bool,
  includeClosure: bool,
  maxDepth: number(0, 64, 'an integer from 0 to 64', true),
  extractClasses: bool,
  skipInternalFrames: bool,
  maxFailures: {env: 'JEST_PERF_MAX_FAILURES', ...limit()},
  maxPassed: {env: 'JEST_PERF_MAX_PASSED', ...limit()},
  captureRate: {env: 'JEST_PERF_CAPTURE_RATE', ...number(0, 1, 'a number from 0 to 1')},
  redact: {
    allowed: 'a list of strings',
    parse: value => (Array.isArray(value) && value.every(item => typeof item === 'string') ? value : undefined),
  },
  baseline: {
    env: 'JEST_PERF_BASELINE',
    allowed: "a path to a performance_metrics.json, 'history' or 'history:<branch>' (without control characters)",
    parse: value => (text.parse(value) !== undefined && value !== 'history:' ? value : undefined),
  },
  regressionThreshold: {env: 'JEST_PERF_REGRESSION_THRESHOLD', ...number(0, 1e6, 'a percentage >= 0')},
  regressionMinChange: {env: 'JEST_PERF_REGRESSION_MIN_CHANGE', ...number(0, 3600, 'a number of seconds >= 0')},
  leaks: {env: 'JEST_PERF_LEAKS', ...bool},
  imports: {env: 'JEST_PERF_IMPORTS', ...bool},
  cpuProfile: {
    env: 'JEST_PERF_CPU_PROFILE',
    allowed: 'true, false, or {tests?: an integer from 1 to 1000, samplingIntervalUs?: an integer from 50 to 100000} (env: 1, 0, true, false, or a number of tests)',
    parse: parseCpuProfile,
    // `1` and `0` are on and off, as for every boolean; any other whole number is a number of tests.
    parseEnv: value => {
      const word = BOOLEAN_WORDS.get(value.trim().toLowerCase());
      if (word !== undefined) return parseCpuProfile(word);
      return INTEGER.test(value.trim()) ? parseCpuProfile({tests: Number(value)}) : undefined;
    },
  },
  budgets: {
    allowed: "'recommended', or {tests: [{match, maxDuration?, maxSetup?, maxMemoryDeltaMb?, maxPeakMemoryMb?}], suite: {maxDuration?, maxPeakMemoryMb?}}",
    parse: value => {
      if (value === 'recommended') return value;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      refuseUnknownKeys(value, ['tests', 'suite'], 'budgets');
      const {tests, suite} = value as Record<string, unknown>;
      if (tests !== undefined && !(Array.isArray(tests) && tests.every(isBudgetRule))) return undefined;
      if (suite !== undefined && !isSuiteBudget(suite)) return undefined;
      return value;
    },
  },
  failOn: {env: 'JEST_PERF_FAIL_ON', ...listOf(FAIL_ON)},
  history: {
    env: 'JEST_PERF_HISTORY',
    allowed: 'a SQLite file path, or a postgres:// or postgresql:// URL (without control characters)',
    parse: value => (text.parse(value) === undefined ? undefined : isPostgresUrl(value as string) && !isPostgresTarget(value as string) ? undefined : value),
  },
  pushgateway: {
    env: 'JEST_PERF_PUSHGATEWAY',
    allowed: `a Pushgateway URL (http://host:9091), or {url, tests?: ${PUSHGATEWAY_TESTS.join(' | ')}}`,
    parse: value => {
      if (isGatewayUrl(value)) return {url: value.trim(), tests: 'slowest'};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      refuseUnknownKeys(value, ['url', 'tests'], 'pushgateway');
      const {url, tests = 'slowest'} = value as Record<string, unknown>;
      if (!isGatewayUrl(url) || !(PUSHGATEWAY_TESTS as readonly unknown[]).includes(tests)) return undefined;
      return {url: url.trim(), tests};
    },
  },
  githubActions: bool,
  junit: {
    allowed:
      `{suiteName?: string, suiteNameTemplate?: string using ${JUNIT_SUITE_PLACEHOLDERS.map(name => `{${name}}`).join(' ')}, ` +
      `classNameTemplate?/titleTemplate?: strings using ${JUNIT_TEST_PLACEHOLDERS.map(name => `{${name}}`).join(' ')}, ancestorSeparator?: string, reportRetries?: boolean}`,
    parse: value => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      const entries = Object.entries(value).filter(([, item]) => item !== undefined);
      const unknown = entries.find(([key]) => !Object.hasOwn(JUNIT_KEYS, key));
      if (unknown !== undefined) {
        throw new OptionsError(`option "junit" has an unknown key ${show(unknown[0])}; allowed keys: ${Object.keys(JUNIT_KEYS).join(', ')}`);
      }
      const valid = entries.every(([key, item]) => JUNIT_KEYS[key as keyof JunitOptions](item));
      return valid ? {...JUNIT_DEFAULTS, ...Object.fromEntries(entries)} : undefined;
    },
  },
};

export const OPTION_NAMES = Object.keys(SPECS) as Array<keyof PerfMonitorOptions>;

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export interface ResolveContext {
  /** Jest's rootDir: relative paths in reporter options are resolved against it. */
  rootDir: string;
  /** Where relative paths in `JEST_PERF_*` variables are resolved (docs/configuration.md, "Paths"). @default process.cwd() */
  cwd?: string;
  /** Whether this is a CI machine (for `preset: 'auto'`). */
  isCI: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Resolves options once: defaults < preset < reporter options < `JEST_PERF_*` environment variables.
 * Throws `OptionsError` (one line naming the option and its allowed values) on an unknown option or a bad value.
 */
export function resolveOptions(raw: unknown, context: ResolveContext): ResolvedOptions {
  const env = context.env ?? process.env;
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new OptionsError(`reporter options must be an object, got ${show(raw)}`);
  }
  const given: Partial<Record<keyof PerfMonitorOptions, unknown>> = {};
  /** Options whose value came from a variable: a relative path there is the current directory's, as on a command line. */
  const fromEnv = new Set<keyof PerfMonitorOptions>();
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    // Own keys only: `{constructor: 1}` is an unknown option, not Object.prototype.constructor.
    const spec = Object.hasOwn(SPECS, key) ? SPECS[key as keyof PerfMonitorOptions] : undefined;
    if (spec === undefined) {
      throw new OptionsError(`unknown option "${key}"; allowed options: ${OPTION_NAMES.join(', ')}`);
    }
    if (value === undefined) continue;
    const parsed = spec.parse(value);
    if (parsed === undefined) throw new OptionsError(`option "${key}" got ${show(value)}; allowed: ${spec.allowed}`);
    given[key as keyof PerfMonitorOptions] = parsed;
  }
  for (const key of OPTION_NAMES) {
    const spec = SPECS[key];
    const value = spec.env === undefined ? undefined : env[spec.env];
    // An empty or blank variable counts as unset: a CI template (`JEST_PERF_MAX_PASSED: ${{ inputs.max }}`) sets
    // it to '' when the input is not given, and that must mean "the default", not 0 or an empty list.
    if (value === undefined || value.trim() === '') continue;
    let parsed = (spec.parseEnv ?? spec.parse)(value);
    if (parsed === undefined) {
      throw new OptionsError(`${spec.env}=${show(value)} is not valid for option "${key}"; allowed: ${spec.allowed}`);
    }
    // JEST_PERF_CPU_PROFILE=1 (or a number of tests) turns on what the config describes, not the defaults: only the
    // number of tests it names replaces the configured one.
    if (key === 'cpuProfile' && parsed !== false && typeof given.cpuProfile === 'object' && given.cpuProfile !== null) {
      const configured = given.cpuProfile as Required<CpuProfileOptions>;
      parsed = INTEGER.test(value.trim()) && BOOLEAN_WORDS.get(value.trim().toLowerCase()) === undefined ? {...configured, tests: (parsed as Required<CpuProfileOptions>).tests} : configured;
    }
    given[key] = parsed;
    fromEnv.add(key);
  }

  const pick = <K extends keyof PerfMonitorOptions, D>(key: K, fallback: D): NonNullable<PerfMonitorOptions[K]> | D =>
    given[key] === undefined ? fallback : (given[key] as NonNullable<PerfMonitorOptions[K]>);

  const presetChoice = pick('preset', 'auto' as PresetName);
  const preset = presetChoice === 'auto' ? (context.isCI ? 'ci' : 'development') : presetChoice;
  const fromPreset = PRESET_VALUES[preset];
  const cwd = context.cwd ?? process.cwd();
  const absolute = (file: string, key: keyof PerfMonitorOptions): string =>
    fromEnv.has(key) && !file.startsWith(ROOT_DIR_TOKEN) ? path.resolve(cwd, file) : expandRootDir(file, context.rootDir);
  const output = absolute(pick('output', 'performance_metrics.json'), 'output');
  const failOn = pick('failOn', [] as FailOn[]);
  const baselineValue = given.baseline as string | undefined;
  if (baselineValue !== undefined && (baselineValue === 'history' || baselineValue.startsWith('history:')) && given.history === undefined) {
    throw new OptionsError(`option "baseline" is ${show(baselineValue)} but no "history" database is set; allowed: set "history" (or JEST_PERF_HISTORY), or a file path as baseline`);
  }

  return {
    enabled: pick('enabled', true),
    output,
    outputDir: given.outputDir === undefined ? path.dirname(output) : absolute(given.outputDir as string, 'outputDir'),
    formats: pick('formats', ['json']),
    systemInfo: pick('systemInfo', true),
    cpuIntervalS: pick('cpuInterval', 0.1),
    printSummary: pick('printSummary', true),
    preset,
    mode: pick('mode', fromPreset.mode as Mode),
    includeLocals: pick('includeLocals', fromPreset.includeLocals),
    includeClosure: pick('includeClosure', fromPreset.includeClosure),
    maxDepth: pick('maxDepth', fromPreset.maxDepth),
    extractClasses: pick('extractClasses', fromPreset.extractClasses),
    skipInternalFrames: pick('skipInternalFrames', fromPreset.skipInternalFrames),
    maxFailures: pick('maxFailures', fromPreset.maxFailures) as number,
    maxPassed: pick('maxPassed', fromPreset.maxPassed) as number,
    captureRate: pick('captureRate', 1),
    redact: pick('redact', DEFAULT_REDACT),
    baseline: resolveBaseline(given.baseline as string | undefined, file => absolute(file, 'baseline')),
    regressionThresholdPercent: pick('regressionThreshold', 20),
    regressionMinChangeMs: pick('regressionMinChange', 0.01) * 1000,
    leaks: pick('leaks', false) || failOn.includes('leak'),
    imports: pick('imports', true),
    cpuProfile: pick('cpuProfile', false) === false ? null : (given.cpuProfile as Required<CpuProfileOptions>),
    budgets: resolveBudgets(pick('budgets', null)),
    failOn,
    history: given.history === undefined ? null : isPostgresUrl(given.history as string) ? (given.history as string).trim() : absolute(given.history as string, 'history'),
    pushgateway: (given.pushgateway as Required<PushgatewayOptions> | undefined) ?? null,
    githubActions: pick('githubActions', env.GITHUB_ACTIONS === 'true'),
    junit: pick('junit', JUNIT_DEFAULTS) as Required<JunitOptions>,
  };
}

/**
 * A path option as Jest reads its own: `<rootDir>` at the start stands for the rootDir, and a relative path is
 * resolved against the rootDir.
 */
export function expandRootDir(file: string, rootDir: string): string {
  if (file.startsWith(ROOT_DIR_TOKEN)) return path.resolve(rootDir, `./${file.slice(ROOT_DIR_TOKEN.length)}`);
  return path.resolve(rootDir, file);
}

const ROOT_DIR_TOKEN = '<rootDir>';

/** A `postgres://` URL that names a host (`new URL` parses it). */
function isPostgresTarget(value: string): boolean {
  try {
    return new URL(value.trim()).hostname !== '';
  } catch {
    return false;
  }
}

/** `history` and `history:<branch>` are references into the history database; anything else is a file path. */
function resolveBaseline(value: string | undefined, absolute: (file: string) => string): string | null {
  if (value === undefined) return null;
  return value === 'history' || value.startsWith('history:') ? value : absolute(value);
}

export const CPU_PROFILE_DEFAULTS: Required<CpuProfileOptions> = {tests: 10, samplingIntervalUs: 1000};

/** `cpuProfile`: false, or the options written out (a bad key throws its own line, a bad value gives undefined). */
function parseCpuProfile(value: unknown): false | Required<CpuProfileOptions> | undefined {
  if (value === false) return false;
  if (value === true) return {...CPU_PROFILE_DEFAULTS};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  refuseUnknownKeys(value, ['tests', 'samplingIntervalUs'], 'cpuProfile');
  const {tests = CPU_PROFILE_DEFAULTS.tests, samplingIntervalUs = CPU_PROFILE_DEFAULTS.samplingIntervalUs} = value as Record<string, unknown>;
  const integerIn = (item: unknown, min: number, max: number): item is number => typeof item === 'number' && Number.isInteger(item) && item >= min && item <= max;
  if (!integerIn(tests, 1, 1000) || !integerIn(samplingIntervalUs, 50, 100000)) return undefined;
  return {tests, samplingIntervalUs};
}

/** Writes out the named set, so that everything downstream sees one shape. */
function resolveBudgets(value: BudgetsOption | null): Required<BudgetSet> | null {
  if (value === null) return null;
  if (value === 'recommended') return RECOMMENDED_BUDGETS;
  return {tests: value.tests ?? [], suite: value.suite ?? {}};
}

/** The `junit` option alone, validated like the reporter's (for the CLI's `report --junit`). */
export function resolveJunitOptions(value: unknown): Required<JunitOptions> {
  const parsed = SPECS.junit.parse(value);
  if (parsed === undefined) throw new OptionsError(`option "junit" got ${show(value)}; allowed: ${SPECS.junit.allowed}`);
  return parsed as Required<JunitOptions>;
}
