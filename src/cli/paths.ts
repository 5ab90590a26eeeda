/**
 * The CLI's side of the one rule for relative paths (docs/configuration.md, "Paths"): paths on the command line and
 * in `JEST_PERF_*` variables are relative to the current directory, as the reporter reads those same variables; a
 * path in the Jest config is relative to Jest's rootDir, which the CLI cannot know, so its "not found" lines say
 * where the reporter writes by default.
 */
import {existsSync} from 'fs';
import * as path from 'path';
import {InputError, readMetricsFile} from '../io/readMetricsFile';
import type {RunMetrics} from '../model/types';

/** The reporter's default `output`, relative to Jest's rootDir. */
export const DEFAULT_OUTPUT = 'performance_metrics.json';

/** How the default metrics file is described in `--help`. */
export const METRICS_FILE_HELP = `a performance_metrics.json (default: JEST_PERF_OUTPUT, else ./${DEFAULT_OUTPUT})`;

/** A variable's path as the reporter reads it: `<rootDir>` (unknown here) is taken as the current directory. */
export function pathFromEnv(value: string): string {
  return path.resolve(value.startsWith('<rootDir>') ? `.${value.slice('<rootDir>'.length)}` : value);
}

/** The metrics file a command reads when none is named: `JEST_PERF_OUTPUT`'s, else `performance_metrics.json` here. */
export function defaultMetricsFile(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.JEST_PERF_OUTPUT?.trim();
  return fromEnv ? pathFromEnv(fromEnv) : DEFAULT_OUTPUT;
}

/**
 * Reads the named metrics file, or the default one; a default that is missing says where the reporter writes, so
 * that a run from another directory than Jest's rootDir knows what to do.
 */
export function readRunFile(file: string | undefined): RunMetrics {
  if (file !== undefined) return readMetricsFile(file);
  const chosen = defaultMetricsFile();
  if (!existsSync(chosen)) {
    throw new InputError(
      `cannot read ${chosen}: no such file (the reporter writes <rootDir>/${DEFAULT_OUTPUT} by default, in the directory of the Jest config or its rootDir; ` +
        'run this command there, or name the file)',
    );
  }
  return readMetricsFile(chosen);
}
