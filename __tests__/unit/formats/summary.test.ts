import {describe, expect, test} from '@jest/globals';
import {displayWidth} from '../../../src/formats/terminalText';
import {renderSummary, terminalColumns} from '../../../src/formats/summary';
import type {TestEntry} from '../../../src/model/types';
import {failure, fileOf, runOf, testOf} from '../../harness/syntheticRun';

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

describe('own cost, counted completely', () => {
  const files = [fileOf('a.test.js')];
  const tests = [testOf('a.test.js', ['t'], {durationMs: 1000})];
  const overhead = {environmentMs: 40, reporterMs: 5, traceMs: 0, moduleLoadMs: 30, samplerMs: 10, profilerMs: 0, reportWritingMs: 15, runCpuMs: 10_000};

  test('every part, and the whole as a share of the run\'s CPU', () => {
    expect(renderSummary(runOf(tests, files, {overhead}))).toContain(
      'Own cost: 40.0 ms in test environments (4.0 % of test time), 5.0 ms in the reporter, 30.0 ms loading the package, 10.0 ms in the RSS sampler thread, 15.0 ms writing reports: 100.0 ms in all, 1.0 % of the run\'s CPU (10.00 s)',
    );
  });

  test('what could not be read is said, not left out', () => {
    const line = renderSummary(runOf(tests, files, {overhead: {...overhead, samplerMs: null, runCpuMs: null}}));
    expect(line).toContain('in the RSS sampler thread not readable here');
    expect(line).toContain("90.0 ms in all; the run's CPU is not known (a worker sent no CPU figure)");
  });
});
