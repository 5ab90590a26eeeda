#!/usr/bin/env node
/**
 * `npm run bench`: what the plugin costs (SPEC section 7), as a matrix of whole Jest runs plus micro-benchmarks.
 *
 * Suites (bench/suites.js): trivial (5,000 tests), realistic (~500 tests of mixed work), failing (500 tests, 10%
 * failing). Each runs with every variant:
 *   plain    Jest with jest-environment-node;
 *   floor    an environment whose handleTestEvent does nothing: what any environment-based tool pays;
 *   junit    plain Jest plus jest-junit, a reporter that measures nothing: the reference for a reporter's cost;
 *   static, profile, trace   this package's environment and reporter in each mode (the `ci` preset otherwise;
 *            trace also captures closures, as the `development` preset does);
 *   runner   profile mode through `testRunner: 'jest-perf-monitor/runner'` on jest-environment-node (the recommended
 *            setup; it must cost what the environment entry costs);
 *   auto     the runner in mode `auto` (the development preset's): profile, plus trace for the files that failed
 *            in the previous run. On an all-passing suite it must cost no more than profile.
 * Two more, asked for by name in BENCH_VARIANTS (they are not in the default list):
 *   noimports  the runner with `imports: false`: what timing each file's imports costs (runner vs noimports);
 *   cpuprofile the runner with `cpuProfile: true`: what V8's sampling profiler costs (cpuprofile vs runner).
 * Within a suite the runs alternate after one warm-up round (plain floor junit static profile trace, then floor
 * junit … plain: each round starts one variant later), so the machine's drift hits every variant alike. Ratios are taken within each round and their median
 * reported, for wall time and for CPU time (user + system of Jest and its workers). On a shared machine CPU time
 * is the steadier of the two.
 *
 * Then the micro-benchmarks (bench/micro/): the reporter reading and writing 100,000 tests, failure extraction
 * per failure, and the environment's cost per event.
 *
 * Writes bench/results.json (or BENCH_OUTPUT) with the machine's description and every figure.
 *
 * Environment:
 *   BENCH_RUNS          counted rounds per suite (default 5), after one warm-up round
 *   BENCH_SUITES        comma list of suites (default: trivial,realistic,failing; empty: micro-benchmarks only)
 *   BENCH_VARIANTS      comma list of variants (default: all six)
 *   BENCH_MICRO         0 skips the micro-benchmarks
 *   BENCH_MAX_WORKERS   Jest's --maxWorkers (default: Jest's own choice, cores - 1, as users get)
 *   BENCH_QUICK         1 shrinks every suite and the micro-benchmarks, one round, no warm-up: a smoke run that
 *                       checks the bench works (the test suite runs it)
 *   BENCH_WORK          where suites and scratch files go (default bench/.work)
 *   BENCH_SKIP_PREPARE  1 skips installing the built package into node_modules (already done)
 *   BENCH_OUTPUT        where to write the results (default bench/results.json)
 */
const {spawnSync, execFileSync} = require('child_process');
const fs = require('fs');
const path = require('path');
const {repo, work, fromRepo, median, round, childrenCpuSeconds, describeMachine, cleanEnv} = require('./lib');
const {SUITES} = require('./suites');

const quick = process.env.BENCH_QUICK === '1';
const runs = Number(process.env.BENCH_RUNS ?? (quick ? 1 : 5));
const maxWorkers = process.env.BENCH_MAX_WORKERS ?? null;
const list = (value, all) => (value === undefined ? all : value.split(',').map(item => item.trim()).filter(Boolean));
const suiteNames = list(process.env.BENCH_SUITES, Object.keys(SUITES));
const DEFAULT_VARIANTS = ['plain', 'floor', 'junit', 'static', 'profile', 'trace', 'runner', 'auto'];
const ALL_VARIANTS = [...DEFAULT_VARIANTS, 'noimports', 'cpuprofile'];
const variantNames = list(process.env.BENCH_VARIANTS, DEFAULT_VARIANTS);
const outputFile = path.resolve(process.env.BENCH_OUTPUT ?? path.join(__dirname, 'results.json'));
for (const name of suiteNames) if (!SUITES[name]) throw new Error(`BENCH_SUITES: unknown suite "${name}"; allowed: ${Object.keys(SUITES).join(', ')}`);
for (const name of variantNames) if (!ALL_VARIANTS.includes(name)) throw new Error(`BENCH_VARIANTS: unknown variant "${name}"; allowed: ${ALL_VARIANTS.join(', ')}`);
if (suiteNames.length > 0 && !variantNames.includes('plain')) throw new Error('BENCH_VARIANTS must include plain: every ratio is to it');

/** Targets (the issue's table): what each figure is held to. */
const TARGETS = {
  staticTrivialPointsOverFloor: 1,
  profileTrivialPointsOverFloor: 3,
  profileRealisticVsPlain: 1.03,
  traceFailingVsPlain: 1.3,
  extractionMsPerFailure: 1,
  ingestAndWriteMs: 1000,
  retainedBytesPerTest: 1024,
  runnerVsEnvironment: 1.02,
  autoVsProfile: 1.02,
  importsOwnTime: 1.02,
};

// The installed package, as users get it: node_modules/jest-perf-monitor is the built dist. (The test suite has
// installed it already, and its other files use it while the smoke run goes: BENCH_SKIP_PREPARE=1.)
if (process.env.BENCH_SKIP_PREPARE !== '1') {
  execFileSync(process.execPath, [path.join(repo, 'scripts', 'prepareJestInstalls.js'), '--only=30'], {stdio: 'inherit'});
}
const jestBin = path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js');

function variantConfig(name, suiteDir) {
  const reporters = options => ['default', [fromRepo('jest-perf-monitor'), {preset: 'ci', output: path.join(work, 'performance_metrics.json'), ...options}]];
  const plugin = options => ({testEnvironment: fromRepo('jest-perf-monitor/environment'), reporters: reporters(options)});
  const runner = options => ({testEnvironment: 'node', testRunner: fromRepo('jest-perf-monitor/runner'), reporters: reporters(options)});
  const configs = {
    plain: {testEnvironment: 'node', reporters: ['default']},
    floor: {testEnvironment: path.join(__dirname, 'noopEnvironment.js'), reporters: ['default']},
    junit: {testEnvironment: 'node', reporters: ['default', [fromRepo('jest-junit'), {outputDirectory: work, outputName: 'junit.xml'}]]},
    static: plugin({mode: 'static'}),
    profile: plugin({mode: 'profile'}),
    trace: plugin({mode: 'trace', includeClosure: true}),
    runner: runner({mode: 'profile'}),
    auto: runner({mode: 'auto', includeClosure: true}),
    noimports: runner({mode: 'profile', imports: false}),
    cpuprofile: runner({mode: 'profile', cpuProfile: true}),
  };
  return {rootDir: suiteDir, ...configs[name]};
}

function runOnce(configFile, exitCode) {
  const cpuBefore = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const args = [jestBin, '--config', configFile, ...(maxWorkers === null ? [] : [`--maxWorkers=${maxWorkers}`]), '--silent'];
  // From the repo: Jest 30 refuses a --config file in a directory with no package.json above it (BENCH_WORK in /tmp).
  const result = spawnSync(process.execPath, args, {cwd: repo, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 * 2 ** 20});
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  if (result.status !== exitCode) {
    process.stderr.write(result.stderr.slice(-4000));
    throw new Error(`${path.basename(configFile)} exited ${result.status}, expected ${exitCode}`);
  }
  return {wall, cpu: cpuBefore === null ? null : cpuAfter - cpuBefore};
}

const isPlugin = name => ['static', 'profile', 'trace', 'runner', 'auto', 'noimports', 'cpuprofile'].includes(name);

function runSuite(suiteName) {
  const suite = SUITES[suiteName];
  const suiteDir = path.join(work, suiteName);
  const shape = suite.generate(suiteDir, quick ? suite.quick : undefined);
  const configs = {};
  for (const name of variantNames) {
    configs[name] = path.join(work, `jest.${suiteName}.${name}.config.js`);
    fs.writeFileSync(configs[name], `module.exports = ${JSON.stringify(variantConfig(name, suiteDir), null, 2)};\n`);
  }
  process.stdout.write(`\n${suiteName}: ${quick ? `${shape.tests} tests (quick)` : suite.describe}; ${runs} round${runs === 1 ? '' : 's'}${quick ? '' : ' after a warm-up'}\n`);
  // Warm-up: transform and disk caches. A quick run is a smoke test of the bench, not a measurement: none.
  if (!quick) for (const name of variantNames) runOnce(configs[name], shape.exitCode);
  const wall = Object.fromEntries(variantNames.map(name => [name, []]));
  const cpu = Object.fromEntries(variantNames.map(name => [name, []]));
  /** The plugin's own time (all of it, or environment + reporter before it was counted completely), as it measured itself. */
  const own = Object.fromEntries(variantNames.filter(isPlugin).map(name => [name, []]));
  for (let round = 0; round < runs; round++) {
    // Each round starts one variant later, so none always runs right after another: a disturbance that recurs
    // with the order (a cache, a neighbour's periodic job) does not always land on the same variant.
    const order = variantNames.map((_, index) => variantNames[(index + round) % variantNames.length]);
    for (const name of order) {
      const measured = runOnce(configs[name], shape.exitCode);
      wall[name].push(measured.wall);
      cpu[name].push(measured.cpu);
      if (isPlugin(name)) {
        const {overhead} = JSON.parse(fs.readFileSync(path.join(work, 'performance_metrics.json'), 'utf8'));
        // Counted completely where the build has it (own_time: load, threads, report writing too; docs/performance.md).
        own[name].push(overhead.own_time ?? overhead.environment_time + overhead.reporter_time);
      }
    }
    process.stdout.write(`  round ${round + 1}/${runs}: ${variantNames.map(name => `${name} ${wall[name][round].toFixed(2)}s`).join('  ')}\n`);
  }

  const hasCpu = cpu.plain.every(value => value !== null);
  // Ratios pair by pair within a round, then the median: robust to the machine drifting between rounds.
  const pairRatio = (series, a, b) => median(series[a].map((value, index) => value / series[b][index]));
  const variants = {};
  for (const name of variantNames) {
    const entry = {
      wallSeconds: round(median(wall[name])),
      wallRange: [round(Math.min(...wall[name])), round(Math.max(...wall[name]))],
      cpuSeconds: hasCpu ? round(median(cpu[name])) : null,
      wallVsPlain: round(pairRatio(wall, name, 'plain')),
      cpuVsPlain: hasCpu ? round(pairRatio(cpu, name, 'plain')) : null,
    };
    if (variantNames.includes('floor')) {
      entry.wallVsFloor = round(pairRatio(wall, name, 'floor'));
      entry.cpuVsFloor = hasCpu ? round(pairRatio(cpu, name, 'floor')) : null;
      // Points over the floor: both as fractions of plain Jest, so the floor's own cost is taken out.
      entry.wallPointsOverFloor = round((pairRatio(wall, name, 'plain') - pairRatio(wall, 'floor', 'plain')) * 100, 1);
      entry.cpuPointsOverFloor = hasCpu ? round((pairRatio(cpu, name, 'plain') - pairRatio(cpu, 'floor', 'plain')) * 100, 1) : null;
    }
    if (isPlugin(name)) {
      entry.ownSeconds = round(median(own[name]));
      entry.ownShareOfCpu = hasCpu ? round(median(own[name].map((seconds, index) => seconds / cpu[name][index])) * 100, 2) : null;
    }
    variants[name] = entry;
  }
  return {tests: shape.tests, files: shape.files, variants};
}

/** The suite's table: each variant's medians and its ratios to plain Jest and to the floor. */
function printSuite(suiteName, suite) {
  const cell = (value, suffix = '') => (value === null || value === undefined ? '-' : `${value}${suffix}`);
  const pad = (cells, widths) => cells.map((text, index) => (index === 0 ? text.padEnd(widths[index]) : text.padStart(widths[index]))).join('  ');
  const header = ['variant', 'wall s', 'cpu s', 'wall/plain', 'cpu/plain', 'wall/floor', 'cpu/floor', 'pts>floor wall', 'pts>floor cpu', 'own s'];
  const rows = Object.entries(suite.variants).map(([name, v]) => [
    name,
    cell(v.wallSeconds?.toFixed(2)),
    cell(v.cpuSeconds?.toFixed(2)),
    cell(v.wallVsPlain?.toFixed(3), 'x'),
    cell(v.cpuVsPlain?.toFixed(3), 'x'),
    cell(v.wallVsFloor?.toFixed(3), 'x'),
    cell(v.cpuVsFloor?.toFixed(3), 'x'),
    cell(v.wallPointsOverFloor),
    cell(v.cpuPointsOverFloor),
    cell(v.ownSeconds?.toFixed(3)),
  ]);
  const widths = header.map((_, index) => Math.max(...[header, ...rows].map(row => row[index].length)));
  process.stdout.write(`\n${suiteName} (${suite.tests} tests, medians of ${runs})\n  ${pad(header, widths)}\n${rows.map(row => `  ${pad(row, widths)}`).join('\n')}\n`);
}

function runMicro(script, args) {
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'micro', script), '--json', ...args], {cwd: repo, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 * 2 ** 20});
  if (result.status !== 0) {
    process.stderr.write(result.stderr.slice(-4000));
    throw new Error(`micro/${script} exited ${result.status}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

fs.mkdirSync(work, {recursive: true});
const results = {
  date: new Date().toISOString(),
  machine: describeMachine(),
  quick,
  runs,
  maxWorkers: maxWorkers === null ? 'jest default' : Number(maxWorkers),
  suites: {},
  micro: null,
  targets: null,
};
for (const suiteName of suiteNames) {
  results.suites[suiteName] = runSuite(suiteName);
  printSuite(suiteName, results.suites[suiteName]);
}

if (process.env.BENCH_MICRO !== '0') {
  process.stdout.write('\nmicro-benchmarks\n');
  results.micro = {
    reporter: runMicro('reporterIngest.js', quick ? ['--tests=2000'] : []),
    failures: runMicro('failureCost.js', quick ? ['--runs=1', '--count=10'] : []),
    environment: runMicro('environmentEvents.js', quick ? ['--tests=1000', '--runs=2'] : []),
    fileBoundary: runMicro('fileBoundary.js', quick ? ['--files=200', '--runs=2'] : []),
  };
}

/**
 * Each target with the figures it is judged on. Ratios are given on wall and on CPU time; the micro-benchmarks'
 * figures are measured directly. A figure this run did not take is left out.
 */
function judgeTargets() {
  const judged = [];
  const suite = (name, variant) => results.suites[name]?.variants[variant];
  const add = (what, target, figures) => {
    const present = Object.entries(figures).filter(([, value]) => value !== null && value !== undefined);
    if (present.length === 0) return;
    judged.push({what, target, figures: Object.fromEntries(present.map(([basis, value]) => [basis, {value, met: value <= target}]))});
  };
  const trivialStatic = suite('trivial', 'static');
  const trivialProfile = suite('trivial', 'profile');
  if (trivialStatic) add('static, trivial: points over the floor', TARGETS.staticTrivialPointsOverFloor, {wall: trivialStatic.wallPointsOverFloor, cpu: trivialStatic.cpuPointsOverFloor});
  if (trivialProfile) add('profile, trivial: points over the floor', TARGETS.profileTrivialPointsOverFloor, {wall: trivialProfile.wallPointsOverFloor, cpu: trivialProfile.cpuPointsOverFloor});
  if (suite('realistic', 'profile')) add('profile, realistic: x plain Jest', TARGETS.profileRealisticVsPlain, {wall: suite('realistic', 'profile').wallVsPlain, cpu: suite('realistic', 'profile').cpuVsPlain});
  const ratioOf = (suiteName, a, b, key) => (suite(suiteName, a) && suite(suiteName, b) ? round(suite(suiteName, a)[key] / suite(suiteName, b)[key]) : null);
  if (suite('realistic', 'runner') && suite('realistic', 'profile')) {
    add('runner vs environment entry (profile), realistic: x', TARGETS.runnerVsEnvironment, {
      cpu: ratioOf('realistic', 'runner', 'profile', 'cpuVsPlain'),
      own: ratioOf('realistic', 'runner', 'profile', 'ownSeconds'),
    });
  }
  if (suite('realistic', 'auto') && suite('realistic', 'runner')) {
    add('auto vs profile (both through the runner), all-passing realistic: x', TARGETS.autoVsProfile, {
      cpu: ratioOf('realistic', 'auto', 'runner', 'cpuVsPlain'),
      own: ratioOf('realistic', 'auto', 'runner', 'ownSeconds'),
    });
  }
  if (suite('realistic', 'runner') && suite('realistic', 'noimports')) {
    add('import costs on vs off (runner), realistic: own time x', TARGETS.importsOwnTime, {own: ratioOf('realistic', 'runner', 'noimports', 'ownSeconds')});
  }
  if (suite('failing', 'trace')) add('trace, 10% failing: x plain Jest', TARGETS.traceFailingVsPlain, {wall: suite('failing', 'trace').wallVsPlain, cpu: suite('failing', 'trace').cpuVsPlain});
  if (results.micro) {
    add('extraction per failure, profile (ms)', TARGETS.extractionMsPerFailure, {measured: results.micro.failures.profileMsPerFailure});
    add(`ingest and write ${results.micro.reporter.tests} tests (ms)`, TARGETS.ingestAndWriteMs, {measured: results.micro.reporter.totalMs});
    add('retained per test (bytes)', TARGETS.retainedBytesPerTest, {measured: results.micro.reporter.retainedBytesPerTest});
  }
  return judged;
}
results.targets = judgeTargets();
fs.mkdirSync(path.dirname(outputFile), {recursive: true});
fs.writeFileSync(outputFile, `${JSON.stringify(results, null, 2)}\n`);

if (results.micro) {
  const {reporter, failures, environment, fileBoundary} = results.micro;
  process.stdout.write(
    `\nreporter, ${reporter.tests} tests: read ${reporter.ingestMs} ms + finish and write ${reporter.completeMs} ms = ${reporter.totalMs} ms; ` +
      `retained ${reporter.retainedBytesPerTest} B/test, peak RSS ${reporter.peakRssBytesPerTest} B/test\n` +
      `failure extraction: profile ${failures.profileMsPerFailure} ms/failure, trace +${failures.traceExtraMsPerFailure} ms/failure\n` +
      `environment: ${environment.nsPerEvent} ns/event, ${environment.usPerTest} µs/test (${environment.eventsPerTest} events per test)\n` +
      `file boundary (worker memory after each file's teardown, no GC): ${fileBoundary.usPerFile} µs/file\n`,
  );
}
if (results.targets.length > 0) {
  process.stdout.write('\ntargets\n');
  for (const target of results.targets) {
    const figures = Object.entries(target.figures).map(([basis, {value, met}]) => `${basis} ${value} (${met ? 'met' : 'MISSED'})`);
    process.stdout.write(`  ${target.what} <= ${target.target}: ${figures.join(', ')}\n`);
  }
}
process.stdout.write(`\nWrote ${path.relative(process.cwd(), outputFile) || outputFile}\n`);
