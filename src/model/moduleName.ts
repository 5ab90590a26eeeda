import * as path from 'path';

const NODE_MODULES = '/node_modules/';

/**
 * How a loaded module is named in reports, never by an absolute path: relative to rootDir for the user's code, and
 * `package/subpath` (`@scope/pkg/sub/file.js`) for a file under `node_modules`, named after the last `node_modules`
 * of its path, so pnpm's `.pnpm/<pkg>@<version>/node_modules/<pkg>/…` and nested installs read like a flat one. A
 * file outside rootDir and outside any `node_modules` (a monorepo sibling) keeps its `../`-relative path.
 */
export function moduleName(rootDir: string, file: string): string {
  const slashed = file.split(path.sep).join('/');
  const index = slashed.lastIndexOf(NODE_MODULES);
  // rootDir itself may sit under a node_modules directory (a package's own tests): for its files, only a
  // node_modules below rootDir counts.
  const root = rootDir.split(path.sep).join('/').replace(/\/$/, '');
  const inside = slashed.startsWith(`${root}/`);
  if (index >= 0 && (!inside || index >= root.length)) return slashed.slice(index + NODE_MODULES.length);
  if (inside) return slashed.slice(root.length + 1);
  const relative = path.relative(rootDir, file);
  // Another drive on Windows: no relative path exists, and an absolute one is never shown.
  return (path.isAbsolute(relative) ? path.basename(file) : relative).split(path.sep).join('/');
}
