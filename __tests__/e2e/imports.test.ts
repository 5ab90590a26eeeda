/**
 * Import costs (option `imports`): what each module a test file loads through Jest's runtime costs, under the runner,
 * in Jest 29 (`Runtime#_loadModule`) and Jest 30 (`cjsLoader.loadModule` since 30.4).
 */
import {describe, expect, test} from '@jest/globals';
import {readFileSync} from 'fs';
import * as path from 'path';
import {MAJORS, runCli, runJest} from '../harness/runJest';
import type {SchemaFile, SchemaModuleCost} from '../../src/model/toSchema';

/** A package under the fixture's node_modules (git keeps none), for the `package/subpath` naming. */
const SDK = {
  'node_modules/@acme/sdk/package.json': JSON.stringify({name: '@acme/sdk', version: '1.0.0'}),
  'node_modules/@acme/sdk/lib/client.js': "module.exports = {connect: () => 'connected'};\n",
};

const named = (file: SchemaFile, module: string): SchemaModuleCost | undefined => file.imports?.find(cost => cost.module === module);

describe.each(MAJORS)('Jest %i', major => {
  test('each file lists what its imports cost, the heavy module first; the run sums them; load time = imports + framework set-up', async () => {
    const run = await runJest('imports', {major, files: SDK});
    expect(run.exitCode).toBe(0);
    const metrics = run.metrics();
    const heavyFile = metrics.files['heavy.test.js'];
    const lightFile = metrics.files['light.test.js'];

    // The ~250 ms module comes first, by self time; the barrel that re-exports it costs little itself but all of it in total.
    const heavy = heavyFile.imports![0];
    expect(heavy).toMatchObject({module: 'heavy.js', count: 1});
    expect(heavy.self_ms).toBeGreaterThanOrEqual(150);
    const barrel = named(heavyFile, 'barrel.js')!;
    // Relative, not absolute: on a loaded machine a two-line module's compile can take tens of milliseconds.
    expect(barrel.self_ms).toBeLessThan(heavy.self_ms / 2);
    expect(barrel.total_ms).toBeGreaterThanOrEqual(heavy.total_ms);
    // The test file is one of its imports: its own top-level code is a cost, and its total holds everything it loads.
    expect(named(heavyFile, 'heavy.test.js')!.total_ms).toBeGreaterThanOrEqual(barrel.total_ms);
    for (const file of [heavyFile, lightFile]) {
      expect(file.imports!.length).toBeLessThanOrEqual(10);
      for (const cost of file.imports!) {
        expect(cost.transform_ms).toBeLessThanOrEqual(cost.self_ms + 0.002);
        expect(cost.self_ms).toBeLessThanOrEqual(cost.total_ms + 0.002);
      }
    }

    // The other file never loads it. A package is named package/subpath; a module loaded again in isolation counts twice.
    expect(lightFile.imports!.map(cost => cost.module)).not.toContain('heavy.js');
    expect(lightFile.imports!.map(cost => cost.module).sort()).toEqual(['@acme/sdk/lib/client.js', 'late.js', 'light.js', 'light.test.js', 'setup.js']);
    expect(named(lightFile, 'light.js')!.count).toBe(2);
    expect(lightFile.modules_loaded).toBe(5);
    expect(JSON.stringify(metrics)).not.toContain(run.dir);

    // load_time is what the module loads explain (every module but late.js, which a test required) plus the framework.
    for (const file of [heavyFile, lightFile]) {
      expect(file.import_time! + file.framework_setup_time!).toBeCloseTo(file.load_time, 5);
      const beforeTests = file.imports!.filter(cost => cost.module !== 'late.js').reduce((sum, cost) => sum + cost.self_ms, 0);
      expect(Math.abs(beforeTests - file.import_time! * 1000)).toBeLessThan(0.05);
    }
    expect(heavyFile.import_time!).toBeGreaterThanOrEqual(0.15);

    // The run: summed self time, and in how many files.
    expect(metrics.imports![0]).toMatchObject({module: 'heavy.js', files: 1});
    expect(metrics.imports!.find(cost => cost.module === 'light.js')).toMatchObject({files: 2});
    expect(metrics.imports!.find(cost => cost.module === 'setup.js')).toMatchObject({files: 2});

    // Every report says it: the printed summary, the CLI's, the Markdown and the HTML.
    expect(run.stderr + run.stdout).toMatch(/Heaviest imports[^\n]*\n[^\n]*module[^\n]*\n\s+heavy\.js\s+\d+\.\d ms/);
    expect(run.stderr + run.stdout).not.toMatch(/Heaviest imports[^]*\n\s+light\.js\s/);
    const cli = await runCli(['summary'], {cwd: run.dir});
    expect(cli.stdout).toMatch(/Heaviest imports[^\n]*\n[^\n]*\n\s+heavy\.js\s/);
    expect(readFileSync(path.join(run.dir, 'performance_metrics.md'), 'utf8')).toMatch(/### Heaviest imports[^]*\| `heavy\.js` \|/);
    const html = readFileSync(path.join(run.dir, 'performance_metrics.html'), 'utf8');
    expect(html).toContain('<section id="imports">');
    expect(html).toMatch(/Where each file's load time went[^]*heavy\.test\.js[^]*heavy\.js/);
  });

  test('transforms are timed (ts-jest), and a run with imports off or through an environment entry has no imports', async () => {
    const typed = await runJest('imports', {
      major,
      args: ['typed'],
      files: {
        'jest.config.js': `module.exports = {
          testRunner: 'jest-perf-monitor/runner',
          transform: {'^.+\\\\.ts$': ['ts-jest', {isolatedModules: true, diagnostics: false, tsconfig: {target: 'es2020', module: 'commonjs'}}]},
          reporters: [['jest-perf-monitor', {printSummary: false}]],
        };\n`,
        'typed.ts': 'export const answer = (n: number): number => n * 2;\n',
        'typed.test.ts': "import {answer} from './typed';\ntest('typed', () => expect(answer(21)).toBe(42));\n",
      },
    });
    expect(typed.exitCode).toBe(0);
    const file = typed.metrics().files['typed.test.ts'];
    for (const module of ['typed.test.ts', 'typed.ts']) {
      const cost = named(file, module)!;
      expect(cost.transform_ms).toBeGreaterThan(0);
      expect(cost.transform_ms).toBeLessThanOrEqual(cost.self_ms + 0.002);
    }

    const off = await runJest('imports', {major, files: SDK, env: {JEST_PERF_IMPORTS: '0'}});
    expect(off.exitCode).toBe(0);
    const offMetrics = off.metrics();
    expect(offMetrics.imports).toBeUndefined();
    for (const entry of Object.values(offMetrics.files)) {
      expect(entry).not.toHaveProperty('imports');
      expect(entry).not.toHaveProperty('import_time');
      expect(entry.load_time).toBeGreaterThan(0);
    }
    expect(off.stderr).not.toContain('Heaviest imports');

    // The environment entries never get Jest's runtime: files are measured as ever, without imports, and silently.
    const environment = await runJest('imports', {
      major,
      files: {...SDK, 'jest.config.js': "module.exports = {testEnvironment: 'jest-perf-monitor/environment', setupFilesAfterEnv: ['<rootDir>/setup.js'], reporters: ['default', 'jest-perf-monitor']};\n"},
    });
    expect(environment.exitCode).toBe(0);
    const environmentMetrics = environment.metrics();
    expect(environmentMetrics.imports).toBeUndefined();
    expect(Object.values(environmentMetrics.files).every(entry => entry.imports === undefined && entry.load_time > 0)).toBe(true);
    expect(environment.stderr).not.toMatch(/import costs/);
  });
});
