import type {Config} from '@jest/types';
import {existsSync, readFileSync, realpathSync, statSync} from 'fs';
import * as path from 'path';
import type {ProjectDirs} from '../model/runRoot';

const ROOT_DIR_TOKEN = '<rootDir>';
const CONFIG_NAMES = ['jest.config.js', 'jest.config.cjs', 'jest.config.ts', 'jest.config.json', 'jest.config.mjs', 'package.json'];

interface ProjectShape {
  rootDir?: unknown;
  roots?: unknown;
}

/**
 * The rootDir and roots of each of the global config's `projects`, read as Jest reads them (jest-config's
 * `readConfigs`), before any worker starts, so that the run's root (`model/runRoot`) is known up front:
 * - an inline project's `rootDir` replaces `<rootDir>` by the global rootDir (the config file's directory), and a
 *   relative one is taken from the current directory, as Jest does; without one it is the global rootDir;
 * - a project given as a path (relative to the current directory, as Jest globs it) is its directory, or the
 *   directory of the config file it names; that config's own `rootDir` and `roots` are read when Jest has loaded it
 *   already (a CommonJS config, in `require.cache`) or it is JSON. Anything else is left to the workers, which widen
 *   the root by their own project (see `fileRunRoot`).
 */
export function projectDirsOf(globalConfig: Pick<Config.GlobalConfig, 'projects' | 'rootDir'>, cwd = process.cwd()): ProjectDirs[] {
  const projects = (globalConfig.projects ?? []) as Array<string | ProjectShape>;
  const dirs: ProjectDirs[] = [];
  for (const project of projects) {
    try {
      if (typeof project === 'string') {
        dirs.push(pathProject(path.resolve(cwd, project)));
      } else if (typeof project === 'object' && project !== null) {
        const given = typeof project.rootDir === 'string' && project.rootDir !== '' ? project.rootDir : ROOT_DIR_TOKEN;
        const rootDir = real(path.resolve(cwd, replaceRootDir(given, globalConfig.rootDir)));
        dirs.push({rootDir, roots: rootsOf(project.roots, rootDir)});
      }
    } catch {
      // A project we cannot read is left to the workers' own widening.
    }
  }
  return dirs;
}

function pathProject(full: string): ProjectDirs {
  const isFile = existsSync(full) && statSync(full).isFile();
  const dir = isFile ? path.dirname(full) : full;
  const configFile = isFile ? full : CONFIG_NAMES.map(name => path.join(dir, name)).find(file => existsSync(file));
  const config = configFile === undefined ? null : readLoadedConfig(configFile);
  if (config === null) return {rootDir: real(dir)};
  const rootDir = real(typeof config.rootDir === 'string' && config.rootDir !== '' ? path.resolve(dir, config.rootDir) : dir);
  return {rootDir, roots: rootsOf(config.roots, rootDir)};
}

/** A project's config without running anything: JSON, `package.json`'s `jest`, or a module Jest has required. */
function readLoadedConfig(file: string): ProjectShape | null {
  if (file.endsWith('.json')) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const config = path.basename(file) === 'package.json' ? parsed.jest : parsed;
    return typeof config === 'object' && config !== null ? (config as ProjectShape) : null;
  }
  const loaded = require.cache[file]?.exports as unknown;
  const config = typeof loaded === 'object' && loaded !== null && 'default' in loaded ? (loaded as {default: unknown}).default : loaded;
  return typeof config === 'object' && config !== null ? (config as ProjectShape) : null;
}

function rootsOf(roots: unknown, rootDir: string): string[] {
  if (!Array.isArray(roots)) return [rootDir];
  return roots.filter((root): root is string => typeof root === 'string').map(root => real(path.resolve(rootDir, replaceRootDir(root, rootDir))));
}

function replaceRootDir(file: string, rootDir: string): string {
  return file.startsWith(ROOT_DIR_TOKEN) ? path.join(rootDir, file.slice(ROOT_DIR_TOKEN.length)) : file;
}

/** Jest realpaths rootDir; the test paths it hands out are under the real directories. */
function real(dir: string): string {
  try {
    return realpathSync.native(dir);
  } catch {
    return dir;
  }
}
