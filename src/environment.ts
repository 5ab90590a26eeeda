/**
 * `testEnvironment: 'jest-perf-monitor/environment'`: jest-environment-node, measured.
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

const NodeEnvironment = environmentClassOf<EnvironmentConstructor>(loadJestModule('jest-environment-node'));
const PerfMonitorNodeEnvironment = withPerfMonitor(NodeEnvironment);

export = PerfMonitorNodeEnvironment;
