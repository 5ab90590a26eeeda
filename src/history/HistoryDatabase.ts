/**
 * The run history (SPEC section 5): one SQLite database that every run appends to, read by `baseline: 'history'`
 * and the `history` commands.
 *
 * better-sqlite3 is an optional dependency: it is a native module, and a user whose machine cannot build it must
 * still be able to install this package. It is loaded only when history is used; without it, history is off with
 * one line saying why.
 *
 * Two runs may write at once (two CI jobs on one runner, `--shard` on one machine): the database is in WAL mode
 * with a busy timeout, and each run is appended in one IMMEDIATE transaction, so the second writer waits for the
 * first instead of failing.
 */
import type * as BetterSqlite3 from 'better-sqlite3';
import * as fs from 'fs';
import * as path from 'path';

/** Why the history cannot be used. The message names the database file. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

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
];

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
  heapDeltaBytes: number;
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

/** Which runs a query looks at. */
export interface RunWindow {
  /** The newest this many runs. */
  runs: number;
  /** Only runs of this branch. */
  branch?: string;
}

type Sqlite = typeof BetterSqlite3;
let sqlite: Sqlite | undefined;

function loadSqlite(file: string): Sqlite {
  if (sqlite) return sqlite;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, loaded only when history is used
    sqlite = require('better-sqlite3') as Sqlite;
    return sqlite;
  } catch (error) {
    throw new HistoryError(
      `history database ${file}: the optional dependency better-sqlite3 is not installed or did not build (${firstLine(error)}); install it with npm install better-sqlite3`,
    );
  }
}

function describeOpenError(error: unknown, file: string): HistoryError {
  if (error instanceof HistoryError) return error;
  const code = (error as {code?: string}).code;
  const what = code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' ? 'is not a SQLite database, or is corrupt' : 'cannot be used';
  return new HistoryError(`history database ${file} ${what} (${firstLine(error)}); move it away to start a new history`);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

export class HistoryDatabase {
  private constructor(
    private readonly db: BetterSqlite3.Database,
    readonly file: string,
  ) {}

  /**
   * Opens (and, unless `mustExist`, creates) the database and brings its schema up to date. Throws a
   * `HistoryError` naming the file when it is not a SQLite database, belongs to something else, or was written by
   * a newer jest-perf-monitor.
   */
  static open(file: string, {mustExist = false}: {mustExist?: boolean} = {}): HistoryDatabase {
    // The CLI only reads (and prunes): it opens existing databases, and leaves their schema as it found it, so a
    // newer CLI on a laptop never upgrades a database that an older CI still writes to.
    const Database = loadSqlite(file);
    if (mustExist && !fs.existsSync(file)) throw new HistoryError(`history database ${file} does not exist`);
    if (!mustExist) fs.mkdirSync(path.dirname(file), {recursive: true});
    let db: BetterSqlite3.Database;
    try {
      db = new Database(file, {timeout: BUSY_TIMEOUT_MS});
    } catch (error) {
      throw new HistoryError(`history database ${file} cannot be opened: ${firstLine(error)}`);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        // Ours before anything is written: a foreign file must be left exactly as it was.
        const version = checkOwnership(db, file);
        db.pragma('journal_mode = WAL');
        db.pragma('foreign_keys = ON');
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
    return new HistoryDatabase(db, file);
  }

  close(): void {
    this.db.close();
  }

  /** Appends one run, all or nothing; returns its id. */
  appendRun(run: HistoryRun, tests: readonly HistoryTestRow[], files: readonly HistoryFileRow[]): number {
    const insertRun = this.db.prepare(
      `INSERT INTO runs (started_at, duration_ms, git_commit, git_branch, ci_provider, node_version, jest_version, machine, machine_label, total, passed, failed, skipped)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertTest = this.db.prepare(
      `INSERT OR REPLACE INTO test_results (run_id, test_id, file, status, attempts, duration_ms, setup_ms, call_ms, teardown_ms, rss_delta_bytes, rss_peak_bytes, heap_delta_bytes, cpu_percent)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertFile = this.db.prepare(
      `INSERT OR REPLACE INTO file_results (run_id, file, load_ms, before_all_ms, after_all_ms, heap_growth_bytes, leak_growth_per_test_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const append = this.db.transaction((): number => {
      const runId = Number(
        insertRun.run(
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
        ).lastInsertRowid,
      );
      for (const t of tests) {
        insertTest.run(runId, t.id, t.file, t.status, t.attempts, t.durationMs, t.setupMs, t.callMs, t.teardownMs, t.rssDeltaBytes, t.rssPeakBytes, t.heapDeltaBytes, t.cpuPercent);
      }
      for (const f of files) insertFile.run(runId, f.file, f.loadMs, f.beforeAllMs, f.afterAllMs, f.heapGrowthBytes, f.leakGrowthPerTestBytes);
      return runId;
    });
    return append.immediate();
  }

  /** How many runs the database holds. */
  runCount(): number {
    return (this.db.prepare('SELECT COUNT(*) FROM runs').pluck().get() as number) ?? 0;
  }

  /** Per test, the durations of its passing runs within the window, oldest first. */
  passedDurations(window: RunWindow): Map<string, number[]> {
    const rows = this.db
      .prepare(
        `SELECT test_id, duration_ms FROM test_results
         WHERE status = 'passed' AND run_id IN (${windowQuery(window)})
         ORDER BY test_id, run_id`,
      )
      .raw()
      .all(...windowParams(window)) as Array<[string, number]>;
    return groupByTest(rows, ([, durationMs]) => durationMs);
  }

  /**
   * Per test, the durations of its newest `perTest` passing results (oldest first), counted per test rather than
   * per run, so runs of a subset of the suite (`-t`, a path pattern, a shard) do not push other tests out. Runs on
   * `machine` only, when it has any; else every machine's.
   */
  recentPassedDurations(perTest: number, {branch, machine}: {branch?: string; machine?: string} = {}): Map<string, number[]> {
    const query = (onMachine: boolean): Array<[string, number]> => {
      const filters = [branch === undefined ? null : 'r.git_branch = ?', onMachine ? 'r.machine = ?' : null].filter(Boolean);
      const params = [branch, onMachine ? machine : undefined].filter((value): value is string => value !== undefined);
      return this.db
        .prepare(
          `SELECT test_id, duration_ms FROM (
             SELECT t.test_id, t.duration_ms, t.run_id, ROW_NUMBER() OVER (PARTITION BY t.test_id ORDER BY t.run_id DESC) AS recency
             FROM test_results t JOIN runs r ON r.id = t.run_id
             WHERE t.status = 'passed'${filters.map(filter => ` AND ${filter}`).join('')}
           ) WHERE recency <= ? ORDER BY test_id, run_id`,
        )
        .raw()
        .all(...params, perTest) as Array<[string, number]>;
    };
    let rows = machine === undefined ? query(false) : query(true);
    if (rows.length === 0 && machine !== undefined) rows = query(false);
    return groupByTest(rows, ([, durationMs]) => durationMs);
  }

  /** One test's newest `count` passing durations (for the noise floor of the few tests a comparison flags). */
  testPassedDurations(testId: string, count: number): number[] {
    return this.db
      .prepare("SELECT duration_ms FROM test_results WHERE test_id = ? AND status = 'passed' ORDER BY run_id DESC LIMIT ?")
      .pluck()
      .all(testId, count) as number[];
  }

  /** One test across the window's runs, oldest first. */
  trend(testId: string, window: RunWindow): TrendPoint[] {
    const rows = this.db
      .prepare(
        `SELECT r.id AS runId, r.started_at AS startedAt, r.git_commit AS gitCommit, r.git_branch AS gitBranch,
                t.test_id AS id, t.file, t.status, t.attempts, t.duration_ms AS durationMs, t.setup_ms AS setupMs,
                t.call_ms AS callMs, t.teardown_ms AS teardownMs, t.rss_delta_bytes AS rssDeltaBytes,
                t.rss_peak_bytes AS rssPeakBytes, t.heap_delta_bytes AS heapDeltaBytes, t.cpu_percent AS cpuPercent
         FROM test_results t JOIN runs r ON r.id = t.run_id
         WHERE t.test_id = ? AND t.run_id IN (${windowQuery(window)})
         ORDER BY r.id`,
      )
      .all(testId, ...windowParams(window)) as TrendPoint[];
    return rows;
  }

  /** Per test, its final statuses and attempt counts across the window's runs, oldest first. */
  outcomes(window: RunWindow): Map<string, Array<{status: string; attempts: number}>> {
    const rows = this.db
      .prepare(
        `SELECT test_id, status, attempts FROM test_results
         WHERE status IN ('passed', 'failed') AND run_id IN (${windowQuery(window)})
         ORDER BY test_id, run_id`,
      )
      .raw()
      .all(...windowParams(window)) as Array<[string, string, number]>;
    return groupByTest(rows, ([, status, attempts]) => ({status, attempts}));
  }

  /** Deletes all but the newest `keep` runs (their test and file rows go with them); returns how many went. */
  prune(keep: number): number {
    const removed = this.db
      .transaction(() => this.db.prepare('DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?)').run(keep).changes)
      .immediate();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return removed;
  }
}

/** Rows ordered by test id (then run), as one list per test. */
function groupByTest<Row extends [string, ...unknown[]], T>(rows: readonly Row[], value: (row: Row) => T): Map<string, T[]> {
  const byTest = new Map<string, T[]>();
  for (const row of rows) {
    const list = byTest.get(row[0]);
    if (list) list.push(value(row));
    else byTest.set(row[0], [value(row)]);
  }
  return byTest;
}

function windowQuery(window: RunWindow): string {
  return window.branch === undefined ? 'SELECT id FROM runs ORDER BY id DESC LIMIT ?' : 'SELECT id FROM runs WHERE git_branch = ? ORDER BY id DESC LIMIT ?';
}

function windowParams(window: RunWindow): Array<string | number> {
  return window.branch === undefined ? [window.runs] : [window.branch, window.runs];
}

/**
 * Says whether the file is ours and which schema version it has. Ours: `application_id` is ours, or the file is new
 * (no tables, version 0). A file with tables but no id, or with another id, belongs to something else.
 */
function checkOwnership(db: BetterSqlite3.Database, file: string): number {
  // One statement, so one snapshot: read one by one, another process's migration could commit between the reads
  // (version 0 and no id, then its tables), and a new database would look like someone else's.
  const {version, applicationId, tables} = db
    .prepare(
      `SELECT (SELECT user_version FROM pragma_user_version()) AS version,
              (SELECT application_id FROM pragma_application_id()) AS applicationId,
              (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table') AS tables`,
    )
    .get() as {version: number; applicationId: number; tables: number};
  const ours = applicationId === APPLICATION_ID || (applicationId === 0 && version === 0 && tables === 0);
  if (!ours) throw new HistoryError(`history database ${file} is a SQLite database of another application; give history a path of its own`);
  if (version > MIGRATIONS.length) {
    throw new HistoryError(`history database ${file} has schema version ${version}, newer than this jest-perf-monitor reads (${MIGRATIONS.length}); upgrade jest-perf-monitor`);
  }
  return version;
}

/** Brings the schema up to date in one IMMEDIATE transaction, so two processes opening at once migrate once. */
function migrate(db: BetterSqlite3.Database, file: string): void {
  if ((db.pragma('user_version', {simple: true}) as number) === MIGRATIONS.length) return;
  db.transaction(() => {
    // Read again under the write lock: another process may have migrated meanwhile.
    const version = checkOwnership(db, file);
    for (let step = version; step < MIGRATIONS.length; step++) db.exec(MIGRATIONS[step]);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
