import {createRequire} from 'module';
import type {JestEnvironment} from '@jest/environment';
import type {TestFileEvent, TestResult} from '@jest/test-result';
import type {Config} from '@jest/types';

/** A Jest test runner (`testRunner`): jest-circus's, or ours around it. Both majors call it the same way. */
export type TestFramework = (
  globalConfig: Config.GlobalConfig,
  config: Config.ProjectConfig,
  environment: JestEnvironment,
  runtime: unknown,
  testPath: string,
  sendMessageToJest?: TestFileEvent,
) => Promise<TestResult>;

const CIRCUS_RUNNER = 'jest-circus/runner';

let loaded: TestFramework | null = null;

/**
 * jest-circus's runner, from the Jest that is running us. jest-circus belongs to jest-config, which workers never
 * load, so it is looked for: beside the loaded jest-runner or jest-config (what a hoisted npm or yarn install has,
 * and the pairing a project with two Jest majors needs), then from this package, then from the project's rootDir
 * (pnpm, where only the project's own dependencies are reachable from it).
 */
export function loadCircusRunner(rootDir: string): TestFramework {
  if (loaded !== null) return loaded;
  const bases = Object.keys(require.cache).filter(file => /[\\/]node_modules[\\/](jest-runner|jest-config)[\\/]build[\\/]/.test(file));
  const tries: Array<() => unknown> = [
    ...bases.map(base => () => createRequire(base)(CIRCUS_RUNNER)),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime name, resolved as the user's Jest would
    () => require(CIRCUS_RUNNER),
    () => createRequire(`${rootDir}/package.json`)(CIRCUS_RUNNER),
  ];
  let lastError: unknown = null;
  for (const attempt of tries) {
    try {
      const mod = attempt() as {default?: TestFramework} | TestFramework;
      loaded = (typeof mod === 'function' ? mod : mod.default) ?? null;
      if (loaded !== null) return loaded;
    } catch (error) {
      lastError = error;
    }
  }
  const error = new Error(
    `jest-perf-monitor/runner needs jest-circus (Jest's default runner), which could not be found from Jest, this package or ${rootDir}` +
      `: npm install --save-dev jest-circus (the same major version as jest)${lastError instanceof Error ? ` (${lastError.message.split('\n')[0]})` : ''}`,
  );
  error.stack = error.message;
  throw error;
}
