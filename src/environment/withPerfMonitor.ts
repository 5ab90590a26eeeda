import type {EnvironmentContext, JestEnvironment, JestEnvironmentConfig} from '@jest/environment';
import type {Circus} from '@jest/types';
import {channelFilePath, readChannelDescriptor} from '../model/channel';
import type {ChannelDescriptor} from '../model/channel';
import {isMainThread} from 'worker_threads';
import {BRIDGE_KEY} from '../model/bridge';
import type {PerfBridge} from '../model/bridge';
import {acquireGc} from './forceGc';
import {RssSampler} from './RssSampler';
import {reportInternalError, TestRecorder} from './TestRecorder';
import {TraceCapture} from './TraceCapture';
import type {CircusEventLike, CircusStateLike} from './TestRecorder';

/** Any Jest environment class: `jest-environment-node`, `jest-environment-jsdom` or a user's own. */
export type EnvironmentConstructor = new (config: JestEnvironmentConfig, context: EnvironmentContext) => JestEnvironment;

/**
 * Wraps any Jest environment class so that every test is measured. The result is a subclass (Jest needs a class
 * it can construct) that records through `handleTestEvent` and then calls the base's own handler, if any.
 *
 * Without the reporter's channel (no `jest-perf-monitor` reporter, or `enabled: false`) the base class is returned
 * unchanged: there is nowhere to send records, and an environment with no `handleTestEvent` costs Jest nothing.
 * A `@jest-environment` docblock replaces the whole environment for its file, so such files are not measured.
 */
export function withPerfMonitor<T extends EnvironmentConstructor>(Base: T): T {
  if (readChannelDescriptor() === null) return Base;
  return createMonitoredEnvironment(Base);
}

function createMonitoredEnvironment<T extends EnvironmentConstructor>(Base: T): T {
  const baseHandler = (Base.prototype as {handleTestEvent?: (event: Circus.Event, state: Circus.State) => void | Promise<void>})
    .handleTestEvent;
  const workerId = Number(process.env.JEST_WORKER_ID ?? '1') || 1;

  class PerfMonitorEnvironment extends (Base as EnvironmentConstructor) {
    readonly perfRecorder: TestRecorder | null;

    constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
      super(config, context);
      // Read per file, not per module load: in band, watch mode keeps this module across runs, and each run's
      // reporter opens a new channel (or none, when it is disabled).
      const channel = readChannelDescriptor();
      this.perfRecorder = channel === null ? null : createRecorder(this, config, context, channel, workerId);
    }

    override async setup(): Promise<void> {
      await super.setup();
      this.perfRecorder?.markSetupDone();
    }

    override async teardown(): Promise<void> {
      try {
        this.perfRecorder?.close();
      } catch (error) {
        reportInternalError('environment teardown', error);
      }
      await super.teardown();
    }

  }
  // On the prototype, as a method would be (so a user's subclass can override it and call super), but defined
  // here because JestEnvironment types `handleTestEvent` as an optional property, which a class cannot override.
  Object.defineProperty(PerfMonitorEnvironment.prototype, 'handleTestEvent', {
    configurable: true,
    writable: true,
    value: function handleTestEvent(this: PerfMonitorEnvironment, event: Circus.Event, state: Circus.State) {
      const recorder = this.perfRecorder;
      if (recorder !== null) {
        try {
          recorder.handleTimed(event as CircusEventLike, state as unknown as CircusStateLike);
        } catch (error) {
          reportInternalError('environment', error);
        }
      }
      if (baseHandler !== undefined) return baseHandler.call(this, event, state);
      return undefined;
    },
  });
  Object.defineProperty(PerfMonitorEnvironment, 'name', {value: `PerfMonitor(${Base.name || 'Environment'})`});
  return PerfMonitorEnvironment as unknown as T;
}

function createRecorder(
  env: JestEnvironment,
  config: JestEnvironmentConfig,
  context: EnvironmentContext,
  channel: ChannelDescriptor,
  workerId: number,
): TestRecorder | null {
  try {
    const {projectConfig, globalConfig} = config;
    const intervalMs = channel.settings.cpuIntervalS > 0 ? Math.max(1, Math.round(channel.settings.cpuIntervalS * 1000)) : 0;
    // A sampler thread is an open handle to --detectOpenHandles, so it stays off there.
    const sampler = intervalMs > 0 && !globalConfig.detectOpenHandles ? RssSampler.lazy(intervalMs) : null;
    const rootDir = globalConfig.rootDir ?? projectConfig.rootDir;
    const settings = channel.settings;
    const notices: string[] = [];
    let trace: TraceCapture | null = null;
    if (settings.mode === 'trace' && (settings.includeLocals || settings.includeClosure)) {
      // --detectLeaks reports any file whose worker enabled the debugger as leaking.
      const started = globalConfig.detectLeaks ? '--detectLeaks is on' : TraceCapture.start({...settings, rootDir}, env.global);
      if (typeof started === 'string') notices.push(`trace mode is off (${started}); failures get profile-mode detail`);
      else trace = started;
    }
    let gc: (() => void) | null = null;
    if (settings.leaks && !isMainThread) {
      notices.push('leak detection is off under workerThreads: files share one heap, so no file\'s retained heap can be told apart');
    } else if (settings.leaks) {
      gc = acquireGc();
      if (gc === null) notices.push('leak detection is off: V8 did not give a garbage collector to force (try node --expose-gc)');
    }
    const recorder = new TestRecorder({
      channelPath: channelFilePath(channel.dir, projectConfig.id, context.testPath),
      testPath: context.testPath,
      rootDir,
      workerId,
      sampler,
      alwaysConcurrent: !isMainThread,
      settings,
      trace,
      gc,
      notices,
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
    return recorder;
  } catch (error) {
    reportInternalError('environment setup', error);
    return null;
  }
}
