/**
 * `jest-perf-monitor`: the reporter as the default export (what `reporters: ['jest-perf-monitor']` loads), and
 * the stable API as named exports: what a Jest config and a script reading performance_metrics.json need.
 * docs/api.md lists it with its stability promise; the renderers, the schema converters and option resolution are
 * in `jest-perf-monitor/experimental`, which may change in any minor version.
 */
// First: the package's load time is taken from here (docs/performance.md, "Own cost").
import {noteEntryLoaded} from './environment/ownCost';
import PerfMonitorReporter from './reporter/PerfMonitorReporter';

export default PerfMonitorReporter;
export {PerfMonitorReporter};
export {withPerfMonitor} from './environment/withPerfMonitor';
export type {EnvironmentConstructor} from './environment/withPerfMonitor';
export {withPerfMonitorConfig, PERF_MONITOR_RUNNER} from './config/withPerfMonitorConfig';
export type {JestConfigExport, PerfMonitorConfigKeys} from './config/withPerfMonitorConfig';
export {perf} from './perf';
export type {Perf} from './perf';
export {FORMATS} from './options/types';
export type {PerfMonitorOptions, FormatName, Mode, PresetName, FailOn, BudgetsOption, TestBudgetRule, JunitOptions} from './options/types';
export {SCHEMA_VERSION} from './model/toSchema';
export type {MetricsDocument, SchemaTest, SchemaFailure, SchemaFile, SchemaMemory, SchemaAttempt} from './model/toSchema';

noteEntryLoaded();
