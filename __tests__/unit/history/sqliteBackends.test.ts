import {describe, expect, jest, test} from '@jest/globals';
import {spawnSync} from 'child_process';
import {existsSync, mkdtempSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import type {HistoryFileRow, HistoryRun, HistoryTestRow} from '../../../src/history/historyRecords';
import {SqliteHistoryDatabase} from '../../../src/history/SqliteHistoryDatabase';
import {availableDriver, hasDriver} from '../../../src/history/sqliteDriver';
import type {SqliteDriverName} from '../../../src/history/sqliteDriver';

// The SQLite history on Node's built-in node:sqlite (Node >= 22.13) and on better-sqlite3 (Node 20): one schema,
// one file format, either driver reads what the other wrote (docs/checks.md, "History").

const REPO = path.resolve(__dirname, '../../..');
const [major, minor] = process.versions.node.split('.').map(Number);
const nodeHasSqlite = major > 22 || (major === 22 && minor >= 13);
const both = hasDriver('node:sqlite') && hasDriver('better-sqlite3');

const run = (startedAtMs: number): HistoryRun => ({
  startedAtMs,
  durationMs: 1234.5,
  gitCommit: 'abc123',
  gitBranch: 'main',
  ciProvider: null,
  nodeVersion: process.versions.node,
  jestVersion: '30.0.0',
  machine: 'm1',
  machineLabel: 'linux x64',
  total: 2,
  passed: 1,
  failed: 1,
  skipped: 0,
});
const tests: HistoryTestRow[] = [
  {id: 'src/a.test.js::adds', file: 'src/a.test.js', status: 'passed', attempts: 1, durationMs: 12.5, setupMs: 1, callMs: 10.5, teardownMs: 1, rssDeltaBytes: 1024, rssPeakBytes: 1 << 26, heapDeltaBytes: null, cpuPercent: 55.5},
  {id: 'src/a.test.js::fails, "quoted"', file: 'src/a.test.js', status: 'failed', attempts: 2, durationMs: 3, setupMs: 0.5, callMs: 2, teardownMs: 0.5, rssDeltaBytes: -2048, rssPeakBytes: 1 << 26, heapDeltaBytes: 4096, cpuPercent: null},
];
const files: HistoryFileRow[] = [{file: 'src/a.test.js', loadMs: 40, beforeAllMs: 0, afterAllMs: 1, heapGrowthBytes: 8192, leakGrowthPerTestBytes: null}];

function write(file: string, driver: SqliteDriverName, startedAtMs: number): void {
  const db = SqliteHistoryDatabase.open(file, {driver});
  expect(db.driver).toBe(driver);
  db.appendRun(run(startedAtMs), tests, files);
  db.close();
}

function read(file: string, driver: SqliteDriverName) {
  const db = SqliteHistoryDatabase.open(file, {driver, mustExist: true});
  try {
    const window = {runs: 20};
    return {
      runs: db.runCount(),
      trend: db.trend('src/a.test.js::fails, "quoted"', window).map(point => ({...point, runId: undefined})),
      durations: Object.fromEntries(db.passedDurations(window)),
      outcomes: Object.fromEntries(db.outcomes(window)),
      baseline: db.baselineRows({medianOf: 10, spreadOf: 20, minSpreadRuns: 5}),
    };
  } finally {
    db.close();
  }
}

describe('the driver a process uses', () => {
  test(`is node:sqlite from Node 22.13 on, better-sqlite3 before (this is Node ${process.versions.node})`, () => {
    expect(availableDriver()).toBe(nodeHasSqlite ? 'node:sqlite' : 'better-sqlite3');
  });

  test('with neither, opening says in one line what to install', () => {
    jest.isolateModules(() => {
      jest.doMock('node:sqlite', () => {
        throw Object.assign(new Error('No such built-in module: node:sqlite'), {code: 'ERR_UNKNOWN_BUILTIN_MODULE'});
      }, {virtual: true});
      jest.doMock('better-sqlite3', () => {
        throw new Error('Could not locate the bindings file. Tried:\n → /x/build/better_sqlite3.node');
      }, {virtual: true});
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy that sees the mocks
      const {SqliteHistoryDatabase: Fresh} = require('../../../src/history/SqliteHistoryDatabase') as {SqliteHistoryDatabase: typeof SqliteHistoryDatabase};
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'history-')), 'h.db');
      let message = '';
      try {
        Fresh.open(file);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toContain(`history database ${file}: SQLite is not available`);
      expect(message).toContain('use Node 22.13 or later, or install better-sqlite3 with its install script allowed (npm install better-sqlite3)');
      expect(message).toContain('Could not locate the bindings file');
    });
  });
});

// On Node 20 only better-sqlite3 exists; CI's Node 22 leg runs this file with both (.ci/run).
const reason = both ? '' : ` (skipped on Node ${process.versions.node}: it needs node:sqlite, Node 22.13 or later, and better-sqlite3 built for this Node)`;
(both ? describe : describe.skip)(`node:sqlite and better-sqlite3 share one file format${reason}`, () => {
  test.each([
    ['node:sqlite', 'better-sqlite3'],
    ['better-sqlite3', 'node:sqlite'],
  ] as Array<[SqliteDriverName, SqliteDriverName]>)('a database %s wrote, %s reads and appends to, and both read alike', (writer, reader) => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'history-')), 'h.db');
    write(file, writer, Date.UTC(2026, 0, 1));
    const byWriter = read(file, writer);
    expect(read(file, reader)).toEqual(byWriter);
    expect(byWriter.runs).toBe(1);
    expect(byWriter.trend).toEqual([expect.objectContaining({status: 'failed', attempts: 2, durationMs: 3, heapDeltaBytes: 4096, cpuPercent: null, gitBranch: 'main'})]);
    write(file, reader, Date.UTC(2026, 0, 2));
    const after = read(file, writer);
    expect(after.runs).toBe(2);
    expect(after).toEqual(read(file, reader));
  });

  test('the two drivers make the same schema', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'history-'));
    const schemas = (['node:sqlite', 'better-sqlite3'] as const).map(driver => {
      const file = path.join(dir, `${driver.replace(':', '-')}.db`);
      write(file, driver, Date.UTC(2026, 0, 1));
      const out = spawnSync(process.execPath, ['-e', `const {DatabaseSync} = require('node:sqlite'); const db = new DatabaseSync(${JSON.stringify(file)}); console.log(JSON.stringify([db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(), db.prepare('PRAGMA user_version').get(), db.prepare('PRAGMA application_id').get()]))`], {encoding: 'utf8'});
      return out.stdout;
    });
    expect(schemas[0]).not.toBe('');
    expect(schemas[0]).toBe(schemas[1]);
  });

  test("node:sqlite's ExperimentalWarning stays off the user's terminal", () => {
    const driver = path.join(REPO, 'dist', 'history', 'sqliteDriver.js');
    expect(existsSync(driver)).toBe(true);
    const out = spawnSync(process.execPath, ['-e', `const d = require(${JSON.stringify(driver)}).openSqlite(':memory:'); console.log(d.driver, JSON.stringify(d.prepare('select 1 as one').get()));`], {encoding: 'utf8'});
    expect(out.stdout.trim()).toBe('node:sqlite {"one":1}');
    expect(out.stderr).toBe('');
  });
});
