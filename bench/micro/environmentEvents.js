#!/usr/bin/env node
/**
 * Micro-benchmark: what the environment costs per circus event.
 *
 * Drives the environment's recorder with the events jest-circus sends for a passing test with a beforeEach and
 * an afterEach (test_start, test_started, hook_start/hook_success twice, test_fn_start, test_fn_success,
 * test_done: 9 events), N tests per file, the way the environment calls it (`handleTimed`), with the real clock
 * reads, process figures and channel writes. The same loop calling a function that does nothing is subtracted.
 *
 * Options: --tests=N per round (default 20,000), --runs=N rounds (default 7; the median is kept). Prints one JSON
 * object with --json. MICRO_NOOP=1 makes both loops call the no-op (instructions.js uses it to count the harness).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const {performance} = require('perf_hooks');
const {dist, median, round} = require('../lib');

const {TestRecorder} = require(path.join(dist, 'environment', 'TestRecorder'));
const {RssSampler} = require(path.join(dist, 'environment', 'RssSampler'));
const {KernelPeak} = require(path.join(dist, 'environment', 'KernelPeak'));
const {rssReader} = require(path.join(dist, 'environment', 'readRss'));
// As a worker has it: the kernel's RSS mark where it can be reset, else the sampler thread.
const kernel = KernelPeak.shared(rssReader());
const kernelPeak = typeof kernel === 'string' ? null : kernel;

const argument = name => process.argv.find(arg => arg.startsWith(`--${name}=`))?.split('=')[1];
const count = Number(argument('tests') ?? 20_000);
const runs = Number(argument('runs') ?? 7);
const asJson = process.argv.includes('--json');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-perf-bench-events-'));

const settings = {rssSampleIntervalS: 0.1, mode: process.env.MICRO_MODE ?? 'profile', skipInternalFrames: true, includeLocals: true, includeClosure: false, maxDepth: 4, extractClasses: true, captureRate: 1, redact: [], leaks: false};

/** A circus state with `count` tests in one describe block, and the events of each test in the order Jest sends them. */
function buildFile() {
  const root = {name: 'ROOT_DESCRIBE_BLOCK', children: []};
  const block = {name: 'orders', parent: root, children: []};
  root.children.push({type: 'describeBlock', ...block});
  const describeBlock = root.children[0];
  const tests = [];
  for (let t = 0; t < count; t++) {
    const test = {type: 'test', name: `handles case ${t}`, parent: describeBlock, errors: [], invocations: 1, concurrent: false};
    describeBlock.children.push(test);
    tests.push(test);
  }
  const beforeEach = {type: 'beforeEach'};
  const afterEach = {type: 'afterEach'};
  const events = test => [
    {name: 'test_start', test},
    {name: 'test_started', test},
    {name: 'hook_start', hook: beforeEach, test},
    {name: 'hook_success', hook: beforeEach, test},
    {name: 'test_fn_start', test},
    {name: 'test_fn_success', test},
    {name: 'hook_start', hook: afterEach, test},
    {name: 'hook_success', hook: afterEach, test},
    {name: 'test_done', test},
  ];
  return {state: {rootDescribeBlock: root}, perTest: tests.map(events)};
}

function measure(withRecorder, round) {
  const {state, perTest} = buildFile();
  const recorder = new TestRecorder({
    channelDir: dir,
    channelKey: `channel-${round}`,
    testPath: path.join(dir, 'orders.test.js'),
    rootDir: dir,
    workerId: 1,
    // Off under callgrind (instructions.js): its thread would start at a different test in each run.
    sampler: process.env.MICRO_SAMPLER === '0' || kernelPeak !== null ? null : RssSampler.lazy(100),
    kernelPeak,
    alwaysConcurrent: false,
    settings,
    trace: null,
    gc: null,
    notices: [],
  });
  const noop = () => {};
  const handle = withRecorder && process.env.MICRO_NOOP !== '1' ? (event, circusState) => recorder.handleTimed(event, circusState) : noop;
  handle({name: 'run_start'}, state);
  const start = performance.now();
  for (const events of perTest) for (const event of events) handle(event, state);
  const elapsedMs = performance.now() - start;
  handle({name: 'run_finish'}, state);
  recorder.close();
  return elapsedMs;
}

const eventsPerTest = 9;
const perEventNs = [];
for (let r = 0; r < runs + 1; r++) {
  const recorded = measure(true, r);
  const baseline = measure(false, r);
  if (r > 0) perEventNs.push(((recorded - baseline) * 1e6) / (count * eventsPerTest)); // round 0 warms the JIT
}
fs.rmSync(dir, {recursive: true, force: true});

const nsPerEvent = median(perEventNs);
const result = {tests: count, runs, eventsPerTest, nsPerEvent: round(nsPerEvent, 0), usPerTest: round((nsPerEvent * eventsPerTest) / 1000, 2)};
if (asJson) process.stdout.write(`${JSON.stringify(result)}\n`);
else process.stdout.write(`environment: ${result.nsPerEvent} ns per event, ${result.usPerTest} µs per test (${eventsPerTest} events), median of ${runs}\n`);
