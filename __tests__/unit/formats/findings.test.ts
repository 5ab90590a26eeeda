/**
 * Verdicts that say what they mean (docs/checks.md): the drift line in every format, a regression's clock, drift and
 * margin, a budget breach's rule and where it came from, the CPU-heaviest list ranked by CPU time, and a file
 * written before drift existed still read.
 */
import {describe, expect, test} from '@jest/globals';
import {BudgetChecker} from '../../../src/analysis/BudgetChecker';
import {renderToString} from '../../../src/formats';
import {breachSubject, comparisonLines, describeChange, driftLines, runSlowdown} from '../../../src/formats/findings';
import {renderAnnotations} from '../../../src/formats/githubActions';
import {renderHtml} from '../../../src/formats/html';
import {renderMarkdown} from '../../../src/formats/markdown';
import {renderSummary} from '../../../src/formats/summary';
import {fromSchema} from '../../../src/model/fromSchema';
import {toSchema} from '../../../src/model/toSchema';
import type {RegressionReport, RunDrift} from '../../../src/model/types';
import {RECOMMENDED_BUDGETS} from '../../../src/options/types';
import {fileOf, runOf, testOf} from '../../harness/syntheticRun';

const drift = (overrides: Partial<RunDrift> = {}): RunDrift => ({
  overall: {factor: 1.28, tests: 140, spread: 0.1},
  cpu: {factor: 1.02, tests: 98, spread: 0.03},
  load: {factor: 1.31, tests: 98, spread: 0.05},
  wall: {factor: 1.01, tests: 40, spread: 0.08},
  wallNoiseMs: 12,
  cpuNoiseMs: 0,
  finding: null,
  ...overrides,
});

const report = (overrides: Partial<RegressionReport> = {}): RegressionReport => ({
  baseline: 'base.json',
  thresholdPercent: 20,
  minChangeMs: 10,
  compared: 140,
  drift: drift(),
  regressions: [{id: 'src/a.test.js::sorts', baselineMs: 100, currentMs: 306, changePercent: 206, noiseMs: 10, clock: 'cpu', driftFactor: 1.02, factorMargin: 1.2}],
  improvements: [],
  added: [],
  removed: [],
  ...overrides,
});

describe('regressions', () => {
  test('each regression states baseline, current, clock, drift and the margin it beat', () => {
    expect(describeChange(report().regressions[0])).toBe("100.0 ms → 306.0 ms CPU time (+206 %; 3.00x beyond the run's drift of 1.02x; needed 1.20x and 10.0 ms)");
  });

  test('the drift line says how much slower the run was, per clock; a run-level slowdown is its own finding', () => {
    expect(driftLines(drift())).toEqual([
      "Drift: this run was 1.28x slower than the baseline overall (wall time, median of 140 tests); CPU time of the CPU-bound tests 1.02x slower (median of 98 tests); load: a CPU millisecond took 1.31x the wall time it took in the baseline; wall time of the others beyond the load 1.01x slower (median of 40 tests); wall-clock noise 12.0 ms; each test is judged relative to its clock's drift",
    ]);
    const slower = drift({cpu: {factor: 1.5, tests: 98, spread: 0.03}, finding: {clock: 'cpu', direction: 'slower', factor: 1.5}});
    expect(driftLines(slower)[1]).toBe('Run-level finding: CPU time 1.50x slower than the baseline across the run: the code (or the CPU) got slower everywhere, not one test');
    expect(runSlowdown(report({drift: slower}))).toBe('run-level slowdown (CPU time 1.50x slower)');
    expect(runSlowdown(report())).toBeNull();
    expect(driftLines(drift({overall: null, cpu: null, load: null, wall: null}))[0]).toMatch(/^Drift: fewer than 5 tests .* each test is judged on its own change$/);
    expect(driftLines(null)).toEqual([]);
    expect(driftLines(drift({cpuNoiseMs: 14.25}))[0]).toContain('; wall-clock noise 12.0 ms; CPU-clock noise 14.3 ms; each test');
    // A history baseline: wall time only.
    expect(driftLines(drift({cpu: null, load: null, wallNoiseMs: 0}))[0]).toBe(
      "Drift: this run was 1.28x slower than the baseline overall (wall time, median of 140 tests); wall time of the tests judged on it 1.01x slower (median of 40 tests); each test is judged relative to its clock's drift",
    );
  });

  test('the summary, Markdown, the job summary\'s annotations and HTML all carry the drift line and the finding', () => {
    const slower = report({regressions: [], drift: drift({finding: {clock: 'cpu', direction: 'slower', factor: 1.5}})});
    const run = runOf([testOf('src/a.test.js', ['sorts'])], [fileOf('src/a.test.js')], {regressions: slower});
    const summary = renderSummary(run);
    expect(summary).toContain('  Drift: this run was 1.28x slower than the baseline overall');
    expect(summary).toContain('  Run-level finding: CPU time 1.50x slower than the baseline');
    const markdown = renderToString(renderMarkdown(run));
    expect(markdown).toContain('Drift: this run was 1.28x slower than the baseline overall');
    expect(markdown).toContain('**Run-level finding: CPU time 1.50x slower');
    const html = renderToString(renderHtml(run, {chartLibrary: ''}));
    expect(html).toContain('<p class="drift">Drift: this run was 1.28x slower than the baseline overall');
    expect(html).toContain('<p class="drift"><strong>Run-level finding: CPU time 1.50x slower');
    expect(renderAnnotations(run, {rootDir: '/p', workspace: '/p'})).toContain(
      '::warning title=Whole run off the baseline::Run-level finding: CPU time 1.50x slower than the baseline across the run: the code (or the CPU) got slower everywhere, not one test',
    );
    expect(comparisonLines(slower, 5)[1]).toMatch(/^ {2}Drift: /);
  });

  test('the JSON keeps clock, drift and margin; a file written before them reads as wall time, judged as measured', () => {
    const run = runOf([testOf('src/a.test.js', ['sorts'])], [fileOf('src/a.test.js')], {regressions: report()});
    const document = JSON.parse(JSON.stringify(toSchema(run)));
    expect(document.regressions.regressions[0]).toMatchObject({clock: 'cpu', drift: 1.02, margin: 1.2, baseline: 0.1, current: 0.306});
    expect(document.regressions.drift).toMatchObject({overall: {factor: 1.28, tests: 140}, load: {factor: 1.31}, wall_noise: 0.012, finding: null});
    expect(fromSchema(document).regressions).toEqual(report());

    // As an earlier version wrote it: no drift block, no clock, drift nor margin per change.
    delete document.regressions.drift;
    for (const key of ['clock', 'drift', 'margin']) delete document.regressions.regressions[0][key];
    const old = fromSchema(document).regressions!;
    expect(old.drift).toBeNull();
    expect(old.regressions[0]).toMatchObject({clock: 'wall', driftFactor: 1, factorMargin: 1.2});
    expect(comparisonLines(old, 5)).toHaveLength(3);
  });
});

describe('budget breaches name their rule and where it came from', () => {
  test('recommended rules by purpose, the user\'s by position and glob, the suite by its source', () => {
    const recommended = new BudgetChecker(RECOMMENDED_BUDGETS as Required<typeof RECOMMENDED_BUDGETS>);
    recommended.check(testOf('src/a.test.js', ['slow'], {durationMs: 300}));
    recommended.check(testOf('src/b.int.test.js', ['slower'], {durationMs: 3000}));
    const breaches = recommended.report({durationMs: 61_000}).breaches;
    expect(breaches.map(breachSubject)).toEqual([
      'src/a.test.js::slow (rule recommended: unit)',
      'src/b.int.test.js::slower (rule recommended: integration)',
      'the suite (rule recommended: suite)',
    ]);
    const own = new BudgetChecker({tests: [{match: 'src/**', maxDuration: 0.1}], suite: {maxDuration: 1}});
    own.check(testOf('src/a.test.js', ['slow'], {durationMs: 300}));
    expect(own.report({durationMs: 2000}).breaches.map(breachSubject)).toEqual(['src/a.test.js::slow (rule budgets.tests[0], match "src/**")', 'the suite (rule budgets.suite)']);
    // A file written before rules were named: its glob, quoted, never a bare `(**)`.
    expect(breachSubject({scope: 'test', test: 't', rule: '**', ruleSource: null, metric: 'duration', actualMs: 2, limitMs: 1})).toBe('t (rule match "**")');
  });
});

describe('lists that mean what their titles say', () => {
  test('CPU-heaviest ranks by CPU time (user + system), with the CPU % beside it; concurrent tests are left out', () => {
    const run = runOf(
      [
        testOf('src/a.test.js', ['short and hot'], {durationMs: 17, cpuUserMs: 24, cpuSystemMs: 0.3, cpuPercent: 143}),
        testOf('src/a.test.js', ['long burner'], {durationMs: 200, cpuUserMs: 180, cpuSystemMs: 15, cpuPercent: 97.5}),
        testOf('src/a.test.js', ['shared'], {durationMs: 900, cpuUserMs: 800, cpuSystemMs: 0, cpuPercent: 88.9, concurrent: true}),
      ],
      [fileOf('src/a.test.js')],
    );
    const lines = renderSummary(run).split('\n');
    const at = lines.findIndex(line => line.startsWith('CPU-heaviest tests'));
    expect(lines[at]).toBe('CPU-heaviest tests (CPU time = user + system)');
    expect(lines[at + 1]).toMatch(/^ {2}test +cpu time +user +system +cpu %$/);
    expect(lines[at + 2]).toMatch(/^ {2}src\/a\.test\.js::long burner +195\.0 ms +180\.0 ms +15\.0 ms +98 %$/);
    expect(lines[at + 3]).toMatch(/^ {2}src\/a\.test\.js::short and hot +24\.3 ms +24\.0 ms +0\.3 ms +143 %$/);
    expect(lines[at + 4]).not.toContain('shared');
  });
});
