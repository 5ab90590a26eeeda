import * as path from 'path';
import type {FailureRecord, RunMetrics} from '../model/types';
import {fileFailures, listedFileFailure, listFailures} from './failureList';
import {plural, printable} from './terminalText';
import {breachSubject, describeBreach, describeChange, describeLeak, driftLines} from './findings';

/**
 * GitHub Actions workflow commands for a run: an `::error` annotation per failure, pointing at the failing line.
 * GitHub shows at most 10 error annotations per step and 50 per job, so more would only flood the log; the rest
 * are counted in one `::notice`. Budget breaches, regressions and leaks get `::warning` lines, with the same limit.
 */
export interface AnnotationOptions {
  /** Jest's rootDir: locations in the model are relative to it. */
  rootDir: string;
  /** The repository checkout (`GITHUB_WORKSPACE`): GitHub matches annotation paths relative to it. */
  workspace: string;
  /** Error annotations written. @default 10 */
  maxErrors?: number;
  /**
   * Leave out the failures Jest's own `github-actions` reporter already annotates (those of tests). Failures no
   * test carries (a file that could not run, a failed afterAll) are still annotated: Jest's reporter annotates
   * test results only. @default false
   */
  skipFailures?: boolean;
  /** Warning annotations written for budget breaches, regressions and leaks. @default 10 */
  maxWarnings?: number;
}

/**
 * Data of a workflow command: `%`, CR and LF percent-encoded (as @actions/core does). Other control characters are
 * shown escaped (`\x1b`): the log is read in a terminal too, and GitHub's log viewer acts on ANSI sequences.
 */
const escapeData = (value: string): string =>
  printable(value.replace(/\r\n?/g, '\n')).replace(/%/g, '%25').replace(/\n/g, '%0A');
/** A property value: the data rules, plus `:` and `,`, which would end the property. */
const escapeProperty = (value: string): string => escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * Messages are clipped (by code point, so no character is cut in half) before the code frame is added: an
 * annotation shows a few lines, a snapshot diff can be thousands, and the frame is what points at the fix.
 */
const MAX_MESSAGE_CODE_POINTS = 1500;
function clip(text: string): string {
  const points = Array.from(text);
  return points.length > MAX_MESSAGE_CODE_POINTS ? `${points.slice(0, MAX_MESSAGE_CODE_POINTS - 1).join('')}…` : text;
}

function command(kind: 'error' | 'warning' | 'notice', properties: Record<string, string | number>, message: string): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${kind}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

function annotation(title: string, failure: FailureRecord | null, testFile: string, options: AnnotationOptions): string {
  const fromWorkspace = (file: string): string => path.relative(options.workspace, path.resolve(options.rootDir, file)).split(path.sep).join('/');
  const location = failure?.location ?? null;
  const properties: Record<string, string | number> = {file: fromWorkspace(location ? location.file : testFile)};
  if (location) Object.assign(properties, {line: location.line, col: location.column});
  properties.title = title;
  const lines = [failure ? clip(`${failure.errorType ? `${failure.errorType}: ` : ''}${failure.message}`) : 'failed'];
  if (failure?.codeFrame) lines.push('', failure.codeFrame);
  return command('error', properties, lines.join('\n'));
}

/** Budget breaches, regressions and leaking files: warnings, since they need not fail the run. */
function warnings(run: RunMetrics, options: AnnotationOptions): string[] {
  const fromWorkspace = (file: string): string => path.relative(options.workspace, path.resolve(options.rootDir, file)).split(path.sep).join('/');
  // The test's file: from its entry (an id may start with a `[project] ` prefix), else the id's part before `::`.
  let files: Map<string, string> | null = null;
  const fileOfId = (id: string): string => {
    files ??= new Map(run.tests.map(entry => [entry.id, entry.file]));
    return files.get(id) ?? (id.slice(0, Math.max(0, id.indexOf('::'))).replace(/^\[[^\]]*\] /, '') || id);
  };
  const found: Array<[Record<string, string | number>, string]> = [];
  for (const breach of run.budgets?.breaches ?? []) {
    const where: Record<string, string> = breach.test === null ? {} : {file: fromWorkspace(fileOfId(breach.test))};
    found.push([{...where, title: 'Budget breached'}, `${breachSubject(breach)}: ${describeBreach(breach)}`]);
  }
  // The whole run slower or faster than the baseline is a finding of its own: per-test verdicts are relative to it.
  const runLevel = driftLines(run.regressions?.drift ?? null).find(line => line.startsWith('Run-level'));
  if (runLevel !== undefined) found.push([{title: 'Whole run off the baseline'}, runLevel]);
  for (const change of run.regressions?.regressions ?? []) {
    found.push([{file: fromWorkspace(fileOfId(change.id)), title: 'Slower than the baseline'}, `${change.id}: ${describeChange(change)}`]);
  }
  for (const leak of run.leaks?.flagged ?? []) {
    found.push([{file: fromWorkspace(leak.file), title: 'Retained heap keeps growing'}, `${leak.file}: ${describeLeak(leak)}`]);
  }
  const maxWarnings = options.maxWarnings ?? 10;
  const lines = found.slice(0, maxWarnings).map(([properties, message]) => command('warning', properties, message));
  if (found.length > maxWarnings) {
    lines.push(command('notice', {title: 'jest-perf-monitor'}, `${plural(found.length - maxWarnings, 'more finding')} not annotated (budgets, regressions, leaks); the job summary lists them.`));
  }
  return lines;
}

export function renderAnnotations(run: RunMetrics, options: AnnotationOptions): string[] {
  const maxErrors = options.maxErrors ?? 10;
  const failures = options.skipFailures ? fileFailures(run).map(({file, failure}) => listedFileFailure(file, failure)) : listFailures(run);
  const lines = failures.slice(0, maxErrors).map(({title, failure, file}) => annotation(title, failure, file, options));
  if (failures.length > maxErrors) {
    lines.push(command('notice', {title: 'jest-perf-monitor'}, `${plural(failures.length - maxErrors, 'more failure')} not annotated (GitHub shows ${maxErrors} per step); the job summary lists them.`));
  }
  return [...lines, ...warnings(run, options)];
}
