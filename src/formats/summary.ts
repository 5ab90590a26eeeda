import {ownCostMs, ownCostPercent} from '../model/overhead';
import type {FailureRecord, RunMetrics, TestEntry} from '../model/types';
import {VARIABLES_MISSING} from '../model/types';
import {fileKeyOfId} from '../model/testId';
import {findingLines} from './findings';
import {workerMemoryLines} from './workerMemory';
import {cpuKey, cpuTimeKey, finalAttempt, functionLabel, headlineCounts, heaviestImports, memoryDeltaKey, runNotes, slowestTests, topBy} from './common';
import {listFailures} from './failureList';
import {clipId, clipMiddle, displayWidth, formatMib, formatMs, formatSignedMib, plural, printable, table} from './terminalText';

export interface SummaryOptions {
  /** How many tests each table lists. @default 5 */
  top?: number;
  /** The report files written (the JSON first), shown as the last line. */
  written?: string[];
  /**
   * Tests shorter than this show no CPU % in the CPU table (the share of a few milliseconds is noise); the table
   * ranks by CPU time, so they rank low anyway. @default 10
   */
  minCpuDurationMs?: number;
  /** How many failures to list. @default 10 */
  maxFailures?: number;
  /**
   * The terminal's width: tables fit it, cutting the middle of long test ids. Pass the stream's `columns` when it
   * is a TTY (see `terminalColumns`). @default 100
   */
  columns?: number;
}

/** The width assumed when the output is not a terminal (a CI log, a file, a pipe). */
export const DEFAULT_COLUMNS = 100;
/** Ids never get fewer columns than this, even in a narrow terminal (the row wraps instead). */
const MIN_ID_WIDTH = 24;

/** The width to render for on `stream`: its columns when it is a terminal, else `DEFAULT_COLUMNS`. */
export function terminalColumns(stream: {isTTY?: boolean; columns?: number}): number {
  return stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS;
}

/** One line of at most `width` columns, cut at its end (messages: their start says the most), unprintables escaped. */
function clip(text: string, width: number): string {
  const oneLine = printable(text.replace(/\s+/g, ' '));
  if (displayWidth(oneLine) <= width) return oneLine;
  let cut = oneLine.slice(0, width - 1);
  while (displayWidth(cut) > width - 1) cut = Array.from(cut).slice(0, -1).join('');
  return `${cut}…`;
}

/** Code frame lines shown per failure (the failing line and its neighbours). */
const FRAME_LINES = 5;
/** Width of one captured-variables line. */
const VARIABLES_WIDTH = 150;

/** A failure in a few lines: message, where, the code frame and (trace mode) the variables. */
function describeFailure(failure: FailureRecord, file: string, columns: number): string[] {
  const out: string[] = [];
  const where = failure.location ? `${failure.location.file}:${failure.location.line}:${failure.location.column}` : file;
  out.push(`    ${failure.errorType ? `${printable(failure.errorType)}: ` : ''}${clip(failure.message, Math.max(140, columns - 6))}`);
  out.push(`    at ${printable(where)}`);
  if (failure.codeFrame) {
    const frame = failure.codeFrame.split('\n');
    const marker = Math.max(0, frame.findIndex(line => line.startsWith('>')));
    const from = Math.max(0, Math.min(marker - 2, frame.length - FRAME_LINES));
    for (const line of frame.slice(from, from + FRAME_LINES)) out.push(`      ${printable(line)}`);
  }
  for (const [frame, variables] of Object.entries(failure.locals ?? {})) {
    if (Object.keys(variables).length === 0) continue;
    out.push(`    locals of ${clip(`${frame}: ${showVariables(variables)}`, Math.max(VARIABLES_WIDTH, columns - 4))}`);
  }
  if (failure.closure && Object.keys(failure.closure).length > 0) {
    out.push(`    closure: ${clip(showVariables(failure.closure), Math.max(VARIABLES_WIDTH, columns - 4))}`);
  }
  // Trace and auto: a failure without variables says why.
  if (failure.variablesMissing) out.push(`    no variables: ${VARIABLES_MISSING[failure.variablesMissing]}`);
  return out;
}

function showVariables(variables: Record<string, unknown>): string {
  return Object.entries(variables)
    .map(([name, value]) => `${name}=${JSON.stringify(value) ?? String(value)}`)
    .join(' ');
}

/**
 * A table of tests: the other cells are formatted first, and the ids get what is left of the terminal's width, cut
 * in the middle (`clipId`), so that every row fits one line and the columns stay aligned.
 */
function testTable(title: string, header: string[], entries: readonly TestEntry[], cells: (entry: TestEntry) => string[], columns: number): string[] {
  if (entries.length === 0) return [];
  const figures = entries.map(cells);
  const figureWidths = header.slice(1).map((label, column) => Math.max(label.length, ...figures.map(row => displayWidth(row[column]))));
  // Two spaces of indent, then two between columns.
  const idWidth = Math.max(MIN_ID_WIDTH, columns - 2 - figureWidths.reduce((sum, width) => sum + width + 2, 0));
  return table(title, [header, ...entries.map((entry, index) => [clipId(entry.id, idWidth), ...figures[index]])]);
}

/** `cpuProfile`: under the slowest tests' table, each profiled one with its top 2 functions by self time. */
function profileLines(slowest: readonly TestEntry[], columns: number): string[] {
  const profiled = slowest.filter(entry => entry.record.profile !== undefined && entry.record.profile.top.length > 0);
  if (profiled.length === 0) return [];
  const lines = ['Where the slowest tests spent CPU (self time, top 2; open profiles/*.cpuprofile in DevTools)'];
  for (const entry of profiled) {
    lines.push(`  ${printable(clipId(entry.id, columns - 2))}`);
    for (const fn of entry.record.profile!.top.slice(0, 2)) lines.push(`    ${formatMs(fn.selfMs).padStart(9)}  ${printable(clipMiddle(functionLabel(fn), columns - 15))}`);
  }
  return lines;
}

/** The summary printed after a run: the slowest, the most memory-hungry and the CPU-heaviest tests, and failures. */
export function renderSummary(run: RunMetrics, options: SummaryOptions = {}): string {
  const top = options.top ?? 5;
  const columns = Math.max(40, Math.floor(options.columns ?? DEFAULT_COLUMNS));
  const idWidth = columns - 4;
  const maxFailures = options.maxFailures ?? 10;
  const lines = [
    headline(run),
    ...runNotes(run),
    ...rankedTables(run, top, options.minCpuDurationMs ?? 10, columns),
    ...failureLines(run, maxFailures, columns),
    ...findingLines(run, maxFailures, id => clipId(id, idWidth)).map(printable),
    ...workerMemoryLines(run).map(printable),
    ...stoppedFileLines(run),
    ...ownCostLines(run, options.written ?? []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The first line: Jest's own counts (failures in files the monitor did not measure included, and said so). */
function headline(run: RunMetrics): string {
  const counts = headlineCounts(run);
  const retried = run.tests.filter(entry => entry.record.attempts.length > 1).length;
  const parts = [`${counts.passed} passed`, `${counts.failed} failed`];
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped/todo`);
  if (retried > 0) parts.push(`${retried} retried`);
  const unmeasured = run.unmeasured ? `; ${run.unmeasured.testCount} of them, ${counts.unmeasuredFailed} failed, in unmeasured files` : '';
  const loadErrors = run.files.filter(file => file.loadError !== null).length;
  return (
    `jest-perf-monitor: ${plural(counts.total, 'test')} (${parts.join(', ')}${unmeasured})` +
    `${loadErrors > 0 ? ` and ${plural(loadErrors, 'test file')} that could not run,` : ''} in ${formatMs(run.durationMs)}; ` +
    `test time ${formatMs(run.summary.totalDurationMs)}, avg ${formatMs(run.summary.avgDurationMs)}, max ${formatMs(run.summary.maxDurationMs)}`
  );
}

/** The ranked tables: slowest tests (with their profiles), memory growth, CPU time, heaviest imports. */
function rankedTables(run: RunMetrics, top: number, minCpuDurationMs: number, columns: number): string[] {
  const executed = run.tests.filter(entry => finalAttempt(entry).status === 'passed' || finalAttempt(entry).status === 'failed');
  const slowest = slowestTests(run.tests, top);
  const lines = [
    ...testTable('Slowest tests (total = setup + call + teardown)', ['test', 'total', 'setup', 'call', 'teardown'], slowest, entry => {
      const a = finalAttempt(entry);
      return [formatMs(a.durationMs), formatMs(a.setupMs), formatMs(a.callMs), formatMs(a.teardownMs)];
    }, columns),
    ...profileLines(slowest, columns),
    ...testTable('Biggest memory growth (RSS)', ['test', 'delta', 'peak', 'heap delta'], topBy(executed, top, memoryDeltaKey), entry => {
      const a = finalAttempt(entry);
      return [formatSignedMib(a.rssEndBytes - a.rssStartBytes), formatMib(a.rssPeakBytes), a.heapEndBytes === null || a.heapStartBytes === null ? '—' : formatSignedMib(a.heapEndBytes - a.heapStartBytes)];
    }, columns),
  ];

  // Ranked by CPU time, not by share: a test that burnt 190 ms outranks a 17 ms one at 140 %. Concurrent tests are
  // left out: their worker's CPU time is shared with the tests running beside them.
  const cpuHeavy = topBy(executed, top, cpuTimeKey, entry => !finalAttempt(entry).concurrent && cpuTimeKey(entry) > 0);
  lines.push(
    ...testTable('CPU-heaviest tests (CPU time = user + system)', ['test', 'cpu time', 'user', 'system', 'cpu %'], cpuHeavy, entry => {
      const a = finalAttempt(entry);
      // At the JSON file's precision (cpuKey), so the CLI's summary of the file prints the same figure.
      const share = a.cpuPercent === null || a.durationMs < minCpuDurationMs ? '–' : `${cpuKey(entry).toFixed(0)} %`;
      return [formatMs(cpuTimeKey(entry)), formatMs(a.cpuUserMs), formatMs(a.cpuSystemMs), share];
    }, columns),
  );

  const heavy = heaviestImports(run, top);
  if (heavy.length > 0) {
    const header = ['module', 'self', 'total', 'transform', 'files'];
    const figures = heavy.map(cost => [formatMs(cost.selfMs), formatMs(cost.totalMs), formatMs(cost.transformMs), String(cost.files)]);
    const figureWidths = header.slice(1).map((label, column) => Math.max(label.length, ...figures.map(row => displayWidth(row[column]))));
    const nameWidth = Math.max(MIN_ID_WIDTH, columns - 2 - figureWidths.reduce((sum, width) => sum + width + 2, 0));
    lines.push(
      ...table('Heaviest imports (self = own code and transform, summed over files; total = with what it loads)', [
        header,
        ...heavy.map((cost, index) => [clipId(cost.module, nameWidth), ...figures[index]]),
      ]),
    );
  }
  return lines;
}

/** Files that could not run, failed tests and failed beforeAll/afterAll hooks, each list cut at `maxFailures`. */
function failureLines(run: RunMetrics, maxFailures: number, columns: number): string[] {
  // `failuresCount` covers failures whose record was not kept; the list holds the ones that were.
  const listed = listFailures(run);
  const loads = listed.filter(item => item.kind === 'load');
  const failed = listed.filter(item => item.kind === 'test');
  const hooks = listed.filter(item => item.kind === 'hook');
  if (run.stats.failuresCount === 0 && loads.length === 0 && hooks.length === 0) return [];
  const parts = run.stats.failuresCount > 0 ? [plural(run.stats.failuresCount, 'test')] : [];
  if (loads.length > 0) parts.push(plural(loads.length, 'file that could not run', 'files that could not run'));
  if (hooks.length > 0) parts.push(plural(hooks.length, 'beforeAll/afterAll hook'));
  const lines = [`Failures (${parts.join(', ')})`];
  const list = (items: typeof listed): void => {
    for (const item of items.slice(0, maxFailures)) {
      lines.push(`  ✕ ${clipId(item.title, columns - 4)}`);
      if (item.failure) lines.push(...describeFailure(item.failure, item.file, columns));
    }
  };
  list(loads);
  if (loads.length > maxFailures) lines.push(`  … and ${plural(loads.length - maxFailures, 'more file')} that could not run not shown`);
  list(failed);
  const notListed = run.stats.failuresCount - Math.min(failed.length, maxFailures);
  if (notListed > 0) lines.push(`  … and ${plural(notListed, 'more failure')} not shown (see the JSON file)`);
  list(hooks);
  if (hooks.length > maxFailures) lines.push(`  … and ${plural(hooks.length - maxFailures, 'more hook failure')} not shown`);
  return lines;
}

/** Files that started and did not finish (a file that could not run never started; it is listed with the failures). */
function stoppedFileLines(run: RunMetrics): string[] {
  const incomplete = run.files.filter(file => !file.completed && file.loadError === null);
  if (incomplete.length === 0) return [];
  const lines = [`Files that stopped before finishing (worker crash or process.exit): ${printable(incomplete.map(file => file.key).join(', '))}`];
  // Jest reports such a file as a suite that failed to run and counts none of its tests; we keep the ones that
  // finished (docs/how-it-measures.md#no-loss). Said, so the two totals can be reconciled.
  const keys = new Set(incomplete.map(file => file.key));
  const kept = run.tests.filter(entry => keys.has(fileKeyOfId(entry.id, entry.file))).length;
  if (kept > 0) {
    lines.push(
      `  ${plural(kept, 'test')} of ${incomplete.length === 1 ? 'it' : 'them'} finished and ${kept === 1 ? 'is' : 'are'} counted above; Jest counts no test of a file whose worker crashed (it reports a suite that failed to run), so its total is ${kept} lower`,
    );
  }
  return lines;
}

/**
 * The rest of the own cost, and all of it as a share of the run's CPU (docs/performance.md, "Own cost"); nothing
 * for a run read from a file written before that was counted.
 */
function ownCostRest(overhead: RunMetrics['overhead']): string {
  if (overhead.moduleLoadMs === undefined) return '';
  const parts = [`${formatMs(overhead.moduleLoadMs)} loading the package`];
  const thread = (ms: number | null | undefined, name: string): void => {
    if (ms === null) parts.push(`${name} not readable here`);
    else if (ms !== undefined && ms > 0) parts.push(`${formatMs(ms)} ${name}`);
  };
  thread(overhead.samplerMs, 'in the RSS sampler thread');
  thread(overhead.profilerMs, "in V8's profiler thread");
  parts.push(`${formatMs(overhead.reportWritingMs ?? 0)} writing reports`);
  const percent = ownCostPercent(overhead);
  const share =
    percent === null
      ? `${formatMs(ownCostMs(overhead))} in all; the run's CPU is not known (a worker sent no CPU figure)`
      : `${formatMs(ownCostMs(overhead))} in all, ${percent < 0.1 ? percent.toFixed(2) : percent.toFixed(1)} % of the run's CPU (${formatMs(overhead.runCpuMs ?? 0)})`;
  return `, ${parts.join(', ')}: ${share}`;
}

/** The package's own cost, what the memory limits dropped, and where the reports went. */
function ownCostLines(run: RunMetrics, written: readonly string[]): string[] {
  // Trace mode's debugger makes V8 recompile every module per file: that part is estimated, and said to be.
  const trace = run.overhead.traceMs > 0 ? `; ${formatMs(run.overhead.traceMs)} of it trace mode's debugger: set-up, pauses, recompiles (estimated)` : '';
  const share = run.summary.totalDurationMs > 0 ? ` (${((run.overhead.environmentMs / run.summary.totalDurationMs) * 100).toFixed(1)} % of test time${trace})` : trace === '' ? '' : ` (${trace.slice(2)})`;
  const lines = [`Own cost: ${formatMs(run.overhead.environmentMs)} in test environments${share}, ${formatMs(run.overhead.reporterMs)} in the reporter${ownCostRest(run.overhead)}`];
  const limits: string[] = [];
  if (run.stats.passedAtLimit) limits.push(`${plural(run.stats.passedDropped, 'fast passed test')} left out of the file (maxPassed)`);
  if (run.stats.failuresAtLimit) limits.push(`detail of the ${plural(run.stats.failuresDropped, 'oldest failure')} dropped (maxFailures)`);
  if (limits.length > 0) lines.push(`Memory limits: ${limits.join('; ')}; the summary still covers every test`);
  if (written.length === 1) lines.push(`Metrics written to ${printable(written[0])}`);
  else if (written.length > 1) lines.push(`Reports written: ${printable(written.join(', '))}`);
  return lines;
}
