/**
 * The two lines a user adds: the measuring environment and the reporter (here also writing HTML and Markdown, and
 * checking the recommended budgets: unit tests under 0.1 s, memory growth under 10 MB, the suite under 60 s).
 */
module.exports = {
  testEnvironment: 'jest-perf-monitor/environment',
  reporters: [
    'default',
    ['jest-perf-monitor', {printSummary: true, formats: ['json', 'html', 'markdown'], outputDir: 'reports', budgets: 'recommended'}],
  ],
};
