import type {FailureRecord, RunMetrics, TestEntry} from '../model/types';
import {failureWhere, finalAttempt, formatMs, formatSignedMib, isFlaky, listFailures, plural} from './common';

export interface HtmlOptions {
  /** The chart library's browser build (Chart.js UMD), inlined so the page works offline. */
  chartLibrary: string;
  /** Failures shown with code frame and variables; the rest are counted. @default 200 */
  maxFailures?: number;
  /** Page title. @default 'Test performance' */
  title?: string;
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
 * CPU %, worker, start offset from the run's start (ms).
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
  ];
}

function failureHtml(heading: string, failure: FailureRecord | null, file: string): string {
  const parts = [`<article class="failure"><h3>✕ ${escapeHtml(heading)}</h3>`];
  if (failure) {
    parts.push(`<p class="message">${failure.errorType ? `<b>${escapeHtml(failure.errorType)}</b>: ` : ''}${escapeHtml(failure.message)}</p>`);
    parts.push(`<p class="where">at <code>${escapeHtml(failureWhere(failure.location, file))}</code>${failure.phase === 'test' ? '' : ` (in ${escapeHtml(failure.phase)})`}</p>`);
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

const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--fail:#cf222e;--pass:#1a7f37;--skip:#9a6700}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:24px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:14px;margin:0 0 6px;word-break:break-all}
.counts{color:var(--muted);margin:0 0 16px}.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:130px}.card b{display:block;font-size:17px}.card span{color:var(--muted);font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px;margin-top:16px}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px}figcaption{font-weight:600;margin-bottom:6px}.chart-box{position:relative;height:300px}
.controls{display:flex;gap:8px;margin-bottom:8px}.controls input{flex:1;padding:6px 8px;border:1px solid var(--line);border-radius:6px;font:inherit}.controls select{padding:6px;border:1px solid var(--line);border-radius:6px;font:inherit}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:right;white-space:nowrap}
th{background:var(--soft);cursor:pointer;user-select:none;position:sticky;top:0}th:first-child,td:first-child{text-align:left;white-space:normal;word-break:break-all}
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
    {key: 9, label: 'Memory Δ (MiB)', mib: true}, {key: 10, label: 'Peak (MiB)', mib: true}, {key: 12, label: 'CPU %'},
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
  var executed = rows.filter(function (r) { return r[2] === 'passed' || r[2] === 'failed'; });
  var slowest = executed.slice().sort(function (a, b) { return b[5] - a[5]; }).slice(0, 15);
  var short = function (id) { return id.length > 60 ? '…' + id.slice(-59) : id; };
  chart('chart-slowest', {
    type: 'bar',
    data: {
      labels: slowest.map(function (r) { return short(r[0]); }),
      datasets: [
        {label: 'setup', data: slowest.map(function (r) { return r[6]; }), backgroundColor: '#d4a72c'},
        {label: 'call', data: slowest.map(function (r) { return r[7]; }), backgroundColor: '#0969da'},
        {label: 'teardown', data: slowest.map(function (r) { return r[8]; }), backgroundColor: '#8250df'}
      ]
    },
    options: {indexAxis: 'y', scales: {x: {stacked: true, title: {display: true, text: 'ms'}}, y: {stacked: true, ticks: {autoSkip: false, font: {size: 10}}}}}
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
  chart('chart-memory', {
    type: 'scatter',
    data: {datasets: Object.keys(workers).map(function (w, i) {
      var points = workers[w].sort(function (a, b) { return a.x - b.x; });
      return {label: 'worker ' + w, data: points, showLine: true, pointRadius: 1.5, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length]};
    })},
    options: {scales: {x: {title: {display: true, text: 'seconds into the run'}}, y: {title: {display: true, text: 'RSS at test end (MiB)'}}}}
  });
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
        cell.textContent = fmt(c, r[c.key]) + (c.key === 2 && r[4] === 1 ? ' (flaky)' : '');
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
 * three charts, a sortable and filterable test table, and the failures with code frames and captured variables.
 */
export function* renderHtml(run: RunMetrics, options: HtmlOptions): Generator<string> {
  const title = options.title ?? 'Test performance';
  const maxFailures = options.maxFailures ?? 200;
  const {stats, summary} = run;
  const skipped = stats.totalCount - stats.passedCount - stats.failuresCount;
  const flaky = run.tests.filter(isFlaky).length;
  const counts = [`${stats.passedCount} passed`, `${stats.failuresCount} failed`, ...(skipped > 0 ? [`${skipped} skipped or todo`] : []), ...(flaky > 0 ? [`${flaky} flaky`] : [])];
  const card = (label: string, value: string): string => `<div class="card"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`;

  yield `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`;
  yield `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n`;
  yield `<header><h1>${escapeHtml(title)}</h1><p class="counts">${escapeHtml(`${plural(stats.totalCount, 'test')}: ${counts.join(', ')} · run ${formatMs(run.durationMs)} · ${new Date(run.startedAtMs).toISOString()}${run.system ? ` · Node ${run.system.nodeVersion}, Jest ${run.system.jestVersion ?? '?'}, ${run.system.cpuCount} CPUs` : ''}`)}</p></header>\n`;
  yield `<section class="cards">${[
    card('test time', formatMs(summary.totalDurationMs)),
    card('average test', formatMs(summary.avgDurationMs)),
    card('slowest test', formatMs(summary.maxDurationMs)),
    card('fastest test', formatMs(summary.minDurationMs)),
    card('avg memory Δ', formatSignedMib(summary.avgMemoryDeltaBytes)),
    card('max memory Δ', formatSignedMib(summary.maxMemoryDeltaBytes)),
  ].join('')}</section>\n`;
  yield `<section class="charts">
<figure><figcaption>Slowest tests (ms)</figcaption><div class="chart-box"><canvas id="chart-slowest" role="img" aria-label="Slowest tests"></canvas></div></figure>
<figure><figcaption>Test durations</figcaption><div class="chart-box"><canvas id="chart-histogram" role="img" aria-label="Duration histogram"></canvas></div></figure>
<figure><figcaption>Memory across the run, per worker</figcaption><div class="chart-box"><canvas id="chart-memory" role="img" aria-label="Memory per worker"></canvas></div></figure>
</section>\n`;
  yield `<section><h2>Tests</h2><div class="controls"><input id="filter" type="search" placeholder="Filter by test id, file or status" aria-label="Filter tests">`;
  yield `<select id="status" aria-label="Status"><option value="">all statuses</option><option>passed</option><option>failed</option><option>skipped</option><option>todo</option><option value="flaky">flaky</option></select></div>`;
  yield `<table id="tests"><thead><tr></tr></thead><tbody></tbody></table><p id="table-note" class="note"></p>`;
  if (stats.passedDropped > 0) yield `<p class="note">${escapeHtml(`${plural(stats.passedDropped, 'fast passed test')} left out by maxPassed.`)}</p>`;
  yield '</section>\n';

  const failed = listFailures(run);
  if (failed.length > 0) {
    const hooks = failed.filter(item => item.hook).length;
    yield `<section id="failures"><h2>Failures (${escapeHtml(plural(failed.length - hooks, 'test'))}${hooks > 0 ? `, ${escapeHtml(plural(hooks, 'hook'))}` : ''})</h2>\n`;
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
  yield `]}</script>\n<script>${SCRIPT}</script>\n</body></html>\n`;
}
