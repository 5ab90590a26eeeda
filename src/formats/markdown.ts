import type {FailureRecord, RunMetrics} from '../model/types';
import {VARIABLES_MISSING} from '../model/types';
import {breachRule, describeBreach, describeChange, describeLeak, driftLines} from './findings';
import {describeTopFiles, describeWorkerGrowth, gcNote} from './workerMemory';
import {finalAttempt, functionLabel, headlineCounts, heaviestImports, isFlaky, runNotes, slowestTests} from './common';
import {describeFailureCounts, failureWhere, listFailures, phaseNote} from './failureList';
import {formatMib, formatMs, formatSignedMib, plural} from './terminalText';

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
  parts.push(`at \`${failureWhere(failure.location, file).replace(/`/g, "'")}\`${cell(phaseNote(failure))}\n\n`);
  const rest = failure.message.split('\n').slice(1).join('\n').trim();
  if (rest) parts.push(fence(rest));
  if (failure.codeFrame) parts.push(fence(failure.codeFrame));
  const variables: Record<string, unknown> = {};
  if (failure.locals) Object.assign(variables, failure.locals);
  if (failure.closure && Object.keys(failure.closure).length > 0) variables['closure'] = failure.closure;
  if (Object.keys(variables).length > 0) {
    parts.push(`<details><summary>Captured variables</summary>\n\n${fence(JSON.stringify(variables, null, 2), 'json')}\n</details>\n\n`);
  }
  if (failure.variablesMissing) parts.push(`No variables: ${cell(VARIABLES_MISSING[failure.variablesMissing])}.\n\n`);
  if (failure.stack) parts.push(`<details><summary>Stack</summary>\n\n${fence(failure.stack)}\n</details>\n\n`);
  return parts.join('');
}

/**
 * A Markdown report: the run in figures, the slowest tests, and the failures with their code frames. GitHub
 * renders it as a job summary; anywhere else it is a readable file.
 */
/** Budgets, the comparison with the baseline and leaks, each as a section with a table. */
function checkSections(run: RunMetrics, top: number): string[] {
  const parts: string[] = [];
  const more = (total: number, what: string): string => (total > top ? `… and ${total - top} more ${what} in the JSON report.\n\n` : '\n');
  if (run.budgets) {
    const {breaches, testsChecked} = run.budgets;
    parts.push(`### Budgets\n\n`);
    if (breaches.length === 0) parts.push(`All ${plural(testsChecked, 'test')} and the suite are within budget.\n\n`);
    else {
      parts.push(`${plural(breaches.length, 'breach', 'breaches')} (${plural(testsChecked, 'test')} checked).\n\n| where | rule | breach |\n|---|---|---|\n`);
      for (const breach of breaches.slice(0, top)) {
        parts.push(`| ${breach.test === null ? 'the suite' : code(breach.test)} | ${cell(breachRule(breach))} | ${cell(describeBreach(breach))} |\n`);
      }
      parts.push(more(breaches.length, 'breaches'));
    }
  }
  if (run.regressions) {
    const report = run.regressions;
    parts.push(
      `### Compared with ${cell(report.baseline)}\n\n${plural(report.regressions.length, 'regression')}, ${plural(report.improvements.length, 'improvement')}, ` +
        `${report.added.length} new, ${report.removed.length} gone; ${plural(report.compared, 'test')} compared. A change beyond the run's drift counts when it exceeds ${report.thresholdPercent} % (or the run's own scatter) and ${formatMs(report.minChangeMs)} (or 3σ of the test's history).\n\n`,
    );
    for (const line of driftLines(report.drift)) parts.push(`${line.startsWith('Run-level') ? `**${cell(line)}**` : cell(line)}\n\n`);
    const changes = [...report.regressions.map(change => ['slower', change] as const), ...report.improvements.map(change => ['faster', change] as const)];
    if (changes.length > 0) {
      parts.push('| test | change | baseline → now (clock; beyond the drift; margin needed) |\n|---|---|---|\n');
      for (const [kind, change] of changes.slice(0, top)) parts.push(`| ${code(change.id)} | ${kind} | ${cell(describeChange(change))} |\n`);
      parts.push(more(changes.length, 'changes'));
    }
  }
  if (run.leaks) {
    const {flagged, filesChecked} = run.leaks;
    parts.push(`### Leaks\n\n`);
    if (flagged.length === 0) parts.push(`No file's retained heap keeps growing (${plural(filesChecked, 'file')} checked).\n\n`);
    else {
      parts.push(`| file | retained heap |\n|---|---|\n`);
      for (const leak of flagged.slice(0, top)) parts.push(`| ${code(leak.file)} | ${cell(describeLeak(leak))} |\n`);
      parts.push(more(flagged.length, 'files'));
    }
  }
  return parts;
}

/** Which files made each worker grow (docs/checks.md, "Memory across files"). */
function workerMemorySection(run: RunMetrics, top: number): string[] {
  const workers = run.workerMemory;
  if (workers === null) return [];
  const parts = [
    '### Worker memory across files\n\nEach worker\'s heap and RSS read after every file\'s teardown; what stayed until its last file is attributed to the file that added it.\n\n',
    '| worker | readings | files that left the most |\n|---|---|---|\n',
  ];
  for (const worker of workers.slice(0, top)) parts.push(`| ${cell(describeWorkerGrowth(worker))} | ${cell(gcNote(worker))} | ${cell(describeTopFiles(worker) ?? 'no file left memory behind')} |\n`);
  if (workers.length > top) parts.push(`\n… and ${plural(workers.length - top, 'more worker')} in the JSON report.\n`);
  parts.push('\n');
  return parts;
}

export function* renderMarkdown(run: RunMetrics, options: MarkdownOptions = {}): Generator<string> {
  const top = options.top ?? 10;
  const maxFailures = options.maxFailures ?? 50;
  const maxBytes = options.maxBytes ?? Infinity;
  const {summary} = run;
  const headline = headlineCounts(run);
  const flaky = run.tests.filter(isFlaky).length;

  const head: string[] = [`## ${options.title ?? 'Test performance'}\n\n`];
  const counts = [`${headline.passed} passed`, `${headline.failed} failed`];
  if (headline.skipped > 0) counts.push(`${headline.skipped} skipped or todo`);
  if (flaky > 0) counts.push(`${flaky} flaky (passed on retry)`);
  // Jest's counts: tests of unmeasured files are in them, and said so.
  const unmeasured = run.unmeasured ? `; ${run.unmeasured.testCount} of them (${headline.unmeasuredFailed} failed) in unmeasured files` : '';
  const loadErrors = run.files.filter(file => file.loadError !== null).length;
  head.push(
    `**${plural(headline.total, 'test')}**: ${counts.join(', ')}, in ${formatMs(run.durationMs)}${unmeasured}.` +
      `${loadErrors > 0 ? ` **${plural(loadErrors, 'test file')} could not run.**` : ''}\n\n`,
  );
  for (const note of runNotes(run)) head.push(`> **Note:** ${cell(note)}\n\n`);
  head.push('| test time | average | slowest | fastest | avg memory Δ | max memory Δ |\n|---:|---:|---:|---:|---:|---:|\n');
  head.push(
    `| ${formatMs(summary.totalDurationMs)} | ${formatMs(summary.avgDurationMs)} | ${formatMs(summary.maxDurationMs)} | ${formatMs(summary.minDurationMs)} ` +
      `| ${formatSignedMib(summary.avgMemoryDeltaBytes)} | ${formatSignedMib(summary.maxMemoryDeltaBytes)} |\n\n`,
  );
  const slowest = slowestTests(run.tests, top);
  if (slowest.length > 0) {
    // `cpuProfile`: a column for each slow test's top function, only when some test has a profile.
    const profiled = slowest.some(entry => entry.record.profile !== undefined);
    head.push(`### Slowest tests\n\n| test | total | setup | call | teardown | memory Δ | peak | CPU % |${profiled ? ' top function (self) |' : ''}\n|---|---:|---:|---:|---:|---:|---:|---:|${profiled ? '---|' : ''}\n`);
    for (const entry of slowest) {
      const a = finalAttempt(entry);
      const fn = entry.record.profile?.top[0];
      const topCell = !profiled ? '' : fn === undefined ? ' – |' : ` ${code(functionLabel(fn))} ${formatMs(fn.selfMs)} |`;
      head.push(
        `| ${code(entry.id)} | ${formatMs(a.durationMs)} | ${formatMs(a.setupMs)} | ${formatMs(a.callMs)} | ${formatMs(a.teardownMs)} ` +
          `| ${formatSignedMib(a.rssEndBytes - a.rssStartBytes)} | ${formatMib(a.rssPeakBytes)} | ${a.cpuPercent === null ? '–' : `${a.cpuPercent.toFixed(0)} %`} |${topCell}\n`,
      );
    }
    head.push('\n');
  }
  const heavy = heaviestImports(run, 5);
  if (heavy.length > 0) {
    head.push('### Heaviest imports\n\nSelf time (the module\'s own top-level code and its transform) summed over the test files that load it; total includes what it loads.\n\n');
    head.push('| module | self | total | transform | files |\n|---|---:|---:|---:|---:|\n');
    for (const cost of heavy) head.push(`| ${code(cost.module)} | ${formatMs(cost.selfMs)} | ${formatMs(cost.totalMs)} | ${formatMs(cost.transformMs)} | ${cost.files} |\n`);
    head.push('\n');
  }
  head.push(...checkSections(run, top));
  head.push(...workerMemorySection(run, top));
  let bytes = 0;
  for (const part of head) {
    bytes += Buffer.byteLength(part);
    yield part;
  }

  const failed = listFailures(run);
  if (failed.length === 0) return;
  yield `### Failures (${describeFailureCounts(failed)})\n\n`;
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
