/**
 * Every way a run ends removes its channel directory (`<tmp>/jest-perf-monitor-*`), except a SIGKILL or an abort of
 * Jest's own process. The one found left behind: a terminal closed during a watch-mode run (its SIGHUP was not
 * handled). Each run here has a temp directory of its own (TMPDIR), so the count is exact.
 */
import {describe, expect, test} from '@jest/globals';
import {existsSync, mkdtempSync, readdirSync, rmSync, utimesSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import {MAJORS, runJest, startJestWatch} from '../harness/runJest';

const leftovers = (tmp: string): string[] => readdirSync(tmp).filter(name => name.startsWith('jest-perf-monitor-'));

describe.each(MAJORS)('Jest %i', major => {
  test('--watchAll with the config helper, a re-run on a touched file, the terminal closed during it: nothing left', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'jpm-tmpdir-'));
    const session = startJestWatch('watch', {major, args: ['--watchAll', '--runInBand'], env: {TMPDIR: tmp, SLOW_MS: '4000'}});
    try {
      await session.waitFor(() => session.runs() === 1, 60_000);
      const started = path.join(session.dir, 'slow-started');
      rmSync(started, {force: true});
      const now = new Date();
      utimesSync(path.join(session.dir, 'a.test.js'), now, now);
      await session.waitFor(() => existsSync(started), 30_000);
      // The re-run is under way: its channel directory exists.
      expect(leftovers(tmp)).toHaveLength(1);
      session.closeTerminal();
      const deadline = Date.now() + 15_000;
      while (leftovers(tmp).length > 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100));
      expect(leftovers(tmp)).toEqual([]);
    } finally {
      session.kill();
      rmSync(tmp, {recursive: true, force: true});
    }
  });

  test('a single run ended by SIGHUP writes what finished, marked interrupted, and leaves nothing', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'jpm-tmpdir-'));
    try {
      const run = await runJest('watch', {
        major,
        args: ['--runInBand'],
        env: {TMPDIR: tmp, SLOW_MS: '20000'},
        whileRunning: (child, dir) => {
          const poll = setInterval(() => {
            if (!existsSync(path.join(dir, 'slow-started'))) return;
            clearInterval(poll);
            child.kill('SIGHUP');
          }, 100);
        },
      });
      expect(run.signal).toBe('SIGHUP');
      expect(run.metrics().interrupted).toBe(true);
      expect(run.stderr).toContain('The run was stopped by SIGHUP');
      expect(leftovers(tmp)).toEqual([]);
    } finally {
      rmSync(tmp, {recursive: true, force: true});
    }
  });
});
