import {Command, InvalidArgumentError, Option} from 'commander';
import {writeSync} from 'fs';
import {renderFormat, RenderError} from '../formats';
import {InputError} from '../io/readMetricsFile';
import {METRICS_FILE_HELP, readRunFile} from './paths';
import {writeFileAtomic, writeProblem} from '../io/writeFileAtomic';
import {loadChartLibrary, packageVersion} from '../io/writeReports';
import {limitFailureDetail} from '../model/limitFailureDetail';
import {JUNIT_DEFAULTS, resolveJunitOptions} from '../options/resolveOptions';
import {FORMATS} from '../options/types';
import type {FormatName, JunitOptions} from '../options/types';

/**
 * Synchronous writes to standard output: errors (a full disk, a closed pipe) come back here, where they become
 * one line, rather than as an 'error' event after the command has finished.
 */
function writeStdout(chunk: string): void {
  const buffer = Buffer.from(chunk);
  for (let offset = 0; offset < buffer.length; ) {
    try {
      offset += writeSync(1, buffer, offset);
    } catch (error) {
      // A non-blocking pipe that is full: wait a millisecond for the reader rather than fail.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

function count(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError('expected an integer >= 0.');
  return parsed;
}

/** `--junit '{"reportRetries": true}'`: the reporter's `junit` option, as JSON, with the same checks. */
function junitOptions(value: string): Required<JunitOptions> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected JSON, such as \'{"reportRetries": true}\'.');
  }
  try {
    return resolveJunitOptions(parsed);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message.replace(/^jest-perf-monitor: /, ''));
  }
}

/** `jest-perf-monitor report [file] --format F [--output O] [--max-failures N]`: convert a metrics file. */
export function reportCommand(): Command {
  return new Command('report')
    .description('convert a metrics file to another format')
    .argument('[file]', METRICS_FILE_HELP)
    .addOption(new Option('-f, --format <format>', 'the format to write').choices(FORMATS).makeOptionMandatory())
    .option('-o, --output <file>', 'where to write it (written atomically); without it, standard output')
    .option('--max-failures <n>', 'keep the full detail (code frame, stack, variables) of the first n failed tests only', count)
    .option('--junit <json>', 'for --format junit: naming templates and reportRetries, as the reporter\'s junit option', junitOptions)
    .action((file: string | undefined, options: {format: FormatName; output?: string; maxFailures?: number; junit?: Required<JunitOptions>}) => {
      let run = readRunFile(file);
      if (options.maxFailures !== undefined) run = limitFailureDetail(run, options.maxFailures);
      const chunks = renderFormat(options.format, run, {
        junit: options.junit ?? JUNIT_DEFAULTS,
        chartLibrary: options.format === 'html' ? loadChartLibrary() : null,
        toolVersion: packageVersion(),
        maxFailures: options.maxFailures,
      });
      const toStdout = options.output === undefined || options.output === '-';
      try {
        if (toStdout) for (const chunk of chunks) writeStdout(chunk);
        else writeFileAtomic(options.output!, chunks);
      } catch (error) {
        if (error instanceof RenderError) throw new InputError(`${file}: ${error.message}`);
        // A closed pipe (`jest-perf-monitor report -f csv | head`) is the reader's choice, not an error.
        if (toStdout && (error as NodeJS.ErrnoException).code === 'EPIPE') return;
        throw new InputError(`cannot write ${toStdout ? 'to standard output' : options.output}: ${writeProblem(error)}`);
      }
    });
}
