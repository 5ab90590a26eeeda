#!/usr/bin/env node --expose-gc
/**
 * Micro-benchmark: the reporter gathering and writing a very large run.
 *
 * Synthetic channel files for N tests (default 100,000: 1,000 files of 100, 1% failing with a profile-mode failure
 * record) are written with the environment's own encoder, as workers would write them, before anything is timed.
 * Then the real reporter, in this process, reads them file by file (`onTestFileResult`) and finishes the run
 * (`onRunComplete`: the model, the checks, performance_metrics.json, the printed summary).
 *
 * It reports:
 *   - the time of each part and in all (target: under 1 s for 100,000 tests);
 *   - the heap retained per test once every file is read, after a forced GC (target: at most 1 KB);
 *   - the peak: the process's highest RSS during the run, above where it started, per test.
 *
 * Needs --expose-gc (the bench runs it so). Options: --tests=N. Prints one JSON object on stdout with --json.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const {performance} = require('perf_hooks');
const {dist, round} = require('../lib');

const PerfMonitorReporter = require(path.join(dist, 'reporter', 'PerfMonitorReporter')).default;
const {encodeAttemptRecord} = require(path.join(dist, 'model', 'channel'));
const {CHANNEL_VERSION, channelKey, workerChannelPath} = require(path.join(dist, 'model', 'channel'));

const argument = name => process.argv.find(arg => arg.startsWith(`--${name}=`))?.split('=')[1];
const total = Number(argument('tests') ?? 100_000);
const perFile = 100;
const asJson = process.argv.includes('--json');
if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-perf-bench-'));
const output = path.join(root, 'performance_metrics.json');
const projectId = 'bench-project';

/** A failure as profile mode records it: type, message, location, code frame and a filtered stack. */
function failureRecord(file, line) {
  return {
    errorType: 'JestAssertionError',
    message: 'expect(received).toBe(expected) // Object.is equality\n\nExpected: 36.5\nReceived: 39',
    location: {file, line, column: 31},
    codeFrame: [
      `  ${line - 2} |   const sum = order.items.reduce((acc, item) => acc + item.price * item.quantity, 0);`,
      `  ${line - 1} |   const discounted = sum > 100 ? sum * 0.9 : sum;`,
      `> ${line} |   expect(total(order)).toBe(expected);`,
      `    |                               ^`,
      `  ${line + 1} | });`,
    ].join('\n'),
    stack: `Error: expect(received).toBe(expected)\n    at Object.toBe (${file}:${line}:31)\n    at total (${file}:${line - 3}:10)`,
    locals: null,
    closure: null,
    captured: true,
    phase: 'test',
    errorCount: 1,
    timestampMs: Date.now(),
  };
}

/** Writes the channel, in the reporter's run directory, as four workers would have: each file's lines in its worker's file. */
function stageChannelFiles(runDir) {
  const files = [];
  const workers = new Map();
  const startedAtMs = Date.now();
  for (let f = 0; f * perFile < total; f++) {
    const testPath = path.join(root, 'src', `module${f % 40}`, `feature${f}.test.ts`);
    const relative = path.relative(root, testPath);
    const session = `4242-${f.toString(36)}-bench`;
    const workerId = (f % 4) + 1;
    const lines = ['', JSON.stringify({v: CHANNEL_VERSION, k: 'file-start', file: channelKey(projectId, testPath), session, testPath, workerId, loadMs: 180 + (f % 50), heapStartBytes: 60e6})];
    const count = Math.min(perFile, total - f * perFile);
    for (let t = 0; t < count; t++) {
      const failed = (f * perFile + t) % 100 === 37;
      // As the environment writes them: phases in whole microseconds, CPU percent to 0.01.
      const durationUs = 200 + ((f * 7919 + t * 104729) % 20000);
      const setupUs = Math.round(durationUs * 0.1);
      const callUs = Math.round(durationUs * 0.85);
      const position = {index: t, titlePath: [`feature ${f}`, `group ${t % 5}`, `handles case ${t} of the order workflow`]};
      const record = {
        attempt: 1,
        status: failed ? 'failed' : 'passed',
        startedAtMs: startedAtMs + t * 20,
        durationMs: durationUs / 1000,
        setupMs: setupUs / 1000,
        callMs: callUs / 1000,
        teardownMs: (durationUs - setupUs - callUs) / 1000,
        rssStartBytes: 180e6 + t * 4096,
        rssPeakBytes: 181e6 + t * 4096,
        rssEndBytes: 180.5e6 + t * 4096,
        heapStartBytes: 60e6 + t * 1000,
        heapEndBytes: 60.2e6 + t * 1000,
        cpuUserMs: Math.round(durationUs * 0.8) / 1000,
        cpuSystemMs: Math.round(durationUs * 0.05) / 1000,
        cpuPercent: Math.round(8500 + ((t * 37) % 1500)) / 100,
        concurrent: false,
        spans: [],
        failure: failed ? failureRecord(relative, 20 + t) : null,
        retainedHeapBytes: null,
      };
      lines.push(encodeAttemptRecord(position.index, position.titlePath, record));
    }
    lines.push(JSON.stringify({v: CHANNEL_VERSION, k: 'file-end', session, beforeAllMs: 1.5, afterAllMs: 0.5, heapEndBytes: 64e6, hookFailures: [], selfMs: 2.5, tracePauses: 0, notices: []}));
    workers.set(workerId, (workers.get(workerId) ?? '') + `${lines.join('\n')}\n`);
    files.push({path: testPath, context: {config: {id: projectId, rootDir: root, roots: [root]}}});
  }
  for (const [workerId, text] of workers) fs.writeFileSync(workerChannelPath(runDir, 4000 + workerId, 0), text);
  return files;
}

const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

const constructStart = performance.now();
const reporter = new PerfMonitorReporter({rootDir: root, reporters: []}, {output, preset: 'ci', printSummary: true, systemInfo: true});
const constructMs = performance.now() - constructStart;
const files = stageChannelFiles(reporter.channel.dir);
const channelBytes = fs.readdirSync(reporter.channel.dir).reduce((sum, name) => sum + fs.statSync(path.join(reporter.channel.dir, name)).size, 0);

global.gc();
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;
// The summary goes to stderr; what it costs to render is counted, not what a terminal takes to show it.
const stderrWrite = process.stderr.write;
const ingestStart = performance.now();
reporter.onRunStart({startTime: Date.now()});
// The fields of Jest's TestResult the reporter reads of a measured file.
for (const file of files) reporter.onTestFileResult(file, {testResults: [], numFailingTests: 0, testExecError: undefined});
const ingestMs = performance.now() - ingestStart;
global.gc();
const heapAfterIngest = process.memoryUsage().heapUsed;
const completeStart = performance.now();
process.stderr.write = () => true;
// onRunComplete is async (the history may talk to a server); without a history it finishes without waiting on I/O.
const completed = Promise.resolve()
  .then(() => reporter.onRunComplete(new Set(), {}))
  .finally(() => {
    process.stderr.write = stderrWrite;
  });
completed.then(() => {
const completeMs = performance.now() - completeStart;
const peakRss = maxRssBytes();

const document = JSON.parse(fs.readFileSync(output, 'utf8'));
const written = Object.keys(document.tests).length;
if (written !== total) throw new Error(`the report has ${written} tests, expected ${total}`);
const result = {
  tests: total,
  files: files.length,
  channelMb: round(channelBytes / 2 ** 20, 1),
  reportMb: round(fs.statSync(output).size / 2 ** 20, 1),
  constructMs: round(constructMs, 1),
  ingestMs: round(ingestMs, 1),
  completeMs: round(completeMs, 1),
  totalMs: round(constructMs + ingestMs + completeMs, 1),
  retainedBytesPerTest: Math.round((heapAfterIngest - heapBefore) / total),
  peakRssBytesPerTest: Math.round(Math.max(0, peakRss - rssBefore) / total),
  reporterTimeInReport: document.overhead.reporter_time,
};
fs.rmSync(root, {recursive: true, force: true});

if (asJson) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(
    `${total} tests in ${files.length} files (${result.channelMb} MiB of channel lines, ${result.reportMb} MiB report)\n` +
      `  read ${result.ingestMs} ms + finish and write ${result.completeMs} ms = ${result.totalMs} ms (target: under 1000 ms)\n` +
      `  retained ${result.retainedBytesPerTest} bytes per test (target: at most 1024); peak RSS ${result.peakRssBytesPerTest} bytes per test\n`,
  );
}

});
