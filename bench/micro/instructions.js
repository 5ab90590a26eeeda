#!/usr/bin/env node
/**
 * Instructions per test of the environment micro-benchmark (environmentEvents.js), counted by callgrind: unlike
 * time, the count barely moves with the machine's load, so it is the figure to compare two versions of the hot
 * path by. Two sizes are run and subtracted, which removes start-up and JIT warm-up; the same runs with a handler
 * that does nothing (MICRO_NOOP=1) give the harness's own share, which is subtracted too.
 *
 * Needs valgrind (`apt-get install valgrind`); prints a line saying so and exits 0 without it.
 * Options: --dist=<dir> measures another build (default: this checkout's dist). --json prints one JSON object.
 */
const {spawnSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const argument = name => process.argv.find(arg => arg.startsWith(`--${name}=`))?.split('=')[1];
const asJson = process.argv.includes('--json');
const SMALL = 2000;
const LARGE = 6000;

if (spawnSync('valgrind', ['--version']).status !== 0) {
  process.stdout.write('instructions: valgrind is not installed; skipped\n');
  process.exit(0);
}

function collected(tests, noop) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jpm-callgrind-')), 'callgrind.out');
  const env = {...process.env, MICRO_NOOP: noop ? '1' : '0', MICRO_SAMPLER: '0'};
  if (argument('dist')) env.BENCH_DIST = path.resolve(argument('dist'));
  const result = spawnSync(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, path.join(__dirname, 'environmentEvents.js'), `--tests=${tests}`, '--runs=1'],
    {env, encoding: 'utf8'},
  );
  fs.rmSync(path.dirname(out), {recursive: true, force: true});
  const match = /Collected : (\d+)/.exec(result.stderr);
  if (!match) throw new Error(`callgrind printed no total:\n${result.stderr.slice(-2000)}`);
  return Number(match[1]);
}

// environmentEvents.js runs two rounds (a warm-up and one counted), each with the recorder and with the no-op
// handler: 2 × tests recorded events per process.
const perTest = noop => (collected(LARGE, noop) - collected(SMALL, noop)) / (2 * (LARGE - SMALL));
const withHarness = perTest(false);
const harness = perTest(true);
const result = {instructionsPerTest: Math.round(withHarness), harnessPerTest: Math.round(harness), recorderPerTest: Math.round(withHarness - harness)};
if (asJson) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(
    `instructions: ${result.instructionsPerTest} per test (${result.recorderPerTest} in the recorder, ${result.harnessPerTest} in the benchmark's own loop)\n`,
  );
}
