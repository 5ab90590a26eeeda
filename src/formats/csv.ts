import type * as CsvStringify from 'csv-stringify/sync';
import {testEntry} from '../model/toSchema';
import type {RunMetrics, TestEntry} from '../model/types';

// Loaded on first use, like every format's library: most runs write JSON only.
let csv: typeof CsvStringify | null = null;
function stringify(...args: Parameters<typeof CsvStringify.stringify>): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
  csv ??= require('csv-stringify/sync') as typeof CsvStringify;
  return csv.stringify(...args);
}

/** The columns, in the JSON file's units (seconds, MiB); the unit is in each name. */
export const CSV_COLUMNS = [
  'id',
  'file',
  'titles',
  'status',
  'attempts',
  'duration_s',
  'setup_time_s',
  'call_time_s',
  'teardown_time_s',
  'memory_start_mb',
  'memory_peak_mb',
  'memory_end_mb',
  'memory_delta_mb',
  'heap_start_mb',
  'heap_end_mb',
  'heap_delta_mb',
  'cpu_percent',
  'cpu_user_ms',
  'cpu_system_ms',
  'worker',
  'concurrent',
  'started_at',
  'error_type',
  'error_message',
  'error_location',
] as const;

/**
 * A text cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, or a tab or carriage return first, as
 * OWASP lists them) starts with `'`, which shows the text as it is. Numbers are numbers (typed, not text), so a
 * negative figure stays one.
 */
export function csvText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Rows handed to the CSV library at a time: fewer calls, bounded memory. */
const BATCH = 1000;

function row(entry: TestEntry): Array<string | number | boolean | null> {
  return rawRow(entry).map(cell => (typeof cell === 'string' ? csvText(cell) : cell));
}

function rawRow(entry: TestEntry): Array<string | number | boolean | null> {
  const test = testEntry(entry);
  const failure = test.failure;
  return [
    entry.id,
    entry.file,
    entry.record.titlePath.join(' > '),
    test.status,
    entry.record.attempts.length,
    test.duration,
    test.setup_time,
    test.call_time,
    test.teardown_time,
    test.memory.start_mb,
    test.memory.peak_mb,
    test.memory.end_mb,
    test.memory.delta_mb,
    // Empty cells where the heap was not read per test (static mode).
    test.heap?.start_mb ?? null,
    test.heap?.end_mb ?? null,
    test.heap?.delta_mb ?? null,
    test.cpu_percent,
    test.cpu_user_ms,
    test.cpu_system_ms,
    test.worker,
    test.concurrent,
    test.started_at,
    failure?.error_type ?? null,
    failure?.message ?? null,
    failure?.location ? `${failure.location.file}:${failure.location.line}:${failure.location.column}` : null,
  ];
}

/**
 * One row per test with every metric, RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF quoted, quotes
 * doubled. csv-stringify quotes a comma, a quote and the record delimiter (CRLF) by itself, but not a bare LF or CR,
 * which a multi-line failure message holds: `quoted_match` quotes those too. Empty fields stand for "none" (no
 * failure, no CPU figure).
 */
export function* renderCsv(run: RunMetrics): Generator<string> {
  const options = {record_delimiter: 'windows', quoted_match: /[\r\n]/, cast: {boolean: (value: boolean) => String(value)}} as const;
  yield stringify([[...CSV_COLUMNS]], options);
  for (let start = 0; start < run.tests.length; start += BATCH) {
    yield stringify(run.tests.slice(start, start + BATCH).map(row), options);
  }
}
