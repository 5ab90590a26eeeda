import {ImportTotals} from '../model/ImportTotals';
import {summarise} from '../model/SummaryAccumulator';
import {sumOverheads} from '../model/overhead';
import type {BudgetReport, FileLeak, LeakReport, RunMetrics, SummaryFigures, TestEntry} from '../model/types';

/** What merging found beyond the union itself. */
export interface MergeResult {
  run: RunMetrics;
  /** Ids found in more than one input; the entry of the later run was kept. */
  duplicateIds: string[];
  /** True when an input lacked passed tests (`maxPassed`), so the summary was combined from the inputs' summaries. */
  summaryFromInputs: boolean;
}

const lastAttempt = (entry: TestEntry) => entry.record.attempts[entry.record.attempts.length - 1];

/**
 * Combines the files of `jest --shard=i/n` runs into one run (docs/checks.md#shards).
 *
 * - Tests and files are the union (files by their key, so a file run in two projects stays two entries). Jest
 *   gives each test file to exactly one shard, so an id seen twice means a file ran twice (overlapping shard
 *   settings, or a re-run job): the entry whose final attempt started later is kept (on a tie, the one from the
 *   later input), as a re-run replaces the run before it.
 * - Unmeasured files are the union of the inputs' and their counts the sum (each shard ran its own files); the
 *   merged run is interrupted when any input was.
 * - The session spans from the first start to the last end; the summary, counts and overhead are recomputed.
 *   When an input's `maxPassed` left passed tests out, the summary is instead combined from the inputs'
 *   summaries, weighted by their executed-test counts (duplicates cannot be told apart there).
 * - Per-test budget breaches and leaking files carry over (they belong to one test or file); suite budgets and
 *   regressions do not, as they describe a whole run: run `compare` on the merged file.
 */
export function mergeRuns(inputs: readonly RunMetrics[]): MergeResult {
  if (inputs.length === 0) throw new Error('nothing to merge');
  const tests = new Map<string, {entry: TestEntry; input: number}>();
  const duplicateIds: string[] = [];
  inputs.forEach((run, input) => {
    for (const entry of run.tests) {
      const held = tests.get(entry.id);
      if (held !== undefined) {
        duplicateIds.push(entry.id);
        if (lastAttempt(held.entry).startedAtMs > lastAttempt(entry).startedAtMs) continue;
      }
      tests.set(entry.id, {entry, input});
    }
  });
  // By key, as in the JSON: a file that ran in two projects is two entries.
  const files = new Map<string, RunMetrics['files'][number]>();
  for (const run of inputs) for (const file of run.files) files.set(file.key, file);
  const unmeasuredInputs = inputs.filter(run => run.unmeasured !== null);

  const merged = [...tests.values()].map(held => held.entry);
  const complete = inputs.every(run => run.stats.passedDropped === 0);
  const startedAtMs = Math.min(...inputs.map(run => run.startedAtMs));
  const endedAtMs = Math.max(...inputs.map(run => run.startedAtMs + run.durationMs));
  const sum = (pick: (run: RunMetrics) => number): number => inputs.reduce((total, run) => total + pick(run), 0);
  const status = (wanted: string): number => merged.filter(entry => lastAttempt(entry).status === wanted).length;

  // A breach of a test the file lacks (`maxPassed` dropped it) still stands.
  const kept = (input: number, id: string): boolean => (tests.get(id)?.input ?? input) === input;
  const budgetInputs = inputs.filter(run => run.budgets !== null);
  const budgets: BudgetReport | null =
    budgetInputs.length === 0
      ? null
      : {
          testsChecked: budgetInputs.reduce((total, run) => total + run.budgets!.testsChecked, 0),
          breaches: inputs.flatMap((run, input) => (run.budgets?.breaches ?? []).filter(breach => breach.scope === 'test' && kept(input, breach.test!))),
        };
  const leakInputs = inputs.filter(run => run.leaks !== null);
  const leaks: LeakReport | null =
    leakInputs.length === 0
      ? null
      : {
          filesChecked: leakInputs.reduce((total, run) => total + run.leaks!.filesChecked, 0),
          flagged: dedupeLeaks(leakInputs.flatMap(run => run.leaks!.flagged)),
        };

  const run: RunMetrics = {
    schemaVersion: inputs[0].schemaVersion,
    startedAtMs,
    durationMs: endedAtMs - startedAtMs,
    system: inputs.find(input => input.system !== null)?.system ?? null,
    tests: merged,
    files: [...files.values()],
    // Each shard ran on its own workers (often its own machine): their entries stand side by side.
    workerMemory: inputs.some(input => input.workerMemory !== null)
      ? inputs.flatMap(input => input.workerMemory ?? []).sort((a, b) => b.heapGrowthBytes - a.heapGrowthBytes)
      : null,
    interrupted: inputs.some(input => input.interrupted),
    unmeasured:
      unmeasuredInputs.length === 0
        ? null
        : {
            files: [...new Set(unmeasuredInputs.flatMap(input => input.unmeasured!.files))],
            testCount: unmeasuredInputs.reduce((total, input) => total + input.unmeasured!.testCount, 0),
            failedCount: unmeasuredInputs.reduce((total, input) => total + input.unmeasured!.failedCount, 0),
            passedCount: unmeasuredInputs.reduce((total, input) => total + input.unmeasured!.passedCount, 0),
            ...(unmeasuredInputs.some(input => (input.unmeasured!.runners ?? []).length > 0) && {
              runners: [...new Set(unmeasuredInputs.flatMap(input => input.unmeasured!.runners ?? []))],
            }),
          },
    summary: complete ? summarise(merged) : combineSummaries(inputs),
    stats: complete
      ? {
          failuresCount: status('failed'),
          passedCount: status('passed'),
          totalCount: merged.length,
          failuresAtLimit: inputs.some(input => input.stats.failuresAtLimit),
          passedAtLimit: false,
          passedDropped: 0,
          failuresDropped: sum(input => input.stats.failuresDropped),
          retainedBytes: sum(input => input.stats.retainedBytes),
        }
      : {
          failuresCount: sum(input => input.stats.failuresCount),
          passedCount: sum(input => input.stats.passedCount),
          totalCount: sum(input => input.stats.totalCount),
          failuresAtLimit: inputs.some(input => input.stats.failuresAtLimit),
          passedAtLimit: true,
          passedDropped: sum(input => input.stats.passedDropped),
          failuresDropped: sum(input => input.stats.failuresDropped),
          retainedBytes: sum(input => input.stats.retainedBytes),
        },
    budgets,
    regressions: null,
    leaks,
    imports: mergeImports(inputs),
    overhead: sumOverheads(inputs.map(input => input.overhead)),
  };
  return {run, duplicateIds: [...new Set(duplicateIds)], summaryFromInputs: !complete};
}

/** The shards' heaviest imports summed: each shard lists its top 20 only, so a module's merged figure is a floor. */
function mergeImports(inputs: readonly RunMetrics[]): RunMetrics['imports'] {
  const totals = new ImportTotals();
  for (const input of inputs) totals.addRun(input.imports);
  return totals.top();
}

function dedupeLeaks(leaks: FileLeak[]): FileLeak[] {
  const byFile = new Map<string, FileLeak>();
  for (const leak of leaks) byFile.set(leak.file, leak);
  return [...byFile.values()].sort((a, b) => b.growthPerTestBytes - a.growthPerTestBytes);
}

/** Each input's summary weighted by its executed tests (passed + failed: skipped tests are not in the figures). */
function combineSummaries(inputs: readonly RunMetrics[]): SummaryFigures {
  const weighted = inputs.map(run => ({summary: run.summary, count: run.stats.passedCount + run.stats.failuresCount})).filter(item => item.count > 0);
  const count = weighted.reduce((total, item) => total + item.count, 0);
  if (count === 0) return {totalDurationMs: 0, avgDurationMs: 0, maxDurationMs: 0, minDurationMs: 0, avgMemoryDeltaBytes: 0, maxMemoryDeltaBytes: 0};
  const totalDurationMs = weighted.reduce((total, item) => total + item.summary.totalDurationMs, 0);
  return {
    totalDurationMs,
    avgDurationMs: totalDurationMs / count,
    maxDurationMs: Math.max(...weighted.map(item => item.summary.maxDurationMs)),
    minDurationMs: Math.min(...weighted.map(item => item.summary.minDurationMs)),
    avgMemoryDeltaBytes: weighted.reduce((total, item) => total + item.summary.avgMemoryDeltaBytes * item.count, 0) / count,
    maxMemoryDeltaBytes: Math.max(...weighted.map(item => item.summary.maxMemoryDeltaBytes)),
  };
}
