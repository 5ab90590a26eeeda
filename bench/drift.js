#!/usr/bin/env node
/**
 * Verdicts on a loaded machine (docs/performance.md#verdicts-on-a-loaded-machine): runs the `drift` fixture through
 * real Jest, REPEATS times, in four scenarios, and counts the comparison's false positives and misses:
 *
 *   baseline   the code as is, nothing else running;
 *   loaded     the same code while two CPU-bound processes run beside Jest: every flag is a false positive;
 *   one3x      `busy compile` made 3x slower, under the same load: it must be the one test flagged;
 *   code1.5x   every test's work 1.5x (the code, not the machine): a run-level finding, no test flagged;
 *   code1.5x-loaded  the same beside the two CPU-bound processes (a CI runner running other jobs).
 *
 * It also times a fixed calibration loop (what a per-worker CPU probe would run) before each run, to see whether
 * such a probe would tell the machine's speed apart better than the CPU clock already does.
 *
 *   npm run build && node scripts/prepareJestInstalls.js && node bench/drift.js [REPEATS=5] > drift.json
 */
const {spawn} = require('child_process');
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const REPEATS = Number(process.argv[2] || 5);
const runs = path.join(repo, '.jest-installs', '30', 'runs');
const jest = path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js');

/** Two processes that spin on a core each until killed (also when this script is stopped). */
const running = new Set();
function startLoad() {
  return [0, 1].map(() => {
    const hog = spawn(process.execPath, ['-e', 'for (;;) {}'], {stdio: 'ignore'});
    running.add(hog);
    return hog;
  });
}
function stopLoad(hogs) {
  for (const hog of hogs) {
    hog.kill('SIGKILL');
    running.delete(hog);
  }
}
process.on('exit', () => stopLoad([...running]));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

/** The calibration loop a per-worker probe would time: a fixed amount of work, on both clocks. */
function probe() {
  const samples = [];
  for (let round = 0; round < 5; round++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    let x = 0;
    for (let i = 0; i < 20 * 60000; i++) x += Math.sqrt(x + i);
    const used = process.cpuUsage(cpu);
    samples.push({wallMs: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000, x});
  }
  const med = key => samples.map(sample => sample[key]).sort((a, b) => a - b)[2];
  return {wallMs: med('wallMs'), cpuMs: med('cpuMs')};
}

let counter = 0;
/** Real Jest on a copy of the fixture (asynchronously, so that a signal still stops the load). */
async function runJest(env) {
  const dir = path.join(runs, `drift-bench-${process.pid}-${++counter}`);
  fs.cpSync(path.join(repo, '__tests__', 'fixtures', 'drift'), dir, {recursive: true});
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('JEST_') && key !== 'NODE_OPTIONS'));
  const child = spawn(process.execPath, [jest, '--ci'], {cwd: dir, env: {...clean, CI: 'true', FORCE_COLOR: '0', ...env}, stdio: ['ignore', 'ignore', 'pipe']});
  running.add(child);
  let stderr = '';
  child.stderr.on('data', chunk => (stderr += chunk));
  const code = await new Promise(resolve => child.on('close', resolve));
  running.delete(child);
  if (code !== 0) throw new Error(`jest exited ${code}\n${stderr}`);
  return dir;
}
/** Where each run's metrics are kept, for a second look. */
const keep = path.join(__dirname, '.work', 'drift');
fs.mkdirSync(keep, {recursive: true});

const SLOW = 'work.test.js::busy compile';
const results = [];
async function main() {
  for (let repeat = 1; repeat <= REPEATS; repeat++) {
    const idleProbe = probe();
    const baseDir = await runJest({JEST_PERF_OUTPUT: 'baseline.json'});
    const baseline = path.join(baseDir, 'baseline.json');
    fs.copyFileSync(baseline, path.join(keep, `${repeat}-baseline.json`));
    const scenario = async (name, env, loaded) => {
      const hogs = loaded ? startLoad() : [];
      try {
        const probeNow = probe();
        const dir = await runJest({...env, JEST_PERF_BASELINE: baseline});
        fs.copyFileSync(path.join(dir, 'performance_metrics.json'), path.join(keep, `${repeat}-${name}.json`));
        const report = JSON.parse(fs.readFileSync(path.join(dir, 'performance_metrics.json'), 'utf8')).regressions;
        const flagged = report.regressions.map(change => change.test);
        const current = JSON.parse(fs.readFileSync(path.join(dir, 'performance_metrics.json'), 'utf8')).tests;
        const before = JSON.parse(fs.readFileSync(baseline, 'utf8')).tests;
        const row = {
          repeat,
          scenario: name,
          flagged,
          improvements: report.improvements.map(change => change.test),
          drift: report.drift,
          clocks: Object.fromEntries(report.regressions.map(change => [change.test, change.clock])),
          probe: {wallRatio: probeNow.wallMs / idleProbe.wallMs, cpuRatio: probeNow.cpuMs / idleProbe.cpuMs},
          // The rule before drift and clocks: wall time, over 20 % and 10 ms.
          oldRule: Object.keys(before).filter(id => {
            const change = (current[id].duration - before[id].duration) * 1000;
            return Math.abs(change) > 10 && Math.abs(change) / (before[id].duration * 1000) > 0.2;
          }),
        };
        results.push(row);
        process.stderr.write(`${repeat} ${name}: flagged ${JSON.stringify(flagged)} improvements ${JSON.stringify(row.improvements)} drift overall ${report.drift.overall?.factor} cpu ${report.drift.cpu?.factor} (σ ${report.drift.cpu?.spread}) load ${report.drift.load?.factor} wall ${report.drift.wall?.factor} (σ ${report.drift.wall?.spread}) noise ${report.drift.wall_noise} finding ${JSON.stringify(report.drift.finding)} probe wall ${row.probe.wallRatio.toFixed(2)} cpu ${row.probe.cpuRatio.toFixed(2)}\n`);
        fs.rmSync(dir, {recursive: true, force: true});
      } finally {
        stopLoad(hogs);
      }
    };
    await scenario('loaded', {}, true);
    await scenario('one3x', {SLOW_TEST: 'compile', SLOW_FACTOR: '3'}, true);
    await scenario('code1.5x', {CODE_FACTOR: '1.5'}, false);
    await scenario('code1.5x-loaded', {CODE_FACTOR: '1.5'}, true);
    fs.rmSync(baseDir, {recursive: true, force: true});
  }
  report();
}

function report() {
  const of = name => results.filter(row => row.scenario === name);
  const oldRule = name => ({
      falsePositives: of(name).reduce((sum, row) => sum + row.oldRule.filter(id => name !== 'one3x' || id !== SLOW).length, 0),
      misses: name === 'one3x' ? of(name).filter(row => !row.oldRule.includes(SLOW)).length : 0,
    });
  const codeSlower = name => ({
    runs: of(name).length,
    runLevelFindings: of(name).filter(row => row.drift.finding?.direction === 'slower').length,
    testsFlagged: of(name).reduce((sum, row) => sum + row.flagged.length + row.improvements.length, 0),
  });
  const summary = {
    repeats: REPEATS,
    oldRule: {loaded: oldRule('loaded'), one3x: oldRule('one3x'), code15x: oldRule('code1.5x'), code15xLoaded: oldRule('code1.5x-loaded')},
    loaded: {runs: of('loaded').length, falsePositives: of('loaded').reduce((sum, row) => sum + row.flagged.length + row.improvements.length, 0), runLevelFindings: of('loaded').filter(row => row.drift.finding !== null).length},
    one3x: {
      runs: of('one3x').length,
      misses: of('one3x').filter(row => !row.flagged.includes(SLOW)).length,
      falsePositives: of('one3x').reduce((sum, row) => sum + row.flagged.filter(id => id !== SLOW).length + row.improvements.length, 0),
      runLevelFindings: of('one3x').filter(row => row.drift.finding !== null).length,
    },
    code15x: codeSlower('code1.5x'),
    code15xLoaded: codeSlower('code1.5x-loaded'),
  };
  process.stdout.write(`${JSON.stringify({summary, results}, null, 2)}\n`);
}
main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
