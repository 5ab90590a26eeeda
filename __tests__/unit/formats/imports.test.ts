import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {mergeRuns} from '../../../src/analysis/mergeRuns';
import {renderHtml} from '../../../src/formats/html';
import {renderToString} from '../../../src/formats/index';
import {renderMarkdown} from '../../../src/formats/markdown';
import {renderSummary} from '../../../src/formats/summary';
import {fromSchema} from '../../../src/model/fromSchema';
import {toSchema} from '../../../src/model/toSchema';
import type {FileImports, RunModuleCost} from '../../../src/model/types';
import {resolveOptions} from '../../../src/options/resolveOptions';
import {fileOf, runOf, testOf} from '../../harness/syntheticRun';

const ROOT = path.resolve('/repo/app');
const imports = (modules: Array<[string, number, number?]>, loadImportsMs = 0): FileImports => ({
  modules: modules.map(([module, selfMs, count = 1]) => ({module, selfMs, totalMs: selfMs * 2, transformMs: selfMs / 4, count})),
  moduleCount: modules.length,
  loadImportsMs,
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
