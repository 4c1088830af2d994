import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import { encodeBotMessage, sendMessage } from '../../../src/lib/cognigy/client';
import { isEscalation } from '../../../src/lib/cognigy/normalize';
import { createTransport } from '../../../src/lib/http/transport';
import { BotRequest, BotServer, decodeForm, demoBehaviour, startBotServer } from '../../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../../stand-ins/cognigy-scripted';
import { UsageError } from '../../../src/lib/errors';

const SPECIAL = 'He said "hi" \\ 日本語 {{ x }} 100% & more\nsecond line';

describe('Cognigy-compatible bot server', () => {
  let bot: BotServer;
  const transport = createTransport();
  before(async () => {
    bot = await startBotServer({ token: 'abcdef0123456789abcdef0123456789', behaviour: scriptedBehaviour });
  });
  after(async () => {
    transport.close();
    await bot.close();
  });

  const raw = (body: string, contentType = 'application/json', url = bot.url, method: 'GET' | 'POST' = 'POST') =>
    transport({ method, url, headers: { 'content-type': contentType }, body: method === 'POST' ? body : undefined });

  it('answers the documented shape: outputStack entries, joined text, merged data, ids echoed', async () => {
    const res = await raw(JSON.stringify({ userId: 'u1', sessionId: 's1', text: 'multi' }));
    assert.strictEqual(res.status, 200);
    const answer = JSON.parse(res.body);
    assert.strictEqual(answer.text, 'First output. Second output. Third output.');
    assert.deepStrictEqual(answer.data, {});
    assert.strictEqual(answer.userId, 'u1');
    assert.strictEqual(answer.sessionId, 's1');
    assert.strictEqual(answer.outputStack.length, 3);
    for (const entry of answer.outputStack) {
      assert.deepStrictEqual(Object.keys(entry).sort(), ['data', 'disableSensitiveLogging', 'source', 'text', 'traceId']);
      assert.match(entry.traceId, /^endpoint-httpIncomingMessage-/);
      assert.strictEqual(entry.source, 'bot');
    }
    const esc = JSON.parse((await raw(JSON.stringify({ userId: 'u1', sessionId: 's1', text: 'escalate-string' }))).body);
    assert.deepStrictEqual(esc.data, { escalation: 'true' });
    assert.deepStrictEqual(esc.outputStack[0].data, { escalation: 'true' });
  });

  it('JSON and form bodies decode to the same request, bracket keys become nested data', async () => {
    const message = { userId: '+15551234567', sessionId: 'CH123', text: 'hello there', data: { channel: 'sms', from: { city: 'Berlin' } } };
    bot.requests.length = 0;
    const viaJson = await sendMessage(transport, bot.url, message, { encoding: 'json' });
    const viaForm = await sendMessage(transport, bot.url, message, { encoding: 'form' });
    assert.strictEqual(viaJson.text, 'You said: hello there');
    assert.deepStrictEqual(viaForm, viaJson);
    const [json, form] = bot.requests;
    assert.strictEqual(json.contentType, 'application/json');
    assert.strictEqual(form.contentType, 'application/x-www-form-urlencoded');
    assert.match(form.rawBody, /data%5Bfrom%5D%5Bcity%5D=Berlin/);
    assert.deepStrictEqual(form.body, json.body);
    assert.deepStrictEqual(decodeForm('a=1&data[x]=2&data[y][z]=3&data[]=4'), { a: '1', data: { x: '2', y: { z: '3' }, '': '4' } });
  });

  it('a text with quotes, backslash, Unicode, Liquid braces, % and & and a newline arrives unchanged', async () => {
    for (const encoding of ['json', 'form'] as const) {
      bot.requests.length = 0;
      const turn = await sendMessage(transport, bot.url, { userId: 'u', sessionId: `s-${encoding}`, text: SPECIAL }, { encoding });
      assert.strictEqual(turn.text, `You said: ${SPECIAL}`, encoding);
      assert.strictEqual((bot.requests[0].body as { text: string }).text, SPECIAL, encoding);
    }
    const form = encodeBotMessage({ userId: 'u', sessionId: 's', text: SPECIAL }, 'form');
    assert.ok(!form.body.includes('&more'), 'the & in the text is escaped');
  });

  it('invalid requests get 400 with a JSON error', async () => {
    const cases: [string, RegExp][] = [
      [JSON.stringify({ sessionId: 's', text: 'x' }), /userId is required/],
      [JSON.stringify({ userId: 'u', text: 'x' }), /sessionId is required/],
      [JSON.stringify({ userId: 'u'.repeat(257), sessionId: 's', text: 'x' }), /userId must be at most 256/],
      [JSON.stringify({ userId: 'u', sessionId: 's'.repeat(257), text: 'x' }), /sessionId must be at most 256/],
      [JSON.stringify({ userId: 'u', sessionId: 's', text: 'x'.repeat(10_001) }), /text must be at most 10000/],
      [JSON.stringify({ userId: 'u', sessionId: 's', data: 'str' }), /Either text \(a string\) or data \(an object\)/],
      [JSON.stringify({ userId: 'u', sessionId: 's', data: [1] }), /Either text \(a string\) or data \(an object\)/],
      [JSON.stringify({ userId: 'u', sessionId: 's', text: 7 }), /Either text \(a string\) or data \(an object\)/],
      [JSON.stringify({ userId: 'u', sessionId: 's' }), /Either text \(a string\) or data \(an object\)/],
      ['{not json', /not valid JSON/],
    ];
    for (const [body, pattern] of cases) {
      const res = await raw(body);
      assert.strictEqual(res.status, 400, body.slice(0, 40));
      const error = JSON.parse(res.body);
      assert.strictEqual(error.statusCode, 400);
      assert.match(error.message, pattern);
    }
    const limits = await raw(JSON.stringify({ userId: 'u'.repeat(256), sessionId: 's'.repeat(256), text: 'x'.repeat(10_000) }));
    assert.strictEqual(limits.status, 200);
    const dataOnly = await raw('userId=u&sessionId=s&data[a]=1', 'application/x-www-form-urlencoded');
    assert.strictEqual(dataOnly.status, 200);
    // "If both are missing or invalid, the REST Endpoint throws an error": one valid is enough.
    const stringData = await raw(JSON.stringify({ userId: 'u', sessionId: 's', text: 'hi', data: '{"a":1}' }));
    assert.strictEqual(stringData.status, 200, stringData.body);
    assert.match(JSON.parse(stringData.body).text, /You said: hi/);
    assert.strictEqual((await raw('hello', 'text/plain')).status, 415);
  });

  it('only POST to /<token> or /test/<token>; a wrong token is a 404 JSON error', async () => {
    const body = JSON.stringify({ userId: 'u', sessionId: 's', text: 'hi' });
    const wrong = await raw(body, 'application/json', bot.url.replace(bot.token, '0'.repeat(32)));
    assert.strictEqual(wrong.status, 404);
    assert.strictEqual(JSON.parse(wrong.body).error, 'Not Found');
    assert.strictEqual((await raw('', 'application/json', bot.url, 'GET')).status, 405);
    bot.requests.length = 0;
    assert.strictEqual((await raw(body, 'application/json', bot.testUrl)).status, 200);
    assert.strictEqual((await raw(body)).status, 200);
    assert.deepStrictEqual(bot.requests.map((r) => [r.path.replace(bot.token, 'T'), r.testMode]), [['/test/T', true], ['/T', false]]);
  });

  it('behaviours see the turn number per session and can be swapped', async () => {
    const seen: BotRequest[] = [];
    bot.setBehaviour((request) => {
      seen.push(request);
      return [{ text: `turn ${request.turn}` }];
    });
    try {
      const say = (sessionId: string) => sendMessage(transport, bot.url, { userId: 'u', sessionId, text: 'x' });
      assert.strictEqual((await say('turns-a')).text, 'turn 1');
      assert.strictEqual((await say('turns-a')).text, 'turn 2');
      assert.strictEqual((await say('turns-b')).text, 'turn 1');
      assert.deepStrictEqual(seen.map((r) => [r.sessionId, r.turn]), [['turns-a', 1], ['turns-a', 2], ['turns-b', 1]]);
      bot.setBehaviour(() => {
        throw new Error('boom');
      });
      const res = await raw(JSON.stringify({ userId: 'u', sessionId: 's', text: 'x' }));
      assert.strictEqual(res.status, 500);
    } finally {
      bot.setBehaviour(scriptedBehaviour);
    }
  });

  it('scripted: slow delays and combines; dataonly, quick and datastring come out as Cognigy sends them', async () => {
    const started = Date.now();
    const slow = await sendMessage(transport, bot.url, { userId: 'u', sessionId: 's', text: 'slow:200 multi' });
    assert.ok(Date.now() - started >= 190);
    assert.strictEqual(slow.outputs.length, 3);
    const dataOnly = await sendMessage(transport, bot.url, { userId: 'u', sessionId: 's', text: 'dataonly' });
    assert.deepStrictEqual(dataOnly.outputs, [{ text: null, data: { kind: 'dataonly', value: 42 }, source: 'bot' }]);
    const quick = await sendMessage(transport, bot.url, { userId: 'u', sessionId: 's', text: 'quick' });
    assert.deepStrictEqual(quick.outputs[0].rich?.options, ['Opening hours', 'Order status', 'Talk to an agent']);
    bot.requests.length = 0;
    const dataString = await sendMessage(transport, bot.url, { userId: 'u', sessionId: 's', text: 'datastring' });
    assert.deepStrictEqual(dataString.outputs[0].data, { answer: 42, nested: { ok: true } });
    const escalateBool = await sendMessage(transport, bot.url, { userId: 'u', sessionId: 's', text: 'escalate-bool' }, { escalationKey: 'escalation' });
    assert.deepStrictEqual(escalateBool.escalation, { key: 'escalation', outputIndex: 0 });
  });

  it('the client refuses what the endpoint would refuse, before sending', async () => {
    bot.requests.length = 0;
    const bad = [
      { userId: '', sessionId: 's', text: 'x' },
      { userId: 'u', sessionId: 's'.repeat(257), text: 'x' },
      { userId: 'u', sessionId: 's', text: 'x'.repeat(10_001) },
      { userId: 'u', sessionId: 's', data: [] as unknown as Record<string, unknown> },
      { userId: 'u', sessionId: 's' },
    ];
    for (const message of bad) await assert.isRejected(sendMessage(transport, bot.url, message), UsageError);
    assert.strictEqual(bot.requests.length, 0);
  });

  it('the demo bot greets, answers its topics, escalates on agent/human and offers quick replies otherwise', async () => {
    const demo = await startBotServer({ behaviour: demoBehaviour });
    try {
      const say = (text: string, sessionId = 'demo') => sendMessage(transport, demo.url, { userId: 'u', sessionId, text }, { escalationKey: 'escalation' });
      const first = await say('What are your opening hours?');
      assert.strictEqual(first.outputs.length, 2);
      assert.match(first.outputs[0].text!, /^Hi, I'm the demo bot/);
      assert.match(first.outputs[1].text!, /open Monday to Friday/);
      const second = await say('how much does it cost');
      assert.strictEqual(second.outputs.length, 1, 'no second greeting');
      assert.match(second.text, /\$10 a month/);
      assert.match((await say('where is order 12345')).text, /Order 12345 has shipped/);
      const unknown = await say('blorp');
      // As Cognigy's formats show a quick-reply output: no text of its own, the text in the payload.
      assert.strictEqual(unknown.outputs[0].text, null);
      assert.match(unknown.outputs[0].rich!.text!, /did not understand/);
      assert.deepStrictEqual(unknown.outputs[0].rich?.options, ['Opening hours', 'Order status', 'Pricing', 'Talk to an agent']);
      assert.strictEqual(unknown.escalation, undefined);
      for (const text of ['I want a HUMAN', 'Agent please', 'talk to an agent']) {
        const turn = await say(text);
        assert.match(turn.text, /Let me connect you to a human agent\./);
        assert.strictEqual(isEscalation(turn, 'escalation'), true, text);
        assert.strictEqual(turn.data.escalation, true);
      }
      assert.strictEqual(isEscalation(await say('agentur'), 'escalation'), false);
    } finally {
      await demo.close();
    }
  });
});
