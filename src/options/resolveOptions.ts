import * as path from 'path';
import {withoutUrlPasswords} from '../model/redactSecrets';
import {isPostgresTarget, isPostgresUrl} from './historyTarget';
import {FAIL_ON, FORMATS, RECOMMENDED_BUDGETS, JUNIT_SUITE_PLACEHOLDERS, JUNIT_TEST_PLACEHOLDERS, MODES, PRESETS, PUSHGATEWAY_TESTS} from './types';
import type {BudgetSet, BudgetsOption, CpuProfileOptions, DeprecatedOptionName, FailOn, FormatName, JunitOptions, Mode, PerfMonitorOptions, PresetName, PushgatewayOptions, PushgatewayTests, ResolvedOptions} from './types';

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

/** The presets of docs/configuration.md#presets, after FailExtract's environments. */
export const PRESET_VALUES: Record<Exclude<PresetName, 'auto'>, PresetValues> = {
  development: {mode: 'auto', includeLocals: true, includeClosure: true, maxDepth: 6, extractClasses: true, skipInternalFrames: false, maxFailures: 2000, maxPassed: Infinity},
  ci: {mode: 'profile', includeLocals: true, includeClosure: false, maxDepth: 4, extractClasses: true, skipInternalFrames: true, maxFailures: 500, maxPassed: Infinity},
  production: {mode: 'static', includeLocals: false, includeClosure: false, maxDepth: 2, extractClasses: false, skipInternalFrames: true, maxFailures: 100, maxPassed: 50},
};


/** What a default may depend on: the preset in force and the environment. */
interface DefaultContext {
  preset: PresetValues;
  env: NodeJS.ProcessEnv;
}

/**
 * One option, in the one table every other place follows: how it is read from the reporter options (any JS value) and
 * from its environment variable (a string), its default, and the default as the docs write it. A unit test checks
 * docs/configuration.md's option table and the options' `@default` JSDoc against this table.
 */
interface OptionSpec<T, D = T> {
  env?: string;
  /** The older name of the option and of its variable, still read. */
  alias?: {option: string; env?: string};
  allowed: string;
  /** Returns the parsed value, or `undefined` when the value is not allowed. */
  parse(value: unknown): T | undefined;
  /** Parses the env var string; defaults to `parse`. */
  parseEnv?(value: string): T | undefined;
  /** The value when neither the options nor the environment set one: a value, or one computed from the context. */
  default: D | ((context: DefaultContext) => D);
  /** The default as docs/configuration.md's table and the `@default` JSDoc in options/types.ts write it. */
  docDefault: string;
}

type Reader<T> = Pick<OptionSpec<T>, 'allowed' | 'parse' | 'parseEnv'>;

const BOOLEAN_WORDS = new Map([['1', true], ['true', true], ['0', false], ['false', false]]);

const bool: Reader<boolean> = {
  allowed: 'true, false (env: 1, 0, true, false)',
  parse: value => (typeof value === 'boolean' ? value : undefined),
  // A Map, not an object literal: `JEST_PERF_MONITOR=constructor` must not find Object.prototype.constructor.
  parseEnv: value => BOOLEAN_WORDS.get(value.trim().toLowerCase()),
};

function oneOf<V extends string>(values: readonly V[]): Reader<V> {
  return {allowed: values.join(', '), parse: value => (typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as V) : undefined)};
}

function listOf<V extends string>(values: readonly V[]): Reader<V[]> {
  const isValue = (item: unknown): item is V => typeof item === 'string' && (values as readonly string[]).includes(item);
  const parse = (value: unknown): V[] | undefined => (Array.isArray(value) && value.every(isValue) ? [...new Set(value)] : undefined);
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

function number(min: number, max: number, allowed: string, integer = false): Reader<number> {
  const parse = (value: unknown): number | undefined =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value))
      ? value
      : undefined;
  return {allowed, parse, parseEnv: value => ((integer ? INTEGER : DECIMAL).test(value.trim()) ? parse(Number(value)) : undefined)};
}

function limit(): Reader<number> {
  const parse = (value: unknown): number | undefined =>
    value === 'unlimited' || value === Infinity ? Infinity : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  return {
    allowed: "an integer >= 0, or 'unlimited'",
    parse,
    parseEnv: value => (value.trim() === 'unlimited' ? Infinity : INTEGER.test(value.trim()) ? parse(Number(value)) : undefined),
  };
}

/** A control character in a path is a quoting or templating mistake (a newline from a multi-line CI value). */
const hasControlCharacter = (value: string): boolean => [...value].some(char => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);

const text: Reader<string> = {
  allowed: 'a non-empty string (a file path) without control characters',
  parse: value => (typeof value === 'string' && value.trim() !== '' && !hasControlCharacter(value) ? value : undefined),
};

/** `redact`: names to add to the built-in rules. */
const names: Reader<string[]> = {
  allowed: 'a list of strings',
  parse: value => (Array.isArray(value) && value.every(item => typeof item === 'string') ? value : undefined),
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

/** Every option: the one source of truth for how it is read, its default and how the docs state that default. */
const SPECS = {
  enabled: {env: 'JEST_PERF_MONITOR', ...bool, default: true, docDefault: '`true`'},
  output: {env: 'JEST_PERF_OUTPUT', ...text, default: 'performance_metrics.json', docDefault: '`<rootDir>/performance_metrics.json`'},
  outputDir: {env: 'JEST_PERF_OUTPUT_DIR', ...text, default: null, docDefault: 'directory of `output`'},
  formats: {env: 'JEST_PERF_FORMATS', ...listOf(FORMATS), default: ['json'] as FormatName[], docDefault: '`json`'},
  systemInfo: {env: 'JEST_PERF_SYSTEM_INFO', ...bool, default: true, docDefault: '`true`'},
  rssSampleInterval: {
    env: 'JEST_PERF_RSS_SAMPLE_INTERVAL',
    alias: {option: 'cpuInterval', env: 'JEST_PERF_CPU_INTERVAL'},
    ...number(0, 3600, 'a number of seconds >= 0 (0 turns sampling off)'),
    default: 0.1,
    docDefault: '`0.1`',
  },
  printSummary: {env: 'JEST_PERF_PRINT_SUMMARY', ...bool, default: true, docDefault: '`true`'},
  preset: {env: 'JEST_PERF_PRESET', ...oneOf(PRESETS), default: 'auto' as PresetName, docDefault: '`auto`'},
  mode: {env: 'JEST_PERF_MODE', ...oneOf(MODES), default: ({preset}: DefaultContext): Mode => preset.mode, docDefault: 'from preset'},
  includeLocals: {...bool, default: ({preset}: DefaultContext) => preset.includeLocals, docDefault: 'from preset'},
  includeClosure: {...bool, default: ({preset}: DefaultContext) => preset.includeClosure, docDefault: 'from preset'},
  maxDepth: {...number(0, 64, 'an integer from 0 to 64', true), default: ({preset}: DefaultContext) => preset.maxDepth, docDefault: 'from preset'},
  extractClasses: {...bool, default: ({preset}: DefaultContext) => preset.extractClasses, docDefault: 'from preset'},
  skipInternalFrames: {...bool, default: ({preset}: DefaultContext) => preset.skipInternalFrames, docDefault: 'from preset'},
  maxFailures: {env: 'JEST_PERF_MAX_FAILURES', ...limit(), default: ({preset}: DefaultContext) => preset.maxFailures, docDefault: 'from preset'},
  maxPassed: {env: 'JEST_PERF_MAX_PASSED', ...limit(), default: ({preset}: DefaultContext) => preset.maxPassed, docDefault: 'from preset'},
  captureRate: {env: 'JEST_PERF_CAPTURE_RATE', ...number(0, 1, 'a number from 0 to 1'), default: 1, docDefault: '`1`'},
  // The built-in rules (model/redactSecrets) always apply: `redact` only adds names.
  redact: {...names, default: [] as string[], docDefault: '`[]`'},
  baseline: {
    env: 'JEST_PERF_BASELINE',
    allowed: "a path to a performance_metrics.json, 'history' or 'history:<branch>' (without control characters)",
    parse: (value: unknown) => (text.parse(value) !== undefined && value !== 'history:' ? (value as string) : undefined),
    default: null,
    docDefault: 'none',
  },
  regressionThreshold: {env: 'JEST_PERF_REGRESSION_THRESHOLD', ...number(0, 1e6, 'a percentage >= 0'), default: 20, docDefault: '`20`'},
  regressionMinChange: {env: 'JEST_PERF_REGRESSION_MIN_CHANGE', ...number(0, 3600, 'a number of seconds >= 0'), default: 0.01, docDefault: '`0.01`'},
  leaks: {env: 'JEST_PERF_LEAKS', ...bool, default: false, docDefault: '`false`'},
  imports: {env: 'JEST_PERF_IMPORTS', ...bool, default: true, docDefault: '`true`'},
  cpuProfile: {
    env: 'JEST_PERF_CPU_PROFILE',
    allowed: 'true, false, or {tests?: an integer from 1 to 1000, samplingIntervalUs?: an integer from 50 to 100000} (env: 1, 0, true, false, or a number of tests)',
    parse: parseCpuProfile,
    // `1` and `0` are on and off, as for every boolean; any other whole number is a number of tests.
    parseEnv: (value: string) => {
      const word = BOOLEAN_WORDS.get(value.trim().toLowerCase());
      if (word !== undefined) return parseCpuProfile(word);
      return INTEGER.test(value.trim()) ? parseCpuProfile({tests: Number(value)}) : undefined;
    },
    default: false as const,
    docDefault: '`false`',
  },
  budgets: {
    allowed: "'recommended', or {tests: [{match, maxDuration?, maxSetup?, maxMemoryDeltaMb?, maxPeakMemoryMb?}], suite: {maxDuration?, maxPeakMemoryMb?}}",
    parse: (value: unknown): BudgetsOption | undefined => {
      if (value === 'recommended') return value;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      refuseUnknownKeys(value, ['tests', 'suite'], 'budgets');
      const {tests, suite} = value as Record<string, unknown>;
      if (tests !== undefined && !(Array.isArray(tests) && tests.every(isBudgetRule))) return undefined;
      if (suite !== undefined && !isSuiteBudget(suite)) return undefined;
      return value as BudgetSet;
    },
    default: null,
    docDefault: 'none',
  },
  failOn: {env: 'JEST_PERF_FAIL_ON', ...listOf(FAIL_ON), default: [] as FailOn[], docDefault: 'none'},
  history: {
    env: 'JEST_PERF_HISTORY',
    allowed: 'a SQLite file path, or a postgres:// or postgresql:// URL (without control characters)',
    parse: (value: unknown) => {
      const file = text.parse(value);
      return file === undefined || (isPostgresUrl(file) && !isPostgresTarget(file)) ? undefined : file;
    },
    default: null,
    docDefault: 'none',
  },
  pushgateway: {
    env: 'JEST_PERF_PUSHGATEWAY',
    allowed: `a Pushgateway URL (http://host:9091), or {url, tests?: ${PUSHGATEWAY_TESTS.join(' | ')}}`,
    parse: (value: unknown): Required<PushgatewayOptions> | undefined => {
      if (isGatewayUrl(value)) return {url: value.trim(), tests: 'slowest'};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      refuseUnknownKeys(value, ['url', 'tests'], 'pushgateway');
      const {url, tests = 'slowest'} = value as Record<string, unknown>;
      if (!isGatewayUrl(url) || !isPushgatewayTests(tests)) return undefined;
      return {url: url.trim(), tests};
    },
    default: null,
    docDefault: 'none',
  },
  githubActions: {...bool, default: ({env}: DefaultContext) => env.GITHUB_ACTIONS === 'true', docDefault: '`true` when `GITHUB_ACTIONS=true`'},
  junit: {
    allowed:
      `{suiteName?: string, suiteNameTemplate?: string using ${JUNIT_SUITE_PLACEHOLDERS.map(name => `{${name}}`).join(' ')}, ` +
      `classNameTemplate?/titleTemplate?: strings using ${JUNIT_TEST_PLACEHOLDERS.map(name => `{${name}}`).join(' ')}, ancestorSeparator?: string, reportRetries?: boolean}`,
    parse: (value: unknown): Required<JunitOptions> | undefined => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      const entries = Object.entries(value).filter(([, item]) => item !== undefined);
      const unknown = entries.find(([key]) => !Object.hasOwn(JUNIT_KEYS, key));
      if (unknown !== undefined) {
        throw new OptionsError(`option "junit" has an unknown key ${show(unknown[0])}; allowed keys: ${Object.keys(JUNIT_KEYS).join(', ')}`);
      }
      const valid = entries.every(([key, item]) => JUNIT_KEYS[key as keyof JunitOptions](item));
      return valid ? {...JUNIT_DEFAULTS, ...Object.fromEntries(entries)} : undefined;
    },
    default: JUNIT_DEFAULTS,
    docDefault: 'see [JUnit](reports.md#junit-xml)',
  },
} satisfies {[K in Exclude<keyof PerfMonitorOptions, DeprecatedOptionName>]-?: OptionSpec<unknown, unknown>};

type OptionName = keyof typeof SPECS;
type Specs = typeof SPECS;
/** The value an option has once parsed. */
type Parsed<K extends OptionName> = NonNullable<ReturnType<Specs[K]['parse']>>;
/** The value an option has when nothing sets it. */
type DefaultOf<K extends OptionName> = Specs[K]['default'] extends (context: DefaultContext) => infer R ? R : Specs[K]['default'];

export const OPTION_NAMES = Object.keys(SPECS) as OptionName[];

/** The table, for the unit test that holds docs/configuration.md and the `@default` JSDoc to it. */
export const OPTION_DOCS: ReadonlyArray<{option: OptionName; env: string | null; alias: {option: string; env?: string} | null; docDefault: string}> = OPTION_NAMES.map(option => {
  const spec: OptionSpec<unknown, unknown> = SPECS[option];
  return {option, env: spec.env ?? null, alias: spec.alias ?? null, docDefault: spec.docDefault};
});

const isPushgatewayTests = (value: unknown): value is PushgatewayTests => (PUSHGATEWAY_TESTS as readonly unknown[]).includes(value);

/** A value as a message shows it: a URL's password (a history or Pushgateway URL) never. */
function show(value: unknown): string {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return withoutUrlPasswords(shown);
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
  const given: {[K in OptionName]?: Parsed<K>} = {};
  // One cast, where a key known only at run time meets its value: each value came from that key's own `parse`.
  const set = (key: OptionName, value: unknown): void => void ((given as Record<OptionName, unknown>)[key] = value);
  const seen = new Map<OptionName, string>();
  /** Options whose value came from a variable: a relative path there is the current directory's, as on a command line. */
  const fromEnv = new Set<OptionName>();
  for (const [name, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    // Own keys only: `{constructor: 1}` is an unknown option, not Object.prototype.constructor.
    const key = Object.hasOwn(SPECS, name) ? (name as OptionName) : ALIASES.get(name);
    if (key === undefined) {
      throw new OptionsError(`unknown option "${name}"; allowed options: ${OPTION_NAMES.join(', ')}`);
    }
    if (value === undefined) continue;
    if (seen.has(key)) throw new OptionsError(`options "${seen.get(key)}" and "${name}" are one option (the second is its older name); allowed: set one of them`);
    seen.set(key, name);
    const spec: OptionSpec<unknown, unknown> = SPECS[key];
    const parsed = spec.parse(value);
    if (parsed === undefined) throw new OptionsError(`option "${name}" got ${show(value)}; allowed: ${spec.allowed}`);
    set(key, parsed);
  }
  for (const key of OPTION_NAMES) {
    const spec: OptionSpec<unknown, unknown> = SPECS[key];
    // The current variable wins over the older name's.
    const variable = [spec.env, spec.alias?.env].find(name => name !== undefined && !isBlank(env[name]));
    if (variable === undefined) continue;
    const value = env[variable] as string;
    let parsed = (spec.parseEnv ?? spec.parse)(value);
    if (parsed === undefined) {
      const option = variable === spec.env ? key : (spec.alias?.option ?? key);
      throw new OptionsError(`${variable}=${show(value)} is not valid for option "${option}"; allowed: ${spec.allowed}`);
    }
    // JEST_PERF_CPU_PROFILE=1 (or a number of tests) turns on what the config describes, not the defaults: only the
    // number of tests it names replaces the configured one.
    const configured = given.cpuProfile;
    if (key === 'cpuProfile' && parsed !== false && typeof configured === 'object') {
      parsed = INTEGER.test(value.trim()) && BOOLEAN_WORDS.get(value.trim().toLowerCase()) === undefined ? {...configured, tests: (parsed as Required<CpuProfileOptions>).tests} : configured;
    }
    set(key, parsed);
    fromEnv.add(key);
  }

  const presetChoice = given.preset ?? SPECS.preset.default;
  const preset = presetChoice === 'auto' ? (context.isCI ? 'ci' : 'development') : presetChoice;
  const defaults: DefaultContext = {preset: PRESET_VALUES[preset], env};
  const pick = <K extends OptionName>(key: K): Parsed<K> | DefaultOf<K> => {
    if (given[key] !== undefined) return given[key] as Parsed<K>;
    const fallback: unknown = SPECS[key].default;
    return (typeof fallback === 'function' ? fallback(defaults) : fallback) as DefaultOf<K>;
  };
  const cwd = context.cwd ?? process.cwd();
  const absolute = (file: string, key: OptionName): string =>
    fromEnv.has(key) && !file.startsWith(ROOT_DIR_TOKEN) ? path.resolve(cwd, file) : expandRootDir(file, context.rootDir);
  const output = absolute(pick('output'), 'output');
  const outputDir = pick('outputDir');
  const failOn = pick('failOn');
  const baseline = pick('baseline');
  const history = pick('history');
  if (baseline !== null && isHistoryReference(baseline) && history === null) {
    throw new OptionsError(`option "baseline" is ${show(baseline)} but no "history" database is set; allowed: set "history" (or JEST_PERF_HISTORY), or a file path as baseline`);
  }
  const cpuProfile = pick('cpuProfile');
  const budgets = pick('budgets');

  return {
    enabled: pick('enabled'),
    output,
    outputDir: outputDir === null ? path.dirname(output) : absolute(outputDir, 'outputDir'),
    formats: pick('formats'),
    systemInfo: pick('systemInfo'),
    rssSampleIntervalS: pick('rssSampleInterval'),
    printSummary: pick('printSummary'),
    preset,
    mode: pick('mode'),
    includeLocals: pick('includeLocals'),
    includeClosure: pick('includeClosure'),
    maxDepth: pick('maxDepth'),
    extractClasses: pick('extractClasses'),
    skipInternalFrames: pick('skipInternalFrames'),
    maxFailures: pick('maxFailures'),
    maxPassed: pick('maxPassed'),
    captureRate: pick('captureRate'),
    redact: pick('redact'),
    baseline: baseline === null || isHistoryReference(baseline) ? baseline : absolute(baseline, 'baseline'),
    regressionThresholdPercent: pick('regressionThreshold'),
    regressionMinChangeMs: pick('regressionMinChange') * 1000,
    leaks: pick('leaks') || failOn.includes('leak'),
    imports: pick('imports'),
    cpuProfile: cpuProfile === false ? null : cpuProfile,
    budgets: budgets === null ? null : budgets === 'recommended' ? RECOMMENDED_BUDGETS : {tests: budgets.tests ?? [], suite: budgets.suite ?? {}},
    failOn,
    history: history === null ? null : isPostgresUrl(history) ? history.trim() : absolute(history, 'history'),
    pushgateway: pick('pushgateway'),
    githubActions: pick('githubActions'),
    junit: pick('junit'),
  };
}

/**
 * An empty or blank variable counts as unset: a CI template (`JEST_PERF_MAX_PASSED: ${{ inputs.max }}`) sets it to ''
 * when the input is not given, and that must mean "the default", not 0 or an empty list.
 */
const isBlank = (value: string | undefined): boolean => value === undefined || value.trim() === '';

/** The older option names, each to the option it names now. */
const ALIASES = new Map<string, OptionName>(
  OPTION_NAMES.flatMap(key => {
    const spec: OptionSpec<unknown, unknown> = SPECS[key];
    return spec.alias ? [[spec.alias.option, key] as const] : [];
  }),
);

/** `history` and `history:<branch>` are references into the history database; anything else is a file path. */
const isHistoryReference = (value: string): boolean => value === 'history' || value.startsWith('history:');

/**
 * A path option as Jest reads its own: `<rootDir>` at the start stands for the rootDir, and a relative path is
 * resolved against the rootDir.
 */
export function expandRootDir(file: string, rootDir: string): string {
  if (file.startsWith(ROOT_DIR_TOKEN)) return path.resolve(rootDir, `./${file.slice(ROOT_DIR_TOKEN.length)}`);
  return path.resolve(rootDir, file);
}

const ROOT_DIR_TOKEN = '<rootDir>';

/**
 * 10 ms sampling: on two real suites it kept the busy tests' top function as often as 1 ms sampling agrees with
 * itself, at about half the profiler's CPU cost (docs/performance.md#cpuprofiles-cost).
 */
export const CPU_PROFILE_DEFAULTS: Required<CpuProfileOptions> = {tests: 10, samplingIntervalUs: 10000};

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

/** The `junit` option alone, validated like the reporter's (for the CLI's `report --junit`). */
export function resolveJunitOptions(value: unknown): Required<JunitOptions> {
  const parsed = SPECS.junit.parse(value);
  if (parsed === undefined) throw new OptionsError(`option "junit" got ${show(value)}; allowed: ${SPECS.junit.allowed}`);
  return parsed;
}
