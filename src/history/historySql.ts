/**
 * The history's queries, written once for both back-ends (SQLite and PostgreSQL): `?` placeholders (numbered for
 * PostgreSQL by `numberPlaceholders`), window functions both support, and no function only one of them has.
 */
import {createHash} from 'crypto';

/** Test ids up to this many UTF-8 bytes are their own key; PostgreSQL's B-tree refuses index rows over 2704 bytes. */
export const MAX_KEY_BYTES = 512;

/**
 * A test's key in `test_results` (schema 5): bounded, so any title can be stored. The id itself when it is short
 * and has no NUL (so keys of existing rows are their ids), else `sha256:` and the hex digest of its UTF-8. The full
 * id is kept beside it, in `test_id`.
 */
export function testKey(id: string): string {
  if (!id.includes('\u0000') && Buffer.byteLength(id, 'utf8') <= MAX_KEY_BYTES) return id;
  return `sha256:${createHash('sha256').update(id, 'utf8').digest('hex')}`;
}

/** Which runs a query looks at. */
export interface RunWindow {
  /** The newest this many runs. */
  runs: number;
  /** Only runs of this branch. */
  branch?: string;
}

export function windowQuery(window: RunWindow): string {
  return window.branch === undefined ? 'SELECT id FROM runs ORDER BY id DESC LIMIT ?' : 'SELECT id FROM runs WHERE git_branch = ? ORDER BY id DESC LIMIT ?';
}

export function windowParams(window: RunWindow): Array<string | number> {
  return window.branch === undefined ? [window.runs] : [window.branch, window.runs];
}

export const PASSED_DURATIONS = (window: RunWindow): string =>
  `SELECT test_id, duration_ms FROM test_results
   WHERE status = 'passed' AND run_id IN (${windowQuery(window)})
   ORDER BY test_id, run_id`;

export const OUTCOMES = (window: RunWindow): string =>
  `SELECT test_id, status, attempts FROM test_results
   WHERE status IN ('passed', 'failed') AND run_id IN (${windowQuery(window)})
   ORDER BY test_id, run_id`;

export const TREND = (window: RunWindow): string =>
  `SELECT r.id AS "runId", r.started_at AS "startedAt", r.git_commit AS "gitCommit", r.git_branch AS "gitBranch",
          t.test_id AS id, t.file, t.status, t.attempts, t.duration_ms AS "durationMs", t.setup_ms AS "setupMs",
          t.call_ms AS "callMs", t.teardown_ms AS "teardownMs", t.rss_delta_bytes AS "rssDeltaBytes",
          t.rss_peak_bytes AS "rssPeakBytes", t.heap_delta_bytes AS "heapDeltaBytes", t.cpu_percent AS "cpuPercent"
   FROM test_results t JOIN runs r ON r.id = t.run_id
   WHERE t.test_key IN (?, ?) AND t.run_id IN (${windowQuery(window)})
   ORDER BY r.id`;

export const PRUNE = 'DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?)';

export const RUN_COUNT = 'SELECT COUNT(*) AS n FROM runs';

/**
 * A run row. With a run key (the shards of one CI run), the second and later shards find the row the first made
 * and join it: one run made of shards. Its totals are recounted from the stored tests after each shard
 * (`RECOUNT`), so a shard written twice does not count twice.
 */
export const INSERT_RUN = `INSERT INTO runs (started_at, duration_ms, git_commit, git_branch, ci_provider, node_version, jest_version, machine, machine_label, total, passed, failed, skipped, run_key)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (run_key) DO UPDATE SET
     shards = runs.shards + 1,
     started_at = CASE WHEN excluded.started_at < runs.started_at THEN excluded.started_at ELSE runs.started_at END,
     duration_ms = CASE WHEN excluded.duration_ms > runs.duration_ms THEN excluded.duration_ms ELSE runs.duration_ms END
   RETURNING id`;

export const TEST_COLUMNS = 'run_id, test_id, file, status, attempts, duration_ms, setup_ms, call_ms, teardown_ms, rss_delta_bytes, rss_peak_bytes, heap_delta_bytes, cpu_percent, test_key';
export const TEST_UPSERT = `ON CONFLICT (run_id, test_key) DO UPDATE SET test_id = excluded.test_id, file = excluded.file, status = excluded.status, attempts = excluded.attempts,
     duration_ms = excluded.duration_ms, setup_ms = excluded.setup_ms, call_ms = excluded.call_ms, teardown_ms = excluded.teardown_ms,
     rss_delta_bytes = excluded.rss_delta_bytes, rss_peak_bytes = excluded.rss_peak_bytes, heap_delta_bytes = excluded.heap_delta_bytes,
     cpu_percent = excluded.cpu_percent`;
export const FILE_COLUMNS = 'run_id, file, load_ms, before_all_ms, after_all_ms, heap_growth_bytes, leak_growth_per_test_bytes';
export const FILE_UPSERT = `ON CONFLICT (run_id, file) DO UPDATE SET load_ms = excluded.load_ms, before_all_ms = excluded.before_all_ms,
     after_all_ms = excluded.after_all_ms, heap_growth_bytes = excluded.heap_growth_bytes, leak_growth_per_test_bytes = excluded.leak_growth_per_test_bytes`;

export const RECOUNT = `UPDATE runs SET
     total = (SELECT COUNT(*) FROM test_results WHERE run_id = runs.id),
     passed = (SELECT COUNT(*) FROM test_results WHERE run_id = runs.id AND status = 'passed'),
     failed = (SELECT COUNT(*) FROM test_results WHERE run_id = runs.id AND status = 'failed'),
     skipped = (SELECT COUNT(*) FROM test_results WHERE run_id = runs.id AND status IN ('skipped', 'todo'))
   WHERE id = ?`;

/** One row per test: its median over the newest `medianOf` passing results, and its robust spread over `spreadOf`. */
export interface BaselineRow {
  testId: string;
  medianMs: number;
  /** 1.4826 × the median absolute deviation over the newest `spreadOf` results; null with fewer than `minSpreadRuns`. */
  spreadMs: number | null;
}

/**
 * The `history` baseline, aggregated in the database: one row per test rather than every test's last results.
 * Neither back-end has a median that both share (SQLite has none, PostgreSQL's is percentile_cont), so medians are
 * taken with window functions: the values at positions (n+1)/2 and (n+2)/2 of each test's sorted list (integer
 * division; one position when n is odd), averaged. The spread is the median of the distances to the median.
 * Parameters: the filters' values, then medianOf, spreadOf, minSpreadRuns (see `baselineStatement`).
 */
export function baselineQuery(filters: readonly string[]): string {
  const where = filters.map(filter => ` AND ${filter}`).join('');
  const medianOf = (source: string, value: string): string =>
    `SELECT test_id, ${value} AS v, ROW_NUMBER() OVER (PARTITION BY test_id ORDER BY ${value}) AS pos, COUNT(*) OVER (PARTITION BY test_id) AS n FROM ${source}`;
  return `WITH ranked AS (
       SELECT t.test_id, t.duration_ms, ROW_NUMBER() OVER (PARTITION BY t.test_id ORDER BY t.run_id DESC) AS recency
       FROM test_results t JOIN runs r ON r.id = t.run_id
       WHERE t.status = 'passed'${where}
     ),
     recent AS (SELECT test_id, duration_ms FROM ranked WHERE recency <= ?),
     spread_window AS (SELECT test_id, duration_ms FROM ranked WHERE recency <= ?),
     base AS (SELECT test_id, AVG(v) AS median_ms FROM (${medianOf('recent', 'duration_ms')}) s WHERE pos IN ((n + 1) / 2, (n + 2) / 2) GROUP BY test_id),
     center AS (SELECT test_id, AVG(v) AS center_ms, MAX(n) AS n FROM (${medianOf('spread_window', 'duration_ms')}) s WHERE pos IN ((n + 1) / 2, (n + 2) / 2) GROUP BY test_id),
     deviation AS (SELECT w.test_id, ABS(w.duration_ms - c.center_ms) AS d FROM spread_window w JOIN center c ON c.test_id = w.test_id),
     mad AS (SELECT test_id, AVG(v) AS mad_ms FROM (${medianOf('deviation', 'd')}) s WHERE pos IN ((n + 1) / 2, (n + 2) / 2) GROUP BY test_id)
   SELECT b.test_id AS "testId", CAST(b.median_ms AS DOUBLE PRECISION) AS "medianMs",
          CASE WHEN c.n >= ? THEN CAST(1.4826 * m.mad_ms AS DOUBLE PRECISION) ELSE NULL END AS "spreadMs"
   FROM base b JOIN center c ON c.test_id = b.test_id JOIN mad m ON m.test_id = b.test_id
   ORDER BY b.test_id`;
}

/** `?` → `$1`, `$2`, … (the queries above have no `?` inside a string literal). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Rows ordered by test id (then run), as one list per test. */
export function groupByTest<Row extends [string, ...unknown[]], T>(rows: readonly Row[], value: (row: Row) => T): Map<string, T[]> {
  const byTest = new Map<string, T[]>();
  for (const row of rows) {
    const list = byTest.get(row[0]);
    if (list) list.push(value(row));
    else byTest.set(row[0], [value(row)]);
  }
  return byTest;
}
