/**
 * The run history behind one interface, whichever database holds it: a SQLite file (the embedded default, one
 * machine) or a PostgreSQL server (CI runners that come and go, shards on many machines). The analysis code, the
 * reporter and the CLI see only this. It is asynchronous because a server is; the SQLite side answers at once.
 */
import type {BaselineQuery, HistoryFileRow, HistoryRun, HistoryTestRow, TrendPoint} from './historyRecords';
import type {BaselineRow, RunWindow} from './historySql';
import {isPostgresUrl} from '../options/historyTarget';

export interface HistoryStore {
  /** Names the database in messages: the file, or the server's URL without its password. */
  readonly label: string;
  /** Appends one run (or one shard of a run, see `HistoryRun.runKey`) in one transaction; returns its id. */
  appendRun(run: HistoryRun, tests: readonly HistoryTestRow[], files: readonly HistoryFileRow[]): Promise<number>;
  runCount(): Promise<number>;
  /** Per test, the durations of its passing runs within the window, oldest first. */
  passedDurations(window: RunWindow): Promise<Map<string, number[]>>;
  /** Per test, its median and spread over its newest passing results, aggregated by the database. */
  baselineRows(query: BaselineQuery): Promise<BaselineRow[]>;
  /** One test across the window's runs, oldest first. */
  trend(testId: string, window: RunWindow): Promise<TrendPoint[]>;
  /** Per test, its final statuses and attempt counts across the window's runs, oldest first. */
  outcomes(window: RunWindow): Promise<Map<string, Array<{status: string; attempts: number}>>>;
  /** Deletes all but the newest `keep` runs; returns how many went. */
  prune(keep: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens the history `target` names (creating it and bringing its schema up to date unless `mustExist`, as the CLI
 * asks). Throws a `HistoryError` naming the database (never a password) when it cannot be used.
 */
export async function openHistory(target: string, options: {mustExist?: boolean} = {}): Promise<HistoryStore> {
  if (isPostgresUrl(target)) {
    // Loaded here only: a SQLite user never loads pg, and a PostgreSQL user never loads better-sqlite3.
    const {PostgresHistory} = await import('./PostgresHistory');
    return PostgresHistory.open(target, options);
  }
  const {SqliteHistory} = await import('./SqliteHistory');
  return SqliteHistory.open(target, options);
}
