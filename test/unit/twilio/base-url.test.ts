import { it } from 'mocha';
import { assert, expect } from 'chai';
import { UsageError } from '../../../src/lib/errors';
import { rewriteTwilioUrl, apiBaseUrlFromEnv } from '../../../src/lib/twilio/base-url';

const base = 'http://127.0.0.1:4010';

it('a product host maps to <base>/<product>/<path>', () => {
  assert.strictEqual(rewriteTwilioUrl('https://studio.twilio.com/v2/Flows', base), `${base}/studio/v2/Flows`);
  assert.strictEqual(
    rewriteTwilioUrl('https://flex-api.twilio.com/v1/Interactions', base),
    `${base}/flex-api/v1/Interactions`,
  );
});

it('edge and region are dropped and the query string is kept', () => {
  assert.strictEqual(
    rewriteTwilioUrl('https://taskrouter.sydney.au1.twilio.com/v1/Workspaces?FriendlyName=Flex%20Task', base),
    `${base}/taskrouter/v1/Workspaces?FriendlyName=Flex%20Task`,
  );
});

it('a non-Twilio URI is left alone', () => {
  assert.strictEqual(rewriteTwilioUrl('https://example.com/v1/x', base), 'https://example.com/v1/x');
});

it('the env variable is validated', () => {
  assert.strictEqual(apiBaseUrlFromEnv({ TWILIO_API_BASE_URL: `${base}/` }), base);
  assert.strictEqual(apiBaseUrlFromEnv({}), undefined);
  // Bad input, not a bug: the error model's usage error (exit 2), with what to set instead.
  const usage = (message: RegExp) => (e: UsageError) => e instanceof UsageError && e.exitCode === 2 && message.test(e.message) && /unset it/.test(e.hint ?? '');
  expect(() => apiBaseUrlFromEnv({ TWILIO_API_BASE_URL: 'not a url' })).to.throw(UsageError).that.satisfies(usage(/not a URL/));
  expect(() => apiBaseUrlFromEnv({ TWILIO_API_BASE_URL: 'ftp://x' })).to.throw(UsageError).that.satisfies(usage(/http\(s\)/));
});
