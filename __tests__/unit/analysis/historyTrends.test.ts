import {describe, expect, test} from '@jest/globals';
import {findFlaky, findSlowest} from '../../../src/analysis/historyTrends';

describe('history trends', () => {
  test('flaky: outcome flips and passes after retries, the most unstable first', () => {
    const outcomes = new Map([
      ['stable', [{status: 'passed', attempts: 1}, {status: 'passed', attempts: 1}]],
      ['flips', [{status: 'passed', attempts: 1}, {status: 'failed', attempts: 1}, {status: 'passed', attempts: 1}]],
      ['retried', [{status: 'passed', attempts: 2}, {status: 'passed', attempts: 1}]],
    ]);
    expect(findFlaky(outcomes)).toEqual([
      {id: 'flips', runs: 3, failed: 1, flips: 2, passedAfterRetry: 0},
      {id: 'retried', runs: 2, failed: 0, flips: 0, passedAfterRetry: 1},
    ]);
  });

  test('slowest: the median of the newer half against the older half, the biggest increase first', () => {
    const durations = new Map([
      ['one-spike', [10, 10, 10, 100, 10, 10]],
      ['shifted', [10, 11, 10, 30, 31, 30]],
      ['faster', [30, 30, 10, 10]],
      ['single', [50]],
    ]);
    expect(findSlowest(durations, 5)).toEqual([{id: 'shifted', runs: 6, beforeMs: 10, nowMs: 30}]);
  });
});
