import { describe, it } from 'mocha';
import { assert } from 'chai';
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
  it('an answer reported after more than 10 s is a time-out failure', async () => {
    const r = await call(() => response(200, '{"text":"late"}', 'application/json', 10_001));
    assert.strictEqual(r.branch, 'ko');
    assert.strictEqual(r.http.failure?.reason, 'timeout');
    assert.strictEqual(r.http.elapsedMs, 10_001);
    assert.strictEqual(r.widget.parsed, undefined);
  });

  it('exactly 10 s is still within the budget', async () => {
    assert.strictEqual((await call(() => response(200, '{}', 'application/json', 10_000))).branch, 'ok');
  });

  it('a body over 64 kB fails, at 64 kB it passes', async () => {
    const over = await call(() => response(200, `"${'x'.repeat(64 * 1024)}"`, 'application/json'));
    assert.strictEqual(over.branch, 'ko');
    assert.strictEqual(over.http.failure?.reason, 'too-large');
    const multibyte = await call(() => response(200, '日'.repeat(22_000), 'text/plain')); // 66,000 bytes
    assert.strictEqual(multibyte.http.failure?.reason, 'too-large');
    const atLimit = await call(() => response(200, 'x'.repeat(64 * 1024), 'text/plain'));
    assert.strictEqual(atLimit.branch, 'ok');
  });

  it('a transport that stopped reading (tooLarge) fails too', async () => {
    const r = await call(() => ({ ...response(200, 'x'.repeat(100), 'text/plain'), tooLarge: true }));
    assert.strictEqual(r.http.failure?.reason, 'too-large');
  });

  it('4xx and 5xx fail with the status as the reason', async () => {
    for (const status of [400, 404, 500, 502]) {
      const r = await call(() => response(status, '{"error":"x"}'));
      assert.strictEqual(r.branch, 'ko', String(status));
      assert.strictEqual(r.http.status, status);
      assert.deepStrictEqual(r.http.failure, { reason: 'status', message: `HTTP ${status}` });
    }
  });

  it('transport failures keep their kind; any other throw is a network failure', async () => {
    const timeout = await call(() => Promise.reject(new HttpFailure('timeout', 'aborted after 10000 ms', 10_000)));
    assert.deepStrictEqual([timeout.branch, timeout.http.failure?.reason, timeout.http.elapsedMs, timeout.http.status], ['ko', 'timeout', 10_000, undefined]);
    const refused = await call(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')));
    assert.strictEqual(refused.http.failure?.reason, 'network');
    assert.match(refused.http.failure?.message ?? '', /ECONNREFUSED/);
  });
});

describe('what a successful call exposes', () => {
  it('parsed exists only for a JSON object body', async () => {
    const object = await call(() => response(200, '{"a":{"b":[1,2]}}'));
    assert.deepStrictEqual(object.widget.parsed, { a: { b: [1, 2] } });
    for (const body of ['[1,2,3]', '"text"', '42', 'plain text', '{broken', '']) {
      const r = await call(() => response(200, body, 'application/json'));
      assert.strictEqual(r.branch, 'ok', `non-JSON is still success: ${body}`);
      assert.strictEqual('parsed' in r.widget, false, body);
      assert.strictEqual(r.widget.body, body);
    }
  });
});

describe('form encoding', () => {
  it('values survive byte-for-byte, Liquid-looking text in a message is not re-rendered', async () => {
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
    assert.notMatch(body, /[\n"\\ ]/, 'the wire form is fully encoded');
    assert.deepStrictEqual(decodeForm(body), [
      ['text', tricky],
      ['literal', 'a&b=c'],
    ]);
    assert.strictEqual(Buffer.from(decodeForm(body)[0][1], 'utf8').equals(Buffer.from(tricky, 'utf8')), true);
  });
});
