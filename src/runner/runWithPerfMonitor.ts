import {performance} from 'perf_hooks';
import type {JestEnvironment} from '@jest/environment';
import type {TestResult} from '@jest/test-result';
import type {Circus} from '@jest/types';
import {createRecorder, noteWorkerStartOnLoad, recordingRoot} from '../environment/createRecorder';
import type {RecordedFile} from '../environment/createRecorder';
import {recordEvent, reportInternalError} from '../environment/TestRecorder';
import type {TestRecorder} from '../environment/TestRecorder';
import {readChannelDescriptor} from '../model/channel';
import {ImportTimer} from './ImportTimer';
import {loadCircusRunner} from './loadCircusRunner';
import type {TestFramework} from './loadCircusRunner';

type EventHandler = (event: Circus.Event, state: Circus.State) => void | Promise<void>;

// Jest loads the runner before it builds the first file's environment: the worker's memory before any file.
noteWorkerStartOnLoad();

/**
 * `testRunner: 'jest-perf-monitor/runner'`: jest-circus's runner, with the recorder installed on whatever environment
 * Jest built for the file (the project's `testEnvironment`, a `@jest-environment` docblock's, a third party's).
 *
 * jest-runner constructs the environment and awaits its `setup()`, then calls the runner; circus reads
 * `environment.handleTestEvent` once, when it initialises (jestAdapterInit, in Jest 29 and 30). So an own property
 * set on the instance here, before circus starts, is the handler circus binds. Ours runs first, then the
 * environment's own handler, whose result (and timing: circus awaits it) is passed through unchanged.
 */
export function runWithPerfMonitor(...args: Parameters<TestFramework>): Promise<TestResult> {
  const [globalConfig, config, environment, runtime, testPath] = args;
  const circus = loadCircusRunner(config.rootDir);
  // Jest's runtime knows where each transformed module's source map is: profiles point at the `.ts` line.
  const sourceMaps = (): ReadonlyMap<string, string> | undefined => (runtime as {getSourceMaps?: () => ReadonlyMap<string, string>}).getSourceMaps?.();
  const recorder = installRecorder(environment, {globalConfig, projectConfig: config, testPath, sourceMaps}, runtime);
  if (recorder === null) return circus(...args);
  const close = (): void => {
    try {
      recorder.close();
    } catch (error) {
      reportInternalError('runner teardown', error);
    }
  };
  // No `async`/`await` here: an awaiting frame of ours would show in the async stack of every failing test that Jest prints.
  let result: Promise<TestResult>;
  try {
    result = circus(...args);
  } catch (error) {
    close();
    throw error;
  }
  return result.finally(close);
}

function installRecorder(environment: JestEnvironment, file: RecordedFile, runtime: unknown): TestRecorder | null {
  // One of our environment entries records already: a second recorder would write every test twice.
  if ((environment as {perfRecorder?: unknown}).perfRecorder !== undefined) return null;
  const channel = readChannelDescriptor();
  if (channel === null) return null;
  const recorder = createRecorder(environment, file, channel);
  if (recorder === null) return null;
  if (channel.settings.imports === true) timeImports(recorder, runtime, recordingRoot(file, channel), file.testPath);
  // The environment's setup() has just resolved: loading the test file starts now.
  recorder.markSetupDone();
  const own = environment.handleTestEvent as EventHandler | undefined;
  const handler: EventHandler = own === undefined
    ? (event, state) => {
        recordEvent(recorder, event, state);
      }
    : (event, state) => {
        recordEvent(recorder, event, state);
        return own.call(environment, event, state);
      };
  environment.handleTestEvent = handler as JestEnvironment['handleTestEvent'];
  readAfterTeardown(environment, recorder);
  return recorder;
}

/**
 * jest-runner calls `environment.teardown()` last, after the runtime's teardown (Jest 29 and 30): an own property
 * wrapping it is where the worker's memory after the file can be read, before the file's result leaves the worker.
 */
function readAfterTeardown(environment: JestEnvironment, recorder: TestRecorder): void {
  const teardown = environment.teardown;
  const after = (): void => {
    try {
      recorder.afterTeardown();
    } catch (error) {
      reportInternalError('environment', error);
    }
  };
  environment.teardown = function (this: JestEnvironment): Promise<void> {
    let done: Promise<void>;
    try {
      // A third-party environment's teardown may be synchronous: Jest awaits whatever it returns.
      done = Promise.resolve(teardown.call(this));
    } catch (error) {
      after();
      throw error;
    }
    return done.then(after, (error: unknown) => {
      after();
      throw error;
    });
  };
}

/** Jest's runtime loads the setupFilesAfterEnv and the test file once circus starts: the timer goes on before. */
function timeImports(recorder: TestRecorder, runtime: unknown, rootDir: string, testPath: string): void {
  const startMs = performance.now();
  try {
    const timer = ImportTimer.install(runtime, rootDir, testPath);
    if (typeof timer === 'string') recorder.notice(`import costs are off (${timer})`);
    else recorder.timeImports(timer);
  } catch (error) {
    reportInternalError('import timing', error);
  }
  recorder.chargeSetup(performance.now() - startMs);
}
