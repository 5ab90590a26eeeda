/**
 * Counts after a worker runs out of memory: Jest counts no test of the crashed file (a suite that failed to run);
 * the report keeps the tests that finished before the crash. The summary states how the two totals relate.
 */
import {describe, expect, test} from '@jest/globals';
import {MAJORS, runJest} from '../harness/runJest';

describe.each(MAJORS)('Jest %i', major => {
  test('an out-of-memory worker: the summary says how many finished tests it counts that Jest does not', async () => {
    const run = await runJest('crash', {major, args: ['--maxWorkers=2', 'oom.test.js', 'ok.test.js'], env: {NODE_OPTIONS: '--max-old-space-size=96'}, jestJson: true});
    expect(run.exitCode).toBe(1);
    const ours = Object.keys(run.metrics().tests);
    const fromCrashed = ours.filter(id => id.startsWith('oom.test.js::'));
    expect(fromCrashed.length).toBeGreaterThan(0);
    const jestTotal = run.jestResult().numTotalTests;
    // The relation the summary states: ours = Jest's + the finished tests of the crashed file.
    expect(ours.length).toBe(jestTotal + fromCrashed.length);
    expect(run.stderr).toMatch(new RegExp(`^jest-perf-monitor: ${ours.length} tests \\(`, 'm'));
    expect(run.stderr).toContain('Files that stopped before finishing (worker crash or process.exit): oom.test.js\n');
    expect(run.stderr).toContain(
      `  ${fromCrashed.length} tests of it finished and are counted above; Jest counts no test of a file whose worker crashed (it reports a suite that failed to run), so its total is ${fromCrashed.length} lower`,
    );
  });
});
