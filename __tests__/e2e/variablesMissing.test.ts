import {describe, expect, test} from '@jest/globals';
import type {SchemaFailure} from '../../src/model/toSchema';
import {MAJORS, runJest} from '../harness/runJest';

// Trace and auto never leave a failure's variables silently null (docs/failure-context.md, "When a failure has no
// variables"): the failure record says why in `variables_missing`, and the printed summary in a line.

const CONFIG = ['--config', 'scripts/jest/jest.config.js'];
const METRICS = 'scripts/jest/performance_metrics.json';
const DISCOUNT = '[unit] src/cart.test.js::cart > applies the discount';

const EXTRA_FILES = {
  // Times out: nothing is thrown for the debugger to pause on.
  'src/slow.test.js': "test('waits too long', () => new Promise(resolve => setTimeout(resolve, 5000)), 100);\n",
  // Throws and catches more often than trace mode pauses per test: the failing throw comes after pausing stopped.
  'src/retry.test.js': "test('throws often before it fails', () => {\n  for (let i = 0; i < 12; i++) {\n    try {\n      throw new Error('retry ' + i);\n    } catch {}\n  }\n  expect(1).toBe(2);\n});\n",
  // Cannot load: none of its code runs.
  'src/broken.test.js': "require('./missing-module');\ntest('never runs', () => {});\n",
};

function failureOf(document: {tests: Record<string, {failure?: unknown}>}, id: string): SchemaFailure {
  return document.tests[id].failure as SchemaFailure;
}

describe.each(MAJORS)('Jest %i: why a failure has no variables', major => {
  test('trace: a timeout, a test past the pause limit and a file that could not load say why; a failure with variables has no reason', async () => {
    const run = await runJest('subfolder-config', {major, args: CONFIG, env: {JEST_PERF_MODE: 'trace'}, files: EXTRA_FILES});
    const document = run.metrics(METRICS);
    const discount = failureOf(document, DISCOUNT);
    expect(discount.locals).not.toBeNull();
    expect(discount.variables_missing).toBeUndefined();
    const timeout = failureOf(document, '[unit] src/slow.test.js::waits too long');
    expect(timeout).toMatchObject({error_type: 'Timeout', locals: null, closure: null, variables_missing: 'no-throw'});
    expect(failureOf(document, '[unit] src/retry.test.js::throws often before it fails')).toMatchObject({locals: null, closure: null, variables_missing: 'pause-limit'});
    const loadError = (document.files!['[unit] src/broken.test.js'] as {load_error: SchemaFailure}).load_error;
    expect(loadError).toMatchObject({locals: null, closure: null, variables_missing: 'load'});
    expect(run.stdout + run.stderr).toContain('no variables: nothing was thrown where the debugger could see it (a timeout, a worker exit)');
  });

  test('auto: the first run says the file is traced from the next run; the second run has the variables', async () => {
    const first = await runJest('subfolder-config', {major, args: CONFIG, env: {JEST_PERF_MODE: 'auto'}});
    expect(failureOf(first.metrics(METRICS), DISCOUNT)).toMatchObject({locals: null, closure: null, variables_missing: 'untraced'});
    expect(first.stdout + first.stderr).toContain('no variables: mode auto traces a file after it failed once');
    const second = await runJest('subfolder-config', {major, args: CONFIG, env: {JEST_PERF_MODE: 'auto'}, inDir: first.dir});
    const failure = failureOf(second.metrics(METRICS), DISCOUNT);
    expect(failure.locals).not.toBeNull();
    expect(failure.variables_missing).toBeUndefined();
  });

  test('captureRate 0: not sampled; profile mode never reads variables and says nothing', async () => {
    const sampled = await runJest('subfolder-config', {major, args: CONFIG, env: {JEST_PERF_MODE: 'trace', JEST_PERF_CAPTURE_RATE: '0'}});
    expect(failureOf(sampled.metrics(METRICS), DISCOUNT)).toMatchObject({captured: false, locals: null, variables_missing: 'not-sampled'});
    const profile = await runJest('subfolder-config', {major, args: CONFIG, env: {JEST_PERF_MODE: 'profile'}});
    const failure = failureOf(profile.metrics(METRICS), DISCOUNT);
    expect(failure.locals).toBeNull();
    expect(failure.variables_missing).toBeUndefined();
  });
});
