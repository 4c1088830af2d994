'use strict';
// mocha for every layer: test/unit (pure functions), test/commands (commands run in this
// process against the loopback stand-ins), test/e2e (the real `twilio` binary).
// Files run in worker processes (two, one per core), also for `npx mocha FILE…`: each
// file starts with no module state left by another (the secret registry of
// test/helpers/secrets.ts among it); test/helpers/mocha-setup.ts runs in each worker.
module.exports = {
  'node-option': ['import=tsx'],
  require: ['test/helpers/mocha-setup.ts'],
  extension: ['ts'],
  parallel: true,
  jobs: 2,
  timeout: 120_000,
  slow: 5_000,
  reporter: 'spec',
};
