import {workerGrowth} from '../analysis/workerGrowth';
import type {DecodedChannelFile, OwnCostLine} from '../model/channel';
import {baseTestId, relativeToRoot} from '../model/testId';
import {SCHEMA_VERSION} from '../model/toSchema';
import {byCost, FILE_IMPORTS, ImportTotals} from '../model/ImportTotals';
import {SummaryAccumulator} from '../model/SummaryAccumulator';
import type {AttemptRecord, FailureRecord, FileRecord, PeakRssMethod, RunMetrics, RunStats, SystemInfo, TestEntry, UnmeasuredFiles} from '../model/types';
import {keyPrefix} from './ProjectNames';
import type {ProjectLabel} from './ProjectNames';

const NO_PROJECT: ProjectLabel = {name: null, inIds: false};

/** A file as gathered: what the environment recorded, plus what Jest said of it. */
export interface GatheredFile extends FileRecord {
  /** Path relative to the run's root, `/`-separated. */
  file: string;
  /** The key under `files` in the JSON (see `RunMetrics.files`). */
  key: string;
}

/** The memory limits (docs/failure-context.md#memory-limits). `Infinity` means unlimited. */
export interface CollectorLimits {
  /** Full failure records kept; older ones keep message, type and location only. @default Infinity */
  maxFailures: number;
  /** Passed-test records kept: the slowest. @default Infinity */
  maxPassed: number;
}

interface HeldEntry extends TestEntry {
  /** Arrival order, to put kept tests back in order after the slowest passed ones were picked. */
  seq: number;
  /** Estimated bytes held for this test (the JSON length of its records). */
  bytes: number;
}

const last = (entry: TestEntry): AttemptRecord => entry.record.attempts[entry.record.attempts.length - 1];

/**
 * Gathers what every worker recorded, file by file, and gives each test its stable id. Ids are given in arrival
 * order of files and, within a file, in the order of its describe tree, so a duplicate title gets ` [2]` after
 * the first one, as docs/schema.md says.
 *
 * It holds at most `maxFailures` full failure records (the most recent; older ones lose their stack, code frame
 * and variables) and `maxPassed` passed tests (the slowest). The summary and counts are kept as tests arrive, so
 * they cover every test, dropped or not.
 */
export class MetricsCollector {
  /** Failed, skipped and todo tests, in arrival order. */
  private readonly others: HeldEntry[] = [];
  /** Passed tests; trimmed to the slowest `maxPassed` whenever it doubles past the limit. */
  private passed: HeldEntry[] = [];
  private readonly files: GatheredFile[] = [];
  /**
   * Every id given out (a title may itself end in " [2]"), with how many tests had it as their plain id (0 for an
   * id only given out with a suffix). One map, not a map and a set: it holds an entry per test of the run.
   */
  private readonly ids = new Map<string, number>();
  private readonly summary = new SummaryAccumulator();
  private readonly imports = new ImportTotals();
  /** Each worker's own-cost figures as of its latest file (cumulative), by `pid:thread`. */
  private readonly workerCosts = new Map<string, OwnCostLine>();
  /** Files that ended without own-cost figures (an older writer): the workers' CPU is then not known. */
  private filesWithoutOwnCost = 0;
  /** Failure records with full detail, oldest first (a queue: `failureHead` is its start). */
  private readonly fullFailures: FailureRecord[] = [];
  private failureHead = 0;
  private seq = 0;
  private retainedBytes = 0;
  private readonly stats: RunStats = {
    failuresCount: 0,
    passedCount: 0,
    totalCount: 0,
    failuresAtLimit: false,
    passedAtLimit: false,
    passedDropped: 0,
    failuresDropped: 0,
    retainedBytes: 0,
  };
  private readonly limits: CollectorLimits;
  private readonly unmeasured: UnmeasuredFiles = {files: [], testCount: 0, failedCount: 0, passedCount: 0, runners: []};

  constructor(
    private rootDir: string,
    limits: Partial<CollectorLimits> = {},
  ) {
    this.limits = {maxFailures: limits.maxFailures ?? Infinity, maxPassed: limits.maxPassed ?? Infinity};
  }

  /** The run's root grew (a project Jest told of only when its first file started): later files are relative to it. */
  setRoot(rootDir: string): void {
    this.rootDir = rootDir;
  }

  relativePath(testPath: string): string {
    return relativeToRoot(this.rootDir, testPath);
  }

  /**
   * Adds one test file's records; returns the file as gathered and its tests with their ids (for checks that must
   * see every test).
   */
  addFile(decoded: DecodedChannelFile, project: ProjectLabel = NO_PROJECT): {file: GatheredFile | null; tests: TestEntry[]} {
    const added: TestEntry[] = [];
    let testPath: string | null = null;
    let file = '';
    let gathered: GatheredFile | null = null;
    const prefix = keyPrefix(project);
    this.addOwnCost(decoded);
    if (decoded.file !== null) {
      testPath = decoded.file.testPath;
      file = this.relativePath(testPath);
      const imports = decoded.file.imports;
      if (imports !== null) this.imports.addFile(imports.modules);
      gathered = {
        ...decoded.file,
        file,
        key: prefix + file,
        project: project.name,
        // The run's totals took every module the file sent; the file keeps its own top few.
        imports: imports && {...imports, modules: [...imports.modules].sort(byCost).slice(0, FILE_IMPORTS)},
      };
      this.files.push(gathered);
      for (const failure of decoded.file.hookFailures) this.holdFailure(failure, JSON.stringify(failure).length);
    }
    // A file's tests share one path: made relative once, and held once.
    decoded.tests.forEach((record, position) => {
      if (record.testPath !== testPath) {
        testPath = record.testPath;
        file = this.relativePath(testPath);
      }
      const baseId = baseTestId(prefix + file, record.titlePath);
      let seen = this.ids.get(baseId) ?? 0;
      let id: string;
      do {
        seen++;
        id = seen === 1 ? baseId : `${baseId} [${seen}]`;
      } while (this.ids.has(id));
      // The plain id is in the map by now (given out to this test or an earlier one): record its count.
      this.ids.set(baseId, seen);
      if (id !== baseId) this.ids.set(id, 0);
      const entry = {id, file, project: project.name, record, seq: this.seq++, bytes: decoded.testBytes[position] ?? 0};
      added.push(entry);
      this.addTest(entry);
    });
    return {file: gathered, tests: added};
  }

  /** A test file that could not run: it is listed under `files` with Jest's error, and has no tests. */
  addLoadError(testPath: string, failure: FailureRecord, project: ProjectLabel = NO_PROJECT): GatheredFile {
    const file = this.relativePath(testPath);
    const gathered: GatheredFile = {
      testPath,
      file,
      key: keyPrefix(project) + file,
      project: project.name,
      workerId: 0,
      loadMs: 0,
      beforeAllMs: 0,
      afterAllMs: 0,
      heapStartBytes: 0,
      heapEndBytes: 0,
      completed: false,
      hookFailures: [],
      selfMs: 0,
      traceMs: 0,
      tracePauses: 0,
      loadError: failure,
      imports: null,
      boundary: null,
    };
    this.files.push(gathered);
    this.holdFailure(failure, JSON.stringify(failure).length);
    return gathered;
  }

  /**
   * A test file Jest ran that sent no records (not measured): counted by Jest's own figures. `runner` names its
   * runner when that is not jest-circus (the reason it could not be measured).
   */
  addUnmeasured(testPath: string, counts: {tests: number; passed: number; failed: number}, runner: string | null = null): void {
    this.unmeasured.files.push(this.relativePath(testPath));
    const runners = (this.unmeasured.runners ??= []);
    if (runner !== null && !runners.includes(runner)) runners.push(runner);
    this.unmeasured.testCount += counts.tests;
    this.unmeasured.passedCount += counts.passed;
    this.unmeasured.failedCount += counts.failed;
  }

  private addTest(entry: HeldEntry): void {
    const final = last(entry);
    this.stats.totalCount++;
    this.summary.add(final);
    this.retainedBytes += entry.bytes;
    if (final.status === 'passed') this.stats.passedCount++;
    // A passed test that needed retries is flaky: never dropped by `maxPassed`, so every format can count it.
    if (final.status === 'passed' && entry.record.attempts.length === 1) {
      if (this.limits.maxPassed === 0) {
        this.dropPassed([entry]);
        return;
      }
      this.passed.push(entry);
      if (this.passed.length >= 2 * this.limits.maxPassed) this.trimPassed();
      return;
    }
    if (final.status === 'failed') this.stats.failuresCount++;
    this.others.push(entry);
    for (const attempt of entry.record.attempts) if (attempt.failure !== null) this.holdFailure(attempt.failure, 0);
  }

  /** Keeps the slowest `maxPassed` passed tests (those are the ones worth reading). */
  private trimPassed(): void {
    if (this.passed.length <= this.limits.maxPassed) return;
    this.passed.sort((a, b) => last(b).durationMs - last(a).durationMs);
    this.dropPassed(this.passed.slice(this.limits.maxPassed));
    this.passed = this.passed.slice(0, this.limits.maxPassed);
  }

  private dropPassed(dropped: HeldEntry[]): void {
    this.stats.passedAtLimit = true;
    this.stats.passedDropped += dropped.length;
    for (const entry of dropped) this.retainedBytes -= entry.bytes;
  }

  /** Queues a full failure record; past `maxFailures`, the oldest keeps only its message, type and location. */
  private holdFailure(failure: FailureRecord, bytes: number): void {
    this.retainedBytes += bytes;
    if (!failure.captured) return;
    this.fullFailures.push(failure);
    while (this.fullFailures.length - this.failureHead > this.limits.maxFailures) {
      const oldest = this.fullFailures[this.failureHead];
      this.fullFailures[this.failureHead++] = undefined as unknown as FailureRecord;
      this.retainedBytes -= detailBytes(oldest);
      oldest.codeFrame = null;
      oldest.stack = null;
      if (oldest.locals !== null || oldest.closure !== null) oldest.variablesMissing = 'detail-dropped';
      oldest.locals = null;
      oldest.closure = null;
      oldest.captured = false;
      this.stats.failuresAtLimit = true;
      this.stats.failuresDropped++;
    }
    // Compact the queue now and then so the dropped slots do not pile up.
    if (this.failureHead > 1024 && this.failureHead * 2 > this.fullFailures.length) {
      this.fullFailures.splice(0, this.failureHead);
      this.failureHead = 0;
    }
  }

  /** Which files made each worker grow; sets each file's share of it. Null when no file had a boundary reading. */
  private workerMemory(): RunMetrics['workerMemory'] {
    const workers = workerGrowth(this.files.map(file => ({file: file.key, workerId: file.workerId, boundary: file.boundary})));
    return workers.length > 0 ? workers : null;
  }

  /** The finished run, with the summary computed over every executed test. */
  private addOwnCost(decoded: DecodedChannelFile): void {
    const own = decoded.own;
    if (own === undefined || own === null) {
      if (decoded.file?.completed === true) this.filesWithoutOwnCost++;
      return;
    }
    const key = `${own.pid}:${own.thread}`;
    const known = this.workerCosts.get(key);
    // Cumulative figures: the worker's latest file has the most (files may be reported out of order).
    if (known === undefined || own.cpuMs >= known.cpuMs) this.workerCosts.set(key, own);
  }

  /**
   * The package's cost outside the files' own time (docs/performance.md, "Own cost"), from the workers' latest
   * figures and `main`: Jest's own process. A worker that is Jest's process (in band) or one of its threads
   * (`workerThreads`) shares its CPU figure, which `main.cpuMs` covers; in band it also shares the load figure.
   */
  private ownCosts(main: MainProcessCost): Pick<RunMetrics['overhead'], 'moduleLoadMs' | 'samplerMs' | 'profilerMs' | 'runCpuMs'> {
    let moduleLoadMs = main.loadMs;
    let samplerMs: number | null = 0;
    let profilerMs: number | null = 0;
    const workerCpuMs = new Map<number, number>();
    for (const own of this.workerCosts.values()) {
      if (own.pid !== main.pid || own.thread !== 0) moduleLoadMs += own.loadMs;
      samplerMs = samplerMs === null || own.samplerMs === null ? null : samplerMs + own.samplerMs;
      profilerMs = profilerMs === null || own.profilerMs === null ? null : profilerMs + own.profilerMs;
      if (own.pid !== main.pid) workerCpuMs.set(own.pid, Math.max(workerCpuMs.get(own.pid) ?? 0, own.cpuMs));
    }
    let runCpuMs: number | null = main.cpuMs;
    for (const cpuMs of workerCpuMs.values()) runCpuMs += cpuMs;
    if (this.filesWithoutOwnCost > 0) runCpuMs = null;
    return {moduleLoadMs, samplerMs, profilerMs, runCpuMs};
  }

  build(run: {startedAtMs: number; durationMs: number; system: SystemInfo | null; reporterMs?: number; interrupted?: boolean; main?: MainProcessCost; reportWritingMs?: number}): RunMetrics {
    this.trimPassed();
    const tests: TestEntry[] = mergeBySeq(this.others, this.passed).map(({id, file, project, record}) => ({id, file, project, record}));
    return {
      schemaVersion: SCHEMA_VERSION,
      startedAtMs: run.startedAtMs,
      durationMs: run.durationMs,
      system: run.system && withPeakRss(run.system, this.files),
      tests,
      files: this.files,
      summary: this.summary.figures(),
      stats: {...this.stats, retainedBytes: Math.max(0, this.retainedBytes)},
      // The reporter adds the findings of the checks it ran.
      budgets: null,
      regressions: null,
      leaks: null,
      workerMemory: this.workerMemory(),
      interrupted: run.interrupted === true,
      unmeasured: this.unmeasured.files.length > 0 ? {...this.unmeasured, files: [...this.unmeasured.files]} : null,
      imports: this.imports.top(),
      overhead: {
        environmentMs: this.files.reduce((sum, file) => sum + file.selfMs + file.traceMs, 0),
        traceMs: this.files.reduce((sum, file) => sum + file.traceMs, 0),
        reporterMs: run.reporterMs ?? 0,
        ...(run.main !== undefined && {...this.ownCosts(run.main), reportWritingMs: run.reportWritingMs ?? 0}),
      },
    };
  }
}

/** Jest's own process, as the reporter reads it at the end of the run. */
export interface MainProcessCost {
  pid: number;
  /** Loading the package in this process (the config's `require`, the reporter; in band, the runner too). */
  loadMs: number;
  /** The process's CPU (user + system) so far, all its threads included. */
  cpuMs: number;
}

/** Both lists in arrival order, as one: a merge, as `others` is in order and `passed` is unless it was trimmed. */
function mergeBySeq(others: HeldEntry[], passed: HeldEntry[]): HeldEntry[] {
  const sortedPassed = passed.every((entry, index) => index === 0 || passed[index - 1].seq < entry.seq) ? passed : [...passed].sort((a, b) => a.seq - b.seq);
  const merged: HeldEntry[] = new Array(others.length + sortedPassed.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < merged.length; k++) {
    merged[k] = j >= sortedPassed.length || (i < others.length && others[i].seq < sortedPassed[j].seq) ? others[i++] : sortedPassed[j++];
  }
  return merged;
}

function detailBytes(failure: FailureRecord): number {
  let bytes = (failure.stack?.length ?? 0) + (failure.codeFrame?.length ?? 0);
  if (failure.locals !== null) bytes += JSON.stringify(failure.locals).length;
  if (failure.closure !== null) bytes += JSON.stringify(failure.closure).length;
  return bytes;
}

const PEAK_RSS_METHODS: readonly PeakRssMethod[] = ['kernel', 'sampler', 'ends'];

/** The machine's facts with how the measured files took their peaks (`system.peak_rss`). */
function withPeakRss(system: SystemInfo, files: readonly FileRecord[]): SystemInfo {
  const used = new Set(files.map(file => file.peakRss));
  const peakRss = PEAK_RSS_METHODS.filter(method => used.has(method));
  return peakRss.length > 0 ? {...system, peakRss} : system;
}
