#!/usr/bin/env node
/**
 * `npm run example`: runs the example project under examples/inventory with the built package, prints Jest's
 * output and our summary, and checks that performance_metrics.json was written. The example has one
 * deliberately failing test, so Jest exits 1; this script exits 0 when that is the only failure.
 */
const {execFileSync, spawnSync} = require('child_process');
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const example = path.join(repo, 'examples', 'inventory');
execFileSync(process.execPath, [path.join(__dirname, 'prepareJestInstalls.js'), '--only=30'], {stdio: 'inherit'});

const output = path.join(example, 'performance_metrics.json');
const reports = ['reports/performance_metrics.html', 'reports/performance_metrics.md'].map(file => path.join(example, file));
for (const file of [output, ...reports]) fs.rmSync(file, {force: true});
const jest = spawnSync(process.execPath, [path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js'), ...process.argv.slice(2)], {cwd: example, stdio: 'inherit'});

if (!fs.existsSync(output)) {
  console.error(`\nexample: ${path.relative(repo, output)} was not written`);
  process.exit(1);
}
const metrics = JSON.parse(fs.readFileSync(output, 'utf8'));
const failed = Object.entries(metrics.tests).filter(([, t]) => t.status === 'failed').map(([id]) => id);
console.log(`\nexample: wrote ${path.relative(repo, output)} with ${Object.keys(metrics.tests).length} tests (Jest exited ${jest.status}).`);
const expected = ['__tests__/pricing.test.js::cartTotal > applies the holiday discount'];
if (JSON.stringify(failed) !== JSON.stringify(expected)) {
  console.error(`example: expected only the deliberate failure ${expected[0]}, got ${JSON.stringify(failed)}`);
  process.exit(1);
}
console.log('example: the one failure is the deliberate one, as expected.');
const missing = reports.filter(file => !fs.existsSync(file));
if (missing.length > 0) {
  console.error(`example: not written: ${missing.map(file => path.relative(repo, file)).join(', ')}`);
  process.exit(1);
}
console.log(`example: open ${path.relative(repo, reports[0])} in a browser for the charts and the test table.`);
