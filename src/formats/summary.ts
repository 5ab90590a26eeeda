import type {FailureRecord, RunMetrics} from '../model/types';
import {findingLines} from './findings';
import {cpuKey, table, finalAttempt, formatMib, formatMs, formatSignedMib, memoryDeltaKey, plural, slowestTests, topBy} from './common';

export interface SummaryOptions {
  /** How many tests each table lists. @default 5 */
  top?: number;
  /** The report files written (the JSON first), shown as the last line. */
  written?: string[];
  /** Tests shorter than this are left out of the CPU table: their percentages are noise. @default 10 */
  minCpuDurationMs?: number;
  /** How many failures to list. @default 10 */
  maxFailures?: number;
}

/** Ids are clipped so that a table fits a 120-column CI log. */
const ID_WIDTH = 80;


function clip(text: string, width: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > width ? `${oneLine.slice(0, width - 1)}…` : oneLine;
}

/** Code frame lines shown per failure (the failing line and its neighbours). */
const FRAME_LINES = 5;
/** Width of one captured-variables line. */
const VARIABLES_WIDTH = 150;

/** A failure in a few lines: message, where, the code frame and (trace mode) the variables. */
function describeFailure(failure: FailureRecord, file: string): string[] {
  const out: string[] = [];
  const where = failure.location ? `${failure.location.file}:${failure.location.line}:${failure.location.column}` : file;
  out.push(`    ${failure.errorType ? `${failure.errorType}: ` : ''}${clip(failure.message, 140)}`);
  out.push(`    at ${where}`);
  if (failure.codeFrame) {
    const frame = failure.codeFrame.split('\n');
    const marker = Math.max(0, frame.findIndex(line => line.startsWith('>')));
    const from = Math.max(0, Math.min(marker - 2, frame.length - FRAME_LINES));
    for (const line of frame.slice(from, from + FRAME_LINES)) out.push(`      ${line}`);
  }
  for (const [frame, variables] of Object.entries(failure.locals ?? {})) {
    if (Object.keys(variables).length === 0) continue;
    out.push(`    locals of ${clip(`${frame}: ${showVariables(variables)}`, VARIABLES_WIDTH)}`);
  }
  if (failure.closure && Object.keys(failure.closure).length > 0) {
    out.push(`    closure: ${clip(showVariables(failure.closure), VARIABLES_WIDTH)}`);
  }
  return out;
}

function showVariables(variables: Record<string, unknown>): string {
  return Object.entries(variables)
    .map(([name, value]) => `${name}=${JSON.stringify(value) ?? String(value)}`)
    .join(' ');
}

/** The summary printed after a run: the slowest, the most memory-hungry and the CPU-heaviest tests, and failures. */
export function renderSummary(run: RunMetrics, options: SummaryOptions = {}): string {
  const top = options.top ?? 5;
  const minCpuDurationMs = options.minCpuDurationMs ?? 10;
  const executed = run.tests.filter(entry => finalAttempt(entry).status === 'passed' || finalAttempt(entry).status === 'failed');
  const skipped = run.stats.totalCount - run.stats.passedCount - run.stats.failuresCount;
  const retried = run.tests.filter(entry => entry.record.attempts.length > 1).length;
  const lines: string[] = [];

  const counts = [`${run.stats.passedCount} passed`, `${run.stats.failuresCount} failed`];
  if (skipped > 0) counts.push(`${skipped} skipped/todo`);
  if (retried > 0) counts.push(`${retried} retried`);
  lines.push(
    `jest-perf-monitor: ${plural(run.stats.totalCount, 'test')} (${counts.join(', ')}) in ${formatMs(run.durationMs)}; ` +
      `test time ${formatMs(run.summary.totalDurationMs)}, avg ${formatMs(run.summary.avgDurationMs)}, max ${formatMs(run.summary.maxDurationMs)}`,
  );

  const slowest = slowestTests(run.tests, top);
  if (slowest.length > 0) {
    lines.push(
    ...table('Slowest tests (total = setup + call + teardown)', [
      ['test', 'total', 'setup', 'call', 'teardown'],
      ...slowest.map(entry => {
        const a = finalAttempt(entry);
        return [clip(entry.id, ID_WIDTH), formatMs(a.durationMs), formatMs(a.setupMs), formatMs(a.callMs), formatMs(a.teardownMs)];
      }),
    ]),
    );
  }

  const hungry = topBy(executed, top, memoryDeltaKey);
  if (hungry.length > 0) {
    lines.push(
      ...table('Biggest memory growth (RSS)', [
        ['test', 'delta', 'peak', 'heap delta'],
        ...hungry.map(entry => {
          const a = finalAttempt(entry);
          return [clip(entry.id, ID_WIDTH), formatSignedMib(a.rssEndBytes - a.rssStartBytes), formatMib(a.rssPeakBytes), formatSignedMib(a.heapEndBytes - a.heapStartBytes)];
        }),
      ]),
    );
  }

  const cpuHeavy = topBy(executed, top, cpuKey, entry => finalAttempt(entry).cpuPercent !== null && finalAttempt(entry).durationMs >= minCpuDurationMs);
  if (cpuHeavy.length > 0) {
    lines.push(
      ...table(`CPU-heaviest tests (at least ${minCpuDurationMs} ms)`, [
        ['test', 'cpu', 'user', 'system'],
        ...cpuHeavy.map(entry => {
          const a = finalAttempt(entry);
          // At the JSON file's precision (cpuKey), so the CLI's summary of the file prints the same figure.
          return [clip(entry.id, ID_WIDTH), `${cpuKey(entry).toFixed(0)} %`, formatMs(a.cpuUserMs), formatMs(a.cpuSystemMs)];
        }),
      ]),
    );
  }

  const failed = run.tests.filter(entry => finalAttempt(entry).status === 'failed');
  const hookFailures = run.files.flatMap(file => file.hookFailures.map(failure => ({file: file.file, failure})));
  if (run.stats.failuresCount > 0 || hookFailures.length > 0) {
    const maxFailures = options.maxFailures ?? 10;
    lines.push(`Failures (${plural(run.stats.failuresCount, 'test')}${hookFailures.length > 0 ? `, ${plural(hookFailures.length, 'beforeAll/afterAll hook')}` : ''})`);
    for (const entry of failed.slice(0, maxFailures)) {
      lines.push(`  ✕ ${clip(entry.id, 110)}`);
      const failure = finalAttempt(entry).failure;
      if (failure) lines.push(...describeFailure(failure, entry.file));
    }
    const notListed = run.stats.failuresCount - Math.min(failed.length, maxFailures);
    if (notListed > 0) lines.push(`  … and ${plural(notListed, 'more failure')} not shown (see the JSON file)`);
    for (const {file, failure} of hookFailures.slice(0, maxFailures)) {
      lines.push(`  ✕ ${file} (${failure.phase})`);
      lines.push(...describeFailure(failure, file));
    }
    if (hookFailures.length > maxFailures) lines.push(`  … and ${plural(hookFailures.length - maxFailures, 'more hook failure')} not shown`);
  }

  lines.push(...findingLines(run, options.maxFailures ?? 10, id => clip(id, 110)));

  const incomplete = run.files.filter(file => !file.completed);
  if (incomplete.length > 0) {
    lines.push(`Files that stopped before finishing (worker crash or process.exit): ${incomplete.map(file => file.file).join(', ')}`);
  }
  const share = run.summary.totalDurationMs > 0 ? ` (${((run.overhead.environmentMs / run.summary.totalDurationMs) * 100).toFixed(1)} % of test time)` : '';
  lines.push(`Own cost: ${formatMs(run.overhead.environmentMs)} in test environments${share}, ${formatMs(run.overhead.reporterMs)} in the reporter`);
  const limits: string[] = [];
  if (run.stats.passedAtLimit) limits.push(`${plural(run.stats.passedDropped, 'fast passed test')} left out of the file (maxPassed)`);
  if (run.stats.failuresAtLimit) limits.push(`detail of the ${plural(run.stats.failuresDropped, 'oldest failure')} dropped (maxFailures)`);
  if (limits.length > 0) lines.push(`Memory limits: ${limits.join('; ')}; the summary still covers every test`);
  const written = options.written ?? [];
  if (written.length === 1) lines.push(`Metrics written to ${written[0]}`);
  else if (written.length > 1) lines.push(`Reports written: ${written.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
