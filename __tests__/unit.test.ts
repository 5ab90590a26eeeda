/** Unit tests of the pure logic; the behaviour as a whole is tested through real Jest runs of the fixtures. */
import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {mkdtempSync, readFileSync, rmSync} from 'fs';
import * as os from 'os';
import {locationFromStack, withoutInternalFrames} from '../src/environment/describeFailure';
import {describeFailure} from '../src/environment/describeFailure';
import {CodeFrameReader} from '../src/environment/readCodeFrame';
import {REDACTED, serializeScope, serializeValue} from '../src/environment/serializeValue';
import {ChannelWriter} from '../src/environment/ChannelWriter';
import {CHANNEL_VERSION, channelFilePath, decodeChannelFile, encodeAttemptRecord} from '../src/model/channel';
import {createSecretRules, isSecretName} from '../src/model/redactSecrets';
import {fromSchema, SchemaError} from '../src/model/fromSchema';
import {limitFailureDetail} from '../src/model/limitFailureDetail';
import {idGivesTitles, titlePathFromId} from '../src/model/testId';
import {fixedJson, isoTime, testEntry, testEntryJson, toSchema} from '../src/model/toSchema';
import {RECOMMENDED_BUDGETS} from '../src/options/types';
import type {MetricsDocument} from '../src/model/toSchema';
import type {AttemptRecord, TestEntry} from '../src/model/types';
import {OptionsError, PRESET_VALUES, resolveJunitOptions, resolveOptions} from '../src/options/resolveOptions';
import {summarise} from '../src/model/SummaryAccumulator';
import {writeStrategy} from '../src/io/writeFileAtomic';
import type {FileTypeLike} from '../src/io/writeFileAtomic';
import {MetricsCollector} from '../src/reporter/MetricsCollector';

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
      cpuIntervalS: 0.1,
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
      cpuIntervalS: 0,
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
    expect(resolve({}, blank)).toMatchObject({enabled: true, maxPassed: Infinity, maxFailures: 2000, formats: ['json'], failOn: [], output: path.join(ROOT, 'performance_metrics.json'), cpuIntervalS: 0.1});
    expect(resolve({maxPassed: 5, formats: ['csv']}, blank)).toMatchObject({maxPassed: 5, formats: ['csv']});
  });

  test('numbers in environment variables are plain decimals: integers for counts, fractions allowed for seconds and rates', () => {
    expect(resolve({}, {JEST_PERF_MAX_PASSED: ' 10 ', JEST_PERF_CPU_INTERVAL: '0.25', JEST_PERF_CAPTURE_RATE: '1', JEST_PERF_REGRESSION_THRESHOLD: '12.5'})).toMatchObject({
      maxPassed: 10,
      cpuIntervalS: 0.25,
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

function attempt(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    attempt: 1, status: 'passed', startedAtMs: 0, durationMs: 10, setupMs: 2, callMs: 7, teardownMs: 1,
    rssStartBytes: 100 * 1048576, rssPeakBytes: 120 * 1048576, rssEndBytes: 101 * 1048576,
    heapStartBytes: 10 * 1048576, heapEndBytes: 11 * 1048576, cpuUserMs: 5, cpuSystemMs: 1, cpuPercent: 60,
    concurrent: false, spans: [], failure: null, retainedHeapBytes: null, ...overrides,
  };
}

describe('channel', () => {
  const line = (value: object) => JSON.stringify({v: CHANNEL_VERSION, ...value});
  const start = (session: string) => line({k: 'file-start', session, testPath: '/project/a.test.js', workerId: 2, loadMs: 5, heapStartBytes: 1});
  const attemptLine = (_session: string, index: number, a: Partial<AttemptRecord> = {}) => encodeAttemptRecord(index, ['d', `t${index}`], attempt(a));

  test('file names: 20 hex digits, one per project and path, none shared among 50,000 files', () => {
    const names = new Set<string>();
    for (let i = 0; i < 25_000; i++) {
      for (const project of ['/repo/jest.config.js', '/repo/jest.config.js:1']) names.add(path.basename(channelFilePath('/run', project, `/repo/src/module${i}/index.test.ts`)));
    }
    expect(names.size).toBe(50_000);
    for (const name of names) expect(name).toMatch(/^[0-9a-f]{20}\.ndjson$/);
    expect(channelFilePath('/run', 'p', '/a.test.js')).toBe(channelFilePath('/run', 'p', '/a.test.js'));
  });

  test('a static-mode attempt (heap not read) decodes with null heap figures', () => {
    const [decoded] = decodeChannelFile([start('s1'), encodeAttemptRecord(0, ['t'], attempt({heapStartBytes: null, heapEndBytes: null}))].join('\n')).tests;
    expect(decoded.attempts[0]).toMatchObject({heapStartBytes: null, heapEndBytes: null});
  });

  test('keeps the last session of a re-run file and tolerates a torn last line', () => {
    const text = [start('s1'), attemptLine('s1', 0), attemptLine('s1', 1), start('s2'), attemptLine('s2', 0), attemptLine('s2', 1, {attempt: 1, status: 'failed'}), attemptLine('s2', 1, {attempt: 2}), '{"v":1,"k":"att'].join('\n');
    const decoded = decodeChannelFile(text);
    expect(decoded.tests.map(t => [t.index, t.attempts.length])).toEqual([[0, 1], [1, 2]]);
    expect(decoded.skippedLines).toBe(1);
    expect(decoded.file).toMatchObject({completed: false, workerId: 2, loadMs: 5});
  });

  test('the writer\'s batched lines decode to the records they were made from', () => {
    const failure = {
      errorType: 'Error', message: 'a "quoted"\nmessage', location: {file: 'a.js', line: 1, column: 2}, codeFrame: '> 1 | x', stack: 'Error\n  at x',
      locals: {'fn (a.js)': {password: '[redacted]', n: 1}}, closure: {user: {name: 'é'}}, captured: true, phase: 'test' as const, errorCount: 1, timestampMs: 5,
    };
    const records = [
      attempt({startedAtMs: 1_700_000_000_123, durationMs: 10.001, setupMs: 2.5, callMs: 7.001, teardownMs: 0.5, cpuPercent: 60, cpuUserMs: 5.5, cpuSystemMs: 0.5}),
      attempt({cpuPercent: null, status: 'failed', failure, spans: [{name: 'db "seed"', offsetMs: 1, durationMs: 0.5}], durationMs: 0, setupMs: 0, callMs: 0, teardownMs: 0}),
      attempt({status: 'skipped', durationMs: 0, setupMs: 0, callMs: 0, teardownMs: 0, cpuPercent: null, cpuUserMs: 0, cpuSystemMs: 0, retainedHeapBytes: 123}),
    ];
    records[0].cpuPercent = Math.round(((5500 + 500) / 10001) * 10000) / 100;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jpm-channel-'));
    const file = path.join(dir, 'c.ndjson');
    const writer = new ChannelWriter(file);
    writer.start(start('s1'));
    records.forEach((a, index) => {
      const position = {index, titlePath: ['dé', `ti"tle\u0001${index}`]};
      const extras = a.spans.length > 0 || a.failure !== null || a.retainedHeapBytes !== null ? {spans: a.spans, failure: a.failure, retainedHeapBytes: a.retainedHeapBytes} : null;
      const offset = writer.add(position, extras, 0);
      const decoded = JSON.parse(encodeAttemptRecord(index, position.titlePath, a)) as number[];
      writer.numbers.set(decoded.slice(3, 18), offset);
    });
    writer.flush(line({k: 'file-end', session: 's1', beforeAllMs: 0, afterAllMs: 0, heapEndBytes: 9, hookFailures: [], selfMs: 0, tracePauses: 0, notices: []}));
    writer.close();
    const text = readFileSync(file, 'utf8');
    rmSync(dir, {recursive: true, force: true});
    const lines = text.split('\n').filter(Boolean);
    expect(lines.slice(1, 4)).toEqual(records.map((a, index) => encodeAttemptRecord(index, ['dé', `ti"tle\u0001${index}`], a)));
    const decoded = decodeChannelFile(text);
    expect(decoded.file?.completed).toBe(true);
    expect(decoded.tests.map(t => t.attempts[0])).toEqual(records);
  });

  test('a file-end line completes the file; another version is skipped and named', () => {
    const end = line({k: 'file-end', session: 's1', beforeAllMs: 3, afterAllMs: 4, heapEndBytes: 9, hookFailures: []});
    const foreign = JSON.stringify({v: 99, k: 'attempt'});
    const decoded = decodeChannelFile([start('s1'), attemptLine('s1', 0), foreign, end, ''].join('\n'));
    expect(decoded.file).toMatchObject({completed: true, beforeAllMs: 3, afterAllMs: 4});
    expect(decoded.foreignVersion).toBe(99);
  });
});

describe('model', () => {
  const entry = (id: string, a: Partial<AttemptRecord>): TestEntry => ({id, file: 'a.test.js', project: null, record: {testPath: '/project/a.test.js', titlePath: [id], index: 0, workerId: 1, attempts: [attempt(a)]}});

  test('the summary leaves skipped and todo tests out', () => {
    const summary = summarise([entry('a', {durationMs: 10}), entry('b', {durationMs: 30, rssEndBytes: 104 * 1048576}), entry('c', {status: 'skipped', durationMs: 0})]);
    expect(summary).toMatchObject({totalDurationMs: 40, avgDurationMs: 20, maxDurationMs: 30, minDurationMs: 10});
    expect(summary.maxMemoryDeltaBytes).toBe(4 * 1048576);
  });

  test('converts milliseconds and bytes to the seconds and MiB of the schema', () => {
    const collector = new MetricsCollector(ROOT);
    collector.addFile({file: null, skippedLines: 0, foreignVersion: null, testBytes: [], notices: [], tests: [
      {testPath: path.join(ROOT, 'src/a.test.js'), titlePath: ['adds', 'small'], index: 0, workerId: 1, attempts: [attempt()]},
      {testPath: path.join(ROOT, 'src/a.test.js'), titlePath: ['adds', 'small'], index: 1, workerId: 1, attempts: [attempt()]},
    ]});
    const doc = toSchema(collector.build({startedAtMs: 0, durationMs: 1500, system: null}));
    expect(Object.keys(doc.tests)).toEqual(['src/a.test.js::adds > small', 'src/a.test.js::adds > small [2]']);
    expect(doc.tests['src/a.test.js::adds > small']).toMatchObject({
      duration: 0.01, setup_time: 0.002, call_time: 0.007, teardown_time: 0.001,
      memory: {start_mb: 100, peak_mb: 120, end_mb: 101, delta_mb: 1},
      heap: {start_mb: 10, end_mb: 11, delta_mb: 1},
      cpu_percent: 60, status: 'passed', file: 'src/a.test.js',
    });
    expect(doc.session).toEqual({duration: 1.5, total_tests: 2, timestamp: '1970-01-01T00:00:00.000Z'});
    expect(doc.system).toBeUndefined();
    expect(Object.keys(doc)).toEqual(['schema_version', 'session', 'tests', 'files', 'stats', 'overhead', 'summary']);
  });

  test('a title that itself ends in " [2]" never collides with a duplicate suffix', () => {
    const collector = new MetricsCollector(ROOT);
    const record = (index: number, title: string) => ({testPath: path.join(ROOT, 'a.test.js'), titlePath: [title], index, workerId: 1, attempts: [attempt()]});
    collector.addFile({file: null, skippedLines: 0, foreignVersion: null, testBytes: [], notices: [], tests: [record(0, 't [2]'), record(1, 't'), record(2, 't')]});
    const ids = collector.build({startedAtMs: 0, durationMs: 1, system: null}).tests.map(t => t.id);
    expect(ids).toEqual(['a.test.js::t [2]', 'a.test.js::t', 'a.test.js::t [3]']);
    expect(new Set(ids).size).toBe(3);
    const later = new MetricsCollector(ROOT);
    later.addFile({file: null, skippedLines: 0, foreignVersion: null, testBytes: [], notices: [], tests: [record(0, 't'), record(1, 't'), record(2, 't [2]'), record(3, 't')]});
    expect(later.build({startedAtMs: 0, durationMs: 1, system: null}).tests.map(t => t.id)).toEqual(['a.test.js::t', 'a.test.js::t [2]', 'a.test.js::t [2] [2]', 'a.test.js::t [3]']);
  });

  test('the hand-written JSON of a test is what JSON.stringify makes of its schema entry', () => {
    const variants: TestEntry[] = [
      entry('plain', {}),
      entry('odd numbers', {durationMs: 1 / 3, setupMs: 0.1 + 0.2, callMs: 1e-9, teardownMs: 123456.789, cpuPercent: null, rssEndBytes: 3, heapEndBytes: 0}),
      entry('not finite', {cpuPercent: Number.NaN, cpuUserMs: Number.POSITIVE_INFINITY, retainedHeapBytes: 52 * 1048576, concurrent: true}),
      entry('with a span', {spans: [{name: 'db', offsetMs: 1, durationMs: 2}]}),
      {...entry('retried', {status: 'passed'}), record: {...entry('retried', {}).record, attempts: [attempt({status: 'failed'}), attempt()]}},
      {...entry('a > b', {}), record: {...entry('a > b', {}).record, titlePath: ['a > b']}},
      {...entry('weird "file"', {status: 'skipped'}), file: 'dir/we"ird\\file.test.js', id: 'dir/we"ird\\file.test.js::weird "file"'},
    ];
    for (const variant of variants) expect(testEntryJson(variant)).toBe(JSON.stringify(testEntry(variant)));
  });

  test('isoTime formats as toISOString does', () => {
    const times = [0, 1, 999, 1000, 1001.7, 1763733823781, 1763733823999, 1763733824000, 1763733823781.4, 253402300799999, 253402300800000, -1, -1500.5];
    for (let step = 0; step < 2000; step++) times.push(1763733800000 + step * 37);
    for (const ms of times) expect([ms, isoTime(ms)]).toEqual([ms, new Date(ms).toISOString()]);
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });

  test('numbers built from integers print as JSON.stringify prints the division', () => {
    const values = [0, -0, 1, -1, 5, 10, 100, 999999, 1000000, 1000001, 123456789, -123456, 1e15 - 1, 1e15, 2 ** 53, 2 ** 53 + 2, 0.5, Number.NaN, Number.POSITIVE_INFINITY];
    // A fixed pseudo-random walk over the magnitudes a report holds, so a failure is reproducible.
    let seed = 42;
    for (let index = 0; index < 3000; index++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      values.push(Math.round((seed / 2 ** 31) * 10 ** (index % 13)) * (index % 7 === 0 ? -1 : 1));
    }
    for (const decimals of [1, 3, 6] as const) {
      for (const units of values) expect([units, decimals, fixedJson(units, decimals)]).toEqual([units, decimals, JSON.stringify(units / 10 ** decimals)]);
    }
  });
});

describe('locationFromStack', () => {
  test('takes the first frame outside node internals and node_modules', () => {
    const stack = [
      'Error: boom',
      `    at helper (${path.join(ROOT, 'node_modules/lib/index.js')}:1:2)`,
      '    at node:internal/process/task_queues:95:5',
      `    at Object.<anonymous> (${path.join(ROOT, 'src/a.test.ts')}:12:34)`,
    ].join('\n');
    expect(locationFromStack(stack)).toEqual({file: path.join(ROOT, 'src/a.test.ts'), line: 12, column: 34});
    expect(locationFromStack(`Error\n    at ${path.join(ROOT, 'x.js')}:3:4`)).toEqual({file: path.join(ROOT, 'x.js'), line: 3, column: 4});
    expect(locationFromStack('Error: no frames')).toBeNull();
    expect(withoutInternalFrames(stack)).toBe(['Error: boom', `    at Object.<anonymous> (${path.join(ROOT, 'src/a.test.ts')}:12:34)`].join('\n'));
  });
});

describe('serializeScope', () => {
  const limits = {maxDepth: 3, extractClasses: true, secrets: createSecretRules([], () => ({}))};

  test('never runs user code: getters and proxies are named, not read', () => {
    let reads = 0;
    const withGetter = {get expensive() {
      reads++;
      return 1;
    }};
    const proxy = new Proxy({}, {ownKeys: () => {
      reads++;
      return [];
    }});
    expect(serializeScope({withGetter, proxy}, limits)).toEqual({withGetter: {expensive: '[Getter]'}, proxy: '[Proxy]'});
    expect(reads).toBe(0);
  });

  test('redacts keys at every level, in arrays and maps too, and skips functions in scope', () => {
    const scope = {userPassword: 'a', list: [{token: 'b', ok: 1}], map: new Map([['Token', 'c']]), helper() {}};
    expect(serializeScope(scope, limits)).toEqual({
      userPassword: REDACTED,
      list: [{token: REDACTED, ok: 1}],
      map: {__class__: 'Map', size: 1, entries: [['Token', REDACTED]]},
    });
  });

  test('shows other values in plain JSON, bounded', () => {
    class Point {
      constructor(public x: number) {}
    }
    const value = serializeValue(
      [new Date(0), /a+/g, 10n, Symbol('s'), undefined, NaN, new Set([1]), new Point(1), new TypeError('bad'), new Uint8Array(4), {a: {b: {c: {d: 1}}}}],
      limits,
    );
    expect(value).toEqual([
      '1970-01-01T00:00:00.000Z', '/a+/g', '10n', 'Symbol(s)', '[undefined]', 'NaN', {__class__: 'Set', size: 1, values: [1]},
      {__class__: 'Point', x: 1}, '[TypeError: bad]', '[Uint8Array(4 bytes)]', {a: {b: '[Object]'}},
    ]);
    expect(serializeValue(new Point(2), {...limits, extractClasses: false})).toBe('[Point]');
  });
});

describe('secret redaction (model/redactSecrets)', () => {
  const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq2d1234567890abcdefgh\n-----END RSA PRIVATE KEY-----';
  const env = {PATH: '/usr/bin:/bin', HOME: '/home/ada', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', SHELL: '/bin/sh', LANG: 'C', DEBUG: 'true-ish-value'};
  const rules = createSecretRules(['internalId'], () => env);

  test.each([
    'password', 'userPassword', 'DB_PASSWORD', 'passwd', 'pass', 'db_pass', 'private_key', 'privateKey', 'x-api-key',
    'X-Api-Key', 'apiKey', 'APIKEY', 'api_key', 'awsKey', 'AWS_SECRET_ACCESS_KEY', 'secret', 'clientSecret', 'token',
    'accessToken', 'authorization', 'Authorization', 'auth', 'creds', 'credentials', 'cookie', 'sessionId', 'SENTRY_DSN',
    'dsn', 'conn', 'dbConn', 'connectionString', 'jwt', 'signingKey', 'encryptionKey', 'internal_id',
  ])('%s is a secret name', name => {
    expect(rules.isSecretName(name)).toBe(true);
  });

  test.each([
    'passenger', 'passengers', 'keyboard', 'monkey', 'keys', 'key', 'cacheKey', 'sortKey', 'publicKey', 'primaryKey',
    'passed', 'bypass', 'compass', 'account', 'total', 'user', 'name', 'connection', 'author', 'count',
    'PATH', 'HOME', 'description', 'secrecy',
  ])('%s is not a secret name', name => {
    expect(isSecretName(name)).toBe(false);
  });

  test.each([
    [`token ${JWT} here`, `token ${REDACTED} here`],
    [PEM, `-----BEGIN RSA PRIVATE KEY-----${REDACTED}`],
    ['cut: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq', `cut: -----BEGIN PRIVATE KEY-----${REDACTED}`],
    ['postgres://admin:s3cr3t!@db.example.com:5432/app', `postgres://admin:${REDACTED}@db.example.com:5432/app`],
    ['redis://:onlypass@cache:6379', `redis://:${REDACTED}@cache:6379`],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', REDACTED],
    ['github_pat_11ABCDEFG0abcdefghijklmnopqrstuvwxyz', REDACTED],
    ['xoxb-1234567890-abcdefghij', REDACTED],
    ['key sk_live_abcdefghij0123456789', `key ${REDACTED}`],
    ['AKIAIOSFODNN7EXAMPLE', REDACTED],
    ['secret is wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.', `secret is ${REDACTED}.`],
    ["Thrown: { user: 'ada', password: 'hunter2', pass: 'x1' }", `Thrown: { user: 'ada', password: '${REDACTED}', pass: '${REDACTED}' }`],
    ['Object {"apiKey": "abc", "pin": 1}', `Object {"apiKey": "${REDACTED}", "pin": 1}`],
    ["const password = 'hunter2';", `const password = '${REDACTED}';`],
    ['https://x.test/?token=abc123&page=2', `https://x.test/?token=${REDACTED}&page=2`],
  ])('%s is redacted', (text, expected) => {
    expect(rules.redactText(text)).toBe(expected);
  });

  test.each([
    'https://example.com/path?q=1',
    'postgres://db.example.com:5432/app',
    'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'expected 3 passengers, got 2',
    'const token = getToken();',
    'password: true',
    'if (token === other) return;',
    'See http://localhost:3000/@user for details',
  ])('%s is left alone', text => {
    expect(rules.redactText(text)).toBe(text);
  });

  test('known values captured by name are redacted from texts, and environment values only when long', () => {
    expect(rules.redactText('expected "hunter2" to be "x"', ['hunter2'])).toBe(`expected "${REDACTED}" to be "x"`);
    expect(rules.redactText('debug C')).toBe('debug C');
    expect(rules.isSecretValue(env.AWS_SECRET_ACCESS_KEY)).toBe(true);
    expect(rules.isSecretValue(env.DEBUG)).toBe(false);
  });

  test('serializeScope: secret names and values, an environment copy shown by its keys', () => {
    const limits = {maxDepth: 4, extractClasses: true, secrets: rules};
    const found = new Set<string>();
    const scope = {
      passenger: 'Ada', innocent: JWT, awsKey: env.AWS_SECRET_ACCESS_KEY, copy: {...env}, hasPassword: true,
      config: {url: 'mysql://root:toor@localhost/db', private_key: PEM, nested: {creds: {user: 'u', p: 'q'}}},
      aliased: env.AWS_SECRET_ACCESS_KEY, keys: ['a'], long: `${'x'.repeat(495)}${JWT}`,
    };
    const out = serializeScope(scope, limits, undefined, found);
    expect(out).toEqual({
      passenger: 'Ada', innocent: REDACTED, awsKey: REDACTED, hasPassword: true,
      copy: Object.fromEntries(Object.keys(env).map(key => [key, REDACTED])),
      config: {url: `mysql://root:${REDACTED}@localhost/db`, private_key: REDACTED, nested: {creds: REDACTED}},
      aliased: REDACTED, keys: ['a'], long: `${'x'.repeat(495)}[reda… [${495 + JWT.length} chars]`,
    });
    expect([...found].sort()).toEqual([PEM, env.AWS_SECRET_ACCESS_KEY].sort());
  });

  test('describeFailure: a thrown object and a message lose their secrets, the user\'s names still apply', () => {
    const context = {rootDir: ROOT, mode: 'profile' as const, skipInternalFrames: true, codeFrames: new CodeFrameReader(), trace: null, secrets: rules};
    class Problem {
      constructor(public password: string, public detail: {internalId: number; code: string}) {}
    }
    const thrown = describeFailure([{password: 'hunter2', nested: {token: 'abc', ok: 1}}], 'test', context);
    expect(thrown.message).toBe(`Thrown: { password: '${REDACTED}', nested: { token: '${REDACTED}', ok: 1 } }`);
    const instance = describeFailure([new Problem('hunter2', {internalId: 7, code: 'E1'})], 'test', context);
    expect(instance.message).toBe(`Thrown: Problem { password: '${REDACTED}', detail: { internalId: '${REDACTED}', code: 'E1' } }`);
    const error = new Error(`cannot connect to postgres://admin:hunter2@db/app with ${JWT}`);
    const described = describeFailure([error], 'test', context);
    expect(described.message).toBe(`cannot connect to postgres://admin:${REDACTED}@db/app with ${REDACTED}`);
    expect(described.stack).not.toContain('hunter2');
    expect(described.stack).not.toContain(JWT);
  });
});

describe('reading a metrics file back (fromSchema)', () => {
  const failure = {errorType: 'TypeError', message: 'boom', location: {file: 'src/a.test.js', line: 3, column: 9}, codeFrame: '> 3 | x', stack: 'TypeError: boom', locals: {'fn (src/a.test.js)': {n: 1}}, closure: null, captured: true, phase: 'test' as const, errorCount: 1, timestampMs: 5000};
  function document(): MetricsDocument {
    const collector = new MetricsCollector(ROOT);
    collector.addFile({file: null, skippedLines: 0, foreignVersion: null, testBytes: [], notices: [], tests: [
      {testPath: path.join(ROOT, 'src/a.test.js'), titlePath: ['adds', 'small'], index: 0, workerId: 1, attempts: [attempt({rssStartBytes: 100.0004 * 1048576, rssEndBytes: 101.0008 * 1048576})]},
      {testPath: path.join(ROOT, 'src/a.test.js'), titlePath: ['a > b', 'c'], index: 1, workerId: 2, attempts: [attempt({status: 'failed', failure}), attempt({attempt: 2, status: 'failed', failure})]},
      {testPath: path.join(ROOT, 'src/a.test.js'), titlePath: ['ends [7]'], index: 2, workerId: 2, attempts: [attempt({status: 'skipped'})]},
    ]});
    return toSchema(collector.build({startedAtMs: 1000, durationMs: 1500, system: {platform: 'linux', nodeVersion: '20.0.0', jestVersion: '30.0.0', cpuCount: 2, memoryTotalBytes: 8 * 1024 ** 3}}));
  }
  /** Equal, except that numbers may differ by the file's last digit (a value rebuilt from two rounded ones). */
  function expectClose(actual: unknown, expected: unknown, where = '$'): void {
    if (typeof expected === 'number' && typeof actual === 'number') {
      if (Math.abs(actual - expected) > 0.0011) throw new Error(`${where}: ${actual} is not ${expected}`);
    } else if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
      expect(Object.keys(actual)).toEqual(Object.keys(expected));
      for (const key of Object.keys(expected)) expectClose((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${where}.${key}`);
    } else {
      expect(actual).toEqual(expected);
    }
  }

  test('toSchema → fromSchema → toSchema gives the same document, to the precision of the file', () => {
    const original = document();
    const again = toSchema(fromSchema(JSON.parse(JSON.stringify(original))));
    expectClose(again, original);
    // The memory delta is the file's exactly (rankings use it); the end figure is rebuilt from start + delta.
    expect(again.tests['src/a.test.js::adds > small'].memory.delta_mb).toBe(original.tests['src/a.test.js::adds > small'].memory.delta_mb);
  });

  test('titles the id cannot give back are carried in the file', () => {
    const original = document();
    expect(original.tests['src/a.test.js::adds > small'].titles).toBeUndefined();
    expect(original.tests['src/a.test.js::a > b > c'].titles).toEqual(['a > b', 'c']);
    expect(original.tests['src/a.test.js::ends [7]'].titles).toEqual(['ends [7]']);
    const run = fromSchema(JSON.parse(JSON.stringify(original)));
    expect(run.tests.map(entry => entry.record.titlePath)).toEqual([['adds', 'small'], ['a > b', 'c'], ['ends [7]']]);
    expect(titlePathFromId('x.test.js::d > t [2]', 'x.test.js')).toEqual(['d', 't']);
  });

  test('idGivesTitles answers as titlePathFromId does, without building the list', () => {
    const cases: Array<[string, string, string[]]> = [
      ['x.test.js::d > t', 'x.test.js', ['d', 't']],
      ['x.test.js::d > t [2]', 'x.test.js', ['d', 't']],
      ['x.test.js::d > t [2] [3]', 'x.test.js', ['d', 't [2]']],
      ['x.test.js::ends [7]', 'x.test.js', ['ends [7]']],
      ['x.test.js::a > b > c', 'x.test.js', ['a > b', 'c']],
      ['x.test.js::a > b > c', 'x.test.js', ['a', 'b', 'c']],
      ['x.test.js::', 'x.test.js', ['']],
      ['x.test.js:: > t', 'x.test.js', ['', 't']],
      ['x.test.js::t', 'x.test.js', ['t', '']],
      ['x.test.js::t', 'x.test.js', ['T']],
      ['/abs/x.test.js::d > t', 'x.test.js', ['d', 't']],
      ['a [1]::t [9]', 'a [1]', ['t']],
      ['x.test.js::t [x]', 'x.test.js', ['t [x]']],
      ['x.test.js::d > t', 'x.test.js', ['d > t']],
    ];
    for (const [id, file, titles] of cases) {
      const fromId = titlePathFromId(id, file);
      const expected = fromId.length === titles.length && fromId.every((title, index) => title === titles[index]);
      expect([id, titles, idGivesTitles(id, file, titles)]).toEqual([id, titles, expected]);
    }
  });

  test('refuses values no run produces, naming the key and the allowed range', () => {
    const bad = (edit: (document: MetricsDocument) => void): string => {
      const edited = JSON.parse(JSON.stringify(document())) as MetricsDocument;
      edit(edited);
      try {
        fromSchema(edited);
      } catch (error) {
        expect(error).toBeInstanceOf(SchemaError);
        return (error as Error).message;
      }
      throw new Error('expected a SchemaError');
    };
    const test = 'tests["src/a.test.js::adds > small"]';
    expect(bad(d => (d.tests['src/a.test.js::adds > small'].duration = -0.5))).toBe(`${test}.duration is -0.5, which no run produces; allowed: seconds from 0 to a year`);
    expect(bad(d => (d.tests['src/a.test.js::adds > small'].setup_time = 1e300))).toBe(`${test}.setup_time is 1e+300, which no run produces; allowed: seconds from 0 to a year`);
    expect(bad(d => (d.session.duration = 400 * 24 * 3600))).toMatch(/^session\.duration is 34560000, which no run produces/);
    expect(bad(d => (d.tests['src/a.test.js::adds > small'].memory.start_mb = -1))).toBe(`${test}.memory.start_mb is -1, which no run produces; allowed: MiB from 0 to 1 PiB`);
    expect(bad(d => (d.tests['src/a.test.js::adds > small'].memory.delta_mb = -(2 ** 31)))).toMatch(/memory\.delta_mb is -2147483648, which no run produces; allowed: MiB within 1 PiB either way/);
    expect(bad(d => (d.tests['src/a.test.js::adds > small'].heap!.start_mb = 2 ** 31))).toMatch(/heap\.start_mb is 2147483648, which no run produces/);
    expect(bad(d => (d.tests['src/a.test.js::adds > small'].cpu_user_ms = -3))).toMatch(/cpu_user_ms is -3, which no run produces/);
    expect(bad(d => (d.tests['src/a.test.js::adds > small'].cpu_percent = -1))).toMatch(/cpu_percent is -1, which no run produces; allowed: a percentage >= 0, or null/);
    expect(bad(d => (d.stats.total_count = -1))).toBe('stats.total_count is -1, which no run produces; allowed: an integer >= 0');
    expect(bad(d => (d.stats.passed_count = 2 ** 60))).toMatch(/^stats\.passed_count is 1152921504606847000, which no run produces/);
    expect(bad(d => (d.system!.cpu_count = 2.5))).toBe('system.cpu_count is 2.5, which no run produces; allowed: an integer >= 0');
    expect(bad(d => (d.overhead.reporter_time = -1))).toMatch(/^overhead\.reporter_time is -1/);
    expect(bad(d => (d.tests['src/a.test.js::adds > small'].spans = [{name: 's', offset: 0, duration: 'x' as unknown as number}]))).toBe(`${test}.spans[0].duration is not a number`);
    // A negative memory delta (memory freed) and a span between marks set in reverse order are real.
    const fine = JSON.parse(JSON.stringify(document()));
    fine.tests['src/a.test.js::adds > small'].memory.delta_mb = -3;
    fine.tests['src/a.test.js::adds > small'].spans = [{name: 's', offset: 0.001, duration: -0.002}];
    const run = fromSchema(fine);
    expect(run.tests[0].record.attempts[0].spans).toEqual([{name: 's', offsetMs: 1, durationMs: -2}]);
  });

  test('names the key at fault, and refuses other documents and newer versions', () => {
    const bad = (value: unknown): string => {
      try {
        fromSchema(value);
      } catch (error) {
        expect(error).toBeInstanceOf(SchemaError);
        return (error as Error).message;
      }
      throw new Error('expected a SchemaError');
    };
    expect(bad([])).toBe('not a jest-perf-monitor metrics file (it has no "schema_version" and "tests")');
    expect(bad({name: 'x', version: '1.0.0'})).toMatch(/^not a jest-perf-monitor metrics file/);
    expect(bad({...document(), schema_version: 2})).toBe('schema_version 2 is newer than this jest-perf-monitor reads (1); upgrade jest-perf-monitor');
    const wrongType = document() as unknown as {tests: Record<string, Record<string, unknown>>};
    wrongType.tests['src/a.test.js::adds > small'].duration = '0.1';
    expect(bad(wrongType)).toBe('tests["src/a.test.js::adds > small"].duration is not a number');
    const badStatus = document() as unknown as {tests: Record<string, Record<string, unknown>>};
    badStatus.tests['src/a.test.js::adds > small'].status = 'flaky';
    expect(bad(badStatus)).toBe('tests["src/a.test.js::adds > small"].status is not one of passed, failed, skipped, todo');
    // Text that reports show must be what the reporter writes: no markup smuggled in through a phase.
    const badPhase = document() as unknown as {tests: Record<string, {failure: Record<string, unknown>}>};
    badPhase.tests['src/a.test.js::a > b > c'].failure.phase = '<img src=x onerror=alert(1)>';
    expect(bad(badPhase)).toBe('tests["src/a.test.js::a > b > c"].failure.phase is not one of load, beforeAll, beforeEach, test, afterEach, afterAll');
    const badAttempts = document() as unknown as {tests: Record<string, Record<string, unknown>>};
    badAttempts.tests['src/a.test.js::a > b > c'].attempts = {};
    expect(bad(badAttempts)).toBe('tests["src/a.test.js::a > b > c"].attempts is not a non-empty list');
    const badStack = document() as unknown as {tests: Record<string, {failure: Record<string, unknown>}>};
    badStack.tests['src/a.test.js::a > b > c'].failure.stack = 5;
    expect(bad(badStack)).toBe('tests["src/a.test.js::a > b > c"].failure.stack is not a string');
  });

  test('limitFailureDetail keeps the detail of the first n failed tests, on every attempt', () => {
    const run = fromSchema(JSON.parse(JSON.stringify(document())));
    expect(limitFailureDetail(run, 1)).toBe(run);
    const limited = limitFailureDetail(run, 0);
    const attempts = limited.tests[1].record.attempts;
    expect(attempts.map(a => a.failure?.captured)).toEqual([false, false]);
    expect(attempts[1].failure).toMatchObject({message: 'boom', errorType: 'TypeError', location: failure.location, codeFrame: null, stack: null, locals: null});
    expect(limited.stats).toMatchObject({failuresAtLimit: true, failuresDropped: 2});
    expect(run.tests[1].record.attempts[1].failure?.captured).toBe(true);
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

describe('writeStrategy: how an output path is written, from what stands there (links already followed)', () => {
  type Kind = 'file' | 'directory' | 'characterDevice' | 'blockDevice' | 'fifo' | 'socket';
  /** An fs.Stats-like of one kind: what /dev/null or /dev/full would give (character devices), without touching them. */
  const stats = (kind: Kind): FileTypeLike & Record<string, () => boolean> => ({
    isFile: () => kind === 'file',
    isDirectory: () => kind === 'directory',
    isCharacterDevice: () => kind === 'characterDevice',
    isBlockDevice: () => kind === 'blockDevice',
    isFIFO: () => kind === 'fifo',
    isSocket: () => kind === 'socket',
    isSymbolicLink: () => false,
  });

  test('nothing there, or a regular file: replaced atomically', () => {
    expect(writeStrategy(null)).toBe('replace');
    expect(writeStrategy(stats('file'))).toBe('replace');
  });

  test('a directory: refused', () => {
    expect(writeStrategy(stats('directory'))).toBe('refuse-directory');
  });

  test.each(['characterDevice', 'blockDevice', 'fifo', 'socket'] as const)('a %s: written through, as a shell redirect would', kind => {
    expect(writeStrategy(stats(kind))).toBe('write-through');
  });
});
