/**
 * SIGTERM or Ctrl-C during a run: the report holds the tests finished until then, marked interrupted, the
 * channel directory is gone, and Jest's process ends by the same signal as it does without us.
 */
import {afterAll, describe, expect, test} from '@jest/globals';
import type {ChildProcess} from 'child_process';
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import {MAJORS, runJest} from '../harness/runJest';
import type {JestRun, RunOptions} from '../harness/runJest';

/** Sends `signal` once every marker file exists in the fixture copy (the tests before each marker are recorded). */
function signalWhenStarted(markers: string[], signal: NodeJS.Signals, toGroup: boolean): RunOptions['whileRunning'] {
  return (child: ChildProcess, dir: string) => {
    const timer = setInterval(() => {
      if (!markers.every(marker => existsSync(path.join(dir, marker)))) return;
      clearInterval(timer);
      // A terminal's Ctrl-C goes to the whole foreground process group: Jest and its workers.
      if (toGroup) process.kill(-child.pid!, signal);
      else child.kill(signal);
    }, 50);
    child.on('exit', () => clearInterval(timer));
  };
}

const tmpDirs: string[] = [];
afterAll(() => {
  for (const dir of tmpDirs) rmSync(dir, {recursive: true, force: true});
});

/** The same run with the reporter on and, as plain Jest, off; each with a TMPDIR of its own. */
async function runBoth(major: number, args: string[], markers: string[], signal: NodeJS.Signals, toGroup: boolean) {
  const start = (env: Record<string, string>) => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'interrupt-test-'));
    tmpDirs.push(tmp);
    return runJest('interrupt', {major, args, detached: toGroup, env: {...env, TMPDIR: tmp}, whileRunning: signalWhenStarted(markers, signal, toGroup)}).then(run => ({run, tmp}));
  };
  const [ours, plain] = await Promise.all([start({}), start({JEST_PERF_MONITOR: '0'})]);
  return {ours, plain};
}

function expectInterruptedReport({run, tmp}: {run: JestRun; tmp: string}, tests: string[]): void {
  const metrics = run.metrics();
  expect(metrics.interrupted).toBe(true);
  expect(Object.keys(metrics.tests).sort()).toEqual(tests);
  expect(run.stderr).toContain('The run was interrupted');
  expect(readdirSync(tmp).filter(name => name.startsWith('jest-perf-monitor-'))).toEqual([]);
}

describe.each(MAJORS)('Jest %i', major => {
  test('SIGTERM to the Jest process in band: the finished tests are written, and Jest dies of SIGTERM as without us', async () => {
    const {ours, plain} = await runBoth(major, ['--runInBand', 'a.test.js'], ['started-a.test.js'], 'SIGTERM', false);
    expect(plain.run.signal).toBe('SIGTERM');
    expect([ours.run.signal, ours.run.exitCode]).toEqual([plain.run.signal, plain.run.exitCode]);
    expectInterruptedReport(ours, ['a.test.js::one', 'a.test.js::two']);
    expect(existsSync(path.join(plain.run.dir, 'performance_metrics.json'))).toBe(false);
  });

  test('Ctrl-C (SIGINT to the process group) with workers: what the workers finished is written, and Jest dies of SIGINT', async () => {
    const {ours, plain} = await runBoth(major, ['--maxWorkers=2'], ['started-a.test.js', 'started-b.test.js'], 'SIGINT', true);
    expect(plain.run.signal).toBe('SIGINT');
    expect([ours.run.signal, ours.run.exitCode]).toEqual([plain.run.signal, plain.run.exitCode]);
    expectInterruptedReport(ours, ['a.test.js::one', 'a.test.js::two', 'b.test.js::one', 'b.test.js::two']);
  });
});
