/**
 * How the plugin behaves as part of a user's run: workers and in band, crashes, configuration, environments.
 */
import {describe, expect, test} from '@jest/globals';
import {existsSync, readFileSync} from 'fs';
import * as path from 'path';
import {MAJORS, runJest} from '../harness/runJest';

describe.each(MAJORS)('Jest %i', major => {
  test('workers and --runInBand record the same set of tests', async () => {
    const [workers, inBand] = await Promise.all([
      runJest('workers', {major, args: ['--maxWorkers=2']}),
      runJest('workers', {major, args: ['--runInBand']}),
    ]);
    expect(workers.exitCode).toBe(0);
    expect(inBand.exitCode).toBe(0);
    const ids = (run: typeof workers) => Object.keys(run.metrics().tests).sort();
    expect(ids(workers)).toHaveLength(20);
    expect(ids(workers)).toEqual(ids(inBand));
    expect(Object.keys(workers.metrics().files).sort()).toEqual(['w1.test.js', 'w2.test.js', 'w3.test.js', 'w4.test.js']);
    expect(new Set(Object.values(inBand.metrics().tests).map(t => t.worker))).toEqual(new Set([1]));
    // The channel directory is cleaned up: nothing of ours is left in the project.
    expect(readFileSync(path.join(workers.dir, 'performance_metrics.json'), 'utf8')).toContain('"schema_version": 1');
  });

  // Two files, so Jest uses workers (with one file it runs in band, and process.exit ends Jest itself).
  test.each([
    ['in workers', ['--maxWorkers=2', 'crash.test.js', 'ok.test.js']],
    ['in band', ['--runInBand', 'crash.test.js']],
  ])('a test that calls process.exit keeps the tests finished before it (%s)', async (_mode, args) => {
    const run = await runJest('crash', {major, args});
    expect(run.exitCode).toBe(1);
    const tests = run.metrics().tests;
    expect(Object.keys(tests).filter(id => id.startsWith('crash'))).toEqual(['crash.test.js::first', 'crash.test.js::second', 'crash.test.js::exits the worker']);
    expect(tests['crash.test.js::first'].status).toBe('passed');
    expect(tests['crash.test.js::exits the worker'].status).toBe('failed');
    expect(tests['crash.test.js::exits the worker'].failure?.message).toMatch(/^The worker process exited \(code 1\)/);
    expect(run.metrics().files['crash.test.js'].completed).toBe(false);
  });

  test('a worker killed with SIGKILL (no exit event) keeps what finished before the last 250 ms, and every failure', async () => {
    const run = await runJest('crash', {major, args: ['--maxWorkers=2', 'killed.test.js', 'ok.test.js']});
    expect(run.exitCode).toBe(1);
    const ids = Object.keys(run.metrics().tests).sort();
    // 'fourth' ended microseconds before the kill: it was still pending, unless the machine stalled for 250 ms.
    expect(ids.filter(id => id !== 'killed.test.js::fourth')).toEqual([
      'killed.test.js::fails',
      'killed.test.js::first',
      'killed.test.js::second waits',
      'killed.test.js::third',
      'ok.test.js::healthy',
    ]);
    expect(run.metrics().tests['killed.test.js::fails'].failure?.message).toContain('failed before the kill');
    expect(run.metrics().files['killed.test.js'].completed).toBe(false);
  });

  // V8 raises the heap limit 4x while a debugger is enabled (and pauses): trace mode must give that up, or a test
  // that allocates without end grinds through four heaps in GC where plain Jest fails.
  test.each(['static', 'profile', 'trace'])('a test that runs out of memory fails its file as in plain Jest, and keeps the tests before it (%s)', async mode => {
    const run = await runJest('crash', {major, args: ['--maxWorkers=2', 'oom.test.js', 'ok.test.js'], env: {JEST_PERF_MODE: mode, NODE_OPTIONS: '--max-old-space-size=96'}});
    expect(run.exitCode).toBe(1);
    const tests = run.metrics().tests;
    expect(tests['oom.test.js::first'].status).toBe('passed');
    expect(tests['oom.test.js::waits'].status).toBe('passed');
    expect(tests['ok.test.js::healthy'].status).toBe('passed');
    expect(run.metrics().files['oom.test.js'].completed).toBe(false);
    const heap = JSON.parse(readFileSync(path.join(run.dir, 'oom-heap.json'), 'utf8')) as {limit: number; peak: number};
    // Without a debugger the peak stays under the limit; with V8's 4x raise it goes well past 2x.
    expect(heap.peak / heap.limit).toBeLessThan(1.6);
  });

  test('the other files of a run with a crashing worker are all reported', async () => {
    const run = await runJest('crash', {major, args: ['--maxWorkers=2', 'crash.test.js', 'ok.test.js']});
    expect(run.exitCode).toBe(1);
    expect(Object.keys(run.metrics().tests).sort()).toEqual([
      'crash.test.js::exits the worker',
      'crash.test.js::first',
      'crash.test.js::second',
      'ok.test.js::healthy',
    ]);
  });

  test('an internal error is reported once, and no test is affected', async () => {
    const run = await runJest('internal-error', {major, args: ['--runInBand', 'a-breaks-the-channel.test.js', 'b1.test.js', 'b2.test.js'], jestJson: true});
    expect(run.exitCode).toBe(0);
    expect(run.jestResult().numTotalTests).toBe(3);
    expect(run.stderr.match(/jest-perf-monitor: internal error in environment: ENOENT/g)).toHaveLength(1);
    expect(run.stderr).toMatch(/tests are unaffected/);
  });

  test('jsdom environment', async () => {
    const run = await runJest('jsdom', {major});
    expect(run.exitCode).toBe(0);
    const t = run.test('dom.test.js::renders into the DOM');
    expect(t.status).toBe('passed');
    expect(t.memory.start_mb).toBeGreaterThan(0);
  });

  test('withPerfMonitor wraps a custom environment and keeps its own event handler', async () => {
    const run = await runJest('custom-env', {major});
    expect(run.exitCode).toBe(0);
    expect(run.test('custom.test.js::sees the custom global').status).toBe('passed');
    expect(readFileSync(path.join(run.dir, 'custom-events.log'), 'utf8')).toBe('sees the custom global\n');
  });

  test('the environment without the reporter stays out of the way', async () => {
    const run = await runJest('no-reporter', {major});
    expect(run.exitCode).toBe(0);
    expect(run.stderr).not.toContain('jest-perf-monitor');
    expect(existsSync(path.join(run.dir, 'performance_metrics.json'))).toBe(false);
  });
});

describe('options (Jest 30)', () => {
  const major = MAJORS[0];

  test('an unknown option fails fast with one line naming it and the allowed options', async () => {
    const run = await runJest('options', {major, files: {'jest.config.js': "module.exports = {testEnvironment: 'jest-perf-monitor/environment', reporters: [['jest-perf-monitor', {outptu: 'x.json'}]]};"}});
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/jest-perf-monitor: unknown option "outptu"; allowed options: enabled, output, outputDir, formats/);
    expect(run.stderr).not.toMatch(/at resolveOptions/);
  });

  test('a bad value names the option and the allowed values', async () => {
    const run = await runJest('options', {major, files: {'jest.config.js': "module.exports = {testEnvironment: 'jest-perf-monitor/environment', reporters: [['jest-perf-monitor', {formats: ['json', 'xml']}]]};"}});
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('jest-perf-monitor: option "formats" got ["json","xml"]; allowed: a list of any of json, markdown, junit, csv, yaml, html, ctrf, prometheus');
  });

  test('a bad environment variable names the variable, the option and the allowed values', async () => {
    const run = await runJest('options', {major, env: {JEST_PERF_CPU_INTERVAL: 'fast'}});
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('jest-perf-monitor: JEST_PERF_CPU_INTERVAL="fast" is not valid for option "cpuInterval"; allowed: a number of seconds >= 0');
  });

  test('an output directory that cannot be made is said in one line before the run; the tests run and Jest\'s exit code is theirs', async () => {
    // A directory path through a regular file: unwritable even for root, which CI machines often run as.
    const [passing, failing] = await Promise.all([
      runJest('options', {major, env: {JEST_PERF_OUTPUT: 'basic.test.js/reports/metrics.json'}}),
      runJest('options', {
        major,
        env: {JEST_PERF_OUTPUT_DIR: 'basic.test.js/reports', JEST_PERF_FORMATS: 'json,csv'},
        files: {'fails.test.js': "test('fails', () => { expect(1).toBe(2); });"},
      }),
    ]);
    expect(passing.exitCode).toBe(0);
    expect(failing.exitCode).toBe(1);
    for (const [run, option] of [[passing, 'output'], [failing, 'outputDir']] as const) {
      const lines = run.stderr.split('\n').filter(line => line.includes('basic.test.js/reports'));
      expect(lines).toEqual([
        `jest-perf-monitor: option "${option}": cannot write to directory ${path.join(run.dir, 'basic.test.js', 'reports')} (${path.join(run.dir, 'basic.test.js')} is not a directory); the tests run, but no report is written there`,
      ]);
      // Said before the tests ran: ahead of Jest's own result lines.
      const resultLine = run.stderr.search(/(PASS|FAIL) (\.\/)?basic\.test\.js/);
      expect(resultLine).toBeGreaterThan(run.stderr.indexOf(lines[0]));
      expect(run.stderr).toMatch(/Tests: .*2 passed/);
    }
    expect(failing.stderr).toMatch(/Tests: +1 failed, 2 passed, 3 total/);
    // What could be written still is.
    expect(Object.keys(failing.metrics().tests)).toHaveLength(3);
    expect(existsSync(path.join(passing.dir, 'performance_metrics.json'))).toBe(false);
  });

  test('enabled: false, and JEST_PERF_MONITOR=0, write nothing; JEST_PERF_MONITOR=1 turns a disabled config on', async () => {
    const disabledConfig = "module.exports = {testEnvironment: 'jest-perf-monitor/environment', reporters: ['default', ['jest-perf-monitor', {enabled: false}]]};";
    const [off, envOff, envOn] = await Promise.all([
      runJest('options', {major, files: {'jest.config.js': disabledConfig}}),
      runJest('options', {major, env: {JEST_PERF_MONITOR: '0'}}),
      runJest('options', {major, files: {'jest.config.js': disabledConfig}, env: {JEST_PERF_MONITOR: '1'}}),
    ]);
    for (const run of [off, envOff]) {
      expect(run.exitCode).toBe(0);
      expect(existsSync(path.join(run.dir, 'performance_metrics.json'))).toBe(false);
    }
    expect(envOn.exitCode).toBe(0);
    expect(Object.keys(envOn.metrics().tests)).toEqual(['basic.test.js::one', 'basic.test.js::two']);
  });

  test('environment variables win over reporter options; systemInfo and printSummary', async () => {
    const config = "module.exports = {testEnvironment: 'jest-perf-monitor/environment', reporters: ['default', ['jest-perf-monitor', {output: 'from-options.json', printSummary: true}]]};";
    const run = await runJest('options', {
      major,
      files: {'jest.config.js': config},
      env: {JEST_PERF_OUTPUT: 'out/from-env.json', JEST_PERF_SYSTEM_INFO: 'false', JEST_PERF_PRINT_SUMMARY: '0'},
    });
    expect(run.exitCode).toBe(0);
    expect(existsSync(path.join(run.dir, 'from-options.json'))).toBe(false);
    const metrics = run.metrics('out/from-env.json');
    expect(metrics.system).toBeUndefined();
    expect(run.stderr).not.toContain('Slowest tests');
  });

  test('the summary and the system block by default', async () => {
    const run = await runJest('options', {major});
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('jest-perf-monitor: 2 tests (2 passed, 0 failed)');
    expect(run.stderr).toContain('Slowest tests (total = setup + call + teardown)');
    expect(run.stderr).toContain('Metrics written to performance_metrics.json');
    expect(run.stderr).toMatch(/Own cost: [\d.]+ ms in test environments \([\d.]+ % of test time\), [\d.]+ ms in the reporter/);
    const overhead = run.metrics().overhead;
    expect(overhead.environment_time).toBeGreaterThan(0);
    expect(overhead.reporter_time).toBeGreaterThan(0);
    expect(overhead.environment_time).toBeLessThan(run.metrics().session.duration);
    const system = run.metrics().system!;
    expect(system.node_version).toBe(process.versions.node);
    expect(system.jest_version).toMatch(/^30\./);
    expect(system.cpu_count).toBeGreaterThan(0);
  });
});

describe.each(MAJORS)('option values (Jest %i)', major => {
  test('a blank env var is unset, a hex one is refused, and an inherited name is an unknown option', async () => {
    const [blank, hex, inherited] = await Promise.all([
      runJest('options', {major, env: {JEST_PERF_MAX_PASSED: ' ', JEST_PERF_FORMATS: ''}}),
      runJest('options', {major, env: {JEST_PERF_MAX_PASSED: '0x10'}}),
      runJest('options', {major, files: {'jest.config.js': "module.exports = {testEnvironment: 'jest-perf-monitor/environment', reporters: [['jest-perf-monitor', {constructor: 1}]]};"}}),
    ]);
    // Blank means the default (keep every passed test, write JSON), not 0 and an empty list.
    expect(blank.exitCode).toBe(0);
    expect(Object.keys(blank.metrics().tests)).toEqual(['basic.test.js::one', 'basic.test.js::two']);
    expect(hex.exitCode).toBe(1);
    expect(hex.stderr).toContain('jest-perf-monitor: JEST_PERF_MAX_PASSED="0x10" is not valid for option "maxPassed"; allowed: an integer >= 0, or \'unlimited\'');
    expect(existsSync(path.join(hex.dir, 'performance_metrics.json'))).toBe(false);
    expect(inherited.exitCode).toBe(1);
    expect(inherited.stderr).toMatch(/jest-perf-monitor: unknown option "constructor"; allowed options: enabled, output/);
    expect(inherited.stderr).not.toContain('is not a function');
  });
});
