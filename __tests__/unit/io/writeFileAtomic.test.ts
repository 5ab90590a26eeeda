import {describe, expect, test} from '@jest/globals';
import {writeStrategy} from '../../../src/io/writeFileAtomic';
import type {FileTypeLike} from '../../../src/io/writeFileAtomic';

describe('writeStrategy: how an output path is written, from what stands there (links already followed)', () => {
  type Kind = 'file' | 'directory' | 'characterDevice' | 'blockDevice' | 'fifo' | 'socket';
  /** An fs.Stats-like of one kind: what /dev/null or /dev/full would give (character devices), without touching them. */
  const stats = (kind: Kind): FileTypeLike & Record<string, () => boolean> => ({
    isFile: () => kind === 'file',
    isDirectory: () => kind === 'directory',
    isCharacterDevice: () => kind === 'characterDevice',
    isBlockDevice: () => kind === 'blockDevice',
    isFIFO: () => kind === 'fifo',
    isSocket: () => kind === 'socket',
    isSymbolicLink: () => false,
  });

  test('nothing there, or a regular file: replaced atomically', () => {
    expect(writeStrategy(null)).toBe('replace');
    expect(writeStrategy(stats('file'))).toBe('replace');
  });

  test('a directory: refused', () => {
    expect(writeStrategy(stats('directory'))).toBe('refuse-directory');
  });

  test.each(['characterDevice', 'blockDevice', 'fifo', 'socket'] as const)('a %s: written through, as a shell redirect would', kind => {
    expect(writeStrategy(stats(kind))).toBe('write-through');
  });
});
