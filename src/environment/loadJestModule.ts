import {createRequire} from 'module';

/**
 * Loads a package that belongs to the user's Jest (`jest-environment-node`, `jest-environment-jsdom`).
 *
 * Resolved first from the `jest-runner` that is running us: it depends on `jest-environment-node` itself, so that
 * is exactly the version this Jest pairs with, even where a project holds two Jest majors. Otherwise plain
 * resolution from this package, which in a normal install is the user's top-level copy.
 */
export function loadJestModule(name: string): unknown {
  const runnerPath = Object.keys(require.cache).find(file =>
    /[\\/]node_modules[\\/]jest-runner[\\/]build[\\/]/.test(file),
  );
  if (runnerPath !== undefined) {
    try {
      return createRequire(runnerPath)(name);
    } catch {
      // Not a dependency of that jest-runner (jsdom never is): fall through.
    }
  }
  // A runtime name, resolved like the user's own require would: this is no static import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name);
}

/** The environment class a Jest environment package exports (both shapes Jest 29 and 30 use). */
export function environmentClassOf<T>(exported: unknown): T {
  const mod = exported as {TestEnvironment?: T; default?: T};
  return (mod.TestEnvironment ?? mod.default ?? exported) as T;
}
