#!/usr/bin/env node
/**
 * `npm run bench`: what the plugin costs (SPEC section 7), as a matrix of whole Jest runs plus micro-benchmarks.
 *
 * Suites (bench/suites.js): trivial (5,000 tests), realistic (~500 tests of mixed work), failing (500 tests, 10%
 * failing), and an external project of one's own (BENCH_PROJECT). Each runs with every variant (bench/variants.js
 * says what each changes in the config):
 *   plain      Jest as configured (jest-environment-node for the generated suites);
 *   floor      an environment whose handleTestEvent does nothing: what any environment-based tool pays;
 *   peers, the choices a user would weigh against this package:
 *     junit      jest-junit, a reporter that measures nothing;
 *     allure     allure-jest's environment (per-test hooks: the closest peer in kind), results in a scratch folder;
 *     heapusage  Jest's own `--logHeapUsage`;
 *   static, profile, trace   this package's environment entry and reporter in each mode (the `ci` preset otherwise;
 *            trace also captures closures, as the `development` preset does);
 *   runner       profile mode through `testRunner: 'jest-perf-monitor/runner'` on jest-environment-node;
 *   recommended  the README's config: `withPerfMonitorConfig(config, {printSummary: true})`, default preset (`ci`:
 *                the bench runs with CI=true);
 *   auto         the runner in mode `auto` (the development preset's): profile, plus trace for the files that failed
 *                in the previous run. On an all-passing suite it must cost no more than profile;
 *   cpuprofile   the runner with `cpuProfile: true` (default sampling interval); `cpuprofile@<µs>` sets the
 *                interval. Beside `runner`, the sum of the tests' durations is compared (what the profiler adds to
 *                them); beside another cpuprofile variant, the top functions are held to the finest interval's.
 * One more, asked for by name in BENCH_VARIANTS (not in the default list):
 *   noimports  the runner with `imports: false`: what timing each file's imports costs (runner vs noimports).
 * Within a suite the runs alternate after one warm-up round (plain floor junit … , then floor junit … plain: each
 * round starts one variant later), so the machine's drift hits every variant alike. Ratios are taken within each
 * round, and their median and min–max reported, for wall time and for CPU time (user + system of Jest and its
 * workers). On a shared machine CPU time is the steadier of the two.
 *
 * Then the micro-benchmarks (bench/micro/): the reporter reading and writing 100,000 tests, failure extraction
 * per failure, and the environment's cost per event.
 *
 * Writes bench/results.json (or BENCH_OUTPUT) with the machine's description and every figure.
 *
 * Environment:
 *   BENCH_RUNS          counted rounds per suite (default 5), after one warm-up round
 *   BENCH_SUITES        comma list of suites (default: trivial,realistic,failing, or none with BENCH_PROJECT; empty:
 *                       micro-benchmarks only)
 *   BENCH_VARIANTS      comma list of variants (default: all but noimports; with BENCH_PROJECT: plain, junit,
 *                       allure, heapusage, recommended, static, cpuprofile)
 *   BENCH_PROJECT       a project's directory: its own Jest config (jest.config.js/.cjs/.json or package.json's
 *                       "jest"; BENCH_PROJECT_CONFIG names another) and its own Jest (node_modules/jest, else the
 *                       repo's), each variant applied on top. BENCH_PROJECT_ARGS: more Jest arguments (space-
 *                       separated, e.g. --color=true); BENCH_PROJECT_EXIT: the exit code its suite gives (default 0).
 *                       Not shrunk by BENCH_QUICK
 *   BENCH_CPU_PROFILE_TESTS  `cpuProfile.tests` for the cpuprofile variants (default 10; many more to compare
 *                       intervals' top functions on the same tests)
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
const {repo, work, median, round, childrenCpuSeconds, describeMachine, cleanEnv} = require('./lib');
const {SUITES} = require('./suites');
const {FIXED_VARIANTS, isVariant, isPlugin, variantArgs, resolveNodeEnvironment} = require('./variants');

const quick = process.env.BENCH_QUICK === '1';
const runs = Number(process.env.BENCH_RUNS ?? (quick ? 1 : 5));
const maxWorkers = process.env.BENCH_MAX_WORKERS ?? null;
const list = (value, all) => (value === undefined ? all : value.split(',').map(item => item.trim()).filter(Boolean));
const project = process.env.BENCH_PROJECT ? path.resolve(process.env.BENCH_PROJECT) : null;
// With BENCH_PROJECT, that project alone unless BENCH_SUITES also names generated suites.
const suiteNames = list(process.env.BENCH_SUITES, project === null ? Object.keys(SUITES) : []);
const DEFAULT_VARIANTS = ['plain', 'floor', 'junit', 'allure', 'heapusage', 'static', 'profile', 'trace', 'runner', 'recommended', 'auto', 'cpuprofile'];
const variantNames = list(process.env.BENCH_VARIANTS, project === null ? DEFAULT_VARIANTS : ['plain', 'junit', 'allure', 'heapusage', 'recommended', 'static', 'cpuprofile']);
const outputFile = path.resolve(process.env.BENCH_OUTPUT ?? path.join(__dirname, 'results.json'));
for (const name of suiteNames) if (!SUITES[name]) throw new Error(`BENCH_SUITES: unknown suite "${name}"; allowed: ${Object.keys(SUITES).join(', ')}`);
for (const name of variantNames) if (!isVariant(name)) throw new Error(`BENCH_VARIANTS: unknown variant "${name}"; allowed: ${FIXED_VARIANTS.join(', ')}, cpuprofile@<µs>`);
if ((suiteNames.length > 0 || project !== null) && !variantNames.includes('plain')) throw new Error('BENCH_VARIANTS must include plain: every ratio is to it');

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
const repoJestBin = path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js');

/**
 * A config file for one variant of one suite: it loads the base config (the generated suite's, or the external
 * project's own, function and promise exports included) and applies the variant on top (bench/variants.js).
 */
function writeVariantConfig(file, name, base) {
  const context = {work, output: path.join(work, 'performance_metrics.json'), allureResults: path.join(work, 'allure-results')};
  const load =
    base.configFile === null
      ? `const base = ${JSON.stringify(base.config)};`
      : [
          `const loaded = ${base.fromPackageJson ? `require(${JSON.stringify(base.configFile)}).jest` : `require(${JSON.stringify(base.configFile)})`};`,
          `const resolved = await (typeof loaded === 'function' ? loaded() : loaded);`,
          `const base = {...resolved, rootDir: path.resolve(${JSON.stringify(base.dir)}, resolved.rootDir ?? '.')};`,
        ].join('\n  ');
  const body = [
    `const path = require('path');`,
    `const {applyVariant} = require(${JSON.stringify(path.join(__dirname, 'variants.js'))});`,
    `module.exports = async () => {`,
    `  ${load}`,
    `  return applyVariant(${JSON.stringify(name)}, base, ${JSON.stringify(context)});`,
    `};`,
  ];
  fs.writeFileSync(file, `${body.join('\n')}\n`);
}

/**
 * The external project (BENCH_PROJECT): its config (BENCH_PROJECT_CONFIG, else jest.config.js/.cjs/.json, else
 * package.json's "jest" key), its own Jest (node_modules/jest, else the repo's), the exit code its suite gives
 * (BENCH_PROJECT_EXIT, default 0) and extra Jest arguments (BENCH_PROJECT_ARGS, space-separated).
 */
function projectSuite() {
  const named = process.env.BENCH_PROJECT_CONFIG;
  const candidates = named ? [named] : ['jest.config.js', 'jest.config.cjs', 'jest.config.json'];
  const found = candidates.map(name => path.resolve(project, name)).find(file => fs.existsSync(file));
  let base;
  if (found !== undefined) base = {configFile: found, fromPackageJson: false, dir: project};
  else if (require(path.join(project, 'package.json')).jest) base = {configFile: path.join(project, 'package.json'), fromPackageJson: true, dir: project};
  else throw new Error(`BENCH_PROJECT: no jest.config.js, .cjs or .json, nor a "jest" key in package.json, in ${project} (BENCH_PROJECT_CONFIG names one; ES module and TypeScript configs are not read)`);
  const ownJest = path.join(project, 'node_modules', 'jest', 'bin', 'jest.js');
  const jestBin = fs.existsSync(ownJest) ? ownJest : repoJestBin;
  return {
    name: path.basename(project),
    base,
    jestBin,
    cwd: project,
    args: (process.env.BENCH_PROJECT_ARGS ?? '').split(' ').filter(Boolean),
    exitCode: Number(process.env.BENCH_PROJECT_EXIT ?? 0),
    describe: `${path.basename(project)} (its own config and Jest ${require(path.join(path.dirname(path.dirname(jestBin)), 'package.json')).version})`,
  };
}

/** `cpuProfile`'s default sampling interval in the installed build (what the `cpuprofile` variant runs at). */
function defaultSamplingIntervalUs() {
  try {
    return require(path.join(repo, 'node_modules', 'jest-perf-monitor', 'dist', 'options', 'resolveOptions.js')).CPU_PROFILE_DEFAULTS.samplingIntervalUs;
  } catch {
    return 1000;
  }
}

function runOnce(target, configFile, extraArgs) {
  // allure writes two files per test: a fresh folder each run keeps the scratch space small.
  fs.rmSync(path.join(work, 'allure-results'), {recursive: true, force: true});
  const cpuBefore = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const args = [target.jestBin, '--config', configFile, ...(maxWorkers === null ? [] : [`--maxWorkers=${maxWorkers}`]), '--silent', ...target.args, ...extraArgs];
  // From the repo: Jest 30 refuses a --config file in a directory with no package.json above it (BENCH_WORK in /tmp).
  const env = cleanEnv({BENCH_NODE_ENVIRONMENT: resolveNodeEnvironment(target.jestBin, target.cwd)});
  const result = spawnSync(process.execPath, args, {cwd: target.cwd, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20});
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  if (result.status !== target.exitCode) {
    process.stderr.write(result.stderr.slice(-4000));
    throw new Error(`${path.basename(configFile)} exited ${result.status}, expected ${target.exitCode}`);
  }
  return {wall, cpu: cpuBefore === null ? null : cpuAfter - cpuBefore};
}

/** What a plugin variant's report says: own time, the sum of the tests' durations, and each profiled test's top functions. */
function readReport() {
  const report = JSON.parse(fs.readFileSync(path.join(work, 'performance_metrics.json'), 'utf8'));
  const tests = Object.entries(report.tests ?? {});
  return {
    // Counted completely where the build has it (own_time: load, threads, report writing too; docs/performance.md).
    own: report.overhead.own_time ?? report.overhead.environment_time + report.overhead.reporter_time,
    testSeconds: tests.reduce((sum, [, test]) => sum + (test.duration ?? 0), 0),
    // The tests' own CPU time: what the profiler adds to them, steadier than their durations on a shared machine.
    testCpuSeconds: tests.reduce((sum, [, test]) => sum + ((test.cpu_user_ms ?? 0) + (test.cpu_system_ms ?? 0)) / 1000, 0),
    profiles: Object.fromEntries(
      tests
        .filter(([, test]) => test.profile?.top)
        .map(([id, test]) => [id, {names: test.profile.top.map(entry => `${entry.function} ${entry.location ?? ''}`.trim()), topSelfMs: test.profile.top[0]?.self_ms ?? 0}]),
    ),
  };
}

/**
 * How well a coarser interval keeps the top functions: over the tests both variants profiled in the same round,
 * the share whose first function is the same, and the mean share of the reference's top 3 found in the other's
 * top 5 (the report lists 5); all tests, and the busy ones (the reference's first function has 10 ms of self time
 * or more: the tests one profiles to learn why they are slow). Two nearly equal intervals (`cpuprofile@999` beside
 * `cpuprofile@1000`) give the agreement that sampling noise alone leaves.
 */
function topAgreement(reference, other) {
  const tally = () => ({tests: 0, sameFirst: 0, top3: 0});
  const all = tally();
  const busy = tally();
  reference.forEach((profiles, index) => {
    for (const [id, ours] of Object.entries(profiles ?? {})) {
      const theirs = other[index]?.[id];
      if (!theirs || ours.names.length === 0) continue;
      for (const sum of ours.topSelfMs >= 10 ? [all, busy] : [all]) {
        sum.tests++;
        if (theirs.names[0] === ours.names[0]) sum.sameFirst++;
        const wanted = ours.names.slice(0, 3);
        sum.top3 += wanted.filter(name => theirs.names.includes(name)).length / wanted.length;
      }
    }
  });
  const shares = sum => ({tests: sum.tests, sameFirst: sum.tests ? round(sum.sameFirst / sum.tests) : null, top3InTop5: sum.tests ? round(sum.top3 / sum.tests) : null});
  return {...shares(all), busy: shares(busy)};
}

/** The suite to run: a generated one (its directory is written afresh) or the external project. */
function prepareSuite(suiteName) {
  if (suiteName === null) return projectSuite();
  const suite = SUITES[suiteName];
  const suiteDir = path.join(work, suiteName);
  const shape = suite.generate(suiteDir, quick ? suite.quick : undefined);
  return {
    name: suiteName,
    base: {configFile: null, config: {rootDir: suiteDir, testEnvironment: 'node', reporters: ['default']}},
    jestBin: repoJestBin,
    cwd: repo,
    args: [],
    exitCode: shape.exitCode,
    tests: shape.tests,
    files: shape.files,
    describe: quick ? `${shape.tests} tests (quick)` : suite.describe,
  };
}

function runSuite(suiteName) {
  const target = prepareSuite(suiteName);
  const configs = {};
  for (const name of variantNames) {
    configs[name] = path.join(work, `jest.${target.name}.${name.replace('@', '-')}.config.js`);
    writeVariantConfig(configs[name], name, target.base);
  }
  process.stdout.write(`\n${target.name}: ${target.describe}; ${runs} round${runs === 1 ? '' : 's'}${quick ? '' : ' after a warm-up'}\n`);
  // Warm-up: transform and disk caches. A quick run is a smoke test of the bench, not a measurement: none.
  if (!quick) for (const name of variantNames) runOnce(target, configs[name], variantArgs(name));
  const wall = Object.fromEntries(variantNames.map(name => [name, []]));
  const cpu = Object.fromEntries(variantNames.map(name => [name, []]));
  /** The plugin's own time (all of it, or environment + reporter before it was counted completely), as it measured itself. */
  const own = Object.fromEntries(variantNames.filter(isPlugin).map(name => [name, []]));
  /** The sum of the tests' durations in the plugin's report (to see what the profiler does to them), and the profiles' top functions. */
  const testSeconds = Object.fromEntries(variantNames.filter(isPlugin).map(name => [name, []]));
  const testCpuSeconds = Object.fromEntries(variantNames.filter(isPlugin).map(name => [name, []]));
  const profiles = Object.fromEntries(variantNames.filter(isPlugin).map(name => [name, []]));
  let tests = target.tests ?? null;
  for (let round = 0; round < runs; round++) {
    // Each round starts one variant later, so none always runs right after another: a disturbance that recurs
    // with the order (a cache, a neighbour's periodic job) does not always land on the same variant.
    const order = variantNames.map((_, index) => variantNames[(index + round) % variantNames.length]);
    for (const name of order) {
      const measured = runOnce(target, configs[name], variantArgs(name));
      wall[name].push(measured.wall);
      cpu[name].push(measured.cpu);
      if (isPlugin(name)) {
        const report = readReport();
        own[name].push(report.own);
        testSeconds[name][round] = report.testSeconds;
        testCpuSeconds[name][round] = report.testCpuSeconds;
        profiles[name][round] = report.profiles;
        if (tests === null) tests = Object.keys(JSON.parse(fs.readFileSync(path.join(work, 'performance_metrics.json'), 'utf8')).tests).length;
      }
    }
    process.stdout.write(`  round ${round + 1}/${runs}: ${variantNames.map(name => `${name} ${wall[name][round].toFixed(2)}s`).join('  ')}\n`);
  }

  const hasCpu = cpu.plain.every(value => value !== null);
  // Ratios pair by pair within a round, then the median: robust to the machine drifting between rounds.
  const pairRatios = (series, a, b) => series[a].map((value, index) => value / series[b][index]);
  const pairRatio = (series, a, b) => median(pairRatios(series, a, b));
  const pairRange = (series, a, b) => {
    const ratios = pairRatios(series, a, b);
    return [round(Math.min(...ratios)), round(Math.max(...ratios))];
  };
  const cpuProfiled = variantNames.filter(name => name.startsWith('cpuprofile'));
  // The finest interval among the cpuprofile variants is the reference the others' top functions are held to.
  const intervalOf = name => Number(name.split('@')[1] ?? defaultSamplingIntervalUs());
  const finest = cpuProfiled.length > 1 ? [...cpuProfiled].sort((a, b) => intervalOf(a) - intervalOf(b))[0] : null;
  const variants = {};
  for (const name of variantNames) {
    const entry = {
      wallSeconds: round(median(wall[name])),
      wallRange: [round(Math.min(...wall[name])), round(Math.max(...wall[name]))],
      cpuSeconds: hasCpu ? round(median(cpu[name])) : null,
      wallVsPlain: round(pairRatio(wall, name, 'plain')),
      cpuVsPlain: hasCpu ? round(pairRatio(cpu, name, 'plain')) : null,
      cpuVsPlainRange: hasCpu ? pairRange(cpu, name, 'plain') : null,
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
      entry.testSeconds = round(median(testSeconds[name]));
      // Durations taken under the profiler against the same tests through the runner without it, pair by pair.
      if (name.startsWith('cpuprofile') && variantNames.includes('runner')) {
        entry.testSecondsVsRunner = round(pairRatio(testSeconds, name, 'runner'));
        entry.testSecondsVsRunnerRange = pairRange(testSeconds, name, 'runner');
        entry.testCpuVsRunner = round(pairRatio(testCpuSeconds, name, 'runner'));
        entry.testCpuVsRunnerRange = pairRange(testCpuSeconds, name, 'runner');
      }
      if (finest !== null && name.startsWith('cpuprofile') && name !== finest) entry.topFunctionsVs = {reference: finest, ...topAgreement(profiles[finest], profiles[name])};
    }
    variants[name] = entry;
  }
  return {tests, files: target.files ?? null, ...(suiteName === null && {project: target.describe}), variants};
}

/** The suite's table: each variant's medians and its ratios to plain Jest and to the floor. */
function printSuite(suiteName, suite) {
  const cell = (value, suffix = '') => (value === null || value === undefined ? '-' : `${value}${suffix}`);
  const pad = (cells, widths) => cells.map((text, index) => (index === 0 ? text.padEnd(widths[index]) : text.padStart(widths[index]))).join('  ');
  const header = ['variant', 'wall s', 'cpu s', 'wall/plain', 'cpu/plain', 'cpu/plain min-max', 'wall/floor', 'cpu/floor', 'pts>floor wall', 'pts>floor cpu', 'own s'];
  const rows = Object.entries(suite.variants).map(([name, v]) => [
    name,
    cell(v.wallSeconds?.toFixed(2)),
    cell(v.cpuSeconds?.toFixed(2)),
    cell(v.wallVsPlain?.toFixed(3), 'x'),
    cell(v.cpuVsPlain?.toFixed(3), 'x'),
    cell(v.cpuVsPlainRange && `${v.cpuVsPlainRange[0].toFixed(3)}-${v.cpuVsPlainRange[1].toFixed(3)}`),
    cell(v.wallVsFloor?.toFixed(3), 'x'),
    cell(v.cpuVsFloor?.toFixed(3), 'x'),
    cell(v.wallPointsOverFloor),
    cell(v.cpuPointsOverFloor),
    cell(v.ownSeconds?.toFixed(3)),
  ]);
  const widths = header.map((_, index) => Math.max(...[header, ...rows].map(row => row[index].length)));
  process.stdout.write(`\n${suiteName} (${suite.tests} tests, medians of ${runs})\n  ${pad(header, widths)}\n${rows.map(row => `  ${pad(row, widths)}`).join('\n')}\n`);
  for (const [name, v] of Object.entries(suite.variants)) {
    if (v.testSecondsVsRunner != null) {
      process.stdout.write(`  ${name}: tests' durations ${v.testSecondsVsRunner}x the runner's without the profiler (${v.testSecondsVsRunnerRange.join('-')}), their CPU time ${v.testCpuVsRunner}x (${v.testCpuVsRunnerRange.join('-')})\n`);
    }
    if (v.topFunctionsVs) {
      const {reference, busy} = v.topFunctionsVs;
      process.stdout.write(
        `  ${name}: same top function as ${reference} in ${v.topFunctionsVs.sameFirst} of ${v.topFunctionsVs.tests} tests (busy: ${busy.sameFirst} of ${busy.tests}); ` +
          `${reference}'s top 3 in its top 5: ${v.topFunctionsVs.top3InTop5} (busy: ${busy.top3InTop5})\n`,
      );
    }
  }
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
if (project !== null) {
  const name = path.basename(project);
  results.suites[name] = runSuite(null);
  printSuite(name, results.suites[name]);
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
