/**
 * `jest-perf-monitor/experimental`: the package's internals that scripts may find useful (the renderers, the
 * conversions between the metrics model and the JSON schema, option resolution). Not covered by semver: any minor
 * version may rename or change them (docs/api.md).
 */
export {resolveOptions, OptionsError, PRESET_VALUES} from './options/resolveOptions';
export type {ResolvedOptions} from './options/types';
export {toSchema} from './model/toSchema';
export {fromSchema, SchemaError} from './model/fromSchema';
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
