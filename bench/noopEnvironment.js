/**
 * The floor: jest-environment-node plus a handleTestEvent that does nothing. Any environment-based tool pays at
 * least this (circus awaits the handler on every event).
 */
const {TestEnvironment} = require('jest-environment-node');

class NoopEventEnvironment extends TestEnvironment {
  handleTestEvent() {}
}

module.exports = NoopEventEnvironment;
