import type {EnvironmentContext, JestEnvironment, JestEnvironmentConfig} from '@jest/environment';
import type {Circus} from '@jest/types';
import {readChannelDescriptor} from '../model/channel';
import {createRecorder, noteWorkerStartOnLoad} from './createRecorder';
import {recordEvent, reportInternalError} from './TestRecorder';
import type {TestRecorder} from './TestRecorder';

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
  noteWorkerStartOnLoad();
  return createMonitoredEnvironment(Base);
}

function createMonitoredEnvironment<T extends EnvironmentConstructor>(Base: T): T {
  const baseHandler = (Base.prototype as {handleTestEvent?: (event: Circus.Event, state: Circus.State) => void | Promise<void>})
    .handleTestEvent;

  class PerfMonitorEnvironment extends (Base as EnvironmentConstructor) {
    readonly perfRecorder: TestRecorder | null;

    constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
      super(config, context);
      // Read per file, not per module load: in band, watch mode keeps this module across runs, and each run's
      // reporter opens a new channel (or none, when it is disabled).
      const channel = readChannelDescriptor();
      this.perfRecorder =
        channel === null ? null : createRecorder(this, {globalConfig: config.globalConfig, projectConfig: config.projectConfig, testPath: context.testPath}, channel);
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
      try {
        this.perfRecorder?.afterTeardown();
      } catch (error) {
        reportInternalError('environment', error);
      }
    }

  }
  // On the prototype, as a method would be (so a user's subclass can override it and call super), but defined
  // here because JestEnvironment types `handleTestEvent` as an optional property, which a class cannot override.
  Object.defineProperty(PerfMonitorEnvironment.prototype, 'handleTestEvent', {
    configurable: true,
    writable: true,
    value: function handleTestEvent(this: PerfMonitorEnvironment, event: Circus.Event, state: Circus.State) {
      if (this.perfRecorder !== null) recordEvent(this.perfRecorder, event, state);
      if (baseHandler !== undefined) return baseHandler.call(this, event, state);
      return undefined;
    },
  });
  Object.defineProperty(PerfMonitorEnvironment, 'name', {value: `PerfMonitor(${Base.name || 'Environment'})`});
  return PerfMonitorEnvironment as unknown as T;
}
