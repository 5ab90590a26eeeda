import {describe, expect, test} from '@jest/globals';
import {fromSchema} from '../../../src/model/fromSchema';
import {ownCostMs, ownCostPercent, sumOverheads} from '../../../src/model/overhead';
import {toSchema} from '../../../src/model/toSchema';
import {runOf} from '../../harness/syntheticRun';

const complete = {environmentMs: 40, reporterMs: 5, traceMs: 0, moduleLoadMs: 30, samplerMs: 10, profilerMs: 0, reportWritingMs: 15, runCpuMs: 10_000};

describe('own cost', () => {
  test('every part counts, and the share is of the run\'s CPU', () => {
    expect(ownCostMs(complete)).toBe(100);
    expect(ownCostPercent(complete)).toBeCloseTo(1, 10);
  });

  test('a part that could not be read counts as nothing; an unknown run CPU gives no share', () => {
    expect(ownCostMs({...complete, samplerMs: null})).toBe(90);
    expect(ownCostPercent({...complete, runCpuMs: null})).toBeNull();
    // A run read from a file written before the rest was counted.
    expect(ownCostPercent({environmentMs: 40, reporterMs: 5, traceMs: 0})).toBeNull();
    expect(ownCostMs({environmentMs: 40, reporterMs: 5, traceMs: 0})).toBe(45);
  });

  test('merged runs: summed, and unknown when any run does not know a part', () => {
    expect(sumOverheads([complete, {...complete, runCpuMs: 30_000}])).toEqual({...complete, environmentMs: 80, reporterMs: 10, moduleLoadMs: 60, samplerMs: 20, reportWritingMs: 30, runCpuMs: 40_000});
    expect(sumOverheads([complete, {...complete, samplerMs: null}]).samplerMs).toBeNull();
    const withOld = sumOverheads([complete, {environmentMs: 1, reporterMs: 1, traceMs: 0}]);
    expect(withOld).toEqual({environmentMs: 41, reporterMs: 6, traceMs: 0});
  });
});

describe('in the JSON file', () => {
  test('written in seconds with the total and the share, and read back', () => {
    const document = toSchema(runOf([], [], {overhead: complete}));
    expect(document.overhead).toEqual({
      environment_time: 0.04, reporter_time: 0.005, trace_time: 0,
      module_load_time: 0.03, sampler_time: 0.01, profiler_time: 0, report_writing_time: 0.015,
      own_time: 0.1, run_cpu_time: 10, own_cpu_percent: 1,
    });
    expect(fromSchema(JSON.parse(JSON.stringify(document))).overhead).toEqual(complete);
  });

  test('unreadable parts stay null; a file written before them has the three figures alone', () => {
    const document = toSchema(runOf([], [], {overhead: {...complete, samplerMs: null, runCpuMs: null}}));
    expect(document.overhead).toMatchObject({sampler_time: null, run_cpu_time: null, own_cpu_percent: null});
    expect(fromSchema(JSON.parse(JSON.stringify(document))).overhead).toMatchObject({samplerMs: null, runCpuMs: null});
    const old = toSchema(runOf([], [], {overhead: {environmentMs: 1, reporterMs: 2, traceMs: 0}}));
    expect(Object.keys(old.overhead)).toEqual(['environment_time', 'reporter_time', 'trace_time']);
    expect(fromSchema(JSON.parse(JSON.stringify(old))).overhead).toEqual({environmentMs: 1, reporterMs: 2, traceMs: 0});
  });
});
