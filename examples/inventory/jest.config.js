/**
 * What a user writes: the config helper sets the measuring runner and adds the reporter (here also writing HTML
 * and Markdown, and checking the recommended budgets: unit tests under 0.1 s, memory growth under 10 MB, the suite
 * under 60 s).
 */
const {withPerfMonitorConfig} = require('jest-perf-monitor');

module.exports = withPerfMonitorConfig(
  {testEnvironment: 'node'},
  {printSummary: true, formats: ['json', 'html', 'markdown'], outputDir: '<rootDir>/reports', budgets: 'recommended'},
);
