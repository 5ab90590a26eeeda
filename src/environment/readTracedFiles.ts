import {readFailedFiles} from '../model/failedFiles';

let cached: {key: string; files: Set<string>} | null = null;

/**
 * The files mode `auto` traces: those that failed in the previous run (see `model/failedFiles`). Read once per
 * worker and run, not per file: the key holds the run's channel directory, which each run (and watch re-run) makes anew.
 */
export function tracedFiles(cacheDirectory: string, runKey: string): Set<string> {
  const key = `${runKey}\0${cacheDirectory}`;
  if (cached === null || cached.key !== key) cached = {key, files: readFailedFiles(cacheDirectory)};
  return cached.files;
}
