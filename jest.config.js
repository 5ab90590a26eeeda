/**
 * The project's own tests, in two projects laid out as Jest's own repository lays out its tests:
 *   - unit: `__tests__/unit/<src folder>/<module>.test.ts`, the pure logic, module by module (`npm run test:unit`:
 *     no build, no Jest 29 install, well under a minute);
 *   - e2e: `__tests__/e2e/*.test.ts`, fixture projects under `__tests__/fixtures/` run through real Jest 29 and 30.
 * ts-jest only transpiles (isolatedModules in tsconfig.json): type-checking is `npm run typecheck`, which CI runs.
 */
const common = {
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/fixtures/', '/node_modules/'],
  modulePathIgnorePatterns: ['<rootDir>/__tests__/fixtures/', '<rootDir>/.jest-installs/', '<rootDir>/dist/'],
  transform: {'^.+\\.ts$': ['ts-jest', {tsconfig: 'tsconfig.json'}]},
};

module.exports = {
  projects: [
    {...common, displayName: 'unit', roots: ['<rootDir>/__tests__/unit'], testMatch: ['**/*.test.ts']},
    {...common, displayName: 'e2e', roots: ['<rootDir>/__tests__/e2e'], testMatch: ['**/*.test.ts']},
  ],
  // Each fixture test spawns Jest, which forks its own workers: two at a time keeps a 2-core machine honest.
  maxWorkers: 2,
  testTimeout: 120000,
};
