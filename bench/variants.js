/**
 * The benchmark's variants: what each one changes in a Jest config, applied on top of a base config (a generated
 * suite's, or an external project's own, BENCH_PROJECT). The generated config files require this module, so the
 * same code shapes every variant of every suite.
 *
 * Peers (the choices a user would weigh against this package):
 *   junit      jest-junit, a reporter that measures nothing;
 *   allure     allure-jest's node environment: per-test hooks, the closest peer in kind (results in a temp dir);
 *   heapusage  Jest's own `--logHeapUsage` (a CLI flag: see `variantArgs`).
 * Ours:
 *   recommended  README's recommended config: `withPerfMonitorConfig(config, {printSummary: true})`, the default
 *                preset (`ci` here: the bench runs with CI=true, as CI does);
 *   static, profile, trace   the environment entry in each mode (`ci` preset otherwise);
 *   runner, auto, noimports  the runner in profile mode, in mode auto, without import timing;
 *   cpuprofile   the runner with `cpuProfile: true` at the default sampling interval; `cpuprofile@<µs>` sets
 *                `samplingIntervalUs` (e.g. `cpuprofile@1000`); BENCH_CPU_PROFILE_TESTS sets `tests`.
 */
const path = require('path');
const {fromRepo} = require('./lib');

const PLUGIN_VARIANTS = ['static', 'profile', 'trace', 'runner', 'auto', 'noimports', 'recommended'];
const PEER_VARIANTS = ['junit', 'allure', 'heapusage'];
const FIXED_VARIANTS = ['plain', 'floor', ...PEER_VARIANTS, ...PLUGIN_VARIANTS, 'cpuprofile'];
const CPU_PROFILE_VARIANT = /^cpuprofile(?:@(\d+))?$/;

/** A variant name is known: one of the fixed ones, or `cpuprofile@<µs>` with an interval the option allows. */
function isVariant(name) {
  if (FIXED_VARIANTS.includes(name)) return true;
  const match = CPU_PROFILE_VARIANT.exec(name);
  return match !== null && Number(match[1]) >= 50 && Number(match[1]) <= 100000;
}

/** This package writes a performance_metrics.json the bench reads back (own time, durations, profiles). */
const isPlugin = name => PLUGIN_VARIANTS.includes(name) || CPU_PROFILE_VARIANT.test(name);

/** Jest CLI flags a variant adds (the rest is config). */
const variantArgs = name => (name === 'heapusage' ? ['--logHeapUsage'] : []);

/**
 * jest-environment-node as the Jest that runs the suite has it: a peer environment must extend the one of the
 * running Jest major (an external project may run Jest 29 while the repo has 30), as npm would resolve it in a
 * user's project.
 */
function resolveNodeEnvironment(jestBin, projectDir) {
  const jestDir = path.dirname(path.dirname(jestBin));
  for (const paths of [[projectDir], [jestDir], [path.dirname(require.resolve('jest-config/package.json', {paths: [jestDir]}))]]) {
    try {
      return require.resolve('jest-environment-node', {paths});
    } catch {
      // Try the next place.
    }
  }
  throw new Error(`jest-environment-node not found from ${projectDir} or ${jestDir}`);
}

/**
 * The config of `name` on top of `base` (a resolved config object, rootDir absolute). `context`: {work, output,
 * allureResults}: scratch places. (allure's base environment comes from BENCH_NODE_ENVIRONMENT: see
 * allureEnvironment.js.)
 */
function applyVariant(name, base, context) {
  const theirs = base.reporters ?? ['default'];
  const ours = options => [...theirs, [fromRepo('jest-perf-monitor'), {preset: 'ci', output: context.output, ...options}]];
  const environment = options => ({...base, testEnvironment: fromRepo('jest-perf-monitor/environment'), reporters: ours(options)});
  const runner = options => ({...base, testRunner: fromRepo('jest-perf-monitor/runner'), reporters: ours(options)});
  const cpuProfile = CPU_PROFILE_VARIANT.exec(name);
  if (cpuProfile !== null) {
    // BENCH_CPU_PROFILE_TESTS: profiles kept (default 10); comparing intervals' top functions wants the same tests
    // profiled under each, so many more.
    const tests = process.env.BENCH_CPU_PROFILE_TESTS ? {tests: Number(process.env.BENCH_CPU_PROFILE_TESTS)} : {};
    return runner({mode: 'profile', cpuProfile: {...tests, ...(cpuProfile[1] !== undefined && {samplingIntervalUs: Number(cpuProfile[1])})}});
  }
  switch (name) {
    case 'plain':
    case 'heapusage':
      return base;
    case 'floor':
      return {...base, testEnvironment: path.join(__dirname, 'noopEnvironment.js')};
    case 'junit':
      return {...base, reporters: [...theirs, [fromRepo('jest-junit'), {outputDirectory: context.work, outputName: 'junit.xml'}]]};
    case 'allure':
      return {
        ...base,
        testEnvironment: path.join(__dirname, 'allureEnvironment.js'),
        testEnvironmentOptions: {...base.testEnvironmentOptions, resultsDir: context.allureResults},
      };
    case 'static':
      return environment({mode: 'static'});
    case 'profile':
      return environment({mode: 'profile'});
    case 'trace':
      return environment({mode: 'trace', includeClosure: true});
    case 'runner':
      return runner({mode: 'profile'});
    case 'auto':
      return runner({mode: 'auto', includeClosure: true});
    case 'noimports':
      return runner({mode: 'profile', imports: false});
    case 'recommended': {
      // The README's config, as a user writes it; the runner and reporter by path, as BENCH_WORK may sit outside
      // the repo (Jest resolves them from the rootDir).
      const {withPerfMonitorConfig} = require(fromRepo('jest-perf-monitor'));
      const config = withPerfMonitorConfig(base, {printSummary: true, output: context.output});
      const reporters = config.reporters.map(entry => (Array.isArray(entry) && entry[0] === 'jest-perf-monitor' ? [fromRepo('jest-perf-monitor'), entry[1]] : entry));
      return {...config, reporters, ...(config.testRunner === 'jest-perf-monitor/runner' && {testRunner: fromRepo('jest-perf-monitor/runner')})};
    }
    default:
      throw new Error(`unknown variant ${name}`);
  }
}

module.exports = {PLUGIN_VARIANTS, PEER_VARIANTS, FIXED_VARIANTS, isVariant, isPlugin, variantArgs, applyVariant, resolveNodeEnvironment};
