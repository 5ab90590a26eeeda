/**
 * Leak detection on files whose answer is known (see leakAnswers.test.ts), with two CPU-bound processes beside Jest.
 */
import {describe, test} from '@jest/globals';
import {underLoad} from '../harness/cpuHogs';
import {expectOnlyTheRealLeak} from '../harness/leakAnswers';
import {MAJORS} from '../harness/runJest';

describe.each(MAJORS)('Jest %i', major => {
  test('only the real leak is flagged with two CPU-bound processes beside Jest', async () => {
    await underLoad(() => expectOnlyTheRealLeak(major));
  }, 300_000);
});
