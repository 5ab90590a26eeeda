import {Command} from 'commander';
import {renderSummary, terminalColumns} from '../formats/summary';
import {readMetricsFile} from '../io/readMetricsFile';

/** `jest-perf-monitor summary [file]`: the summary the reporter prints after a run, from a metrics file. */
export function summaryCommand(): Command {
  return new Command('summary')
    .description('print the summary of a metrics file, as the reporter prints it after a run')
    .argument('[file]', 'a performance_metrics.json', 'performance_metrics.json')
    .action((file: string) => {
      process.stdout.write(renderSummary(readMetricsFile(file), {columns: terminalColumns(process.stdout)}));
    });
}
