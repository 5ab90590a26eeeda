import type {BaselineQuery, HistoryFileRow, HistoryRun, HistoryTestRow, TrendPoint} from './historyRecords';
import {SqliteHistoryDatabase} from './SqliteHistoryDatabase';
import type {SqliteDriverName} from './sqliteDriver';
import type {HistoryStore} from './HistoryStore';
import type {BaselineRow, RunWindow} from './historySql';

/** The SQLite history behind the asynchronous interface: both SQLite drivers are synchronous, so each call is done on return. */
export class SqliteHistory implements HistoryStore {
  private constructor(private readonly db: SqliteHistoryDatabase) {}

  static open(file: string, options: {mustExist?: boolean; driver?: SqliteDriverName}): SqliteHistory {
    return new SqliteHistory(SqliteHistoryDatabase.open(file, options));
  }

  get label(): string {
    return this.db.file;
  }

  async appendRun(run: HistoryRun, tests: readonly HistoryTestRow[], files: readonly HistoryFileRow[]): Promise<number> {
    return this.db.appendRun(run, tests, files);
  }

  async runCount(): Promise<number> {
    return this.db.runCount();
  }

  async passedDurations(window: RunWindow): Promise<Map<string, number[]>> {
    return this.db.passedDurations(window);
  }

  async baselineRows(query: BaselineQuery): Promise<BaselineRow[]> {
    return this.db.baselineRows(query);
  }

  async trend(testId: string, window: RunWindow): Promise<TrendPoint[]> {
    return this.db.trend(testId, window);
  }

  async outcomes(window: RunWindow): Promise<Map<string, Array<{status: string; attempts: number}>>> {
    return this.db.outcomes(window);
  }

  async prune(keep: number): Promise<number> {
    return this.db.prune(keep);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
