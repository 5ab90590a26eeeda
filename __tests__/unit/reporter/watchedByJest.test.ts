import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {watchedByJest} from '../../../src/reporter/watchedByJest';

const ROOT = path.resolve('/work/project');

describe('watchedByJest', () => {
  const project = {
    roots: [ROOT],
    rootDir: ROOT,
    moduleFileExtensions: ['js', 'json'],
    modulePathIgnorePatterns: [],
    watchPathIgnorePatterns: [],
    cacheDirectory: '/tmp/jest',
    haste: {},
  };

  test('a file with a module extension under a root is watched, unless ignored or in node_modules', () => {
    expect(watchedByJest(path.join(ROOT, 'performance_metrics.json'), [project])).toBe(true);
    expect(watchedByJest(path.join(ROOT, 'performance_metrics.md'), [project])).toBe(false);
    expect(watchedByJest('/elsewhere/performance_metrics.json', [project])).toBe(false);
    expect(watchedByJest(path.join(ROOT, 'node_modules', '.cache', 'm.json'), [project])).toBe(false);
    expect(watchedByJest(path.join(ROOT, 'performance_metrics.json'), [{...project, watchPathIgnorePatterns: ['performance_metrics\\.json$']}])).toBe(false);
  });
});
