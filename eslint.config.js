// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  {ignores: ['dist/', 'node_modules/', '.jest-installs/', '.scratch/', 'bench/.work/', '__tests__/fixtures/', 'examples/**/performance_metrics.json']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Reporter and environment hooks keep Jest's full signatures, named, with a leading underscore when unused.
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_'}],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {sourceType: 'commonjs', globals: {require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly', setTimeout: 'readonly', Buffer: 'readonly'}},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
  {
    files: ['examples/**/__tests__/**/*.js'],
    languageOptions: {globals: {describe: 'readonly', test: 'readonly', expect: 'readonly', beforeAll: 'readonly', afterAll: 'readonly', beforeEach: 'readonly', afterEach: 'readonly'}},
  },
  {
    // The architecture, enforced: the environment and the runner (inside every worker) never pull in the reporter side.
    files: ['src/environment/**/*.ts', 'src/runner/**/*.ts', 'src/environment.ts', 'src/environment-jsdom.ts', 'src/runner.ts', 'src/perf.ts'],
    rules: {
      'no-restricted-imports': ['error', {patterns: [{group: ['**/reporter/**', '**/formats/**', '**/cli/**', '**/io/**', '**/options/**'], message: 'src/environment and src/runner must not import the reporter side'}]}],
    },
  },
);
