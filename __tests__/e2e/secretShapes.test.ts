/**
 * Secrets in the shapes the third hardening round found leaking (header lines, a secret straddling a cut, a URL
 * password holding `@`, `[name, value]` pairs, a PEM body in a code frame without its BEGIN line): none reaches any
 * file the run wrote, the GitHub step summary, the annotations or the printed summary.
 */
import {describe, expect, test} from '@jest/globals';
import {mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import {MAJORS, runJest} from '../harness/runJest';

const API_TOKEN = 'tok_SUPERSECRETSTRADDLE99';
/** What would show of each secret if it leaked (for a cut one, the half before the cut); the fixture builds them from pieces. */
const LEAKS = ['HDRBEARER77x', 'HDRAPIKEY66', 'tok_SUPER', 'CUTURL', 'ssATSIGNPW3', 'APIKEYPAIR8888', 'AUTHPAIR7777', 'PEMFRAMEBODY', 'MIIEvQIBADAN'];

/** Every file under `dir` that is not part of the fixture (`sources`), recursively. */
function writtenFiles(dir: string, sources: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, {recursive: true, encoding: 'utf8'})) {
    const full = path.join(dir, entry);
    if (!sources.has(entry) && statSync(full).isFile()) out.push(full);
  }
  return out;
}

describe.each(MAJORS)('Jest %i', major => {
  test('trace mode: no secret of any new shape in any file the run wrote, the step summary or the printed output', async () => {
    const stepSummary = path.join(mkdtempSync(path.join(os.tmpdir(), 'step-summary-')), 'summary.md');
    writeFileSync(stepSummary, '');
    const run = await runJest('secrets-shapes', {
      major,
      env: {JEST_PERF_PRESET: 'development', JEST_PERF_MODE: 'trace', SHAPES_API_TOKEN: API_TOKEN, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: stepSummary, GITHUB_WORKSPACE: ''},
    });
    expect(run.exitCode).toBe(1);
    const sources = new Set(readdirSync(path.join(__dirname, '..', 'fixtures', 'secrets-shapes')));
    const files = writtenFiles(run.dir, sources);
    // performance_metrics.json and seven formats in reports/.
    expect(files.length).toBeGreaterThanOrEqual(8);
    const outputs: Array<[string, string]> = files.map(file => [path.relative(run.dir, file), readFileSync(file, 'utf8')]);
    outputs.push(['step summary', readFileSync(stepSummary, 'utf8')]);
    const start = run.stderr.indexOf('jest-perf-monitor: ');
    expect(start).toBeGreaterThanOrEqual(0);
    // Ours: the summary and the annotations (Jest's own failure output is Jest's).
    outputs.push(['printed summary', run.stderr.slice(start)]);
    outputs.push(['annotations', run.stderr.split('\n').filter(line => line.startsWith('::')).join('\n')]);
    for (const [where, text] of outputs) {
      for (const leak of LEAKS) if (text.includes(leak)) throw new Error(`${leak} is in ${where}`);
    }

    // Only the secret goes.
    const message = (title: string): string => run.test(title).failure!.message;
    expect(message('header lines in a message')).toBe('request refused\nAuthorization: [redacted]\nX-Api-Key: [redacted]\nAccept: application/json');
    // The cut falls inside the marker that replaced the secret.
    expect(message('a secret that straddles the cut of a long message')).toBe(`${'x'.repeat(1990)} [redacted… [truncated]`);
    expect(message('a URL password that straddles the cut of a long message')).toBe(`${'y'.repeat(1980)} postgres://u:[redac… [truncated]`);
    expect(message("a secret that straddles the cut of a thrown object's string")).toBe(`Thrown: { detail: '${'z'.repeat(190)} [redacted'... 1 more character, code: 7 }`);
    expect(message('a URL password that holds an @')).toBe('cannot connect to postgres://carol:[redacted]@db/x');
    const pairs = Object.values(run.test('[name, value] pairs in locals').failure!.locals!)[0];
    expect(pairs).toMatchObject({pairs: [['accept', 'json'], ['x-api-key', '[redacted]']], entries: [['authorization', '[redacted]'], ['host', 'db']]});
    const pem = run.test('a PEM body in the code frame, its BEGIN line outside the window').failure!;
    expect(pem.code_frame).toContain('-----END PRIVATE KEY-----`; throw new Error');
    expect(pem.code_frame).toContain('[redacted]');
  });
});
