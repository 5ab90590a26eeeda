// One history operation with one SQLite driver, in its own Node process: the test that checks that node:sqlite and
// better-sqlite3 read each other's files (__tests__/unit/history/sqliteBackends.test.ts) runs each driver on a Node
// that has it, which in CI means two Node binaries (node:sqlite from 22.13, better-sqlite3 built for Node 20 only).
//   node sqliteHistoryChild.js <dist dir> <request JSON>
// Prints the operation's result as JSON.
const path = require('path');

const [distDir, requestJson] = process.argv.slice(2);
const request = JSON.parse(requestJson);
const {SqliteHistoryDatabase} = require(path.join(distDir, 'history', 'SqliteHistoryDatabase.js'));

function main() {
  if (request.op === 'write') {
    const db = SqliteHistoryDatabase.open(request.file, {driver: request.driver});
    if (db.driver !== request.driver) throw new Error(`opened with ${db.driver}, not ${request.driver}`);
    db.appendRun(request.run, request.tests, request.files);
    db.close();
    return {driver: db.driver};
  }
  if (request.op === 'read') {
    const db = SqliteHistoryDatabase.open(request.file, {driver: request.driver, mustExist: true});
    try {
      const window = {runs: 20};
      return {
        runs: db.runCount(),
        trend: db.trend(request.testId, window).map(point => ({...point, runId: undefined})),
        durations: Object.fromEntries(db.passedDurations(window)),
        outcomes: Object.fromEntries(db.outcomes(window)),
        baseline: db.baselineRows({medianOf: 10, spreadOf: 20, minSpreadRuns: 5}),
      };
    } finally {
      db.close();
    }
  }
  if (request.op === 'schema') {
    // Read with node:sqlite's own API, below the store: what the file holds, whoever wrote it.
    const {DatabaseSync} = require('node:sqlite');
    const db = new DatabaseSync(request.file);
    try {
      return [db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(), db.prepare('PRAGMA user_version').get(), db.prepare('PRAGMA application_id').get()];
    } finally {
      db.close();
    }
  }
  if (request.op === 'has') {
    // Opened, not only required: better-sqlite3's JavaScript loads on any Node, its binding only on the one it was built for.
    try {
      require(path.join(distDir, 'history', 'sqliteDriver.js')).openSqlite(':memory:', request.driver).close();
      return true;
    } catch {
      return false;
    }
  }
  throw new Error(`unknown op ${request.op}`);
}

process.stdout.write(JSON.stringify(main()));
