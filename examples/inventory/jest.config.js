/** The two lines a user adds: the measuring environment and the reporter. */
module.exports = {
  testEnvironment: 'jest-perf-monitor/environment',
  reporters: ['default', ['jest-perf-monitor', {printSummary: true}]],
};
