/**
 * What the benchmark scripts share: statistics, CPU accounting and the machine's description.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..');
// Generated suites, configs and scratch files; BENCH_WORK moves them (the test suite's smoke run does).
const work = path.resolve(process.env.BENCH_WORK ?? path.join(__dirname, '.work'));
/**
 * The build the micro-benchmarks load: the installed copy Jest runs in the matrix (scripts/prepareJestInstalls.js
 * puts it there), or BENCH_DIST (`BENCH_DIST=dist` measures a fresh `npm run build` without reinstalling).
 */
const installed = path.join(repo, 'node_modules', 'jest-perf-monitor');
const dist = process.env.BENCH_DIST ? path.resolve(repo, process.env.BENCH_DIST) : path.join(installed, 'dist');

function median(values) {
  const sorted = values.filter(value => value !== null && Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rounds for JSON: 3 decimals by default, null kept. */
function round(value, digits = 3) {
  return value === null || value === undefined || !Number.isFinite(value) ? null : Number(value.toFixed(digits));
}

/**
 * CPU seconds (user + system) used by this process's finished and reaped children, grandchildren included (Jest
 * waits for its workers): fields 16 and 17 of /proc/self/stat, in clock ticks. CPU time is what the plugin adds,
 * and on a shared machine it is far steadier than wall time. Linux only: elsewhere null, and the CPU columns are
 * left out.
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

/** The machine the figures were taken on, for results.json. */
function describeMachine() {
  const cpus = os.cpus();
  let jest = null;
  try {
    jest = require(path.join(repo, 'node_modules', 'jest', 'package.json')).version;
  } catch {
    // Not installed: the matrix will say so when it runs.
  }
  return {
    platform: process.platform,
    arch: process.arch,
    release: os.release(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    cpuMhz: cpus[0]?.speed ?? null,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map(value => round(value, 2)),
    node: process.versions.node,
    v8: process.versions.v8,
    jest,
    ci: process.env.CI === 'true' || process.env.CI === '1',
  };
}

/** Environment for a child Jest: no JEST_PERF_* of the caller's leaks into a variant. */
function cleanEnv(extra = {}) {
  const env = {...process.env, CI: 'true', ...extra};
  for (const key of Object.keys(env)) if (key.startsWith('JEST_PERF_')) delete env[key];
  return env;
}

/**
 * A package as the repo's node_modules has it, as an absolute path: Jest resolves a config's environment and
 * reporters from the suite's directory, which BENCH_WORK may put outside the repo. This package is the installed
 * copy (node resolution from inside the repo would find the repo's own dist by its name).
 */
const INSTALLED = {
  'jest-perf-monitor': path.join(installed, 'dist', 'index.js'),
  'jest-perf-monitor/environment': path.join(installed, 'dist', 'environment.js'),
  'jest-perf-monitor/runner': path.join(installed, 'dist', 'runner.js'),
};
const fromRepo = id => INSTALLED[id] ?? require.resolve(id, {paths: [repo]});

module.exports = {repo, work, dist, fromRepo, median, round, childrenCpuSeconds, describeMachine, cleanEnv};
