/**
 * SPEC section 5 through real Jest runs of the `checks` fixture: budgets, baselines and regressions, leak
 * detection, the run history in SQLite, and the shard merge.
 */
import {describe, expect, test} from '@jest/globals';
import {spawn} from 'child_process';
import {copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'fs';
import * as path from 'path';
import type * as BetterSqlite3 from 'better-sqlite3';
import {MIGRATIONS} from '../../src/history/SqliteHistoryDatabase';
import {MAJORS, runCli, runJest} from '../harness/runJest';
import type {JestRun} from '../harness/runJest';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the optional dependency, as the tests use it
const Database = require('better-sqlite3') as typeof BetterSqlite3;

const options = (value: object): Record<string, string> => ({FIXTURE_OPTIONS: JSON.stringify(value)});

const breachesOf = (run: JestRun): Array<{scope: string; test?: string; metric: string; value: number; limit: number; rule?: string}> => run.metrics().budgets!.breaches;

describe.each(MAJORS)('Jest %i', major => {
  describe('budgets', () => {
    test('breaches are reported in the summary and the JSON; the run fails only with failOn', async () => {
      const env = {...options({budgets: 'recommended', printSummary: true}), SLOW_MS: '150'};
      const plain = await runJest('checks', {major, args: ['src'], env, jestJson: true});
      expect(plain.exitCode).toBe(0);
      const breaches = breachesOf(plain);
      const where = breaches.map(breach => `${breach.scope} ${breach.test ?? ''} ${breach.metric}`);
      // `slowed` (150 ms) breaks the unit budget; the integration test (250 ms) is within its own 2 s.
      expect(where).toContain('test src/timing.unit.test.js::slowed duration');
      expect(where).toContain('test src/memory.unit.test.js::grows memory delta_mb');
      expect(where.filter(line => line.includes('big.int'))).toEqual([]);
      const slowed = breaches.find(breach => breach.test === 'src/timing.unit.test.js::slowed')!;
      expect(slowed).toMatchObject({rule: '**', rule_source: 'recommended: unit', limit: 0.1});
      expect(slowed.value).toBeGreaterThanOrEqual(0.15 - 0.005);
      expect(plain.metrics().budgets!.tests_checked).toBe(5);
      expect(plain.stderr).toMatch(/Budgets: \d+ breach(es)? \(5 tests checked\)/);
      expect(plain.stderr).toMatch(/src\/timing\.unit\.test\.js::slowed \(rule recommended: unit\): duration \d+\.\d ms > 100\.0 ms/);

      const failing = await runJest('checks', {major, args: ['src'], env: {...env, JEST_PERF_FAIL_ON: 'budget'}, jestJson: true});
      expect(failing.exitCode).toBe(1);
      // Jest's own results are untouched: every test passed; only the reporter's error fails the run.
      expect(failing.jestResult()).toMatchObject({numFailedTests: 0, numPassedTests: 5});
      expect(failing.stderr).toMatch(/jest-perf-monitor: failing the run \(failOn\): \d+ budget breach/);
    });

    test('per limit, the first rule that sets it wins; suite limits are checked against the whole run', async () => {
      const budgets = {
        // Generous limits for the files whose times a loaded machine could stretch: only the designed breaches remain.
        tests: [{match: 'src/{timing,memory}.*', maxDuration: 10}, {match: '**', maxDuration: 0.1, maxSetup: 5}],
        suite: {maxDuration: 0.001, maxPeakMemoryMb: 100000},
      };
      const run = await runJest('checks', {major, args: ['src'], env: {...options({budgets}), SLOW_MS: '150'}});
      expect(run.exitCode).toBe(0);
      const where = breachesOf(run).map(breach => `${breach.scope} ${breach.test ?? ''} ${breach.metric} ${breach.rule ?? ''}`);
      expect(where).toEqual(['test src/big.int.test.js::integration-sized duration **', 'suite  duration ']);
    });

    test('on GitHub, each finding is a warning annotation and the job summary has a section per check', async () => {
      const run = await runJest('checks', {
        major,
        args: ['src', 'leaks'],
        env: {...options({budgets: 'recommended', leaks: true}), SLOW_MS: '150', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: 'step-summary.md', GITHUB_WORKSPACE: ''},
      });
      expect(run.exitCode).toBe(0);
      const warnings = run.stderr.split('\n').filter(line => line.startsWith('::warning'));
      expect(warnings.filter(line => /^::warning file=src\/timing\.unit\.test\.js,title=Budget breached::src\/timing\.unit\.test\.js::slowed \(rule recommended: unit\): duration \d+\.\d ms > 100\.0 ms$/.test(line))).toHaveLength(1);
      expect(warnings.some(line => line.startsWith('::warning file=leaks/leaky.test.js,title=Retained heap keeps growing::leaks/leaky.test.js: +'))).toBe(true);
      expect(warnings).toHaveLength(breachesOf(run).length + 1);
      const summary = readFileSync(path.join(run.dir, 'step-summary.md'), 'utf8');
      expect(summary).toMatch(/### Budgets\n\n\d+ breach(es)? \(21 tests checked\)\.\n\n\| where \| rule \| breach \|/);
      expect(summary).toContain('| `src/timing.unit.test.js::slowed` | recommended: unit | duration ');
      expect(summary).toMatch(/### Leaks\n\n\| file \| retained heap \|\n\|---\|---\|\n\| `leaks\/leaky\.test\.js` \| \+\d/);
    });

    test('a bad budget fails fast with one line naming the option', async () => {
      const run = await runJest('checks', {major, args: ['src'], env: options({budgets: {tests: [{match: '**', maxDurationMs: 1}]}})});
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('jest-perf-monitor: option "budgets.tests[0]" has an unknown key "maxDurationMs"; allowed keys: match, maxDuration, maxSetup, maxMemoryDeltaMb, maxPeakMemoryMb');
      expect(run.stderr.match(/jest-perf-monitor:/g)).toHaveLength(1);
    });
  });

  describe('baselines and regressions', () => {
    test('a test made slower is flagged; jitter under the noise floor is not', async () => {
      // A floor of 0.1 s: a loaded CI machine can stretch a few-ms test by tens of ms between two runs.
      const env = {JEST_PERF_REGRESSION_MIN_CHANGE: '0.1', ...options({})};
      const before = await runJest('checks', {major, args: ['src/timing'], env: {...env, SLOW_MS: '20', JITTER_MS: '2', JEST_PERF_OUTPUT: 'baseline.json'}});
      expect(before.exitCode).toBe(0);
      const after = await runJest('checks', {
        major,
        args: ['src/timing'],
        env: {...env, SLOW_MS: '600', JITTER_MS: '14', JEST_PERF_BASELINE: 'baseline.json'},
        files: {'baseline.json': readFileSync(path.join(before.dir, 'baseline.json'), 'utf8')},
      });
      // Without failOn, a regression is reported, not fatal.
      expect(after.exitCode).toBe(0);
      const report = after.metrics().regressions!;
      expect(report).toMatchObject({baseline: path.join(after.dir, 'baseline.json'), threshold_percent: 20, min_change: 0.1, compared: 3, new: [], gone: []});
      expect(report.regressions.map(change => change.test)).toEqual(['src/timing.unit.test.js::slowed']);
      expect(report.regressions[0].baseline).toBeLessThan(0.2);
      expect(report.regressions[0].current).toBeGreaterThanOrEqual(0.6 - 0.005);
      // `jitter` grew by several times (2 → 14 ms asked), but by less than the 0.1 s floor, so it is not flagged.
      expect(after.test('::jitter').duration).toBeGreaterThan(before.test('::jitter', 'baseline.json').duration);
      expect(report.improvements).toEqual([]);
      expect(after.stderr).toMatch(/Compared with .*baseline\.json: 1 regression, 0 improvements, 0 new, 0 gone/);
      expect(after.stderr).toMatch(/src\/timing\.unit\.test\.js::slowed {2}\d+\.\d ms → \d+\.\d ms wall time \(\+\d+ %; [\d.]+x beyond the run's drift of 1\.00x; needed 1\.20x and 100\.0 ms\)/);

      // The CLI gives the same verdict, and --fail turns it into exit 1.
      const cli = await runCli(['compare', 'baseline.json', 'performance_metrics.json', '--min-change', '0.1', '--fail'], {cwd: after.dir});
      expect(cli.exitCode).toBe(1);
      expect(cli.stdout).toMatch(/^Compared with baseline\.json: 1 regression, 0 improvements, 0 new, 0 gone/);
      const relaxed = await runCli(['compare', 'baseline.json', '--min-change', '0.1', '--threshold', '100000', '--fail'], {cwd: after.dir});
      expect(relaxed.exitCode).toBe(0);
      expect(relaxed.stdout).toMatch(/^Compared with baseline\.json: 0 regressions/);

      // failOn: regression fails the run with the same finding.
      const failing = await runJest('checks', {
        major,
        args: ['src/timing'],
        env: {...env, SLOW_MS: '600', JEST_PERF_BASELINE: 'baseline.json', JEST_PERF_FAIL_ON: 'regression'},
        files: {'baseline.json': readFileSync(path.join(before.dir, 'baseline.json'), 'utf8')},
      });
      expect(failing.exitCode).toBe(1);
      expect(failing.stderr).toMatch(/failing the run \(failOn\): 1 regression/);
    });

    test('new and gone tests are listed; a missing baseline is a notice, not a failure', async () => {
      const before = await runJest('checks', {major, args: ['src/timing', 'src/big'], env: {...options({}), JEST_PERF_OUTPUT: 'baseline.json'}});
      const after = await runJest('checks', {
        major,
        args: ['src/timing', 'src/memory'],
        env: {...options({}), JEST_PERF_BASELINE: 'baseline.json'},
        files: {'baseline.json': readFileSync(path.join(before.dir, 'baseline.json'), 'utf8')},
      });
      expect(after.metrics().regressions).toMatchObject({new: ['src/memory.unit.test.js::grows memory'], gone: ['src/big.int.test.js::integration-sized']});

      const missing = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_BASELINE: 'nowhere.json'}});
      expect(missing.exitCode).toBe(0);
      expect(missing.stderr).toMatch(/jest-perf-monitor: baseline .*nowhere\.json does not exist; no comparison this run/);
      expect(missing.metrics().regressions).toBeUndefined();

      // failOn: regression in the config, the baseline only in CI: locally a notice, and the run goes on.
      const noBaseline = await runJest('checks', {major, args: ['src/timing'], env: options({failOn: ['regression']})});
      expect(noBaseline.exitCode).toBe(0);
      expect(noBaseline.stderr).toContain('jest-perf-monitor: failOn has "regression" but no baseline is set (option "baseline" or JEST_PERF_BASELINE); no regression check this run');
    });

    test('compare: bad input is one line and exit 2', async () => {
      const run = await runJest('checks', {major, args: ['src/timing'], env: options({})});
      writeFileSync(path.join(run.dir, 'broken.json'), '{"schema_version": 1, "tests": {"a": {}}}');
      const missing = await runCli(['compare', 'nope.json'], {cwd: run.dir});
      expect(missing).toMatchObject({exitCode: 2, stdout: ''});
      expect(missing.stderr).toBe('jest-perf-monitor: cannot read nope.json: no such file\n');
      const broken = await runCli(['compare', 'broken.json', 'performance_metrics.json'], {cwd: run.dir});
      expect(broken.exitCode).toBe(2);
      expect(broken.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(broken.stderr).toMatch(/^jest-perf-monitor: broken\.json: .*session/);
    });
  });

  describe('leak detection', () => {
    test('a file whose retained heap keeps growing is flagged; a clean one is not', async () => {
      const run = await runJest('checks', {major, args: ['leaks'], env: {...options({}), JEST_PERF_LEAKS: '1'}});
      expect(run.exitCode).toBe(0);
      const leaks = run.metrics().leaks!;
      expect(leaks.files_checked).toBe(2);
      expect(leaks.flagged.map(leak => leak.file)).toEqual(['leaks/leaky.test.js']);
      const [leaky] = leaks.flagged;
      expect(leaky.tests).toBe(8);
      // About 2 MB per test is kept (50,000 small objects); allow for V8's object layout.
      expect(leaky.growth_per_test_mb).toBeGreaterThan(1);
      expect(leaky.growth_per_test_mb).toBeLessThan(8);
      expect(leaky.growing_share).toBe(1);
      // Each test's retained heap is in its entry.
      const retained = Object.entries(run.metrics().tests)
        .filter(([id]) => id.startsWith('leaks/leaky'))
        .map(([, entry]) => entry.heap!.retained_mb!);
      expect(retained).toHaveLength(8);
      expect(retained[7] - retained[0]).toBeGreaterThan(7);
      expect(run.stderr).toMatch(/Leaks: 1 file whose retained heap keeps growing \(2 files checked\)\n {2}leaks\/leaky\.test\.js: \+\d+\.\d MiB per test over 8 tests/);
    });

    test('off by default: no forced GC, no retained figures; failOn: leak turns it on and fails the run', async () => {
      const off = await runJest('checks', {major, args: ['leaks'], env: options({})});
      expect(off.metrics().leaks).toBeUndefined();
      expect(Object.values(off.metrics().tests).every(entry => entry.heap?.retained_mb === undefined)).toBe(true);
      const failing = await runJest('checks', {major, args: ['leaks'], env: options({failOn: ['leak']}), jestJson: true});
      expect(failing.exitCode).toBe(1);
      expect(failing.jestResult()).toMatchObject({numFailedTests: 0});
      expect(failing.stderr).toMatch(/failing the run \(failOn\): 1 leaking file/);
    });
  });

  describe('history', () => {
    test('two runs into one database, then trend, flaky and slowest', async () => {
      const env = {...options({}), JEST_PERF_HISTORY: 'history/runs.db'};
      const first = await runJest('checks', {major, args: ['src/timing', 'flaky'], env: {...env, SLOW_MS: '20'}});
      expect(first.exitCode).toBe(0);
      const second = await runJest('checks', {
        major,
        args: ['src/timing', 'flaky'],
        env: {...env, SLOW_MS: '300', FLIP: '1'},
        files: {'history/runs.db': readFileSync(path.join(first.dir, 'history/runs.db')) as unknown as string},
      });
      expect(second.exitCode).toBe(1);
      const dir = second.dir;

      const db = new Database(path.join(dir, 'history/runs.db'), {readonly: true});
      const runs = db.prepare('SELECT * FROM runs ORDER BY id').all() as Array<Record<string, unknown>>;
      db.close();
      expect(runs).toHaveLength(2);
      expect(runs[1]).toMatchObject({node_version: process.versions.node, total: 6, passed: 5, failed: 1, skipped: 0});
      expect(runs[1].jest_version).toMatch(new RegExp(`^${major}\\.`));
      expect(runs[1].machine).toMatch(/^[0-9a-f]{12}$/);
      expect(runs[1].git_commit).toMatch(/^[0-9a-f]{40}$/);

      const trend = await runCli(['history', 'trend', '--db', 'history/runs.db', '--test', 'src/timing.unit.test.js::slowed'], {cwd: dir});
      expect(trend.exitCode).toBe(0);
      const rows = trend.stdout.trimEnd().split('\n');
      expect(rows[0]).toBe('src/timing.unit.test.js::slowed: 2 run(s)');
      expect(rows[1]).toMatch(/^ {2}run +started \(UTC\) +commit +branch +status +total +setup +call +teardown +memory Δ$/);
      expect(rows.slice(2).map(row => row.trim().split(/\s+/)[0])).toEqual(['1', '2']);
      expect(Number(/passed +(\d+\.\d) ms/.exec(rows[3])![1])).toBeGreaterThanOrEqual(300 - 5);

      const flaky = await runCli(['history', 'flaky', '--db', 'history/runs.db'], {cwd: dir});
      expect(flaky.exitCode).toBe(0);
      const flakyRows = flaky.stdout.trimEnd().split('\n').slice(2).map(row => row.trim().split(/\s{2,}/));
      expect(flakyRows).toEqual([
        ['flaky/flaky.test.js::flips', '2', '1', '1', '0'],
        ['flaky/flaky.test.js::retried', '2', '0', '0', '2'],
      ]);

      const slowest = await runCli(['history', 'slowest', '--db', 'history/runs.db', '--top', '1'], {cwd: dir});
      expect(slowest.exitCode).toBe(0);
      expect(slowest.stdout).toMatch(/^Largest rises in median wall time, newer half of each test's passing runs against the older half \(newest 20 runs\)\n.*\n {2}src\/timing\.unit\.test\.js::slowed +2 +\d+\.\d ms +\d+\.\d ms +\+\d+\.\d ms +\+\d+ %\n1 of these has fewer than 10 runs: a few runs against a few, which a busier machine alone can move\. For a verdict, use compare \(it allows for the run's drift and noise\)\.\n$/);

      const prune = await runCli(['history', 'prune', '--db', 'history/runs.db', '--keep', '1'], {cwd: dir});
      expect(prune).toMatchObject({exitCode: 0, stdout: 'Removed 1 run(s); 1 kept.\n'});
      const after = await runCli(['history', 'trend', '--db', 'history/runs.db', '--test', 'src/timing.unit.test.js::slowed'], {cwd: dir});
      expect(after.stdout.split('\n')[0]).toBe('src/timing.unit.test.js::slowed: 1 run(s)');
    });

    test('baseline: history compares with the median of recent runs', async () => {
      const env = {...options({}), JEST_PERF_HISTORY: 'runs.db', JEST_PERF_REGRESSION_MIN_CHANGE: '0.1'};
      const first = await runJest('checks', {major, args: ['src/timing'], env: {...env, SLOW_MS: '20'}});
      const second = await runJest('checks', {
        major,
        args: ['src/timing'],
        env: {...env, SLOW_MS: '600', JEST_PERF_BASELINE: 'history'},
        files: {'runs.db': readFileSync(path.join(first.dir, 'runs.db')) as unknown as string},
      });
      expect(second.metrics().regressions).toMatchObject({baseline: 'history', compared: 3});
      expect(second.metrics().regressions!.regressions.map(change => change.test)).toEqual(['src/timing.unit.test.js::slowed']);
    });

    test('three Jest runs into one database at once all land (the stress test below makes the writes overlap)', async () => {
      const env = {...options({}), JEST_PERF_HISTORY: '/tmp/unused'};
      const first = await runJest('checks', {major, args: ['src/timing'], env: options({})});
      const shared = path.join(first.dir, 'shared.db');
      const runs = await Promise.all([1, 2, 3].map(() => runJest('checks', {major, args: ['src', 'flaky'], env: {...env, JEST_PERF_HISTORY: shared}})));
      for (const run of runs) expect(run.stderr).not.toMatch(/history database/);
      const db = new Database(shared, {readonly: true});
      expect(db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({n: 3});
      expect(db.prepare('SELECT COUNT(*) AS n FROM test_results').get()).toEqual({n: 3 * 8});
      db.close();
    });

    test('a corrupt database is one clear notice and never fails the run; the CLI exits 2', async () => {
      const run = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_HISTORY: 'runs.db'}, files: {'runs.db': 'this is not a database\n'.repeat(200)}});
      expect(run.exitCode).toBe(0);
      expect(run.stderr).toMatch(/jest-perf-monitor: history database .*runs\.db is not a SQLite database, or is corrupt \(file is not a database\); move it away to start a new history; this run is not recorded/);
      expect(Object.keys(run.metrics().tests)).toHaveLength(3);
      const cli = await runCli(['history', 'flaky', '--db', 'runs.db'], {cwd: run.dir});
      expect(cli.exitCode).toBe(2);
      expect(cli.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(cli.stderr).toMatch(/^jest-perf-monitor: history database runs\.db is not a SQLite database, or is corrupt/);
      const none = await runCli(['history', 'trend', '--db', 'missing.db', '--test', 'x'], {cwd: run.dir});
      // With --db given, the line names that file alone (the hint about where the reporter writes is for a run without --db).
      expect(none).toMatchObject({exitCode: 2, stderr: 'jest-perf-monitor: history database missing.db does not exist\n'});
    });

    test('a database of the older schema is migrated, keeping its runs; a newer one is refused', async () => {
      const base = await runJest('checks', {major, args: ['src/timing'], env: options({})});
      const old = path.join(base.dir, 'old.db');
      const db = new Database(old);
      db.exec(MIGRATIONS[0]);
      db.pragma('application_id = 0x4a50524d');
      db.pragma('user_version = 1');
      db.prepare(
        "INSERT INTO runs (started_at, duration_ms, node_version, machine, total, passed, failed, skipped) VALUES ('2026-01-01T00:00:00.000Z', 1000, '20.0.0', 'abc', 1, 1, 0, 0)",
      ).run();
      db.prepare(
        "INSERT INTO test_results (run_id, test_id, file, status, attempts, duration_ms, setup_ms, call_ms, teardown_ms, rss_delta_bytes, rss_peak_bytes, heap_delta_bytes, cpu_percent) VALUES (1, 'old.test.js::kept', 'old.test.js', 'passed', 1, 5, 1, 3, 1, 4096, 8192, -2048, 50)",
      ).run();
      db.close();
      // Static mode: no per-test heap, stored as NULL (schema 4 allows it).
      const run = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_MODE: 'static', JEST_PERF_HISTORY: 'old.db'}, files: {'old.db': readFileSync(old) as unknown as string}});
      expect(run.stderr).not.toMatch(/history database/);
      const migrated = new Database(path.join(run.dir, 'old.db'), {readonly: true});
      expect(migrated.pragma('user_version', {simple: true})).toBe(MIGRATIONS.length);
      expect(migrated.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({n: 2});
      expect(migrated.prepare("SELECT heap_delta_bytes AS heap, rss_delta_bytes AS rss FROM test_results WHERE test_id = 'old.test.js::kept'").get()).toEqual({heap: -2048, rss: 4096});
      const fresh = migrated.prepare('SELECT heap_delta_bytes AS heap FROM test_results WHERE run_id = 2').all() as Array<{heap: number | null}>;
      expect(fresh).toHaveLength(3);
      expect(fresh.every(row => row.heap === null)).toBe(true);
      expect((migrated.prepare('SELECT COUNT(*) AS n FROM file_results').get() as {n: number}).n).toBe(1);
      migrated.close();

      const newer = path.join(run.dir, 'newer.db');
      copyFileSync(path.join(run.dir, 'old.db'), newer);
      const bump = new Database(newer);
      bump.pragma('user_version = 99');
      bump.close();
      const refused = await runCli(['history', 'flaky', '--db', 'newer.db'], {cwd: run.dir});
      expect(refused).toMatchObject({exitCode: 2, stderr: `jest-perf-monitor: history database newer.db has schema version 99, newer than this jest-perf-monitor reads (${MIGRATIONS.length}); upgrade jest-perf-monitor\n`});
    });
  });

  describe('shard merge', () => {
    test('the merge of two shards has the unsharded run\'s tests, with the summary recomputed', async () => {
      const args = ['src', 'flaky', 'leaks'];
      const whole = await runJest('checks', {major, args, env: options({})});
      const shards = await Promise.all(
        [1, 2].map(i => runJest('checks', {major, args: [...args, `--shard=${i}/2`], env: {...options({}), JEST_PERF_OUTPUT: `shard-${i}.json`}})),
      );
      const dir = whole.dir;
      for (const [i, shard] of shards.entries()) copyFileSync(path.join(shard.dir, `shard-${i + 1}.json`), path.join(dir, `shard-${i + 1}.json`));
      const cli = await runCli(['merge', 'shard-1.json', 'shard-2.json', '--output', 'merged.json'], {cwd: dir});
      expect(cli.exitCode).toBe(0);
      expect(cli.stderr).toMatch(/^jest-perf-monitor: merged 2 files, 24 tests, into merged\.json\n$/);

      const merged = whole.metrics('merged.json');
      const unsharded = whole.metrics();
      const one = whole.metrics('shard-1.json');
      const two = whole.metrics('shard-2.json');
      expect(Object.keys(one.tests).length).toBeGreaterThan(0);
      expect(Object.keys(two.tests).length).toBeGreaterThan(0);
      expect(Object.keys(merged.tests).sort()).toEqual(Object.keys(unsharded.tests).sort());
      expect(Object.keys(merged.files).sort()).toEqual(Object.keys(unsharded.files).sort());
      expect(merged.stats).toMatchObject({total_count: 24, passed_count: unsharded.stats.passed_count, failures_count: unsharded.stats.failures_count});
      expect(merged.session.total_tests).toBe(24);
      const durations = Object.values(merged.tests).filter(t => t.status === 'passed' || t.status === 'failed').map(t => t.duration);
      expect(merged.summary.total_duration).toBeCloseTo(durations.reduce((a, b) => a + b, 0), 4);
      expect(merged.summary.max_duration).toBe(Math.max(...durations));
      expect(merged.summary.min_duration).toBe(Math.min(...durations));
      const starts = [one, two].map(file => Date.parse(file.session.timestamp));
      expect(Date.parse(merged.session.timestamp)).toBe(Math.min(...starts));
      expect(merged.session.duration).toBeGreaterThanOrEqual(Math.max(one.session.duration, two.session.duration) - 1e-6);

      // The merged file is an ordinary metrics file.
      const summary = await runCli(['summary', 'merged.json'], {cwd: dir});
      expect(summary.exitCode).toBe(0);
      expect(summary.stdout).toMatch(/^jest-perf-monitor: 24 tests/);

      // A file given twice: each id once, the later run kept, and the user told.
      const twice = await runCli(['merge', 'shard-1.json', 'shard-1.json', '-o', 'twice.json'], {cwd: dir});
      expect(twice.exitCode).toBe(0);
      expect(twice.stderr).toMatch(/test id\(s\) were in more than one file; the later run of each was kept/);
      expect(Object.keys(whole.metrics('twice.json').tests)).toEqual(Object.keys(one.tests));

      // Another schema version: a clear error naming both files.
      const other = JSON.parse(readFileSync(path.join(dir, 'shard-2.json'), 'utf8')) as {schema_version: number};
      other.schema_version = 0;
      writeFileSync(path.join(dir, 'old.json'), JSON.stringify(other));
      const mismatch = await runCli(['merge', 'shard-1.json', 'old.json', '-o', 'bad.json'], {cwd: dir});
      expect(mismatch).toMatchObject({
        exitCode: 2,
        stderr: 'jest-perf-monitor: cannot merge files of different schema_version: shard-1.json (1), old.json (0); write them with one version of jest-perf-monitor\n',
      });
    });
  });
});

describe('history: many writers at once', () => {
  test('four processes appending 10 runs each lose nothing', async () => {
    const dir = path.join(__dirname, '..', '..', '.jest-installs', 'history-writers');
    mkdirSync(dir, {recursive: true});
    const file = path.join(dir, `writers-${process.pid}.db`);
    const script = `
      const {SqliteHistoryDatabase} = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'history', 'SqliteHistoryDatabase.js'))});
      const tests = Array.from({length: 2000}, (_, i) => ({id: 'f.test.js::t' + i, file: 'f.test.js', status: 'passed', attempts: 1, durationMs: i,
        setupMs: 0, callMs: i, teardownMs: 0, rssDeltaBytes: 0, rssPeakBytes: 0, heapDeltaBytes: 0, cpuPercent: null}));
      for (let run = 0; run < 10; run++) {
        const db = SqliteHistoryDatabase.open(process.argv[1]);
        db.appendRun({startedAtMs: Date.now(), durationMs: 1, gitCommit: null, gitBranch: null, ciProvider: null, nodeVersion: '20',
          jestVersion: null, machine: 'm', machineLabel: 'm', total: 2000, passed: 2000, failed: 0, skipped: 0}, tests, []);
        db.close();
      }`;
    const exits = await Promise.all(
      [1, 2, 3, 4].map(
        () =>
          new Promise<number | null>((resolve, reject) => {
            const child = spawn(process.execPath, ['-e', script, file], {stdio: ['ignore', 'ignore', 'inherit']});
            child.on('error', reject);
            child.on('close', resolve);
          }),
      ),
    );
    expect(exits).toEqual([0, 0, 0, 0]);
    const db = new Database(file, {readonly: true});
    expect(db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({n: 40});
    expect(db.prepare('SELECT COUNT(*) AS n FROM test_results').get()).toEqual({n: 40 * 2000});
    db.close();
    rmSync(dir, {recursive: true, force: true});
  });
});
