import {readFileSync} from 'fs';
import * as path from 'path';
import {FORMAT_SUFFIX, renderFormat} from '../formats';
import type {FormatContext} from '../formats';
import type {RunMetrics} from '../model/types';
import type {FormatName, JunitOptions} from '../options/types';
import {writeFileAtomic} from './writeFileAtomic';

/** Where each format goes: `json` is the main file itself; the others sit in `outputDir`, named after it. */
export function reportPath(format: FormatName, output: string, outputDir: string): string {
  if (format === 'json') return output;
  return path.join(outputDir, `${path.basename(output).replace(/\.json$/i, '')}${FORMAT_SUFFIX[format]}`);
}

/** Chart.js's browser build, inlined into the HTML report; the build copies it to dist/vendor (scripts/vendorChartJs.js). */
export function loadChartLibrary(): string {
  return readFileSync(path.join(__dirname, '..', 'vendor', 'chart.umd.min.js'), 'utf8');
}

let toolVersion: string | null | undefined;
/** This package's version (from its package.json, two levels up from both `src/io` and `dist/io`). */
export function packageVersion(): string | null {
  if (toolVersion === undefined) {
    try {
      toolVersion = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {version?: string}).version ?? null;
    } catch {
      toolVersion = null;
    }
  }
  return toolVersion;
}

export interface ReportOutcome {
  format: FormatName;
  file: string;
  /** Set when this format could not be rendered or written; the other formats are written regardless. */
  error: Error | null;
}

/** Renders and writes each format atomically, one after the other; one failing format never stops the others. */
export function writeReports(
  run: RunMetrics,
  targets: ReadonlyArray<{format: FormatName; file: string}>,
  options: {junit: Required<JunitOptions>; maxFailures?: number; beforeEach?: () => void},
): ReportOutcome[] {
  const context: FormatContext = {junit: options.junit, chartLibrary: null, toolVersion: packageVersion(), maxFailures: options.maxFailures};
  return targets.map(({format, file}) => {
    try {
      // The reporter's clock: what the reports written so far cost, for the next one to carry.
      options.beforeEach?.();
      if (format === 'html' && context.chartLibrary === null) context.chartLibrary = loadChartLibrary();
      writeFileAtomic(file, renderFormat(format, run, context));
      return {format, file, error: null};
    } catch (error) {
      return {format, file, error: error instanceof Error ? error : new Error(String(error))};
    }
  });
}
