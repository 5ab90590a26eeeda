/**
 * Every report format, written by the reporter after a real Jest run of the `formats` fixture, parsed back with
 * an independent reader and checked against the JSON report and Jest's own results.
 */
import {beforeAll, describe, expect, test} from '@jest/globals';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {parse as parseCsv} from 'csv-parse/sync';
import {chromium} from 'playwright-core';
import {existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import {xml2js} from 'xml-js';
import type {Element} from 'xml-js';
import {validateXML} from 'xmllint-wasm';
import {parse as parseYaml} from 'yaml';
import {renderToString} from '../../src/formats';
import {renderHtml} from '../../src/formats/html';
import type {MetricsDocument} from '../../src/model/toSchema';
import {expectSameOutcomesAsJest, fifoWithReader, MAJORS, runJest} from '../harness/runJest';
import type {FifoReader} from '../harness/runJest';
import {failure, fileOf, runOf, testOf} from '../harness/syntheticRun';
import type {JestRun} from '../harness/runJest';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const parsePrometheus = require('parse-prometheus-text-format') as (text: string) => Array<{name: string; type: string; metrics: Array<{value: string; labels?: Record<string, string>}>}>;

const SCHEMAS = path.join(__dirname, '..', 'schemas');
const FLAKY = 'retries.test.js::retried > flaky: passes on the second attempt';
const BROKEN = 'retries.test.js::retried > broken: fails every attempt';
const CONTROL = 'names.test.js::markup <b class="x">&amp;</b> ]]> > control \u0001 and \u001b[31mcolour\u001b[0m';

const read = (run: JestRun, file: string): string => readFileSync(path.join(run.dir, file), 'utf8');

async function validateJunit(xml: string, schemaFile: string): Promise<string[]> {
  const result = await validateXML({xml: [{fileName: 'report.xml', contents: xml}], schema: [{fileName: 'junit.xsd', contents: readFileSync(path.join(SCHEMAS, schemaFile), 'utf8')}]});
  return result.errors.map(error => error.message);
}

const children = (element: Element, name: string): Element[] => (element.elements ?? []).filter(child => child.name === name);

describe.each(MAJORS)('report formats on Jest %i', major => {
  let run: JestRun;
  let metrics: MetricsDocument;
  beforeAll(async () => {
    run = await runJest('formats', {major, jestJson: true});
    metrics = run.metrics();
  });

  test('every format is written beside the JSON, and outcomes are Jest\'s', () => {
    expect(run.exitCode).toBe(1);
    expectSameOutcomesAsJest(run);
    for (const file of ['md', 'junit.xml', 'csv', 'yaml', 'html', 'ctrf.json', 'prom']) {
      expect(existsSync(path.join(run.dir, 'reports', `performance_metrics.${file}`))).toBe(true);
    }
    expect(run.stderr).toContain('Reports written: performance_metrics.json, reports/performance_metrics.md');
    expect(run.stderr).not.toContain('jest-perf-monitor: cannot write');
    expect(Object.keys(metrics.tests)).toHaveLength(15);
    expect(metrics.tests[CONTROL]).toBeDefined();
    // The one title with ` > ` inside cannot be split back from its id, so the file carries its titles.
    expect(metrics.tests['names.test.js::markup <b class="x">&amp;</b> ]]> > a title with > inside'].titles).toEqual([
      'markup <b class="x">&amp;</b> ]]>',
      'a title with > inside',
    ]);
  });

  test('junit: valid against the common JUnit XSD, with metrics, failures and Surefire retries', async () => {
    const xml = read(run, 'reports/performance_metrics.junit.xml');
    expect(await validateJunit(xml, 'junit-10-testcase-properties.xsd')).toEqual([]);
    // Without the per-test <properties> (the one addition), the verbatim common XSD accepts it too.
    expect(await validateJunit(xml.replace(/<testcase([^>]*)>\s*<properties>[\s\S]*?<\/properties>/g, '<testcase$1>'), 'junit-10.xsd')).toEqual([]);

    const root = xml2js(xml) as Element;
    const [suites] = children(root, 'testsuites');
    expect(suites.attributes).toMatchObject({name: 'jest tests', tests: '16', failures: '3', errors: '1'});
    const cases = children(suites, 'testsuite').flatMap(suite => children(suite, 'testcase'));
    expect(cases).toHaveLength(16);
    const byName = new Map(cases.map(element => [String(element.attributes!.name), element]));

    const discount = byName.get('cart applies the discount')!;
    expect(discount.attributes!.classname).toBe('cart applies the discount');
    const [failure] = children(discount, 'failure');
    expect(failure.attributes).toMatchObject({type: 'JestAssertionError'});
    const failureText = String(failure.elements![0].text);
    expect(failureText).toContain('at outcomes.test.js:13:');
    expect(failureText).toContain('> 13 |     expect(total(items) * 0.9).toBe(17);');
    const properties = Object.fromEntries(children(children(discount, 'properties')[0], 'property').map(p => [p.attributes!.name, p.attributes!.value]));
    expect(Number(properties.duration)).toBeCloseTo(metrics.tests['outcomes.test.js::cart > applies the discount'].duration, 6);
    expect(properties).toHaveProperty('memory_peak_mb');
    expect(properties).toHaveProperty('cpu_percent');

    const flaky = byName.get('retried flaky: passes on the second attempt')!;
    expect(children(flaky, 'failure')).toHaveLength(0);
    expect(children(flaky, 'flakyFailure')).toHaveLength(1);
    const broken = byName.get('retried broken: fails every attempt')!;
    expect(children(broken, 'failure')).toHaveLength(1);
    expect(children(broken, 'failure')[0].attributes).toMatchObject({type: 'TypeError', message: 'still broken on attempt 3'});
    expect(children(broken, 'rerunFailure').map(e => e.attributes!.message)).toEqual(['still broken on attempt 1', 'still broken on attempt 2']);
    expect(children(byName.get('cart handles currencies')!, 'skipped')).toHaveLength(1);
    expect(children(byName.get('cart rounds half to even')!, 'skipped')[0].attributes).toEqual({message: 'todo'});
    // Markup and quotes come back as typed; the control characters (not allowed in XML) as visible escapes.
    expect(byName.has('markup <b class="x">&amp;</b> ]]> quotes "double" and \'single\', commas, and; semicolons')).toBe(true);
    expect(byName.has('markup <b class="x">&amp;</b> ]]> line\nbreak and\ttab')).toBe(true);
    expect(byName.has('markup <b class="x">&amp;</b> ]]> control \\u0001 and \\u001b[31mcolour\\u001b[0m')).toBe(true);
    // Entities in a message stay as the message had them.
    const markup = children(byName.get('markup <b class="x">&amp;</b> ]]> fails with markup in the message')!, 'failure')[0];
    expect(String(markup.elements![0].text)).toContain('Expected: "&amp; &lt;"\nReceived: "<script>alert(1)</script>"');
    // The failed afterAll is a test case with an <error>, in its file's suite.
    const hookSuite = children(suites, 'testsuite').find(suite => suite.attributes!.name === 'hooks.test.js')!;
    expect(hookSuite.attributes).toMatchObject({tests: '2', failures: '0', errors: '1'});
    const [hookError] = children(children(hookSuite, 'testcase').find(c => c.attributes!.name === '(afterAll)')!, 'error');
    expect(hookError.attributes).toEqual({message: 'cleanup failed', type: 'Error'});
  });

  test('csv: RFC 4180, one row per test with every metric', () => {
    const text = read(run, 'reports/performance_metrics.csv');
    expect(text.split('\r\n')[0]).toMatch(/^id,file,titles,status,attempts,duration_s,setup_time_s,call_time_s,teardown_time_s,memory_start_mb/);
    const rows = parseCsv(text, {columns: true, record_delimiter: '\r\n'}) as Array<Record<string, string>>;
    expect(rows).toHaveLength(15);
    for (const row of rows) {
      const test = metrics.tests[row.id];
      expect(test).toBeDefined();
      expect(row.status).toBe(test.status);
      expect(Number(row.duration_s)).toBe(test.duration);
      expect(Number(row.memory_peak_mb)).toBe(test.memory.peak_mb);
    }
    const broken = rows.find(row => row.id === BROKEN)!;
    expect(broken).toMatchObject({attempts: '3', error_type: 'TypeError', error_message: 'still broken on attempt 3'});
    expect(rows.some(row => row.titles.includes('line\nbreak'))).toBe(true);
  });

  test('yaml: loads back to the same document as the JSON', () => {
    // Each report carries what the reports written before it cost (the JSON file is written last): those figures differ.
    const withoutWriting = (document: typeof metrics): unknown => {
      const overhead = {...document.overhead};
      for (const key of ['report_writing_time', 'own_time', 'own_cpu_percent', 'run_cpu_time'] as const) delete overhead[key];
      return {...document, overhead};
    };
    expect(withoutWriting(parseYaml(read(run, 'reports/performance_metrics.yaml')) as typeof metrics)).toEqual(withoutWriting(metrics));
  });

  test('ctrf: valid against the CTRF schema, with retries, flaky and our figures under extra', () => {
    const ctrf = JSON.parse(read(run, 'reports/performance_metrics.ctrf.json'));
    const ajv = new Ajv({allErrors: true});
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(SCHEMAS, 'ctrf.schema.json'), 'utf8')));
    expect(validate(ctrf) ? [] : validate.errors).toEqual([]);
    // Jest's counts: the failed afterAll is not a test (it is under summary.extra).
    expect(ctrf.results.summary).toMatchObject({tests: 15, passed: 10, failed: 3, skipped: 1, pending: 1, other: 0, flaky: 1});
    const tests = new Map<string, Record<string, unknown>>(ctrf.results.tests.map((t: {name: string}) => [t.name, t]));
    expect(tests.get(FLAKY)).toMatchObject({status: 'passed', flaky: true, retries: 1, retryAttempts: [{attempt: 1, status: 'failed'}]});
    expect(tests.get(BROKEN)).toMatchObject({status: 'failed', retries: 2, message: 'TypeError: still broken on attempt 3'});
    expect(tests.has('hooks.test.js::(afterAll)')).toBe(false);
    expect(ctrf.results.summary.extra.jestPerfMonitor.failures_outside_tests).toEqual([expect.objectContaining({file: 'hooks.test.js', hook: 'afterAll', message: 'Error: cleanup failed', line: 4})]);
    const discount = tests.get('outcomes.test.js::cart > applies the discount')!;
    expect(discount).toMatchObject({filePath: 'outcomes.test.js', line: 13, suite: ['cart']});
    expect((discount.extra as Record<string, {duration: number}>).jestPerfMonitor.duration).toBe(metrics.tests['outcomes.test.js::cart > applies the discount'].duration);
  });

  test('prometheus: the text format parses, with every test and label escaped', () => {
    const families = parsePrometheus(read(run, 'reports/performance_metrics.prom'));
    const family = (name: string) => families.find(f => f.name === name)!;
    expect(family('jest_perf_run_tests').metrics).toEqual([
      {value: '10', labels: {status: 'passed'}},
      {value: '3', labels: {status: 'failed'}},
      {value: '2', labels: {status: 'skipped'}},
    ]);
    const durations = family('jest_perf_test_duration_seconds');
    expect(durations.type).toBe('GAUGE');
    // Skipped and todo tests have no figures.
    expect(durations.metrics).toHaveLength(13);
    expect(family('jest_perf_run_hook_failures').metrics).toEqual([{value: '1'}]);
    const control = durations.metrics.find(m => m.labels?.test === CONTROL);
    expect(control).toBeDefined();
    expect(Number(control!.value)).toBeCloseTo(metrics.tests[CONTROL].duration, 6);
    expect(durations.metrics.some(m => m.labels?.test.includes('line\nbreak'))).toBe(true);
  });

  test('markdown: figures, the slowest tests and the failures with code frames', () => {
    const markdown = read(run, 'reports/performance_metrics.md');
    expect(markdown).toMatch(/^## Test performance\n\n\*\*15 tests\*\*: 10 passed, 3 failed, 2 skipped or todo, 1 flaky/);
    expect(markdown).toContain('### Slowest tests');
    expect(markdown).toContain('| `outcomes.test.js::takes a while` |');
    expect(markdown).toContain('### Failures (3 tests, 1 beforeAll/afterAll hook)');
    expect(markdown).toContain('#### ✕ `hooks.test.js (afterAll)`');
    expect(markdown).toContain('#### ✕ `outcomes.test.js::cart > applies the discount`');
    expect(markdown).toContain('> 13 |     expect(total(items) * 0.9).toBe(17);');
  });
});

describe('the HTML report in headless Chromium', () => {
  test('works offline: charts drawn, the table sorts and filters, a failure shows its code frame', async () => {
    const run = await runJest('formats', {major: MAJORS[0]});
    const file = path.join(run.dir, 'reports', 'performance_metrics.html');
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({viewport: {width: 1300, height: 1000}});
      const network: string[] = [];
      const errors: string[] = [];
      page.on('request', request => {
        if (!request.url().startsWith('file:')) network.push(request.url());
      });
      page.on('pageerror', error => errors.push(String(error)));
      await page.goto(`file://${file}`);
      expect(errors).toEqual([]);
      expect(network).toEqual([]);
      expect(await page.getAttribute('body', 'data-charts-rendered')).toBe('3');
      // Each chart drew something: its canvas has non-blank pixels.
      for (const id of ['chart-slowest', 'chart-histogram', 'chart-memory']) {
        const painted = await page.$eval(`#${id}`, canvas => {
          // No DOM types in this project: the canvas API used here, spelled out.
          const c = canvas as unknown as {width: number; height: number; getContext(kind: '2d'): {getImageData(x: number, y: number, w: number, h: number): {data: ArrayLike<number>}}};
          const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let count = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) count++;
          return count;
        });
        expect(painted).toBeGreaterThan(500);
      }

      // The slowest tests' chart: each label is the test's title, and its tooltip names the test in full.
      const slowest = await page.evaluate(() => {
        // No DOM types in this project: the Chart.js API used here, spelled out.
        const chart = (globalThis as unknown as {Chart: {getChart(id: string): {data: {labels: string[][]}; options: {plugins: {tooltip: {callbacks: {title(items: Array<{dataIndex: number}>): string}}}}}}}).Chart.getChart('chart-slowest');
        return {label: chart.data.labels[0], tooltip: chart.options.plugins.tooltip.callbacks.title([{dataIndex: 0}])};
      });
      // Which test was slowest is the machine's business: the file says.
      const tests = run.metrics().tests;
      const slowestId = Object.keys(tests)
        .filter(id => tests[id].status === 'passed' || tests[id].status === 'failed')
        .reduce((a, b) => (tests[b].duration > tests[a].duration ? b : a));
      const slowestTitle = slowestId.slice(tests[slowestId].file.length + 2);
      expect(slowest.tooltip).toBe(slowestId);
      expect(slowestTitle.startsWith(slowest.label.join(' ').replace(/ …$/, ''))).toBe(true);

      const rows = page.locator('#tests tbody tr');
      const firstTest = async (): Promise<[string | null, string | null]> => [
        await rows.first().locator('td .t-title').textContent(),
        await rows.first().locator('td .t-file').textContent(),
      ];
      expect(await rows.count()).toBe(15);
      // Sorted by duration, slowest first, by default; the title on its line, the file under it.
      expect(await firstTest()).toEqual([slowestTitle, tests[slowestId].file]);
      await page.fill('#filter', 'retried');
      expect(await rows.count()).toBe(2);
      await page.fill('#filter', '');
      await page.selectOption('#status', 'failed');
      expect(await rows.count()).toBe(3);
      await page.selectOption('#status', '');
      await page.click('#tests th:first-child');
      expect(await firstTest()).toEqual(['with a failing afterAll > passes before the hook fails', 'hooks.test.js']);
      await page.click('#tests th:first-child');
      expect(await firstTest()).toEqual(['retried > flaky: passes on the second attempt', 'retries.test.js']);
      // Names wrap between words; only a token too long for the column is broken.
      expect(await rows.first().locator('td').first().evaluate(cell => {
        const style = (globalThis as unknown as {getComputedStyle(element: unknown): {wordBreak: string; overflowWrap: string}}).getComputedStyle(cell);
        return [style.wordBreak, style.overflowWrap];
      })).toEqual(['normal', 'anywhere']);

      const frame = page.locator('.failure', {hasText: 'cart > applies the discount'}).locator('.code-frame');
      await frame.scrollIntoViewIfNeeded();
      expect(await frame.isVisible()).toBe(true);
      expect(await frame.textContent()).toContain('> 13 |     expect(total(items) * 0.9).toBe(17);');
      // Markup in a message is shown as text, never run.
      expect(await page.locator('.failure', {hasText: 'fails with markup'}).locator('.message').textContent()).toContain('<script>alert(1)</script>');

      const artifacts = path.join(__dirname, '..', '.artifacts');
      mkdirSync(artifacts, {recursive: true});
      await page.screenshot({path: path.join(artifacts, 'html-report.png'), fullPage: true});
    } finally {
      await browser.close();
    }
  });

  test('shows the run\'s notes, a file that could not run, budgets, regressions and leaks', async () => {
    const cannotRun = failure('load', "Cannot find module './missing' from 'src/broken.test.js'", {errorType: null, location: {file: 'src/broken.test.js', line: 1, column: 1}, codeFrame: "> 1 | require('./missing');"});
    const slow = testOf('src/__tests__/to-have-accessible-errormessage.js', ['.toHaveAccessibleErrorMessage', 'passes when the aria-errormessage points at a visible element'], {durationMs: 150, callMs: 147});
    const run = runOf([slow, testOf('src/a.test.js', ['adds'])], [fileOf('src/a.test.js'), fileOf('src/broken.test.js', {loadError: cannotRun, completed: false})], {
      interrupted: true,
      unmeasured: {files: ['src/docblock.test.js'], testCount: 4, failedCount: 1, passedCount: 3},
      budgets: {testsChecked: 2, breaches: [{scope: 'test', test: slow.id, rule: '**', ruleSource: 'recommended: unit', metric: 'duration', actualMs: 150, limitMs: 100}]},
      regressions: {baseline: 'baseline.json', thresholdPercent: 20, minChangeMs: 10, compared: 2, drift: null, regressions: [{id: slow.id, baselineMs: 50, currentMs: 150, changePercent: 200, noiseMs: 10, clock: 'wall', driftFactor: 1, factorMargin: 1.2}], improvements: [], added: [], removed: []},
      leaks: {filesChecked: 1, flagged: [{file: 'src/a.test.js', tests: 8, retainedFirstBytes: 40 * 1048576, retainedLastBytes: 44 * 1048576, growthPerTestBytes: 512 * 1024, laterGrowthPerTestBytes: 512 * 1024, growingShare: 1}]},
    });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'html-findings-')), 'report.html');
    writeFileSync(file, renderToString(renderHtml(run, {chartLibrary: readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8')})));
    const browser = await chromium.launch({executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run']});
    try {
      const page = await browser.newPage({viewport: {width: 1300, height: 1000}});
      const errors: string[] = [];
      page.on('pageerror', error => errors.push(String(error)));
      await page.goto(`file://${file}`);
      expect(errors).toEqual([]);
      expect(await page.getAttribute('body', 'data-charts-rendered')).toBe('3');
      expect(await page.textContent('header .counts')).toMatch(/^6 tests: 5 passed, 1 failed; 4 of them \(1 failed\) in unmeasured files/);
      const notes = await page.locator('#notes p').allTextContents();
      expect(notes).toEqual([
        '1 test file could not run: src/broken.test.js (see Failures).',
        'The run was interrupted: this report holds the tests that finished before it stopped.',
        "1 test file ran without the perf monitor (4 tests, 1 failed, counted by Jest): use testRunner 'jest-perf-monitor/runner' to measure every file.",
      ]);
      for (const section of ['#budgets', '#regressions', '#leaks']) expect(await page.locator(section).isVisible()).toBe(true);
      expect(await page.locator('#budgets').textContent()).toContain('Budgets: 1 breach (2 tests checked)');
      expect(await page.locator('#budgets td').allTextContents()).toEqual([`${slow.id} (rule recommended: unit)`, 'duration 150.0 ms > 100.0 ms']);
      expect(await page.locator('#regressions td').allTextContents()).toEqual([slow.id, 'slower', "50.0 ms → 150.0 ms wall time (+200 %; 3.00x beyond the run's drift of 1.00x; needed 1.20x and 10.0 ms)"]);
      expect(await page.locator('#leaks td').allTextContents()).toEqual(['src/a.test.js', '+512.0 KiB per test over 8 tests (retained heap 40.0 MiB → 44.0 MiB)']);
      const broken = page.locator('.failure', {hasText: 'src/broken.test.js (could not run)'});
      await broken.scrollIntoViewIfNeeded();
      expect(await broken.isVisible()).toBe(true);
      expect(await broken.locator('.message').textContent()).toBe("Cannot find module './missing' from 'src/broken.test.js'");
      expect(await broken.locator('.where').textContent()).toBe('at src/broken.test.js:1:1 (while loading the test file)');
      expect(await page.locator('#failures h2').textContent()).toBe('Failures (1 file that could not run)');
      // The long title is shown whole (wrapped between words), the file under it.
      const title = page.locator('#tests tbody tr').first().locator('.t-title');
      expect(await title.textContent()).toBe('.toHaveAccessibleErrorMessage > passes when the aria-errormessage points at a visible element');
      expect(await title.isVisible()).toBe(true);
      const artifacts = path.join(__dirname, '..', '.artifacts');
      mkdirSync(artifacts, {recursive: true});
      await page.screenshot({path: path.join(artifacts, 'html-report-findings.png'), fullPage: true});
    } finally {
      await browser.close();
    }
  });
});

describe('writing formats', () => {
  test('one format that cannot be written is reported once; the others are written and Jest\'s exit code stands', async () => {
    // A directory where the HTML file should go: its rename fails.
    const run = await runJest('formats', {major: MAJORS[0], files: {'reports/performance_metrics.html/keep': ''}});
    expect(run.exitCode).toBe(1);
    const lines = run.stderr.split('\n').filter(line => line.startsWith('jest-perf-monitor: cannot write'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^jest-perf-monitor: cannot write the html report .*performance_metrics\.html: /);
    for (const file of ['md', 'junit.xml', 'csv', 'yaml', 'ctrf.json', 'prom']) {
      expect(existsSync(path.join(run.dir, 'reports', `performance_metrics.${file}`))).toBe(true);
    }
    expect(Object.keys(run.metrics().tests)).toHaveLength(15);
  });
});

describe.each(MAJORS)('Jest %i: writing over what stands at an output path', major => {
  test('a symlink is followed and its target replaced, a FIFO is written through, a directory is refused in one line', async () => {
    let reader: FifoReader | null = null;
    try {
      const run = await runJest('formats', {
        major,
        files: {'real/metrics.json': 'old', 'reports/performance_metrics.md/keep': ''},
        prepare: dir => {
          symlinkSync(path.join('real', 'metrics.json'), path.join(dir, 'performance_metrics.json'));
          // A link that leads nowhere yet: its target is created, as a shell redirect would.
          symlinkSync(path.join('..', 'elsewhere', 'metrics.yaml'), path.join(dir, 'reports', 'performance_metrics.yaml'));
          reader = fifoWithReader(path.join(dir, 'reports', 'performance_metrics.csv'));
        },
      });
      // The fixture has failing tests: Jest's exit code, not ours.
      expect(run.exitCode).toBe(1);
      const link = path.join(run.dir, 'performance_metrics.json');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(path.join('real', 'metrics.json'));
      expect(Object.keys(run.metrics('real/metrics.json').tests)).toHaveLength(15);
      // The temp file sat next to the target, and is gone.
      expect(readdirSync(path.join(run.dir, 'real'))).toEqual(['metrics.json']);

      const yamlLink = path.join(run.dir, 'reports', 'performance_metrics.yaml');
      expect(lstatSync(yamlLink).isSymbolicLink()).toBe(true);
      expect(Object.keys((parseYaml(readFileSync(path.join(run.dir, 'elsewhere', 'metrics.yaml'), 'utf8')) as MetricsDocument).tests)).toHaveLength(15);

      const csv = await reader!.read();
      expect(lstatSync(path.join(run.dir, 'reports', 'performance_metrics.csv')).isFIFO()).toBe(true);
      expect(parseCsv(csv, {columns: true, record_delimiter: '\r\n'})).toHaveLength(15);

      const lines = run.stderr.split('\n').filter(line => line.startsWith('jest-perf-monitor: cannot write'));
      expect(lines).toEqual([`jest-perf-monitor: cannot write the markdown report ${path.join(run.dir, 'reports', 'performance_metrics.md')}: it is a directory`]);
      expect(readdirSync(path.join(run.dir, 'reports', 'performance_metrics.md'))).toEqual(['keep']);
      for (const file of ['junit.xml', 'html', 'ctrf.json', 'prom']) {
        expect(lstatSync(path.join(run.dir, 'reports', `performance_metrics.${file}`)).isFile()).toBe(true);
      }
      expect(readdirSync(path.join(run.dir, 'reports')).filter(name => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      (reader as FifoReader | null)?.stop();
    }
  });
});
