import { it } from 'mocha';
import { assert, expect } from 'chai';
import { isTestModeUrl, parseEndpointUrl, testModeUrl } from '../../../src/lib/cognigy/endpoint';
import { UsageError } from '../../../src/lib/errors';
import { clearSecrets, redact } from '../../../src/lib/redact';

const TOKEN = '5a1f9c0e7b2d4c6a8e0f1b3d5c7e9a0b2c4d6e8f0a1b3c5d7e9f0a2b4c6d9f3a';
const URL_ = `https://endpoint-trial.cognigy.ai/${TOKEN}`;

it('a REST endpoint URL gives its host and token, and is registered as a secret', () => {
  clearSecrets();
  const parsed = parseEndpointUrl(`  ${URL_}\n`);
  assert.deepStrictEqual(parsed, { url: URL_, host: 'endpoint-trial.cognigy.ai', token: TOKEN });
  assert.strictEqual(redact(`calling ${URL_} with ${TOKEN}`), 'calling https://endpoint-trial.cognigy.ai/…9f3a with …9f3a');
  assert.strictEqual(parseEndpointUrl(`http://127.0.0.1:4567/${TOKEN}`).host, '127.0.0.1:4567');
  clearSecrets();
});

function rejectsWithoutToken(input: string, pattern: RegExp) {
  expect(() => parseEndpointUrl(input), input).to.throw().that.satisfies((error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.strictEqual(error.exitCode, 2);
      assert.match(error.message, pattern);
      assert.ok(error.hint && error.hint.length > 0);
      assert.ok(!error.message.includes(TOKEN) && !error.hint!.includes(TOKEN), error.message);
      return true;
    });
}

it('bad endpoint URLs are usage errors that show only the redacted URL', () => {
  rejectsWithoutToken(`endpoint-trial.cognigy.ai/${TOKEN}`, /not a valid URL/);
  rejectsWithoutToken(`ftp://endpoint-trial.cognigy.ai/${TOKEN}`, /ftp:\/\/endpoint-trial\.cognigy\.ai\/…9f3a must start with https/);
  rejectsWithoutToken('https://endpoint-trial.cognigy.ai/', /has no URL token/);
  rejectsWithoutToken(`https://endpoint-trial.cognigy.ai/${TOKEN}?x=1`, /query/);
  rejectsWithoutToken(`https://me:${TOKEN}@endpoint-trial.cognigy.ai/${TOKEN}`, /user name or password/);
  rejectsWithoutToken('https://endpoint-trial.cognigy.ai/abc', /does not end with a URL token/);
  clearSecrets();
});

it('a mistyped URL is still scrubbed from later output', () => {
  clearSecrets();
  const typo = `htps:/endpoint-trial.cognigy.ai/${TOKEN}`;
  assert.throws(() => parseEndpointUrl(typo), UsageError);
  assert.ok(!redact(`saw ${typo}`).includes(TOKEN));
  clearSecrets();
});

it('test mode puts /test/ before the token, keeps scheme and port, and is idempotent', () => {
  assert.strictEqual(testModeUrl(URL_), `https://endpoint-trial.cognigy.ai/test/${TOKEN}`);
  assert.strictEqual(testModeUrl(`http://127.0.0.1:4567/${TOKEN}`), `http://127.0.0.1:4567/test/${TOKEN}`);
  assert.strictEqual(testModeUrl(`https://bots.example.com/cognigy/${TOKEN}`), `https://bots.example.com/cognigy/test/${TOKEN}`);
  const once = testModeUrl(URL_);
  assert.strictEqual(testModeUrl(once), once);
  assert.strictEqual(isTestModeUrl(once), true);
  assert.strictEqual(isTestModeUrl(URL_), false);
  clearSecrets();
});
