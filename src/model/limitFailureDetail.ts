import type {RunMetrics} from './types';

/**
 * Keeps the full detail (code frame, stack, variables) of the first `max` failed tests, in report order, on every
 * attempt; later failures keep their message, type and location with `captured: false`, as the reporter's
 * `maxFailures` leaves them. Returns a new run; the one given is not changed.
 */
export function limitFailureDetail(run: RunMetrics, max: number): RunMetrics {
  let keptTests = 0;
  let dropped = 0;
  const tests = run.tests.map(entry => {
    const failures = entry.record.attempts.filter(attempt => attempt.failure?.captured);
    if (failures.length === 0) return entry;
    if (keptTests < max) {
      keptTests++;
      return entry;
    }
    dropped += failures.length;
    const attempts = entry.record.attempts.map(attempt =>
      attempt.failure?.captured ? {...attempt, failure: {...attempt.failure, codeFrame: null, stack: null, locals: null, closure: null, captured: false}} : attempt,
    );
    return {...entry, record: {...entry.record, attempts}};
  });
  if (dropped === 0) return run;
  return {...run, tests, stats: {...run.stats, failuresAtLimit: true, failuresDropped: run.stats.failuresDropped + dropped}};
}
