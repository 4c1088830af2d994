import { it } from 'mocha';
import { assert } from 'chai';
import { createTwilioHttp } from '../../../src/lib/twilio/http';
import { isRepeatable, parseRetryAfter } from '../../../src/lib/twilio/retry';

const FW = 'FW' + 'a'.repeat(32);
const policy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 50 };

function scripted(answers: Array<{ status: number; headers?: Record<string, string> } | Error>) {
  const calls: any[] = [];
  const send = async (options: any) => {
    calls.push(options);
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return { status: next.status, headers: next.headers ?? {}, data: {} };
  };
  return { send, calls };
}

it('requests go to <base>/<product>/<path> when the hook is on', async () => {
  const { send, calls } = scripted([{ status: 200 }]);
  const http = createTwilioHttp({ baseUrl: 'http://127.0.0.1:4010', send, policy, sleep: async () => undefined });
  await http({ method: 'GET', url: 'https://studio.twilio.com/v2/Flows?PageSize=50' });
  assert.strictEqual(calls[0].url, 'http://127.0.0.1:4010/studio/v2/Flows?PageSize=50');
});

it('a 429 is retried after its Retry-After, even for a create', async () => {
  const { send, calls } = scripted([{ status: 429, headers: { 'retry-after': '0.03' } }, { status: 201 }]);
  const waits: number[] = [];
  const http = createTwilioHttp({ send, policy, sleep: async (ms) => void waits.push(ms) });
  const res = await http({ method: 'POST', url: 'https://studio.twilio.com/v2/Flows' });
  assert.strictEqual(res.status, 201);
  assert.strictEqual(calls.length, 2);
  assert.deepStrictEqual(waits, [30]);
});

it('a 503 on a create is not repeated blindly (it may have succeeded)', async () => {
  const { send, calls } = scripted([{ status: 503 }, { status: 201 }]);
  const http = createTwilioHttp({ send, policy, sleep: async () => undefined });
  const res = await http({ method: 'POST', url: 'https://studio.twilio.com/v2/Flows' });
  assert.strictEqual(res.status, 503);
  assert.strictEqual(calls.length, 1);
});

it('a 503 or a reset on an update of one resource is retried, within the bound', async () => {
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const { send, calls } = scripted([{ status: 503 }, reset, { status: 200 }]);
  const http = createTwilioHttp({ send, policy, sleep: async () => undefined });
  const res = await http({ method: 'POST', url: `https://studio.twilio.com/v2/Flows/${FW}` });
  assert.strictEqual(res.status, 200);
  assert.strictEqual(calls.length, 3);
  assert.strictEqual(http.retries, 2);

  const always = scripted([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }]);
  const bounded = createTwilioHttp({ send: always.send, policy, sleep: async () => undefined });
  const last = await bounded({ method: 'GET', url: `https://studio.twilio.com/v2/Flows/${FW}` });
  assert.strictEqual(last.status, 503, 'gives up after maxAttempts and hands the error on');
  assert.strictEqual(always.calls.length, policy.maxAttempts);
});

it('which requests are safe to repeat', () => {
  assert.strictEqual(isRepeatable('GET', 'https://studio.twilio.com/v2/Flows'), true);
  assert.strictEqual(isRepeatable('POST', 'https://studio.twilio.com/v2/Flows'), false);
  assert.strictEqual(isRepeatable('POST', `https://studio.twilio.com/v2/Flows/${FW}`), true);
  assert.strictEqual(isRepeatable('POST', 'https://studio.twilio.com/v2/Flows/Validate'), true);
  assert.strictEqual(isRepeatable('POST', 'https://flex-api.twilio.com/v1/Interactions'), false);
});

it('Retry-After in seconds or as a date', () => {
  assert.strictEqual(parseRetryAfter('2'), 2000);
  assert.strictEqual(parseRetryAfter(undefined), undefined);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.strictEqual(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now), 3000);
});
