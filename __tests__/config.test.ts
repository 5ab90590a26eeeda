/**
 * The config helper, `<rootDir>` in path options, project names and the watch-mode check: pure logic, unit-tested.
 * Their behaviour in real runs is in runner.test.ts and watch.test.ts.
 */
import {afterEach, beforeEach, describe, expect, jest, test} from '@jest/globals';
import * as path from 'path';
import {withPerfMonitorConfig} from '../src/config/withPerfMonitorConfig';
import {OptionsError, resolveOptions} from '../src/options/resolveOptions';
import {ProjectNames} from '../src/reporter/ProjectNames';
import {watchedByJest} from '../src/reporter/watchedByJest';

const ROOT = path.resolve('/work/project');

describe('withPerfMonitorConfig', () => {
  let stderr: string[];
  beforeEach(() => {
    stderr = [];
    jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
      stderr.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  test('sets the runner, adds the reporter once and ignores the report files in watch mode', () => {
    const config = withPerfMonitorConfig({testEnvironment: 'jsdom', watchPathIgnorePatterns: ['/fixtures/']}, {formats: ['json', 'html']});
    expect(config).toEqual({
      testEnvironment: 'jsdom',
      testRunner: 'jest-perf-monitor/runner',
      reporters: ['default', ['jest-perf-monitor', {formats: ['json', 'html']}]],
      watchPathIgnorePatterns: ['/fixtures/', '[/\\\\]performance_metrics\\.json$', '[/\\\\]performance_metrics\\.html$'],
    });
    // A plain config: it survives JSON, as one written by hand would.
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(new RegExp(config.watchPathIgnorePatterns![1]).test(path.join(ROOT, 'performance_metrics.json'))).toBe(true);
    expect(new RegExp(config.watchPathIgnorePatterns![1]).test(path.join(ROOT, 'src', 'performance_metrics.jsonc'))).toBe(false);
    expect(stderr).toEqual([]);
  });

  test('every inline project gets the runner; path projects and other runners are left alone', () => {
    const config = withPerfMonitorConfig({
      reporters: ['default', ['jest-perf-monitor', {printSummary: false}]],
      projects: [
        {displayName: 'node', testEnvironment: 'node'},
        {displayName: 'legacy', testRunner: 'jest-jasmine2'},
        {displayName: 'circus', testRunner: 'jest-circus/runner'},
        '<rootDir>/packages/other',
      ],
    });
    expect(config.projects).toEqual([
      {displayName: 'node', testEnvironment: 'node', testRunner: 'jest-perf-monitor/runner', watchPathIgnorePatterns: ['[/\\\\]performance_metrics\\.json$']},
      {displayName: 'legacy', testRunner: 'jest-jasmine2', watchPathIgnorePatterns: ['[/\\\\]performance_metrics\\.json$']},
      {displayName: 'circus', testRunner: 'jest-perf-monitor/runner', watchPathIgnorePatterns: ['[/\\\\]performance_metrics\\.json$']},
      '<rootDir>/packages/other',
    ]);
    expect(config.testRunner).toBeUndefined();
    // The reporter that was there keeps its place and its options.
    expect(config.reporters).toEqual(['default', ['jest-perf-monitor', {printSummary: false}]]);
    // The reporter says at the end, in one line, that the jasmine files were not measured and why.
    expect(stderr).toEqual([]);
  });

  test('a config function or promise gives one that resolves to the wrapped config', async () => {
    const fromFunction = withPerfMonitorConfig(async () => ({verbose: true}));
    expect(typeof fromFunction).toBe('function');
    await expect(fromFunction()).resolves.toMatchObject({verbose: true, testRunner: 'jest-perf-monitor/runner'});
    await expect(withPerfMonitorConfig(Promise.resolve({bail: 1}))).resolves.toMatchObject({bail: 1, testRunner: 'jest-perf-monitor/runner'});
  });

  test('a bad option fails when the config loads, with the usual one line', () => {
    expect(() => withPerfMonitorConfig({}, {formats: ['pdf']} as never)).toThrow(OptionsError);
    expect(() => withPerfMonitorConfig({}, {formats: ['pdf']} as never)).toThrow(/option "formats" got \["pdf"\]; allowed: a list of any of json/);
  });
});

describe('<rootDir> in path options', () => {
  test('is expanded in every path option and path env var, as Jest does', () => {
    const options = resolveOptions(
      {output: '<rootDir>/reports/perf.json', outputDir: '<rootDir>/reports/other', history: '<rootDir>/.jest-perf/history.db', baseline: '<rootDir>/base.json'},
      {rootDir: ROOT, isCI: false, env: {}},
    );
    expect(options).toMatchObject({
      output: path.join(ROOT, 'reports', 'perf.json'),
      outputDir: path.join(ROOT, 'reports', 'other'),
      history: path.join(ROOT, '.jest-perf', 'history.db'),
      baseline: path.join(ROOT, 'base.json'),
    });
    const fromEnv = resolveOptions({}, {rootDir: ROOT, isCI: false, env: {JEST_PERF_OUTPUT: '<rootDir>/out/m.json', JEST_PERF_BASELINE: '<rootDir>/b.json'}});
    expect(fromEnv.output).toBe(path.join(ROOT, 'out', 'm.json'));
    expect(fromEnv.outputDir).toBe(path.join(ROOT, 'out'));
    expect(fromEnv.baseline).toBe(path.join(ROOT, 'b.json'));
  });
});

describe('ProjectNames', () => {
  const config = (id: string, rootDir: string, displayName?: string) => ({id, rootDir, displayName: displayName === undefined ? undefined : {name: displayName, color: 'white' as const}});

  test('a single project has no name; projects sharing a rootDir are named in ids, others are not', () => {
    expect(new ProjectNames({rootDir: ROOT, projects: []}).of(config('a', ROOT))).toEqual({name: null, inIds: false});
    const names = new ProjectNames({
      rootDir: ROOT,
      projects: [
        {displayName: 'api', rootDir: '<rootDir>/packages/api'},
        {displayName: 'dom', rootDir: '<rootDir>/shared'},
        {rootDir: '<rootDir>/shared'},
      ] as never,
    });
    expect(names.of(config('1', path.join(ROOT, 'packages/api'), 'api'))).toEqual({name: 'api', inIds: false});
    expect(names.of(config('2', path.join(ROOT, 'shared'), 'dom'))).toEqual({name: 'dom', inIds: true});
    expect(names.of(config('3', path.join(ROOT, 'shared')))).toEqual({name: 'project 3', inIds: true});
  });
});

describe('watchedByJest', () => {
  const project = {
    roots: [ROOT],
    rootDir: ROOT,
    moduleFileExtensions: ['js', 'json'],
    modulePathIgnorePatterns: [],
    watchPathIgnorePatterns: [],
    cacheDirectory: '/tmp/jest',
    haste: {},
  };

  test('a file with a module extension under a root is watched, unless ignored or in node_modules', () => {
    expect(watchedByJest(path.join(ROOT, 'performance_metrics.json'), [project])).toBe(true);
    expect(watchedByJest(path.join(ROOT, 'performance_metrics.md'), [project])).toBe(false);
    expect(watchedByJest('/elsewhere/performance_metrics.json', [project])).toBe(false);
    expect(watchedByJest(path.join(ROOT, 'node_modules', '.cache', 'm.json'), [project])).toBe(false);
    expect(watchedByJest(path.join(ROOT, 'performance_metrics.json'), [{...project, watchPathIgnorePatterns: ['performance_metrics\\.json$']}])).toBe(false);
  });
});
