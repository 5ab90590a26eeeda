import type {RunMetrics} from './types';

/**
 * Keeps the full detail (code frame, stack, variables) of the first `max` failed tests in report order (the ones
 * Markdown and HTML list first), on every attempt. Later failures keep their message, type and location with
 * `captured: false`: the shape the reporter's `maxFailures` leaves, though the reporter, which sees failures as
 * they happen, keeps the most recent ones. Hook failures are few and keep their detail. Returns a new run.
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
      attempt.failure?.captured
        ? {
            ...attempt,
            failure: {
              ...attempt.failure,
              codeFrame: null,
              stack: null,
              locals: null,
              closure: null,
              captured: false,
              variablesMissing: attempt.failure.locals !== null || attempt.failure.closure !== null ? ('detail-dropped' as const) : attempt.failure.variablesMissing,
            },
          }
        : attempt,
    );
    return {...entry, record: {...entry.record, attempts}};
  });
  if (dropped === 0) return run;
  return {...run, tests, stats: {...run.stats, failuresAtLimit: true, failuresDropped: run.stats.failuresDropped + dropped}};
}
