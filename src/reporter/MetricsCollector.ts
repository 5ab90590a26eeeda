import * as path from 'path';
import type {DecodedChannelFile} from '../model/channel';
import type {FileRecord, RunMetrics, RunStats, SummaryFigures, SystemInfo, TestEntry} from '../model/types';

/** The schema version of performance_metrics.json's extensions (`schema_version`). */
export const SCHEMA_VERSION = 1;

/** A file as gathered: what the environment recorded, plus what Jest said of it. */
export interface GatheredFile extends FileRecord {
  /** Path relative to rootDir, `/`-separated. */
  file: string;
}

/**
 * Gathers what every worker recorded, file by file, and gives each test its stable id. Ids are given in arrival
 * order of files and, within a file, in the order of its describe tree, so a duplicate title gets ` [2]` after
 * the first one, as the SPEC says.
 */
export class MetricsCollector {
  private readonly tests: TestEntry[] = [];
  private readonly files: GatheredFile[] = [];
  /** How many tests had each plain id, and every id given out (a title may itself end in " [2]"). */
  private readonly idCounts = new Map<string, number>();
  private readonly issuedIds = new Set<string>();

  constructor(private readonly rootDir: string) {}

  relativePath(testPath: string): string {
    const relative = path.relative(this.rootDir, testPath);
    return (relative.startsWith('..') ? testPath : relative).split(path.sep).join('/');
  }

  /** Adds one test file's records. */
  addFile(decoded: DecodedChannelFile): void {
    if (decoded.file !== null) {
      this.files.push({...decoded.file, file: this.relativePath(decoded.file.testPath)});
    }
    for (const record of decoded.tests) {
      const file = this.relativePath(record.testPath);
      const baseId = `${file}::${record.titlePath.join(' > ')}`;
      let seen = this.idCounts.get(baseId) ?? 0;
      let id: string;
      do {
        seen++;
        id = seen === 1 ? baseId : `${baseId} [${seen}]`;
      } while (this.issuedIds.has(id));
      this.idCounts.set(baseId, seen);
      this.issuedIds.add(id);
      this.tests.push({id, file, record});
    }
  }

  /** The finished run, with the summary computed over every executed test. */
  build(run: {startedAtMs: number; durationMs: number; system: SystemInfo | null; reporterMs?: number}): RunMetrics {
    return {
      schemaVersion: SCHEMA_VERSION,
      startedAtMs: run.startedAtMs,
      durationMs: run.durationMs,
      system: run.system,
      tests: this.tests,
      files: this.files,
      summary: summarise(this.tests),
      stats: countOutcomes(this.tests),
      overhead: {
        environmentMs: this.files.reduce((sum, file) => sum + file.selfMs, 0),
        reporterMs: run.reporterMs ?? 0,
      },
    };
  }
}

function finalAttempt(entry: TestEntry) {
  return entry.record.attempts[entry.record.attempts.length - 1];
}

/** Skipped and todo tests are listed but left out of the timing figures. */
export function summarise(tests: readonly TestEntry[]): SummaryFigures {
  let count = 0;
  let totalDurationMs = 0;
  let maxDurationMs = 0;
  let minDurationMs = Infinity;
  let totalDeltaBytes = 0;
  let maxDeltaBytes = -Infinity;
  for (const entry of tests) {
    const attempt = finalAttempt(entry);
    if (attempt.status === 'skipped' || attempt.status === 'todo') continue;
    count++;
    totalDurationMs += attempt.durationMs;
    maxDurationMs = Math.max(maxDurationMs, attempt.durationMs);
    minDurationMs = Math.min(minDurationMs, attempt.durationMs);
    const deltaBytes = attempt.rssEndBytes - attempt.rssStartBytes;
    totalDeltaBytes += deltaBytes;
    maxDeltaBytes = Math.max(maxDeltaBytes, deltaBytes);
  }
  if (count === 0) {
    return {totalDurationMs: 0, avgDurationMs: 0, maxDurationMs: 0, minDurationMs: 0, avgMemoryDeltaBytes: 0, maxMemoryDeltaBytes: 0};
  }
  return {
    totalDurationMs,
    avgDurationMs: totalDurationMs / count,
    maxDurationMs,
    minDurationMs,
    avgMemoryDeltaBytes: totalDeltaBytes / count,
    maxMemoryDeltaBytes: maxDeltaBytes,
  };
}

function countOutcomes(tests: readonly TestEntry[]): RunStats {
  let failuresCount = 0;
  let passedCount = 0;
  for (const entry of tests) {
    const status = finalAttempt(entry).status;
    if (status === 'failed') failuresCount++;
    else if (status === 'passed') passedCount++;
  }
  return {failuresCount, passedCount, totalCount: tests.length};
}
