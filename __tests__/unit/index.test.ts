/** The public API is what docs/api.md documents: no export it does not list, no listed name that is missing. */
import {describe, expect, test} from '@jest/globals';
import {readFileSync} from 'fs';
import * as path from 'path';
import * as experimental from '../../src/experimental';
import * as api from '../../src/index';

const REPO = path.resolve(__dirname, '../..');
const doc = readFileSync(path.join(REPO, 'docs', 'api.md'), 'utf8');

/**
 * The value names in the first column of the table under `heading`. Types are erased at run time, so a cell's
 * "type `X`" names and a row about types ("the model's types") do not count.
 */
function documentedNames(heading: string): string[] {
  const section = doc.slice(doc.indexOf(`\n## ${heading}\n`));
  const table = section.slice(section.indexOf('\n|'), section.indexOf('\n\n', section.indexOf('\n|')));
  return table
    .split('\n')
    .slice(3)
    .map(row => (row.split('|')[1] ?? '').trim().replace(/type `\w+`/g, ''))
    .filter(cell => !cell.startsWith('the '))
    .flatMap(cell => [...cell.matchAll(/`([A-Za-z_]+)[(`]/g)].map(match => match[1]));
}

describe('the public API', () => {
  test('jest-perf-monitor exports exactly the values docs/api.md lists', () => {
    expect(Object.keys(api).filter(name => name !== '__esModule').sort()).toEqual(documentedNames('`jest-perf-monitor`').sort());
  });

  test('jest-perf-monitor/experimental exports exactly the values docs/api.md lists', () => {
    const values = documentedNames('`jest-perf-monitor/experimental`');
    expect(Object.keys(experimental).filter(name => name !== '__esModule').sort()).toEqual(values.sort());
  });

  test('every documented entry point is in the exports map, and nothing else is', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {exports: Record<string, unknown>};
    const entries = [...doc.matchAll(/^\| `(jest-perf-monitor(?:\/[a-z-]+)?)` \|/gm)].map(match => match[1].replace('jest-perf-monitor', '.'));
    expect(Object.keys(pkg.exports).filter(key => key !== './package.json').sort()).toEqual([...new Set(entries)].sort());
  });
});
