/**
 * `jest-perf-monitor`: the reporter as the default export (what `reporters: ['jest-perf-monitor']` loads), and
 * the programmatic API as named exports.
 */
import PerfMonitorReporter from './reporter/PerfMonitorReporter';

export default PerfMonitorReporter;
export {PerfMonitorReporter};
export {withPerfMonitor} from './environment/withPerfMonitor';
export type {EnvironmentConstructor} from './environment/withPerfMonitor';
export {perf} from './perf';
export type {Perf} from './perf';
export {resolveOptions, OptionsError, PRESET_VALUES} from './options/resolveOptions';
export type {PerfMonitorOptions, ResolvedOptions, FormatName, Mode, PresetName, FailOn, BudgetsOption, TestBudgetRule} from './options/types';
export {toSchema} from './model/toSchema';
export type {MetricsDocument, SchemaTest, SchemaFailure, SchemaFile, SchemaMemory, SchemaAttempt} from './model/toSchema';
export type * from './model/types';
export {renderJson} from './formats/json';
export {renderSummary} from './formats/summary';
