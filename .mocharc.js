'use strict';
// mocha for every layer: test/unit (pure functions), test/commands (commands run in this
// process against the loopback stand-ins), test/e2e (the real `twilio` binary).
// Files run in two worker processes, one per core, so no module state crosses files
// that run at the same time; test/helpers/mocha-setup.ts runs in each worker.
module.exports = {
  'node-option': ['import=tsx'],
  require: ['test/helpers/mocha-setup.ts'],
  extension: ['ts'],
  timeout: 120_000,
  slow: 5_000,
  reporter: 'spec',
};
