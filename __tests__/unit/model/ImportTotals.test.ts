import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {ImportTotals} from '../../../src/model/ImportTotals';
import {CHANNEL_VERSION, decodeChannelFile} from '../../../src/model/channel';
import type {FileImports} from '../../../src/model/types';
import {MetricsCollector} from '../../../src/reporter/MetricsCollector';

const ROOT = path.resolve('/repo/app');
const at = (...parts: string[]): string => path.join(ROOT, ...parts);
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
