/**
 * `testEnvironment: 'jest-perf-monitor/environment-jsdom'`: jest-environment-jsdom, measured. That package is an
 * optional peer dependency, loaded only here, so node-only users never need it.
 */
import {environmentClassOf, loadJestModule} from './environment/loadJestModule';
import {withPerfMonitor} from './environment/withPerfMonitor';
import type {EnvironmentConstructor} from './environment/withPerfMonitor';

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
