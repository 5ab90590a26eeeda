import type {Config} from '@jest/types';
import {isCI} from 'ci-info';
import * as path from 'path';
import {reportPath} from '../io/writeReports';
import {resolveOptions} from '../options/resolveOptions';
import type {PerfMonitorOptions} from '../options/types';

/** What `testRunner` is set to: the package's runner entry, resolved by Jest from the project like any runner. */
export const PERF_MONITOR_RUNNER = 'jest-perf-monitor/runner';
const REPORTER = 'jest-perf-monitor';

/** A Jest config as `jest.config.js` exports it: an object, or a (possibly async) function that returns one. */
export type JestConfigExport = Config.InitialOptions | Promise<Config.InitialOptions> | (() => Config.InitialOptions | Promise<Config.InitialOptions>);

type ConfigResult<T> = T extends () => unknown ? () => Promise<Config.InitialOptions> : T extends Promise<unknown> ? Promise<Config.InitialOptions> : Config.InitialOptions;

/**
 * `module.exports = withPerfMonitorConfig(config, options)`: the user's Jest config with every test measured. It
 * returns the plain config one could have written by hand:
 * - `testRunner: 'jest-perf-monitor/runner'` in the config and in every inline project, unless one names a runner
 *   other than jest-circus (jest-jasmine2 cannot be measured: it is left alone, with one line saying so);
 * - the reporter, once, with `options` (merged into the options of one already listed);
 * - `watchPathIgnorePatterns` for every report file, so `--watch` never re-runs because we wrote one.
 * Projects given as paths keep their own config: set the runner there. Options are checked now, so a mistake
 * fails before Jest starts.
 */
export function withPerfMonitorConfig<T extends JestConfigExport>(config: T, options: PerfMonitorOptions = {}): ConfigResult<T> {
  if (typeof config === 'function') {
    return (async () => applyPerfMonitor(await config(), options)) as ConfigResult<T>;
  }
  if (isPromise(config)) return config.then(resolved => applyPerfMonitor(resolved, options)) as ConfigResult<T>;
  return applyPerfMonitor(config as Config.InitialOptions, options) as ConfigResult<T>;
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
    result.projects = config.projects.map((project, index) => {
      if (typeof project === 'string') return project;
      return {...project, testRunner: runnerFor(project.testRunner as string | undefined, projectName(project, index)), watchPathIgnorePatterns: withIgnores(project)};
    });
  } else {
    result.testRunner = runnerFor(config.testRunner, null);
  }
  return result;
}

function projectName(project: Config.InitialProjectOptions, index: number): string {
  const name = typeof project.displayName === 'string' ? project.displayName : project.displayName?.name;
  return name ? `project "${name}"` : `project ${index + 1}`;
}

/** Ours in place of jest-circus (Jest's default); any other runner is kept, and said once. */
function runnerFor(current: string | undefined, where: string | null): string {
  if (current === undefined || current === PERF_MONITOR_RUNNER || /(^|[\\/])jest-circus([\\/]runner(\.js)?)?$/.test(current) || current === 'circus') {
    return PERF_MONITOR_RUNNER;
  }
  process.stderr.write(
    `jest-perf-monitor: ${where ?? 'the config'} uses testRunner '${current}', which cannot be measured (only jest-circus, Jest's default, can); its test files are counted by Jest's results only\n`,
  );
  return current;
}

type ReporterEntry = string | [string, Record<string, unknown>];

function isOurs(entry: unknown): boolean {
  const name = Array.isArray(entry) ? entry[0] : entry;
  return name === REPORTER || name === `${REPORTER}/reporter`;
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
