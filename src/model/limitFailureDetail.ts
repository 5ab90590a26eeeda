import type {RunMetrics} from './types';

/**
 * Keeps the full detail (code frame, stack, variables) of the first `max` failures, in report order; later ones
 * keep their message, type and location with `captured: false`, as the reporter's `maxFailures` leaves them.
 * Returns a new run; the one given is not changed.
 */
export function limitFailureDetail(run: RunMetrics, max: number): RunMetrics {
  let kept = 0;
  let dropped = 0;
  const tests = run.tests.map(entry => {
    const attempts = entry.record.attempts.map(attempt => {
      const failure = attempt.failure;
      if (failure === null || !failure.captured) return attempt;
      if (kept < max) {
        kept++;
        return attempt;
      }
      dropped++;
      return {...attempt, failure: {...failure, codeFrame: null, stack: null, locals: null, closure: null, captured: false}};
    });
    return {...entry, record: {...entry.record, attempts}};
  });
  if (dropped === 0) return run;
  return {...run, tests, stats: {...run.stats, failuresAtLimit: true, failuresDropped: run.stats.failuresDropped + dropped}};
}
