import {Command, InvalidArgumentError} from 'commander';
import {functionLabel} from '../formats/common';
import {formatMs, printable, table} from '../formats/terminalText';
import {InputError, readJsonFile} from '../io/readMetricsFile';
import {cpuProfileProblem, topFunctions} from '../model/cpuProfile';
import type {CpuProfile} from '../model/cpuProfile';

/** `jest-perf-monitor profile <file.cpuprofile>`: the functions of a saved CPU profile with the most self time. */
export function profileCommand(): Command {
  return new Command('profile')
    .description('print the top functions (self and total time) of a saved CPU profile, such as profiles/*.cpuprofile')
    .argument('<file>', 'a .cpuprofile file')
    .option('--top <n>', 'how many functions to list', parseTop, 10)
    .action((file: string, options: {top: number}) => {
      const profile = readProfile(file);
      let text: string;
      try {
        text = renderProfile(profile, {top: options.top, rootDir: process.cwd()});
      } catch (error) {
        // Whatever the checks let through, a file that cannot be read as a profile is the file's fault: name it.
        throw new InputError(`${file}: not a usable .cpuprofile (${(error as Error).message})`);
      }
      process.stdout.write(text);
    });
}

function parseTop(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return Number(value);
}

/** Reads and checks a `.cpuprofile`, or throws an `InputError` naming the file. */
export function readProfile(file: string): CpuProfile {
  const parsed = readJsonFile(file);
  const problem = cpuProfileProblem(parsed);
  if (problem !== null) throw new InputError(`${file}: ${problem}`);
  return parsed as CpuProfile;
}

/** The profile's span and sample count, then its top functions as a table. */
export function renderProfile(profile: CpuProfile, options: {top: number; rootDir: string}): string {
  const spanMs = (profile.endTime - profile.startTime) / 1000;
  const rows = topFunctions(profile, {rootDir: options.rootDir, limit: options.top}).map(fn => [functionLabel(fn), formatMs(fn.selfMs), formatMs(fn.totalMs)]);
  const lines = [printable(`${formatMs(spanMs)} profiled, ${profile.samples.length} samples`)];
  if (rows.length === 0) lines.push('No samples.');
  else lines.push(...table('Top functions by self time', [['function', 'self', 'total'], ...rows]));
  return `${lines.join('\n')}\n`;
}
