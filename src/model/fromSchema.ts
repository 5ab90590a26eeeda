/**
 * The way back from performance_metrics.json (seconds, MiB) to the model (milliseconds, bytes), for the CLI: a
 * file written by the reporter renders in every format exactly as the reporter would have rendered it, to the
 * precision the file keeps (microseconds, 1/1000 MiB).
 */
import {titlePathFromId} from './testId';
import {VARIABLES_MISSING} from './types';
import {BREACH_METRIC, SCHEMA_VERSION} from './toSchema';
import type {
  MetricsDocument,
  SchemaAttempt,
  SchemaBudgetBreach,
  SchemaDurationChange,
  SchemaFailure,
  SchemaFile,
  SchemaFileBoundary,
  SchemaFileLeak,
  SchemaMemory,
  SchemaModuleCost,
  SchemaRunModuleCost,
  SchemaTest,
  SchemaWorkerMemory,
} from './toSchema';
import type {
  AttemptRecord,
  BudgetBreach,
  BudgetReport,
  DriftEstimate,
  DurationChange,
  FailureRecord,
  FileImports,
  FileLeak,
  FileRecord,
  JudgeClock,
  PeakRssMethod,
  LeakReport,
  RegressionReport,
  RunDrift,
  RunMetrics,
  RunModuleCost,
  TestEntry,
  TestProfile,
  VariablesMissing,
  TestStatus,
  FileBoundaryRecord,
  WorkerGrowth,
} from './types';

/** Why a document is not a metrics file this version reads; the message names the key at fault. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

const MIB = 1024 * 1024;
const STATUSES: readonly TestStatus[] = ['passed', 'failed', 'skipped', 'todo'];
const PHASES: ReadonlyArray<FailureRecord['phase']> = ['load', 'beforeAll', 'beforeEach', 'test', 'afterEach', 'afterAll'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function need<T>(value: unknown, check: (value: unknown) => boolean, where: string, what: string): T {
  if (!check(value)) throw new SchemaError(`${where} is ${value === undefined ? 'missing' : `not ${what}`}`);
  return value as T;
}
const num = (value: unknown, where: string): number => need<number>(value, v => typeof v === 'number' && Number.isFinite(v), where, 'a number');

/**
 * Bounds no run can cross: a file past them was edited or made by something else, and reading it would print
 * nonsense (negative durations, `1e300` seconds) in every format. A year of seconds for durations, 1 PiB for
 * memory (2^50 bytes, well inside the 2^53 a double holds exactly), 2^53 for counts.
 */
const MAX_SECONDS = 366 * 24 * 3600;
const MAX_MIB = 1024 ** 3;

function within(value: unknown, where: string, min: number, max: number, what: string, integer = false): number {
  const parsed = num(value, where);
  if (parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    throw new SchemaError(`${where} is ${parsed}, which no run produces; allowed: ${what}`);
  }
  return parsed;
}
/** Seconds that cannot be negative (a phase, a run), in the file → milliseconds in the model. */
const ms = (value: unknown, where: string): number => within(value, where, 0, MAX_SECONDS, 'seconds from 0 to a year') * 1000;
/** Seconds that may be negative (a span measured between marks the test set in reverse order). */
const signedMs = (value: unknown, where: string): number => within(value, where, -MAX_SECONDS, MAX_SECONDS, 'seconds within a year either way') * 1000;
/** MiB of memory held (never negative) → bytes. */
const bytes = (value: unknown, where: string): number => Math.round(within(value, where, 0, MAX_MIB, 'MiB from 0 to 1 PiB') * MIB);
/** MiB of a change in memory (negative when memory was freed) → bytes. */
const deltaBytes = (value: unknown, where: string): number => Math.round(within(value, where, -MAX_MIB, MAX_MIB, 'MiB within 1 PiB either way') * MIB);
const count = (value: unknown, where: string): number => within(value, where, 0, Number.MAX_SAFE_INTEGER, 'an integer >= 0', true);
/** CPU milliseconds: more than the wall time with several threads, never a CPU-year in one test. */
const cpuMs = (value: unknown, where: string): number => within(value, where, 0, MAX_SECONDS * 1000, 'milliseconds from 0 to a year');
const optional = <T>(value: unknown, read: (value: unknown, where: string) => T, where: string, fallback: T): T => (value === undefined ? fallback : read(value, where));
const msOrNull = (value: unknown, where: string): number | null => (value === undefined || value === null ? null : ms(value, where));
const str = (value: unknown, where: string): string => need<string>(value, v => typeof v === 'string', where, 'a string');
const obj = (value: unknown, where: string): Record<string, unknown> => need<Record<string, unknown>>(value, isObject, where, 'an object');
const strOrNull = (value: unknown, where: string): string | null => (value === undefined || value === null ? null : str(value, where));
const objOrNull = <T>(value: unknown, where: string): T | null => (value === undefined || value === null ? null : (obj(value, where) as T));
const epochMs = (value: unknown, where: string): number => {
  const parsed = Date.parse(str(value, where));
  if (Number.isNaN(parsed)) throw new SchemaError(`${where} is not an ISO timestamp`);
  return parsed;
};

function failureRecord(value: unknown, where: string): FailureRecord {
  const failure = obj(value, where) as unknown as SchemaFailure & Record<string, unknown>;
  const location = objOrNull<Record<string, unknown>>(failure.location, `${where}.location`);
  return {
    errorType: strOrNull(failure.error_type, `${where}.error_type`),
    message: str(failure.message, `${where}.message`),
    location: location && {
      file: str(location.file, `${where}.location.file`),
      line: count(location.line, `${where}.location.line`),
      column: count(location.column, `${where}.location.column`),
    },
    codeFrame: strOrNull(failure.code_frame, `${where}.code_frame`),
    stack: strOrNull(failure.stack, `${where}.stack`),
    locals: objOrNull<Record<string, Record<string, unknown>>>(failure.locals, `${where}.locals`),
    closure: objOrNull<Record<string, unknown>>(failure.closure, `${where}.closure`),
    captured: failure.captured !== false,
    // Shown in reports as words of ours: an unknown reason (a newer writer) is left out, not shown raw.
    ...(typeof failure.variables_missing === 'string' && Object.hasOwn(VARIABLES_MISSING, failure.variables_missing) && {variablesMissing: failure.variables_missing as VariablesMissing}),
    // Shown in reports, so only the known words pass: a file from elsewhere must not smuggle markup through.
    phase: failure.phase === undefined ? 'test' : need<FailureRecord['phase']>(failure.phase, v => PHASES.includes(v as FailureRecord['phase']), `${where}.phase`, `one of ${PHASES.join(', ')}`),
    errorCount: optional(failure.error_count, count, `${where}.error_count`, 1),
    timestampMs: typeof failure.timestamp === 'string' ? Date.parse(failure.timestamp) : 0,
  };
}

function testProfile(value: unknown, where: string): TestProfile {
  const profile = obj(value, where);
  const top = need<unknown[]>(profile.top, Array.isArray, `${where}.top`, 'a list');
  return {
    file: str(profile.file, `${where}.file`),
    top: top.map((item, i) => {
      const fn = obj(item, `${where}.top[${i}]`);
      return {
        functionName: str(fn.function, `${where}.top[${i}].function`),
        location: strOrNull(fn.location, `${where}.top[${i}].location`),
        selfMs: cpuMs(fn.self_ms, `${where}.top[${i}].self_ms`),
        totalMs: cpuMs(fn.total_ms, `${where}.top[${i}].total_ms`),
      };
    }),
  };
}

function attemptRecord(value: SchemaTest | SchemaAttempt, where: string, number: number, last: SchemaTest | null): AttemptRecord {
  const status = need<TestStatus>(value.status, v => STATUSES.includes(v as TestStatus), `${where}.status`, `one of ${STATUSES.join(', ')}`);
  const memory = obj(value.memory, `${where}.memory`) as unknown as SchemaMemory;
  // Earlier attempts keep their timings and memory; heap and CPU time are recorded for the final attempt only.
  // No `heap` on a test of a static-mode run: it reads the heap per file only.
  const heap = last ? objOrNull<Record<string, unknown>>(last.heap, `${where}.heap`) : null;
  // The end figures are rebuilt from start + delta, so the delta (what rankings use) is exactly the file's.
  const rssStartBytes = bytes(memory.start_mb, `${where}.memory.start_mb`);
  const heapStartBytes = heap ? bytes(heap.start_mb, `${where}.heap.start_mb`) : null;
  return {
    attempt: number,
    status,
    startedAtMs: epochMs(value.started_at, `${where}.started_at`),
    durationMs: ms(value.duration, `${where}.duration`),
    setupMs: ms(value.setup_time, `${where}.setup_time`),
    callMs: ms(value.call_time, `${where}.call_time`),
    teardownMs: ms(value.teardown_time, `${where}.teardown_time`),
    rssStartBytes,
    rssPeakBytes: bytes(memory.peak_mb, `${where}.memory.peak_mb`),
    rssEndBytes: rssStartBytes + deltaBytes(memory.delta_mb, `${where}.memory.delta_mb`),
    heapStartBytes,
    heapEndBytes: heap && heapStartBytes !== null ? heapStartBytes + deltaBytes(heap.delta_mb, `${where}.heap.delta_mb`) : null,
    cpuUserMs: last ? cpuMs(last.cpu_user_ms, `${where}.cpu_user_ms`) : 0,
    cpuSystemMs: last ? cpuMs(last.cpu_system_ms, `${where}.cpu_system_ms`) : 0,
    // Above 100 with several threads busy; a million percent would be ten thousand cores.
    cpuPercent: value.cpu_percent === null ? null : within(value.cpu_percent, `${where}.cpu_percent`, 0, 1e6, 'a percentage >= 0, or null'),
    concurrent: last ? last.concurrent === true : false,
    spans: (Array.isArray(last?.spans) ? last.spans : []).map((item, i) => {
      const span = obj(item, `${where}.spans[${i}]`);
      return {name: str(span.name, `${where}.spans[${i}].name`), offsetMs: ms(span.offset, `${where}.spans[${i}].offset`), durationMs: signedMs(span.duration, `${where}.spans[${i}].duration`)};
    }),
    failure: value.failure ? failureRecord(value.failure, `${where}.failure`) : null,
    retainedHeapBytes: last?.heap?.retained_mb !== undefined ? bytes(last.heap.retained_mb, `${where}.heap.retained_mb`) : null,
  };
}

function testEntry(id: string, value: unknown, index: number): TestEntry {
  const where = `tests[${JSON.stringify(id)}]`;
  const test = obj(value, where) as unknown as SchemaTest;
  const file = str(test.file, `${where}.file`);
  if (test.attempts !== undefined) need(test.attempts, v => Array.isArray(v) && v.length > 0, `${where}.attempts`, 'a non-empty list');
  if (test.titles !== undefined) need(test.titles, v => Array.isArray(v) && v.every(title => typeof title === 'string'), `${where}.titles`, 'a list of strings');
  const final = attemptRecord(test, where, test.attempts?.length ?? 1, test);
  const attempts = test.attempts
    ? test.attempts.map((attempt, i) =>
        i === test.attempts!.length - 1
          ? {...final, attempt: count(obj(attempt, `${where}.attempts[${i}]`).attempt, `${where}.attempts[${i}].attempt`)}
          : attemptRecord(obj(attempt, `${where}.attempts[${i}]`) as unknown as SchemaAttempt, `${where}.attempts[${i}]`, count(attempt.attempt, `${where}.attempts[${i}].attempt`), null),
      )
    : [final];
  return {
    id,
    file,
    project: typeof test.project === 'string' ? test.project : null,
    record: {
      // The file keeps paths relative to rootDir only; formats use `file`, never `testPath`.
      testPath: file,
      titlePath: Array.isArray(test.titles) ? test.titles : titlePathFromId(id, file),
      index,
      workerId: typeof test.worker === 'number' ? test.worker : 0,
      attempts,
      ...(test.profile !== undefined && {profile: testProfile(test.profile, `${where}.profile`)}),
    },
  };
}

function fileRecord(name: string, value: unknown): FileRecord & {file: string; key: string} {
  const where = `files[${JSON.stringify(name)}]`;
  const file = obj(value, where) as unknown as SchemaFile;
  const path = typeof file.file === 'string' ? file.file : name;
  return {
    file: path,
    key: name,
    testPath: path,
    loadError: file.load_error ? failureRecord(file.load_error, `${where}.load_error`) : null,
    project: typeof file.project === 'string' ? file.project : null,
    workerId: typeof file.worker === 'number' ? file.worker : 0,
    loadMs: ms(file.load_time, `${where}.load_time`),
    beforeAllMs: ms(file.before_all_time, `${where}.before_all_time`),
    afterAllMs: ms(file.after_all_time, `${where}.after_all_time`),
    heapStartBytes: bytes(file.heap_start_mb, `${where}.heap_start_mb`),
    heapEndBytes: bytes(file.heap_end_mb, `${where}.heap_end_mb`),
    completed: file.completed !== false,
    hookFailures: need<unknown[]>(file.hook_failures ?? [], Array.isArray, `${where}.hook_failures`, 'a list').map((failure, i) => failureRecord(failure, `${where}.hook_failures[${i}]`)),
    // Per-file own cost is not in the file; the run's total is (`overhead`).
    selfMs: 0,
    traceMs: 0,
    tracePauses: optional(file.trace_pauses, count, `${where}.trace_pauses`, 0),
    imports: file.imports === undefined ? null : fileImports(file, where),
    boundary: file.after_teardown === undefined ? null : fileBoundary(file.after_teardown, `${where}.after_teardown`),
  };
}

/**
 * The readings before the file are not in the document (the previous file's are): they read back as the reading
 * after it. Nothing recomputes the attribution from a file: `worker_memory` is read as it was written.
 */
function fileBoundary(value: unknown, where: string): FileBoundaryRecord {
  const boundary = obj(value, where) as unknown as SchemaFileBoundary;
  const heapAfterBytes = bytes(boundary.heap_mb, `${where}.heap_mb`);
  const rssAfterBytes = bytes(boundary.rss_mb, `${where}.rss_mb`);
  return {
    heapBeforeBytes: heapAfterBytes,
    rssBeforeBytes: rssAfterBytes,
    heapAfterBytes,
    rssAfterBytes,
    afterGc: boundary.after_gc === true,
    processId: 0,
    order: count(boundary.order, `${where}.order`),
    heapLeftBytes: bytes(boundary.heap_left_mb, `${where}.heap_left_mb`),
    rssLeftBytes: bytes(boundary.rss_left_mb, `${where}.rss_left_mb`),
  };
}

function workerMemory(value: unknown): WorkerGrowth[] {
  return need<unknown[]>(value, Array.isArray, 'worker_memory', 'a list').map((item, i): WorkerGrowth => {
    const where = `worker_memory[${i}]`;
    const worker = obj(item, where) as unknown as SchemaWorkerMemory;
    return {
      workerId: count(worker.worker, `${where}.worker`),
      processId: count(worker.pid, `${where}.pid`),
      files: count(worker.files, `${where}.files`),
      afterGc: worker.after_gc === true,
      heapStartBytes: bytes(worker.heap_start_mb, `${where}.heap_start_mb`),
      heapEndBytes: bytes(worker.heap_end_mb, `${where}.heap_end_mb`),
      heapGrowthBytes: bytes(worker.heap_growth_mb, `${where}.heap_growth_mb`),
      rssStartBytes: bytes(worker.rss_start_mb, `${where}.rss_start_mb`),
      rssEndBytes: bytes(worker.rss_end_mb, `${where}.rss_end_mb`),
      rssGrowthBytes: bytes(worker.rss_growth_mb, `${where}.rss_growth_mb`),
      topFiles: need<unknown[]>(worker.top_files, Array.isArray, `${where}.top_files`, 'a list').map((top, j) => {
        const at = `${where}.top_files[${j}]`;
        const entry = obj(top, at) as unknown as SchemaWorkerMemory['top_files'][number];
        return {
          file: str(entry.file, `${at}.file`),
          heapLeftBytes: bytes(entry.heap_left_mb, `${at}.heap_left_mb`),
          rssLeftBytes: bytes(entry.rss_left_mb, `${at}.rss_left_mb`),
          share: within(entry.share, `${at}.share`, 0, 1, 'a share from 0 to 1'),
        };
      }),
    };
  });
}

/** Milliseconds (the `_ms` keys), in the file and in the model. */
const plainMs = (value: unknown, where: string): number => within(value, where, 0, MAX_SECONDS * 1000, 'milliseconds from 0 to a year');

function moduleCosts<T>(value: unknown, where: string, last: 'count' | 'files'): Array<T & {module: string; selfMs: number; totalMs: number; transformMs: number}> {
  return need<unknown[]>(value, Array.isArray, where, 'a list').map((item, i) => {
    const at = `${where}[${i}]`;
    const cost = obj(item, at) as unknown as SchemaModuleCost & SchemaRunModuleCost;
    return {
      module: str(cost.module, `${at}.module`),
      selfMs: plainMs(cost.self_ms, `${at}.self_ms`),
      totalMs: plainMs(cost.total_ms, `${at}.total_ms`),
      transformMs: plainMs(cost.transform_ms, `${at}.transform_ms`),
      [last]: count(cost[last], `${at}.${last}`),
    } as T & {module: string; selfMs: number; totalMs: number; transformMs: number};
  });
}

function fileImports(file: SchemaFile, where: string): FileImports {
  const modules = moduleCosts<{count: number}>(file.imports, `${where}.imports`, 'count');
  return {
    modules,
    moduleCount: optional(file.modules_loaded, count, `${where}.modules_loaded`, modules.length),
    loadImportsMs: optional(file.import_time, ms, `${where}.import_time`, 0),
  };
}

/** `BREACH_METRIC` read backwards. */
const SCHEMA_METRICS = Object.fromEntries(Object.entries(BREACH_METRIC).map(([model, schema]) => [schema, model])) as Record<
  SchemaBudgetBreach['metric'],
  BudgetBreach['metric']
>;

function budgetReport(value: unknown): BudgetReport {
  const block = obj(value, 'budgets');
  const breaches = need<unknown[]>(block.breaches, Array.isArray, 'budgets.breaches', 'a list').map((item, i): BudgetBreach => {
    const where = `budgets.breaches[${i}]`;
    const breach = obj(item, where) as unknown as SchemaBudgetBreach;
    const metric = need<SchemaBudgetBreach['metric']>(breach.metric, v => typeof v === 'string' && v in SCHEMA_METRICS, `${where}.metric`, `one of ${Object.keys(SCHEMA_METRICS).join(', ')}`);
    const base = {
      scope: need<BudgetBreach['scope']>(breach.scope, v => v === 'test' || v === 'suite', `${where}.scope`, 'test or suite'),
      test: strOrNull(breach.test, `${where}.test`),
      rule: strOrNull(breach.rule, `${where}.rule`),
      ruleSource: strOrNull(breach.rule_source, `${where}.rule_source`),
    };
    const model = SCHEMA_METRICS[metric];
    return model === 'duration' || model === 'setup'
      ? {...base, metric: model, actualMs: ms(breach.value, `${where}.value`), limitMs: ms(breach.limit, `${where}.limit`)}
      : {...base, metric: model, actualBytes: deltaBytes(breach.value, `${where}.value`), limitBytes: bytes(breach.limit, `${where}.limit`)};
  });
  return {testsChecked: count(block.tests_checked, 'budgets.tests_checked'), breaches};
}

function changes(value: unknown, where: string, defaultMargin: number): DurationChange[] {
  return need<unknown[]>(value, Array.isArray, where, 'a list').map((item, i) => {
    const change = obj(item, `${where}[${i}]`) as unknown as SchemaDurationChange;
    const baselineMs = ms(change.baseline, `${where}[${i}].baseline`);
    const currentMs = ms(change.current, `${where}[${i}].current`);
    return {
      id: str(change.test, `${where}[${i}].test`),
      baselineMs,
      currentMs,
      // -100 is a test that now takes no time; growth is unbounded only in theory (a year over a microsecond).
      changePercent: change.change_percent === null ? Infinity : within(change.change_percent, `${where}[${i}].change_percent`, -100, 1e15, 'a percentage >= -100, or null'),
      noiseMs: ms(change.noise, `${where}[${i}].noise`),
      // Files written before clocks and drift: wall time, judged as measured, against the threshold alone.
      clock: optional(change.clock, clock, `${where}[${i}].clock`, 'wall'),
      driftFactor: optional(change.drift, factor, `${where}[${i}].drift`, 1),
      factorMargin: optional(change.margin, factor, `${where}[${i}].margin`, defaultMargin),
    };
  });
}

const strings = (value: unknown, where: string): string[] =>
  need<string[]>(value, v => Array.isArray(v) && v.every(item => typeof item === 'string'), where, 'a list of strings');

const clock = (value: unknown, where: string): JudgeClock => need<JudgeClock>(value, v => v === 'cpu' || v === 'wall', where, 'cpu or wall');
/** A speed factor: above 0; a million times either way is a broken file, not a run. */
const factor = (value: unknown, where: string): number => need<number>(value, v => typeof v === 'number' && v > 0 && v < 1e6, where, 'a factor above 0');

function driftEstimate(value: unknown, where: string): DriftEstimate | null {
  if (value === null) return null;
  const block = obj(value, where);
  return {factor: factor(block.factor, `${where}.factor`), tests: count(block.tests, `${where}.tests`), spread: within(block.spread, `${where}.spread`, 0, 1e6, 'a number >= 0')};
}

function runDrift(value: unknown): RunDrift {
  const block = obj(value, 'regressions.drift');
  const finding = objOrNull<Record<string, unknown>>(block.finding, 'regressions.drift.finding');
  return {
    overall: driftEstimate(block.overall ?? null, 'regressions.drift.overall'),
    cpu: driftEstimate(block.cpu ?? null, 'regressions.drift.cpu'),
    load: driftEstimate(block.load ?? null, 'regressions.drift.load'),
    wall: driftEstimate(block.wall ?? null, 'regressions.drift.wall'),
    wallNoiseMs: optional(block.wall_noise, ms, 'regressions.drift.wall_noise', 0),
    cpuNoiseMs: optional(block.cpu_noise, ms, 'regressions.drift.cpu_noise', 0),
    finding:
      finding === null
        ? null
        : {
            clock: clock(finding.clock, 'regressions.drift.finding.clock'),
            direction: need<'slower' | 'faster'>(finding.direction, v => v === 'slower' || v === 'faster', 'regressions.drift.finding.direction', 'slower or faster'),
            factor: factor(finding.factor, 'regressions.drift.finding.factor'),
          },
  };
}

function regressionReport(value: unknown): RegressionReport {
  const block = obj(value, 'regressions');
  const thresholdPercent = within(block.threshold_percent, 'regressions.threshold_percent', 0, 1e6, 'a percentage from 0 to 1000000');
  const margin = 1 + thresholdPercent / 100;
  return {
    baseline: str(block.baseline, 'regressions.baseline'),
    thresholdPercent,
    minChangeMs: ms(block.min_change, 'regressions.min_change'),
    compared: count(block.compared, 'regressions.compared'),
    drift: block.drift === undefined ? null : runDrift(block.drift),
    regressions: changes(block.regressions, 'regressions.regressions', margin),
    improvements: changes(block.improvements, 'regressions.improvements', margin),
    added: strings(block.new, 'regressions.new'),
    removed: strings(block.gone, 'regressions.gone'),
  };
}

function leakReport(value: unknown): LeakReport {
  const block = obj(value, 'leaks');
  const flagged = need<unknown[]>(block.flagged, Array.isArray, 'leaks.flagged', 'a list').map((item, i): FileLeak => {
    const where = `leaks.flagged[${i}]`;
    const leak = obj(item, where) as unknown as SchemaFileLeak;
    return {
      file: str(leak.file, `${where}.file`),
      tests: count(leak.tests, `${where}.tests`),
      retainedFirstBytes: bytes(leak.retained_first_mb, `${where}.retained_first_mb`),
      retainedLastBytes: bytes(leak.retained_last_mb, `${where}.retained_last_mb`),
      growthPerTestBytes: within(leak.growth_per_test_mb, `${where}.growth_per_test_mb`, -MAX_MIB, MAX_MIB, 'MiB within 1 PiB either way') * MIB,
      // Older files have no later-half slope: the overall one stands in for it.
      laterGrowthPerTestBytes:
        leak.later_growth_per_test_mb === undefined
          ? within(leak.growth_per_test_mb, `${where}.growth_per_test_mb`, -MAX_MIB, MAX_MIB, 'MiB within 1 PiB either way') * MIB
          : within(leak.later_growth_per_test_mb, `${where}.later_growth_per_test_mb`, -MAX_MIB, MAX_MIB, 'MiB within 1 PiB either way') * MIB,
      growingShare: within(leak.growing_share, `${where}.growing_share`, 0, 1, 'a share from 0 to 1'),
    };
  });
  return {filesChecked: count(block.files_checked, 'leaks.files_checked'), flagged};
}

/**
 * Reads a parsed performance_metrics.json back into the model. Throws a `SchemaError` naming the first key that
 * is missing or of the wrong type, or saying that the document is not a metrics file at all.
 */
export function fromSchema(value: unknown): RunMetrics {
  if (!isObject(value) || !('schema_version' in value) || !isObject(value.tests)) {
    throw new SchemaError('not a jest-perf-monitor metrics file (it has no "schema_version" and "tests")');
  }
  const document = value as unknown as MetricsDocument;
  const version = count(document.schema_version, 'schema_version');
  if (version > SCHEMA_VERSION) {
    throw new SchemaError(`schema_version ${version} is newer than this jest-perf-monitor reads (${SCHEMA_VERSION}); upgrade jest-perf-monitor`);
  }
  const session = obj(document.session, 'session');
  const summary = obj(document.summary, 'summary');
  const tests = Object.entries(document.tests).map(([id, test], index) => testEntry(id, test, index));
  const files = Object.entries(isObject(document.files) ? document.files : {}).map(([name, file]) => fileRecord(name, file));
  const finalStatus = (entry: TestEntry): TestStatus => entry.record.attempts[entry.record.attempts.length - 1].status;
  const stats = isObject(document.stats) ? document.stats : null;
  const system = isObject(document.system) ? document.system : null;
  const overhead = isObject(document.overhead) ? document.overhead : null;
  const unmeasured = isObject(document.unmeasured) ? document.unmeasured : null;
  const cpuProfile = isObject(document.cpu_profile) ? document.cpu_profile : null;
  return {
    schemaVersion: version,
    interrupted: document.interrupted === true,
    unmeasured: unmeasured && {
      files: need<unknown[]>(unmeasured.files, Array.isArray, 'unmeasured.files', 'a list').map((file, i) => str(file, `unmeasured.files[${i}]`)),
      testCount: count(unmeasured.tests, 'unmeasured.tests'),
      failedCount: count(unmeasured.failed, 'unmeasured.failed'),
      // Absent from files written before it was added: not known then.
      passedCount: optional(unmeasured.passed, count, 'unmeasured.passed', 0),
      // Absent when no runner other than circus ran any of them, and from files written before it was added.
      ...(Array.isArray(unmeasured.runners) && {runners: unmeasured.runners.map((runner, i) => str(runner, `unmeasured.runners[${i}]`))}),
    },
    // Absent from runs without cpuProfile, and from files written before it was recorded.
    cpuProfile: cpuProfile && {samplingIntervalUs: count(cpuProfile.sampling_interval_us, 'cpu_profile.sampling_interval_us'), tests: count(cpuProfile.tests, 'cpu_profile.tests')},
    startedAtMs: epochMs(session.timestamp, 'session.timestamp'),
    durationMs: ms(session.duration, 'session.duration'),
    system: system && {
      platform: str(system.platform, 'system.platform'),
      nodeVersion: str(system.node_version, 'system.node_version'),
      jestVersion: typeof system.jest_version === 'string' ? system.jest_version : null,
      cpuCount: count(system.cpu_count, 'system.cpu_count'),
      memoryTotalBytes: bytes(system.memory_total_mb, 'system.memory_total_mb'),
      // Absent from files written before it was recorded; a method this version does not know is left out.
      ...(Array.isArray(system.peak_rss) && {peakRss: system.peak_rss.filter((method): method is PeakRssMethod => method === 'kernel' || method === 'sampler' || method === 'ends')}),
    },
    tests,
    files,
    summary: {
      totalDurationMs: ms(summary.total_duration, 'summary.total_duration'),
      avgDurationMs: ms(summary.avg_duration, 'summary.avg_duration'),
      maxDurationMs: ms(summary.max_duration, 'summary.max_duration'),
      minDurationMs: ms(summary.min_duration, 'summary.min_duration'),
      avgMemoryDeltaBytes: deltaBytes(summary.avg_memory_delta_mb, 'summary.avg_memory_delta_mb'),
      maxMemoryDeltaBytes: deltaBytes(summary.max_memory_delta_mb, 'summary.max_memory_delta_mb'),
    },
    // Counts cover tests that `maxPassed` left out of `tests`; a file without them is counted from `tests`.
    stats: {
      failuresCount: stats ? count(stats.failures_count, 'stats.failures_count') : tests.filter(t => finalStatus(t) === 'failed').length,
      passedCount: stats ? count(stats.passed_count, 'stats.passed_count') : tests.filter(t => finalStatus(t) === 'passed').length,
      totalCount: stats ? count(stats.total_count, 'stats.total_count') : count(session.total_tests, 'session.total_tests'),
      failuresAtLimit: stats?.failures_at_limit === true,
      passedAtLimit: stats?.passed_at_limit === true,
      passedDropped: optional(stats?.passed_dropped, count, 'stats.passed_dropped', 0),
      failuresDropped: optional(stats?.failures_dropped, count, 'stats.failures_dropped', 0),
      retainedBytes: optional(stats?.memory_usage_mb, bytes, 'stats.memory_usage_mb', 0),
    },
    budgets: document.budgets === undefined ? null : budgetReport(document.budgets),
    regressions: document.regressions === undefined ? null : regressionReport(document.regressions),
    leaks: document.leaks === undefined ? null : leakReport(document.leaks),
    workerMemory: document.worker_memory === undefined ? null : workerMemory(document.worker_memory),
    imports: document.imports === undefined ? null : moduleCosts<{files: number}>(document.imports, 'imports', 'files') as RunModuleCost[],
    overhead: {
      environmentMs: optional(overhead?.environment_time, ms, 'overhead.environment_time', 0),
      reporterMs: optional(overhead?.reporter_time, ms, 'overhead.reporter_time', 0),
      traceMs: optional(overhead?.trace_time, ms, 'overhead.trace_time', 0),
      // Written since the own cost was counted completely (docs/performance.md); absent from older files.
      ...(overhead?.module_load_time !== undefined && {
        moduleLoadMs: ms(overhead.module_load_time, 'overhead.module_load_time'),
        samplerMs: msOrNull(overhead.sampler_time, 'overhead.sampler_time'),
        profilerMs: msOrNull(overhead.profiler_time, 'overhead.profiler_time'),
        reportWritingMs: optional(overhead.report_writing_time, ms, 'overhead.report_writing_time', 0),
        runCpuMs: msOrNull(overhead.run_cpu_time, 'overhead.run_cpu_time'),
      }),
    },
  };
}
