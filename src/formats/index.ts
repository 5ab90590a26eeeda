import type {RunMetrics} from '../model/types';
import type {FormatName, JunitOptions} from '../options/types';
import {renderCsv} from './csv';
import {renderCtrf} from './ctrf';
import {renderHtml} from './html';
import {renderJson} from './json';
import {renderJunit} from './junit';
import {renderMarkdown} from './markdown';
import {renderPrometheus} from './prometheus';
import {renderYaml} from './yaml';

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

function renderer(format: FormatName, run: RunMetrics, context: FormatContext): Iterable<string> {
  switch (format) {
    case 'json':
      return renderJson(run);
    case 'markdown':
      return renderMarkdown(run, {maxFailures: context.maxFailures});
    case 'junit':
      return renderJunit(run, context.junit);
    case 'csv':
      return renderCsv(run);
    case 'yaml':
      return renderYaml(run);
    case 'html':
      if (context.chartLibrary === null) throw new Error('the html format needs the chart library');
      return renderHtml(run, {chartLibrary: context.chartLibrary, maxFailures: context.maxFailures});
    case 'ctrf':
      return renderCtrf(run, context.toolVersion);
    case 'prometheus':
      return renderPrometheus(run);
  }
}

/** A whole format as one string (tests, small runs). */
export const renderToString = (chunks: Iterable<string>): string => Array.from(chunks).join('');
