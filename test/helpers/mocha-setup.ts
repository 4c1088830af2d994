import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { forgetTestSecrets } from './secrets';

// Loaded by mocha before any test file (.mocharc.js), in every parallel worker.
chai.use(chaiAsPromised);
// Whole values in failure messages: a transcript cut at 40 characters hides the difference.
chai.config.truncateThreshold = 0;

/**
 * Root hooks. A worker runs one file after another in one process: what a file's tests
 * registered as secrets is forgotten when the file ends, so a secret planted by one file
 * cannot fail (or pass) another.
 */
export const mochaHooks = {
  afterAll(): void {
    forgetTestSecrets();
  },
};
