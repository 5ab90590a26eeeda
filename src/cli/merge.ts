import {Command} from 'commander';
import * as path from 'path';
import {mergeRuns} from '../analysis/mergeRuns';
import {printable} from '../formats/terminalText';
import {renderJson} from '../formats/json';
import {InputError, readMetricsFile} from '../io/readMetricsFile';
import {writeFileAtomic, writeProblem} from '../io/writeFileAtomic';

/** `jest-perf-monitor merge <files...> --output O`: one metrics file from the files of `jest --shard=i/n` runs. */
export function mergeCommand(): Command {
  return new Command('merge')
    .description('combine the metrics files of jest --shard runs into one, with the summary recomputed')
    .argument('<files...>', 'performance_metrics.json files, one per shard')
    .requiredOption('-o, --output <file>', 'the merged file (written atomically)')
    .action((files: string[], flags: {output: string}) => {
      const runs = files.map(file => readMetricsFile(file));
      // A profile's path is relative to its JSON file: made relative to the merged file, it still leads to it.
      runs.forEach((input, i) => {
        for (const entry of input.tests) {
          const profile = entry.record.profile;
          if (profile === undefined) continue;
          const target = path.resolve(path.dirname(files[i]), profile.file);
          entry.record.profile = {...profile, file: path.relative(path.dirname(path.resolve(flags.output)), target).split(path.sep).join('/')};
        }
      });
      const versions = new Set(runs.map(run => run.schemaVersion));
      if (versions.size > 1) {
        const listed = files.map((file, i) => `${file} (${runs[i].schemaVersion})`).join(', ');
        throw new InputError(`cannot merge files of different schema_version: ${listed}; write them with one version of jest-perf-monitor`);
      }
      const {run, duplicateIds, summaryFromInputs} = mergeRuns(runs);
      try {
        writeFileAtomic(flags.output, renderJson(run));
      } catch (error) {
        throw new InputError(`cannot write ${flags.output}: ${writeProblem(error)}`);
      }
      const notes: string[] = [];
      if (duplicateIds.length > 0) notes.push(`${duplicateIds.length} test id(s) were in more than one file; the later run of each was kept`);
      if (summaryFromInputs) notes.push('an input left passed tests out (maxPassed), so the summary combines the inputs\' summaries');
      process.stderr.write(`jest-perf-monitor: merged ${files.length} files, ${run.stats.totalCount} tests, into ${printable(flags.output)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n`);
    });
}
