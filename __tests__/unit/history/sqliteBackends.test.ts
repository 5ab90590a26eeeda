import {describe, expect, jest, test} from '@jest/globals';
import {spawnSync} from 'child_process';
import {existsSync, mkdtempSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import type {HistoryFileRow, HistoryRun, HistoryTestRow} from '../../../src/history/historyRecords';
import type {SqliteHistoryDatabase} from '../../../src/history/SqliteHistoryDatabase';
import {availableDriver} from '../../../src/history/sqliteDriver';
import type {SqliteDriverName} from '../../../src/history/sqliteDriver';

// The SQLite history on Node's built-in node:sqlite (Node >= 22.13) and on better-sqlite3 (Node 20): one schema,
// one file format, either driver reads what the other wrote (docs/checks.md, "History").

const REPO = path.resolve(__dirname, '../../..');
const [major, minor] = process.versions.node.split('.').map(Number);
const nodeHasSqlite = major > 22 || (major === 22 && minor >= 13);

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

/**
 * A Node binary that has a driver, and the environment to run it with. CI's Node 22 and 24 legs have node:sqlite but
 * no better-sqlite3 (it is built for the machine's Node 20 only), so scripts/runNodeLegs.js names that Node 20 as a
 * peer (JEST_PERF_SQLITE_PEER_NODE, with NODE_PATH to the repo's node_modules, where its better-sqlite3 is).
 */
interface DriverHost {
  node: string;
  env: NodeJS.ProcessEnv;
}
const DIST = path.join(REPO, 'dist');
const CHILD = path.join(REPO, '__tests__', 'harness', 'sqliteHistoryChild.js');

function inChild<T>(host: DriverHost, request: Record<string, unknown>): T {
  const out = spawnSync(host.node, [CHILD, DIST, JSON.stringify(request)], {encoding: 'utf8', env: host.env});
  if (out.status !== 0) throw new Error(`${host.node} ${String(request.op)} failed (exit ${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout) as T;
}

function hostsOf(): Partial<Record<SqliteDriverName, DriverHost>> {
  const candidates: DriverHost[] = [{node: process.execPath, env: process.env}];
  const peerNode = process.env.JEST_PERF_SQLITE_PEER_NODE;
  if (peerNode && existsSync(peerNode) && existsSync(path.join(DIST, 'history', 'sqliteDriver.js'))) {
    candidates.push({node: peerNode, env: {...process.env, NODE_PATH: process.env.JEST_PERF_SQLITE_PEER_NODE_PATH ?? ''}});
  }
  const hosts: Partial<Record<SqliteDriverName, DriverHost>> = {};
  // The operations run in child processes, on the build (as CI has it after `npm run build`).
  if (!existsSync(path.join(DIST, 'history', 'SqliteHistoryDatabase.js'))) return hosts;
  for (const driver of ['node:sqlite', 'better-sqlite3'] as const) {
    hosts[driver] = candidates.find(host => inChild<boolean>(host, {op: 'has', driver}));
  }
  return hosts;
}

const hosts = hostsOf();
const both = hosts['node:sqlite'] !== undefined && hosts['better-sqlite3'] !== undefined;
const testId = 'src/a.test.js::fails, "quoted"';

function write(file: string, driver: SqliteDriverName, startedAtMs: number): void {
  expect(inChild(hosts[driver]!, {op: 'write', file, driver, run: run(startedAtMs), tests, files})).toEqual({driver});
}

function read(file: string, driver: SqliteDriverName): {runs: number; trend: unknown[]} {
  return inChild(hosts[driver]!, {op: 'read', file, driver, testId});
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

// On Node 20 only better-sqlite3 exists; CI's Node 22 and 24 legs run this file with node:sqlite in their own Node
// and better-sqlite3 in the machine's Node 20 (.ci/run).
const reason = both ? '' : ` (skipped on Node ${process.versions.node}: it needs node:sqlite (Node 22.13 or later) and better-sqlite3, in this Node or in JEST_PERF_SQLITE_PEER_NODE)`;
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
      return JSON.stringify(inChild(hosts['node:sqlite']!, {op: 'schema', file}));
    });
    expect(schemas[0]).toContain('CREATE TABLE');
    expect(schemas[0]).toBe(schemas[1]);
  });

  test("node:sqlite's ExperimentalWarning stays off the user's terminal", () => {
    const driver = path.join(REPO, 'dist', 'history', 'sqliteDriver.js');
    expect(existsSync(driver)).toBe(true);
    const out = spawnSync(hosts['node:sqlite']!.node, ['-e', `const d = require(${JSON.stringify(driver)}).openSqlite(':memory:'); console.log(d.driver, JSON.stringify(d.prepare('select 1 as one').get()));`], {encoding: 'utf8'});
    expect(out.stdout.trim()).toBe('node:sqlite {"one":1}');
    expect(out.stderr).toBe('');
  });
});
