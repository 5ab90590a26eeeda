/**
 * `testRunner: 'jest-perf-monitor/runner'`: jest-circus, with every test file measured whatever its environment.
 */
// First: the package's load time in this worker is taken from here (docs/performance.md, "Own cost").
import {entryLoadStart, noteEntryLoaded} from './environment/ownCost';
import type * as RunnerModule from './runner/runWithPerfMonitor';

const loadStartMs = entryLoadStart();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- required after the clock starts: timed
const {runWithPerfMonitor} = require('./runner/runWithPerfMonitor') as typeof RunnerModule;
noteEntryLoaded(loadStartMs);

export = runWithPerfMonitor;
