import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {fromSchema, SchemaError} from '../../../src/model/fromSchema';
import {limitFailureDetail} from '../../../src/model/limitFailureDetail';
import {idGivesTitles, titlePathFromId} from '../../../src/model/testId';
import {toSchema} from '../../../src/model/toSchema';
import type {MetricsDocument} from '../../../src/model/toSchema';
import {MetricsCollector} from '../../../src/reporter/MetricsCollector';
import {attempt} from '../../harness/syntheticRun';

const ROOT = path.resolve('/project');

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
