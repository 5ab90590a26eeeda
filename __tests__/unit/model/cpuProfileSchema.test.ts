import {describe, expect, test} from '@jest/globals';
import {runNotes} from '../../../src/formats/common';
import {renderMarkdown} from '../../../src/formats/markdown';
import {renderSummary} from '../../../src/formats/summary';
import {fromSchema} from '../../../src/model/fromSchema';
import {toSchema} from '../../../src/model/toSchema';
import {fileOf, runOf, testOf} from '../../harness/syntheticRun';

describe('cpu_profile: durations taken under the profiler', () => {
  const run = (overrides = {}) => runOf([testOf('a.test.js', ['t'])], [fileOf('a.test.js')], overrides);

  test('written with its interval and number of tests, read back, and said in every report', () => {
    const document = toSchema(run({cpuProfile: {samplingIntervalUs: 10000, tests: 10}}));
    expect(document.cpu_profile).toEqual({sampling_interval_us: 10000, tests: 10});
    // Beside the other run-level blocks, before stats.
    expect(Object.keys(document).indexOf('cpu_profile')).toBeLessThan(Object.keys(document).indexOf('stats'));
    const back = fromSchema(JSON.parse(JSON.stringify(document)));
    expect(back.cpuProfile).toEqual({samplingIntervalUs: 10000, tests: 10});
    const note = "Durations were taken under V8's CPU profiler (cpuProfile, sampling every 10 ms): they are longer than without it.";
    expect(runNotes(back)).toEqual([note]);
    expect(renderSummary(back)).toContain(`\n${note}\n`);
    expect([...renderMarkdown(back)].join('')).toContain(`> **Note:** ${note}`);
    expect(runNotes(run({cpuProfile: {samplingIntervalUs: 500, tests: 3}}))).toEqual([expect.stringContaining('sampling every 500 µs')]);
    expect(runNotes(run({cpuProfile: {samplingIntervalUs: 2500, tests: 3}}))).toEqual([expect.stringContaining('sampling every 2.5 ms')]);
  });

  test('without cpuProfile, and in a file written before the key existed: no key, no note', () => {
    const document = JSON.parse(JSON.stringify(toSchema(run()))) as Record<string, unknown>;
    expect(document.cpu_profile).toBeUndefined();
    const back = fromSchema(document);
    expect(back.cpuProfile).toBeNull();
    expect(runNotes(back)).toEqual([]);
    expect(() => fromSchema({...document, cpu_profile: {sampling_interval_us: 'often', tests: 1}})).toThrow(/cpu_profile\.sampling_interval_us/);
  });
});
