import {createHash} from 'crypto';
import {copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync} from 'fs';
import * as path from 'path';
import {makeDirectories} from '../io/writeFileAtomic';
import type {ProfileCandidate} from '../model/channel';
import type {RunMetrics, TestEntry} from '../model/types';

/** Lists the profiles a run wrote, so the next run replaces them and never touches anyone else's files. */
const MANIFEST = '.jest-perf-monitor-profiles';
const MAX_NAME = 80;

/**
 * `cpuProfile`, in the reporter: gathers the candidates each worker kept, then picks the run's slowest tests
 * (plus those over a duration budget, and those that regressed, among the candidates), moves their
 * `.cpuprofile` files to `<outputDir>/profiles/` and sets `profile` on their records.
 */
export class ProfileKeeper {
  private readonly candidates: Array<{entry: TestEntry; candidate: ProfileCandidate}> = [];

  constructor(private readonly options: {tests: number; outputDir: string; output: string}) {}

  /** A file's candidates, matched to its tests by position and attempt. */
  addFile(profiles: readonly ProfileCandidate[] | undefined, tests: readonly TestEntry[]): void {
    if (profiles === undefined || profiles.length === 0) return;
    const byIndex = new Map(tests.map(entry => [entry.record.index, entry]));
    for (const candidate of profiles) {
      const entry = byIndex.get(candidate.index);
      const attempts = entry?.record.attempts;
      if (entry === undefined || attempts === undefined || attempts[attempts.length - 1].attempt !== candidate.attempt) continue;
      this.candidates.push({entry, candidate});
    }
  }

  /**
   * Moves the chosen profiles into place and returns a problem to tell the user, or null. Run once the checks
   * have filled `run.budgets` and `run.regressions`.
   */
  finish(run: RunMetrics): string | null {
    // A worker deletes a candidate a slower test displaced; the run's slowest are all still there.
    const present = this.candidates.filter(({candidate}) => existsSync(candidate.path));
    const dir = path.join(this.options.outputDir, 'profiles');
    const flagged = new Set<string>();
    for (const breach of run.budgets?.breaches ?? []) if (breach.test !== null && breach.metric === 'duration') flagged.add(breach.test);
    for (const change of run.regressions?.regressions ?? []) flagged.add(change.id);
    const slowest = [...present].sort((a, b) => b.candidate.durationMs - a.candidate.durationMs).slice(0, this.options.tests);
    const chosen = new Set([...slowest, ...present.filter(({entry, candidate}) => candidate.overBudget || flagged.has(entry.id))]);

    try {
      // No profile this run: the directory is made only when something goes in it.
      if (chosen.size === 0 && !existsSync(dir)) return null;
      makeDirectories(dir);
      const names = new Set<string>();
      const planned = [...chosen].map(item => ({...item, name: uniqueName(safeName(item.entry.id), names)}));
      // The manifest lists the new names before any is written, the earlier ones too until they are gone: a run
      // that stops midway leaves no file of ours that the next run would not replace.
      const earlier = earlierProfiles(dir);
      writeManifest(dir, [...new Set([...earlier, ...names])]);
      for (const name of earlier) rmSync(path.join(dir, name), {force: true});
      for (const {entry, candidate, name} of planned) {
        const target = path.join(dir, name);
        // Copied, not renamed: the channel is in the system's temp directory, often another file system. The copy
        // goes to a temp name first, so a profile in place is always whole.
        const temp = `${target}.${process.pid}.tmp`;
        copyFileSync(candidate.path, temp);
        renameSync(temp, target);
        rmSync(candidate.path, {force: true});
        entry.record.profile = {file: path.relative(path.dirname(this.options.output), target).split(path.sep).join('/'), top: candidate.top};
      }
      writeManifest(dir, [...names]);
      return null;
    } catch (error) {
      return `cannot write the CPU profiles to ${dir}: ${(error as Error).message}`;
    }
  }
}

/** The profiles an earlier run listed in the manifest: only those are replaced, any other file is left alone. */
function earlierProfiles(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(path.join(dir, MANIFEST), 'utf8');
  } catch {
    // None yet, or not a readable file (a directory of that name): nothing of ours to replace.
    return [];
  }
  // Names only, as written: a hand-edited manifest cannot reach outside the directory, nor hold a NUL.
  return text.split('\n').filter(name => /^[A-Za-z0-9._-]+\.cpuprofile$/.test(name) && path.basename(name) === name);
}

/** Written to a temp name and renamed: a manifest is always whole. */
function writeManifest(dir: string, names: string[]): void {
  const manifest = path.join(dir, MANIFEST);
  const temp = `${manifest}.${process.pid}.tmp`;
  writeFileSync(temp, names.length === 0 ? '' : `${names.join('\n')}\n`);
  renameSync(temp, manifest);
}

/**
 * A file name from a test id: letters, digits, `.`, `-` and `_` kept, runs of anything else turned into one `_`,
 * cut to a bounded length, and a short hash of the whole id so two ids that read alike stay apart.
 */
export function safeName(id: string): string {
  const readable = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, MAX_NAME).replace(/[._-]+$/, '');
  const hash = createHash('sha1').update(id).digest('hex').slice(0, 8);
  return `${readable || 'test'}-${hash}.cpuprofile`;
}

function uniqueName(name: string, taken: Set<string>): string {
  let unique = name;
  for (let n = 2; taken.has(unique); n++) unique = name.replace(/\.cpuprofile$/, `-${n}.cpuprofile`);
  taken.add(unique);
  return unique;
}
