#!/usr/bin/env node
/**
 * Prepares the Jest installs the fixture tests run against, one per supported major:
 *   - Jest 30: the repo's own node_modules (devDependencies);
 *   - Jest 29: .jest-installs/29, an npm install of jest@29, jest-environment-jsdom@29 and jest-jasmine2@29.
 * Into each it copies the built package (package.json + dist) as node_modules/jest-perf-monitor, with the
 * package's runtime dependencies beside it, the way `npm install jest-perf-monitor` would lay it out.
 * Run after `npm run build`; `npm test` does both. `--install-only` installs Jest 29 alone, before any build.
 */
const {execFileSync} = require('child_process');
const fs = require('fs');
const path = require('path');
const jest29Packages = require('./jest29Packages');

const repo = path.resolve(__dirname, '..');
const installs = path.join(repo, '.jest-installs');

function installedMajor(root, name) {
  try {
    return Number(JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version.split('.')[0]);
  } catch {
    return null;
  }
}

function copyPackage(root) {
  const target = path.join(root, 'node_modules', 'jest-perf-monitor');
  fs.rmSync(target, {recursive: true, force: true});
  fs.mkdirSync(target, {recursive: true});
  fs.copyFileSync(path.join(repo, 'package.json'), path.join(target, 'package.json'));
  fs.cpSync(path.join(repo, 'dist'), path.join(target, 'dist'), {recursive: true});
}

function ensureJest29() {
  const root = path.join(installs, '29');
  // jest-jasmine2: the runner Jest 29 still offered, for the fixtures of a config that keeps it.
  const wanted = jest29Packages(repo);
  const marker = path.join(root, '.installed');
  if (installedMajor(root, 'jest') !== 29 || !fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== wanted.join(' ')) {
    fs.mkdirSync(root, {recursive: true});
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({name: 'jest29-install', private: true}, null, 2));
    process.stdout.write(`Installing ${wanted.join(' ')} into ${path.relative(repo, root)} ...\n`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...wanted], {cwd: root, stdio: 'inherit'});
    fs.writeFileSync(marker, wanted.join(' '));
  }
}

// --install-only: the Jest 29 install alone (no build needed), so CI can run it while it type-checks and lints.
if (process.argv.includes('--install-only')) {
  ensureJest29();
  process.exit(0);
}
if (!fs.existsSync(path.join(repo, 'dist', 'index.js'))) {
  console.error('prepareJestInstalls: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
if (installedMajor(repo, 'jest') !== 30) {
  console.error('prepareJestInstalls: the repo must have jest@30 installed (npm ci)');
  process.exit(2);
}
// Jest 30: the package goes into the repo's own node_modules (replacing any development symlink).
fs.rmSync(path.join(repo, 'node_modules', 'jest-perf-monitor'), {recursive: true, force: true});
copyPackage(repo);
fs.mkdirSync(path.join(installs, '30'), {recursive: true});
if (!process.argv.includes('--only=30')) {
  ensureJest29();
  copyPackage(path.join(installs, '29'));
}
