#!/usr/bin/env node
/**
 * Micro-benchmark: what the worker's memory reading at each file boundary costs (docs/checks.md, "Memory across
 * files"): `TestRecorder.afterTeardown()`, one heap and one RSS read and the channel line (open, write, close of the
 * file's channel file), without leak detection's GC. Each file is one test; only the boundary call is timed.
 *
 * Options: --files=N per round (default 2,000), --runs=N rounds (default 7; the median is kept). Prints one JSON
 * object with --json.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const {performance} = require('perf_hooks');
const {dist, median, round} = require('../lib');

const {TestRecorder} = require(path.join(dist, 'environment', 'TestRecorder'));
const {noteWorkerStart} = require(path.join(dist, 'environment', 'fileBoundary'));

const argument = name => process.argv.find(arg => arg.startsWith(`--${name}=`))?.split('=')[1];
const files = Number(argument('files') ?? 2_000);
const runs = Number(argument('runs') ?? 7);
const asJson = process.argv.includes('--json');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-perf-bench-boundary-'));

const settings = {cpuIntervalS: 0, mode: 'profile', skipInternalFrames: true, includeLocals: true, includeClosure: false, maxDepth: 4, extractClasses: true, captureRate: 1, redact: [], leaks: false};

function oneFile(index) {
  const test = {type: 'test', name: 'passes', errors: [], invocations: 1, concurrent: false};
  const root = {name: 'ROOT_DESCRIBE_BLOCK', children: [test]};
  test.parent = root;
  const state = {rootDescribeBlock: root};
  const recorder = new TestRecorder({
    channelDir: dir,
    channelKey: `file-${index}`,
    testPath: path.join(dir, `file-${index}.test.js`),
    rootDir: dir,
    workerId: 1,
    sampler: null,
    alwaysConcurrent: false,
    settings,
    trace: null,
    gc: null,
    notices: [],
  });
  for (const name of ['run_start', 'test_start', 'test_started', 'test_fn_start', 'test_fn_success', 'test_done', 'run_finish']) recorder.handleTimed({name, test}, state);
  recorder.close();
  const start = performance.now();
  recorder.afterTeardown();
  return performance.now() - start;
}

noteWorkerStart(null);
const perFileUs = [];
for (let r = 0; r < runs + 1; r++) {
  let totalMs = 0;
  for (let f = 0; f < files; f++) totalMs += oneFile(r * files + f);
  if (r > 0) perFileUs.push((totalMs * 1000) / files); // round 0 warms the JIT
}
fs.rmSync(dir, {recursive: true, force: true});

const usPerFile = median(perFileUs);
const result = {files, runs, usPerFile: round(usPerFile, 1), spreadUs: [round(Math.min(...perFileUs), 1), round(Math.max(...perFileUs), 1)]};
if (asJson) process.stdout.write(`${JSON.stringify(result)}\n`);
else process.stdout.write(`file boundary: ${result.usPerFile} µs per file (rounds ${result.spreadUs.join('–')} µs), median of ${runs}\n`);
