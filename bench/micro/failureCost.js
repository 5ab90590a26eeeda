#!/usr/bin/env node
/**
 * Micro-benchmark: what extracting one failure costs, in profile and in trace mode.
 *
 * Two generated files of 200 tests each, identical except that every test of one fails (in a helper, with
 * locals and a describe fixture). Jest runs each in band, several rounds per mode.
 *   profile: the plugin's own measured time (the `overhead` block) for the failing file minus the passing file,
 *            per failure: describing the error, reading the source for the code frame, filtering the stack.
 *   trace:   the median duration of a failing test in trace mode minus the same in profile mode: the debugger
 *            pauses (two or three per failure) and reading the variables.
 * Options: --runs=N rounds (default 5), --count=N tests per file (default 200). Prints one JSON object with --json.
 */
const {spawnSync} = require('child_process');
const fs = require('fs');
const path = require('path');
const {repo, work: benchWork, fromRepo, median, round, cleanEnv} = require('../lib');

const argument = name => process.argv.find(arg => arg.startsWith(`--${name}=`))?.split('=')[1];
const work = path.join(benchWork, 'failure-cost');
const runs = Number(argument('runs') ?? 5);
const COUNT = Number(argument('count') ?? 200);
const asJson = process.argv.includes('--json');
const log = text => (asJson ? process.stderr : process.stdout).write(text);

// Run after `npm run build` and scripts/prepareJestInstalls.js (npm run bench does both): Jest loads the package
// from node_modules, as users have it.
fs.rmSync(work, {recursive: true, force: true});
fs.mkdirSync(work, {recursive: true});
for (const kind of ['fail', 'pass']) {
  const body = [
    `function total(order) {`,
    `  const sum = order.items.reduce((acc, item) => acc + item.price, 0);`,
    `  if (sum ${kind === 'fail' ? '>' : '<'} 0) throw new RangeError('total ' + sum);`,
    `  return sum;`,
    `}`,
    `let order;`,
    `beforeEach(() => { order = {id: 1, items: [{price: 10}, {price: 5}], customer: {name: 'Ada'}}; });`,
    `describe('orders', () => {`,
    ...Array.from({length: COUNT}, (_, t) => `  test('order ${t}', () => { const limit = ${t}; expect(() => total(order)).not.toThrow(); expect(limit).toBe(${t}); });`),
    `});`,
  ];
  fs.mkdirSync(path.join(work, kind), {recursive: true});
  fs.writeFileSync(path.join(work, kind, `${kind}.test.js`), `${body.join('\n')}\n`);
}

const jestBin = path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js');
function run(kind, mode) {
  const output = path.join(work, `${kind}-${mode}.json`);
  const config = {
    rootDir: path.join(work, kind),
    testEnvironment: fromRepo('jest-perf-monitor/environment'),
    reporters: [[fromRepo('jest-perf-monitor'), {printSummary: false, preset: 'development', mode, output}]],
  };
  const configFile = path.join(work, `jest.${kind}.${mode}.config.js`);
  fs.writeFileSync(configFile, `module.exports = ${JSON.stringify(config)};\n`);
  const result = spawnSync(process.execPath, [jestBin, '--config', configFile, '--runInBand', '--silent'], {cwd: repo, env: cleanEnv(), encoding: 'utf8'});
  if (result.status !== (kind === 'fail' ? 1 : 0)) throw new Error(`${kind}/${mode} exited ${result.status}\n${result.stderr}`);
  return JSON.parse(fs.readFileSync(output, 'utf8'));
}

const testDurations = doc => Object.values(doc.tests).map(test => test.duration);

const profileCost = [];
const traceCost = [];
let captured = 0;
run('fail', 'profile'); // warm-up: transform cache
for (let r = 0; r < runs; r++) {
  const failProfile = run('fail', 'profile');
  const passProfile = run('pass', 'profile');
  const failTrace = run('fail', 'trace');
  profileCost.push(((failProfile.overhead.environment_time - passProfile.overhead.environment_time) / COUNT) * 1000);
  traceCost.push((median(testDurations(failTrace)) - median(testDurations(failProfile))) * 1000);
  captured = Object.values(failTrace.tests).filter(test => test.failure?.locals).length;
  log(`  round ${r + 1}/${runs}: profile ${profileCost[r].toFixed(3)} ms/failure, trace +${traceCost[r].toFixed(3)} ms/failure\n`);
}
const result = {
  failuresPerRun: COUNT,
  runs,
  profileMsPerFailure: round(median(profileCost)),
  traceExtraMsPerFailure: round(median(traceCost)),
  traceFailuresWithLocals: captured,
};
if (asJson) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(
    `\nprofile mode: ${result.profileMsPerFailure} ms per failure (target: at most 1 ms)\n` +
      `trace mode: +${result.traceExtraMsPerFailure} ms per failure on top of profile (${captured}/${COUNT} failures with locals)\n`,
  );
}
