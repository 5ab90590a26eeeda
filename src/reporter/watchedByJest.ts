import type {Config} from '@jest/types';
import * as path from 'path';

type WatchConfig = Pick<Config.ProjectConfig, 'roots' | 'rootDir' | 'moduleFileExtensions' | 'modulePathIgnorePatterns' | 'watchPathIgnorePatterns' | 'cacheDirectory' | 'haste'>;

/**
 * Whether writing `file` would start a new run in watch mode: Jest's file watcher (jest-haste-map, as jest-runtime
 * sets it up for watch mode) reports a change under a project's `roots` for a file with one of its
 * `moduleFileExtensions`, outside node_modules, unless a `modulePathIgnorePatterns` or `watchPathIgnorePatterns`
 * pattern or the cache directory covers it. This is the same test, made before we write.
 */
export function watchedByJest(file: string, configs: Iterable<WatchConfig>): boolean {
  for (const config of configs) {
    if (!config.roots.some(root => isInside(root, file))) continue;
    if (!config.moduleFileExtensions.some(extension => file.endsWith(extension))) continue;
    if (!config.haste?.retainAllFiles && file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const ignored = [...config.modulePathIgnorePatterns, ...config.watchPathIgnorePatterns].some(pattern => {
      try {
        return new RegExp(pattern).test(file);
      } catch {
        return false;
      }
    });
    if (ignored) continue;
    if (config.cacheDirectory.startsWith(config.rootDir + path.sep) && file.includes(config.cacheDirectory)) continue;
    return true;
  }
  return false;
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
