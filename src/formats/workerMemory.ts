/**
 * Which test files made each worker grow (docs/checks.md, "Memory across files"), in the words the summary, the
 * Markdown and the HTML report share.
 */
import {isLargeGrowth} from '../analysis/workerGrowth';
import type {RunMetrics, WorkerGrowth} from '../model/types';
import {formatMib, plural} from './terminalText';

/** `after a forced GC` or `before GC` (garbage included): every figure says which it is. */
export function gcNote(worker: WorkerGrowth): string {
  return worker.afterGc ? 'after a forced GC' : 'before GC, garbage included';
}

/** `worker 2 grew 480.0 MiB of heap over 58 files (RSS +510.0 MiB)`. */
export function describeWorkerGrowth(worker: WorkerGrowth): string {
  return `worker ${worker.workerId} grew ${formatMib(worker.heapGrowthBytes)} of heap over ${plural(worker.files, 'file')} (RSS +${formatMib(worker.rssGrowthBytes)})`;
}

/** `5 files left 60 % of it: a.test.js (120.0 MiB), …`, or null when no file left anything. */
export function describeTopFiles(worker: WorkerGrowth): string | null {
  if (worker.topFiles.length === 0) return null;
  const share = worker.topFiles.reduce((sum, file) => sum + file.share, 0);
  const files = worker.topFiles.map(file => `${file.file} (${formatMib(file.heapLeftBytes)})`).join(', ');
  return `${plural(worker.topFiles.length, 'file')} left ${Math.round(share * 100)} % of it: ${files}`;
}

/** The workers the printed summary names: those that kept at least `LARGE_WORKER_GROWTH_BYTES`. */
export function largeWorkerGrowth(run: RunMetrics): WorkerGrowth[] {
  return (run.workerMemory ?? []).filter(isLargeGrowth);
}

/** The summary's lines: nothing unless a worker grew by a large amount. */
export function workerMemoryLines(run: RunMetrics): string[] {
  const large = largeWorkerGrowth(run);
  if (large.length === 0) return [];
  const lines = [`Worker memory (read after each file's teardown, ${large.every(worker => worker.afterGc) ? 'after a forced GC' : 'before GC unless leaks is on'}):`];
  for (const worker of large) {
    const top = describeTopFiles(worker);
    lines.push(`  ${describeWorkerGrowth(worker)}${worker.afterGc ? '' : ', before GC'}${top === null ? '' : `; ${top}`}`);
  }
  return lines;
}
