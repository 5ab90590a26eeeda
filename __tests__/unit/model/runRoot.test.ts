import {describe, expect, test} from '@jest/globals';
import {mkdirSync, mkdtempSync, realpathSync, writeFileSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import {deepestCommonDir, fileRunRoot, runRootOf} from '../../../src/model/runRoot';
import {relativeToRoot} from '../../../src/model/testId';
import {projectDirsOf} from '../../../src/reporter/projectDirs';

describe('the run root', () => {
  test('is the global rootDir when every project lies inside it', () => {
    expect(runRootOf('/repo', [{rootDir: '/repo/packages/a', roots: ['/repo/packages/a/src']}, {rootDir: '/repo'}])).toBe('/repo');
  });

  test('is the deepest directory holding a config in a subfolder and projects pointing up', () => {
    expect(runRootOf('/repo/scripts/jest', [{rootDir: '/repo', roots: ['/repo/src']}, {rootDir: '/repo/lib'}])).toBe('/repo');
    expect(runRootOf('/repo/config', [{rootDir: '/repo/config', roots: ['/repo']}])).toBe('/repo');
    expect(deepestCommonDir(['/a/b/c', '/a/b/d/e', '/a/b'])).toBe('/a/b');
    // A sibling whose name starts like the root is not inside it.
    expect(deepestCommonDir(['/repo/app', '/repo/app2'])).toBe('/repo');
  });

  test('a worker widens the channel root by its own project', () => {
    expect(fileRunRoot('/repo/config', {rootDir: '/repo/config', roots: ['/repo/config/..']})).toBe('/repo');
    expect(fileRunRoot('/repo', {rootDir: '/repo/a', roots: ['/repo/a']})).toBe('/repo');
  });

  test('paths are relative to it, ../ outside it, never absolute', () => {
    expect(relativeToRoot('/repo', '/repo/src/a.test.ts')).toBe('src/a.test.ts');
    expect(relativeToRoot('/repo/scripts', '/repo/src/a.test.ts')).toBe('../src/a.test.ts');
    expect(relativeToRoot('/repo', 'node:internal/process')).toBe('node:internal/process');
  });

  test("reads the global config's projects as Jest does: inline, and paths with their JSON config", () => {
    const repo = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'run-root-')));
    for (const dir of ['scripts/jest', 'src', 'lib', 'pkg']) mkdirSync(path.join(repo, dir), {recursive: true});
    writeFileSync(path.join(repo, 'pkg', 'jest.config.json'), JSON.stringify({rootDir: '..', roots: ['<rootDir>/pkg']}));
    const rootDir = path.join(repo, 'scripts/jest');
    const dirs = projectDirsOf({rootDir, projects: [{rootDir: '<rootDir>/../..', roots: ['<rootDir>/src']} as never, path.join(repo, 'lib'), 'pkg']}, repo);
    expect(dirs).toEqual([
      {rootDir: repo, roots: [path.join(repo, 'src')]},
      {rootDir: path.join(repo, 'lib')},
      {rootDir: repo, roots: [path.join(repo, 'pkg')]},
    ]);
    expect(runRootOf(rootDir, dirs)).toBe(repo);
  });
});
