/**
 * `jest-perf-monitor`: the reporter as the default export (what `reporters: ['jest-perf-monitor']` loads), and
 * the programmatic API as named exports.
 */
import PerfMonitorReporter from './reporter/PerfMonitorReporter';

export default PerfMonitorReporter;
export {PerfMonitorReporter};
export {withPerfMonitor} from './environment/withPerfMonitor';
export {withPerfMonitorConfig, PERF_MONITOR_RUNNER} from './config/withPerfMonitorConfig';
export type {JestConfigExport} from './config/withPerfMonitorConfig';
export type {EnvironmentConstructor} from './environment/withPerfMonitor';
export {perf} from './perf';
export type {Perf} from './perf';
export {resolveOptions, OptionsError, PRESET_VALUES} from './options/resolveOptions';
export type {PerfMonitorOptions, ResolvedOptions, FormatName, Mode, PresetName, FailOn, BudgetsOption, TestBudgetRule, JunitOptions} from './options/types';
export {FORMATS} from './options/types';
export {toSchema, SCHEMA_VERSION} from './model/toSchema';
export {fromSchema, SchemaError} from './model/fromSchema';
export type {MetricsDocument, SchemaTest, SchemaFailure, SchemaFile, SchemaMemory, SchemaAttempt} from './model/toSchema';
export type * from './model/types';
export {renderFormat, renderToString, FORMAT_SUFFIX} from './formats';
export type {FormatContext} from './formats';
export {renderJson} from './formats/json';
export {renderSummary} from './formats/summary';
export {renderMarkdown} from './formats/markdown';
export {renderJunit} from './formats/junit';
export {renderCsv} from './formats/csv';
export {renderYaml} from './formats/yaml';
export {renderHtml} from './formats/html';
export {renderCtrf} from './formats/ctrf';
export {renderPrometheus} from './formats/prometheus';
export {renderAnnotations} from './formats/githubActions';
