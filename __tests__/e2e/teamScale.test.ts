/**
 * Team scale: the run history in PostgreSQL (shared by every CI runner, shards stored as one run) and the run's
 * metrics pushed to a Prometheus Pushgateway. Real servers from Debian's packages (harness/servers.ts); nothing
 * is mocked.
 */
import {afterAll, beforeAll, describe, expect, test} from '@jest/globals';
import {spawn} from 'child_process';
import {mkdirSync, rmSync, writeFileSync} from 'fs';
import * as path from 'path';
import {Client as PgClient} from 'pg';
import {median, robustSpreadMs} from '../../src/analysis/compareDurations';
import type {HistoryRun, HistoryTestRow} from '../../src/history/historyRecords';
import {openHistory} from '../../src/history/HistoryStore';
import type {HistoryStore} from '../../src/history/HistoryStore';
import {MIGRATIONS} from '../../src/history/SqliteHistoryDatabase';
import {PG_MIGRATIONS} from '../../src/history/PostgresHistory';
import {openSqlite} from '../../src/history/sqliteDriver';
import {groupingSegment, pushUrl} from '../../src/reporter/pushToGateway';
import {MAJORS, runCli, runJest} from '../harness/runJest';
import type {JestRun} from '../harness/runJest';
import {freePort, startPostgres, startPushgateway} from '../harness/servers';
import type {PostgresServer, Pushgateway} from '../harness/servers';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS package without types
const parsePrometheus = require('parse-prometheus-text-format') as (text: string) => Array<{name: string; type: string; metrics: Array<{value: string; labels?: Record<string, string>}>}>;

const REPO = path.resolve(__dirname, '../..');
const SCRATCH = path.join(REPO, '.jest-installs', 'team-scale');
const options = (value: object): Record<string, string> => ({FIXTURE_OPTIONS: JSON.stringify(value)});
/** The notices of our reporter, one per line (not the summary's line, which starts the same way). */
const notices = (run: {stderr: string}): string[] =>
  run.stderr.split('\n').filter(line => line.startsWith('jest-perf-monitor: ') && !/^jest-perf-monitor: \d+ tests? \(/.test(line));

let postgres: PostgresServer;
let databases = 0;
/** A new, empty database on the server. */
async function newDatabase(): Promise<string> {
  const name = `history_${process.pid}_${++databases}`;
  await postgres.createDatabase(name);
  return postgres.url(name);
}

beforeAll(async () => {
  mkdirSync(SCRATCH, {recursive: true});
  postgres = await startPostgres();
}, 120_000);

afterAll(async () => {
  await postgres?.stop();
});

const run = (overrides: Partial<HistoryRun> = {}): HistoryRun => ({
  startedAtMs: Date.UTC(2026, 0, 1),
  durationMs: 1000,
  gitCommit: 'c0ffee',
  gitBranch: 'main',
  ciProvider: null,
  nodeVersion: '20.0.0',
  jestVersion: '30.0.0',
  machine: 'm1',
  machineLabel: 'linux-x64',
  total: 0,
  passed: 0,
  failed: 0,
  skipped: 0,
  ...overrides,
});

const testRow = (id: string, durationMs: number, status = 'passed', attempts = 1): HistoryTestRow => ({
  id,
  file: id.split('::')[0],
  status,
  attempts,
  durationMs,
  setupMs: 1,
  callMs: durationMs - 2,
  teardownMs: 1,
  rssDeltaBytes: 3 * 2 ** 32,
  rssPeakBytes: 2 ** 33,
  heapDeltaBytes: -1024,
  cpuPercent: null,
});

describe('one history, two back-ends', () => {
  test('the migrations have the same steps on both', () => {
    expect(PG_MIGRATIONS).toHaveLength(MIGRATIONS.length);
  });

  test('the migrated schemas are the same, column by column: names, types (mapped) and nullability', async () => {
    // Each back-end's own migrations, run by the store as a user's first run runs them.
    const sqliteFile = path.join(SCRATCH, `schema-${process.pid}.db`);
    rmSync(sqliteFile, {force: true});
    await (await openHistory(sqliteFile)).close();
    const pgUrl = await newDatabase();
    await (await openHistory(pgUrl)).close();

    // SQLite's declared types and PostgreSQL's, as one vocabulary.
    const sqliteType = (declared: string): string => ({INTEGER: 'integer', REAL: 'real', TEXT: 'text', BLOB: 'bytes'})[declared.toUpperCase()] ?? `sqlite ${declared}`;
    const pgType = (dataType: string): string =>
      ({integer: 'integer', bigint: 'integer', smallint: 'integer', 'double precision': 'real', real: 'real', numeric: 'real', text: 'text', 'character varying': 'text', bytea: 'bytes', boolean: 'integer'})[dataType] ??
      `postgres ${dataType}`;
    type Column = {table: string; column: string; type: string; nullable: boolean};
    const byName = (a: Column, b: Column): number => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`);

    const db = openSqlite(sqliteFile);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all().map(row => String(row.name));
    const sqliteColumns: Column[] = tables.flatMap(table =>
      db.prepare(`PRAGMA table_info(${table})`).all().map(row => ({table, column: String(row.name), type: sqliteType(String(row.type)), nullable: Number(row.notnull) === 0 && Number(row.pk) === 0})),
    );
    db.close();

    const client = new PgClient({connectionString: pgUrl});
    await client.connect();
    const pgRows = await client.query<{table_name: string; column_name: string; data_type: string; is_nullable: string}>(
      "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_version'",
    );
    await client.end();
    const pgColumns: Column[] = pgRows.rows.map(row => ({table: row.table_name, column: row.column_name, type: pgType(row.data_type), nullable: row.is_nullable === 'YES'}));

    expect(sqliteColumns.length).toBeGreaterThan(20);
    expect(pgColumns.sort(byName)).toEqual(sqliteColumns.sort(byName));
  });

  test('the same runs give the same answers from SQLite and PostgreSQL, and the SQL median and spread equal the JavaScript ones', async () => {
    const stores: HistoryStore[] = [await openHistory(path.join(SCRATCH, `same-${process.pid}.db`)), await openHistory(await newDatabase())];
    // 12 runs of 4 tests with irregular durations, two machines, two branches, a flaky test and a retried one.
    const durations = new Map<string, number[]>();
    for (let i = 0; i < 12; i++) {
      const rows = [
        testRow('a.test.js::steady', 10 + ((i * 7) % 5) + i / 8),
        // A static-mode run's test: no per-test heap (NULL since schema 4).
        {...testRow('a.test.js::growing', 5 * i + 0.25), heapDeltaBytes: null},
        testRow('b.test.js::flaky', 3 + (i % 3), i % 4 === 1 ? 'failed' : 'passed', i % 5 === 0 ? 2 : 1),
        testRow('b.test.js::once', 42),
      ].filter(row => row.id !== 'b.test.js::once' || i === 3);
      for (const store of stores) {
        await store.appendRun(run({machine: i % 3 === 0 ? 'm2' : 'm1', gitBranch: i % 2 === 0 ? 'main' : 'feature/x', startedAtMs: Date.UTC(2026, 0, 1 + i)}), rows, [
          {file: 'a.test.js', loadMs: 1.5, beforeAllMs: 0, afterAllMs: 0, heapGrowthBytes: 2 ** 40, leakGrowthPerTestBytes: null},
        ]);
      }
      for (const row of rows) if (row.status === 'passed') durations.set(row.id, [...(durations.get(row.id) ?? []), row.durationMs]);
    }
    const answers = await Promise.all(
      stores.map(async store => ({
        runs: await store.runCount(),
        passed: [...(await store.passedDurations({runs: 8}))],
        passedMain: [...(await store.passedDurations({runs: 4, branch: 'main'}))],
        outcomes: [...(await store.outcomes({runs: 20}))],
        trend: await store.trend('a.test.js::steady', {runs: 5, branch: 'feature/x'}),
        trendGrowing: await store.trend('a.test.js::growing', {runs: 2}),
        baseline: await store.baselineRows({medianOf: 10, spreadOf: 20, minSpreadRuns: 5}),
        baselineM1: await store.baselineRows({medianOf: 4, spreadOf: 6, minSpreadRuns: 5, machine: 'm1', branch: 'feature/x'}),
      })),
    );
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0].trend).toHaveLength(5);
    expect(answers[0].trend[0]).toMatchObject({rssDeltaBytes: 3 * 2 ** 32, heapDeltaBytes: -1024, cpuPercent: null, gitBranch: 'feature/x'});
    expect(answers[0].trendGrowing.map(row => row.heapDeltaBytes)).toEqual([null, null]);
    // The database's aggregation is the reporter's old one: each test's median of its newest 10, spread of newest 20.
    for (const row of answers[0].baseline) {
      const all = durations.get(row.testId)!;
      expect(row.medianMs).toBe(median(all.slice(-10)));
      expect(row.spreadMs).toBe(robustSpreadMs(all.slice(-20)));
    }
    expect(answers[0].baseline.map(row => row.testId)).toEqual(['a.test.js::growing', 'a.test.js::steady', 'b.test.js::flaky', 'b.test.js::once']);
    const pruned = await Promise.all(stores.map(async store => [await store.prune(3), await store.runCount(), [...(await store.passedDurations({runs: 20}))]]));
    expect(pruned[1]).toEqual(pruned[0]);
    expect(pruned[0].slice(0, 2)).toEqual([9, 3]);
    for (const store of stores) await store.close();
  });

  describe.each(MAJORS)('Jest %i', major => {
    test('two Jest runs into PostgreSQL give the answers the same runs give in SQLite: trend, flaky, slowest, prune, baseline: history', async () => {
      const url = await newDatabase();
      const cliRuns: Record<string, Array<{exitCode: number | null; stdout: string; stderr: string}>> = {};
      for (const [name, target] of [
        ['sqlite', 'history/runs.db'],
        ['postgres', url],
      ] as const) {
        const env = {...options({}), JEST_PERF_HISTORY: target, JEST_PERF_REGRESSION_MIN_CHANGE: '0.1'};
        const first = await runJest('checks', {major, args: ['src/timing', 'flaky'], env: {...env, SLOW_MS: '20'}});
        expect(notices(first)).toEqual([]);
        const second = await runJest('checks', {major, args: ['src/timing', 'flaky'], env: {...env, SLOW_MS: '400', FLIP: '1', JEST_PERF_BASELINE: 'history'}, inDir: first.dir});
        expect(second.exitCode).toBe(1);
        expect(notices(second)).toEqual([]);
        expect(second.metrics().regressions).toMatchObject({baseline: 'history'});
        expect(second.metrics().regressions!.regressions.map(change => change.test)).toEqual(['src/timing.unit.test.js::slowed']);
        const db = ['--db', target];
        cliRuns[name] = [
          await runCli(['history', 'trend', ...db, '--test', 'src/timing.unit.test.js::slowed'], {cwd: first.dir}),
          await runCli(['history', 'flaky', ...db], {cwd: first.dir}),
          await runCli(['history', 'slowest', ...db, '--top', '1'], {cwd: first.dir}),
          await runCli(['compare', 'performance_metrics.json', 'performance_metrics.json', ...db], {cwd: first.dir}),
          await runCli(['history', 'prune', ...db, '--keep', '1'], {cwd: first.dir}),
          await runCli(['history', 'trend', ...db, '--test', 'src/timing.unit.test.js::slowed'], {cwd: first.dir}),
        ];
      }
      // Times differ from run to run, and so do dates and ids' widths: everything else must be equal.
      const shape = (out: string): string => out.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, 'DATE').replace(/[+-]?\d+(\.\d+)? (ms|MiB|%)/g, 'N $2').replace(/ +/g, ' ')
        // The commit is the checkout's HEAD, read by each run: a commit made while the suite runs must not count.
        .replace(/ [0-9a-f]{8} main /g, ' COMMIT main ');
      for (const [index, sqlite] of cliRuns.sqlite.entries()) {
        const postgresRun = cliRuns.postgres[index];
        expect(postgresRun.exitCode).toBe(sqlite.exitCode);
        expect(sqlite.exitCode).toBe(0);
        expect(shape(postgresRun.stdout)).toBe(shape(sqlite.stdout));
      }
      expect(cliRuns.postgres[0].stdout.split('\n')[0]).toBe('src/timing.unit.test.js::slowed: 2 run(s)');
      expect(cliRuns.postgres[1].stdout).toMatch(/flaky\/flaky\.test\.js::flips +2 +1 +1 +0/);
      expect(cliRuns.postgres[2].stdout).toMatch(/src\/timing\.unit\.test\.js::slowed +2 /);
      expect(cliRuns.postgres[4].stdout).toBe('Removed 1 run(s); 1 kept.\n');
      expect(cliRuns.postgres[5].stdout.split('\n')[0]).toBe('src/timing.unit.test.js::slowed: 1 run(s)');
    });

    test('two --shard runs with one run id are one run made of shards, in PostgreSQL and in SQLite', async () => {
      const url = await newDatabase();
      for (const target of [url, 'shared.db']) {
        const env = {...options({}), JEST_PERF_HISTORY: target, JEST_PERF_RUN_ID: `build-${major}`};
        const first = await runJest('checks', {major, args: ['src', 'flaky', '--shard=1/2'], env});
        const second = await runJest('checks', {major, args: ['src', 'flaky', '--shard=2/2'], env, inDir: first.dir});
        expect(notices(first)).toEqual([]);
        expect(notices(second)).toEqual([]);
        const shardTests = Object.keys(first.metrics().tests).length;
        expect(shardTests).toBeGreaterThan(0);
        const db = ['--db', target];
        // Trends count the run once: every test of the suite has one run.
        const trend = await runCli(['history', 'trend', ...db, '--test', 'src/timing.unit.test.js::slowed'], {cwd: first.dir});
        expect(trend.stdout.split('\n')[0]).toBe('src/timing.unit.test.js::slowed: 1 run(s)');
        const flakyTrend = await runCli(['history', 'trend', ...db, '--test', 'flaky/flaky.test.js::stable'], {cwd: first.dir});
        expect(flakyTrend.stdout.split('\n')[0]).toBe('flaky/flaky.test.js::stable: 1 run(s)');
        const store = await openHistory(target.startsWith('postgres') ? target : path.join(first.dir, target), {mustExist: true});
        expect(await store.runCount()).toBe(1);
        const outcomes = await store.outcomes({runs: 10});
        expect(outcomes.size).toBe(8);
        await store.close();
      }
    });
  });

  test('8 Jest-sized writers at once into one empty database: all migrate once, nothing is lost, no deadlock', async () => {
    const url = await newDatabase();
    const script = `
      const {openHistory} = require(${JSON.stringify(path.join(REPO, 'dist', 'history', 'HistoryStore.js'))});
      const tests = Array.from({length: 1500}, (_, i) => ({id: 'f.test.js::t' + i, file: 'f.test.js', status: 'passed', attempts: 1, durationMs: i,
        setupMs: 0, callMs: i, teardownMs: 0, rssDeltaBytes: 0, rssPeakBytes: 0, heapDeltaBytes: 0, cpuPercent: null}));
      (async () => {
        for (let run = 0; run < 5; run++) {
          const db = await openHistory(process.argv[1]);
          await db.appendRun({startedAtMs: Date.now(), durationMs: 1, gitCommit: null, gitBranch: null, ciProvider: null, nodeVersion: '20',
            jestVersion: null, machine: 'm', machineLabel: 'm', total: 1500, passed: 1500, failed: 0, skipped: 0,
            runKey: process.argv[2] === 'shard' ? 'one-run' : null}, tests.map(t => ({...t, id: t.id + '-' + process.pid + '-' + run})), []);
          await db.close();
        }
      })().catch(error => { console.error(error); process.exit(1); });`;
    const writers = (target: string, mode: string): Promise<Array<number | null>> =>
      Promise.all(
        Array.from(
          {length: 8},
          () =>
            new Promise<number | null>((resolve, reject) => {
              const child = spawn(process.execPath, ['-e', script, target, mode], {stdio: ['ignore', 'ignore', 'inherit']});
              child.on('error', reject);
              child.on('close', resolve);
            }),
        ),
      );
    expect(await writers(url, 'plain')).toEqual(Array(8).fill(0));
    const db = await openHistory(url, {mustExist: true});
    expect(await db.runCount()).toBe(40);
    expect((await db.outcomes({runs: 40})).size).toBe(40 * 1500);
    await db.close();
    // Shards of one run, all at once: they meet on one run row.
    const sharded = await newDatabase();
    expect(await writers(sharded, 'shard')).toEqual(Array(8).fill(0));
    const one = await openHistory(sharded, {mustExist: true});
    expect(await one.runCount()).toBe(1);
    expect((await one.outcomes({runs: 1})).size).toBe(40 * 1500);
    await one.close();
  });

  test('two runs migrating an empty database at the same moment', async () => {
    const url = await newDatabase();
    const stores = await Promise.all([openHistory(url), openHistory(url), openHistory(url)]);
    await Promise.all(stores.map(store => store.appendRun(run(), [testRow('x.test.js::a', 1)], [])));
    expect(await stores[0].runCount()).toBe(3);
    await Promise.all(stores.map(store => store.close()));
  });
});

describe('PostgreSQL that cannot be used: one line naming the host, the tests unchanged', () => {
  const major = MAJORS[0];
  const expectUnchanged = (jest: JestRun): void => {
    expect(jest.exitCode).toBe(0);
    expect(Object.keys(jest.metrics().tests)).toHaveLength(3);
    expect(jest.stderr).not.toContain(postgres.password);
  };

  test('a server that is down', async () => {
    const port = await freePort();
    const startedAt = Date.now();
    const jest = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_HISTORY: `postgres://jpm:${postgres.password}@127.0.0.1:${port}/history`}});
    expectUnchanged(jest);
    expect(notices(jest)).toEqual([`jest-perf-monitor: history database postgres://jpm@127.0.0.1:${port}/history cannot be reached (ECONNREFUSED); this run is not recorded`]);
    expect(Date.now() - startedAt).toBeLessThan(60_000);
  });

  test('a server that does not answer: given up after the connect timeout', async () => {
    // A listening socket that never speaks: the connection opens, the startup reply never comes.
    const net = await import('net');
    const silent = net.createServer(() => {});
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const {port} = silent.address() as {port: number};
    try {
      const startedAt = Date.now();
      const jest = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_HISTORY: `postgres://jpm@127.0.0.1:${port}/history`}});
      expectUnchanged(jest);
      expect(notices(jest)).toEqual([`jest-perf-monitor: history database postgres://jpm@127.0.0.1:${port}/history cannot be reached (no answer within 5 s); this run is not recorded`]);
      expect(Date.now() - startedAt).toBeLessThan(60_000);
    } finally {
      silent.close();
    }
  });

  test('a wrong password (from PGPASSWORD) and a missing database', async () => {
    const url = await newDatabase();
    const wrong = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_HISTORY: postgres.url(url.split('/').pop()!, {password: null}), PGPASSWORD: 'not-the-password'}});
    expectUnchanged(wrong);
    expect(wrong.stderr).not.toContain('not-the-password');
    expect(notices(wrong)).toEqual([
      `jest-perf-monitor: history database postgres://jpm@127.0.0.1:${postgres.port}/${url.split('/').pop()} cannot be reached (password authentication failed for user "jpm"); this run is not recorded`,
    ]);
    const missing = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_HISTORY: postgres.url('no_such_db')}});
    expectUnchanged(missing);
    expect(notices(missing)).toEqual([`jest-perf-monitor: history database postgres://jpm@127.0.0.1:${postgres.port}/no_such_db cannot be reached (database "no_such_db" does not exist); this run is not recorded`]);
    // The password comes from PGPASSWORD when the URL has none.
    const right = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_HISTORY: postgres.url(url.split('/').pop()!, {password: null}), PGPASSWORD: postgres.password}});
    expect(notices(right)).toEqual([]);
    const cli = await runCli(['history', 'flaky', '--db', postgres.url('no_such_db')], {cwd: right.dir});
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toBe(`jest-perf-monitor: history database postgres://jpm@127.0.0.1:${postgres.port}/no_such_db cannot be reached (database "no_such_db" does not exist)\n`);
  });

  test('pg not installed: one line naming the package', async () => {
    // A preload that makes `pg` unresolvable, as on a machine where the optional dependency was not installed.
    // (Test-only, through NODE_OPTIONS: the product has no switch for this.)
    const hook = path.join(SCRATCH, 'no-pg.js');
    writeFileSync(
      hook,
      `const Module = require('module');
       const resolve = Module._resolveFilename;
       Module._resolveFilename = function (request, ...rest) {
         if (request === 'pg' || request.startsWith('pg/')) { const error = new Error("Cannot find module 'pg'"); error.code = 'MODULE_NOT_FOUND'; throw error; }
         return resolve.call(this, request, ...rest);
       };`,
    );
    const url = await newDatabase();
    const jest = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_HISTORY: url, NODE_OPTIONS: `--require ${hook}`}});
    expectUnchanged(jest);
    expect(notices(jest)).toEqual([
      `jest-perf-monitor: history database ${url.replace(`:${postgres.password}`, '')}: the optional dependency pg is not installed (Cannot find module 'pg'); install it with npm install pg; this run is not recorded`,
    ]);
  });
});

describe('Pushgateway', () => {
  let gateway: Pushgateway;
  beforeAll(async () => {
    gateway = await startPushgateway();
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
  });

  /** Our series in the gateway, as `name{labels}` strings, for one project. */
  async function pushedSeries(project: string): Promise<string[]> {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    return parsePrometheus(text)
      .filter(family => family.name.startsWith('jest_perf_'))
      .flatMap(family =>
        family.metrics
          .filter(metric => metric.labels?.job === 'jest-perf-monitor' && metric.labels.project === project)
          .map(metric => `${family.name}${JSON.stringify(metric.labels)}`),
      );
  }

  // 60 tests in one more file: over the default bound of 50.
  const many = `for (let i = 0; i < 60; i++) test('many ' + i, () => {});\n`;

  test('the run is pushed with the default bound; a re-run replaces its series; a dead gateway is one line', async () => {
    const major = MAJORS[0];
    const project = `team-scale-${process.pid}`;
    const env = {...options({}), JEST_PERF_PUSHGATEWAY: gateway.url, GITHUB_HEAD_REF: 'feature/push'};
    const files = {'package.json': JSON.stringify({name: project}), 'src/many.unit.test.js': many};
    const first = await runJest('checks', {major, args: ['src'], env, files});
    expect(first.exitCode).toBe(0);
    expect(notices(first)).toEqual([]);
    const series = await pushedSeries(project);
    const metrics = first.metrics();
    const fileCount = Object.keys(metrics.files).length;
    const perTest = series.filter(line => line.startsWith('jest_perf_test_'));
    const testsPushed = new Set(perTest.map(line => (JSON.parse(line.slice(line.indexOf('{'))) as {test: string}).test));
    expect(testsPushed.size).toBe(50);
    // 16 run series, 2 per file, and at most 9 per test (the CPU series only where CPU was sampled).
    expect(series.filter(line => line.startsWith('jest_perf_run_'))).toHaveLength(16);
    expect(series.filter(line => line.startsWith('jest_perf_file_'))).toHaveLength(2 * fileCount);
    expect(perTest.length).toBeGreaterThanOrEqual(8 * 50);
    expect(perTest.length).toBeLessThanOrEqual(9 * 50);
    expect(series.every(line => line.includes('"branch":"feature/push"'))).toBe(true);
    // The slowest tests: `slowed` and the integration test are among them.
    expect(testsPushed).toContain('src/timing.unit.test.js::slowed');

    // A re-run (PUT) replaces the group's series: with tests 'none', no per-test series is left.
    const second = await runJest('checks', {
      major,
      args: ['src'],
      env: {...env, JEST_PERF_PUSHGATEWAY: undefined, FIXTURE_OPTIONS: JSON.stringify({pushgateway: {url: gateway.url, tests: 'none'}})},
      inDir: first.dir,
    });
    expect(notices(second)).toEqual([]);
    const after = await pushedSeries(project);
    expect(after.filter(line => line.startsWith('jest_perf_test_'))).toEqual([]);
    expect(after.filter(line => line.startsWith('jest_perf_run_'))).toHaveLength(16);

    const deadPort = await freePort();
    const startedAt = Date.now();
    const dead = await runJest('checks', {major, args: ['src/timing'], env: {...env, JEST_PERF_PUSHGATEWAY: `http://127.0.0.1:${deadPort}`}, inDir: first.dir});
    expect(dead.exitCode).toBe(0);
    expect(notices(dead)).toEqual([`jest-perf-monitor: pushgateway http://127.0.0.1:${deadPort}: cannot push (ECONNREFUSED); the metrics of this run are not pushed`]);
    expect(Date.now() - startedAt).toBeLessThan(60_000);
  });

  test('a run of Jest projects is accepted: the file series name their project jest_project, not the grouping key\'s project', async () => {
    const {pushToGateway} = await import('../../src/reporter/pushToGateway');
    const {fileOf, runOf, testOf} = await import('../harness/syntheticRun');
    const project = `projects-${process.pid}`;
    const synthetic = runOf([testOf('a.test.js', ['t'], {}, 'web')], [fileOf('a.test.js', {}, 'web'), fileOf('a.test.js', {}, 'api')]);
    expect(await pushToGateway(synthetic, {url: gateway.url, tests: 'all'}, {project, branch: null})).toBeNull();
    const series = await pushedSeries(project);
    const loads = series.filter(line => line.startsWith('jest_perf_file_load_seconds'));
    expect(loads.map(line => (JSON.parse(line.slice(line.indexOf('{'))) as Record<string, string>).jest_project).sort()).toEqual(['api', 'web']);
    // No branch: the empty value, which Prometheus shows as no label.
    expect(series.every(line => ((JSON.parse(line.slice(line.indexOf('{'))) as Record<string, string>).branch ?? '') === '')).toBe(true);
    const refused = await pushToGateway(synthetic, {url: `${gateway.url}/nowhere`, tests: 'all'}, {project, branch: null});
    expect(refused).toMatch(new RegExp(`^pushgateway ${gateway.url}/nowhere: the push was refused \\(HTTP 404.*\\); the metrics of this run are not pushed$`));
  });

  test('grouping keys: values with a slash, and empty ones, use the base64 form', () => {
    expect(groupingSegment('branch', 'feature/x')).toBe(`branch@base64/${Buffer.from('feature/x').toString('base64url')}`);
    expect(groupingSegment('branch', '')).toBe('branch@base64/=');
    expect(pushUrl('http://gw:9091/', {project: '@scope/pkg', branch: 'main'})).toBe(
      `http://gw:9091/metrics/job/jest-perf-monitor/project@base64/${Buffer.from('@scope/pkg').toString('base64url')}/branch/main`,
    );
  });
});

describe('options', () => {
  test('pushgateway and a postgres history are validated like the others', async () => {
    const {resolveOptions} = await import('../../src/options/resolveOptions');
    const context = {rootDir: '/p', isCI: false, env: {}};
    expect(resolveOptions({history: 'postgres://u@h/db'}, context).history).toBe('postgres://u@h/db');
    expect(resolveOptions({history: 'runs.db'}, context).history).toBe('/p/runs.db');
    expect(resolveOptions({pushgateway: 'http://gw:9091'}, context).pushgateway).toEqual({url: 'http://gw:9091', tests: 'slowest'});
    expect(resolveOptions({}, {...context, env: {JEST_PERF_PUSHGATEWAY: ' '}}).pushgateway).toBeNull();
    expect(resolveOptions({}, {...context, env: {JEST_PERF_PUSHGATEWAY: 'http://gw:9091'}}).pushgateway).toEqual({url: 'http://gw:9091', tests: 'slowest'});
    expect(() => resolveOptions({pushgateway: {url: 'http://gw:9091', tests: 'some'}}, context)).toThrow(
      'jest-perf-monitor: option "pushgateway" got {"url":"http://gw:9091","tests":"some"}; allowed: a Pushgateway URL (http://host:9091), or {url, tests?: all | slowest | none}',
    );
    expect(() => resolveOptions({pushgateway: {url: 'http://gw:9091', every: 1}}, context)).toThrow('jest-perf-monitor: option "pushgateway" has an unknown key "every"; allowed keys: url, tests');
    expect(() => resolveOptions({}, {...context, env: {JEST_PERF_PUSHGATEWAY: 'gw:9091'}})).toThrow(/^jest-perf-monitor: JEST_PERF_PUSHGATEWAY="gw:9091" is not valid for option "pushgateway"/);
    expect(() => resolveOptions({history: 'postgres://'}, context)).toThrow(/^jest-perf-monitor: option "history" got "postgres:\/\/"; allowed: a SQLite file path, or a postgres/);
  });
});

describe('recipes (docs/recipes) parse, and use options, commands and metrics that exist', () => {
  const RECIPES = path.join(REPO, 'docs', 'recipes');

  test.each(['github-actions-sqlite-cache.yml', 'github-actions-main-baseline.yml', 'github-actions-sharded-postgres.yml'])('%s', async file => {
    const {parse} = await import('yaml');
    const {resolveOptions} = await import('../../src/options/resolveOptions');
    const {readFileSync} = await import('fs');
    const text = readFileSync(path.join(RECIPES, file), 'utf8');
    const workflow = parse(text, {strict: true, uniqueKeys: true}) as {on: unknown; jobs: Record<string, {'runs-on': string; env?: Record<string, string>; steps: Array<Record<string, unknown>>}>};
    expect(workflow.on).toBeDefined();
    const jobs = Object.values(workflow.jobs);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(job['runs-on']).toBe('ubuntu-latest');
      expect(job.steps.every(step => typeof step.uses === 'string' || typeof step.run === 'string')).toBe(true);
      // Every literal JEST_PERF_* value is one the reporter accepts (expressions are left to GitHub).
      const envs = [job.env ?? {}, ...job.steps.map(step => (step.env ?? {}) as Record<string, string>)];
      for (const env of envs) {
        const literal = Object.fromEntries(Object.entries(env).filter(([name, value]) => name.startsWith('JEST_PERF_') && !String(value).includes('${{')));
        expect(() => resolveOptions({}, {rootDir: '/p', isCI: true, env: {JEST_PERF_HISTORY: 'h.db', ...literal}})).not.toThrow();
      }
    }
    // Every jest-perf-monitor command the recipe runs exists (its --help exits 0).
    const commands = [...text.matchAll(/npx jest-perf-monitor ((?:history )?[a-z]+)/g)].map(match => match[1]);
    for (const command of new Set(commands)) {
      const help = await runCli([...command.split(' '), '--help'], {cwd: REPO});
      expect({command, exitCode: help.exitCode}).toEqual({command, exitCode: 0});
    }
  });

  test('grafana-pushgateway.promql: every query is balanced and names metrics the prometheus format writes', async () => {
    const {readFileSync} = await import('fs');
    const {renderPrometheus} = await import('../../src/formats/prometheus');
    const {renderToString} = await import('../../src/formats');
    const {fileOf, runOf, testOf} = await import('../harness/syntheticRun');
    const exposition = renderToString(renderPrometheus(runOf([testOf('a.test.js', ['t'], {cpuPercent: 50})], [fileOf('a.test.js')])));
    const families = new Set([...exposition.matchAll(/^# TYPE (\S+) gauge$/gm)].map(match => match[1]));
    const queries = readFileSync(path.join(RECIPES, 'grafana-pushgateway.promql'), 'utf8')
      .split('\n')
      .filter(line => line.trim() !== '' && !line.startsWith('#'));
    expect(queries.length).toBeGreaterThanOrEqual(5);
    for (const query of queries) {
      let depth = 0;
      for (const char of query.replace(/"[^"]*"/g, '""')) {
        if ('({['.includes(char)) depth++;
        if (')}]'.includes(char)) depth--;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect({query, depth}).toEqual({query, depth: 0});
      for (const [name] of query.matchAll(/\bjest_perf_[a-z_]+/g)) expect({query, name, known: families.has(name)}).toEqual({query, name, known: true});
    }
  });
});
