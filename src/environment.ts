/**
 * `testEnvironment: 'jest-perf-monitor/environment'`: jest-environment-node, measured.
 */
import {environmentClassOf, loadJestModule} from './environment/loadJestModule';
import {withPerfMonitor} from './environment/withPerfMonitor';
import type {EnvironmentConstructor} from './environment/withPerfMonitor';

const NodeEnvironment = environmentClassOf<EnvironmentConstructor>(loadJestModule('jest-environment-node'));
const PerfMonitorNodeEnvironment = withPerfMonitor(NodeEnvironment);

export = PerfMonitorNodeEnvironment;
