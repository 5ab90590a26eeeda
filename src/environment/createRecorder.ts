import type {JestEnvironment} from '@jest/environment';
import type {Config} from '@jest/types';
import {BRIDGE_KEY} from '../model/bridge';
import type {PerfBridge} from '../model/bridge';
import {channelKey, readChannelDescriptor} from '../model/channel';
import {fileRunRoot} from '../model/runRoot';
import {relativeToRoot} from '../model/testId';
import type {ChannelDescriptor} from '../model/channel';
import type {FailureMode, VariablesMissing} from '../model/types';
import type * as CpuProfilerModule from './CpuProfiler';
import type {CpuProfiler, SourceMapRegistry} from './CpuProfiler';
import {bufferedConsoleBytes} from './consoleBuffer';
import {noteWorkerStart} from './fileBoundary';
import {acquireGc} from './forceGc';
import type * as ReadTracedFilesModule from './readTracedFiles';
import {KernelPeak} from './KernelPeak';
import {rssReader} from './readRss';
import type * as RssSamplerModule from './RssSampler';
import type * as SecretRulesModule from './secretRules';
import {reportInternalError, TestRecorder} from './TestRecorder';
import type * as TraceCaptureModule from './TraceCapture';
import type {TraceCapture} from './TraceCapture';
import {nodeThreadId} from './ownCost';

/** What a recorder needs to know of the file Jest is about to run. */
export interface RecordedFile {
  globalConfig: Config.GlobalConfig;
  projectConfig: Config.ProjectConfig;
  testPath: string;
  /** Jest's source maps for the file's modules: the runner has them (from the runtime), the environment entries do not. */
  sourceMaps?: SourceMapRegistry;
}

const workerId = Number(process.env.JEST_WORKER_ID ?? '1') || 1;

/** Not under `workerThreads`: a process of its own (a Jest worker, or Jest's own in band). */
function onMainThread(): boolean {
  return nodeThreadId() === 0;
}

/**
 * The one place a recorder is made, for the environment entries and for the runner alike: it reads the file's
 * mode, starts what that mode needs (the RSS sampler, trace mode's debugger, leak detection's GC) and puts the
 * `perf.span()` bridge on the sandbox global. Returns null, after one notice on stderr, when any of that fails:
 * the file then runs unmeasured, never broken.
 */
export function createRecorder(env: JestEnvironment, file: RecordedFile, channel: ChannelDescriptor): TestRecorder | null {
  try {
    // Set-up is part of the file's own cost; trace mode's debugger start is priced apart (`TraceCapture.costMs`).
    const startMs = performance.now();
    let traceStartMs = 0;
    const {projectConfig, globalConfig, testPath} = file;
    const intervalMs = channel.settings.rssSampleIntervalS > 0 ? Math.max(1, Math.round(channel.settings.rssSampleIntervalS * 1000)) : 0;
    // The kernel's mark where it can be reset, in a process of its own (docs/how-it-measures.md#peak-rss); else the
    // sampler thread, which is an open handle to --detectOpenHandles, so it stays off there.
    const kernel = onMainThread() ? KernelPeak.shared(rssReader()) : null;
    const kernelPeak = typeof kernel === 'string' ? null : kernel;
    // Required here, as the modules below: a worker loads only what its mode and platform use.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
    const sampler = kernelPeak === null && intervalMs > 0 && !globalConfig.detectOpenHandles ? (require('./RssSampler') as typeof RssSamplerModule).RssSampler.lazy(intervalMs) : null;
    const rootDir = recordingRoot(file, channel);
    const notices: string[] = [];
    const mode = fileMode(channel, projectConfig, testPath);
    const settings = {...channel.settings, mode};
    let trace: TraceCapture | null = null;
    // Trace or auto asked for: a failure without variables says why (docs/failure-context.md).
    const variablesWanted = channel.settings.mode === 'trace' || channel.settings.mode === 'auto';
    let untraced: VariablesMissing | null = !variablesWanted ? null : !(settings.includeLocals || settings.includeClosure) ? 'off' : mode !== 'trace' ? 'untraced' : null;
    if (mode === 'trace' && (settings.includeLocals || settings.includeClosure)) {
      // --detectLeaks reports any file whose worker enabled the debugger as leaking.
      const beforeTraceMs = performance.now();
      // Required here: a file that is not traced never loads the debugger's code.
      /* eslint-disable @typescript-eslint/no-require-imports -- see above */
      const started = globalConfig.detectLeaks
        ? '--detectLeaks is on'
        : (require('./TraceCapture') as typeof TraceCaptureModule).TraceCapture.start({...settings, rootDir, secrets: (require('./secretRules') as typeof SecretRulesModule).secretRulesFor(settings.redact)}, env.global);
      /* eslint-enable @typescript-eslint/no-require-imports */
      traceStartMs = performance.now() - beforeTraceMs;
      if (typeof started === 'string') {
        notices.push(`trace mode is off (${started}); failures get profile-mode detail`);
        untraced = 'trace-off';
      } else {
        trace = started;
      }
    }
    let gc: (() => void) | null = null;
    if (settings.leaks && !onMainThread()) {
      notices.push('leak detection is off under workerThreads: files share one heap, so no file\'s retained heap can be told apart');
    } else if (settings.leaks) {
      gc = acquireGc();
      if (gc === null) notices.push('leak detection is off: V8 did not give a garbage collector to force (try node --expose-gc)');
    }
    let profiler: CpuProfiler | null = null;
    if (settings.cpuProfile) {
      // Required here: a run without cpuProfile never loads the module, let alone the inspector.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
      const {CpuProfiler: Profiler} = require('./CpuProfiler') as typeof CpuProfilerModule;
      const created = Profiler.create(settings.cpuProfile, {
        channelDir: channel.dir,
        rootDir,
        relativeFile: relativeToRoot(rootDir, testPath),
        sourceMaps: file.sourceMaps ?? null,
      });
      if (typeof created === 'string') notices.push(`cpuProfile is off in this worker (${created})`);
      else profiler = created;
    }
    const recorder = new TestRecorder({
      channelDir: channel.dir,
      channelKey: channelKey(projectConfig.id, testPath),
      testPath,
      rootDir,
      workerId,
      sampler,
      kernelPeak,
      alwaysConcurrent: !onMainThread(),
      settings,
      trace,
      // `auto` traces a few files: the debugger goes off after each, so the files after it keep V8's compile cache.
      detachTrace: channel.settings.mode === 'auto',
      gc,
      // Read when measured: Jest puts the file's console on the global after building the environment.
      heldByJest: gc === null ? undefined : bufferedConsoleBytes(env.global),
      notices,
      profiler,
      ...(variablesWanted && {variables: {untraced}}),
    });
    const bridge: PerfBridge = {
      recordSpan: (name, startMs, durationMs, testName) => {
        try {
          recorder.recordSpan(name, startMs, durationMs, testName);
        } catch (error) {
          reportInternalError('perf.span', error);
        }
      },
    };
    // Non-enumerable and under a registered symbol: invisible to the test's own globals, reachable by
    // `jest-perf-monitor/perf` inside the sandbox.
    Object.defineProperty(env.global, BRIDGE_KEY, {value: bridge, enumerable: false, configurable: true});
    recorder.chargeSetup(performance.now() - startMs - traceStartMs);
    return recorder;
  } catch (error) {
    reportInternalError('environment setup', error);
    return null;
  }
}

/** The root a file's ids, locations and module names are relative to: the run's root, widened by the file's project. */
export function recordingRoot(file: Pick<RecordedFile, 'globalConfig' | 'projectConfig'>, channel: ChannelDescriptor): string {
  return fileRunRoot(channel.settings.runRoot ?? file.globalConfig.rootDir ?? file.projectConfig.rootDir, file.projectConfig);
}

/**
 * Called as the runner or an environment entry is loaded in a worker, before Jest builds the first test environment:
 * the worker's starting point for the file-boundary readings, after a GC when leak detection is on (as those are).
 */
export function noteWorkerStartOnLoad(): void {
  try {
    const channel = readChannelDescriptor();
    if (channel === null) return;
    noteWorkerStart(channel.settings.leaks && onMainThread() ? acquireGc() : null);
  } catch (error) {
    reportInternalError('worker start', error);
  }
}

/** `auto`: trace for a file that failed in the previous run on this machine, profile for every other file. */
function fileMode(channel: ChannelDescriptor, projectConfig: Config.ProjectConfig, testPath: string): FailureMode {
  const mode = channel.settings.mode;
  if (mode !== 'auto') return mode;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- auto mode's code, loaded in auto mode only
  const {tracedFiles} = require('./readTracedFiles') as typeof ReadTracedFilesModule;
  return tracedFiles(projectConfig.cacheDirectory, channel.dir).has(testPath) ? 'trace' : 'profile';
}
