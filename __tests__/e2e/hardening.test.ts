/**
 * Hardening through real Jest runs: secrets never reach any output (trace mode, every format, the GitHub step
 * summary, the printed summary), control characters in titles are shown escaped in the printed summary and the
 * CLI's, and CSV cells a spreadsheet would take for formulas are guarded.
 */
import {describe, expect, test} from '@jest/globals';
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import {MAJORS, runCli, runJest} from '../harness/runJest';

const AWS_SECRET = 'awsSecretFixtureValue-7a9c3e';
const PLAIN_ENV = 'plain-env-marker-value';

/** Every secret the fixture holds, in variables or messages: none may be written anywhere. */
const SECRETS = [
  'PEMBODYSECRET', 'xak-value-7731', 'credsval-551', 'passval-8812', 'internalref-val-3321', 'urlpw-4431',
  'JWTSIGSECRET', 'eyJzdWIiOiJmaXh0dXJlLXVzZXIifQ', AWS_SECRET, PLAIN_ENV, 'plainpw-literal-1', 'thrownpw-9911',
  'msgpw-2231', 'GHTOKENSECRET',
];

// eslint-disable-next-line no-control-regex -- looking for control characters
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Our printed summary: from its headline to the list of files written (Jest's own output is around it). */
function ourSummary(stderr: string): string {
  const start = stderr.indexOf('jest-perf-monitor: ');
  const end = stderr.indexOf('Reports written: ', start);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return stderr.slice(start, stderr.indexOf('\n', end));
}

describe.each(MAJORS)('Jest %i', major => {
  test('trace mode: no secret in any report, the step summary, annotations or the printed summary', async () => {
    const stepSummary = path.join(mkdtempSync(path.join(os.tmpdir(), 'step-summary-')), 'summary.md');
    writeFileSync(stepSummary, '');
    const run = await runJest('secrets', {
      major,
      args: ['secrets'],
      env: {
        JEST_PERF_PRESET: 'development',
        JEST_PERF_MODE: 'trace',
        AWS_SECRET_ACCESS_KEY: AWS_SECRET,
        PLAIN_MARKER: PLAIN_ENV,
        GITHUB_ACTIONS: 'true',
        GITHUB_STEP_SUMMARY: stepSummary,
        GITHUB_WORKSPACE: '',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).not.toContain('trace mode is off');

    const reports = readdirSync(path.join(run.dir, 'reports'));
    expect(reports).toHaveLength(7);
    const outputs: Array<[string, string]> = reports.map(file => [file, readFileSync(path.join(run.dir, 'reports', file), 'utf8')]);
    outputs.push(['performance_metrics.json', readFileSync(path.join(run.dir, 'performance_metrics.json'), 'utf8')]);
    outputs.push(['step summary', readFileSync(stepSummary, 'utf8')]);
    // Jest's own output (its failure messages, its console) is Jest's: ours is the summary and the annotations.
    outputs.push(['printed summary', ourSummary(run.stderr)]);
    outputs.push(['annotations', run.stderr.split('\n').filter(line => line.startsWith('::')).join('\n')]);
    expect(outputs[outputs.length - 1][1]).toContain('::error ');
    for (const [where, text] of outputs) {
      for (const secret of SECRETS) {
        if (text.includes(secret)) throw new Error(`${secret} is in ${where}`);
      }
    }

    // What is redacted is only the secret: the rest stays readable.
    const names = run.test('secrets in variables > names: private keys, api-key headers, creds, pass, a URL password, the user\'s names').failure!;
    expect(names.locals).toMatchObject({
      'connect (secrets.test.js)': {
        config: {url: 'postgres://admin:[redacted]@db.internal:5432/app'},
        dbUrl: 'postgres://admin:[redacted]@db.internal:5432/app',
        passenger: 'Ada Lovelace',
        keyboard: 'qwerty',
      },
    });
    expect(Object.values(names.locals!)[1]).toMatchObject({
      private_key: '[redacted]',
      privateKey: '[redacted]',
      headers: {'x-api-key': '[redacted]', accept: 'json'},
      pass: '[redacted]',
      internalRef: '[redacted]',
    });
    expect(names.closure).toMatchObject({creds: '[redacted]'});

    const values = Object.values(run.test('values: a JWT under an innocent name, the AWS key from the environment, a copy of the environment').failure!.locals!)[0];
    expect(values.innocent).toBe('[redacted]');
    expect(values.awsKey).toBe('[redacted]');
    // The copy of the environment shows its names only.
    const env = values.env as Record<string, unknown>;
    expect(Object.keys(env).length).toBeGreaterThan(3);
    for (const value of Object.values(env)) expect(value).toMatch(/^\[redacted\]$|more keys$/);

    expect(run.test('secrets in thrown values and messages > a thrown object').failure!.message).toBe("Thrown: { password: '[redacted]', code: 42 }");
    expect(run.test('an error message with a URL password and a GitHub token').failure!.message).toBe(
      'failed to call https://bot:[redacted]@api.example.com with [redacted] and [redacted]',
    );
    const matcher = run.test('a matcher shows a secret it was given').failure!;
    expect(matcher.message).toContain('Received: "[redacted]"');
    expect(matcher.code_frame).toContain("const password = '[redacted]';");
  });

  test('control characters in titles are escaped in the printed summaries; formula-like CSV cells are guarded', async () => {
    const run = await runJest('secrets', {major, args: ['names', '1.test']});
    expect(run.exitCode).toBe(1);
    const summary = ourSummary(run.stderr);
    expect(summary).not.toMatch(CONTROL);
    expect(summary).toContain('retitles \\x1b]0;pwned\\x07 the terminal > rings \\x07 and \\x00 and clears \\x1b[2J');

    const cli = await runCli(['summary', 'performance_metrics.json'], {cwd: run.dir});
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).not.toMatch(CONTROL);
    expect(cli.stdout).toContain('retitles \\x1b]0;pwned\\x07 the terminal');
    const missing = await runCli(['summary', 'no\u001b]0;x\u0007.json'], {cwd: run.dir});
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).not.toMatch(CONTROL);

    const csv = readFileSync(path.join(run.dir, 'reports', 'performance_metrics.csv'), 'utf8').split('\r\n');
    const cells = (title: string): string => csv.find(line => line.includes(title))!;
    expect(cells("=cmd|' /C calc'!A0")).toContain(",'=cmd|' /C calc'!A0,");
    expect(cells('+SUM(1)')).toContain(",'+SUM(1),");
    expect(cells('@SUM(2)')).toContain(",'@SUM(2),");
    const formulaFile = cells('a failure whose message is a formula');
    expect(formulaFile.startsWith("'=1+1.test.js::")).toBe(true);
    expect(formulaFile).toContain(",'=1+1.test.js,");
    expect(formulaFile).toContain(`,"'=HYPERLINK(""http://evil.test"",""click"")",`);
    // No text cell anywhere starts a formula.
    for (const line of csv.slice(1)) {
      for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+@\t\r]/);
    }
  });
});
