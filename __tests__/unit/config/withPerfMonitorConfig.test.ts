import {afterEach, beforeEach, describe, expect, jest, test} from '@jest/globals';
import * as path from 'path';
import {withPerfMonitorConfig} from '../../../src/config/withPerfMonitorConfig';
import {OptionsError} from '../../../src/options/resolveOptions';

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

  test('a config typed with another Jest major\'s types is taken as it is, and keeps its type', () => {
    // A jest.config.ts on Jest 30 whose other tools hoist Jest 29's @jest/types: its `coverageReporters` is not
    // the type this package's @jest/types has. `npm run typecheck` fails here if the wrapper demands its own type.
    interface OtherMajorConfig {
      coverageReporters?: Array<'text' | 'lcov' | ['text' | 'lcov', {[key: string]: unknown}]>;
      testEnvironment?: string;
    }
    const config: OtherMajorConfig = {coverageReporters: ['text', ['lcov', {projectRoot: '.'}]], testEnvironment: 'node'};
    const wrapped: OtherMajorConfig = withPerfMonitorConfig(config);
    expect(wrapped).toMatchObject({...config, testRunner: 'jest-perf-monitor/runner'});
  });

  test('a bad option fails when the config loads, with the usual one line', () => {
    expect(() => withPerfMonitorConfig({}, {formats: ['pdf']} as never)).toThrow(OptionsError);
    expect(() => withPerfMonitorConfig({}, {formats: ['pdf']} as never)).toThrow(/option "formats" got \["pdf"\]; allowed: a list of any of json/);
  });
});
