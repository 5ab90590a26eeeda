/**
 * Leak detection on files whose answer is known (docs/checks.md, "Leaks"), through real Jest runs of the
 * `leak-answers` fixture: one real leak (a module-level array every test pushes 64 KiB into) and four look-alikes
 * that are not leaks (a cache that fills and stops, jsdom's first render, Jest's console buffer, a UI tree kept
 * until teardown). Quiet here; beside two CPU-bound processes in leakAnswersUnderLoad.test.ts (two files, so that
 * the suite's two workers share the work instead of one running all four fixture runs last).
 */
import {describe, test} from '@jest/globals';
import {expectOnlyTheRealLeak} from '../harness/leakAnswers';
import {MAJORS} from '../harness/runJest';

describe.each(MAJORS)('Jest %i', major => {
  test('only the real leak is flagged', async () => {
    await expectOnlyTheRealLeak(major);
  }, 300_000);
});
