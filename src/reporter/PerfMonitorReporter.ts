import type {AggregatedResult, Reporter, ReporterOnStartOptions, Test, TestContext, TestResult} from '@jest/reporters';
import type {Config} from '@jest/types';
import {isCI, name as ciName} from 'ci-info';
import {accessSync, appendFileSync, constants, existsSync, mkdtempSync, rmSync, statSync} from 'fs';
import type * as Inspector from 'inspector';
import * as os from 'os';
import * as path from 'path';
import {performance} from 'perf_hooks';
import {renderToString} from '../formats';
import {printable} from '../formats/terminalText';
import type * as GithubActions from '../formats/githubActions';
import type * as Markdown from '../formats/markdown';
import {renderSummary, terminalColumns} from '../formats/summary';
import {writeProblem} from '../io/writeFileAtomic';
import {reportPath, writeReports} from '../io/writeReports';
import {CHANNEL_ENV_VAR, CHANNEL_VERSION, channelKey, decodeChannelFile} from '../model/channel';
import {flushOpenWriters, releaseWorkerChannelFile} from '../environment/ChannelWriter';
import {ChannelReader} from './ChannelReader';
import type {ChannelDescriptor, EnvironmentSettings} from '../model/channel';
import type {RunMetrics} from '../model/types';
import {resolveOptions} from '../options/resolveOptions';
import type {PerfMonitorOptions, PushgatewayOptions, ResolvedOptions} from '../options/types';
import type * as DescribeLoadError from './describeLoadError';
import {FailedFilesMemory} from './FailedFilesMemory';
import {MetricsCollector} from './MetricsCollector';
import type {GatheredFile} from './MetricsCollector';
import {ProjectNames} from './ProjectNames';
import {projectDirsOf} from './projectDirs';
import {runRootOf} from '../model/runRoot';
import type {ProjectLabel} from './ProjectNames';
import {watchedByJest} from './watchedByJest';
import {escapeRegExp, isCircusRunner} from '../config/withPerfMonitorConfig';
import type * as ProfileKeeperModule from './ProfileKeeper';
import {packageLoadMs} from '../environment/ownCost';
import {RunChecks} from './RunChecks';
import type * as PushToGateway from './pushToGateway';
import type * as CollectRunContext from '../history/collectRunContext';
import {collectSystemInfo} from './systemInfo';

/** Jest's process's CPU so far (user + system, every thread), in ms. */
function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Report files a watch session was told we leave alone (module state: watch mode keeps this process). */
const watchNoticesShown = new Set<string>();

/**
 * The signals that stop a run from outside: Ctrl-C at a terminal (the whole process group), `kill`/CI timeouts, and
 * the hang-up a closing terminal sends (a watch session in a terminal tab closed, or ended by `timeout`).
 */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** How long a stop signal waits for the workers to flush what they hold (they got the signal too). */
const WORKER_FLUSH_GRACE_MS = 150;

/** A job summary holds at most 1 MiB; ours stays well inside it, whatever the number of failures. */
const GITHUB_SUMMARY_BYTES = 512 * 1024;
const GITHUB_SUMMARY_FAILURES = 20;

/**
 * The Jest reporter. It runs in Jest's main process: its constructor (before any worker exists) opens the
 * channel; `onTestFileResult` gathers each file's records; `onRunComplete` writes the files and the summary.
 * It never throws into Jest after the constructor, never changes Jest's results, and reports its own failures
 * once on stderr.
 */
export default class PerfMonitorReporter implements Reporter {
  readonly options: ResolvedOptions;
  /** Reads the workers' channel files in the run's directory (`channel.dir`); null when disabled or closed. */
  private channel: ChannelReader | null = null;
  /** Reading the channel failed this run: files without records are not blamed on a docblock. */
  private channelLost = false;
  /** What the machine's cores allow a test's CPU share (`system.cpu_count`, as `systemInfo` reads it). */
  private readonly maxCpuPercent = 100 * (os.availableParallelism?.() ?? os.cpus().length);
  private readonly collector: MetricsCollector;
  private startedAtMs = Date.now();
  /** The reporter's own time: constructor, reading each file's records, building the model. */
  private selfMs = 0;
  private readonly reported = new Set<string>();
  private readonly rootDir: string;
  /** The run's root (see `model/runRoot`): ids, `files` keys and locations are relative to it. */
  private runRoot: string;
  /** Projects whose rootDir and roots were already taken into `runRoot`, by config id. */
  private readonly widenedBy = new Set<string>();
  /**
   * Jest's own `github-actions` reporter annotates failed tests; ours then leaves those out, and still writes what
   * Jest's does not: failed hooks, files that failed to load, the warnings and the job summary.
   */
  private readonly jestAnnotatesFailures: boolean;
  private readonly checks: RunChecks;
  private lastError: Error | undefined;
  private readonly projects: ProjectNames;
  /** `--watch` or `--watchAll`: a report file that Jest watches would start the next run. */
  private readonly watching: boolean;
  /** Some of `projects` are paths to configs of their own, which withPerfMonitorConfig cannot change. */
  private readonly pathProjects: boolean;
  /** Mode `auto` only: which files failed, for the next run to trace. */
  private readonly failedFiles: FailedFilesMemory | null;
  /** Mode `auto`: failed files that ran untraced this run (they will be traced next time). */
  private untracedFailures = 0;
  /** The project of each file started in this run, by `channelKey`: for the files Jest will not report. */
  private readonly startedFiles = new Map<string, ProjectLabel>();
  /** Report directories found unwritable before the run, already said once: their files' failures are not said again. */
  private readonly unwritableDirs = new Set<string>();
  /** `cpuProfile`: the candidates workers kept; null when off. */
  private readonly profiles: ProfileKeeperModule.ProfileKeeper | null;

  constructor(globalConfig: Config.GlobalConfig, reporterOptions?: PerfMonitorOptions, _reporterContext?: unknown) {
    const constructedAtMs = performance.now();
    this.rootDir = globalConfig.rootDir;
    this.runRoot = runRootOf(globalConfig.rootDir, projectDirsOf(globalConfig));
    this.jestAnnotatesFailures = (globalConfig.reporters ?? []).some(reporter => (Array.isArray(reporter) ? reporter[0] : reporter) === 'github-actions');
    this.options = resolveOptions(reporterOptions, {rootDir: globalConfig.rootDir, isCI});
    this.collector = new MetricsCollector(this.runRoot, {maxFailures: this.options.maxFailures, maxPassed: this.options.maxPassed});
    this.checks = new RunChecks(this.options, {
      rootDir: this.rootDir,
      ciProvider: isCI ? ciName : null,
      shard: globalConfig.shard != null,
      notice: message => this.notice(message),
    });
    this.projects = new ProjectNames(globalConfig);
    this.watching = globalConfig.watch || globalConfig.watchAll;
    this.pathProjects = (globalConfig.projects ?? []).some(project => typeof project === 'string');
    this.failedFiles = this.options.mode === 'auto' ? new FailedFilesMemory() : null;
    const {cpuProfile, outputDir, output} = this.options;
    // The modules of what a run may not use (cpuProfile, a debugger check, load errors) are required where used.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
    this.profiles = cpuProfile === null ? null : new (require('./ProfileKeeper') as typeof ProfileKeeperModule).ProfileKeeper({tests: cpuProfile.tests, outputDir, output});
    if (!this.options.enabled) {
      // Workers forked by this run must not pick up a channel left by an outer process.
      delete process.env[CHANNEL_ENV_VAR];
      return;
    }
    this.checkOutputDirectories();

    this.channel = new ChannelReader(mkdtempSync(path.join(os.tmpdir(), 'jest-perf-monitor-')));
    const descriptor: ChannelDescriptor = {v: CHANNEL_VERSION, dir: this.channel.dir, settings: this.environmentSettings(globalConfig)};
    // Workers are forked after reporters are constructed and inherit this; in band, the environment reads it too.
    process.env[CHANNEL_ENV_VAR] = JSON.stringify(descriptor);
    process.once('exit', this.onEarlyExit);
    // First in line, so that any other listener (signal-exit and the like) runs after ours sees the process as it
    // would be without us.
    for (const signal of STOP_SIGNALS) process.prependListener(signal, this.onStopSignal);
    // Kept as a notice, not an error: a config may say failOn: ['regression'] and get its baseline from CI only.
    const {failOn, baseline, budgets} = this.options;
    if (failOn.includes('regression') && baseline === null) this.notice('failOn has "regression" but no baseline is set (option "baseline" or JEST_PERF_BASELINE); no regression check this run');
    if (failOn.includes('budget') && budgets === null) this.notice('failOn has "budget" but no budgets are set (option "budgets"); no budget check this run');

    this.selfMs += performance.now() - constructedAtMs;
  }

  /**
   * Says before the run, rather than after it, that a report directory cannot be written. Only said: the tests are
   * the user's, and a report that cannot be written must not cost them their run (the writes are still tried at
   * the end, in case the run itself made the directory). Nothing is created yet, so a run that fails for another
   * reason leaves no empty directories behind.
   */
  private checkOutputDirectories(): void {
    const {formats, output, outputDir} = this.options;
    const dirs: Array<[string, string]> = [];
    if (formats.includes('json')) dirs.push(['output', path.resolve(path.dirname(output))]);
    if (formats.some(format => format !== 'json')) dirs.push(['outputDir', path.resolve(outputDir)]);
    for (const [option, dir] of dirs) {
      if (this.unwritableDirs.has(dir)) continue;
      const problem = directoryProblem(dir);
      if (problem === null) continue;
      this.unwritableDirs.add(dir);
      this.notice(`option "${option}": cannot write to directory ${dir} (${problem}); the tests run, but no report is written there`);
    }
  }

  /**
   * What the workers need from the options. Trace mode falls back to profile here, with one notice, when it is
   * known up front that it cannot work: a debugger attached to Jest (`node --inspect-brk jest --runInBand`) would
   * stop at every pause, and `--detectLeaks` reports any file whose worker enabled the debugger as leaking.
   */
  private environmentSettings(globalConfig: Config.GlobalConfig): EnvironmentSettings {
    const options = this.options;
    let mode = options.mode;
    if (mode === 'trace' || mode === 'auto') {
      const reason = globalConfig.detectLeaks ? '--detectLeaks is on' : (require('inspector') as typeof Inspector).url() !== undefined ? 'a debugger is attached to Jest' : null; // eslint-disable-line @typescript-eslint/no-require-imports
      if (reason !== null) {
        mode = 'profile';
        this.notice(`trace mode is off (${reason}); failures get profile-mode detail`);
      }
    }
    return {
      rssSampleIntervalS: options.rssSampleIntervalS,
      mode,
      skipInternalFrames: options.skipInternalFrames,
      includeLocals: options.includeLocals,
      includeClosure: options.includeClosure,
      maxDepth: options.maxDepth,
      extractClasses: options.extractClasses,
      captureRate: options.captureRate,
      redact: options.redact.map(key => key.toLowerCase()),
      leaks: options.leaks,
      imports: options.imports,
      cpuProfile: options.cpuProfile === null ? null : {
        tests: options.cpuProfile.tests,
        samplingIntervalUs: options.cpuProfile.samplingIntervalUs,
        maxDuration: (options.budgets?.tests ?? []).flatMap(rule => (rule.maxDuration === undefined ? [] : [{match: rule.match, maxDurationMs: rule.maxDuration * 1000}])),
      },
      runRoot: this.runRoot,
    };
  }

  onRunStart(results: AggregatedResult, _options?: ReporterOnStartOptions): void {
    this.startedAtMs = results.startTime || Date.now();
    this.lastError = undefined;
  }

  onTestFileResult(test: Test, testResult: TestResult): void {
    if (this.channel === null) return;
    const startMs = performance.now();
    try {
      const config = test.context.config;
      this.widenRunRoot(config);
      const project = this.projects.of(config);
      let text: string | null = null;
      try {
        text = this.channel.take(channelKey(config.id, test.path));
      } catch (error) {
        // The channel could not be read (its directory deleted under us): said once; the file counts by Jest's figures.
        this.channelLost = true;
        this.internalError('reading test results', error);
      }
      const file = this.ingest(text, project);
      this.addJestOnly(test.path, testResult, file, project, config.testRunner);
      if (this.failedFiles !== null) {
        const failed = testResult.numFailingTests > 0 || testResult.testExecError != null;
        const traced = this.failedFiles.note(config.cacheDirectory, test.path, failed);
        // Measured files with failed tests only: a file that could not load has no frames to read, traced or not.
        if (file !== null && testResult.numFailingTests > 0 && !traced && (this.options.includeLocals || this.options.includeClosure)) this.untracedFailures++;
      }
    } catch (error) {
      this.internalError('reading test results', error);
    }
    this.selfMs += performance.now() - startMs;
  }

  /**
   * What only Jest's result says of a file: that it could not run (no test results, an exec error: the error is
   * kept as the file's load error), or that it ran without a recorder (a `@jest-environment` docblock replaced
   * ours, or a runner other than circus), whose tests then count by Jest's figures.
   */
  private addJestOnly(testPath: string, testResult: TestResult, file: GatheredFile | null, project: ProjectLabel, runner: string): void {
    const execError = testResult.testExecError;
    if (testResult.testResults.length === 0 && execError != null) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a load error's code, loaded on the first one
      const failure = (require('./describeLoadError') as typeof DescribeLoadError).describeLoadError(execError, {rootDir: this.runRoot, mode: this.options.mode, skipInternalFrames: this.options.skipInternalFrames, redact: this.options.redact});
      if (file === null) this.collector.addLoadError(testPath, failure, project);
      // A file that ran to its end with no test ("Your test suite must contain at least one test"). One that
      // stopped midway is a crashed worker, reported as such, not as a file that could not run.
      else if (file.completed) file.loadError = failure;
    } else if (file === null && testResult.testResults.length > 0) {
      this.collector.addUnmeasured(testPath, {tests: testResult.testResults.length, passed: testResult.numPassingTests, failed: testResult.numFailingTests}, unmeasurableRunner(runner));
    }
  }

  /** Jest awaits this: the history and the Pushgateway are written over the network before Jest exits. */
  async onRunComplete(testContexts?: Set<TestContext>, results?: AggregatedResult): Promise<void> {
    if (this.channel === null) return;
    this.removeProcessListeners();
    if (this.watching && results !== undefined && results.numTotalTestSuites === 0) {
      // `--watch` with nothing related to the change: keep the previous run's report rather than an empty one.
      this.discardChannel();
      return;
    }
    const configs = [...(testContexts ?? [])].map(context => context.config);
    if (results?.wasInterrupted === true) this.ingestLeftovers();
    await this.completeAsync({interrupted: results?.wasInterrupted === true, watchedBy: this.watching ? configs : null});
  }

  /**
   * A test that calls `process.exit` in band ends Jest's own process before `onRunComplete`. Write what was
   * recorded so far (synchronously: this is an 'exit' listener), including the files never reported to us.
   */
  private readonly onEarlyExit = (): void => {
    this.removeProcessListeners();
    if (this.channel === null) return;
    this.ingestLeftovers();
    this.complete('The Jest process exited before the run completed; this report holds the tests finished until then.\n', {interrupted: true, watchedBy: null});
  };

  /**
   * SIGINT (Ctrl-C), SIGTERM or SIGHUP (the terminal closed) during the run. Jest installs no handler for any, in a
   * single run or in watch mode (there, Ctrl-C is a key read in raw mode, not a signal), so without us the process
   * dies of the signal, and the channel directory would be left in the temp directory.
   * We write what finished (workers got the signal too: what they recorded is in the channel), remove the
   * channel, and then, if no one else listens for the signal, raise it again: the process dies of it as it would
   * have, with the same exit status. When someone else listens, the signal is theirs to act on, as it would be.
   */
  private readonly onStopSignal = (signal: NodeJS.Signals): void => {
    this.removeProcessListeners();
    if (this.channel !== null) {
      // Workers write their records in batches and flush what is pending when the same Ctrl-C reaches them: give
      // them a moment to do so. Blocking, not a timer: Jest must not go on meanwhile (it would see its workers
      // die and finish the run), as it would not without us.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, WORKER_FLUSH_GRACE_MS);
      // In band, this process's recorder holds records too.
      flushOpenWriters();
      this.ingestLeftovers();
      this.complete(`The run was stopped by ${signal}; this report holds the tests finished until then.\n`, {interrupted: true, watchedBy: null});
    }
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  private removeProcessListeners(): void {
    process.removeListener('exit', this.onEarlyExit);
    for (const signal of STOP_SIGNALS) process.removeListener(signal, this.onStopSignal);
  }

  /**
   * Records of files Jest never reported to us: the run was interrupted (watch mode drops the result of the file
   * that finishes after the key press) or the process is exiting. Each is complete as far as it got.
   */
  private ingestLeftovers(): void {
    if (this.channel === null) return;
    let left = new Map<string, string>();
    try {
      left = this.channel.takeAll();
    } catch (error) {
      this.internalError('reading test results', error);
    }
    // One file per try: a file that cannot be read must not cost the others.
    for (const [key, text] of left) {
      try {
        this.ingest(text, this.startedFiles.get(key));
      } catch (error) {
        this.internalError('reading test results', error);
      }
    }
  }

  /** Where each started file's records will be, with its project: for the files Jest will not report. */
  onTestFileStart(test: Test): void {
    if (this.channel === null) return;
    try {
      this.widenRunRoot(test.context.config);
      this.startedFiles.set(channelKey(test.context.config.id, test.path), this.projects.of(test.context.config));
    } catch (error) {
      this.internalError('noting a test file start', error);
    }
  }

  /**
   * Takes a project's rootDir and roots into the run's root, as each worker does with its own (`fileRunRoot`): for
   * what the global config did not tell (a single project's `roots`, a path project whose config Jest read as ESM).
   */
  private widenRunRoot(config: Pick<Config.ProjectConfig, 'id' | 'rootDir' | 'roots'>): void {
    if (this.widenedBy.has(config.id)) return;
    this.widenedBy.add(config.id);
    const widened = runRootOf(this.runRoot, [{rootDir: config.rootDir, roots: config.roots}]);
    if (widened === this.runRoot) return;
    this.runRoot = widened;
    this.collector.setRoot(widened);
  }

  /** `text`: a file's lines from the channel; null when no worker wrote any. */
  private ingest(text: string | null, project?: ProjectLabel): GatheredFile | null {
    if (text === null) return null;
    const decoded = decodeChannelFile(text, this.maxCpuPercent);
    if (decoded.foreignVersion !== null) {
      this.notice(`records of channel version ${decoded.foreignVersion} were skipped (this reporter reads version ${CHANNEL_VERSION}); are two versions of jest-perf-monitor installed?`);
    }
    for (const notice of decoded.notices) this.notice(notice);
    const added = this.collector.addFile(decoded, project);
    this.checks.addFile(added.file, added.tests);
    this.profiles?.addFile(decoded.profiles, added.tests);
    return added.file;
  }

  private discardChannel(): void {
    this.removeProcessListeners();
    this.closeChannel();
  }

  /**
   * The end of a run stopped by `process.exit` or a signal: everything at once (this is an 'exit' or signal
   * listener, nothing asynchronous would finish), so the history and the Pushgateway are left out.
   */
  private complete(preface: string, end: {interrupted: boolean; watchedBy: Config.ProjectConfig[] | null}): void {
    if (this.channel === null) return;
    try {
      const run = this.buildRun(end);
      let failures: string[] = [];
      const checksStartMs = performance.now();
      try {
        this.checks.finishOffline(run);
        failures = this.checks.failures(run);
      } catch (error) {
        this.internalError('running the budget, baseline and leak checks', error);
      }
      run.overhead.reporterMs += performance.now() - checksStartMs;
      this.publish(run, failures, preface, end);
    } catch (error) {
      this.internalError('writing the report', error);
    } finally {
      this.closeChannel();
    }
  }

  /** The end of a run that Jest completed: with the history and the Pushgateway. */
  private async completeAsync(end: {interrupted: boolean; watchedBy: Config.ProjectConfig[] | null}): Promise<void> {
    if (this.channel === null) return;
    try {
      const run = this.buildRun(end);
      let failures: string[] = [];
      const checksStartMs = performance.now();
      try {
        await this.checks.finish(run);
        failures = this.checks.failures(run);
      } catch (error) {
        // A check that breaks must not cost the user the report.
        this.internalError('running the budget, baseline, leak and history checks', error);
      }
      // The history's writes included: wall time, as the reporter's other figures are.
      run.overhead.reporterMs += performance.now() - checksStartMs;
      this.publish(run, failures, '', end);
      if (this.options.pushgateway !== null) await this.push(run, this.options.pushgateway);
    } catch (error) {
      this.internalError('writing the report', error);
    } finally {
      this.closeChannel();
    }
  }

  /** Jest's process's CPU when the run's model was built (the run's CPU then grows as the reports are written). */
  private builtAtCpuMs = 0;

  /** The reports' cost so far, and the run's CPU with it. */
  private clockReportWriting(run: RunMetrics, startMs: number): void {
    run.overhead.reportWritingMs = performance.now() - startMs;
    if (typeof run.overhead.runCpuMs !== 'number') return;
    const nowCpuMs = processCpuMs();
    run.overhead.runCpuMs += nowCpuMs - this.builtAtCpuMs;
    this.builtAtCpuMs = nowCpuMs;
  }

  private buildRun(end: {interrupted: boolean}): RunMetrics {
    const buildStartMs = performance.now();
    this.builtAtCpuMs = processCpuMs();
    const system = this.options.systemInfo ? collectSystemInfo() : null;
    const run = this.collector.build({
      startedAtMs: this.startedAtMs,
      durationMs: Date.now() - this.startedAtMs,
      system,
      reporterMs: this.selfMs + (performance.now() - buildStartMs),
      interrupted: end.interrupted,
      main: {pid: process.pid, loadMs: packageLoadMs(), cpuMs: this.builtAtCpuMs},
      reportWritingMs: 0,
    });
    // Every duration of this run was taken under the profiler: the reports say so (docs/schema.md, `cpu_profile`).
    if (this.options.cpuProfile !== null) run.cpuProfile = {samplingIntervalUs: this.options.cpuProfile.samplingIntervalUs, tests: this.options.cpuProfile.tests};
    // Files of a runner other than circus: the printed summary's note says why, in one line (docs/configuration.md).
    const runnerOnly = run.unmeasured !== null && (run.unmeasured.runners ?? []).length > 0 && this.options.printSummary;
    if (run.unmeasured !== null && !runnerOnly) {
      const count = run.unmeasured.files.length;
      // Projects given as paths keep their own config, runner included: the likelier cause when there are any.
      const runners = run.unmeasured.runners ?? [];
      const why = runners.length > 0
        ? `testRunner ${runners.map(name => `'${name}'`).join(', ')} cannot be measured; only jest-circus, Jest's default, can`
        : this.pathProjects ? 'a project given as a path keeps its own testRunner' : 'a @jest-environment docblock?';
      if (this.channelLost) this.notice(`${count} test file${count === 1 ? '' : 's'} counted by Jest's figures only: their records could not be read (the internal error above)`);
      else this.notice(`${count} test file${count === 1 ? '' : 's'} ran without the perf monitor (${why}): use testRunner 'jest-perf-monitor/runner'`);
    }
    if (this.untracedFailures > 0) {
      this.notice(
        `${this.untracedFailures} failed test file${this.untracedFailures === 1 ? '' : 's'} ran without local variables: mode 'auto' traces a file in the run after it fails, so run ${this.untracedFailures === 1 ? 'it' : 'them'} again to see them`,
      );
    }
    try {
      this.failedFiles?.save();
    } catch (error) {
      this.internalError('remembering the failed files for mode auto', error);
    }
    return run;
  }

  /** The report files, the summary, GitHub's annotations, and the failOn verdict. */
  private publish(run: RunMetrics, failures: string[], preface: string, end: {watchedBy: Config.ProjectConfig[] | null}): void {
    // Keeping the CPU profiles is writing reports too.
    const writeStartMs = performance.now();
    if (this.profiles !== null) {
      try {
        const problem = this.profiles.finish(run);
        if (problem !== null) this.notice(problem);
      } catch (error) {
        this.internalError('keeping the CPU profiles', error);
      }
    }
    const written = this.writeOutputs(run, end.watchedBy, writeStartMs);
    // The printed summary shows the JSON file's figures, as `jest-perf-monitor summary` does from it later: the JSON
    // file's own writing is the one report not counted. Without a JSON file, every report is.
    if (!this.options.formats.includes('json')) this.clockReportWriting(run, writeStartMs);
    if (this.options.printSummary) {
      const shown = (file: string): string => path.relative(process.cwd(), file) || file;
      process.stderr.write(`\n${preface}${renderSummary(run, {written: written.map(shown), columns: terminalColumns(process.stderr)})}`);
    }
    // After the summary, as before: GitHub's annotations and job summary are not in its figure.
    if (this.options.githubActions) this.writeGithubActions(run);
    if (failures.length > 0) {
      // Jest exits 1 on this error without printing it, so the reason is said here.
      this.lastError = new Error(`jest-perf-monitor: failing the run (failOn): ${printable(failures.join(', '))}`);
      process.stderr.write(`${this.lastError.message}\n`);
    }
  }

  private async push(run: RunMetrics, target: Required<PushgatewayOptions>): Promise<void> {
    // Required here, as the formats are: a run that pushes nothing never loads the code that would.
    /* eslint-disable @typescript-eslint/no-require-imports -- see above */
    const {collectRunContext} = require('../history/collectRunContext') as typeof CollectRunContext;
    const {projectName, pushToGateway} = require('./pushToGateway') as typeof PushToGateway;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const context = collectRunContext(this.rootDir, null);
    const problem = await pushToGateway(run, target, {project: projectName(this.rootDir), branch: context.gitBranch});
    if (problem !== null) this.notice(problem);
  }

  private closeChannel(): void {
    this.removeRunDir();
    // The next run in this process (watch mode) opens its own channel, or none.
    delete process.env[CHANNEL_ENV_VAR];
  }

  private removeRunDir(): void {
    if (this.channel === null) return;
    this.channel.close();
    // In band, this process wrote to the channel too: its file is closed before the directory goes.
    releaseWorkerChannelFile();
    rmSync(this.channel.dir, {recursive: true, force: true});
    this.channel = null;
  }

  /**
   * Set when a `failOn` finding was made: Jest then exits non-zero, as it does for `coverageThreshold`. Tests'
   * own results are never changed.
   */
  getLastError(): Error | undefined {
    return this.lastError;
  }

  /** Writes every format asked for; returns the files written. A format that fails is reported once. */
  private writeOutputs(run: RunMetrics, watchedBy: Config.ProjectConfig[] | null, startMs: number): string[] {
    const {output, outputDir, formats, junit} = this.options;
    // The JSON file last: its `report_writing_time` then holds every other report's (docs/schema.md).
    let targets = [...formats.filter(format => format !== 'json'), ...formats.filter(format => format === 'json')].map(format => ({format, file: reportPath(format, output, outputDir)}));
    if (watchedBy !== null) {
      // In watch mode, writing a file Jest watches starts the next run, forever. Such files are left alone.
      const watched = targets.filter(target => watchedByJest(target.file, watchedBy));
      for (const {file} of watched) {
        // Said once per watch session, not once per run: each run builds a new reporter.
        if (watchNoticesShown.has(file)) continue;
        watchNoticesShown.add(file);
        const shown = path.relative(this.rootDir, file);
        this.notice(
          `watch mode: ${shown} is not written, because Jest watches it and writing it would start another run; ` +
            `add watchPathIgnorePatterns: ['<rootDir>/${escapeRegExp(shown.split(path.sep).join('/')).replace(/\\/g, '\\\\')}$'] to the Jest config, or use withPerfMonitorConfig()`,
        );
      }
      targets = targets.filter(target => !watched.includes(target));
    }
    const outcomes = writeReports(run, targets, {junit, beforeEach: () => this.clockReportWriting(run, startMs)});
    for (const outcome of outcomes) {
      if (outcome.error === null) continue;
      // Said before the run already, while the directory is still as it was then.
      const dir = path.resolve(path.dirname(outcome.file));
      if (this.unwritableDirs.has(dir) && directoryProblem(dir) !== null) continue;
      this.notice(`cannot write the ${outcome.format} report ${outcome.file}: ${writeProblem(outcome.error)}`);
    }
    // Listed in the order the formats were asked for, whatever order they were written in.
    return outcomes
      .filter(outcome => outcome.error === null)
      .sort((a, b) => formats.indexOf(a.format) - formats.indexOf(b.format))
      .map(outcome => outcome.file);
  }

  /**
   * Annotations go to stderr with Jest's own output (GitHub reads workflow commands from both streams, and stdout
   * may carry `--json`). The job summary is appended, as GitHub expects: other steps' summaries stay.
   */
  private writeGithubActions(run: RunMetrics): void {
    try {
      /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when GitHub Actions output is on */
      const {renderAnnotations} = require('../formats/githubActions') as typeof GithubActions;
      const {renderMarkdown} = require('../formats/markdown') as typeof Markdown;
      /* eslint-enable @typescript-eslint/no-require-imports */
      const lines = renderAnnotations(run, {rootDir: this.runRoot, workspace: process.env.GITHUB_WORKSPACE || process.cwd(), skipFailures: this.jestAnnotatesFailures});
      if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
      const summaryFile = process.env.GITHUB_STEP_SUMMARY;
      if (summaryFile) {
        appendFileSync(summaryFile, renderToString(renderMarkdown(run, {maxFailures: GITHUB_SUMMARY_FAILURES, maxBytes: GITHUB_SUMMARY_BYTES})));
      }
    } catch (error) {
      this.internalError('writing GitHub Actions output', error);
    }
  }

  private notice(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    // Messages carry file names, error messages and test ids: shown escaped, they cannot act on the terminal.
    process.stderr.write(`jest-perf-monitor: ${printable(message)}\n`);
  }

  private internalError(where: string, error: unknown): void {
    this.notice(`internal error while ${where}: ${error instanceof Error ? error.message : String(error)} (Jest's results are unaffected)`);
  }
}

/**
 * Why no file could be written in `dir`, or null: the nearest existing ancestor must be a writable directory.
 * (Root passes any permission check, so on CI this mostly finds a path through a regular file.)
 */
function directoryProblem(dir: string): string | null {
  let existing = dir;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    if (!statSync(existing).isDirectory()) return `${existing} is not a directory`;
    accessSync(existing, constants.W_OK);
    return null;
  } catch (error) {
    return `${existing}: ${writeProblem(error)}`;
  }
}

/**
 * The name of a project's test runner when it is neither jest-circus nor ours (`jest-jasmine2`, a custom runner):
 * its files cannot be measured. Jest gives the runner as a resolved path; the package's name is shown.
 */
function unmeasurableRunner(runner: string | undefined): string | null {
  if (runner === undefined || runner === '' || isCircusRunner(runner) || /(^|[\\/])jest-circus[\\/]/.test(runner)) return null;
  if (/(^|[\\/])jest-perf-monitor[\\/](dist[\\/])?runner(\.js)?$/.test(runner)) return null;
  const packaged = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*[\\/]node_modules[\\/])/.exec(runner);
  return packaged === null ? path.basename(runner) : packaged[1].replace(/\\/g, '/');
}
