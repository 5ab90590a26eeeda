import {expect} from '@jest/globals';
import {spawn} from 'child_process';
import {cpSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'fs';
import * as path from 'path';
import type {MetricsDocument, SchemaTest} from '../../src/model/toSchema';

const REPO = path.resolve(__dirname, '../..');
const FIXTURES = path.join(REPO, '__tests__', 'fixtures');

/** The Jest majors every fixture runs against. `JEST_MAJORS=30` narrows it while iterating locally. */
export const MAJORS: number[] = (process.env.JEST_MAJORS ?? '30,29').split(',').map(Number);

function installRoot(major: number): string {
  return path.join(REPO, '.jest-installs', String(major));
}

function jestBin(major: number): string {
  const root = major === 30 ? REPO : installRoot(major);
  const bin = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  if (!existsSync(bin)) throw new Error(`Jest ${major} is not installed: run \`npm test\` (it runs scripts/prepareJestInstalls.js)`);
  return bin;
}

export interface JestRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The fixture's copy, where Jest ran. */
  dir: string;
  /** performance_metrics.json (or another file) as written by the run. */
  metrics(file?: string): MetricsDocument;
  /** The entry of the test whose id ends with `suffix`. */
  test(suffix: string, file?: string): SchemaTest;
  /** Jest's own --json result, when the run asked for it with `jestJson: true`. */
  jestResult(): JestJsonResult;
}

export interface JestJsonResult {
  numTotalTests: number;
  testResults: Array<{
    name: string;
    status: string;
    assertionResults: Array<{ancestorTitles: string[]; title: string; status: string; invocations?: number}>;
  }>;
}

export interface RunOptions {
  major: number;
  args?: string[];
  /** Extra environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Files written into the fixture copy before the run (path → content). */
  files?: Record<string, string>;
  /** Also write Jest's own results with --json. */
  jestJson?: boolean;
  timeoutMs?: number;
}

let runCounter = 0;

/** Copies a fixture project and runs real Jest on it, as a user would: `node node_modules/jest/bin/jest.js`. */
export function runJest(fixture: string, options: RunOptions): Promise<JestRun> {
  const runsDir = path.join(installRoot(options.major), 'runs');
  const dir = path.join(runsDir, `${fixture}-${process.pid}-${++runCounter}`);
  mkdirSync(runsDir, {recursive: true});
  cpSync(path.join(FIXTURES, fixture), dir, {recursive: true});
  for (const [file, content] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), {recursive: true});
    writeFileSync(path.join(dir, file), content);
  }

  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing from the Jest that runs this harness, nor from the developer's shell, may leak into the fixture run.
    if (key.startsWith('JEST_') || key === 'NODE_OPTIONS' || key === 'GITHUB_ACTIONS') continue;
    env[key] = value;
  }
  env.FORCE_COLOR = '0';
  env.CI = 'true';
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const args = [jestBin(options.major), '--ci', ...(options.jestJson ? ['--json', '--outputFile=jest-result.json'] : []), ...(options.args ?? [])];

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', exitCode => {
      clearTimeout(timer);
      const readJson = <T>(file: string): T => {
        const full = path.join(dir, file);
        if (!existsSync(full)) throw new Error(`${file} was not written.\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
        return JSON.parse(readFileSync(full, 'utf8')) as T;
      };
      const metrics = (file = 'performance_metrics.json'): MetricsDocument => readJson<MetricsDocument>(file);
      resolve({
        exitCode,
        stdout,
        stderr,
        dir,
        metrics,
        test(suffix, file) {
          const tests = metrics(file).tests;
          const ids = Object.keys(tests).filter(id => id.endsWith(suffix));
          if (ids.length !== 1) throw new Error(`expected one test id ending with ${JSON.stringify(suffix)}, found ${JSON.stringify(ids)} among ${JSON.stringify(Object.keys(tests))}`);
          return tests[ids[0]];
        },
        jestResult: () => readJson<JestJsonResult>('jest-result.json'),
      });
    });
  });
}

const JEST_STATUS: Record<string, string> = {passed: 'passed', failed: 'failed', pending: 'skipped', skipped: 'skipped', todo: 'todo', disabled: 'skipped'};

/** Our status for every test equals Jest's (the run needs `jestJson: true`): the plugin never changes an outcome. */
export function expectSameOutcomesAsJest(run: JestRun): void {
  const ours = Object.values(run.metrics().tests).map(t => `${t.file} ${t.status}`);
  const jest = run
    .jestResult()
    .testResults.flatMap(file => file.assertionResults.map(a => `${file.name.slice(run.dir.length + 1)} ${JEST_STATUS[a.status]}`));
  expect(ours.sort()).toEqual(jest.sort());
}

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `jest-perf-monitor` bin (dist/cli/index.js, as package.json's `bin` names it), as a user would. */
export function runCli(args: string[], options: {cwd: string}): Promise<CliRun> {
  const bin = path.join(REPO, (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {bin: Record<string, string>}).bin['jest-perf-monitor']);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {cwd: options.cwd, env: {...process.env, FORCE_COLOR: '0'}, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', exitCode => resolve({exitCode, stdout, stderr}));
  });
}
