/**
 * Unit tests of the formats' pure rules on synthetic runs: what counts as a test case (SPEC section 3: counts are
 * Jest's, plus one entry per failure no test carries), files that could not run, multi-project runs, interrupted
 * runs and unmeasured files, and the printed summary's layout. formats.test.ts checks the same formats end to end.
 */
import {describe, expect, test} from '@jest/globals';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {readFileSync} from 'fs';
import * as path from 'path';
import {xml2js} from 'xml-js';
import type {Element} from 'xml-js';
import {validateXML} from 'xmllint-wasm';
import {mergeRuns} from '../src/analysis/mergeRuns';
import {clipId, displayWidth, fileFailures, listFailures, printable} from '../src/formats/common';
import {renderCtrf} from '../src/formats/ctrf';
import {csvText, renderCsv} from '../src/formats/csv';
import {renderAnnotations} from '../src/formats/githubActions';
import {renderHtml} from '../src/formats/html';
import {renderToString} from '../src/formats/index';
import {renderJson} from '../src/formats/json';
import {renderJunit} from '../src/formats/junit';
import {renderMarkdown} from '../src/formats/markdown';
import {renderPrometheus} from '../src/formats/prometheus';
import {renderSummary, terminalColumns} from '../src/formats/summary';
import {renderYaml} from '../src/formats/yaml';
import {fromSchema} from '../src/model/fromSchema';
import {testEntry, testEntryJson, toSchema} from '../src/model/toSchema';
import type {RunMetrics, TestEntry} from '../src/model/types';
import {JUNIT_DEFAULTS} from '../src/options/resolveOptions';
import {parse as parseYaml} from 'yaml';
import {failure, fileOf, runOf, testOf} from './harness/syntheticRun';

const SCHEMAS = path.join(__dirname, 'schemas');

/** (a) A broken beforeAll fails both tests of its block: Jest counts 2 failed tests, and the hook is in them. */
function beforeAllRun(): RunMetrics {
  const broke = failure('beforeAll', 'beforeAll broke');
  return runOf(
    [testOf('src/a.test.js', ['block', 'one'], {status: 'failed', failure: broke, callMs: 0}), testOf('src/a.test.js', ['block', 'two'], {status: 'failed', failure: broke, callMs: 0})],
    [fileOf('src/a.test.js', {hookFailures: [broke]})],
  );
}

/** (b) An afterAll fails after two passing tests: Jest counts 2 passed, and the file failed. */
function afterAllRun(): RunMetrics {
  return runOf([testOf('src/b.test.js', ['one']), testOf('src/b.test.js', ['two'])], [fileOf('src/b.test.js', {hookFailures: [failure('afterAll', 'cleanup failed')]})]);
}

/** (c) A file that could not run: no tests at all. */
function loadErrorRun(): RunMetrics {
  const cannotRun = failure('load', "Cannot find module './missing' from 'src/c.test.js'", {errorType: null, location: {file: 'src/c.test.js', line: 1, column: 1}});
  return runOf([], [fileOf('src/c.test.js', {loadError: cannotRun, completed: false, heapEndBytes: 0, beforeAllMs: 0, afterAllMs: 0})]);
}

/** One file in two projects, a file that could not run in one of them, an interrupted run, unmeasured files. */
function projectsRun(): RunMetrics {
  const cannotRun = failure('load', 'SyntaxError: Unexpected token', {errorType: 'SyntaxError'});
  return runOf(
    [
      testOf('src/a.test.js', ['renders'], {}, 'jsdom'),
      testOf('src/a.test.js', ['renders'], {status: 'failed', failure: failure('test', 'no document')}, 'node'),
      testOf('src/a.test.js', ['a > b', 'c'], {}, 'node'),
    ],
    [fileOf('src/a.test.js', {}, 'jsdom'), fileOf('src/a.test.js', {hookFailures: [failure('afterAll', 'teardown broke')]}, 'node'), fileOf('src/c.test.js', {loadError: cannotRun}, 'node')],
    {interrupted: true, unmeasured: {files: ['src/x.test.js', 'src/y.test.js'], testCount: 12, failedCount: 1, passedCount: 11}},
  );
}

const children = (element: Element, name: string): Element[] => (element.elements ?? []).filter(child => child.name === name);

async function junitOf(run: RunMetrics): Promise<Element> {
  const xml = renderToString(renderJunit(run, JUNIT_DEFAULTS));
  const schema = readFileSync(path.join(SCHEMAS, 'junit-10-testcase-properties.xsd'), 'utf8');
  const result = await validateXML({xml: [{fileName: 'report.xml', contents: xml}], schema: [{fileName: 'junit.xsd', contents: schema}]});
  expect(result.errors.map(error => error.message)).toEqual([]);
  return children(xml2js(xml) as Element, 'testsuites')[0];
}

const ajv = new Ajv({allErrors: true});
addFormats(ajv);
const validateCtrf = ajv.compile(JSON.parse(readFileSync(path.join(SCHEMAS, 'ctrf.schema.json'), 'utf8')));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed document, read by key
function ctrfOf(run: RunMetrics): {results: {summary: Record<string, any>; tests: Array<Record<string, unknown>>}} {
  const ctrf = JSON.parse(renderToString(renderCtrf(run, '0.0.0-test')));
  expect(validateCtrf(ctrf) ? [] : validateCtrf.errors).toEqual([]);
  return ctrf;
}

describe('counts: Jest\'s in every format; JUnit adds an entry per failure no test carries', () => {
  test('(a) a beforeAll failing 2 tests: 2 failed test cases and no extra one', async () => {
    const run = beforeAllRun();
    expect(fileFailures(run)).toEqual([]);
    const suites = await junitOf(run);
    expect(suites.attributes).toMatchObject({tests: '2', failures: '2', errors: '0'});
    const [suite] = children(suites, 'testsuite');
    expect(suite.attributes).toMatchObject({tests: '2', failures: '2', errors: '0'});
    expect(children(suite, 'testcase').map(c => [c.attributes!.name, children(c, 'failure').length, children(c, 'error').length])).toEqual([
      ['block one', 1, 0],
      ['block two', 1, 0],
    ]);
    const ctrf = ctrfOf(run);
    expect(ctrf.results.summary).toMatchObject({tests: 2, passed: 0, failed: 2});
    expect(ctrf.results.tests).toHaveLength(2);
    // People still read the hook's failure once, in the lists of failures.
    expect(listFailures(run).map(item => [item.title, item.kind])).toEqual([
      ['src/a.test.js::block > one', 'test'],
      ['src/a.test.js::block > two', 'test'],
      ['src/a.test.js (beforeAll)', 'hook'],
    ]);
  });

  test('(b) an afterAll failing after 2 passed tests: 2 passed test cases and 1 error case', async () => {
    const run = afterAllRun();
    const suites = await junitOf(run);
    expect(suites.attributes).toMatchObject({tests: '3', failures: '0', errors: '1'});
    const cases = children(children(suites, 'testsuite')[0], 'testcase');
    expect(cases.map(c => [c.attributes!.name, children(c, 'failure').length + children(c, 'error').length])).toEqual([
      ['one', 0],
      ['two', 0],
      ['(afterAll)', 1],
    ]);
    expect(children(cases[2], 'error')[0].attributes).toEqual({message: 'cleanup failed', type: 'Error'});
    const ctrf = ctrfOf(run);
    expect(ctrf.results.summary).toMatchObject({tests: 2, passed: 2, failed: 0});
    expect(ctrf.results.summary.extra.jestPerfMonitor.failures_outside_tests).toEqual([expect.objectContaining({file: 'src/b.test.js', hook: 'afterAll', message: 'Error: cleanup failed'})]);
  });

  test('(c) a file that could not run: 1 <error> test case, as jest-junit names it; CTRF lists it outside its tests', async () => {
    const run = loadErrorRun();
    const suites = await junitOf(run);
    expect(suites.attributes).toMatchObject({tests: '1', failures: '0', errors: '1'});
    const [suite] = children(suites, 'testsuite');
    expect(suite.attributes).toMatchObject({name: 'src/c.test.js', tests: '1', errors: '1'});
    const [only] = children(suite, 'testcase');
    expect(only.attributes).toMatchObject({classname: 'Test suite failed to run', name: 'src/c.test.js'});
    expect(children(only, 'error')[0].attributes).toEqual({message: "Cannot find module './missing' from 'src/c.test.js'", type: 'Error'});
    const ctrf = ctrfOf(run);
    expect(ctrf.results.summary).toMatchObject({tests: 0, failed: 0});
    expect(ctrf.results.tests).toEqual([]);
    expect(ctrf.results.summary.extra.jestPerfMonitor.failures_outside_tests).toEqual([expect.objectContaining({file: 'src/c.test.js', load_error: true, line: 1})]);
  });

  test('a beforeAll failure no test carries (its tests were not recorded) gets its own entry', async () => {
    const run = runOf([], [fileOf('src/a.test.js', {hookFailures: [failure('beforeAll', 'broke')]})]);
    expect(fileFailures(run)).toHaveLength(1);
    expect((await junitOf(run)).attributes).toMatchObject({tests: '1', errors: '1'});
  });

  test('unmeasured files: CTRF counts their tests as Jest did; Prometheus has them apart', () => {
    const ctrf = ctrfOf(projectsRun());
    // 3 measured tests (1 failed) and 12 unmeasured tests (1 failed): Jest's counts. The afterAll and the load
    // error are not tests; they are listed under summary.extra.
    expect(ctrf.results.summary).toMatchObject({tests: 15, passed: 2, failed: 2, other: 11});
    expect(ctrf.results.summary.extra.jestPerfMonitor.failed_outside_tests).toBe(2);
    const prometheus = renderToString(renderPrometheus(projectsRun()));
    expect(prometheus).toContain('jest_perf_run_load_errors 1\n');
    expect(prometheus).toContain('jest_perf_run_interrupted 1\n');
    expect(prometheus).toContain('jest_perf_run_unmeasured_tests{status="failed"} 1\n');
    expect(prometheus).toContain('jest_perf_run_unmeasured_tests{status="other"} 11\n');
    // One series per project for a file that ran in two.
    expect(prometheus).toContain('jest_perf_file_load_seconds{file="src/a.test.js",project="jsdom"} 0.005\n');
    expect(prometheus).toContain('jest_perf_file_load_seconds{file="src/a.test.js",project="node"} 0.005\n');
  });
});

describe('multi-project runs', () => {
  test('JUnit: one suite per file and project, valid, named by the project', async () => {
    const suites = await junitOf(projectsRun());
    const names = children(suites, 'testsuite').map(suite => [suite.attributes!.name, suite.attributes!.tests, suite.attributes!.failures, suite.attributes!.errors]);
    expect(names).toEqual([
      ['[jsdom] src/a.test.js', '1', '0', '0'],
      ['[node] src/a.test.js', '3', '1', '1'],
      ['[node] src/c.test.js', '1', '0', '1'],
    ]);
    const node = children(suites, 'testsuite')[1];
    const properties = Object.fromEntries(children(children(node, 'properties')[0], 'property').map(p => [p.attributes!.name, p.attributes!.value]));
    expect(properties).toMatchObject({file: 'src/a.test.js', project: 'node'});
  });

  test('toSchema → fromSchema keeps both files entries, prefixed ids, titles, load errors and the run notes', () => {
    const run = projectsRun();
    const document = toSchema(run);
    expect(Object.keys(document.files)).toEqual(['[jsdom] src/a.test.js', '[node] src/a.test.js', '[node] src/c.test.js']);
    expect(document.files['[node] src/a.test.js']).toMatchObject({file: 'src/a.test.js', project: 'node'});
    expect(document.files['[node] src/a.test.js'].hook_failures[0].test).toBe('[node] src/a.test.js::(afterAll)');
    expect(document.files['[node] src/c.test.js'].load_error).toMatchObject({test: '[node] src/c.test.js::(load)', phase: 'load', error_type: 'SyntaxError', file: 'src/c.test.js'});
    expect(document.files['[jsdom] src/a.test.js'].load_error).toBeUndefined();
    expect(document.tests['[jsdom] src/a.test.js::renders']).toMatchObject({file: 'src/a.test.js', project: 'jsdom'});
    // A prefixed id gives its titles back; only the title holding " > " needs them written.
    expect(document.tests['[jsdom] src/a.test.js::renders'].titles).toBeUndefined();
    expect(document.tests['[node] src/a.test.js::a > b > c'].titles).toEqual(['a > b', 'c']);
    expect(document.interrupted).toBe(true);
    expect(document.unmeasured).toEqual({files: ['src/x.test.js', 'src/y.test.js'], tests: 12, passed: 11, failed: 1});
    expect(Object.keys(document)).toEqual(['schema_version', 'session', 'tests', 'files', 'interrupted', 'unmeasured', 'stats', 'overhead', 'summary']);

    const back = fromSchema(JSON.parse(JSON.stringify(document)));
    expect(back.files.map(file => [file.key, file.file, file.project, file.loadError?.phase ?? null])).toEqual([
      ['[jsdom] src/a.test.js', 'src/a.test.js', 'jsdom', null],
      ['[node] src/a.test.js', 'src/a.test.js', 'node', null],
      ['[node] src/c.test.js', 'src/c.test.js', 'node', 'load'],
    ]);
    expect(back.files[2].loadError).toEqual(run.files[2].loadError);
    expect(back.tests.map(entry => [entry.id, entry.file, entry.project, entry.record.titlePath])).toEqual([
      ['[jsdom] src/a.test.js::renders', 'src/a.test.js', 'jsdom', ['renders']],
      ['[node] src/a.test.js::renders', 'src/a.test.js', 'node', ['renders']],
      ['[node] src/a.test.js::a > b > c', 'src/a.test.js', 'node', ['a > b', 'c']],
    ]);
    expect(back.interrupted).toBe(true);
    expect(back.unmeasured).toEqual(run.unmeasured);
    expect(toSchema(back)).toEqual(document);
  });

  test('a plain run writes none of the new keys', () => {
    const document = toSchema(afterAllRun());
    expect(Object.keys(document)).toEqual(['schema_version', 'session', 'tests', 'files', 'stats', 'overhead', 'summary']);
    expect(Object.keys(document.files['src/b.test.js'])).not.toEqual(expect.arrayContaining(['file']));
    expect(document.files['src/b.test.js']).not.toHaveProperty('project');
    expect(document.files['src/b.test.js']).not.toHaveProperty('load_error');
    expect(document.tests['src/b.test.js::one']).not.toHaveProperty('project');
    expect(fromSchema(JSON.parse(JSON.stringify(document)))).toMatchObject({interrupted: false, unmeasured: null});
  });

  test('the streamed JSON and YAML are the document; the hand-written test JSON agrees for project entries', () => {
    for (const run of [projectsRun(), loadErrorRun(), beforeAllRun()]) {
      const document = toSchema(run);
      expect(JSON.parse(renderToString(renderJson(run)))).toEqual(document);
      expect(parseYaml(renderToString(renderYaml(run)))).toEqual(JSON.parse(JSON.stringify(document)));
      for (const entry of run.tests) expect(testEntryJson(entry)).toBe(JSON.stringify(testEntry(entry)));
    }
  });

  test('merging keeps files by key and unions unmeasured files', () => {
    const first = projectsRun();
    const second = runOf([testOf('src/z.test.js', ['z'])], [fileOf('src/z.test.js')], {unmeasured: {files: ['src/y.test.js', 'src/w.test.js'], testCount: 3, failedCount: 0, passedCount: 3}});
    const {run} = mergeRuns([first, second]);
    expect(run.files.map(file => file.key)).toEqual(['[jsdom] src/a.test.js', '[node] src/a.test.js', '[node] src/c.test.js', 'src/z.test.js']);
    expect(run.unmeasured).toEqual({files: ['src/x.test.js', 'src/y.test.js', 'src/w.test.js'], testCount: 15, failedCount: 1, passedCount: 14});
    expect(run.interrupted).toBe(true);
    expect(mergeRuns([second, afterAllRun()]).run.interrupted).toBe(false);
    expect(mergeRuns([afterAllRun()]).run.unmeasured).toBeNull();
  });
});

describe('own cost', () => {
  test('trace mode\'s debugger is in the figure, and the line says which part of it that is and that it is estimated', () => {
    const files = [fileOf('a.test.js')];
    const tests = [testOf('a.test.js', ['t'], {durationMs: 1000})];
    expect(renderSummary(runOf(tests, files, {overhead: {environmentMs: 120, reporterMs: 2, traceMs: 0}}))).toContain('Own cost: 120.0 ms in test environments (12.0 % of test time), 2.0 ms in the reporter');
    expect(renderSummary(runOf(tests, files, {overhead: {environmentMs: 1500, reporterMs: 2, traceMs: 1400}}))).toContain(
      "Own cost: 1.50 s in test environments (150.0 % of test time; 1.40 s of it trace mode's debugger: set-up, pauses, recompiles (estimated)), 2.0 ms in the reporter",
    );
    // No test time: the trace part is still said.
    expect(renderSummary(runOf([], files, {overhead: {environmentMs: 100, reporterMs: 2, traceMs: 90}}))).toContain(
      "Own cost: 100.0 ms in test environments (90.0 ms of it trace mode's debugger: set-up, pauses, recompiles (estimated)), 2.0 ms in the reporter",
    );
  });
});

describe('no failure left out', () => {
  test('a load error is in the summary, Markdown, HTML and GitHub annotations, with the run\'s notes', () => {
    const run = projectsRun();
    const summary = renderSummary(run);
    expect(summary).toMatch(/^jest-perf-monitor: 15 tests \(13 passed, 2 failed; 12 of them, 1 failed, in unmeasured files\) and 1 test file that could not run, in /);
    expect(summary).toContain('The run was interrupted');
    expect(summary).toContain("2 test files ran without the perf monitor (12 tests, 1 failed, counted by Jest): use testRunner 'jest-perf-monitor/runner'");
    expect(summary).toContain('Failures (1 test, 1 file that could not run, 1 beforeAll/afterAll hook)');
    expect(summary).toContain('  ✕ [node] src/c.test.js (could not run)\n    SyntaxError: SyntaxError: Unexpected token\n');

    const markdown = renderToString(renderMarkdown(run));
    expect(markdown).toContain('**15 tests**: 13 passed, 2 failed, in 1.50 s; 12 of them (1 failed) in unmeasured files. **1 test file could not run.**');
    expect(markdown).toContain('### Failures (1 test, 1 file that could not run, 1 beforeAll/afterAll hook)');
    expect(markdown).toContain('#### ✕ `[node] src/c.test.js (could not run)`');
    expect(markdown).toContain('(while loading the test file)');
    expect(markdown).toContain('> **Note:** The run was interrupted');

    const html = renderToString(renderHtml(run, {chartLibrary: ''}));
    expect(html).toContain('1 test file could not run: <span class="id">[node] src/c.test.js</span>');
    expect(html).toContain('<h3>✕ [node] src/c.test.js (could not run)</h3>');
    expect(html).toContain('Failures (1 test, 1 file that could not run, 1 hook)');

    const annotations = renderAnnotations(run, {rootDir: '/project', workspace: '/project'});
    expect(annotations[0]).toMatch(/^::error file=src\/a\.test\.js,line=3,col=9,title=\[node\] src\/c\.test\.js \(could not run\)::SyntaxError: SyntaxError: Unexpected token/);
    // Jest's own github-actions reporter annotates test results only: the file failures are still ours to write.
    const besideJest = renderAnnotations(run, {rootDir: '/project', workspace: '/project', skipFailures: true});
    expect(besideJest.map(line => line.slice(0, line.indexOf('::', 2)))).toEqual([
      '::error file=src/a.test.js,line=3,col=9,title=[node] src/c.test.js (could not run)',
      '::error file=src/a.test.js,line=3,col=9,title=[node] src/a.test.js (afterAll)',
    ]);
  });
});

describe('the printed summary', () => {
  const LONG_FILE = 'src/__tests__/to-have-accessible-errormessage.js';
  const longTests = (): TestEntry[] => [
    testOf(LONG_FILE, ['.toHaveAccessibleErrorMessage', 'passes when the aria-errormessage points at a visible element'], {durationMs: 30, callMs: 27}),
    testOf(LONG_FILE, ['.toHaveAccessibleErrorMessage', 'passes when the aria-errormessage points at a hidden element'], {durationMs: 20, callMs: 17}),
    testOf('src/__tests__/to-have-accessible-description.js', ['.toHaveAccessibleDescription', 'passes when the aria-describedby points at a visible element'], {durationMs: 10, callMs: 7}),
  ];
  const tableRows = (summary: string, title: string): string[] => {
    const lines = summary.split('\n');
    const start = lines.findIndex(line => line.startsWith(title));
    const rows: string[] = [];
    for (const line of lines.slice(start + 1)) {
      if (!line.startsWith('  ')) break;
      rows.push(line);
    }
    return rows;
  };

  test('uses the terminal\'s width: a wide one shows whole ids, a narrow one cuts their middle, aligned', () => {
    const run = runOf(longTests(), []);
    const wide = tableRows(renderSummary(run, {columns: 230}), 'Slowest tests');
    expect(wide[1]).toContain(longTests()[0].id);
    const narrow = tableRows(renderSummary(run, {columns: 100}), 'Slowest tests');
    expect(narrow).toHaveLength(4);
    for (const row of narrow) expect(displayWidth(row)).toBeLessThanOrEqual(100);
    // The figures' column ends at the same place on every row.
    expect(new Set(narrow.map(row => displayWidth(row))).size).toBe(1);
    const ids = narrow.slice(1).map(row => row.slice(2, row.indexOf('  ', 2)));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) {
      expect(id).toMatch(/^src\/__tests/);
      expect(id).toContain('…');
    }
    expect(ids[0]).toMatch(/rormessage\.js::.*visible element$/);
    expect(ids[2]).toMatch(/ription\.js::.*visible element$/);
  });

  test('the width of a stream: its columns on a terminal, else 100', () => {
    expect(terminalColumns({isTTY: true, columns: 230})).toBe(230);
    expect(terminalColumns({isTTY: false, columns: 230})).toBe(100);
    expect(terminalColumns({})).toBe(100);
  });

  test('control characters in titles and messages are shown escaped, never sent to the terminal', () => {
    const hostile = testOf('src/a.test.js', ['retitles \u001b]0;pwned\u0007 the window', 'rings \u0007 and \u0000 and \u009b2J'], {
      status: 'failed',
      durationMs: 50,
      failure: failure('test', 'message with \u001b[2J clear', {codeFrame: '> 3 | x("\u001b[31m")'}),
    });
    const summary = renderSummary(runOf([hostile], []));
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(summary).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(summary).toContain('retitles \\x1b]0;pwned\\x07 the window > rings \\x07 and \\x00 and \\x9b2J');
    expect(summary).toContain('message with \\x1b[2J clear');
    expect(summary).toContain('> 3 | x("\\x1b[31m")');
  });
});

describe('CSV formula injection', () => {
  test.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['+SUM(1)', "'+SUM(1)"],
    ['-2+3', "'-2+3"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['plain title', 'plain title'],
    ['a=b', 'a=b'],
  ])('%j becomes %j', (text, expected) => {
    expect(csvText(text)).toBe(expected);
  });

  test('text cells are guarded, numbers stay numbers (negative ones too)', () => {
    const entry = testOf('=1+1.test.js', ['+SUM(1)', "=cmd|' /C calc'!A0"], {
      status: 'failed',
      rssStartBytes: 50 * 1024 * 1024,
      rssEndBytes: 40 * 1024 * 1024,
      failure: failure('test', '=HYPERLINK("http://evil.test","click")'),
    });
    const lines = [...renderCsv(runOf([entry], []))].join('').split('\r\n');
    const cells = lines[1];
    expect(cells.startsWith("'=1+1.test.js::")).toBe(true);
    expect(cells).toContain(",'=1+1.test.js,");
    expect(cells).toContain(",'+SUM(1) > =cmd|' /C calc'!A0,");
    expect(cells).toContain(`,"'=HYPERLINK(""http://evil.test"",""click"")",`);
    // memory_delta_mb: a negative number, unquoted and unprefixed.
    expect(cells).toMatch(/,-10(\.0+)?,/);
  });
});

describe('GitHub annotations', () => {
  test('control characters in titles and messages are shown escaped; line breaks stay encoded', () => {
    const hostile = testOf('src/a.test.js', ['retitles \u001b]0;pwned\u0007'], {
      status: 'failed',
      failure: failure('test', 'bad \u001b[2J\r\nnext 100%', {location: {file: 'src/a.test.js', line: 1, column: 1}}),
    });
    const lines = renderAnnotations(runOf([hostile], []), {rootDir: '/r', workspace: '/r'});
    const text = lines.join('\n');
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('retitles \\x1b]0;pwned\\x07');
    expect(text).toContain('::Error: bad \\x1b[2J%0Anext 100%25');
  });
});

describe('clipId', () => {
  const id = 'src/__tests__/to-have-accessible-errormessage.js::.toHaveAccessibleErrorMessage > passes when the aria-errormessage points at a visible element';

  test('an id that fits is left alone (on one line)', () => {
    expect(clipId('a.test.js::short', 40)).toBe('a.test.js::short');
    expect(clipId('a.test.js::line\nbreak', 40)).toBe('a.test.js::line break');
  });

  test.each([30, 40, 60, 80, 100])('cuts the middle of the file and of the titles, to exactly %i columns', width => {
    const clipped = clipId(id, width);
    expect(displayWidth(clipped)).toBe(width);
    expect(clipped).toMatch(/^src\//);
    expect(clipped).toContain('::');
    expect(clipped.endsWith('element')).toBe(true);
  });

  test('keeps the file\'s base name whole when there is room, and the test title\'s end', () => {
    expect(clipId(id, 130)).toMatch(/^src\/__tests__\/to-have-accessible-errormessage\.js::\.toHaveAccessibleError.*….*points at a visible element$/);
    expect(clipId(id, 100)).toMatch(/^src\/__test.*…to-have-accessible-errormessage\.js::\.toHaveAccessib.*….*points at a visible element$/);
    expect(clipId(id, 60)).toMatch(/^src\/__tests.*…rrormessage\.js::\.toHave.*….*at a visible element$/);
  });

  test('ids that differ only at the end of their title, or only in their file name, stay apart', () => {
    const titles = [1, 2, 3].map(n => clipId(`${id} (case ${n})`, 50));
    expect(new Set(titles).size).toBe(3);
    const files = ['errormessage', 'description'].map(name => clipId(`src/__tests__/to-have-accessible-${name}.js::.toHaveAccessible > passes when it points at a visible element`, 50));
    expect(files[0]).not.toBe(files[1]);
  });

  test('keeps the project prefix, wide characters and surrogate pairs whole', () => {
    expect(clipId(`[jsdom] ${id}`, 70).startsWith('[jsdom] src/')).toBe(true);
    const wide = clipId('src/日本語のテスト.test.js::describe 🚀 > テストのタイトルはとても長いです、本当に長いです 🚀', 40);
    expect(displayWidth(wide)).toBeLessThanOrEqual(40);
    // A wide character that does not fit leaves its column empty, once in the file and once in the titles.
    expect(displayWidth(wide)).toBeGreaterThanOrEqual(38);
    expect(wide).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  test('escapes control characters before measuring', () => {
    expect(clipId('a.test.js::\u001b[31mred', 40)).toBe('a.test.js::\\x1b[31mred');
  });
});

describe('printable', () => {
  test('escapes C0 and C1 controls, DEL and bidirectional overrides; keeps text, tabs and line feeds', () => {
    expect(printable('\u0000\u0007\u001b\u007f\u009b\u202e\u2066')).toBe('\\x00\\x07\\x1b\\x7f\\x9b\\u202e\\u2066');
    expect(printable('é 🚀 日本 a\tb\nc')).toBe('é 🚀 日本 a\tb\nc');
    expect(printable(printable('\u001b'))).toBe('\\x1b');
  });
});
