import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpFailure, type HttpResponse } from '../../../src/lib/http/types';
import type { FlowEvent, HttpEvent } from '../../../src/lib/runtime';
import { decodeForm, fakeTransport, flowOf, response, session, trigger, widget } from './helpers';

const callFlow = (parameters?: Array<{ key: string; value: string }>) =>
  flowOf(
    trigger('Call'),
    widget('Call', 'make-http-request', {
      method: 'POST',
      url: 'https://bot.test/hook',
      content_type: 'application/x-www-form-urlencoded;charset=utf-8',
      parameters: parameters ?? [{ key: 'text', value: '{{trigger.message.Body}}' }],
    }, [
      { event: 'success', next: 'Ok' },
      { event: 'failed', next: 'Ko' },
    ]),
    widget('Ok', 'send-message', { body: 'ok' }, [{ event: 'sent' }]),
    widget('Ko', 'send-message', { body: 'ko' }, [{ event: 'sent' }]),
  );

async function call(answer: () => HttpResponse | Promise<HttpResponse>) {
  const s = session(callFlow(), { http: fakeTransport(answer) });
  const turn = await s.start('hi');
  const http = turn.events.find((e: FlowEvent): e is HttpEvent => e.type === 'http');
  assert.ok(http);
  const branch = turn.events.find((e) => e.type === 'message');
  return { http, branch: branch?.type === 'message' ? branch.body : undefined, widget: s.context.widgets.Call };
}

describe('HTTP budget and limits', () => {
  test('an answer reported after more than 10 s is a time-out failure', async () => {
    const r = await call(() => response(200, '{"text":"late"}', 'application/json', 10_001));
    assert.equal(r.branch, 'ko');
    assert.equal(r.http.failure?.reason, 'timeout');
    assert.equal(r.http.elapsedMs, 10_001);
    assert.equal(r.widget.parsed, undefined);
  });

  test('exactly 10 s is still within the budget', async () => {
    assert.equal((await call(() => response(200, '{}', 'application/json', 10_000))).branch, 'ok');
  });

  test('a body over 64 kB fails, at 64 kB it passes', async () => {
    const over = await call(() => response(200, `"${'x'.repeat(64 * 1024)}"`, 'application/json'));
    assert.equal(over.branch, 'ko');
    assert.equal(over.http.failure?.reason, 'too-large');
    const multibyte = await call(() => response(200, '日'.repeat(22_000), 'text/plain')); // 66,000 bytes
    assert.equal(multibyte.http.failure?.reason, 'too-large');
    const atLimit = await call(() => response(200, 'x'.repeat(64 * 1024), 'text/plain'));
    assert.equal(atLimit.branch, 'ok');
  });

  test('a transport that stopped reading (tooLarge) fails too', async () => {
    const r = await call(() => ({ ...response(200, 'x'.repeat(100), 'text/plain'), tooLarge: true }));
    assert.equal(r.http.failure?.reason, 'too-large');
  });

  test('4xx and 5xx fail with the status as the reason', async () => {
    for (const status of [400, 404, 500, 502]) {
      const r = await call(() => response(status, '{"error":"x"}'));
      assert.equal(r.branch, 'ko', String(status));
      assert.equal(r.http.status, status);
      assert.deepEqual(r.http.failure, { reason: 'status', message: `HTTP ${status}` });
    }
  });

  test('transport failures keep their kind; any other throw is a network failure', async () => {
    const timeout = await call(() => Promise.reject(new HttpFailure('timeout', 'aborted after 10000 ms', 10_000)));
    assert.deepEqual([timeout.branch, timeout.http.failure?.reason, timeout.http.elapsedMs, timeout.http.status], ['ko', 'timeout', 10_000, undefined]);
    const refused = await call(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')));
    assert.equal(refused.http.failure?.reason, 'network');
    assert.match(refused.http.failure?.message ?? '', /ECONNREFUSED/);
  });
});

describe('what a successful call exposes', () => {
  test('parsed exists only for a JSON object body', async () => {
    const object = await call(() => response(200, '{"a":{"b":[1,2]}}'));
    assert.deepEqual(object.widget.parsed, { a: { b: [1, 2] } });
    for (const body of ['[1,2,3]', '"text"', '42', 'plain text', '{broken', '']) {
      const r = await call(() => response(200, body, 'application/json'));
      assert.equal(r.branch, 'ok', `non-JSON is still success: ${body}`);
      assert.equal('parsed' in r.widget, false, body);
      assert.equal(r.widget.body, body);
    }
  });
});

describe('form encoding', () => {
  test('values survive byte-for-byte, Liquid-looking text in a message is not re-rendered', async () => {
    const tricky = ' He said "hi" \\ 日本語 {{ x }} 100% & more\nsecond line\r\nthird+plus=eq\n';
    const http = fakeTransport(() => response(200, '{}'));
    const s = session(
      callFlow([
        { key: 'text', value: '{{trigger.message.Body}}' },
        { key: 'literal', value: 'a&b=c' },
      ]),
      { http },
    );
    await s.start(tricky);
    const body = http.requests[0].body ?? '';
    assert.doesNotMatch(body, /[\n"\\ ]/, 'the wire form is fully encoded');
    assert.deepEqual(decodeForm(body), [
      ['text', tricky],
      ['literal', 'a&b=c'],
    ]);
    assert.equal(Buffer.from(decodeForm(body)[0][1], 'utf8').equals(Buffer.from(tricky, 'utf8')), true);
  });
});
