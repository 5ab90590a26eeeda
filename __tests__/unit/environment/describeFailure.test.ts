import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {locationFromStack, withoutInternalFrames, describeFailure} from '../../../src/environment/describeFailure';
import type {FailureContext} from '../../../src/environment/describeFailure';
import {CodeFrameReader} from '../../../src/environment/readCodeFrame';
import {secretRulesFor} from '../../../src/environment/secretRules';
import type {TraceCapture} from '../../../src/environment/TraceCapture';
import {limitFailureDetail} from '../../../src/model/limitFailureDetail';
import type {RunMetrics} from '../../../src/model/types';

const ROOT = path.resolve('/project');

describe('locationFromStack', () => {
  test('takes the first frame outside node internals and node_modules', () => {
    const stack = [
      'Error: boom',
      `    at helper (${path.join(ROOT, 'node_modules/lib/index.js')}:1:2)`,
      '    at node:internal/process/task_queues:95:5',
      `    at Object.<anonymous> (${path.join(ROOT, 'src/a.test.ts')}:12:34)`,
    ].join('\n');
    expect(locationFromStack(stack)).toEqual({file: path.join(ROOT, 'src/a.test.ts'), line: 12, column: 34});
    expect(locationFromStack(`Error\n    at ${path.join(ROOT, 'x.js')}:3:4`)).toEqual({file: path.join(ROOT, 'x.js'), line: 3, column: 4});
    expect(locationFromStack('Error: no frames')).toBeNull();
    expect(withoutInternalFrames(stack)).toBe(['Error: boom', `    at Object.<anonymous> (${path.join(ROOT, 'src/a.test.ts')}:12:34)`].join('\n'));
  });
});

function context(overrides: Partial<FailureContext>): FailureContext {
  return {rootDir: '/repo', mode: 'trace', skipInternalFrames: true, codeFrames: new CodeFrameReader(), trace: null, secrets: secretRulesFor([]), ...overrides};
}

/** A trace capture that read nothing for the thrown value, for the reason given. */
function traceMissing(reason: 'no-throw' | 'no-user-frame' | 'pause-limit', captured: {locals: null; closure: null; secrets: Set<string>} | null = null): TraceCapture {
  return {lookup: () => captured, missReason: () => reason} as unknown as TraceCapture;
}

const thrown = new Error('boom');

describe('why a failure has no variables', () => {
  test.each([
    ['off', context({variables: {untraced: 'off'}})],
    ['untraced', context({mode: 'profile', variables: {untraced: 'untraced'}})],
    ['trace-off', context({variables: {untraced: null}})],
    ['no-user-frame', context({trace: traceMissing('no-user-frame'), variables: {untraced: null}})],
    ['pause-limit', context({trace: traceMissing('pause-limit'), variables: {untraced: null}})],
    ['empty', context({trace: traceMissing('no-throw', {locals: null, closure: null, secrets: new Set()}), variables: {untraced: null}})],
  ])('%s', (reason, given) => {
    expect(describeFailure([thrown], 'test', given).variablesMissing).toBe(reason);
  });

  test('a timeout threw nothing to pause on; a failure captureRate left out is not sampled', () => {
    const traced = context({trace: traceMissing('no-user-frame'), variables: {untraced: null}});
    expect(describeFailure(['Exceeded timeout of 100 ms for a test.'], 'test', traced).variablesMissing).toBe('no-throw');
    expect(describeFailure([thrown], 'test', traced, false)).toMatchObject({captured: false, variablesMissing: 'not-sampled'});
  });

  test('profile mode, which never reads variables, gives no reason', () => {
    expect(describeFailure([thrown], 'test', context({mode: 'profile'})).variablesMissing).toBeUndefined();
  });

  test('report --max-failures: a failure that lost its variables says so', () => {
    const failure = {errorType: 'Error', message: 'boom', location: null, codeFrame: null, stack: null, locals: {'f (a.js)': {n: 1}}, closure: null, captured: true, phase: 'test' as const, errorCount: 1, timestampMs: 0};
    const attempt = {attempt: 1, status: 'failed', failure} as unknown as RunMetrics['tests'][number]['record']['attempts'][number];
    const entry = (id: string) => ({id, file: 'a.js', project: null, record: {titlePath: [id], attempts: [{...attempt, failure: {...failure}}]}}) as unknown as RunMetrics['tests'][number];
    const run = {tests: [entry('one'), entry('two')], stats: {failuresAtLimit: false, failuresDropped: 0}} as unknown as RunMetrics;
    const limited = limitFailureDetail(run, 1);
    expect(limited.tests[0].record.attempts[0].failure?.variablesMissing).toBeUndefined();
    expect(limited.tests[1].record.attempts[0].failure).toMatchObject({locals: null, captured: false, variablesMissing: 'detail-dropped'});
  });
});
