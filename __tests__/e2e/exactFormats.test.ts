import {beforeAll, describe, expect, test} from '@jest/globals';
import {parse as parseCsv} from 'csv-parse/sync';
import {readFileSync} from 'fs';
import * as path from 'path';
import {MAJORS, runCli, runJest} from '../harness/runJest';
import type {JestRun} from '../harness/runJest';

// Titles and messages with a `|`, quotes, commas, CR, LF and CRLF, and a file that cannot load (docs/reports.md,
// "Counts"): every CSV reads back strictly, every Markdown table keeps its columns, every headline is Jest's.

interface JestCounts {
  numTotalTests: number;
  numFailedTests: number;
  numPassedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
}

/** RFC 4180 read strictly: a quote only around a field, every record as wide as the header, and any of CRLF, LF or CR ending a record outside quotes (a bare LF left unquoted would end one). */
function strictCsv(text: string): string[][] {
  return parseCsv(text, {relax_quotes: false, relax_column_count: false, record_delimiter: ['\r\n', '\n', '\r'], skip_empty_lines: false}) as string[][];
}

/** The tables of a Markdown document: runs of lines starting with `|`, as cells split on unescaped pipes. */
function markdownTables(text: string): string[][][] {
  const tables: string[][][] = [];
  let current: string[][] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('|')) {
      current ??= [];
      current.push(line.split(/(?<!\\)\|/).slice(1, -1));
      if (current.length === 1) tables.push(current);
    } else {
      current = null;
    }
  }
  return tables;
}

describe.each(MAJORS)('Jest %i: every format exact', major => {
  let run: JestRun;
  let jest: JestCounts;
  const read = (file: string): string => readFileSync(path.join(run.dir, file), 'utf8');

  beforeAll(async () => {
    run = await runJest('exact-formats', {major, jestJson: true});
    jest = run.jestResult() as unknown as JestCounts;
  });

  test('Jest sees 8 tests, 2 failed, and one file that could not run', () => {
    expect(run.exitCode).toBe(1);
    expect(jest).toMatchObject({numTotalTests: 8, numFailedTests: 2, numPassedTests: 4, numPendingTests: 1, numTodoTests: 1, numRuntimeErrorTestSuites: 1});
  });

  test('CSV: read strictly, one record per test and as many columns as the header (the reporter and the CLI)', async () => {
    const cli = await runCli(['report', 'performance_metrics.json', '--format', 'csv'], {cwd: run.dir});
    expect(cli.exitCode).toBe(0);
    const ids = Object.keys(run.metrics().tests).sort();
    for (const text of [read('reports/performance_metrics.csv'), cli.stdout]) {
      const [header, ...records] = strictCsv(text);
      expect(records).toHaveLength(jest.numTotalTests);
      for (const record of records) expect(record).toHaveLength(header.length);
      expect(records.map(record => record[0]).sort()).toEqual(ids);
      const message = records.find(record => record[0] === 'titles.test.js::fails over two lines')!;
      expect(message[header.indexOf('error_message')]).toBe('first line\nsecond line');
      expect(records.map(record => record[header.indexOf('titles')])).toEqual(expect.arrayContaining(['a line\nbreak', 'a carriage\rreturn']));
    }
  });

  test('Markdown: a | or a line break in a title or message never adds or splits a table cell', () => {
    const tables = markdownTables(read('reports/performance_metrics.md'));
    expect(tables.length).toBeGreaterThan(1);
    for (const table of tables) for (const row of table) expect(row).toHaveLength(table[0].length);
    const slowest = tables.find(table => table[0][0].trim() === 'test')!;
    expect(slowest.length - 2).toBe(jest.numPassedTests + jest.numFailedTests);
  });

  test("every format's headline numbers are Jest's; the load failure is shown, not counted as a test", () => {
    const metrics = run.metrics();
    expect(metrics.session.total_tests).toBe(jest.numTotalTests);
    expect(metrics.stats).toMatchObject({total_count: jest.numTotalTests, failures_count: jest.numFailedTests, passed_count: jest.numPassedTests});
    const skipped = jest.numPendingTests + jest.numTodoTests;

    const ctrf = JSON.parse(read('reports/performance_metrics.ctrf.json'));
    expect(ctrf.results.summary).toMatchObject({tests: jest.numTotalTests, failed: jest.numFailedTests, passed: jest.numPassedTests, skipped: jest.numPendingTests, pending: jest.numTodoTests});
    expect(ctrf.results.tests).toHaveLength(jest.numTotalTests);
    expect(ctrf.results.summary.extra.jestPerfMonitor.failures_outside_tests).toEqual([expect.objectContaining({file: 'broken.test.js', load_error: true})]);

    // JUnit keeps the file as an <error> test case, as jest-junit's reportTestSuiteErrors does (docs/reports.md).
    const junit = read('reports/performance_metrics.junit.xml');
    const suites = /<testsuites [^>]*>/.exec(junit)![0];
    expect(suites).toContain(`tests="${jest.numTotalTests + jest.numRuntimeErrorTestSuites}"`);
    expect(suites).toContain(`failures="${jest.numFailedTests}"`);
    expect(suites).toContain(`errors="${jest.numRuntimeErrorTestSuites}"`);

    const prometheus = read('reports/performance_metrics.prom');
    expect(prometheus).toContain(`jest_perf_run_tests{status="passed"} ${jest.numPassedTests}\n`);
    expect(prometheus).toContain(`jest_perf_run_tests{status="failed"} ${jest.numFailedTests}\n`);
    expect(prometheus).toContain(`jest_perf_run_tests{status="skipped"} ${skipped}\n`);
    expect(prometheus).toContain('jest_perf_run_load_errors 1\n');

    const headline = `${jest.numTotalTests} tests**: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${skipped} skipped or todo`;
    expect(read('reports/performance_metrics.md')).toContain(headline);
    expect(read('reports/performance_metrics.html')).toContain(`${jest.numTotalTests} tests: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${skipped} skipped or todo`);
    expect(run.stdout + run.stderr).toContain(`jest-perf-monitor: ${jest.numTotalTests} tests (${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${skipped} skipped/todo) and 1 test file that could not run`);
  });
});
