import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteTwilioUrl, apiBaseUrlFromEnv } from '../../src/lib/twilio/base-url';

const base = 'http://127.0.0.1:4010';

test('a product host maps to <base>/<product>/<path>', () => {
  assert.equal(rewriteTwilioUrl('https://studio.twilio.com/v2/Flows', base), `${base}/studio/v2/Flows`);
  assert.equal(
    rewriteTwilioUrl('https://flex-api.twilio.com/v1/Interactions', base),
    `${base}/flex-api/v1/Interactions`,
  );
});

test('edge and region are dropped and the query string is kept', () => {
  assert.equal(
    rewriteTwilioUrl('https://taskrouter.sydney.au1.twilio.com/v1/Workspaces?FriendlyName=Flex%20Task', base),
    `${base}/taskrouter/v1/Workspaces?FriendlyName=Flex%20Task`,
  );
});

test('a non-Twilio URI is left alone', () => {
  assert.equal(rewriteTwilioUrl('https://example.com/v1/x', base), 'https://example.com/v1/x');
});

test('the env variable is validated', () => {
  assert.equal(apiBaseUrlFromEnv({ TWILIO_API_BASE_URL: `${base}/` }), base);
  assert.equal(apiBaseUrlFromEnv({}), undefined);
  assert.throws(() => apiBaseUrlFromEnv({ TWILIO_API_BASE_URL: 'not a url' }), /not a URL/);
  assert.throws(() => apiBaseUrlFromEnv({ TWILIO_API_BASE_URL: 'ftp://x' }), /http\(s\)/);
});
