import * as path from 'path';
import type * as XmlJs from 'xml-js';
import type {Element} from 'xml-js';
import {testEntry} from '../model/toSchema';
import type {FailureRecord, RunMetrics, TestEntry} from '../model/types';
import type {JunitOptions} from '../options/types';
import {finalAttempt} from './common';
import {failureWhere, fileFailures, fileKeyOf} from './failureList';
import type {FileEntry, FileFailure} from './failureList';

// Loaded on first use, like every format's library: most runs write JSON only.
let xmlJs: typeof XmlJs | null = null;
function js2xml(...args: Parameters<typeof XmlJs.js2xml>): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
  xmlJs ??= require('xml-js') as typeof XmlJs;
  return xmlJs.js2xml(...args);
}

/**
 * JUnit XML, built with xml-js, valid against the common JUnit XSD (Jenkins xUnit's junit-10.xsd) plus per-test
 * `<properties>` (see `__tests__/schemas`). One `<testsuite>` per test file (per file and project, when a file ran
 * in several projects), one `<testcase>` per test, and an `<error>` test case for each failure that no test
 * carries (a file that could not run, a failed afterAll), so the counts are Jest's plus those. Rendered one suite
 * at a time.
 */

/**
 * XML 1.0 allows tab, LF, CR and the code points from U+0020 except surrogates, U+FFFE and U+FFFF. Anything else
 * (terminal colour codes, NUL, a lone surrogate) would make the document unreadable; it is written as a visible
 * `\u001b`-style escape instead, so the text keeps its information.
 */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** Printable ASCII without markup needs no work: most names and every number (the common case, kept cheap). */
const PLAIN = /^[\x20-\x25\x27-\x3b\x3d\x3f-\x7e]*$/;
const xmlSafe = (text: string): string =>
  PLAIN.test(text) ? text : text.replace(INVALID_XML, char => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);

/**
 * xml-js escapes only `"` in attribute values (and does it after any `attributeValueFn`), so the rest is done
 * here, before it: `&`, `<`, `>`, and line breaks and tabs as character references (a parser would fold a
 * literal one into a space).
 */
function attributeValue(value: string): string {
  if (PLAIN.test(value)) return value;
  return xmlSafe(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

const XML_OPTIONS = {spaces: 2, textFn: xmlSafe};

/** Seconds with at most 3 decimals, as the XSD's SUREFIRE_TIME pattern wants. */
const time = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

function element(name: string, attributes: Record<string, string> = {}, elements: Element[] = []): Element {
  const escaped: Record<string, string> = {};
  for (const key in attributes) escaped[key] = attributeValue(attributes[key]);
  return elements.length > 0 ? {type: 'element', name, attributes: escaped, elements} : {type: 'element', name, attributes: escaped};
}
/** xml-js turns `&amp;` in text back into `&` before escaping; escaping `&` first keeps a literal `&amp;` intact. */
const text = (value: string): Element => ({type: 'text', text: value.replace(/&/g, '&amp;')});

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^{}]*)\}/g, (match, name: string) => values[name] ?? match);
}

/** The failure's text: where it happened, the code frame and the stack, as a CI page shows it. */
function failureText(failure: FailureRecord, file: string): string {
  const parts = [failure.message, `at ${failureWhere(failure.location, file)}`];
  if (failure.codeFrame) parts.push(failure.codeFrame);
  if (failure.stack) parts.push(failure.stack);
  return parts.join('\n\n');
}

const firstLine = (message: string): string => {
  const line = message.split('\n').find(part => part.trim() !== '') ?? message;
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
};

function failureElement(name: string, failure: FailureRecord, file: string): Element {
  return element(name, {message: firstLine(failure.message), type: failure.errorType ?? 'Error'}, [text(failureText(failure, file))]);
}

/** Surefire's rerun elements carry the trace in a `<stackTrace>` child. */
function rerunElement(name: 'rerunFailure' | 'flakyFailure', failure: FailureRecord, file: string): Element {
  return element(name, {message: firstLine(failure.message), type: failure.errorType ?? 'Error'}, [element('stackTrace', {}, [text(failureText(failure, file))])]);
}

function properties(values: Record<string, string | number | boolean | null>): Element {
  return element(
    'properties',
    {},
    Object.entries(values)
      .filter(([, value]) => value !== null)
      .map(([name, value]) => element('property', {name, value: String(value)})),
  );
}

function testcase(entry: TestEntry, options: Required<JunitOptions>, names: Record<string, string>): Element {
  const last = finalAttempt(entry);
  const titles = entry.record.titlePath;
  const values = {...names, classname: titles.slice(0, -1).join(options.ancestorSeparator), title: titles[titles.length - 1] ?? ''};
  const schema = testEntry(entry);
  const children: Element[] = [
    properties({
      status: schema.status,
      duration: schema.duration,
      setup_time: schema.setup_time,
      call_time: schema.call_time,
      teardown_time: schema.teardown_time,
      memory_start_mb: schema.memory.start_mb,
      memory_peak_mb: schema.memory.peak_mb,
      memory_end_mb: schema.memory.end_mb,
      memory_delta_mb: schema.memory.delta_mb,
      heap_delta_mb: schema.heap?.delta_mb ?? null,
      cpu_percent: schema.cpu_percent,
      worker: schema.worker,
      attempts: entry.record.attempts.length,
    }),
  ];
  const earlier = entry.record.attempts.slice(0, -1).filter(attempt => attempt.failure !== null);
  if (last.status === 'failed' && last.failure) children.push(failureElement('failure', last.failure, entry.file));
  else if (last.status === 'failed') children.push(element('failure', {message: 'failed', type: 'Error'}));
  if (options.reportRetries && earlier.length > 0) {
    const kind = last.status === 'failed' ? 'rerunFailure' : 'flakyFailure';
    for (const attempt of earlier) children.push(rerunElement(kind, attempt.failure!, entry.file));
  }
  if (last.status === 'skipped') children.push(element('skipped'));
  if (last.status === 'todo') children.push(element('skipped', {message: 'todo'}));
  return element(
    'testcase',
    {classname: fill(options.classNameTemplate, values).trim(), name: fill(options.titleTemplate, values).trim(), time: time(last.durationMs)},
    children,
  );
}

/**
 * A failure no test carries. A file that could not run is named as jest-junit names it (classname `Test suite
 * failed to run`, name the file), a hook by its phase.
 */
function fileFailureTestcase({file, failure}: FileFailure, suite: string): Element {
  const names = failure.phase === 'load' ? {classname: 'Test suite failed to run', name: file.key} : {classname: suite, name: `(${failure.phase})`};
  return element('testcase', {...names, time: '0.000'}, [failureElement('error', failure, file.file)]);
}

export function* renderJunit(run: RunMetrics, options: Required<JunitOptions>): Generator<string> {
  // By the file's key: a file that ran in two projects is two suites, as Jest ran it twice.
  const byFile = new Map<string, TestEntry[]>();
  for (const entry of run.tests) {
    const key = fileKeyOf(entry);
    const list = byFile.get(key);
    if (list) list.push(entry);
    else byFile.set(key, [entry]);
  }
  const files = new Map<string, FileEntry>(run.files.map(file => [file.key, file]));
  const extras = new Map<string, FileFailure[]>();
  for (const extra of fileFailures(run)) {
    const list = extras.get(extra.file.key);
    if (list) list.push(extra);
    else extras.set(extra.file.key, [extra]);
  }
  const count = (entries: readonly TestEntry[], status: string): number => entries.filter(entry => finalAttempt(entry).status === status).length;
  const errorCount = [...extras.values()].reduce((sum, list) => sum + list.length, 0);
  const testTimeMs = run.tests.reduce((sum, entry) => sum + finalAttempt(entry).durationMs, 0);

  const root = js2xml(
    {
      elements: [
        element('testsuites', {
          name: options.suiteName,
          tests: String(run.tests.length + errorCount),
          failures: String(count(run.tests, 'failed')),
          errors: String(errorCount),
          time: time(testTimeMs),
        }),
      ],
    },
    XML_OPTIONS,
  );
  // The root is rendered empty by xml-js (so it escapes the attributes), then opened for the suites to stream in.
  yield `<?xml version="1.0" encoding="UTF-8"?>\n${root.replace(/\/>$/, '>')}\n`;

  // Files with no tests to list (they could not run, or maxPassed left them all out) still get a suite for a
  // failure no test carries.
  for (const key of extras.keys()) if (!byFile.has(key)) byFile.set(key, []);
  for (const [key, entries] of byFile) {
    const record = files.get(key);
    const file = record?.file ?? entries[0].file;
    const project = record?.project ?? entries[0]?.project ?? null;
    const describe = entries.find(entry => entry.record.titlePath.length > 1)?.record.titlePath[0];
    // Two suites of one file (two projects) are told apart by the project, as their test ids are.
    const prefix = key === file ? '' : key.slice(0, key.length - file.length);
    const suite = `${prefix}${fill(options.suiteNameTemplate, {title: describe ?? file, filepath: file, filename: path.posix.basename(file)})}`;
    const names = {filepath: file, filename: path.posix.basename(file), suitename: suite};
    const hooks = extras.get(key) ?? [];
    let suiteTimeMs = record ? record.beforeAllMs + record.afterAllMs : 0;
    // A loop, not Math.min(...list): a file of 100,000+ tests would overflow the call stack.
    let started = Infinity;
    for (const entry of entries) {
      suiteTimeMs += finalAttempt(entry).durationMs;
      started = Math.min(started, entry.record.attempts[0].startedAtMs);
    }
    if (started === Infinity) started = run.startedAtMs;
    const suiteProperties: Record<string, string | number | boolean | null> = {file, project};
    if (record) {
      Object.assign(suiteProperties, {
        load_time: record.loadMs / 1000,
        before_all_time: record.beforeAllMs / 1000,
        after_all_time: record.afterAllMs / 1000,
        heap_growth_mb: record.completed ? Math.round(((record.heapEndBytes - record.heapStartBytes) / 1048576) * 1000) / 1000 : null,
        worker: record.workerId,
        completed: record.completed,
      });
    }
    const xml = js2xml(
      {
        elements: [
          element(
            'testsuite',
            {
              name: suite,
              tests: String(entries.length + hooks.length),
              failures: String(count(entries, 'failed')),
              errors: String(hooks.length),
              skipped: String(count(entries, 'skipped') + count(entries, 'todo')),
              time: time(suiteTimeMs),
              timestamp: new Date(started).toISOString().replace(/\.\d+Z$/, ''),
            },
            [properties(suiteProperties), ...entries.map(entry => testcase(entry, options, names)), ...hooks.map(extra => fileFailureTestcase(extra, suite))],
          ),
        ],
      },
      XML_OPTIONS,
    );
    // Not re-indented: a line break inside a failure's text is part of the text.
    yield `${xml}\n`;
  }
  yield '</testsuites>\n';
}
