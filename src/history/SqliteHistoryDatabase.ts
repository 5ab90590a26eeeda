/**
 * The SQLite store of the run history (docs/checks.md#history): one database file that every run appends to,
 * read by `baseline: 'history'` and the `history` commands.
 *
 * It runs on Node's built-in `node:sqlite` where Node has it (22.13 and later), else on the optional dependency
 * better-sqlite3 (see `sqliteDriver`); both read and write the same files. Loaded only when history is used; with
 * neither, history is off with one line saying what to install.
 *
 * Two runs may write at once (two CI jobs on one runner, `--shard` on one machine): the database is in WAL mode
 * with a busy timeout, and each run is appended in one IMMEDIATE transaction, so the second writer waits for the
 * first instead of failing.
 */
import * as fs from 'fs';
import * as path from 'path';
import {makeDirectories} from '../io/writeFileAtomic';
import {HistoryError, baselineStatement, fileParams, runParams, testParams} from './historyRecords';
import type {BaselineQuery, HistoryFileRow, HistoryRun, HistoryTestRow, TrendPoint} from './historyRecords';
import {FILE_COLUMNS, FILE_UPSERT, INSERT_RUN, OUTCOMES, PASSED_DURATIONS, PRUNE, RECOUNT, RUN_COUNT, TEST_COLUMNS, TEST_UPSERT, TREND, groupByTest, testKey, windowParams} from './historySql';
import type {BaselineRow, RunWindow} from './historySql';
import {openSqlite, SqliteUnavailableError} from './sqliteDriver';
import type {SqliteConnection, SqliteDriverName} from './sqliteDriver';

/** Marks a database as ours ('JPRM'), so a foreign SQLite file is refused rather than written into. */
const APPLICATION_ID = 0x4a50524d;
/** How long a writer waits for another one to finish. */
const BUSY_TIMEOUT_MS = 15_000;
/** How often opening is tried when SQLite reports busy without waiting. */
const OPEN_ATTEMPTS = 8;

/**
 * The schema, one step per version (`PRAGMA user_version` counts the steps applied). Steps are never edited once
 * released: a database of an older version is brought up to date by running the steps it lacks.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: runs and per-test figures.
  `CREATE TABLE runs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     started_at TEXT NOT NULL,
     duration_ms REAL NOT NULL,
     git_commit TEXT,
     git_branch TEXT,
     ci_provider TEXT,
     node_version TEXT NOT NULL,
     jest_version TEXT,
     machine TEXT NOT NULL,
     total INTEGER NOT NULL,
     passed INTEGER NOT NULL,
     failed INTEGER NOT NULL,
     skipped INTEGER NOT NULL
   );
   CREATE TABLE test_results (
     run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
     test_id TEXT NOT NULL,
     file TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     duration_ms REAL NOT NULL,
     setup_ms REAL NOT NULL,
     call_ms REAL NOT NULL,
     teardown_ms REAL NOT NULL,
     rss_delta_bytes INTEGER NOT NULL,
     rss_peak_bytes INTEGER NOT NULL,
     heap_delta_bytes INTEGER NOT NULL,
     cpu_percent REAL,
     PRIMARY KEY (run_id, test_id)
   ) WITHOUT ROWID;`,
  // 2: a readable machine description beside the fingerprint, per-file figures, and an index for per-test reads.
  `ALTER TABLE runs ADD COLUMN machine_label TEXT;
   CREATE TABLE file_results (
     run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
     file TEXT NOT NULL,
     load_ms REAL NOT NULL,
     before_all_ms REAL NOT NULL,
     after_all_ms REAL NOT NULL,
     heap_growth_bytes INTEGER NOT NULL,
     leak_growth_per_test_bytes REAL,
     PRIMARY KEY (run_id, file)
   ) WITHOUT ROWID;
   CREATE INDEX test_results_by_test ON test_results (test_id, run_id);`,
  // 3: the shards of one CI run share a run key and are stored as one run.
  `ALTER TABLE runs ADD COLUMN run_key TEXT;
   ALTER TABLE runs ADD COLUMN shards INTEGER NOT NULL DEFAULT 1;
   CREATE UNIQUE INDEX runs_by_key ON runs (run_key);`,
  // 4: heap_delta_bytes may be NULL (a static-mode run reads the heap per file only). SQLite cannot drop a NOT NULL
  // in place: the table is rebuilt, its columns in the same order.
  `CREATE TABLE test_results_v4 (
     run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
     test_id TEXT NOT NULL,
     file TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     duration_ms REAL NOT NULL,
     setup_ms REAL NOT NULL,
     call_ms REAL NOT NULL,
     teardown_ms REAL NOT NULL,
     rss_delta_bytes INTEGER NOT NULL,
     rss_peak_bytes INTEGER NOT NULL,
     heap_delta_bytes INTEGER,
     cpu_percent REAL,
     PRIMARY KEY (run_id, test_id)
   ) WITHOUT ROWID;
   INSERT INTO test_results_v4 SELECT * FROM test_results;
   DROP TABLE test_results;
   ALTER TABLE test_results_v4 RENAME TO test_results;
   CREATE INDEX test_results_by_test ON test_results (test_id, run_id);`,
  // 5: rows are keyed on `test_key`, a bounded key beside the full id (see historySql.testKey): any title can be
  // stored on PostgreSQL, whose index rows are bounded. Existing rows keep their id as their key.
  `CREATE TABLE test_results_v5 (
     run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
     test_id TEXT NOT NULL,
     file TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     duration_ms REAL NOT NULL,
     setup_ms REAL NOT NULL,
     call_ms REAL NOT NULL,
     teardown_ms REAL NOT NULL,
     rss_delta_bytes INTEGER NOT NULL,
     rss_peak_bytes INTEGER NOT NULL,
     heap_delta_bytes INTEGER,
     cpu_percent REAL,
     test_key TEXT NOT NULL,
     PRIMARY KEY (run_id, test_key)
   ) WITHOUT ROWID;
   INSERT INTO test_results_v5 SELECT *, test_id FROM test_results;
   DROP TABLE test_results;
   ALTER TABLE test_results_v5 RENAME TO test_results;
   CREATE INDEX test_results_by_test ON test_results (test_key, run_id);`,
];

export type {RunWindow};

function describeOpenError(error: unknown, file: string): HistoryError {
  if (error instanceof HistoryError) return error;
  const code = (error as {code?: string}).code;
  const what = code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' ? 'is not a SQLite database, or is corrupt' : 'cannot be used';
  return new HistoryError(`history database ${file} ${what} (${firstLine(error)}); move it away to start a new history`);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

export class SqliteHistoryDatabase {
  private constructor(
    private readonly db: SqliteConnection,
    readonly file: string,
  ) {}

  /** Which driver opened it: `node:sqlite` or `better-sqlite3`. */
  get driver(): SqliteDriverName {
    return this.db.driver;
  }

  /**
   * Opens (and, unless `mustExist`, creates) the database and brings its schema up to date. Throws a
   * `HistoryError` naming the file when it is not a SQLite database, belongs to something else, or was written by
   * a newer jest-perf-monitor.
   */
  static open(file: string, {mustExist = false, driver}: {mustExist?: boolean; driver?: SqliteDriverName} = {}): SqliteHistoryDatabase {
    // The CLI only reads (and prunes): it opens existing databases, and leaves their schema as it found it, so a
    // newer CLI on a laptop never upgrades a database that an older CI still writes to.
    if (mustExist && !fs.existsSync(file)) throw new HistoryError(`history database ${file} does not exist`);
    // One level at a time: Node's recursive mkdir spins forever under /proc (io/writeFileAtomic).
    if (!mustExist) makeDirectories(path.dirname(file));
    let db: SqliteConnection;
    try {
      db = openSqlite(file, driver);
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    } catch (error) {
      if (error instanceof SqliteUnavailableError) throw new HistoryError(`history database ${file}: ${error.message}`);
      throw new HistoryError(`history database ${file} cannot be opened: ${firstLine(error)}`);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        // Ours before anything is written: a foreign file must be left exactly as it was.
        const version = checkOwnership(db, file);
        db.exec('PRAGMA journal_mode = WAL');
        db.exec('PRAGMA foreign_keys = ON');
        if (!mustExist) migrate(db, file);
        else if (version === 0) throw new HistoryError(`history database ${file} is empty: no run was recorded yet`);
        break;
      } catch (error) {
        const code = (error as {code?: string}).code;
        // SQLite skips the busy handler where waiting could deadlock (switching a new file to WAL while another
        // process does the same, WAL recovery): that is a moment to wait out, not an error to report.
        if (code?.startsWith('SQLITE_BUSY') && attempt < OPEN_ATTEMPTS) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 * attempt + Math.random() * 30);
          continue;
        }
        db.close();
        throw describeOpenError(error, file);
      }
    }
    return new SqliteHistoryDatabase(db, file);
  }

  close(): void {
    this.db.close();
  }

  /** Appends one run (or one shard of a run), all or nothing; returns its id. */
  appendRun(run: HistoryRun, tests: readonly HistoryTestRow[], files: readonly HistoryFileRow[]): number {
    const insertRun = this.db.prepare(INSERT_RUN);
    const insertTest = this.db.prepare(`INSERT INTO test_results (${TEST_COLUMNS}) VALUES (${TEST_COLUMNS.split(',').map(() => '?').join(', ')}) ${TEST_UPSERT}`);
    const insertFile = this.db.prepare(`INSERT INTO file_results (${FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ${FILE_UPSERT}`);
    const recount = this.db.prepare(RECOUNT);
    return this.db.immediate((): number => {
      const runId = Number(insertRun.get(...runParams(run))!.id);
      for (const t of tests) insertTest.run(...testParams(runId, t));
      for (const f of files) insertFile.run(...fileParams(runId, f));
      if (run.runKey) recount.run(runId);
      return runId;
    });
  }

  /** How many runs the database holds. */
  runCount(): number {
    const row = this.db.prepare(RUN_COUNT).get();
    return row === undefined ? 0 : Number(Object.values(row)[0] ?? 0);
  }

  /** Per test, the durations of its passing runs within the window, oldest first. */
  passedDurations(window: RunWindow): Map<string, number[]> {
    const rows = columns(this.db.prepare(PASSED_DURATIONS(window)).all(...windowParams(window))) as Array<[string, number]>;
    return groupByTest(rows, ([, durationMs]) => durationMs);
  }

  /** One test across the window's runs, oldest first. */
  trend(testId: string, window: RunWindow): TrendPoint[] {
    return this.db.prepare(TREND(window)).all(testKey(testId), testId, ...windowParams(window)) as unknown as TrendPoint[];
  }

  /** Per test, its final statuses and attempt counts across the window's runs, oldest first. */
  outcomes(window: RunWindow): Map<string, Array<{status: string; attempts: number}>> {
    const rows = columns(this.db.prepare(OUTCOMES(window)).all(...windowParams(window))) as Array<[string, string, number]>;
    return groupByTest(rows, ([, status, attempts]) => ({status, attempts}));
  }

  /** The `history` baseline in one query, one row per test (see `baselineQuery`). */
  baselineRows(query: BaselineQuery): BaselineRow[] {
    const {sql, params} = baselineStatement(query);
    return this.db.prepare(sql).all(...params) as unknown as BaselineRow[];
  }

  /** Deletes all but the newest `keep` runs (their test and file rows go with them); returns how many went. */
  prune(keep: number): number {
    const removed = this.db.immediate(() => this.db.prepare(PRUNE).run(keep).changes);
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return removed;
  }
}

/**
 * Says whether the file is ours and which schema version it has. Ours: `application_id` is ours, or the file is new
 * (no tables, version 0). A file with tables but no id, or with another id, belongs to something else.
 */
function checkOwnership(db: SqliteConnection, file: string): number {
  // One statement, so one snapshot: read one by one, another process's migration could commit between the reads
  // (version 0 and no id, then its tables), and a new database would look like someone else's.
  const {version, applicationId, tables} = db
    .prepare(
      `SELECT (SELECT user_version FROM pragma_user_version()) AS version,
              (SELECT application_id FROM pragma_application_id()) AS applicationId,
              (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table') AS tables`,
    )
    .get() as unknown as {version: number; applicationId: number; tables: number};
  const ours = applicationId === APPLICATION_ID || (applicationId === 0 && version === 0 && tables === 0);
  if (!ours) throw new HistoryError(`history database ${file} is a SQLite database of another application; give history a path of its own`);
  if (version > MIGRATIONS.length) {
    throw new HistoryError(`history database ${file} has schema version ${version}, newer than this jest-perf-monitor reads (${MIGRATIONS.length}); upgrade jest-perf-monitor`);
  }
  return version;
}

/** Brings the schema up to date in one IMMEDIATE transaction, so two processes opening at once migrate once. */
function migrate(db: SqliteConnection, file: string): void {
  if (Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0) === MIGRATIONS.length) return;
  db.immediate(() => {
    // Read again under the write lock: another process may have migrated meanwhile.
    const version = checkOwnership(db, file);
    for (let step = version; step < MIGRATIONS.length; step++) db.exec(MIGRATIONS[step]);
    db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
  });
}

/** Rows as arrays in column order (the grouping helpers read them so). */
function columns(rows: ReadonlyArray<Record<string, unknown>>): unknown[][] {
  return rows.map(row => Object.values(row));
}


