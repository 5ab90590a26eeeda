import type {Config} from '@jest/types';
import {existsSync, statSync} from 'fs';
import * as path from 'path';
import {expandRootDir} from '../options/resolveOptions';

/** How a test file's project shows in the report. */
export interface ProjectLabel {
  /** The project's `displayName`, else `project <n>` (1-based, in `projects` order); null in a single-project run. */
  name: string | null;
  /**
   * Whether ids and `files` keys carry the name: only for projects whose rootDir overlaps another's (one file may
   * then run in both, the usual jsdom-plus-node layout). Elsewhere the path relative to the run's root already
   * tells the projects' files apart, and ids stay as in a single-project run.
   */
  inIds: boolean;
}

/** What ids and `files` keys of a project's files start with: `[<name>] `, or nothing (see `inIds`). */
export function keyPrefix(label: ProjectLabel): string {
  return label.inIds && label.name !== null ? `[${label.name}] ` : '';
}

interface ProjectEntry {
  rootDir: string;
  displayName: string | null;
  name: string;
  overlapping: boolean;
}

const SINGLE: ProjectLabel = {name: null, inIds: false};

/**
 * Names the projects of a run. Known up front, from the global config's `projects` (paths and inline configs), so
 * that a test's id does not depend on which project's file happened to arrive first.
 */
export class ProjectNames {
  private readonly entries: ProjectEntry[];
  private readonly byId = new Map<string, ProjectLabel>();

  constructor(globalConfig: Pick<Config.GlobalConfig, 'projects' | 'rootDir'>) {
    const projects = (globalConfig.projects ?? []) as Array<string | {rootDir?: string; displayName?: string | {name?: string}}>;
    this.entries = projects.map((project, index) => {
      const rootDir = typeof project === 'string' ? projectDir(project, globalConfig.rootDir) : expandRootDir(project.rootDir ?? '<rootDir>', globalConfig.rootDir);
      const displayName = typeof project === 'string' ? null : displayNameOf(project.displayName);
      return {rootDir, displayName, name: displayName ?? `project ${index + 1}`, overlapping: false};
    });
    for (const entry of this.entries) {
      entry.overlapping = this.entries.some(other => other !== entry && (contains(other.rootDir, entry.rootDir) || contains(entry.rootDir, other.rootDir)));
    }
  }

  /** The label of the project that ran a file, from the project config Jest handed the reporter with it. */
  of(config: Pick<Config.ProjectConfig, 'id' | 'rootDir' | 'displayName'>): ProjectLabel {
    if (this.entries.length < 2) return SINGLE;
    let label = this.byId.get(config.id);
    if (label === undefined) {
      const displayName = displayNameOf(config.displayName);
      const taken = new Set([...this.byId.values()].map(known => known.name));
      const candidates = this.entries.filter(entry => entry.rootDir === config.rootDir);
      const entry =
        candidates.find(candidate => candidate.displayName !== null && candidate.displayName === displayName && !taken.has(candidate.name)) ??
        candidates.find(candidate => candidate.displayName === null && !taken.has(candidate.name)) ??
        this.entries.find(candidate => displayName !== null && candidate.displayName === displayName);
      label = {
        name: displayName ?? entry?.name ?? `project ${this.byId.size + 1}`,
        // A project we could not place by its rootDir (its own config set another one) is named in ids, to be safe.
        inIds: entry === undefined ? true : entry.overlapping,
      };
      this.byId.set(config.id, label);
    }
    return label;
  }
}

function displayNameOf(value: unknown): string | null {
  if (typeof value === 'string') return value || null;
  if (typeof value === 'object' && value !== null && typeof (value as {name?: unknown}).name === 'string') return (value as {name: string}).name || null;
  return null;
}

/** A `projects` path is a directory or a config file in one; Jest takes a relative one from the current directory. */
function projectDir(project: string, _rootDir: string): string {
  const full = path.resolve(project);
  try {
    return existsSync(full) && statSync(full).isFile() ? path.dirname(full) : full;
  } catch {
    return full;
  }
}

function contains(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
