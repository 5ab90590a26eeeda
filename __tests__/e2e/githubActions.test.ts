/**
 * GitHub Actions output (SPEC section 2, `githubActions`): error annotations at the failing lines, capped, and a
 * Markdown job summary appended to $GITHUB_STEP_SUMMARY.
 */
import {describe, expect, test} from '@jest/globals';
import {mkdtempSync, readFileSync, writeFileSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import {MAJORS, runJest} from '../harness/runJest';

const annotations = (stderr: string, kind: string): string[] => stderr.split('\n').filter(line => line.startsWith(`::${kind} `));

function stepSummaryFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'step-summary-')), 'summary.md');
  writeFileSync(file, '## An earlier step\n\n');
  return file;
}

describe.each(MAJORS)('GitHub Actions on Jest %i', major => {
  test('30 failures: 10 error annotations at their lines, one notice for the rest, a capped job summary', async () => {
    const summary = stepSummaryFile();
    const run = await runJest('limits', {major, env: {GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary}});
    expect(run.exitCode).toBe(1);

    const errors = annotations(run.stderr, 'error');
    expect(errors).toHaveLength(10);
    // The `:` in a title is percent-encoded, as in a property value it would end the property.
    expect(errors[0]).toMatch(/^::error file=many\.test\.js,line=11,col=21,title=many\.test\.js%3A%3Afailing > failure 0::JestAssertionError: expect\(received\)\.toBe\(expected\) \/\/ Object\.is equality%0A%0AExpected: -1%0AReceived: 0%0A%0A/);
    expect(errors[0]).toContain('> 11 |       expect(index).toBe(-1);');
    const notices = annotations(run.stderr, 'notice');
    expect(notices).toEqual(['::notice title=jest-perf-monitor::20 more failures not annotated (GitHub shows 10 per step); the job summary lists them.']);

    const markdown = readFileSync(summary, 'utf8');
    // Appended: the earlier step's summary stays.
    expect(markdown.startsWith('## An earlier step\n\n## Test performance\n\n**50 tests**: 20 passed, 30 failed')).toBe(true);
    expect(markdown).toContain('### Failures (30 tests)');
    expect(markdown.match(/^#### ✕ /gm)).toHaveLength(20);
    expect(markdown).toContain('… and 10 more failures not shown here; the JSON report has them all.');
  });

  test('off with githubActions: false, and off when not on GitHub', async () => {
    const summary = stepSummaryFile();
    const off = await runJest('limits', {
      major,
      env: {GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary},
      files: {'jest.config.js': "module.exports = {testEnvironment: 'jest-perf-monitor/environment', reporters: ['default', ['jest-perf-monitor', {githubActions: false}]]};"},
    });
    expect(off.exitCode).toBe(1);
    expect(annotations(off.stderr, 'error')).toEqual([]);
    expect(readFileSync(summary, 'utf8')).toBe('## An earlier step\n\n');

    const local = await runJest('limits', {major, env: {GITHUB_STEP_SUMMARY: summary}});
    expect(annotations(local.stderr, 'error')).toEqual([]);
    expect(readFileSync(summary, 'utf8')).toBe('## An earlier step\n\n');
  });
});
