import type {FailureRecord, RunMetrics} from '../model/types';
import {failureWhere, finalAttempt, formatMib, formatMs, formatSignedMib, isFlaky, listFailures, plural, slowestTests} from './common';

export interface MarkdownOptions {
  /** Rows of the slowest-tests table. @default 10 */
  top?: number;
  /** Failures shown with their detail; the rest are counted. @default 50 */
  maxFailures?: number;
  /**
   * Stop adding failures once the document reaches this many bytes (a GitHub job summary holds at most 1 MiB).
   * @default Infinity
   */
  maxBytes?: number;
  /** The first heading. @default 'Test performance' */
  title?: string;
}

/** Text for a table cell: one line, with the characters that would end the cell or format the text escaped. */
function cell(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/[\\`*_[\]|#~]/g, match => `\\${match}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A test id in a table or heading: a code span, so `__tests__` and `>` stay as typed. */
function code(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.includes('`') ? cell(oneLine) : `\`${oneLine.replace(/\|/g, '\\|')}\``;
}

/** A fenced block that no backtick run inside the text can close. */
function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), match => match[0].length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${language}\n${text}\n${marks}\n`;
}

function failureBlock(heading: string, failure: FailureRecord | null, file: string): string {
  const parts = [`#### ✕ ${code(heading)}\n\n`];
  if (failure === null) return parts.join('');
  parts.push(`${failure.errorType ? `**${cell(failure.errorType)}**: ` : ''}${cell(failure.message.split('\n')[0])}  \n`);
  parts.push(`at \`${failureWhere(failure.location, file).replace(/`/g, "'")}\`${failure.phase === 'test' ? '' : ` (in ${cell(failure.phase)})`}\n\n`);
  const rest = failure.message.split('\n').slice(1).join('\n').trim();
  if (rest) parts.push(fence(rest));
  if (failure.codeFrame) parts.push(fence(failure.codeFrame));
  const variables: Record<string, unknown> = {};
  if (failure.locals) Object.assign(variables, failure.locals);
  if (failure.closure && Object.keys(failure.closure).length > 0) variables['closure'] = failure.closure;
  if (Object.keys(variables).length > 0) {
    parts.push(`<details><summary>Captured variables</summary>\n\n${fence(JSON.stringify(variables, null, 2), 'json')}\n</details>\n\n`);
  }
  if (failure.stack) parts.push(`<details><summary>Stack</summary>\n\n${fence(failure.stack)}\n</details>\n\n`);
  return parts.join('');
}

/**
 * A Markdown report: the run in figures, the slowest tests, and the failures with their code frames. GitHub
 * renders it as a job summary; anywhere else it is a readable file.
 */
export function* renderMarkdown(run: RunMetrics, options: MarkdownOptions = {}): Generator<string> {
  const top = options.top ?? 10;
  const maxFailures = options.maxFailures ?? 50;
  const maxBytes = options.maxBytes ?? Infinity;
  const {stats, summary} = run;
  const skipped = stats.totalCount - stats.passedCount - stats.failuresCount;
  const flaky = run.tests.filter(isFlaky).length;

  const head: string[] = [`## ${options.title ?? 'Test performance'}\n\n`];
  const counts = [`${stats.passedCount} passed`, `${stats.failuresCount} failed`];
  if (skipped > 0) counts.push(`${skipped} skipped or todo`);
  if (flaky > 0) counts.push(`${flaky} flaky (passed on retry)`);
  head.push(`**${plural(stats.totalCount, 'test')}**: ${counts.join(', ')}, in ${formatMs(run.durationMs)}.\n\n`);
  head.push('| test time | average | slowest | fastest | avg memory Δ | max memory Δ |\n|---:|---:|---:|---:|---:|---:|\n');
  head.push(
    `| ${formatMs(summary.totalDurationMs)} | ${formatMs(summary.avgDurationMs)} | ${formatMs(summary.maxDurationMs)} | ${formatMs(summary.minDurationMs)} ` +
      `| ${formatSignedMib(summary.avgMemoryDeltaBytes)} | ${formatSignedMib(summary.maxMemoryDeltaBytes)} |\n\n`,
  );
  const slowest = slowestTests(run.tests, top);
  if (slowest.length > 0) {
    head.push(`### Slowest tests\n\n| test | total | setup | call | teardown | memory Δ | peak | CPU |\n|---|---:|---:|---:|---:|---:|---:|---:|\n`);
    for (const entry of slowest) {
      const a = finalAttempt(entry);
      head.push(
        `| ${code(entry.id)} | ${formatMs(a.durationMs)} | ${formatMs(a.setupMs)} | ${formatMs(a.callMs)} | ${formatMs(a.teardownMs)} ` +
          `| ${formatSignedMib(a.rssEndBytes - a.rssStartBytes)} | ${formatMib(a.rssPeakBytes)} | ${a.cpuPercent === null ? '–' : `${a.cpuPercent.toFixed(0)} %`} |\n`,
      );
    }
    head.push('\n');
  }
  let bytes = 0;
  for (const part of head) {
    bytes += Buffer.byteLength(part);
    yield part;
  }

  const failed = listFailures(run);
  if (failed.length === 0) return;
  const hooks = failed.filter(item => item.hook).length;
  yield `### Failures (${plural(failed.length - hooks, 'test')}${hooks > 0 ? `, ${plural(hooks, 'beforeAll/afterAll hook')}` : ''})\n\n`;
  let shown = 0;
  for (const item of failed) {
    if (shown >= maxFailures) break;
    const block = failureBlock(item.title, item.failure, item.file);
    const size = Buffer.byteLength(block);
    if (bytes + size > maxBytes) break;
    bytes += size;
    shown++;
    yield block;
  }
  if (shown < failed.length) yield `… and ${plural(failed.length - shown, 'more failure')} not shown here; the JSON report has them all.\n`;
}
