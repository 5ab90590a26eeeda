/** The two lines a user adds: the measuring environment and the reporter (here also writing HTML and Markdown). */
module.exports = {
  testEnvironment: 'jest-perf-monitor/environment',
  reporters: ['default', ['jest-perf-monitor', {printSummary: true, formats: ['json', 'html', 'markdown'], outputDir: 'reports'}]],
};
