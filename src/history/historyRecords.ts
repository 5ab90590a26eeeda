/**
 * The history's records and parameters, the same for both stores (the SQLite file, see `SqliteHistoryDatabase`, and
 * the PostgreSQL server, see `PostgresHistory`).
 */
import {baselineQuery, testKey} from './historySql';
import type {RunWindow} from './historySql';

export type {RunWindow};

/** Why the history cannot be used. The message names the database file. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

/** The run record. */
export interface HistoryRun {
  startedAtMs: number;
  durationMs: number;
  gitCommit: string | null;
  gitBranch: string | null;
  /** ci-info's name of the CI service, null off CI. */
  ciProvider: string | null;
  nodeVersion: string;
  jestVersion: string | null;
  /** A hash of what makes timings comparable: OS, architecture, CPU model and count, memory. */
  machine: string;
  /** The same facts, readable. */
  machineLabel: string;
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /**
   * Set when the run is a shard (`--shard`): shards with one key (`JEST_PERF_RUN_ID`, else the CI's run id) are
   * stored as one run. Null or absent: a run of its own.
   */
  runKey?: string | null;
}

/** One test's figures in one run (its final attempt). */
export interface HistoryTestRow {
  id: string;
  file: string;
  status: string;
  attempts: number;
  durationMs: number;
  setupMs: number;
  callMs: number;
  teardownMs: number;
  rssDeltaBytes: number;
  rssPeakBytes: number;
  /** Null for a test of a static-mode run, which reads the heap per file only. */
  heapDeltaBytes: number | null;
  cpuPercent: number | null;
}

/** One file's figures in one run. */
export interface HistoryFileRow {
  file: string;
  loadMs: number;
  beforeAllMs: number;
  afterAllMs: number;
  heapGrowthBytes: number;
  /** The retained-heap slope when leak detection ran, else null. */
  leakGrowthPerTestBytes: number | null;
}

/** A test in one run, as `history trend` shows it. */
export interface TrendPoint extends HistoryTestRow {
  runId: number;
  startedAt: string;
  gitCommit: string | null;
  gitBranch: string | null;
}

/** What the `history` baseline reads: each test's newest results, of a branch and a machine when given. */
export interface BaselineQuery {
  medianOf: number;
  spreadOf: number;
  minSpreadRuns: number;
  branch?: string;
  machine?: string;
}

export function baselineStatement({medianOf, spreadOf, minSpreadRuns, branch, machine}: BaselineQuery): {sql: string; params: Array<string | number>} {
  const filters: string[] = [];
  const params: Array<string | number> = [];
  if (branch !== undefined) {
    filters.push('r.git_branch = ?');
    params.push(branch);
  }
  if (machine !== undefined) {
    filters.push('r.machine = ?');
    params.push(machine);
  }
  return {sql: baselineQuery(filters), params: [...params, medianOf, spreadOf, minSpreadRuns]};
}

export function runParams(run: HistoryRun): Array<string | number | null> {
  return [
    new Date(run.startedAtMs).toISOString(),
    run.durationMs,
    run.gitCommit,
    run.gitBranch,
    run.ciProvider,
    run.nodeVersion,
    run.jestVersion,
    run.machine,
    run.machineLabel,
    run.total,
    run.passed,
    run.failed,
    run.skipped,
    run.runKey || null,
  ];
}

/** A row of TEST_COLUMNS. `storedId` is the id as the back-end stores it (PostgreSQL's text cannot hold a NUL). */
export function testParams(runId: number, t: HistoryTestRow, storedId: string = t.id): Array<string | number | null> {
  return [runId, storedId, t.file, t.status, t.attempts, t.durationMs, t.setupMs, t.callMs, t.teardownMs, t.rssDeltaBytes, t.rssPeakBytes, t.heapDeltaBytes, t.cpuPercent, testKey(t.id)];
}

export function fileParams(runId: number, f: HistoryFileRow): Array<string | number | null> {
  return [runId, f.file, f.loadMs, f.beforeAllMs, f.afterAllMs, f.heapGrowthBytes, f.leakGrowthPerTestBytes];
}
