/**
 * allure-jest's node environment (`testEnvironment: 'allure-jest/node'`), built on the jest-environment-node of
 * the Jest that runs the suite (BENCH_NODE_ENVIRONMENT, set by run.js): `allure-jest/node` requires the one beside
 * it, which is the repo's Jest 30 even when an external project runs Jest 29. In a user's project npm resolves it
 * from the project, as this does.
 */
const {createJestEnvironment} = require('allure-jest/factory');
const NodeEnvironment = require(process.env.BENCH_NODE_ENVIRONMENT ?? 'jest-environment-node');

module.exports = createJestEnvironment(NodeEnvironment.TestEnvironment ?? NodeEnvironment.default ?? NodeEnvironment);
