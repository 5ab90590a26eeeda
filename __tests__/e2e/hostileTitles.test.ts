/**
 * A title with a NUL byte, or of 5 KB, is stored losslessly in the PostgreSQL history as in SQLite (schema 5 keys
 * rows on a bounded `test_key` beside the full `test_id`); a database of schema 4 is migrated and its runs stay
 * readable. Real PostgreSQL (harness/servers.ts).
 */
import {afterAll, beforeAll, describe, expect, test} from '@jest/globals';
import {mkdtempSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import {MIGRATIONS} from '../../src/history/SqliteHistoryDatabase';
import {openHistory} from '../../src/history/HistoryStore';
import {testKey} from '../../src/history/historySql';
import {PG_MIGRATIONS} from '../../src/history/PostgresHistory';
import {MAJORS, runCli, runJest} from '../harness/runJest';
import {startPostgres} from '../harness/servers';
import type {PostgresServer} from '../harness/servers';

const major = MAJORS[0];
let postgres: PostgresServer;
let databases = 0;
async function newDatabase(): Promise<string> {
  const name = `titles_${process.pid}_${++databases}`;
  await postgres.createDatabase(name);
  return postgres.url(name);
}

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterAll(async () => {
  await postgres?.stop();
});

/** Our reporter's lines other than the summary's headline. */
const notices = (stderr: string): string[] => stderr.split('\n').filter(line => line.startsWith('jest-perf-monitor: ') && !/^jest-perf-monitor: \d+ tests? \(/.test(line));

describe('hostile titles in the history', () => {
  test('a NUL and a 5 KB title: every run recorded in PostgreSQL, with the same ids SQLite gives back', async () => {
    const url = await newDatabase();
    const sqlite = path.join(mkdtempSync(path.join(os.tmpdir(), 'jpm-titles-')), 'history.db');
    let dir: string | undefined;
    for (let i = 0; i < 2; i++) {
      for (const target of [url, sqlite]) {
        const run = await runJest('hostile-titles', {major, env: {JEST_PERF_HISTORY: target}, ...(dir === undefined ? {} : {inDir: dir})});
        dir = run.dir;
        expect(run.exitCode).toBe(0);
        expect(notices(run.stderr)).toEqual([]);
      }
    }
    const ids = Object.keys((await runJest('hostile-titles', {major, inDir: dir!})).metrics().tests).sort();
    expect(ids.some(id => id.includes('\u0000'))).toBe(true);
    expect(ids.some(id => Buffer.byteLength(id) > 5000)).toBe(true);
    const answers = [];
    for (const target of [url, sqlite]) {
      const store = await openHistory(target, {mustExist: true});
      try {
        const outcomes = await store.outcomes({runs: 10});
        const trend = await store.trend(ids.find(id => Buffer.byteLength(id) > 5000)!, {runs: 10});
        const nulTrend = await store.trend(ids.find(id => id.includes('\u0000'))!, {runs: 10});
        answers.push({runs: await store.runCount(), ids: [...outcomes.keys()].sort(), trend: trend.map(point => point.id), nulTrend: nulTrend.map(point => point.id)});
      } finally {
        await store.close();
      }
    }
    expect(answers[0]).toEqual({runs: 2, ids, trend: [ids.find(id => Buffer.byteLength(id) > 5000), ids.find(id => Buffer.byteLength(id) > 5000)], nulTrend: [ids.find(id => id.includes('\u0000')), ids.find(id => id.includes('\u0000'))]});
    expect(answers[1]).toEqual(answers[0]);
    // The CLI finds the long title by its id, on both.
    const longId = ids.find(id => Buffer.byteLength(id) > 5000)!;
    for (const target of [url, sqlite]) {
      const cli = await runCli(['history', 'trend', '--db', target, '--test', longId], {cwd: dir!});
      expect({target, exitCode: cli.exitCode, stderr: cli.stderr}).toEqual({target, exitCode: 0, stderr: ''});
    }
  });

  test('a PostgreSQL history of schema 4 is migrated; its runs stay readable beside new ones', async () => {
    expect(PG_MIGRATIONS).toHaveLength(MIGRATIONS.length);
    const url = await newDatabase();
    const {Client} = await import('pg');
    const client = new Client({connectionString: url});
    await client.connect();
    try {
      await client.query('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      for (const step of PG_MIGRATIONS.slice(0, 4)) await client.query(step);
      await client.query('INSERT INTO schema_version (version) VALUES (4)');
      const {rows} = await client.query<{id: number}>(
        "INSERT INTO runs (started_at, duration_ms, node_version, machine, total, passed, failed, skipped) VALUES ('2026-01-01T00:00:00.000Z', 1000, '20.0.0', 'm1', 1, 1, 0, 0) RETURNING id",
      );
      await client.query(
        "INSERT INTO test_results (run_id, test_id, file, status, attempts, duration_ms, setup_ms, call_ms, teardown_ms, rss_delta_bytes, rss_peak_bytes, heap_delta_bytes, cpu_percent) VALUES ($1, 'titles.test.js::an ordinary title', 'titles.test.js', 'passed', 1, 5, 1, 3, 1, 0, 0, 0, NULL)",
        [rows[0].id],
      );
    } finally {
      await client.end();
    }
    const run = await runJest('hostile-titles', {major, env: {JEST_PERF_HISTORY: url}});
    expect(notices(run.stderr)).toEqual([]);
    const store = await openHistory(url, {mustExist: true});
    try {
      const trend = await store.trend('titles.test.js::an ordinary title', {runs: 10});
      expect(trend.map(point => point.runId)).toHaveLength(2);
      expect(trend[0].durationMs).toBe(5);
      expect(await store.runCount()).toBe(2);
    } finally {
      await store.close();
    }
  });

  test('testKey: short ids are their own key; long ones and those with a NUL a bounded hash', () => {
    expect(testKey('a.test.js::adds')).toBe('a.test.js::adds');
    expect(testKey('a\u0000b')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(testKey('x'.repeat(5000))).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(testKey('x'.repeat(5000))).not.toBe(testKey('x'.repeat(5001)));
  });
});
