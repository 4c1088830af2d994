import { it } from 'mocha';
import { assert } from 'chai';
import { clearSecrets, looksLikeSecret, redact, redactDeep, redactEndpoint, redactUrl, registerArgumentSecrets, registerEndpointSecret, registerSecret, registerUrlSecrets } from '../../src/lib/redact';

const token = '9c1b2d3e4f5a6b7c8d9e0f1a2b3c9f3a';
const url = `https://endpoint-trial.cognigy.ai/${token}`;

it('an endpoint is shown with its host and the last 4 characters of its token', () => {
  assert.strictEqual(redactEndpoint(url), 'https://endpoint-trial.cognigy.ai/…9f3a');
  assert.strictEqual(redactEndpoint(`https://h.example/test/${token}`), 'https://h.example/test/…9f3a');
  assert.strictEqual(redactEndpoint('nonsense'), '…');
});

it('registered secrets disappear from any text, also URL-encoded and inside JSON', () => {
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
  assert.strictEqual(redact(token), token);
});

it('a URL segment that is an ordinary word is never cut, neither alone nor inside another word', () => {
  clearSecrets();
  registerUrlSecrets('http://127.0.0.1:4020/validate');
  registerUrlSecrets('https://api.example.com/v1/customers/lookup?key=sk9f8e7d6c5b4a3f2e1d0c');
  registerUrlSecrets('https://bot:hunter22@api.example.com/validate');
  assert.strictEqual(redact('sent hunter22 as the password'), 'sent …er22 as the password', 'a password is a secret whatever its shape');
  assert.strictEqual(redact('please validate my number at validate_caller'), 'please validate my number at validate_caller');
  assert.strictEqual(redact('POST http://127.0.0.1:4020/validate'), 'POST http://127.0.0.1:4020/validate');
  assert.strictEqual(redact('key sk9f8e7d6c5b4a3f2e1d0c'), 'key …1d0c');
  assert.strictEqual(redactUrl('https://api.example.com/v1/customers/lookup?key=sk9f8e7d6c5b4a3f2e1d0c'), 'https://api.example.com/v1/customers/lookup?key=…1d0c');
  clearSecrets();
});

it('a short secret is cut where it stands alone or is URL-encoded, not inside a word', () => {
  clearSecrets();
  registerSecret('abc12345');
  assert.strictEqual(redact('t=abc12345 /abc12345 %2Fabc12345 xabc12345 abc12345y'), 't=…2345 /…2345 %2F…2345 xabc12345 abc12345y');
  clearSecrets();
});

it('what looks like a secret: long random tokens, not words, SIDs, UUIDs or phone numbers', () => {
  for (const secret of [token, 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'a1b2c3d4e5f6a7b8']) assert.ok(looksLikeSecret(secret), secret);
  const plain = ['validate', 'validate_caller', 'please validate my number', `FW${'a1'.repeat(16)}`, '123e4567-e89b-12d3-a456-426614174000', '+15551234567', 'aaaaaaaaaaaaaaaaaaaa'];
  for (const p of [...plain, 'escalation_v2_2024_flag', 'customerSupport2024Flow', 'order-12345678901234567']) {
    assert.ok(!looksLikeSecret(p), p);
  }
});

it('command-line arguments: a token-shaped value or URL is registered whatever flag it was given to', () => {
  clearSecrets();
  registerArgumentSecrets(['--endpont-url', url, '--flow=9c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e', '-m', 'hi']);
  assert.strictEqual(redact(`Unexpected arguments: --endpont-url, ${url}`), 'Unexpected arguments: --endpont-url, https://endpoint-trial.cognigy.ai/…9f3a');
  assert.strictEqual(redact('9c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e hi'), '…4d5e hi');
  clearSecrets();
  registerArgumentSecrets(['http://127.0.0.1:9/abcdef12', 'abcdef0123456789'], { unparsed: true });
  assert.strictEqual(redact('http://127.0.0.1:9/abcdef12 "abcdef0123456789"'), 'http://127.0.0.1:9/…ef12 "…6789"');
  clearSecrets();
});
