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
 * BENCH_TESTS_PER_FILE, BENCH_MAX_WORKERS (default: Jest's own choice, cores - 1).
 *
 * BENCH_SUITE=failing runs the second suite instead: 500 tests (50 files of 10) of which 10% fail through a
 * helper, with a fourth variant, `trace` (the plugin in trace mode); `plugin` is then profile mode. It writes
 * bench/results-failing.json.
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
// Jest's own default (cores - 1) unless told otherwise: what users get.
const maxWorkers = process.env.BENCH_MAX_WORKERS ?? null;
const suiteKind = process.env.BENCH_SUITE === 'failing' ? 'failing' : 'trivial';

execFileSync(process.execPath, [path.join(repo, 'scripts', 'prepareJestInstalls.js'), '--only=30'], {stdio: 'inherit'});

/** 500 tests, one in ten failing in a helper with a few locals: what trace mode does on a red run. */
function generateFailingSuite(dir) {
  fs.rmSync(dir, {recursive: true, force: true});
  fs.mkdirSync(dir, {recursive: true});
  for (let f = 0; f < 50; f++) {
    const body = [
      `function total(order) {`,
      `  const sum = order.items.reduce((acc, item) => acc + item.price * item.quantity, 0);`,
      `  const discounted = sum > 100 ? sum * 0.9 : sum;`,
      `  return Math.round(discounted * 100) / 100;`,
      `}`,
      `let order;`,
      `beforeEach(() => { order = {id: ${f}, items: [{price: 10, quantity: 2}, {price: 5.5, quantity: 3}]}; });`,
      `describe('orders ${f}', () => {`,
      ...Array.from({length: 10}, (_, t) => `  test('order ${t}', () => { const expected = ${t === 0 ? 99 : 36.5}; expect(total(order)).toBe(expected); });`),
      `});`,
    ];
    fs.writeFileSync(path.join(dir, `orders${f}.test.js`), `${body.join('\n')}\n`);
  }
}

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

const pluginConfig = options => ({
  testEnvironment: 'jest-perf-monitor/environment',
  reporters: ['default', ['jest-perf-monitor', {printSummary: false, preset: 'ci', output: path.join(work, 'performance_metrics.json'), ...options}]],
});
const variants = {
  plain: {testEnvironment: 'node', reporters: ['default']},
  floor: {testEnvironment: path.join(__dirname, 'noopEnvironment.js'), reporters: ['default']},
  plugin: pluginConfig({}),
  ...(suiteKind === 'failing' ? {trace: pluginConfig({mode: 'trace', includeClosure: true})} : {}),
};

const suiteDir = path.join(work, suiteKind);
if (suiteKind === 'failing') generateFailingSuite(suiteDir);
else generateSuite(suiteDir);
for (const [name, config] of Object.entries(variants)) {
  fs.writeFileSync(path.join(work, `jest.${name}.config.js`), `module.exports = ${JSON.stringify({rootDir: suiteDir, ...config}, null, 2)};\n`);
}

const jestBin = path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js');

/**
 * CPU seconds (user + system) used by this process's finished children, Jest's workers included: fields 16 and 17
 * of /proc/self/stat, in clock ticks. CPU time is what the plugin adds, and it is far less disturbed than wall
 * time by a noisy machine. Linux only; elsewhere the CPU columns are left out.
 */
function childrenCpuSeconds() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerSecond = 100; // USER_HZ, fixed at 100 on Linux
    return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
  } catch {
    return null;
  }
}

function runOnce(name) {
  const env = {...process.env, CI: 'true'};
  for (const key of Object.keys(env)) if (key.startsWith('JEST_PERF_')) delete env[key];
  const cpuBefore = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [jestBin, '--config', path.join(work, `jest.${name}.config.js`), ...(maxWorkers === null ? [] : [`--maxWorkers=${maxWorkers}`]), '--silent'], {cwd: work, env, encoding: 'utf8'});
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  if (result.status !== (suiteKind === 'failing' ? 1 : 0)) {
    process.stderr.write(result.stderr);
    throw new Error(`${name} run failed (exit ${result.status})`);
  }
  return {wall: seconds, cpu: cpuBefore === null ? null : cpuAfter - cpuBefore};
}

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const names = Object.keys(variants);
const times = Object.fromEntries(names.map(name => [name, []]));
const cpu = Object.fromEntries(names.map(name => [name, []]));
/** The plugin's own time in each plugin run, as it measured itself (the `overhead` block of its JSON). */
const own = [];
process.stdout.write(suiteKind === 'failing' ? 'Suite: 500 tests in 50 files, 10% failing; ' : `Suite: ${files * testsPerFile} trivial tests in ${files} files, ${maxWorkers === null ? "Jest's default workers" : `--maxWorkers=${maxWorkers}`}; ${runs} runs each after a warm-up\n`);
for (const name of names) runOnce(name); // warm-up: transform cache, disk cache
for (let round = 0; round < runs; round++) {
  for (const name of names) {
    const measured = runOnce(name);
    times[name].push(measured.wall);
    cpu[name].push(measured.cpu);
    if (name === 'plugin' || name === 'trace') {
      const {overhead} = JSON.parse(fs.readFileSync(path.join(work, 'performance_metrics.json'), 'utf8'));
      if (name === 'plugin') own.push(overhead.environment_time + overhead.reporter_time);
    }
  }
  process.stdout.write(`  round ${round + 1}/${runs}: ${names.map(name => `${name} ${times[name][round].toFixed(2)} s (cpu ${cpu[name][round]?.toFixed(2)} s)`).join(', ')}\n`);
}

// Ratios pair by pair within a round, then the median: robust to the machine drifting between rounds.
const pairRatio = (a, b, series = times) => median(series[a].map((value, index) => value / series[b][index]));
const hasCpu = cpu.plain.every(value => value !== null);
const result = {
  date: new Date().toISOString(),
  machine: {platform: process.platform, arch: process.arch, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.versions.node},
  jest: require(path.join(repo, 'node_modules', 'jest', 'package.json')).version,
  suite: {kind: suiteKind, files: suiteKind === 'failing' ? 50 : files, testsPerFile: suiteKind === 'failing' ? 10 : testsPerFile, maxWorkers: maxWorkers === null ? 'jest default' : Number(maxWorkers)},
  runs,
  medianSeconds: Object.fromEntries(names.map(name => [name, Number(median(times[name]).toFixed(3))])),
  medianCpuSeconds: hasCpu ? Object.fromEntries(names.map(name => [name, Number(median(cpu[name]).toFixed(3))])) : null,
  cpuRatios: hasCpu
    ? {floorVsPlain: Number(pairRatio('floor', 'plain', cpu).toFixed(3)), pluginVsPlain: Number(pairRatio('plugin', 'plain', cpu).toFixed(3)), pluginVsFloor: Number(pairRatio('plugin', 'floor', cpu).toFixed(3))}
    : null,
  ratios: {
    floorVsPlain: Number(pairRatio('floor', 'plain').toFixed(3)),
    pluginVsPlain: Number(pairRatio('plugin', 'plain').toFixed(3)),
    pluginVsFloor: Number(pairRatio('plugin', 'floor').toFixed(3)),
    ...(names.includes('trace') ? {traceVsPlain: Number(pairRatio('trace', 'plain').toFixed(3))} : {}),
  },
};
result.pointsOverFloor = Number(((result.ratios.pluginVsPlain - result.ratios.floorVsPlain) * 100).toFixed(1));
result.ownSeconds = Number(median(own).toFixed(3));
result.ownShareOfPluginCpu = hasCpu ? Number((median(own.map((seconds, index) => seconds / cpu.plugin[index])) * 100).toFixed(2)) : null;
if (hasCpu) result.cpuPointsOverFloor = Number(((result.cpuRatios.pluginVsPlain - result.cpuRatios.floorVsPlain) * 100).toFixed(1));
const resultsFile = suiteKind === 'failing' ? 'results-failing.json' : 'results.json';
fs.writeFileSync(path.join(__dirname, resultsFile), `${JSON.stringify(result, null, 2)}\n`);

const row = (label, values) => `${label.padEnd(18)}${values.map(value => String(value).padStart(10)).join('')}\n`;
process.stdout.write(`\n${row('', ['wall', ...(hasCpu ? ['cpu'] : [])])}`);
for (const name of names) {
  process.stdout.write(row(`${name} (median)`, [`${result.medianSeconds[name].toFixed(2)} s`, ...(hasCpu ? [`${result.medianCpuSeconds[name].toFixed(2)} s`] : [])]));
}
for (const key of ['floorVsPlain', 'pluginVsPlain', 'pluginVsFloor']) {
  process.stdout.write(row(key, [`${result.ratios[key].toFixed(3)}x`, ...(hasCpu ? [`${result.cpuRatios[key].toFixed(3)}x`] : [])]));
}
if (result.ratios.traceVsPlain !== undefined) process.stdout.write(row('traceVsPlain', [`${result.ratios.traceVsPlain.toFixed(3)}x`]));
process.stdout.write(row('points over floor', [result.pointsOverFloor, ...(hasCpu ? [result.cpuPointsOverFloor] : [])]));
process.stdout.write(
  `own time the plugin measured (environment + reporter): ${result.ownSeconds.toFixed(3)} s` +
    (result.ownShareOfPluginCpu === null ? '\n' : `, ${result.ownShareOfPluginCpu} % of the plugin run's CPU\n`),
);
process.stdout.write(`(ratios are medians of the per-round ratios; targets: plugin at most 3 points over the floor${suiteKind === 'failing' ? ', trace at most 1.3x plain' : ''})\nWrote bench/${resultsFile}\n`);
