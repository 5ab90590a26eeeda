/**
 * Watch mode, driven through a pseudo-terminal as a person would: our report files never start a run, each run's
 * report holds that run alone, an interrupted run is marked as such, and `q` quits.
 */
import {describe, expect, test} from '@jest/globals';
import {appendFileSync, existsSync, readFileSync} from 'fs';
import * as path from 'path';
import type {MetricsDocument} from '../../src/model/toSchema';
import {MAJORS, startJestWatch} from '../harness/runJest';
import type {WatchSession} from '../harness/runJest';

/** Long enough for a run that our own write had started to show up; runs here take about 1–2 s. */
const SETTLE_MS = 4000;

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

function report(session: WatchSession, file = 'performance_metrics.json'): MetricsDocument {
  return JSON.parse(readFileSync(path.join(session.dir, file), 'utf8')) as MetricsDocument;
}

function edit(session: WatchSession, file: string): void {
  appendFileSync(path.join(session.dir, file), `\n// edited ${Date.now()}\n`);
}

async function quit(session: WatchSession): Promise<void> {
  session.type('q');
  expect(await session.exited(15_000)).toBe(0);
}

describe.each(MAJORS)('Jest %i', major => {
  test('--watchAll with withPerfMonitorConfig: one run at start, one per edit, each report holds its run alone; q quits', async () => {
    const session = startJestWatch('watch', {major, args: ['--watchAll']});
    try {
      await session.waitFor(() => session.runs() === 1 && existsSync(path.join(session.dir, 'performance_metrics.json')));
      await sleep(SETTLE_MS);
      expect(session.runs()).toBe(1);
      expect(report(session).session.total_tests).toBe(4);

      edit(session, 'a.test.js');
      await session.waitFor(() => session.runs() === 2);
      await sleep(SETTLE_MS);
      expect(session.runs()).toBe(2);
      // The same four tests, not eight: nothing piles up across runs.
      expect(Object.keys(report(session).tests).sort()).toEqual(['a.test.js::a one', 'a.test.js::a two', 'b.test.js::b one', 'slow.test.js::slow']);
      expect(report(session, 'performance_metrics.ctrf.json')).toMatchObject({results: {summary: {tests: 4}}});
      await quit(session);
    } finally {
      session.kill();
    }
  });

  test('--watch: a run per edited file, holding only the tests it ran; nothing related keeps the last report', async () => {
    const session = startJestWatch('watch', {major, args: ['--watch']});
    try {
      await session.waitFor(output => /No tests found related to files changed/.test(output));
      await sleep(SETTLE_MS);
      expect(session.runs()).toBe(0);
      expect(existsSync(path.join(session.dir, 'performance_metrics.json'))).toBe(false);

      edit(session, 'b.test.js');
      await session.waitFor(() => session.runs() === 1);
      await session.waitFor(() => existsSync(path.join(session.dir, 'performance_metrics.json')));
      expect(Object.keys(report(session).tests)).toEqual(['b.test.js::b one']);

      edit(session, 'a.test.js');
      await session.waitFor(() => session.runs() === 2);
      await sleep(SETTLE_MS);
      expect(session.runs()).toBe(2);
      // Both edited files (git still calls b changed), once each.
      expect(Object.keys(report(session).tests).sort()).toEqual(['a.test.js::a one', 'a.test.js::a two', 'b.test.js::b one']);
      await quit(session);
    } finally {
      session.kill();
    }
  });

  test('a hand-written config: a report file Jest watches is left alone, said once, and never starts a run', async () => {
    const session = startJestWatch('watch', {
      major,
      args: ['--watchAll'],
      files: {
        'jest.config.js': "module.exports = {testRunner: 'jest-perf-monitor/runner', reporters: ['default', ['jest-perf-monitor', {formats: ['json', 'markdown']}]]};\n",
      },
    });
    try {
      await session.waitFor(() => session.runs() === 1 && existsSync(path.join(session.dir, 'performance_metrics.md')));
      await sleep(SETTLE_MS);
      expect(session.runs()).toBe(1);
      expect(existsSync(path.join(session.dir, 'performance_metrics.json'))).toBe(false);
      edit(session, 'b.test.js');
      await session.waitFor(() => session.runs() === 2);
      await sleep(SETTLE_MS);
      expect(session.runs()).toBe(2);
      const notices = session.output().match(/performance_metrics\.json is not written, because Jest watches it/g) ?? [];
      expect(notices).toHaveLength(1);
      expect(session.output()).toContain("watchPathIgnorePatterns: ['<rootDir>/performance_metrics\\\\.json$']");
      await quit(session);
    } finally {
      session.kill();
    }
  });

  test('a run interrupted by a key press writes what finished, marked interrupted', async () => {
    const session = startJestWatch('watch', {major, args: ['--watchAll', '--runInBand'], env: {SLOW_MS: '3000'}});
    try {
      await session.waitFor(() => existsSync(path.join(session.dir, 'slow-started')));
      // Enter during a run interrupts it: Jest finishes the file under way and runs no other.
      session.type('\r');
      await session.waitFor(() => existsSync(path.join(session.dir, 'performance_metrics.json')));
      const interrupted = report(session);
      expect(interrupted.interrupted).toBe(true);
      expect(interrupted.session.total_tests).toBeLessThan(4);
      // Jest 30 lets the file under way finish and drops its result: we keep it. Jest 29 ends the run at once, so
      // nothing had finished yet.
      if (major >= 30) expect(Object.keys(interrupted.tests)).toEqual(['slow.test.js::slow']);
      else expect(Object.keys(interrupted.tests)).toEqual([]);
      await quit(session);
    } finally {
      session.kill();
    }
  });
});
