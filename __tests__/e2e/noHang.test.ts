/**
 * No path the user can give hangs the run, and mode auto's state is never written through a link: an output that
 * is a FIFO with no reader, an outputDir under /proc (where Node's recursive mkdir spins), the auto-mode state file
 * made a FIFO or a symbolic link to another file, a SQLite history under /proc.
 */
import {describe, expect, test} from '@jest/globals';
import {execFileSync} from 'child_process';
import {lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'fs';
import * as path from 'path';
import {MAJORS, runJest} from '../harness/runJest';

const RED = "test('red', () => { expect(1).toBe(2); });\n";
/** Well under what a hang costs (the harness kills Jest at 90 s), well over a slow run of two small files. */
const RUN_LIMIT_MS = 60_000;

describe.each(MAJORS)('Jest %i', major => {
  test('an output that is a FIFO with no reader: one line, the other reports written, the run ends', async () => {
    const startedAt = Date.now();
    const run = await runJest('options', {
      major,
      env: {JEST_PERF_FORMATS: 'json,csv', JEST_PERF_OUTPUT_DIR: 'reports'},
      prepare: dir => {
        mkdirSync(path.join(dir, 'reports'));
        execFileSync('mkfifo', [path.join(dir, 'performance_metrics.json')]);
      },
    });
    expect(Date.now() - startedAt).toBeLessThan(RUN_LIMIT_MS);
    expect(run.signal).toBeNull();
    expect(run.exitCode).toBe(0);
    const lines = run.stderr.split('\n').filter(line => line.includes('performance_metrics.json'));
    expect(lines.filter(line => /cannot write .*performance_metrics\.json.*it is a FIFO with no reader/.test(line))).toHaveLength(1);
    expect(lstatSync(path.join(run.dir, 'performance_metrics.json')).isFIFO()).toBe(true);
    expect(readFileSync(path.join(run.dir, 'reports', 'performance_metrics.csv'), 'utf8')).toContain('basic.test.js');
  });

  test('an outputDir under /proc: one line, the run ends', async () => {
    const startedAt = Date.now();
    const run = await runJest('options', {major, env: {JEST_PERF_FORMATS: 'json,markdown', JEST_PERF_OUTPUT_DIR: `/proc/jpm-${process.pid}/reports`}});
    expect(Date.now() - startedAt).toBeLessThan(RUN_LIMIT_MS);
    expect(run.signal).toBeNull();
    expect(run.exitCode).toBe(0);
    expect(run.stderr.split('\n').filter(line => line.includes(`/proc/jpm-${process.pid}`))).toHaveLength(1);
    expect(Object.keys(run.metrics().tests)).toHaveLength(2);
  });

  test('a SQLite history under /proc: one line, the run ends unrecorded', async () => {
    const startedAt = Date.now();
    const run = await runJest('options', {major, env: {JEST_PERF_HISTORY: `/proc/jpm-${process.pid}/history.db`}});
    expect(Date.now() - startedAt).toBeLessThan(RUN_LIMIT_MS);
    expect(run.exitCode).toBe(0);
    const lines = run.stderr.split('\n').filter(line => line.includes(`/proc/jpm-${process.pid}`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/this run is not recorded$/);
  });

  test('mode auto: a state file made a FIFO, then a link to another file, is replaced; the link\'s target is untouched', async () => {
    const stateOf = (dir: string): string => path.join(dir, 'cache', 'jest-perf-monitor', 'failed-files.json');
    const args = ['--cacheDirectory=cache'];
    const env = {JEST_PERF_MODE: 'auto'};
    const startedAt = Date.now();
    const fifo = await runJest('options', {
      major,
      args,
      env,
      files: {'red.test.js': RED},
      prepare: dir => {
        mkdirSync(path.dirname(stateOf(dir)), {recursive: true});
        execFileSync('mkfifo', [stateOf(dir)]);
      },
    });
    expect(Date.now() - startedAt).toBeLessThan(RUN_LIMIT_MS);
    expect(fifo.signal).toBeNull();
    expect(fifo.exitCode).toBe(1);
    const state = stateOf(fifo.dir);
    expect(lstatSync(state).isFile()).toBe(true);
    expect((JSON.parse(readFileSync(state, 'utf8')) as {failed: string[]}).failed).toEqual([path.join(fifo.dir, 'red.test.js')]);

    // A link planted at the state file's name, to a file of the user's.
    writeFileSync(path.join(fifo.dir, 'precious.txt'), 'keep me\n');
    execFileSync('rm', [state]);
    symlinkSync(path.join(fifo.dir, 'precious.txt'), state);
    const linked = await runJest('options', {major, args, env, inDir: fifo.dir, files: {'red.test.js': RED, 'green.test.js': "test('green', () => {});\n"}, prepare: dir => {
      // The second red file changes the list, so the state is written again.
      writeFileSync(path.join(dir, 'red2.test.js'), RED);
    }});
    expect(linked.exitCode).toBe(1);
    expect(readFileSync(path.join(fifo.dir, 'precious.txt'), 'utf8')).toBe('keep me\n');
    expect(lstatSync(state).isSymbolicLink()).toBe(false);
    expect((JSON.parse(readFileSync(state, 'utf8')) as {failed: string[]}).failed).toEqual([path.join(fifo.dir, 'red.test.js'), path.join(fifo.dir, 'red2.test.js')]);
  });
});
