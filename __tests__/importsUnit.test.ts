/** Import costs' pure parts: module naming, the runner's timer on a stand-in runtime, the run's totals, the schema and the reports. */
import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {mergeRuns} from '../src/analysis/mergeRuns';
import {renderToString} from '../src/formats/index';
import {renderHtml} from '../src/formats/html';
import {renderMarkdown} from '../src/formats/markdown';
import {renderSummary} from '../src/formats/summary';
import {CHANNEL_VERSION, decodeChannelFile} from '../src/model/channel';
import {fromSchema} from '../src/model/fromSchema';
import {ImportTotals} from '../src/model/ImportTotals';
import {moduleName} from '../src/model/moduleName';
import {toSchema} from '../src/model/toSchema';
import type {FileImports, RunModuleCost} from '../src/model/types';
import {resolveOptions} from '../src/options/resolveOptions';
import {MetricsCollector} from '../src/reporter/MetricsCollector';
import {ImportTimer} from '../src/runner/ImportTimer';
import {fileOf, runOf, testOf} from './harness/syntheticRun';

const ROOT = path.resolve('/repo/app');
const at = (...parts: string[]): string => path.join(ROOT, ...parts);

describe('moduleName', () => {
  test('user code is relative to rootDir; node_modules files are package/subpath, after the last node_modules', () => {
    expect(moduleName(ROOT, at('src', 'index.ts'))).toBe('src/index.ts');
    expect(moduleName(ROOT, at('node_modules', 'lodash', 'map.js'))).toBe('lodash/map.js');
    expect(moduleName(ROOT, at('node_modules', '@aws-sdk', 'client-s3', 'dist-cjs', 'index.js'))).toBe('@aws-sdk/client-s3/dist-cjs/index.js');
    expect(moduleName(ROOT, at('node_modules', '.pnpm', '@scope+pkg@1.2.3', 'node_modules', '@scope', 'pkg', 'lib', 'a.js'))).toBe('@scope/pkg/lib/a.js');
    expect(moduleName(ROOT, at('node_modules', 'a', 'node_modules', 'b', 'index.js'))).toBe('b/index.js');
    // Hoisted above rootDir (a monorepo's root install), and a sibling package outside any node_modules.
    expect(moduleName(ROOT, path.resolve('/repo/node_modules/react/index.js'))).toBe('react/index.js');
    expect(moduleName(ROOT, path.resolve('/repo/shared/util.js'))).toBe('../shared/util.js');
  });

  test('a rootDir inside node_modules (a package\'s own tests) names its own files relative to it', () => {
    const root = path.resolve('/repo/node_modules/pkg');
    expect(moduleName(root, path.join(root, 'src', 'a.js'))).toBe('src/a.js');
    expect(moduleName(root, path.join(root, 'node_modules', 'dep', 'i.js'))).toBe('dep/i.js');
  });
});

type Spec = Record<string, {busyMs: number; requires?: string[]; transformMs?: number}>;
type RequireModule = (from: string, name: string, options?: {isInternalModule?: boolean}) => unknown;

const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Spin: a module's top-level code, or a transform.
  }
};

/**
 * A stand-in for Jest's runtime in either shape: `requireModule` calls `this.<load>` on a registry miss, and the load
 * transforms through the transformer object, runs the module's code and requires its children, as jest-runtime does.
 */
function fakeRuntime(shape: '29' | '30.4', modules: Spec): Record<string, unknown> & {requireModule: RequireModule} {
  const registry = new Map<string, {exports: unknown}>();
  const transformer = {
    transform(file: string): string {
      busy(modules[path.basename(file)].transformMs ?? 0);
      return '';
    },
  };
  const loadKey = shape === '29' ? '_loadModule' : 'loadModule';
  const loader = {
    requireModule(this: Record<string, (...args: unknown[]) => unknown>, from: string, name: string, options?: {isInternalModule?: boolean}): unknown {
      const file = at(name);
      const known = registry.get(file);
      if (known !== undefined) return known.exports;
      const local = {exports: {}};
      registry.set(file, local);
      this[loadKey](local, from, name, file, options, registry);
      return local.exports;
    },
    [loadKey](this: {requireModule: RequireModule}, _local: unknown, _from: string, name: string, file: string): void {
      transformer.transform(file);
      busy(modules[name].busyMs);
      for (const child of modules[name].requires ?? []) this.requireModule(file, child);
    },
  };
  if (shape === '29') return Object.assign(loader, {_scriptTransformer: transformer}) as unknown as Record<string, unknown> & {requireModule: RequireModule};
  return {cjsLoader: loader, transformCache: {scriptTransformer: transformer}, requireModule: (from, name, options) => (loader.requireModule as RequireModule).call(loader, from, name, options)};
}

describe('ImportTimer', () => {
  test.each(['29', '30.4'] as const)('Jest %s shape: self excludes nested loads, total includes them, a registry hit is no load, internal modules are not timed', shape => {
    const runtime = fakeRuntime(shape, {
      'test.js': {busyMs: 2, requires: ['barrel.js', 'heavy.js']},
      'barrel.js': {busyMs: 1, requires: ['heavy.js', 'light.js']},
      'heavy.js': {busyMs: 30, transformMs: 5},
      'light.js': {busyMs: 0},
      'jest-internal.js': {busyMs: 10},
    });
    const loadKey = shape === '29' ? '_loadModule' : 'loadModule';
    const target = (runtime.cjsLoader ?? runtime) as Record<string, unknown>;
    const transformer = ((runtime.transformCache as {scriptTransformer: unknown} | undefined)?.scriptTransformer ?? runtime._scriptTransformer) as Record<string, unknown>;
    const originalLoad = target[loadKey];
    const originalTransform = transformer.transform;
    const timer = ImportTimer.install(runtime, ROOT, at('test.js'));
    if (typeof timer === 'string') throw new Error(timer);
    expect(target[loadKey]).not.toBe(originalLoad);
    runtime.requireModule(ROOT, 'jest-internal.js', {isInternalModule: true});
    runtime.requireModule(ROOT, 'test.js');
    const loaded = timer.loadedMs();
    const line = timer.finish(loaded)!;
    const byName = Object.fromEntries(line.modules.map(([name, selfUs, totalUs, transformUs, count]) => [name, {selfUs, totalUs, transformUs, count}]));
    expect(Object.keys(byName).sort()).toEqual(['barrel.js', 'heavy.js', 'light.js', 'test.js']);
    expect([...line.modules].sort((a, b) => b[1] - a[1])[0][0]).toBe('heavy.js');
    expect(byName['heavy.js'].count).toBe(1);
    expect(byName['heavy.js'].selfUs).toBeGreaterThanOrEqual(35_000);
    expect(byName['heavy.js'].transformUs).toBeGreaterThanOrEqual(5_000);
    expect(byName['heavy.js'].transformUs).toBeLessThanOrEqual(byName['heavy.js'].selfUs);
    expect(byName['barrel.js'].selfUs).toBeLessThan(byName['barrel.js'].totalUs - 30_000);
    expect(byName['barrel.js'].totalUs).toBeGreaterThanOrEqual(byName['heavy.js'].totalUs);
    expect(byName['test.js'].totalUs).toBeGreaterThanOrEqual(byName['barrel.js'].totalUs);
    // The root load explains the time: the sum of self times is the test file's total.
    const selfSum = line.modules.reduce((sum, module) => sum + module[1], 0);
    expect(Math.abs(selfSum - byName['test.js'].totalUs)).toBeLessThanOrEqual(4);
    expect(Math.abs(line.loadUs - byName['test.js'].totalUs)).toBeLessThanOrEqual(1);
    expect(line.count).toBe(4);
    expect(timer.ownMs()).toBeLessThan(5);
    // Stopped: the runtime's own methods are back.
    expect(target[loadKey]).toBe(originalLoad);
    expect(transformer.transform).toBe(originalTransform);
  });

  test('a file that loads more modules than the channel carries sends the costliest 200, and counts them all', () => {
    const spec: Spec = {'test.js': {busyMs: 0, requires: ['heavy.js', ...Array.from({length: 250}, (_, i) => `m${i}.js`)]}, 'heavy.js': {busyMs: 3}};
    for (let i = 0; i < 250; i++) spec[`m${i}.js`] = {busyMs: 0};
    const runtime = fakeRuntime('30.4', spec);
    const timer = ImportTimer.install(runtime, ROOT, at('test.js')) as ImportTimer;
    runtime.requireModule(ROOT, 'test.js');
    const line = timer.finish(timer.loadedMs())!;
    expect(line.count).toBe(252);
    expect(line.modules).toHaveLength(200);
    expect(line.modules.map(([name]) => name)).toContain('heavy.js');
  });

  test('a test file that never went through the CommonJS loader (an ES module) gets no imports, rather than a wrong split', () => {
    const runtime = fakeRuntime('30.4', {'setup.js': {busyMs: 0}});
    const timer = ImportTimer.install(runtime, ROOT, at('test.mjs')) as ImportTimer;
    runtime.requireModule(ROOT, 'setup.js');
    expect(timer.finish(timer.loadedMs())).toBeNull();
  });

  test('a runtime of an unknown shape is refused with a reason, not broken', () => {
    expect(ImportTimer.install({}, ROOT, at('test.js'))).toMatch(/no module loader/);
    expect(ImportTimer.install(null, ROOT, at('test.js'))).toMatch(/no module loader/);
  });
});

const imports = (modules: Array<[string, number, number?]>, loadImportsMs = 0): FileImports => ({
  modules: modules.map(([module, selfMs, count = 1]) => ({module, selfMs, totalMs: selfMs * 2, transformMs: selfMs / 4, count})),
  moduleCount: modules.length,
  loadImportsMs,
});

describe('the run\'s import totals', () => {
  test('sum self time per module over the files, count the files, and rank by self time', () => {
    const totals = new ImportTotals();
    expect(totals.top()).toBeNull();
    totals.addFile(imports([['a.js', 10], ['sdk/index.js', 0.5]]).modules);
    totals.addFile(imports([['b.js', 3], ['sdk/index.js', 0.5]]).modules);
    totals.addFile(imports([['sdk/index.js', 0.5]]).modules);
    expect(totals.top()).toEqual([
      {module: 'a.js', selfMs: 10, totalMs: 20, transformMs: 2.5, files: 1},
      {module: 'b.js', selfMs: 3, totalMs: 6, transformMs: 0.75, files: 1},
      {module: 'sdk/index.js', selfMs: 1.5, totalMs: 3, transformMs: 0.375, files: 3},
    ]);
    expect(totals.top(1)).toHaveLength(1);
  });

  test('the collector keeps each file\'s top 10 but sums every module the channel carried', () => {
    const modules = Array.from({length: 30}, (_, i) => [`m${String(i).padStart(2, '0')}.js`, 30 - i, i + 1, i + 1, 1]);
    const start = {v: CHANNEL_VERSION, k: 'file-start', session: 's', testPath: at('a.test.js'), workerId: 1, loadMs: 500, heapStartBytes: 1};
    const end = {
      v: CHANNEL_VERSION, k: 'file-end', session: 's', beforeAllMs: 0, afterAllMs: 0, heapEndBytes: 2, hookFailures: [], selfMs: 1, tracePauses: 0, notices: [],
      imports: {modules: modules.map(([name, self]) => [name, (self as number) * 1000, (self as number) * 1000, 0, 1]), count: 42, loadUs: 400_000},
    };
    const decoded = decodeChannelFile(`${JSON.stringify(start)}\n${JSON.stringify(end)}\n`);
    expect(decoded.file!.imports!.modules).toHaveLength(30);
    const collector = new MetricsCollector(ROOT);
    collector.addFile(decoded);
    collector.addFile(decodeChannelFile(`${JSON.stringify({...start, testPath: at('b.test.js')})}\n${JSON.stringify(end)}\n`));
    const run = collector.build({startedAtMs: 0, durationMs: 1, system: null});
    expect(run.files[0].imports!.modules.map(cost => cost.module)).toEqual(modules.slice(0, 10).map(([name]) => name));
    expect(run.files[0].imports).toMatchObject({moduleCount: 42, loadImportsMs: 400});
    expect(run.imports).toHaveLength(20);
    expect(run.imports![0]).toEqual({module: 'm00.js', selfMs: 60, totalMs: 60, transformMs: 0, files: 2});
  });
});

describe('the schema and the reports', () => {
  const heavyRun = (selfMs: number) =>
    runOf(
      [testOf('a.test.js', ['works'])],
      [fileOf('a.test.js', {loadMs: 400.5, imports: imports([['heavy.js', selfMs], ['a.test.js', 2]], 300.25)}), fileOf('b.test.js')],
      {imports: [{module: 'heavy.js', selfMs, totalMs: selfMs, transformMs: 1, files: 1}, {module: 'light.js', selfMs: 1, totalMs: 1, transformMs: 0, files: 3}]},
    );

  test('toSchema writes milliseconds under _ms keys and the load split in seconds; fromSchema reads them back', () => {
    const run = heavyRun(250);
    const document = toSchema(run);
    expect(document.files['a.test.js']).toMatchObject({
      load_time: 0.4005,
      import_time: 0.30025,
      framework_setup_time: 0.10025,
      modules_loaded: 2,
      imports: [
        {module: 'heavy.js', self_ms: 250, total_ms: 500, transform_ms: 62.5, count: 1},
        {module: 'a.test.js', self_ms: 2, total_ms: 4, transform_ms: 0.5, count: 1},
      ],
    });
    expect(document.files['b.test.js']).not.toHaveProperty('imports');
    expect(document.imports).toEqual([
      {module: 'heavy.js', self_ms: 250, total_ms: 250, transform_ms: 1, files: 1},
      {module: 'light.js', self_ms: 1, total_ms: 1, transform_ms: 0, files: 3},
    ]);
    const back = fromSchema(JSON.parse(JSON.stringify(document)));
    expect(back.imports).toEqual(run.imports);
    expect(back.files[0].imports).toEqual(run.files[0].imports);
    expect(back.files[1].imports).toBeNull();
    expect(toSchema(back)).toEqual(document);
    expect(() => fromSchema({...document, imports: [{module: 'x', self_ms: -1, total_ms: 0, transform_ms: 0, files: 1}]})).toThrow('imports[0].self_ms is -1');
  });

  test('"Heaviest imports" in the summary and Markdown only when a module costs 50 ms over the run; the HTML has the tables', () => {
    expect(renderSummary(heavyRun(250))).toMatch(/Heaviest imports[^\n]*\n {2}module +self +total +transform +files\n {2}heavy\.js +250\.0 ms +250\.0 ms +1\.0 ms +1\n(?! {2}light)/);
    expect(renderSummary(heavyRun(49))).not.toContain('Heaviest imports');
    expect(renderSummary(runOf([], []))).not.toContain('Heaviest imports');
    expect(renderToString(renderMarkdown(heavyRun(250)))).toContain('### Heaviest imports');
    expect(renderToString(renderMarkdown(heavyRun(49)))).not.toContain('Heaviest imports');
    const html = renderToString(renderHtml(heavyRun(250), {chartLibrary: ''}));
    expect(html).toMatch(/<section id="imports">.*light\.js.*Where each file's load time went.*a\.test\.js.*400\.5 ms.*100\.3 ms.*300\.3 ms.*heavy\.js/s);
    expect(renderToString(renderHtml(runOf([], [fileOf('a.test.js')]), {chartLibrary: ''}))).not.toContain('id="imports"');
  });

  test('merging shards sums their heaviest imports', () => {
    const merged = mergeRuns([heavyRun(100), {...heavyRun(50), tests: [testOf('c.test.js', ['other'])], files: [fileOf('c.test.js')]}]).run;
    expect(merged.imports).toEqual([
      {module: 'heavy.js', selfMs: 150, totalMs: 150, transformMs: 2, files: 2},
      {module: 'light.js', selfMs: 2, totalMs: 2, transformMs: 0, files: 6},
    ] satisfies RunModuleCost[]);
  });

  test('option imports: on by default, JEST_PERF_IMPORTS turns it off, a non-boolean fails fast', () => {
    expect(resolveOptions(undefined, {rootDir: ROOT, isCI: false, env: {}}).imports).toBe(true);
    expect(resolveOptions({imports: true}, {rootDir: ROOT, isCI: false, env: {JEST_PERF_IMPORTS: '0'}}).imports).toBe(false);
    expect(() => resolveOptions({imports: 'yes'}, {rootDir: ROOT, isCI: false, env: {}})).toThrow('option "imports" got "yes"; allowed: true, false');
  });
});
