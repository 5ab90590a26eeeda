import type {RunMetrics} from '../model/types';
import type {FormatName, JunitOptions} from '../options/types';
import type * as Csv from './csv';
import type * as Ctrf from './ctrf';
import type * as Html from './html';
import type * as Json from './json';
import type * as Junit from './junit';
import type * as Markdown from './markdown';
import type * as Prometheus from './prometheus';
import type * as Yaml from './yaml';

/** What some formats need besides the run. Loading it (from disk) is the caller's job; rendering stays pure. */
export interface FormatContext {
  junit: Required<JunitOptions>;
  /** The chart library's browser build, for `html`. */
  chartLibrary: string | null;
  /** This package's version, for reports that name their generator. */
  toolVersion: string | null;
  /** Failures listed with full detail in `markdown` and `html`. */
  maxFailures?: number;
}

/** The file each format is written to, after the main JSON file's name without `.json`. */
export const FORMAT_SUFFIX: Record<FormatName, string> = {
  json: '.json',
  markdown: '.md',
  junit: '.junit.xml',
  csv: '.csv',
  yaml: '.yaml',
  html: '.html',
  ctrf: '.ctrf.json',
  prometheus: '.prom',
};

/** A renderer failed (as opposed to the disk that its chunks were written to). */
export class RenderError extends Error {
  override readonly name = 'RenderError';
}

/**
 * Renders one format as a sequence of chunks, so that a large run is never one string in memory. An error from
 * the renderer surfaces as a `RenderError`, so a caller writing the chunks can tell it from a write error.
 */
export function* renderFormat(format: FormatName, run: RunMetrics, context: FormatContext): Generator<string> {
  try {
    yield* renderer(format, run, context);
  } catch (error) {
    throw new RenderError(`rendering ${format} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/*
 * Each format's code is required when that format is rendered: a run writing the JSON file alone never loads the
 * others' (docs/performance.md, "Own cost").
 */
/* eslint-disable @typescript-eslint/no-require-imports -- see above */
function renderer(format: FormatName, run: RunMetrics, context: FormatContext): Iterable<string> {
  switch (format) {
    case 'json':
      return (require('./json') as typeof Json).renderJson(run);
    case 'markdown':
      return (require('./markdown') as typeof Markdown).renderMarkdown(run, {maxFailures: context.maxFailures});
    case 'junit':
      return (require('./junit') as typeof Junit).renderJunit(run, context.junit);
    case 'csv':
      return (require('./csv') as typeof Csv).renderCsv(run);
    case 'yaml':
      return (require('./yaml') as typeof Yaml).renderYaml(run);
    case 'html':
      if (context.chartLibrary === null) throw new Error('the html format needs the chart library');
      return (require('./html') as typeof Html).renderHtml(run, {chartLibrary: context.chartLibrary, maxFailures: context.maxFailures});
    case 'ctrf':
      return (require('./ctrf') as typeof Ctrf).renderCtrf(run, context.toolVersion);
    case 'prometheus':
      return (require('./prometheus') as typeof Prometheus).renderPrometheus(run);
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** A whole format as one string (tests, small runs). */
export const renderToString = (chunks: Iterable<string>): string => Array.from(chunks).join('');
