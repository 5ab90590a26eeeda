import {execFileSync} from 'child_process';
import {createHash} from 'crypto';
import * as os from 'os';

/** Where and on what a run happened: what makes two runs' timings comparable. */
export interface RunContext {
  gitCommit: string | null;
  gitBranch: string | null;
  ciProvider: string | null;
  /** A short hash of `machineLabel`: runs with equal fingerprints ran on the same kind of machine. */
  machine: string;
  /** OS, architecture, CPU count and model, memory; no host name (it changes on every CI runner, and it is private). */
  machineLabel: string;
}

/** CI services export the commit and branch they build; a CI checkout is often a detached HEAD without a branch. */
const COMMIT_VARS = ['GITHUB_SHA', 'CI_COMMIT_SHA', 'CIRCLE_SHA1', 'BUILDKITE_COMMIT', 'TRAVIS_COMMIT', 'BITBUCKET_COMMIT', 'GIT_COMMIT'];
/** GITHUB_HEAD_REF first: in a pull request GITHUB_REF_NAME is `<n>/merge`. */
const BRANCH_VARS = ['GITHUB_HEAD_REF', 'GITHUB_REF_NAME', 'CI_COMMIT_REF_NAME', 'CIRCLE_BRANCH', 'BUILDKITE_BRANCH', 'TRAVIS_BRANCH', 'BITBUCKET_BRANCH', 'GIT_BRANCH'];

function git(rootDir: string, args: string[]): string | null {
  try {
    const out = execFileSync('git', args, {cwd: rootDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000}).trim();
    return out === '' ? null : out;
  } catch {
    return null;
  }
}

export function collectRunContext(rootDir: string, ciProvider: string | null, env: NodeJS.ProcessEnv = process.env): RunContext {
  const fromEnv = (names: string[]): string | null => names.map(name => env[name]).find(value => value !== undefined && value !== '') ?? null;
  const gitCommit = fromEnv(COMMIT_VARS) ?? git(rootDir, ['rev-parse', 'HEAD']);
  // Jenkins says `origin/main`, some services `refs/heads/main`: `history:main` must match them all.
  let gitBranch = fromEnv(BRANCH_VARS)?.replace(/^(refs\/heads\/|origin\/)/, '') ?? null;
  if (gitBranch === null) {
    const branch = git(rootDir, ['rev-parse', '--abbrev-ref', 'HEAD']);
    gitBranch = branch === 'HEAD' ? null : branch;
  }
  const cpus = os.cpus();
  const machineLabel = `${process.platform}-${process.arch}, ${cpus.length} × ${(cpus[0]?.model ?? 'unknown CPU').trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  const machine = createHash('sha256').update(machineLabel).digest('hex').slice(0, 12);
  return {gitCommit, gitBranch, ciProvider, machine, machineLabel};
}

/**
 * What the shards of one CI run share: `JEST_PERF_RUN_ID`, else the CI service's own id for the run (and its
 * attempt, so a re-run is a run of its own). Null when there is none: each shard is then a run of its own.
 */
export function runKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = (name: string): string | null => (env[name] === undefined || env[name]!.trim() === '' ? null : env[name]!.trim());
  const explicit = value('JEST_PERF_RUN_ID');
  if (explicit !== null) return explicit;
  const github = value('GITHUB_RUN_ID');
  if (github !== null) return `github:${github}:${value('GITHUB_RUN_ATTEMPT') ?? '1'}`;
  const ids: Array<[string, string]> = [
    ['gitlab', 'CI_PIPELINE_ID'],
    ['circleci', 'CIRCLE_WORKFLOW_ID'],
    ['buildkite', 'BUILDKITE_BUILD_ID'],
    ['azure', 'BUILD_BUILDID'],
    ['jenkins', 'BUILD_TAG'],
  ];
  for (const [service, name] of ids) {
    const id = value(name);
    if (id !== null) return `${service}:${id}`;
  }
  return null;
}
