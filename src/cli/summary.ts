import {Command} from 'commander';
import {renderSummary, terminalColumns} from '../formats/summary';
import {METRICS_FILE_HELP, readRunFile} from './paths';

/** `jest-perf-monitor summary [file]`: the summary the reporter prints after a run, from a metrics file. */
export function summaryCommand(): Command {
  return new Command('summary')
    .description('print the summary of a metrics file, as the reporter prints it after a run')
    .argument('[file]', METRICS_FILE_HELP)
    .action((file: string | undefined) => {
      process.stdout.write(renderSummary(readRunFile(file), {columns: terminalColumns(process.stdout)}));
    });
}
