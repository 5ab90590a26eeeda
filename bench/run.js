#!/usr/bin/env node
/**
 * `npm run bench`: what the plugin costs a whole Jest run (SPEC section 7).
 *
 * Generates a suite of 5,000 trivial tests (50 files of 100, with beforeEach/afterEach) and runs it three ways,
 * alternating A B C A B C … so drift in the machine's speed hits every variant alike:
 *   plain   - Jest with jest-environment-node;
 *   floor   - an environment whose handleTestEvent does nothing (what any environment-based tool pays);
 *   plugin  - jest-perf-monitor's environment and reporter (the `ci` preset, summary off).
 * It prints the median wall time of each and the ratios, and writes bench/results.json.
 *
 * Environment: BENCH_RUNS (default 5 counted runs per variant, after one warm-up round), BENCH_FILES,
 * BENCH_TESTS_PER_FILE, BENCH_MAX_WORKERS (default 2).
 */
const {spawnSync, execFileSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const work = path.join(__dirname, '.work');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const files = Number(process.env.BENCH_FILES ?? 50);
const testsPerFile = Number(process.env.BENCH_TESTS_PER_FILE ?? 100);
const maxWorkers = process.env.BENCH_MAX_WORKERS ?? '2';

execFileSync(process.execPath, [path.join(repo, 'scripts', 'prepareJestInstalls.js'), '--only=30'], {stdio: 'inherit'});

function generateSuite(dir) {
  fs.rmSync(dir, {recursive: true, force: true});
  fs.mkdirSync(dir, {recursive: true});
  for (let f = 0; f < files; f++) {
    const body = [
      `let value;`,
      `beforeEach(() => { value = ${f}; });`,
      `afterEach(() => { value = undefined; });`,
      `describe('file ${f}', () => {`,
      ...Array.from({length: testsPerFile}, (_, t) => `  test('test ${t}', () => { expect(value + ${t}).toBe(${f + t}); });`),
      `});`,
    ];
    fs.writeFileSync(path.join(dir, `trivial${f}.test.js`), `${body.join('\n')}\n`);
  }
}

const variants = {
  plain: {testEnvironment: 'node', reporters: ['default']},
  floor: {testEnvironment: path.join(__dirname, 'noopEnvironment.js'), reporters: ['default']},
  plugin: {testEnvironment: 'jest-perf-monitor/environment', reporters: ['default', ['jest-perf-monitor', {printSummary: false, preset: 'ci', output: path.join(work, 'performance_metrics.json')}]]},
};

const suiteDir = path.join(work, 'trivial');
generateSuite(suiteDir);
for (const [name, config] of Object.entries(variants)) {
  fs.writeFileSync(path.join(work, `jest.${name}.config.js`), `module.exports = ${JSON.stringify({rootDir: suiteDir, ...config}, null, 2)};\n`);
}

const jestBin = path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js');
function runOnce(name) {
  const env = {...process.env, CI: 'true'};
  for (const key of Object.keys(env)) if (key.startsWith('JEST_PERF_')) delete env[key];
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [jestBin, '--config', path.join(work, `jest.${name}.config.js`), `--maxWorkers=${maxWorkers}`, '--silent'], {cwd: work, env, encoding: 'utf8'});
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    throw new Error(`${name} run failed (exit ${result.status})`);
  }
  return seconds;
}

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const names = Object.keys(variants);
const times = Object.fromEntries(names.map(name => [name, []]));
process.stdout.write(`Suite: ${files * testsPerFile} trivial tests in ${files} files, --maxWorkers=${maxWorkers}; ${runs} runs each after a warm-up\n`);
for (const name of names) runOnce(name); // warm-up: transform cache, disk cache
for (let round = 0; round < runs; round++) {
  for (const name of names) times[name].push(runOnce(name));
  process.stdout.write(`  round ${round + 1}/${runs}: ${names.map(name => `${name} ${times[name][round].toFixed(2)} s`).join(', ')}\n`);
}

// Ratios pair by pair within a round, then the median: robust to the machine drifting between rounds.
const pairRatio = (a, b) => median(times[a].map((value, index) => value / times[b][index]));
const result = {
  date: new Date().toISOString(),
  machine: {platform: process.platform, arch: process.arch, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.versions.node},
  jest: require(path.join(repo, 'node_modules', 'jest', 'package.json')).version,
  suite: {kind: 'trivial', files, testsPerFile, maxWorkers: Number(maxWorkers)},
  runs,
  medianSeconds: Object.fromEntries(names.map(name => [name, Number(median(times[name]).toFixed(3))])),
  ratios: {
    floorVsPlain: Number(pairRatio('floor', 'plain').toFixed(3)),
    pluginVsPlain: Number(pairRatio('plugin', 'plain').toFixed(3)),
    pluginVsFloor: Number(pairRatio('plugin', 'floor').toFixed(3)),
  },
};
result.pointsOverFloor = Number(((result.ratios.pluginVsPlain - result.ratios.floorVsPlain) * 100).toFixed(1));
fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);

process.stdout.write(`\n${'variant'.padEnd(8)} median wall\n`);
for (const name of names) process.stdout.write(`${name.padEnd(8)} ${result.medianSeconds[name].toFixed(2)} s\n`);
process.stdout.write(
  `\nfloor/plain  ${result.ratios.floorVsPlain.toFixed(3)}x\nplugin/plain ${result.ratios.pluginVsPlain.toFixed(3)}x\nplugin/floor ${result.ratios.pluginVsFloor.toFixed(3)}x\n` +
    `plugin is ${result.pointsOverFloor} points over the floor (target: at most 3)\nWrote bench/results.json\n`,
);
