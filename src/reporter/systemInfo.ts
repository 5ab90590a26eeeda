import {readFileSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import type {SystemInfo} from '../model/types';

/** The version of the Jest that is running us: the `@jest/core` already loaded in this process. */
export function runningJestVersion(): string | null {
  const corePath = Object.keys(require.cache).find(file => /[\\/]@jest[\\/]core[\\/]build[\\/]/.test(file));
  const candidates = corePath ? [path.join(corePath.slice(0, corePath.search(/[\\/]build[\\/]/)), 'package.json')] : [];
  for (const candidate of candidates) {
    try {
      return (JSON.parse(readFileSync(candidate, 'utf8')) as {version?: string}).version ?? null;
    } catch {
      // Fall through to the next way of finding it.
    }
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, found at run time
    return (require('jest/package.json') as {version: string}).version;
  } catch {
    return null;
  }
}

export function collectSystemInfo(): SystemInfo {
  return {
    platform: process.platform,
    nodeVersion: process.versions.node,
    jestVersion: runningJestVersion(),
    cpuCount: os.availableParallelism?.() ?? os.cpus().length,
    memoryTotalBytes: os.totalmem(),
  };
}
