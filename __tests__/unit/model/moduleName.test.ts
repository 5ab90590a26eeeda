import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {moduleName} from '../../../src/model/moduleName';

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
