import {describe, expect, test} from '@jest/globals';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {readFileSync} from 'fs';
import * as path from 'path';
import {xml2js} from 'xml-js';
import type {Element} from 'xml-js';
import {validateXML} from 'xmllint-wasm';
import {parse as parseYaml} from 'yaml';
import {mergeRuns} from '../../../src/analysis/mergeRuns';
import {fileFailures, listFailures} from '../../../src/formats/failureList';
import {renderCtrf} from '../../../src/formats/ctrf';
import {renderAnnotations} from '../../../src/formats/githubActions';
import {renderHtml} from '../../../src/formats/html';
import {renderToString} from '../../../src/formats/index';
import {renderJson} from '../../../src/formats/json';
import {renderJunit} from '../../../src/formats/junit';
import {renderMarkdown} from '../../../src/formats/markdown';
import {renderPrometheus} from '../../../src/formats/prometheus';
import {renderSummary} from '../../../src/formats/summary';
import {renderYaml} from '../../../src/formats/yaml';
import {fromSchema} from '../../../src/model/fromSchema';
import {testEntry, testEntryJson, toSchema} from '../../../src/model/toSchema';
import type {RunMetrics} from '../../../src/model/types';
import {JUNIT_DEFAULTS} from '../../../src/options/resolveOptions';
import {failure, fileOf, runOf, testOf} from '../../harness/syntheticRun';

const SCHEMAS = path.join(__dirname, '..', '..', 'schemas');
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
