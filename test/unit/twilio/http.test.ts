import { test } from 'node:test';
import assert from 'node:assert/strict';
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

test('requests go to <base>/<product>/<path> when the hook is on', async () => {
  const { send, calls } = scripted([{ status: 200 }]);
  const http = createTwilioHttp({ baseUrl: 'http://127.0.0.1:4010', send, policy, sleep: async () => undefined });
  await http({ method: 'GET', url: 'https://studio.twilio.com/v2/Flows?PageSize=50' });
  assert.equal(calls[0].url, 'http://127.0.0.1:4010/studio/v2/Flows?PageSize=50');
});

test('a 429 is retried after its Retry-After, even for a create', async () => {
  const { send, calls } = scripted([{ status: 429, headers: { 'retry-after': '0.03' } }, { status: 201 }]);
  const waits: number[] = [];
  const http = createTwilioHttp({ send, policy, sleep: async (ms) => void waits.push(ms) });
  const res = await http({ method: 'POST', url: 'https://studio.twilio.com/v2/Flows' });
  assert.equal(res.status, 201);
  assert.equal(calls.length, 2);
  assert.deepEqual(waits, [30]);
});

test('a 503 on a create is not repeated blindly (it may have succeeded)', async () => {
  const { send, calls } = scripted([{ status: 503 }, { status: 201 }]);
  const http = createTwilioHttp({ send, policy, sleep: async () => undefined });
  const res = await http({ method: 'POST', url: 'https://studio.twilio.com/v2/Flows' });
  assert.equal(res.status, 503);
  assert.equal(calls.length, 1);
});

test('a 503 or a reset on an update of one resource is retried, within the bound', async () => {
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const { send, calls } = scripted([{ status: 503 }, reset, { status: 200 }]);
  const http = createTwilioHttp({ send, policy, sleep: async () => undefined });
  const res = await http({ method: 'POST', url: `https://studio.twilio.com/v2/Flows/${FW}` });
  assert.equal(res.status, 200);
  assert.equal(calls.length, 3);
  assert.equal(http.retries, 2);

  const always = scripted([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }]);
  const bounded = createTwilioHttp({ send: always.send, policy, sleep: async () => undefined });
  const last = await bounded({ method: 'GET', url: `https://studio.twilio.com/v2/Flows/${FW}` });
  assert.equal(last.status, 503, 'gives up after maxAttempts and hands the error on');
  assert.equal(always.calls.length, policy.maxAttempts);
});

test('which requests are safe to repeat', () => {
  assert.equal(isRepeatable('GET', 'https://studio.twilio.com/v2/Flows'), true);
  assert.equal(isRepeatable('POST', 'https://studio.twilio.com/v2/Flows'), false);
  assert.equal(isRepeatable('POST', `https://studio.twilio.com/v2/Flows/${FW}`), true);
  assert.equal(isRepeatable('POST', 'https://studio.twilio.com/v2/Flows/Validate'), true);
  assert.equal(isRepeatable('POST', 'https://flex-api.twilio.com/v1/Interactions'), false);
});

test('Retry-After in seconds or as a date', () => {
  assert.equal(parseRetryAfter('2'), 2000);
  assert.equal(parseRetryAfter(undefined), undefined);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now), 3000);
});
