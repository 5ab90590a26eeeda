/**
 * What .jest-installs/29 holds: Jest 29, its jsdom environment and jasmine runner (for the fixtures), and the
 * package's runtime dependencies. prepareJestInstalls installs it; runNodeLegs checks the install is current.
 */
const fs = require('fs');
const path = require('path');

module.exports = function jest29Packages(repo) {
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  const deps = Object.entries(pkg.dependencies || {}).map(([name, range]) => `${name}@${range}`);
  return ['jest@29', 'jest-environment-jsdom@29', 'jest-jasmine2@29', ...deps];
};
