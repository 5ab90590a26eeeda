import type {RunMetrics} from './types';

type Overhead = RunMetrics['overhead'];

/** Everything the package cost the run, in ms (the parts that could not be read count as 0). */
export function ownCostMs(overhead: Overhead): number {
  return (
    overhead.environmentMs +
    overhead.reporterMs +
    (overhead.moduleLoadMs ?? 0) +
    (overhead.samplerMs ?? 0) +
    (overhead.profilerMs ?? 0) +
    (overhead.reportWritingMs ?? 0)
  );
}

/** `ownCostMs` as a percentage of the run's CPU; null when the run's CPU is not known. */
export function ownCostPercent(overhead: Overhead): number | null {
  const runCpuMs = overhead.runCpuMs;
  if (runCpuMs === undefined || runCpuMs === null || runCpuMs <= 0) return null;
  return (ownCostMs(overhead) / runCpuMs) * 100;
}

/** Sums the overheads of several runs (`merge`): a figure unknown in any of them is unknown in the sum. */
export function sumOverheads(overheads: readonly Overhead[]): Overhead {
  const sum = (pick: (overhead: Overhead) => number): number => overheads.reduce((total, overhead) => total + pick(overhead), 0);
  const sumOptional = (pick: (overhead: Overhead) => number | null | undefined): number | null | undefined => {
    const values = overheads.map(pick);
    if (values.some(value => value === undefined)) return undefined;
    if (values.some(value => value === null)) return null;
    return (values as number[]).reduce((total, value) => total + value, 0);
  };
  const result: Overhead = {environmentMs: sum(o => o.environmentMs), reporterMs: sum(o => o.reporterMs), traceMs: sum(o => o.traceMs)};
  const moduleLoadMs = sumOptional(o => o.moduleLoadMs);
  if (moduleLoadMs !== undefined && moduleLoadMs !== null) result.moduleLoadMs = moduleLoadMs;
  const samplerMs = sumOptional(o => o.samplerMs);
  if (samplerMs !== undefined) result.samplerMs = samplerMs;
  const profilerMs = sumOptional(o => o.profilerMs);
  if (profilerMs !== undefined) result.profilerMs = profilerMs;
  const reportWritingMs = sumOptional(o => o.reportWritingMs);
  if (reportWritingMs !== undefined && reportWritingMs !== null) result.reportWritingMs = reportWritingMs;
  const runCpuMs = sumOptional(o => o.runCpuMs);
  if (runCpuMs !== undefined) result.runCpuMs = runCpuMs;
  return result;
}
