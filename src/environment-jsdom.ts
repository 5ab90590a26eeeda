/**
 * `testEnvironment: 'jest-perf-monitor/environment-jsdom'`: jest-environment-jsdom, measured. That package is an
 * optional peer dependency, loaded only here, so node-only users never need it.
 */
// First: the package's load time in this worker is taken from here (docs/performance.md, "Own cost").
import {entryLoadStart, noteEntryLoaded} from './environment/ownCost';
import type * as LoadJestModule from './environment/loadJestModule';
import type * as WithPerfMonitorModule from './environment/withPerfMonitor';
import type {EnvironmentConstructor} from './environment/withPerfMonitor';

const loadStartMs = entryLoadStart();
/* eslint-disable @typescript-eslint/no-require-imports -- required after the clock starts: timed */
const {environmentClassOf, loadJestModule} = require('./environment/loadJestModule') as typeof LoadJestModule;
const {withPerfMonitor} = require('./environment/withPerfMonitor') as typeof WithPerfMonitorModule;
/* eslint-enable @typescript-eslint/no-require-imports */
noteEntryLoaded(loadStartMs);

function loadJsdom(): EnvironmentConstructor {
  try {
    return environmentClassOf<EnvironmentConstructor>(loadJestModule('jest-environment-jsdom'));
  } catch (error) {
    if ((error as {code?: string}).code === 'MODULE_NOT_FOUND' && String(error).includes('jest-environment-jsdom')) {
      const friendly = new Error(
        "jest-perf-monitor/environment-jsdom needs the package 'jest-environment-jsdom': " +
          'npm install --save-dev jest-environment-jsdom (the same major version as jest)',
      );
      friendly.stack = friendly.message;
      throw friendly;
    }
    throw error;
  }
}

const PerfMonitorJsdomEnvironment = withPerfMonitor(loadJsdom());

export = PerfMonitorJsdomEnvironment;
