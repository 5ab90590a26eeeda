/**
 * SQLite without a native build where Node can do without one: Node's built-in `node:sqlite` (Node 22.13 and
 * later), else the optional dependency better-sqlite3 (Node 20). Package managers are turning install scripts off by
 * default (pnpm 10 skips them, npm 11 warns), and better-sqlite3 without its script fails with "Could not locate the
 * bindings file". Both drivers open the same files with the same SQL: the history's schema and queries do not
 * depend on which one wrote a database.
 *
 * Only what the history needs: prepared statements (positional parameters, rows as plain objects), `exec`, and an
 * IMMEDIATE transaction.
 */
import type * as BetterSqlite3 from 'better-sqlite3';

export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';
export type SqliteValue = string | number | null;

export interface SqliteStatement {
  run(...params: SqliteValue[]): {changes: number};
  get(...params: SqliteValue[]): Record<string, unknown> | undefined;
  all(...params: SqliteValue[]): Array<Record<string, unknown>>;
}

export interface SqliteConnection {
  readonly driver: SqliteDriverName;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  /** Runs `body` in a `BEGIN IMMEDIATE` transaction: committed when it returns, rolled back when it throws. */
  immediate<T>(body: () => T): T;
  close(): void;
}

/** Neither driver could be loaded; the message is the one line the user sees, saying what to install. */
export class SqliteUnavailableError extends Error {
  override readonly name = 'SqliteUnavailableError';
}

/** `node:sqlite`'s module, as far as the history uses it. */
interface NodeSqlite {
  DatabaseSync: new (file: string) => {
    prepare(sql: string): {
      run(...params: SqliteValue[]): {changes: number | bigint};
      get(...params: SqliteValue[]): Record<string, unknown> | undefined;
      all(...params: SqliteValue[]): Array<Record<string, unknown>>;
    };
    exec(sql: string): void;
    close(): void;
    readonly isTransaction?: boolean;
  };
}

const loaded: Partial<Record<SqliteDriverName, NodeSqlite | typeof BetterSqlite3 | Error>> = {};

/**
 * Loads `node:sqlite` with its ExperimentalWarning kept off the user's terminal: Node prints it once per process
 * on the module's first load, and our use of the module is not the user's business.
 */
function loadNodeSqlite(): NodeSqlite {
  const original = process.emitWarning;
  process.emitWarning = function emitWarning(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as {type?: string} | undefined)?.type;
    if (/sqlite/i.test(text) && (type === 'ExperimentalWarning' || (warning as Error).name === 'ExperimentalWarning')) return;
    (original as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- built in from Node 22.13; absent on Node 20
    return require('node:sqlite') as NodeSqlite;
  } finally {
    process.emitWarning = original;
  }
}

function load(driver: SqliteDriverName): NodeSqlite | typeof BetterSqlite3 | Error {
  if (loaded[driver] === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, loaded only when history is used
      loaded[driver] = driver === 'node:sqlite' ? loadNodeSqlite() : (require('better-sqlite3') as typeof BetterSqlite3);
    } catch (error) {
      loaded[driver] = error instanceof Error ? error : new Error(String(error));
    }
  }
  return loaded[driver]!;
}

/** The driver this process uses: `node:sqlite` where Node has it, else better-sqlite3; null with neither. */
export function availableDriver(): SqliteDriverName | null {
  if (!(load('node:sqlite') instanceof Error)) return 'node:sqlite';
  if (!(load('better-sqlite3') instanceof Error)) return 'better-sqlite3';
  return null;
}

/** Whether this one driver can be loaded here (the tests open one database with both). */
export function hasDriver(driver: SqliteDriverName): boolean {
  return !(load(driver) instanceof Error);
}

/**
 * Opens `file` with the given driver, or the one this process has (`availableDriver`). Throws a
 * `SqliteUnavailableError` with one line naming what to install when there is none.
 */
export function openSqlite(file: string, driver: SqliteDriverName | null = availableDriver()): SqliteConnection {
  if (driver === null) {
    const cause = load('better-sqlite3');
    throw new SqliteUnavailableError(
      `SQLite is not available: Node ${process.versions.node} has no built-in node:sqlite (Node 22.13 and later have it), and the optional dependency better-sqlite3 ` +
        `is not installed or did not build (${cause instanceof Error ? firstLine(cause) : 'not loaded'}); use Node 22.13 or later, or install better-sqlite3 with its install script allowed (npm install better-sqlite3)`,
    );
  }
  const module = load(driver);
  if (module instanceof Error) throw new SqliteUnavailableError(`SQLite driver ${driver} cannot be loaded (${firstLine(module)})`);
  return driver === 'node:sqlite' ? nodeConnection(module as NodeSqlite, file) : betterConnection(module as typeof BetterSqlite3, file);
}

function nodeConnection(module: NodeSqlite, file: string): SqliteConnection {
  const db = new module.DatabaseSync(file);
  // Rows come back with a null prototype; the history hands out plain objects, as better-sqlite3 does.
  const plain = (row: Record<string, unknown> | undefined): Record<string, unknown> | undefined => (row === undefined ? undefined : {...row});
  return {
    driver: 'node:sqlite',
    prepare(sql) {
      const statement = wrapErrors(() => db.prepare(sql));
      return {
        run: (...params) => ({changes: Number(wrapErrors(() => statement.run(...params)).changes)}),
        get: (...params) => plain(wrapErrors(() => statement.get(...params))),
        all: (...params) => wrapErrors(() => statement.all(...params)).map(row => ({...row})),
      };
    },
    exec: sql => wrapErrors(() => db.exec(sql)),
    immediate: body => transaction(sql => wrapErrors(() => db.exec(sql)), body),
    close: () => db.close(),
  };
}

function betterConnection(Database: typeof BetterSqlite3, file: string): SqliteConnection {
  const db = new Database(file);
  return {
    driver: 'better-sqlite3',
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        run: (...params) => ({changes: statement.run(...params).changes}),
        get: (...params) => statement.get(...params) as Record<string, unknown> | undefined,
        all: (...params) => statement.all(...params) as Array<Record<string, unknown>>,
      };
    },
    exec: sql => {
      db.exec(sql);
    },
    immediate: body => transaction(sql => db.exec(sql), body),
    close: () => db.close(),
  };
}

function transaction<T>(exec: (sql: string) => void, body: () => T): T {
  exec('BEGIN IMMEDIATE');
  let result: T;
  try {
    result = body();
  } catch (error) {
    try {
      exec('ROLLBACK');
    } catch {
      // SQLite may have rolled back already (a busy or full database); the first error is the one to report.
    }
    throw error;
  }
  exec('COMMIT');
  return result;
}

/** SQLite's primary result codes by number, for the ones the history reacts to. */
const RESULT_CODES: Record<number, string> = {5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED', 11: 'SQLITE_CORRUPT', 26: 'SQLITE_NOTADB'};

/**
 * `node:sqlite` throws with `code: 'ERR_SQLITE_ERROR'` and the SQLite code as a number (`errcode`); better-sqlite3's
 * `code` is the name. The history reads the name (`SQLITE_BUSY`, `SQLITE_NOTADB`), so node's errors get it too.
 */
function wrapErrors<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    const errcode = (error as {errcode?: unknown}).errcode;
    if (typeof errcode === 'number' && error instanceof Error) {
      Object.defineProperty(error, 'code', {value: RESULT_CODES[errcode & 0xff] ?? `SQLITE_${errcode}`, configurable: true, writable: true});
    }
    throw error;
  }
}

function firstLine(error: Error): string {
  return error.message.split('\n')[0];
}
