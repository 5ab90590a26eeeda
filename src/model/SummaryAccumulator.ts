import type {AttemptRecord, SummaryFigures, TestEntry} from './types';

/** Running summary figures: skipped and todo tests are listed but left out of the timing figures. */
export class SummaryAccumulator {
  private count = 0;
  private totalDurationMs = 0;
  private maxDurationMs = 0;
  private minDurationMs = Infinity;
  private totalDeltaBytes = 0;
  private maxDeltaBytes = -Infinity;

  add(attempt: AttemptRecord): void {
    if (attempt.status === 'skipped' || attempt.status === 'todo') return;
    this.count++;
    this.totalDurationMs += attempt.durationMs;
    this.maxDurationMs = Math.max(this.maxDurationMs, attempt.durationMs);
    this.minDurationMs = Math.min(this.minDurationMs, attempt.durationMs);
    const deltaBytes = attempt.rssEndBytes - attempt.rssStartBytes;
    this.totalDeltaBytes += deltaBytes;
    this.maxDeltaBytes = Math.max(this.maxDeltaBytes, deltaBytes);
  }

  figures(): SummaryFigures {
    if (this.count === 0) {
      return {totalDurationMs: 0, avgDurationMs: 0, maxDurationMs: 0, minDurationMs: 0, avgMemoryDeltaBytes: 0, maxMemoryDeltaBytes: 0};
    }
    return {
      totalDurationMs: this.totalDurationMs,
      avgDurationMs: this.totalDurationMs / this.count,
      maxDurationMs: this.maxDurationMs,
      minDurationMs: this.minDurationMs,
      avgMemoryDeltaBytes: this.totalDeltaBytes / this.count,
      maxMemoryDeltaBytes: this.maxDeltaBytes,
    };
  }
}

/** The summary figures of a list of tests (used where no collector ran, such as a CLI reading a file). */
export function summarise(tests: readonly TestEntry[]): SummaryFigures {
  const accumulator = new SummaryAccumulator();
  for (const entry of tests) accumulator.add(entry.record.attempts[entry.record.attempts.length - 1]);
  return accumulator.figures();
}
