import type {Config} from '@jest/types';
import {isCI} from 'ci-info';
import * as path from 'path';
import {reportPath} from '../io/writeReports';
import {resolveOptions} from '../options/resolveOptions';
import type {PerfMonitorOptions} from '../options/types';

/** What `testRunner` is set to: the package's runner entry, resolved by Jest from the project like any runner. */
export const PERF_MONITOR_RUNNER = 'jest-perf-monitor/runner';
const REPORTER = 'jest-perf-monitor';

/**
 * A Jest config as `jest.config.js` exports it: an object, or a (possibly async) function that returns one. Any
 * object type, not `@jest/types`' own: a `jest.config.ts` types its config with the `Config` of the Jest it runs,
 * and the `@jest/types` this package's types resolve to may be another major (a project on Jest 30 whose other tools
 * hoist Jest 29's), whose `InitialOptions` differ (`coverageReporters`, for one). The config keeps its own type.
 */
export type JestConfigExport = object | Promise<object> | (() => object | Promise<object>);

/** The keys the wrapper sets, typed without `@jest/types` (see `JestConfigExport`). */
export interface PerfMonitorConfigKeys {
  testRunner?: string;
  reporters?: unknown[];
  watchPathIgnorePatterns?: string[];
}

type Wrapped<C> = C & PerfMonitorConfigKeys;
type ConfigResult<T> = T extends () => infer R ? () => Promise<Wrapped<Awaited<R>>> : T extends Promise<infer R> ? Promise<Wrapped<R>> : Wrapped<T>;

/**
 * `module.exports = withPerfMonitorConfig(config, options)`: the user's Jest config with every test measured. It
 * returns the plain config one could have written by hand:
 * - `testRunner: 'jest-perf-monitor/runner'` in the config and in every inline project, unless it or its preset
 *   names a runner other than jest-circus (jest-jasmine2 cannot be measured: it is kept, so no test's outcome
 *   changes, and the reporter says in one line that those files were not measured, and why);
 * - the reporter, once, with `options` (merged into the options of one already listed, by name or resolved path);
 * - `watchPathIgnorePatterns` for every report file, so `--watch` never re-runs because we wrote one.
 * Projects given as paths keep their own config: set the runner there. Options are checked now, so a mistake
 * fails before Jest starts.
 */
export function withPerfMonitorConfig<T extends JestConfigExport>(config: T, options: PerfMonitorOptions = {}): ConfigResult<T> {
  if (typeof config === 'function') {
    return (async () => applyPerfMonitor((await config()) as Config.InitialOptions, options)) as ConfigResult<T>;
  }
  if (isPromise(config)) return config.then(resolved => applyPerfMonitor(resolved, options)) as ConfigResult<T>;
  return applyPerfMonitor(config as Config.InitialOptions, options) as unknown as ConfigResult<T>;
}

function isPromise(value: unknown): value is Promise<Config.InitialOptions> {
  return typeof (value as {then?: unknown} | null)?.then === 'function';
}

function applyPerfMonitor(config: Config.InitialOptions, options: PerfMonitorOptions): Config.InitialOptions {
  const ignore = reportIgnorePatterns(options);
  const withIgnores = <C extends {watchPathIgnorePatterns?: string[]}>(target: C): string[] => [
    ...(target.watchPathIgnorePatterns ?? []),
    ...ignore.filter(pattern => !(target.watchPathIgnorePatterns ?? []).includes(pattern)),
  ];
  const result: Config.InitialOptions = {...config, reporters: withReporter(config.reporters, options), watchPathIgnorePatterns: withIgnores(config)};
  if (Array.isArray(config.projects) && config.projects.length > 0) {
    result.projects = config.projects.map(project => {
      if (typeof project === 'string') return project;
      const runner = runnerFor(project, config.rootDir);
      return {...project, ...(runner !== null && {testRunner: runner}), watchPathIgnorePatterns: withIgnores(project)};
    });
  } else {
    const runner = runnerFor(config, undefined);
    if (runner !== null) result.testRunner = runner;
  }
  return result;
}

/**
 * Ours in place of jest-circus (Jest's default, by any of its names); null to keep what the config has: a runner
 * other than circus, in the config or in its preset, which cannot be measured (the reporter says so at the end).
 */
function runnerFor(config: {testRunner?: string; preset?: string | null; rootDir?: string}, parentRootDir: string | undefined): string | null {
  const current = config.testRunner ?? presetRunner(config, parentRootDir);
  if (current === undefined || current === PERF_MONITOR_RUNNER || isCircusRunner(current)) return PERF_MONITOR_RUNNER;
  return config.testRunner === undefined ? null : current;
}

/** `jest-circus`, `jest-circus/runner`, `circus`, and the file `require.resolve('jest-circus/runner')` gives. */
export function isCircusRunner(runner: string): boolean {
  return runner === 'circus' || /(^|[\\/])jest-circus([\\/](build[\\/])?runner(\.js)?|[\\/]build[\\/]legacy-code-todo-rewrite[\\/]jestAdapter(\.js)?)?$/.test(runner);
}

/**
 * The `testRunner` of the config's preset, found as Jest finds it (a path starting with `.` from the rootDir, else
 * `<name>/jest-preset`); undefined when there is none or it cannot be read here (an ESM preset): then ours is set,
 * as before.
 */
function presetRunner(config: {preset?: string | null; rootDir?: string}, parentRootDir: string | undefined): string | undefined {
  if (typeof config.preset !== 'string' || config.preset === '') return undefined;
  const rootDir = path.resolve(parentRootDir ?? process.cwd(), config.rootDir ?? '.');
  const preset = config.preset.replace(/^<rootDir>/, rootDir);
  try {
    const file = preset.startsWith('.') || path.isAbsolute(preset) ? path.resolve(rootDir, preset) : path.join(preset, 'jest-preset');
    const resolved = require.resolve(file, {paths: [rootDir]});
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a preset is a JSON or CommonJS module, as Jest reads it
    const loaded = require(resolved) as {testRunner?: unknown} | null;
    return typeof loaded?.testRunner === 'string' ? loaded.testRunner : undefined;
  } catch {
    return undefined;
  }
}

type ReporterEntry = string | [string, Record<string, unknown>];

/** Ours by name, or by the path `require.resolve('jest-perf-monitor')` (or `/reporter`) gives. */
function isOurs(entry: unknown): boolean {
  const name: unknown = Array.isArray(entry) ? entry[0] : entry;
  if (typeof name !== 'string') return false;
  if (name === REPORTER || name === `${REPORTER}/reporter`) return true;
  const own = [path.join(__dirname, '..', 'index.js'), path.join(__dirname, '..', 'reporter.js')];
  return own.includes(path.resolve(name)) || /(^|[\\/])jest-perf-monitor[\\/]dist[\\/](index|reporter)(\.js)?$/.test(name);
}

function withReporter(reporters: Config.InitialOptions['reporters'], options: PerfMonitorOptions): ReporterEntry[] {
  const list = (reporters ?? ['default']) as ReporterEntry[];
  const index = list.findIndex(isOurs);
  if (index === -1) return [...list, [REPORTER, {...options}]];
  const existing = list[index];
  const merged: ReporterEntry = [Array.isArray(existing) ? existing[0] : existing, {...(Array.isArray(existing) ? existing[1] : {}), ...options}];
  return list.map((entry, position) => (position === index ? merged : entry));
}

/**
 * One pattern per report file, by its name: the rootDir is not known yet (Jest sets it from the config file's
 * place), and in a project `<rootDir>` would be the project's, not the run's. A name this specific is not a user's
 * source file. The temp files of atomic writes end in `.tmp`, an extension Jest never watches.
 */
function reportIgnorePatterns(options: PerfMonitorOptions): string[] {
  const resolved = resolveOptions(options, {rootDir: path.resolve('/'), isCI});
  return resolved.formats.map(format => `[/\\\\]${escapeRegExp(path.basename(reportPath(format, resolved.output, resolved.outputDir)))}$`);
}

/** A literal as a pattern, for `watchPathIgnorePatterns` (the reporter's watch-mode notice spells one too). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
