import {expect} from '@jest/globals';
import {execFileSync, spawn} from 'child_process';
import type {ChildProcess} from 'child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'fs';
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
  /** The signal that ended Jest's process, if one did. */
  signal: NodeJS.Signals | null;
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
  /** Run again where an earlier run ran (its `dir`), instead of in a fresh copy of the fixture. */
  inDir?: string;
  /** Called with the copy's directory once `files` are written, before Jest starts: for what `files` cannot make (a FIFO, a symlink). */
  prepare?: (dir: string) => void;
  /** Start Jest in a process group of its own (whose id is its pid), as a shell starts a foreground job. */
  detached?: boolean;
  /** Called once Jest is started, with its process and the fixture copy: to signal it mid-run. */
  whileRunning?: (child: ChildProcess, dir: string) => void;
}

/** Copies a fixture project and runs real Jest on it, as a user would: `node node_modules/jest/bin/jest.js`. */
export function runJest(fixture: string, options: RunOptions): Promise<JestRun> {
  const runsDir = path.join(installRoot(options.major), 'runs');
  mkdirSync(runsDir, {recursive: true});
  // A new directory for every run: a pid and a counter repeat (the counter restarts in every test file a worker
  // runs), and a reused path would inherit the files of an earlier run and mode auto's memory of its failures.
  const dir = options.inDir ?? mkdtempSync(path.join(runsDir, `${fixture}-`));
  if (options.inDir === undefined) cpSync(path.join(FIXTURES, fixture), dir, {recursive: true});
  for (const [file, content] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), {recursive: true});
    writeFileSync(path.join(dir, file), content);
  }
  options.prepare?.(dir);

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
    const child = spawn(process.execPath, args, {cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached === true});
    options.whileRunning?.(child, dir);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const readJson = <T>(file: string): T => {
        const full = path.join(dir, file);
        if (!existsSync(full)) throw new Error(`${file} was not written.\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
        return JSON.parse(readFileSync(full, 'utf8')) as T;
      };
      const metrics = (file = 'performance_metrics.json'): MetricsDocument => readJson<MetricsDocument>(file);
      resolve({
        exitCode,
        signal,
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
export function runCli(args: string[], options: {cwd: string; env?: Record<string, string | undefined>}): Promise<CliRun> {
  const bin = path.join(REPO, (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {bin: Record<string, string>}).bin['jest-perf-monitor']);
  const env: NodeJS.ProcessEnv = {...process.env, FORCE_COLOR: '0'};
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return runNodeScript(bin, args, {cwd: options.cwd, env});
}

/** Runs a Node script with this Node, its output gathered. */
export function runNodeScript(script: string, args: string[], options: {cwd: string; env: NodeJS.ProcessEnv}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', exitCode => resolve({exitCode, stdout, stderr}));
  });
}

/** A Jest run in watch mode, driven as a person at a terminal would. */
export interface WatchSession {
  dir: string;
  /** Everything the terminal showed so far (both streams, through the pseudo-terminal). */
  output(): string;
  /** How many runs finished so far (Jest closes each run that ran tests with "Ran all test suites…"). */
  runs(): number;
  /** Resolves once `predicate` holds on the output, or rejects after `timeoutMs`. */
  waitFor(predicate: (output: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Types keys at the terminal. */
  type(keys: string): void;
  /** Resolves with the exit code once Jest exits, or rejects after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | null>;
  kill(): void;
  /** Closes the terminal (ends `script`, which holds it), as closing a terminal tab does: Jest gets SIGHUP. */
  closeTerminal(): void;
}

/**
 * Starts `jest <args>` (with `--watch` or `--watchAll` among them) on a copy of a fixture, in a pseudo-terminal
 * made by util-linux's `script`, so Jest sees an interactive terminal and reads keys. `git` is initialised in the
 * copy (with everything committed) because `--watch` asks git what changed.
 */
export function startJestWatch(fixture: string, options: RunOptions): WatchSession {
  const runsDir = path.join(installRoot(options.major), 'runs');
  mkdirSync(runsDir, {recursive: true});
  const dir = mkdtempSync(path.join(runsDir, `${fixture}-`));
  cpSync(path.join(FIXTURES, fixture), dir, {recursive: true});
  for (const [file, content] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), {recursive: true});
    writeFileSync(path.join(dir, file), content);
  }
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {cwd: dir, stdio: 'ignore'});
  };
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'fixture');

  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('JEST_') || key === 'NODE_OPTIONS' || key === 'GITHUB_ACTIONS' || key === 'CI') continue;
    env[key] = value;
  }
  Object.assign(env, {FORCE_COLOR: '0', TERM: 'xterm', COLUMNS: '200', LINES: '50'});
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const command = [process.execPath, jestBin(options.major), ...(options.args ?? [])].map(shellQuote).join(' ');
  // Its own process group, so a kill reaches Jest and its workers under `script` too.
  const child = spawn('script', ['-qfec', command, '/dev/null'], {cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true});
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  let output = '';
  child.stdout.on('data', chunk => (output += chunk));
  child.stderr.on('data', chunk => (output += chunk));
  let exitCode: number | null | undefined;
  const exitWaiters: Array<() => void> = [];
  child.on('close', code => {
    exitCode = code;
    for (const wake of exitWaiters) wake();
  });
  const killer = setTimeout(killGroup, options.timeoutMs ?? 110_000);
  killer.unref();
  child.on('close', () => clearTimeout(killer));

  const waitFor = (predicate: (text: string) => boolean, timeoutMs = 30_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = (): void => {
        if (predicate(output)) return resolve();
        if (exitCode !== undefined) return reject(new Error(`Jest exited (${exitCode}) before the awaited output.\n--- output\n${output}`));
        if (Date.now() - started > timeoutMs) return reject(new Error(`timed out after ${timeoutMs} ms waiting on the watch output.\n--- output\n${output}`));
        setTimeout(poll, 100);
      };
      poll();
    });
  return {
    dir,
    output: () => output,
    runs: () => (output.match(/Ran all test suites/g) ?? []).length,
    waitFor,
    type: keys => child.stdin.write(keys),
    closeTerminal: () => void child.kill('SIGKILL'),
    exited: (timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        if (exitCode !== undefined) return resolve(exitCode);
        const timer = setTimeout(() => reject(new Error(`Jest did not exit within ${timeoutMs} ms.\n--- output\n${output}`)), timeoutMs);
        exitWaiters.push(() => {
          clearTimeout(timer);
          resolve(exitCode ?? null);
        });
      }),
    kill: killGroup,
  };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A reader waiting at a FIFO, as `cat fifo` would. */
export interface FifoReader {
  /**
   * What it read, once the writer closed the FIFO. Call it after the write: a reader still waiting `timeoutMs`
   * later (no writer came, say the FIFO was replaced) is ended, and what it read so far comes back.
   */
  read(timeoutMs?: number): Promise<string>;
  /** Ends the reader if it is still running: call it in a `finally`. */
  stop(): void;
}

/** Makes a FIFO at `file` and starts a reader on it (`head -c <bytes>`, to close it early, when `bytes` is given). */
export function fifoWithReader(file: string, bytes?: number): FifoReader {
  execFileSync('mkfifo', [file]);
  // A separate process: a blocked open() there never holds one of this process's threads.
  const child = bytes === undefined ? spawn('cat', [file], {stdio: ['ignore', 'pipe', 'ignore']}) : spawn('head', ['-c', String(bytes), file], {stdio: ['ignore', 'pipe', 'ignore']});
  let text = '';
  child.stdout.on('data', chunk => (text += chunk));
  const closed = new Promise<void>(resolve => child.on('close', () => resolve()));
  const stop = (): void => void (child.exitCode === null && child.signalCode === null && child.kill());
  return {
    async read(timeoutMs = 10_000) {
      const timer = setTimeout(stop, timeoutMs);
      await closed;
      clearTimeout(timer);
      return text;
    },
    stop,
  };
}
