import {describe, expect, test} from '@jest/globals';
import {readFileSync} from 'fs';
import * as path from 'path';
import {OPTION_DOCS, OptionsError, PRESET_VALUES, resolveJunitOptions, resolveOptions} from '../../../src/options/resolveOptions';
import {RECOMMENDED_BUDGETS} from '../../../src/options/types';

const ROOT = path.resolve('/project');

describe('resolveOptions', () => {
  const resolve = (raw: unknown, env: NodeJS.ProcessEnv = {}, isCI = false) => resolveOptions(raw, {rootDir: ROOT, isCI, env});

  test('defaults', () => {
    const options = resolve(undefined);
    expect(options).toMatchObject({
      enabled: true,
      output: path.join(ROOT, 'performance_metrics.json'),
      outputDir: ROOT,
      formats: ['json'],
      systemInfo: true,
      rssSampleIntervalS: 0.1,
      printSummary: true,
      preset: 'development',
      mode: 'auto',
      captureRate: 1,
      regressionThresholdPercent: 20,
      failOn: [],
      githubActions: false,
    });
  });

  test('auto picks ci on a CI machine; explicit preset and mode win in order', () => {
    expect(resolve({}, {}, true)).toMatchObject({preset: 'ci', ...PRESET_VALUES.ci});
    expect(resolve({preset: 'production'}, {}, true)).toMatchObject({preset: 'production', mode: 'static', maxPassed: 50});
    expect(resolve({preset: 'production', mode: 'trace'})).toMatchObject({mode: 'trace', maxDepth: 2});
    expect(resolve({preset: 'production'}, {JEST_PERF_PRESET: 'development'})).toMatchObject({preset: 'development', mode: 'auto'});
    expect(resolve({mode: 'static'}, {JEST_PERF_MODE: 'profile'}).mode).toBe('profile');
    expect(resolve({}).maxPassed).toBe(Infinity);
  });

  test('defaults < preset < options < environment variables', () => {
    const options = resolve(
      {output: 'a.json', formats: ['json'], cpuInterval: 0.5, maxFailures: 10, enabled: false},
      {JEST_PERF_OUTPUT: 'reports/b.json', JEST_PERF_FORMATS: 'json, csv', JEST_PERF_CPU_INTERVAL: '0', JEST_PERF_MAX_FAILURES: 'unlimited', JEST_PERF_MONITOR: '1'},
    );
    expect(options).toMatchObject({
      enabled: true,
      // A variable's relative path is the current directory's (docs/configuration.md, Paths).
      output: path.resolve('reports/b.json'),
      outputDir: path.resolve('reports'),
      formats: ['json', 'csv'],
      rssSampleIntervalS: 0,
      maxFailures: Infinity,
    });
    expect(resolve({}, {JEST_PERF_MONITOR: 'false'}).enabled).toBe(false);
    expect(resolve({}, {GITHUB_ACTIONS: 'true'}).githubActions).toBe(true);
  });

  test.each([
    [{nope: 1}, /unknown option "nope"; allowed options: enabled, output/],
    [{enabled: 'yes'}, /option "enabled" got "yes"; allowed: true, false/],
    [{cpuInterval: -1}, /option "cpuInterval" got -1; allowed: a number of seconds >= 0/],
    [{maxDepth: 2.5}, /option "maxDepth" got 2.5; allowed: an integer from 0 to 64/],
    [{captureRate: 2}, /option "captureRate" got 2; allowed: a number from 0 to 1/],
    [{failOn: ['budget', 'speed']}, /option "failOn" got \["budget","speed"\]; allowed: a list of any of budget, regression, leak/],
    [{budgets: {tests: [{maxDuration: 1}]}}, /option "budgets" got/],
    [{budgets: {suite: 5}}, /option "budgets" got/],
    [{budgets: {suite: {maxSetup: 1}}}, /option "budgets.suite" has an unknown key "maxSetup"; allowed keys: maxDuration, maxPeakMemoryMb/],
    // Names Object.prototype has are unknown options like any other, at every level.
    [{constructor: 1}, /unknown option "constructor"; allowed options: enabled/],
    [{toString: 'x'}, /unknown option "toString"; allowed options: enabled/],
    [JSON.parse('{"__proto__": {"enabled": false}}'), /unknown option "__proto__"/],
    [{hasOwnProperty: 1}, /unknown option "hasOwnProperty"/],
    [{junit: {constructor: 'x'}}, /option "junit" has an unknown key "constructor"; allowed keys: suiteName, suiteNameTemplate/],
    [{junit: JSON.parse('{"__proto__": {"suiteName": "x"}}')}, /option "junit" has an unknown key "__proto__"/],
    [{budgets: {constructor: 1}}, /option "budgets" has an unknown key "constructor"; allowed keys: tests, suite/],
    [{budgets: {tests: [{match: '**', valueOf: 1}]}}, /option "budgets.tests\[0\]" has an unknown key "valueOf"; allowed keys: match, maxDuration/],
    [{budgets: {suite: {maxDuration: Infinity}}}, /option "budgets" got/],
    [{maxPassed: 1.5}, /option "maxPassed" got 1.5; allowed: an integer >= 0, or 'unlimited'/],
    [{output: 'a\nb.json'}, /option "output" got "a\\nb.json"; allowed: a non-empty string \(a file path\) without control characters/],
    [{history: 'h\u0000.db'}, /option "history" got .*without control characters/],
    [{baseline: 'base\r.json'}, /option "baseline" got .*without control characters/],
    [[], /reporter options must be an object/],
  ])('rejects %j with one line', (raw, message) => {
    let error: unknown;
    try {
      resolve(raw);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).stack).toBe((error as Error).message);
  });

  test('an empty or blank environment variable is unset: the default (or the reporter option) holds', () => {
    const blank = {JEST_PERF_MAX_PASSED: ' ', JEST_PERF_MAX_FAILURES: '', JEST_PERF_FORMATS: '  ', JEST_PERF_FAIL_ON: '\t', JEST_PERF_OUTPUT: ' ', JEST_PERF_MONITOR: ' ', JEST_PERF_CPU_INTERVAL: ' '};
    expect(resolve({}, blank)).toMatchObject({enabled: true, maxPassed: Infinity, maxFailures: 2000, formats: ['json'], failOn: [], output: path.join(ROOT, 'performance_metrics.json'), rssSampleIntervalS: 0.1});
    expect(resolve({maxPassed: 5, formats: ['csv']}, blank)).toMatchObject({maxPassed: 5, formats: ['csv']});
  });

  test('numbers in environment variables are plain decimals: integers for counts, fractions allowed for seconds and rates', () => {
    expect(resolve({}, {JEST_PERF_MAX_PASSED: ' 10 ', JEST_PERF_CPU_INTERVAL: '0.25', JEST_PERF_CAPTURE_RATE: '1', JEST_PERF_REGRESSION_THRESHOLD: '12.5'})).toMatchObject({
      maxPassed: 10,
      rssSampleIntervalS: 0.25,
      captureRate: 1,
      regressionThresholdPercent: 12.5,
    });
    for (const [name, value, option, allowed] of [
      ['JEST_PERF_MAX_PASSED', '0x10', 'maxPassed', "an integer >= 0, or 'unlimited'"],
      ['JEST_PERF_MAX_FAILURES', '1e3', 'maxFailures', "an integer >= 0, or 'unlimited'"],
      ['JEST_PERF_MAX_FAILURES', '2.5', 'maxFailures', "an integer >= 0, or 'unlimited'"],
      ['JEST_PERF_MAX_PASSED', '-1', 'maxPassed', "an integer >= 0, or 'unlimited'"],
      ['JEST_PERF_CPU_INTERVAL', '0x1', 'cpuInterval', 'a number of seconds >= 0'],
      ['JEST_PERF_CPU_INTERVAL', '1e-1', 'cpuInterval', 'a number of seconds >= 0'],
      ['JEST_PERF_CAPTURE_RATE', '.5', 'captureRate', 'a number from 0 to 1'],
      ['JEST_PERF_REGRESSION_THRESHOLD', 'Infinity', 'regressionThreshold', 'a percentage >= 0'],
      ['JEST_PERF_REGRESSION_MIN_CHANGE', '+1', 'regressionMinChange', 'a number of seconds >= 0'],
      ['JEST_PERF_FORMATS', ' , ', 'formats', 'a list of any of json'],
      ['JEST_PERF_FAIL_ON', ',', 'failOn', 'a list of any of budget'],
      ['JEST_PERF_MONITOR', 'constructor', 'enabled', 'true, false'],
      ['JEST_PERF_HISTORY', 'perf\nhistory.db', 'history', 'a SQLite file path, or a postgres:// or postgresql:// URL (without control characters)'],
      ['JEST_PERF_OUTPUT', 'out\u001b.json', 'output', 'a non-empty string (a file path) without control characters'],
    ]) {
      expect(() => resolve({}, {[name]: value})).toThrow(`${name}=${JSON.stringify(value)} is not valid for option "${option}"; allowed: ${allowed}`);
    }
  });

  test('environment variable errors name the variable', () => {
    expect(() => resolve({}, {JEST_PERF_MONITOR: 'maybe'})).toThrow('JEST_PERF_MONITOR="maybe" is not valid for option "enabled"; allowed: true, false (env: 1, 0, true, false)');
    expect(() => resolve({}, {JEST_PERF_FAIL_ON: 'budget,x'})).toThrow('JEST_PERF_FAIL_ON="budget,x" is not valid for option "failOn"');
  });

  test('budgets accept the recommended set and well-formed rules', () => {
    expect(resolve({budgets: 'recommended'}).budgets).toBe(RECOMMENDED_BUDGETS);
    const budgets = {tests: [{match: '**/*.unit.test.*', maxDuration: 0.1}], suite: {maxDuration: 60, maxPeakMemoryMb: 500}};
    expect(resolve({budgets}).budgets).toEqual(budgets);
    expect(resolve({budgets: {suite: {maxDuration: 1}}}).budgets).toEqual({tests: [], suite: {maxDuration: 1}});
  });
});

describe('the junit option', () => {
  test('fills in jest-junit\'s defaults and rejects unknown placeholders with the allowed ones', () => {
    expect(resolveJunitOptions({reportRetries: true})).toEqual({
      suiteName: 'jest tests',
      suiteNameTemplate: '{filepath}',
      classNameTemplate: '{classname} {title}',
      titleTemplate: '{classname} {title}',
      ancestorSeparator: ' ',
      reportRetries: true,
    });
    expect(() => resolveJunitOptions({titleTemplate: '{classname} {name}'})).toThrow(
      /^jest-perf-monitor: option "junit" got \{"titleTemplate":"\{classname\} \{name\}"\}; allowed: .*classNameTemplate\?\/titleTemplate\?: strings using \{classname\} \{title\} \{filepath\} \{filename\} \{suitename\}/,
    );
    expect(() => resolveJunitOptions({suiteNameTemplate: '{suitename}'})).toThrow(OptionsError);
    expect(() => resolveJunitOptions({retries: true})).toThrow(OptionsError);
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

describe('one source of truth: the options table in resolveOptions', () => {
  const REPO = path.resolve(__dirname, '../../..');
  /** Backticks, quotes and brackets are how each place dresses a value, not the value. */
  const normalise = (text: string): string => text.replace(/[`'[\]]/g, '').trim();

  /** docs/configuration.md's option table: each row's option names, variable names and default. */
  function docsRows(): Array<{options: string[]; envs: string[]; defaultText: string}> {
    const doc = readFileSync(path.join(REPO, 'docs', 'configuration.md'), 'utf8');
    const section = doc.slice(doc.indexOf('\n## Options\n'), doc.indexOf('\n## Presets\n'));
    return section
      .split('\n')
      .filter(line => line.startsWith('| `'))
      .map(line => {
        // A `\|` inside a cell is text, not a column.
        const cells = line.replace(/\\\|/g, '¦').split('|').slice(1, -1).map(cell => cell.trim());
        const names = (cell: string): string[] => [...cell.matchAll(/`([A-Za-z_]+)`/g)].map(match => match[1]);
        return {options: names(cells[0]), envs: names(cells[1]), defaultText: cells[2]};
      });
  }

  /** The `@default` of each member of PerfMonitorOptions, from its JSDoc in src/options/types.ts. */
  function jsdocDefaults(): Map<string, string> {
    const source = readFileSync(path.join(REPO, 'src', 'options', 'types.ts'), 'utf8');
    const body = source.slice(source.indexOf('export interface PerfMonitorOptions {'));
    const members = body.slice(0, body.indexOf('\n}\n'));
    return new Map([...members.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*\n\s*(\w+)\?:/g)].map(match => [match[2], (/@default (.*)/.exec(match[1])?.[1] ?? '').trim()]));
  }

  test.each(OPTION_DOCS.map(doc => [doc.option, doc] as const))('%s: in the docs table with its variable and default, and in the JSDoc', (option, doc) => {
    const row = docsRows().find(candidate => candidate.options.includes(option));
    expect(row).toBeDefined();
    expect(row!.envs).toEqual(expect.arrayContaining([doc.env, doc.alias?.env].filter((name): name is string => typeof name === 'string')));
    if (doc.env === null) expect(row!.envs).toEqual([]);
    if (doc.alias) expect(row!.options).toContain(doc.alias.option);
    expect(normalise(row!.defaultText)).toBe(normalise(doc.docDefault));
    expect(normalise(jsdocDefaults().get(option) ?? '(no @default)')).toBe(normalise(doc.docDefault));
  });

  test('the docs table names no option the table does not have', () => {
    const known = new Set<string>(OPTION_DOCS.flatMap(doc => [doc.option, ...(doc.alias ? [doc.alias.option] : [])]));
    expect(docsRows().flatMap(row => row.options).filter(option => !known.has(option))).toEqual([]);
  });
});

describe('rssSampleInterval and its older name, cpuInterval', () => {
  const resolve = (raw: unknown, env: NodeJS.ProcessEnv = {}) => resolveOptions(raw, {rootDir: ROOT, isCI: false, env});

  test('either name sets it, in the options and in the environment; the newer variable wins', () => {
    expect(resolve({rssSampleInterval: 0.2}).rssSampleIntervalS).toBe(0.2);
    expect(resolve({cpuInterval: 0.3}).rssSampleIntervalS).toBe(0.3);
    expect(resolve({}, {JEST_PERF_CPU_INTERVAL: '0.4'}).rssSampleIntervalS).toBe(0.4);
    expect(resolve({}, {JEST_PERF_RSS_SAMPLE_INTERVAL: '0.5', JEST_PERF_CPU_INTERVAL: '0.4'}).rssSampleIntervalS).toBe(0.5);
    expect(resolve({rssSampleInterval: 0.2}, {JEST_PERF_CPU_INTERVAL: '0'}).rssSampleIntervalS).toBe(0);
  });

  test('both names in the options: one line naming both', () => {
    expect(() => resolve({rssSampleInterval: 0.2, cpuInterval: 0.3})).toThrow('jest-perf-monitor: options "rssSampleInterval" and "cpuInterval" are one option (the second is its older name); allowed: set one of them');
  });

  test('a bad value names the name the user wrote', () => {
    expect(() => resolve({cpuInterval: -1})).toThrow(/^jest-perf-monitor: option "cpuInterval" got -1; allowed: a number of seconds >= 0/);
    expect(() => resolve({}, {JEST_PERF_CPU_INTERVAL: 'fast'})).toThrow('JEST_PERF_CPU_INTERVAL="fast" is not valid for option "cpuInterval"');
    expect(() => resolve({}, {JEST_PERF_RSS_SAMPLE_INTERVAL: 'fast'})).toThrow('JEST_PERF_RSS_SAMPLE_INTERVAL="fast" is not valid for option "rssSampleInterval"');
  });
});
