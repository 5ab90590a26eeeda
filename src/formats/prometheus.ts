import type {AttemptRecord, RunMetrics, TestEntry} from '../model/types';
import {finalAttempt, isFlaky, wasExecuted} from './common';

/**
 * The Prometheus text exposition format (version 0.0.4), for a Pushgateway or node_exporter's textfile collector.
 * Written by hand rather than with prom-client: that library keeps a live registry in memory and is built for
 * long-running processes; a report is one pass over finished figures. Units follow Prometheus conventions
 * (seconds, bytes, ratios), and no sample has a timestamp, as the Pushgateway requires.
 */

/** Label values: backslash, double quote and line feed escaped (the format's only rules). */
const labelValue = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (pairs: Record<string, string>): string =>
  `{${Object.entries(pairs)
    .map(([name, value]) => `${name}="${labelValue(value)}"`)
    .join(',')}}`;
/** Go-style float text: `+Inf`, `NaN`, or the shortest decimal. */
const sample = (value: number): string => (Number.isNaN(value) ? 'NaN' : value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : String(value));

interface Family {
  name: string;
  help: string;
  value(entry: TestEntry): number | null;
}

const PER_TEST: Family[] = [
  {name: 'jest_perf_test_duration_seconds', help: 'Wall time of the test (setup + call + teardown), final attempt.', value: e => finalAttempt(e).durationMs / 1000},
  {name: 'jest_perf_test_setup_seconds', help: 'Time in beforeEach hooks, final attempt.', value: e => finalAttempt(e).setupMs / 1000},
  {name: 'jest_perf_test_call_seconds', help: 'Time in the test body, final attempt.', value: e => finalAttempt(e).callMs / 1000},
  {name: 'jest_perf_test_teardown_seconds', help: 'Time in afterEach hooks, final attempt.', value: e => finalAttempt(e).teardownMs / 1000},
  {name: 'jest_perf_test_memory_delta_bytes', help: 'Worker RSS at the end minus at the start of the test.', value: e => finalAttempt(e).rssEndBytes - finalAttempt(e).rssStartBytes},
  {name: 'jest_perf_test_memory_peak_bytes', help: 'Highest worker RSS seen during the test.', value: e => finalAttempt(e).rssPeakBytes},
  {name: 'jest_perf_test_heap_delta_bytes', help: 'V8 used heap at the end minus at the start of the test.', value: e => heapDelta(finalAttempt(e))},
  {name: 'jest_perf_test_cpu_ratio', help: 'Worker CPU time (user + system) over wall time during the test; 1 is one core.', value: e => (finalAttempt(e).cpuPercent === null ? null : finalAttempt(e).cpuPercent! / 100)},
  {name: 'jest_perf_test_attempts', help: 'Attempts the test took (more than 1 with retryTimes).', value: e => e.record.attempts.length},
];

/** Null (no sample) where the heap was not read per test: static mode. */
function heapDelta(a: AttemptRecord): number | null {
  return a.heapEndBytes === null || a.heapStartBytes === null ? null : a.heapEndBytes - a.heapStartBytes;
}

/** Tests per chunk of output. */
const BATCH = 1000;

/** Jest's counts for the files the monitor did not measure, when there were any: no series otherwise. */
function unmeasuredFamilies(run: RunMetrics): Array<[string, string, Array<[Record<string, string>, number]>]> {
  if (run.unmeasured === null) return [];
  const {files, testCount, failedCount} = run.unmeasured;
  return [
    ['jest_perf_run_unmeasured_files', 'Test files Jest ran without jest-perf-monitor measuring them.', [[{}, files.length]]],
    [
      'jest_perf_run_unmeasured_tests',
      "Tests of unmeasured files, by Jest's outcome (failed, or other: passed, skipped or todo).",
      [
        [{status: 'failed'}, failedCount],
        [{status: 'other'}, Math.max(0, testCount - failedCount)],
      ],
    ],
  ];
}

/** Which tests get per-test series: all (the format's default), the `slowest` longest, or none. */
export interface PrometheusOptions {
  tests?: 'all' | 'slowest' | 'none';
  /** With `tests: 'slowest'`: how many. */
  slowest?: number;
  /**
   * The label naming a file's Jest project. A Pushgateway refuses series that carry a label of its grouping key
   * (`project` is one), so a push names it `jest_project`.
   */
  projectLabel?: string;
}

/** Run series (16, 19 with unmeasured files) + 2 per file + up to 9 per test: what a push adds to a Pushgateway. */
export function* renderPrometheus(run: RunMetrics, {tests = 'all', slowest = 50, projectLabel = 'project'}: PrometheusOptions = {}): Generator<string> {
  const gauge = (name: string, help: string): string => `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} gauge\n`;
  const {stats, summary} = run;
  const skipped = stats.totalCount - stats.passedCount - stats.failuresCount;
  const runFamilies: Array<[string, string, Array<[Record<string, string>, number]>]> = [
    ['jest_perf_run_duration_seconds', 'Wall time of the whole Jest run.', [[{}, run.durationMs / 1000]]],
    ['jest_perf_run_start_time_seconds', 'When the run started, in seconds since the epoch.', [[{}, Math.floor(run.startedAtMs / 1000)]]],
    [
      'jest_perf_run_tests',
      'Tests by final status.',
      [
        [{status: 'passed'}, stats.passedCount],
        [{status: 'failed'}, stats.failuresCount],
        [{status: 'skipped'}, skipped],
      ],
    ],
    ['jest_perf_run_flaky_tests', 'Tests that passed only after a retry.', [[{}, run.tests.filter(isFlaky).length]]],
    ['jest_perf_run_hook_failures', 'Failed beforeAll/afterAll hooks (Jest reports them against the file).', [[{}, run.files.reduce((sum, file) => sum + file.hookFailures.length, 0)]]],
    ['jest_perf_run_load_errors', 'Test files that could not run (a missing module, a syntax error, a throw at the top level).', [[{}, run.files.filter(file => file.loadError !== null).length]]],
    ['jest_perf_run_interrupted', '1 when the run stopped before its end: the figures cover the tests finished until then.', [[{}, run.interrupted ? 1 : 0]]],
    ...unmeasuredFamilies(run),
    ['jest_perf_run_test_time_seconds', 'Summed wall time of the executed tests.', [[{}, summary.totalDurationMs / 1000]]],
    ['jest_perf_run_test_duration_avg_seconds', 'Average wall time of an executed test.', [[{}, summary.avgDurationMs / 1000]]],
    ['jest_perf_run_test_duration_max_seconds', 'Longest wall time of an executed test.', [[{}, summary.maxDurationMs / 1000]]],
    ['jest_perf_run_test_duration_min_seconds', 'Shortest wall time of an executed test.', [[{}, summary.minDurationMs / 1000]]],
    ['jest_perf_run_memory_delta_avg_bytes', 'Average RSS growth over one test.', [[{}, summary.avgMemoryDeltaBytes]]],
    ['jest_perf_run_memory_delta_max_bytes', 'Largest RSS growth over one test.', [[{}, summary.maxMemoryDeltaBytes]]],
    ['jest_perf_run_environment_seconds', "jest-perf-monitor's own time in the test environments.", [[{}, run.overhead.environmentMs / 1000]]],
  ];
  let out = '';
  for (const [name, help, samples] of runFamilies) {
    out += gauge(name, help);
    for (const [pairs, value] of samples) out += `${name}${Object.keys(pairs).length > 0 ? labels(pairs) : ''} ${sample(value)}\n`;
  }
  // A file that ran in several projects has a series per project.
  const fileLabels = (file: RunMetrics['files'][number]): string => labels(file.project === null ? {file: file.file} : {file: file.file, [projectLabel]: file.project});
  out += gauge('jest_perf_file_load_seconds', 'Time to load and collect the test file.');
  for (const file of run.files) out += `jest_perf_file_load_seconds${fileLabels(file)} ${sample(file.loadMs / 1000)}\n`;
  out += gauge('jest_perf_file_heap_growth_bytes', 'V8 used heap at the end minus at the start of the file.');
  for (const file of run.files) {
    if (file.completed) out += `jest_perf_file_heap_growth_bytes${fileLabels(file)} ${sample(file.heapEndBytes - file.heapStartBytes)}\n`;
  }
  yield out;

  // One family at a time (the format wants a family's samples together); skipped and todo tests have no figures.
  let executed = tests === 'none' ? [] : run.tests.filter(wasExecuted);
  if (tests === 'slowest') executed = [...executed].sort((a, b) => finalAttempt(b).durationMs - finalAttempt(a).durationMs).slice(0, slowest);
  // A family without samples is left out when tests were left out on purpose (a Pushgateway gets no empty family).
  if (executed.length === 0 && tests !== 'all') return;
  for (const family of PER_TEST) {
    yield gauge(family.name, family.help);
    for (let start = 0; start < executed.length; start += BATCH) {
      let chunk = '';
      for (const entry of executed.slice(start, start + BATCH)) {
        const value = family.value(entry);
        if (value === null) continue;
        chunk += `${family.name}${labels({test: entry.id, file: entry.file, status: finalAttempt(entry).status})} ${sample(value)}\n`;
      }
      yield chunk;
    }
  }
}
