import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {ImportTimer} from '../../../src/runner/ImportTimer';

const ROOT = path.resolve('/repo/app');
const at = (...parts: string[]): string => path.join(ROOT, ...parts);
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
