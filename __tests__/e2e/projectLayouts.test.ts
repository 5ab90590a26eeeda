import {describe, expect, test} from '@jest/globals';
import {existsSync} from 'fs';
import * as path from 'path';
import type {MetricsDocument} from '../../src/model/toSchema';
import {MAJORS, runCli, runJest} from '../harness/runJest';

// A repository whose Jest config is not at its root (docs/schema.md, "Paths"): in scripts/jest/ with projects that
// point up, with projects given as paths, and in config/ with a `roots` entry of `<rootDir>/..`. Every path in the
// report is relative to the run's root, the repository root here.

const SUBFOLDER_CONFIG = ['--config', 'scripts/jest/jest.config.js'];
const METRICS = 'scripts/jest/performance_metrics.json';

/** Every path the report holds: ids, `files` keys, failure locations, module names and the test's own `file`. */
function pathsOf(document: MetricsDocument): string[] {
  const paths: string[] = [];
  for (const [id, entry] of Object.entries(document.tests)) {
    paths.push(id.replace(/^\[[^\]]+\] /, ''), entry.file as string);
    const location = (entry.failure as {location?: {file: string} | null} | undefined)?.location;
    if (location) paths.push(location.file);
  }
  for (const key of Object.keys(document.files ?? {})) paths.push(key.replace(/^\[[^\]]+\] /, ''));
  for (const cost of (document.imports ?? []) as Array<{module: string}>) paths.push(cost.module);
  return paths;
}

function expectRelative(document: MetricsDocument): void {
  const paths = pathsOf(document);
  expect(paths.length).toBeGreaterThan(8);
  for (const file of paths) {
    expect(path.isAbsolute(file)).toBe(false);
    expect(file.startsWith('..')).toBe(false);
  }
}

const ALL_TESTS = ['lib/format.test.js::formats cents', 'lib/format.test.js::formats money', 'src/cart.test.js::cart > adds prices', 'src/cart.test.js::cart > applies the discount'];

describe.each(MAJORS)('Jest %i: a config in a subfolder', major => {
  test('projects pointing up: ids, files, locations and modules relative to the repository root; trace reads the variables', async () => {
    const run = await runJest('subfolder-config', {major, args: SUBFOLDER_CONFIG, env: {JEST_PERF_MODE: 'trace'}});
    expect(run.exitCode).toBe(1);
    const document = run.metrics(METRICS);
    expect(Object.keys(document.tests).sort()).toEqual(['[lib] lib/format.test.js::formats cents', '[lib] lib/format.test.js::formats money', '[unit] src/cart.test.js::cart > adds prices', '[unit] src/cart.test.js::cart > applies the discount']);
    expect(Object.keys(document.files ?? {}).sort()).toEqual(['[lib] lib/format.test.js', '[unit] src/cart.test.js']);
    expectRelative(document);
    const modules = ((document.imports ?? []) as Array<{module: string}>).map(cost => cost.module);
    expect(modules).toEqual(expect.arrayContaining(['src/cart.js', 'lib/format.js']));
    const failure = document.tests['[unit] src/cart.test.js::cart > applies the discount'].failure as {location: {file: string}; locals: Record<string, Record<string, unknown>> | null};
    expect(failure.location.file).toBe('src/cart.test.js');
    const frames = Object.values(failure.locals ?? {});
    expect(frames.some(frame => frame.expectedTotal === 22.5)).toBe(true);
  });

  test('mode auto: the second run of the red file has its variables', async () => {
    const first = await runJest('subfolder-config', {major, args: SUBFOLDER_CONFIG, env: {JEST_PERF_MODE: 'auto'}});
    const id = '[unit] src/cart.test.js::cart > applies the discount';
    expect((first.metrics(METRICS).tests[id].failure as {locals: unknown}).locals).toBeNull();
    const second = await runJest('subfolder-config', {major, args: SUBFOLDER_CONFIG, env: {JEST_PERF_MODE: 'auto'}, inDir: first.dir});
    const locals = (second.metrics(METRICS).tests[id].failure as {locals: Record<string, Record<string, unknown>> | null}).locals;
    expect(Object.values(locals ?? {}).some(frame => frame.expectedTotal === 22.5)).toBe(true);
  });

  test('compare of two checkouts in different directories matches every test', async () => {
    const [a, b] = await Promise.all([
      runJest('subfolder-config', {major, args: SUBFOLDER_CONFIG}),
      runJest('subfolder-config', {major, args: SUBFOLDER_CONFIG}),
    ]);
    expect(a.dir).not.toBe(b.dir);
    const cli = await runCli(['compare', path.join(a.dir, METRICS), path.join(b.dir, METRICS)], {cwd: a.dir});
    expect(cli.stderr).toBe('');
    // The failing test is not compared (its time says nothing); the three passing ones are, and none is new or gone.
    expect(cli.stdout).toContain('0 new, 0 gone (3 tests compared');
  });

  test('projects given as paths', async () => {
    const run = await runJest('subfolder-config', {major, args: ['--config', 'scripts/jest/paths.config.js']});
    expect(run.exitCode).toBe(1);
    const document = run.metrics(METRICS);
    expect(Object.keys(document.tests).sort()).toEqual(ALL_TESTS);
    expectRelative(document);
  });

  test('a roots entry of <rootDir>/..', async () => {
    const run = await runJest('subfolder-config', {major, args: ['--config', 'config/jest.config.js']});
    expect(run.exitCode).toBe(1);
    const document = run.metrics('config/performance_metrics.json');
    expect(Object.keys(document.tests).sort()).toEqual(ALL_TESTS);
    expectRelative(document);
  });

  test('one rule for relative paths: a JEST_PERF_* variable names one file for the reporter and the CLI', async () => {
    const env = {JEST_PERF_HISTORY: '.jest-perf/history.db', JEST_PERF_OUTPUT: 'out/perf.json'};
    const run = await runJest('subfolder-config', {major, args: SUBFOLDER_CONFIG, env});
    // Relative to the directory Jest ran in (the repository root), not to the config's rootDir (scripts/jest).
    expect(existsSync(path.join(run.dir, '.jest-perf/history.db'))).toBe(true);
    expect(existsSync(path.join(run.dir, 'scripts/jest/.jest-perf'))).toBe(false);
    expect(Object.keys(run.metrics('out/perf.json').tests)).toHaveLength(4);
    const slowest = await runCli(['history', 'slowest'], {cwd: run.dir, env});
    expect(slowest.stderr).toBe('');
    expect(slowest.exitCode).toBe(0);
    const summary = await runCli(['summary'], {cwd: run.dir, env});
    expect(summary.exitCode).toBe(0);
    expect(summary.stdout).toContain('src/cart.test.js::cart > applies the discount');
  });
});

describe('the CLI without a file', () => {
  test("says where the reporter writes by default when performance_metrics.json is not here", async () => {
    const cwd = path.resolve(__dirname, '../fixtures/subfolder-config');
    const cli = await runCli(['summary'], {cwd, env: {JEST_PERF_OUTPUT: undefined}});
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli.stderr).toContain('<rootDir>/performance_metrics.json');
    const history = await runCli(['history', 'slowest'], {cwd, env: {JEST_PERF_HISTORY: undefined}});
    expect(history.exitCode).toBe(2);
    expect(history.stderr).toContain('relative to the directory Jest ran in');
  });
});
