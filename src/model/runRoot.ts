/**
 * The run's root: the one directory every id, `files` key, failure location, module name and profile location is
 * relative to (docs/schema.md, "Paths"). It is Jest's global `rootDir`, or, when a project's `rootDir` or `roots`
 * lie outside it (a config kept in `config/` or `scripts/jest/` whose projects point up), the deepest directory
 * holding them all. Pure path logic: the reporter and the workers both compute it, and must agree.
 */
import * as path from 'path';

/** What a project contributes: its rootDir and its roots (absolute, as Jest normalised them). */
export interface ProjectDirs {
  rootDir: string;
  roots?: readonly string[];
}

/** The deepest directory that holds every one of `dirs` (absolute paths); the first alone when they share no root. */
export function deepestCommonDir(dirs: readonly string[]): string {
  let common = path.resolve(dirs[0]);
  for (let index = 1; index < dirs.length; index++) {
    const dir = path.resolve(dirs[index]);
    while (!contains(common, dir)) {
      const parent = path.dirname(common);
      // Another drive (Windows): there is no common directory, the global rootDir stays the root.
      if (parent === common) return path.resolve(dirs[0]);
      common = parent;
    }
  }
  return common;
}

/** The run's root for a global rootDir and the projects known (a project inside it changes nothing). */
export function runRootOf(rootDir: string, projects: readonly ProjectDirs[]): string {
  const dirs = [rootDir];
  for (const project of projects) {
    dirs.push(project.rootDir);
    for (const root of project.roots ?? []) dirs.push(root);
  }
  return deepestCommonDir(dirs);
}

/** Whether `child` is `parent` or below it. */
export function contains(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

let lastWidened: {key: string; root: string} | null = null;

/**
 * The run's root as a worker sees it: the reporter's (from the global config, in the channel; the global rootDir
 * without one), widened by the file's own project, which the reporter may not have known (a single project's
 * `roots`, a project given as a path whose own config points elsewhere). Kept for the last project: a worker runs
 * many files of few projects, and Jest hands it a fresh copy of the config with each.
 */
export function fileRunRoot(base: string, project: ProjectDirs): string {
  const key = `${base}\0${project.rootDir}\0${(project.roots ?? []).join('\0')}`;
  if (lastWidened !== null && lastWidened.key === key) return lastWidened.root;
  const root = runRootOf(base, [project]);
  lastWidened = {key, root};
  return root;
}
