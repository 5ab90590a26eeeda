import type {FailureRecord, RunMetrics, TestEntry} from '../model/types';
import {finalAttempt, functionLabel, headlineCounts, isFlaky, runNotes} from './common';
import {describeFailureCounts, failureWhere, listFailures, phaseNote} from './failureList';
import {formatMs, formatSignedMib, plural} from './terminalText';
import {breachSubject, budgetHeadline, comparisonHeadline, describeBreach, describeChange, describeLeak, driftLines, leakHeadline} from './findings';
import {describeTopFiles, describeWorkerGrowth, gcNote} from './workerMemory';

export interface HtmlOptions {
  /** The chart library's browser build (Chart.js UMD), inlined so the page works offline. */
  chartLibrary: string;
  /** Failures shown with code frame and variables; the rest are counted. @default 200 */
  maxFailures?: number;
  /** Page title. @default 'Test performance' */
  title?: string;
  /** Rows of each findings table (budget breaches, changes, leaking files); the rest are counted. @default 100 */
  maxFindings?: number;
}

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** JSON inside a `<script>`: nothing in it may close the element or start a comment. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** Tests per chunk of the embedded data. */
const BATCH = 2000;

/**
 * Per test, a compact row for the page's script (the page builds the table and the charts from it):
 * id, file, status, attempts, flaky, duration, setup, call, teardown (ms), memory delta, peak, end (bytes),
 * CPU %, worker, start offset from the run's start (ms), CPU time (user + system, ms).
 */
function row(entry: TestEntry, runStartMs: number): unknown[] {
  const a = finalAttempt(entry);
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  return [
    entry.id,
    entry.file,
    a.status,
    entry.record.attempts.length,
    isFlaky(entry) ? 1 : 0,
    round(a.durationMs),
    round(a.setupMs),
    round(a.callMs),
    round(a.teardownMs),
    a.rssEndBytes - a.rssStartBytes,
    a.rssPeakBytes,
    a.rssEndBytes,
    a.cpuPercent,
    entry.record.workerId,
    Math.round(a.startedAtMs - runStartMs),
    round(a.cpuUserMs + a.cpuSystemMs),
  ];
}

function failureHtml(heading: string, failure: FailureRecord | null, file: string): string {
  const parts = [`<article class="failure"><h3>✕ ${escapeHtml(heading)}</h3>`];
  if (failure) {
    parts.push(`<p class="message">${failure.errorType ? `<b>${escapeHtml(failure.errorType)}</b>: ` : ''}${escapeHtml(failure.message)}</p>`);
    parts.push(`<p class="where">at <code>${escapeHtml(failureWhere(failure.location, file))}</code>${escapeHtml(phaseNote(failure))}</p>`);
    if (failure.codeFrame) parts.push(`<pre class="code-frame">${escapeHtml(failure.codeFrame)}</pre>`);
    const variables: Record<string, unknown> = {...(failure.locals ?? {})};
    if (failure.closure && Object.keys(failure.closure).length > 0) variables['closure'] = failure.closure;
    if (Object.keys(variables).length > 0) {
      parts.push(`<details class="variables" open><summary>Captured variables</summary><pre>${escapeHtml(JSON.stringify(variables, null, 2))}</pre></details>`);
    }
    if (failure.stack) parts.push(`<details class="stack"><summary>Stack</summary><pre>${escapeHtml(failure.stack)}</pre></details>`);
    if (!failure.captured) parts.push('<p class="note">Detail not captured (captureRate or maxFailures).</p>');
  }
  parts.push('</article>\n');
  return parts.join('');
}

/** A table of findings: a header row, then rows of cells already escaped. */
function findingTable(headers: string[], rows: string[][]): string {
  const head = headers.map(header => `<th>${escapeHtml(header)}</th>`).join('');
  return `<table class="plain"><thead><tr>${head}</tr></thead><tbody>${rows.map(row => `<tr>${row.map(cell => `<td>${cell}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/**
 * `cpuProfile`: each profiled test (slowest first) with its top functions by self time and a link to its
 * `.cpuprofile`. The HTML is written to `outputDir`, where the profiles are in `profiles/` whatever the JSON's own
 * directory (which `profile.file` is relative to): the link names the file under `profiles/`.
 */
function profilesHtml(run: RunMetrics): string {
  const profiled = run.tests.filter(entry => entry.record.profile !== undefined).sort((a, b) => finalAttempt(b).durationMs - finalAttempt(a).durationMs);
  if (profiled.length === 0) return '';
  const rows = profiled.map(entry => {
    const profile = entry.record.profile!;
    const functions = profile.top.map(fn => `${escapeHtml(functionLabel(fn))} <span class="note">${escapeHtml(`${formatMs(fn.selfMs)} self, ${formatMs(fn.totalMs)} total`)}</span>`).join('<br>');
    const name = profile.file.split('/').pop() ?? profile.file;
    return [`<span class="id">${escapeHtml(entry.id)}</span>`, escapeHtml(formatMs(finalAttempt(entry).durationMs)), functions, `<a href="profiles/${escapeHtml(encodeURIComponent(name))}">${escapeHtml(name)}</a>`];
  });
  return `<section id="profiles"><h2>Where the slowest tests spent CPU</h2><p class="note">Sampled by V8 (option cpuProfile). Open a .cpuprofile in Chrome DevTools (Performance), VS Code or speedscope.</p>${findingTable(['test', 'duration', 'top functions (self time)', 'profile'], rows)}</section>\n`;
}

/** Budgets, the comparison with the baseline and leaks, in the words the summary and Markdown use (findings.ts). */
function findingsHtml(run: RunMetrics, top: number): string {
  const parts: string[] = [];
  const more = (total: number, what: string): string => (total > top ? `<p class="note">… and ${escapeHtml(`${total - top} more ${what}`)} in the JSON report.</p>` : '');
  const id = (text: string): string => `<span class="id">${escapeHtml(text)}</span>`;
  if (run.budgets) {
    const {breaches} = run.budgets;
    parts.push(`<section id="budgets"><h2>Budgets</h2><p>${escapeHtml(budgetHeadline(run.budgets))}</p>`);
    if (breaches.length > 0) {
      parts.push(findingTable(['where', 'breach'], breaches.slice(0, top).map(breach => [id(breachSubject(breach)), escapeHtml(describeBreach(breach))])));
      parts.push(more(breaches.length, 'breaches'));
    }
    parts.push('</section>\n');
  }
  if (run.regressions) {
    const report = run.regressions;
    parts.push(`<section id="regressions"><h2>Compared with the baseline</h2><p>${escapeHtml(comparisonHeadline(report))}</p>`);
    for (const line of driftLines(report.drift)) parts.push(`<p class="drift">${line.startsWith('Run-level') ? `<strong>${escapeHtml(line)}</strong>` : escapeHtml(line)}</p>`);
    const changes = [...report.regressions.map(change => ['slower', change] as const), ...report.improvements.map(change => ['faster', change] as const)];
    if (changes.length > 0) {
      parts.push(findingTable(['test', 'change', 'baseline → now (clock; beyond the drift; margin needed)'], changes.slice(0, top).map(([kind, change]) => [id(change.id), kind, escapeHtml(describeChange(change))])));
      parts.push(more(changes.length, 'changes'));
    }
    parts.push('</section>\n');
  }
  if (run.leaks) {
    const {flagged} = run.leaks;
    parts.push(`<section id="leaks"><h2>Leaks</h2><p>${escapeHtml(leakHeadline(run.leaks))}</p>`);
    if (flagged.length > 0) {
      parts.push(findingTable(['file', 'retained heap'], flagged.slice(0, top).map(leak => [id(leak.file), escapeHtml(describeLeak(leak))])));
      parts.push(more(flagged.length, 'files'));
    }
    parts.push('</section>\n');
  }
  return parts.join('');
}

/** Which files made each worker grow: a table per worker process, the files also marked on the memory chart. */
function workerMemoryHtml(run: RunMetrics, top: number): string {
  const workers = run.workerMemory;
  if (workers === null) return '';
  const rows = workers.slice(0, top).map(worker => [
    escapeHtml(describeWorkerGrowth(worker)),
    escapeHtml(gcNote(worker)),
    escapeHtml(describeTopFiles(worker) ?? 'no file left memory behind'),
  ]);
  const hidden = workers.length > top ? `<p class="note">… and ${escapeHtml(plural(workers.length - top, 'more worker'))} in the JSON report.</p>` : '';
  return (
    `<section id="worker-memory"><h2>Worker memory across files</h2><p class="note">Each worker's heap and RSS read after every file's teardown; ` +
    `what stayed until its last file is attributed to the file that added it. The files that left the most (4 MiB or more) are marked ▲ on the memory chart.</p>` +
    `${findingTable(['worker', 'readings', 'files that left the most'], rows)}${hidden}</section>\n`
  );
}

/** A file is marked on the memory chart when it left at least this much heap: less would not show on a MiB scale. */
const MARK_MIN_LEFT_BYTES = 4 * 1024 * 1024;

/**
 * The chart's marks: for each file a worker names that left `MARK_MIN_LEFT_BYTES` or more, where its last test ended
 * (seconds into the run) and the worker's RSS after its teardown (MiB): `[worker, seconds, rssMib, file]`.
 */
function workerMarks(run: RunMetrics): Array<[number, number, number, string]> {
  const named = new Map<string, number>();
  for (const worker of run.workerMemory ?? []) {
    for (const file of worker.topFiles) if (file.heapLeftBytes >= MARK_MIN_LEFT_BYTES) named.set(file.file, worker.workerId);
  }
  if (named.size === 0) return [];
  const endMs = new Map<string, number>();
  for (const entry of run.tests) {
    const key = entry.id.slice(0, entry.id.indexOf('::'));
    if (!named.has(key)) continue;
    const last = finalAttempt(entry);
    endMs.set(key, Math.max(endMs.get(key) ?? 0, last.startedAtMs + last.durationMs - run.startedAtMs));
  }
  const marks: Array<[number, number, number, string]> = [];
  for (const file of run.files) {
    const worker = named.get(file.key);
    if (worker === undefined || file.boundary === null) continue;
    marks.push([worker, (endMs.get(file.key) ?? 0) / 1000, Math.round((file.boundary.rssAfterBytes / 1048576) * 10) / 10, file.key]);
  }
  return marks;
}

/** Modules named per file in the load-time table. */
const MODULES_PER_FILE = 5;

/**
 * The run's heaviest imports, and per file (the slowest to load first) where its load time went: the framework's
 * set-up, and the module loads with the costliest modules by self time.
 */
function importsHtml(run: RunMetrics, top: number): string {
  const files = run.files.filter(file => file.imports !== null).sort((a, b) => b.loadMs - a.loadMs);
  if (run.imports === null && files.length === 0) return '';
  const id = (text: string): string => `<span class="id">${escapeHtml(text)}</span>`;
  const parts = ['<section id="imports"><h2>Imports</h2>'];
  if (run.imports !== null && run.imports.length > 0) {
    parts.push('<p class="note">Self: the module\'s own top-level code and its transform, summed over the test files that load it. Total: with the modules it loads.</p>');
    parts.push(
      findingTable(
        ['module', 'self', 'total', 'transform', 'files'],
        run.imports.map(cost => [id(cost.module), formatMs(cost.selfMs), formatMs(cost.totalMs), formatMs(cost.transformMs), String(cost.files)]),
      ),
    );
  }
  if (files.length > 0) {
    parts.push('<h3>Where each file\'s load time went</h3>');
    parts.push(
      findingTable(
        ['file', 'load', 'framework set-up', 'module loads', 'costliest modules (self)'],
        files.slice(0, top).map(file => {
          const imports = file.imports!;
          const costliest = imports.modules
            .slice(0, MODULES_PER_FILE)
            .map(cost => `${id(cost.module)} ${escapeHtml(formatMs(cost.selfMs))}${cost.transformMs >= 1 ? escapeHtml(` (transform ${formatMs(cost.transformMs)})`) : ''}`)
            .join('<br>');
          return [id(file.key), formatMs(file.loadMs), formatMs(Math.max(0, file.loadMs - imports.loadImportsMs)), formatMs(imports.loadImportsMs), costliest];
        }),
      ),
    );
    if (files.length > top) parts.push(`<p class="note">… and ${escapeHtml(plural(files.length - top, 'more file'))} in the JSON report.</p>`);
  }
  parts.push('</section>\n');
  return parts.join('');
}

const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--fail:#cf222e;--pass:#1a7f37;--skip:#9a6700}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:24px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:14px;margin:0 0 6px;overflow-wrap:anywhere}
.notes p{border:1px solid #d4a72c;background:#fff8c5;border-radius:6px;padding:8px 12px;margin:0 0 8px}.notes p.failed{border-color:var(--fail);background:#ffebe9}
.counts{color:var(--muted);margin:0 0 16px}.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:130px}.card b{display:block;font-size:17px}.card span{color:var(--muted);font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px;margin-top:16px}.charts .wide{grid-column:1/-1}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px}figcaption{font-weight:600;margin-bottom:6px}.chart-box{position:relative;height:300px}
.controls{display:flex;gap:8px;margin-bottom:8px}.controls input{flex:1;padding:6px 8px;border:1px solid var(--line);border-radius:6px;font:inherit}.controls select{padding:6px;border:1px solid var(--line);border-radius:6px;font:inherit}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:right;white-space:nowrap}
th{background:var(--soft);cursor:pointer;user-select:none;position:sticky;top:0}th:first-child,td:first-child{text-align:left;white-space:normal;overflow-wrap:anywhere}
.t-file{font-size:11px;color:var(--muted)}table.plain th{cursor:auto;position:static;text-align:left}table.plain td{text-align:left;white-space:normal;overflow-wrap:anywhere}table.plain td+td{white-space:nowrap}.id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.s-failed{color:var(--fail)}.s-passed{color:var(--pass)}.s-skipped,.s-todo{color:var(--skip)}.note{color:var(--muted)}
.failure{border:1px solid var(--line);border-left:4px solid var(--fail);border-radius:6px;padding:10px 12px;margin-bottom:12px}
.message{white-space:pre-wrap;margin:0 0 4px}.where{margin:0 0 6px;color:var(--muted)}
pre{background:var(--soft);border-radius:6px;padding:8px 10px;overflow:auto;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;margin:6px 0}
`;

/**
 * The page's own script. It reads the embedded data, draws three charts with Chart.js (the slowest tests split into
 * setup/call/teardown, a duration histogram, and RSS across the run per worker), and drives the test table:
 * filter by text and status, sort by any column, at most 500 rows in the DOM so 100,000 tests stay responsive.
 */
const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('perf-data').textContent);
  var rows = data.tests;
  var MIB = 1048576;
  var COLUMNS = [
    {key: 0, label: 'Test', text: true},
    {key: 2, label: 'Status', text: true},
    {key: 5, label: 'Total (ms)'}, {key: 6, label: 'Setup (ms)'}, {key: 7, label: 'Call (ms)'}, {key: 8, label: 'Teardown (ms)'},
    {key: 9, label: 'Memory Δ (MiB)', mib: true}, {key: 10, label: 'Peak (MiB)', mib: true}, {key: 15, label: 'CPU time (ms)'}, {key: 12, label: 'CPU %'},
    {key: 13, label: 'Worker'}, {key: 3, label: 'Attempts'}
  ];
  function fmt(column, value) {
    if (value === null || value === undefined) return '–';
    if (column.text) return String(value);
    if (column.mib) return (value / MIB).toFixed(2);
    return typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(1) : String(value);
  }

  var palette = ['#0969da', '#bf3989', '#1a7f37', '#9a6700', '#8250df', '#cf222e', '#116329', '#953800'];
  var charts = 0;
  function chart(id, config) {
    config.options = Object.assign({animation: false, responsive: true, maintainAspectRatio: false}, config.options || {});
    new Chart(document.getElementById(id), config);
    charts++;
  }
  // An id is \`<file>::<titles>\` (its file prefixed with \`[<project>] \` when a file ran in several projects).
  function titleOf(r) { var at = r[0].indexOf(r[1] + '::'); return at < 0 ? r[0] : r[0].slice(at + r[1].length + 2); }
  function fileOf(r) { var at = r[0].indexOf(r[1] + '::'); return at < 0 ? r[1] : r[0].slice(0, at + r[1].length); }
  // A chart label in lines of at most \`width\` characters, broken between words (a longer word on its own line).
  function wrap(text, width, maxLines) {
    var lines = [], line = '';
    text.split(' ').forEach(function (word) {
      if (line && (line + ' ' + word).length > width) { lines.push(line); line = word; } else { line = line ? line + ' ' + word : word; }
    });
    if (line) lines.push(line);
    if (lines.length > maxLines) { lines = lines.slice(0, maxLines); lines[maxLines - 1] += ' …'; }
    return lines;
  }

  var executed = rows.filter(function (r) { return r[2] === 'passed' || r[2] === 'failed'; });
  var slowest = executed.slice().sort(function (a, b) { return b[5] - a[5]; }).slice(0, 15);
  var labels = slowest.map(function (r) { return wrap(titleOf(r), 60, 3); });
  // Room for every label's lines, so none is skipped or squeezed.
  var labelLines = labels.reduce(function (sum, lines) { return sum + lines.length; }, 0);
  document.getElementById('chart-slowest').parentNode.style.height = Math.max(300, 40 + labelLines * 14 + slowest.length * 8) + 'px';
  chart('chart-slowest', {
    type: 'bar',
    data: {
      labels: labels,
      datasets: [
        {label: 'setup', data: slowest.map(function (r) { return r[6]; }), backgroundColor: '#d4a72c'},
        {label: 'call', data: slowest.map(function (r) { return r[7]; }), backgroundColor: '#0969da'},
        {label: 'teardown', data: slowest.map(function (r) { return r[8]; }), backgroundColor: '#8250df'}
      ]
    },
    options: {
      indexAxis: 'y',
      scales: {x: {stacked: true, title: {display: true, text: 'ms'}}, y: {stacked: true, ticks: {autoSkip: false, font: {size: 10}}}},
      // The label is the test's title; the tooltip names the test in full, its file included.
      plugins: {tooltip: {callbacks: {title: function (items) { return items.length ? slowest[items[0].dataIndex][0] : ''; }}}}
    }
  });

  // Durations spread over orders of magnitude: log-spaced bins when they do, linear bins otherwise.
  // Loops, not Math.min.apply: 100,000+ arguments overflow the call stack (Safari's limit is 65,536).
  var durations = executed.map(function (r) { return Math.max(r[5], 0.001); });
  var bins = 20, lo = Infinity, hi = 0;
  durations.forEach(function (d) { if (d < lo) lo = d; if (d > hi) hi = d; });
  if (durations.length === 0) { lo = 0.001; hi = 1; }
  var log = hi / lo > 100;
  var edge = function (i) { return log ? lo * Math.pow(hi / lo, i / bins) : lo + (hi - lo) * i / bins; };
  var counts = new Array(bins).fill(0);
  durations.forEach(function (d) {
    var i = log ? Math.floor(Math.log(d / lo) / Math.log(hi / lo) * bins) : Math.floor((d - lo) / ((hi - lo) || 1) * bins);
    counts[Math.min(bins - 1, Math.max(0, i))]++;
  });
  chart('chart-histogram', {
    type: 'bar',
    data: {labels: counts.map(function (_, i) { return '≤ ' + edge(i + 1).toPrecision(3) + ' ms'; }), datasets: [{label: 'tests', data: counts, backgroundColor: '#0969da'}]},
    options: {plugins: {legend: {display: false}}, scales: {y: {ticks: {precision: 0}, title: {display: true, text: 'tests'}}, x: {title: {display: true, text: log ? 'duration (log-spaced bins)' : 'duration'}}}}
  });

  var workers = {};
  executed.forEach(function (r) { (workers[r[13]] = workers[r[13]] || []).push({x: (r[14] + r[5]) / 1000, y: r[11] / MIB}); });
  var memorySets = Object.keys(workers).map(function (w, i) {
    var points = workers[w].sort(function (a, b) { return a.x - b.x; });
    return {label: 'worker ' + w, data: points, showLine: true, pointRadius: 1.5, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length]};
  });
  // The files that left the most memory in their worker: a triangle where the file ended, at the RSS it left.
  var marks = data.marks || [];
  if (marks.length > 0) {
    memorySets.push({label: 'files that left the most', data: marks.map(function (m) { return {x: m[1], y: m[2], file: m[3], worker: m[0]}; }),
      pointStyle: 'triangle', pointRadius: 7, pointHoverRadius: 9, borderColor: '#cf222e', backgroundColor: '#cf222e'});
  }
  chart('chart-memory', {
    type: 'scatter',
    data: {datasets: memorySets},
    options: {scales: {x: {title: {display: true, text: 'seconds into the run'}}, y: {title: {display: true, text: 'RSS at test end (MiB)'}}},
      plugins: {tooltip: {callbacks: {label: function (item) {
        var p = item.raw;
        return p.file ? p.file + ' (worker ' + p.worker + '): RSS ' + p.y + ' MiB after its teardown' : item.dataset.label + ': ' + p.y.toFixed(1) + ' MiB';
      }}}}}
  });
  document.body.setAttribute('data-memory-marks', String(marks.length));
  document.body.setAttribute('data-charts-rendered', String(charts));

  var thead = document.querySelector('#tests thead tr'), tbody = document.querySelector('#tests tbody');
  var filter = document.getElementById('filter'), status = document.getElementById('status'), note = document.getElementById('table-note');
  var sortKey = 5, sortDir = -1, LIMIT = 500;
  COLUMNS.forEach(function (column) {
    var th = document.createElement('th');
    th.textContent = column.label;
    th.dataset.key = column.key;
    th.addEventListener('click', function () {
      sortDir = sortKey === column.key ? -sortDir : (column.text ? 1 : -1);
      sortKey = column.key;
      render();
    });
    thead.appendChild(th);
  });
  function render() {
    var text = filter.value.trim().toLowerCase(), wanted = status.value;
    var matching = rows.filter(function (r) {
      return (!wanted || r[2] === wanted || (wanted === 'flaky' && r[4] === 1)) && (!text || (r[0] + ' ' + r[1] + ' ' + r[2]).toLowerCase().indexOf(text) >= 0);
    });
    matching.sort(function (a, b) {
      var x = a[sortKey], y = b[sortKey];
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sortDir;
    });
    var html = [];
    matching.slice(0, LIMIT).forEach(function (r) {
      html.push('<tr class="s-' + r[2] + '">' + COLUMNS.map(function (c) {
        var cell = document.createElement('td');
        if (c.key === 0) {
          // The title on its own line, the file under it, small: the title is what tells rows apart.
          var title = document.createElement('div'), file = document.createElement('div');
          title.className = 't-title';
          title.textContent = titleOf(r);
          file.className = 't-file';
          file.textContent = fileOf(r);
          cell.appendChild(title);
          cell.appendChild(file);
        } else {
          cell.textContent = fmt(c, r[c.key]) + (c.key === 2 && r[4] === 1 ? ' (flaky)' : '');
        }
        return cell.outerHTML;
      }).join('') + '</tr>');
    });
    tbody.innerHTML = html.join('');
    Array.prototype.forEach.call(thead.children, function (th) {
      th.setAttribute('aria-sort', Number(th.dataset.key) === sortKey ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
    });
    note.textContent = matching.length > LIMIT ? 'Showing ' + LIMIT + ' of ' + matching.length + ' matching tests; filter or sort to see others.' : matching.length + ' of ' + rows.length + ' tests';
  }
  filter.addEventListener('input', render);
  status.addEventListener('change', render);
  render();
})();
`;

/**
 * One self-contained HTML page: no network access, the chart library and the data inlined. Summary figures,
 * notes (an interrupted run, unmeasured files, files that could not run), three charts, a sortable and filterable
 * test table, budgets, regressions and leaks, and the failures with code frames and captured variables.
 */
export function* renderHtml(run: RunMetrics, options: HtmlOptions): Generator<string> {
  const title = options.title ?? 'Test performance';
  const maxFailures = options.maxFailures ?? 200;
  const {stats, summary} = run;
  const headline = headlineCounts(run);
  const flaky = run.tests.filter(isFlaky).length;
  const counts = [`${headline.passed} passed`, `${headline.failed} failed`, ...(headline.skipped > 0 ? [`${headline.skipped} skipped or todo`] : []), ...(flaky > 0 ? [`${flaky} flaky`] : [])];
  // Jest's counts: tests of unmeasured files are in them, and said so.
  const unmeasured = run.unmeasured ? `; ${run.unmeasured.testCount} of them (${headline.unmeasuredFailed} failed) in unmeasured files` : '';
  const card = (label: string, value: string): string => `<div class="card"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`;

  yield `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`;
  yield `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n`;
  yield `<header><h1>${escapeHtml(title)}</h1><p class="counts">${escapeHtml(`${plural(headline.total, 'test')}: ${counts.join(', ')}${unmeasured} · run ${formatMs(run.durationMs)} · ${new Date(run.startedAtMs).toISOString()}${run.system ? ` · Node ${run.system.nodeVersion}, Jest ${run.system.jestVersion ?? '?'}, ${run.system.cpuCount} CPUs` : ''}`)}</p></header>\n`;
  const loadErrors = run.files.filter(file => file.loadError !== null);
  const notes = runNotes(run).map(note => `<p>${escapeHtml(note)}</p>`);
  if (loadErrors.length > 0) {
    const files = loadErrors.map(file => `<span class="id">${escapeHtml(file.key)}</span>`).join(', ');
    notes.unshift(`<p class="failed">${escapeHtml(plural(loadErrors.length, 'test file'))} could not run: ${files} (see <a href="#failures">Failures</a>).</p>`);
  }
  if (notes.length > 0) yield `<section class="notes" id="notes">${notes.join('')}</section>\n`;
  yield `<section class="cards">${[
    card('test time', formatMs(summary.totalDurationMs)),
    card('average test', formatMs(summary.avgDurationMs)),
    card('slowest test', formatMs(summary.maxDurationMs)),
    card('fastest test', formatMs(summary.minDurationMs)),
    card('avg memory Δ', formatSignedMib(summary.avgMemoryDeltaBytes)),
    card('max memory Δ', formatSignedMib(summary.maxMemoryDeltaBytes)),
  ].join('')}</section>\n`;
  yield `<section class="charts">
<figure class="wide"><figcaption>Slowest tests (ms)</figcaption><div class="chart-box"><canvas id="chart-slowest" role="img" aria-label="Slowest tests"></canvas></div></figure>
<figure><figcaption>Test durations</figcaption><div class="chart-box"><canvas id="chart-histogram" role="img" aria-label="Duration histogram"></canvas></div></figure>
<figure><figcaption>Memory across the run, per worker</figcaption><div class="chart-box"><canvas id="chart-memory" role="img" aria-label="Memory per worker"></canvas></div></figure>
</section>\n`;
  yield `<section><h2>Tests</h2><div class="controls"><input id="filter" type="search" placeholder="Filter by test id, file or status" aria-label="Filter tests">`;
  yield `<select id="status" aria-label="Status"><option value="">all statuses</option><option>passed</option><option>failed</option><option>skipped</option><option>todo</option><option value="flaky">flaky</option></select></div>`;
  yield `<table id="tests"><thead><tr></tr></thead><tbody></tbody></table><p id="table-note" class="note"></p>`;
  if (stats.passedDropped > 0) yield `<p class="note">${escapeHtml(`${plural(stats.passedDropped, 'fast passed test')} left out by maxPassed.`)}</p>`;
  yield '</section>\n';

  yield importsHtml(run, options.maxFindings ?? 100);
  yield findingsHtml(run, options.maxFindings ?? 100);
  yield workerMemoryHtml(run, options.maxFindings ?? 100);
  yield profilesHtml(run);

  const failed = listFailures(run);
  if (failed.length > 0) {
    yield `<section id="failures"><h2>Failures (${escapeHtml(describeFailureCounts(failed, 'hook'))})</h2>\n`;
    for (const item of failed.slice(0, maxFailures)) yield failureHtml(item.title, item.failure, item.file);
    const hidden = failed.length - maxFailures;
    if (hidden > 0) yield `<p class="note">… and ${escapeHtml(plural(hidden, 'more failure'))}; the JSON report has them all.</p>`;
    yield '</section>\n';
  }

  // The library first, then the data, then the page script that uses both.
  yield `<script>${options.chartLibrary.replace(/\/\/# sourceMappingURL=\S*/g, '').replace(/<\/script/gi, '<\\/script')}</script>\n`;
  yield '<script id="perf-data" type="application/json">{"tests":[';
  for (let start = 0; start < run.tests.length; start += BATCH) {
    const chunk = run.tests.slice(start, start + BATCH).map(entry => scriptJson(row(entry, run.startedAtMs)));
    yield `${start === 0 ? '' : ','}${chunk.join(',')}`;
  }
  yield `],"marks":${scriptJson(workerMarks(run))}}</script>\n<script>${SCRIPT}</script>\n</body></html>\n`;
}
