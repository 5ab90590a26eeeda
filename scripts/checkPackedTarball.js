#!/usr/bin/env node
/**
 * What a new user does: `npm pack` this package, install the tarball beside Jest 29 in an empty project, add the
 * two config lines, run Jest on the example's tests, and get a correct performance_metrics.json. Run by .ci/run.
 */
const {execFileSync, spawnSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-perf-monitor-pack-'));
const fail = message => {
  console.error(`checkPackedTarball: ${message}`);
  process.exit(1);
};

try {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {cwd: repo, encoding: 'utf8'}).trim().split('\n').pop();
  const project = path.join(work, 'project');
  fs.cpSync(path.join(repo, 'examples', 'inventory'), project, {recursive: true, filter: source => !source.endsWith('performance_metrics.json')});
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({name: 'user-project', private: true}, null, 2));
  console.log(`checkPackedTarball: installing ${tarball} beside jest@29 in ${project}`);
  // Without optional dependencies: better-sqlite3 (history) is one, and a user whose machine cannot build it must
  // still get a working package. The history check below is that user's view.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--omit=optional', 'jest@29', path.join(work, tarball)], {cwd: project, stdio: 'inherit'});
  if (fs.existsSync(path.join(project, 'node_modules', 'better-sqlite3'))) fail('better-sqlite3 was installed despite --omit=optional');

  const jest = spawnSync(process.execPath, [path.join(project, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], {cwd: project, encoding: 'utf8', env: {...process.env, FORCE_COLOR: '0'}});
  if (jest.status !== 1) fail(`expected Jest to exit 1 (one deliberate failure), got ${jest.status}\n${jest.stderr}`);
  if (!jest.stderr.includes('Slowest tests')) fail(`the summary was not printed\n${jest.stderr}`);
  const metrics = JSON.parse(fs.readFileSync(path.join(project, 'performance_metrics.json'), 'utf8'));
  const tests = Object.values(metrics.tests);
  if (tests.length !== 10) fail(`expected 10 tests, got ${tests.length}`);
  if (!/^29\./.test(metrics.system.jest_version)) fail(`expected jest_version 29.x, got ${metrics.system.jest_version}`);
  if (tests.filter(t => t.status === 'failed').length !== 1) fail('expected exactly one failed test');
  for (const t of tests) {
    if (Math.abs(t.duration - (t.setup_time + t.call_time + t.teardown_time)) > 0.00001) fail(`split does not add up: ${JSON.stringify(t)}`);
  }
  console.log(`checkPackedTarball: ok — the packed package works beside Jest ${metrics.system.jest_version} (${tests.length} tests recorded)`);

  // The example's config asks for HTML too: the chart library must resolve from the installed package.
  const html = fs.readFileSync(path.join(project, 'reports', 'performance_metrics.html'), 'utf8');
  if (!html.includes('Chart.js v4') || !html.includes('"tests":[[')) fail('the HTML report lacks the inlined chart library or its data');
  // The CLI, through the bin npm linked.
  const bin = path.join(project, 'node_modules', '.bin', 'jest-perf-monitor');
  const summary = spawnSync(bin, ['summary'], {cwd: project, encoding: 'utf8'});
  if (summary.status !== 0 || !summary.stdout.startsWith('jest-perf-monitor: 10 tests (9 passed, 1 failed)')) {
    fail(`jest-perf-monitor summary: exit ${summary.status}\n${summary.stdout}${summary.stderr}`);
  }
  const junit = spawnSync(bin, ['report', '--format', 'junit', '--output', 'junit.xml'], {cwd: project, encoding: 'utf8'});
  if (junit.status !== 0 || !fs.readFileSync(path.join(project, 'junit.xml'), 'utf8').includes('<testsuites name="jest tests" tests="10" failures="1"')) {
    fail(`jest-perf-monitor report --format junit: exit ${junit.status}\n${junit.stderr}`);
  }
  console.log('checkPackedTarball: ok — HTML report written; the jest-perf-monitor bin prints the summary and converts to JUnit');

  // The jsdom entry without jest-environment-jsdom installed: one error that names the package to install.
  fs.writeFileSync(path.join(project, 'jest.jsdom.config.js'), "module.exports = {testEnvironment: 'jest-perf-monitor/environment-jsdom', reporters: ['default', ['jest-perf-monitor', {}]]};\n");
  const jsdom = spawnSync(process.execPath, [path.join(project, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--config', 'jest.jsdom.config.js', 'pricing'], {cwd: project, encoding: 'utf8', env: {...process.env, FORCE_COLOR: '0'}});
  if (jsdom.status === 0 || !jsdom.stderr.includes("jest-perf-monitor/environment-jsdom needs the package 'jest-environment-jsdom'")) {
    fail(`expected the missing-jsdom error, got exit ${jsdom.status}\n${jsdom.stderr}`);
  }
  console.log('checkPackedTarball: ok — without jest-environment-jsdom, the jsdom entry names the package to install');

  // The exports map, as docs/api.md states it: every entry resolves with its types, the main entry carries the stable
  // API only (the renderers are in /experimental), and nothing else in the package can be required.
  const pkgDir = path.join(project, 'node_modules', 'jest-perf-monitor');
  const installed = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  for (const [entry, target] of Object.entries(installed.exports)) {
    if (entry === './package.json') continue;
    for (const file of [target.default, target.types]) {
      if (!fs.existsSync(path.join(pkgDir, file))) fail(`exports["${entry}"] names ${file}, which the tarball lacks`);
    }
  }
  const probe = spawnSync(process.execPath, ['-e', `
    const api = require('jest-perf-monitor');
    const experimental = require('jest-perf-monitor/experimental');
    let internal = 'resolved';
    try { require('jest-perf-monitor/dist/formats/json'); } catch (error) { internal = error.code; }
    console.log(JSON.stringify({withConfig: typeof api.withPerfMonitorConfig, reporter: typeof api.default, renderJson: typeof api.renderJson,
      experimentalRenderJson: typeof experimental.renderJson, internal}));
  `], {cwd: project, encoding: 'utf8'});
  const seen = probe.status === 0 ? JSON.parse(probe.stdout) : null;
  const wantedApi = {withConfig: 'function', reporter: 'function', renderJson: 'undefined', experimentalRenderJson: 'function', internal: 'ERR_PACKAGE_PATH_NOT_EXPORTED'};
  if (JSON.stringify(seen) !== JSON.stringify(wantedApi)) fail(`the exports map: expected ${JSON.stringify(wantedApi)}, got ${probe.stdout}${probe.stderr}`);
  console.log('checkPackedTarball: ok — every entry of the exports map is in the tarball with its types; internals cannot be required');

  // History without better-sqlite3: one line naming what to install; the run, its report and exit code unchanged.
  const history = spawnSync(process.execPath, [path.join(project, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], {
    cwd: project,
    encoding: 'utf8',
    env: {...process.env, FORCE_COLOR: '0', JEST_PERF_HISTORY: '.jest-perf/history.db'},
  });
  const notice = history.stderr.split('\n').filter(line => line.includes('better-sqlite3'));
  if (history.status !== 1 || notice.length !== 1 || !/better-sqlite3 with its install script allowed \(npm install better-sqlite3\); this run is not recorded$/.test(notice[0])) {
    fail(`expected one notice naming better-sqlite3 and exit 1, got exit ${history.status}\n${history.stderr}`);
  }
  if (Object.keys(JSON.parse(fs.readFileSync(path.join(project, 'performance_metrics.json'), 'utf8')).tests).length !== 10) fail('the run with history on lost its report');
  console.log('checkPackedTarball: ok — without the optional better-sqlite3, history is one notice and the run is unchanged');
} finally {
  fs.rmSync(work, {recursive: true, force: true});
}
