#!/usr/bin/env node
/**
 * The `jest-perf-monitor` command (docs/cli.md). Exit codes: 0 fine, 1 a check failed, 2 bad input or usage
 * (with one line on stderr that names the file or option at fault).
 */
import {Command, CommanderError} from 'commander';
import {printable} from '../formats/terminalText';
import {InputError} from '../io/readMetricsFile';
import {packageVersion} from '../io/writeReports';
import {compareCommand} from './compare';
import {historyCommand} from './history';
import {mergeCommand} from './merge';
import {profileCommand} from './profile';
import {reportCommand} from './report';
import {summaryCommand} from './summary';

const program = new Command('jest-perf-monitor')
  .description('Work with performance_metrics.json files written by the jest-perf-monitor reporter')
  .version(packageVersion() ?? 'unknown')
  .exitOverride()
  .addCommand(summaryCommand())
  .addCommand(reportCommand())
  .addCommand(compareCommand())
  .addCommand(mergeCommand())
  .addCommand(historyCommand())
  .addCommand(profileCommand());
// Sub-commands exit through the same path, so usage errors anywhere give exit code 2, and every error is one
// line (commander adds a "Did you mean …?" line of its own).
const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
for (const command of everyCommand(program)) {
  command.exitOverride().configureOutput({outputError: (text, write) => write(`jest-perf-monitor: ${printable(text.trim().replace(/\s*\n\s*/g, ' '))}\n`)});
}

function fail(message: string): void {
  // File names and ids the user gave are in messages: shown escaped, they cannot act on the terminal.
  process.stderr.write(`jest-perf-monitor: ${printable(message)}\n`);
  process.exitCode = 2;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Commander has printed its own line (or the help); only the exit code is ours to set.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof InputError) {
    fail(error.message);
  } else {
    fail(`internal error: ${error instanceof Error ? error.message : String(error)}`);
  }
});
