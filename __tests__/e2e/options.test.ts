/**
 * The options as a user sets them, through real Jest: unknown options and bad values fail fast with one line,
 * environment variables win, `enabled` switches the plugin off (docs/configuration.md). Plain JavaScript that does
 * not depend on the Node version: the Node 22 and 24 legs leave it to the main run (scripts/runNodeLegs.js).
 */
import {describe, expect, test} from '@jest/globals';
import {existsSync} from 'fs';
import * as path from 'path';
import {MAJORS, runJest} from '../harness/runJest';

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
