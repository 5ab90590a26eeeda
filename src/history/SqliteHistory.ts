import {HistoryDatabase} from './HistoryDatabase';
import type {BaselineQuery, HistoryFileRow, HistoryRun, HistoryTestRow, TrendPoint} from './HistoryDatabase';
import type {HistoryStore} from './HistoryStore';
import type {BaselineRow, RunWindow} from './historySql';

/** The SQLite history behind the asynchronous interface: better-sqlite3 is synchronous, so each call is done on return. */
export class SqliteHistory implements HistoryStore {
  private constructor(private readonly db: HistoryDatabase) {}

  static open(file: string, options: {mustExist?: boolean}): SqliteHistory {
    return new SqliteHistory(HistoryDatabase.open(file, options));
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
