/**
 * `testRunner: 'jest-perf-monitor/runner'`: jest-circus, with every test file measured whatever its environment.
 */
import {runWithPerfMonitor} from './runner/runWithPerfMonitor';

export = runWithPerfMonitor;
