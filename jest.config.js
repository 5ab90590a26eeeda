/** The project's own tests: fixture projects run through real Jest, plus unit tests of the pure logic. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/fixtures/', '/node_modules/'],
  modulePathIgnorePatterns: ['<rootDir>/__tests__/fixtures/', '<rootDir>/.jest-installs/', '<rootDir>/dist/'],
  transform: {'^.+\\.ts$': ['ts-jest', {tsconfig: 'tsconfig.json', diagnostics: {warnOnly: false}}]},
  // Each fixture test spawns Jest, which forks its own workers: two at a time keeps a 2-core machine honest.
  maxWorkers: 2,
  testTimeout: 120000,
};
