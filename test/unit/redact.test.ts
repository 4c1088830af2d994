import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearSecrets, redact, redactDeep, redactEndpoint, registerEndpointSecret, registerSecret } from '../../src/lib/redact';

const token = '9c1b2d3e4f5a6b7c8d9e0f1a2b3c9f3a';
const url = `https://endpoint-trial.cognigy.ai/${token}`;

test('an endpoint is shown with its host and the last 4 characters of its token', () => {
  assert.equal(redactEndpoint(url), 'https://endpoint-trial.cognigy.ai/…9f3a');
  assert.equal(redactEndpoint(`https://h.example/test/${token}`), 'https://h.example/test/…9f3a');
  assert.equal(redactEndpoint('nonsense'), '…');
});

test('registered secrets disappear from any text, also URL-encoded and inside JSON', () => {
  clearSecrets();
  registerEndpointSecret(url);
  registerSecret('authtokenauthtokenauthtoken1234');
  const line = `POST ${url} token=${token} enc=${encodeURIComponent(url)} auth=authtokenauthtokenauthtoken1234`;
  const out = redact(line);
  assert.ok(!out.includes(token), out);
  assert.ok(!out.includes('authtokenauthtokenauthtoken1234'));
  assert.match(out, /https:\/\/endpoint-trial\.cognigy\.ai\/…9f3a/);
  const deep = redactDeep({ a: [{ url }], b: `x ${token}` });
  assert.ok(!JSON.stringify(deep).includes(token));
  clearSecrets();
  assert.equal(redact(token), token);
});
