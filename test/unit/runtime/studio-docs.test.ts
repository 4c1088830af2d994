import { describe, it } from 'mocha';
import { assert } from 'chai';
import type { FlowEvent } from '../../../src/lib/runtime';
import { MAX_EXECUTION_MS } from '../../../src/lib/runtime/step';
import { flowDriverFactory } from '../../../src/lib/conversation/driver';
import { ChatSession } from '../../../src/lib/conversation/chat';
import { entryText } from '../../../src/printers/transcript';
import { buildFlow } from '../../../src/lib/studio';
import { fakeTransport, fixedClock, flowOf, response, session, trigger, widget } from './helpers';

/**
 * Issue 19: the ten places where the interpreter differed from Studio's widget pages
 * (docs/fidelity-widgets.md cites them). Each test shows what a flow author would notice.
 */

function only<T extends FlowEvent['type']>(events: FlowEvent[], type: T): Array<Extract<FlowEvent, { type: T }>> {
  return events.filter((e): e is Extract<FlowEvent, { type: T }> => e.type === type);
}
const bodies = (events: FlowEvent[]) => only(events, 'message').map((m) => m.body);
const say = (name: string, body: string, next?: string) => widget(name, 'send-message', { body }, [next ? { event: 'sent', next } : { event: 'sent' }]);
const WW = `WW${'1'.repeat(32)}`;
const TC = `TC${'2'.repeat(32)}`;

describe('1. split-based-on regex: whole input, any case', () => {
  const flow = flowOf(
    trigger('Split'),
    widget('Split', 'split-based-on', { input: '{{trigger.message.Body}}' }, [
      { event: 'noMatch', next: 'No' },
      { event: 'match', next: 'Yes', conditions: [{ friendly_name: 'a rating', arguments: ['{{trigger.message.Body}}'], type: 'regex', value: '[1-5]' }] },
    ]),
    say('Yes', 'rating'),
    say('No', 'not a rating'),
  );
  for (const [input, expected] of [['3', 'rating'], ['16', 'not a rating'], ['a 3', 'not a rating']] as const) {
    it(`"${input}" → ${expected}`, async () => {
      assert.deepStrictEqual(bodies((await session(flow).start(input)).events), [expected]);
    });
  }
});

describe('2. outbound.* of send-message and send-and-wait-for-reply', () => {
  it('widgets.X.outbound.{Body,From,To,Sid,Status}; nothing at widgets.X.Body', async () => {
    const s = session(
      flowOf(
        trigger('Hello'),
        say('Hello', 'hi', 'Ask'),
        widget('Ask', 'send-and-wait-for-reply', { body: 'sid {{widgets.Hello.outbound.Sid}}', timeout: '60' }, [{ event: 'incomingMessage', next: 'Echo' }]),
        say('Echo', '{{widgets.Hello.outbound.Body}}|{{widgets.Hello.outbound.From}}|{{widgets.Hello.outbound.To}}|{{widgets.Hello.outbound.Status}}|{{widgets.Hello.Body}}|{{widgets.Ask.outbound.Sid}}|{{widgets.Ask.outbound.MessageSid}}'),
      ),
      { from: '+4915112345678', to: '+15005550006' },
    );
    const first = await s.start('x');
    const helloSid = only(first.events, 'message')[0].messageSid;
    assert.strictEqual(bodies(first.events)[1], `sid ${helloSid}`);
    const askSid = only(first.events, 'message')[1].messageSid;
    const [echo] = bodies((await s.reply('y')).events);
    assert.strictEqual(echo, `hi|+15005550006|+4915112345678|sent||${askSid}|`);
  });
});

describe('3. send-to-flex: callComplete goes on, failedToEnqueue is taken', () => {
  const flex = (attributes: string, extra: Record<string, unknown> = {}) =>
    flowOf(
      trigger('Flex'),
      widget('Flex', 'send-to-flex', { workflow: WW, channel: TC, attributes, ...extra }, [
        { event: 'callComplete', next: 'Created' },
        { event: 'failedToEnqueue', next: 'Refused' },
        { event: 'callFailure' },
      ]),
      say('Created', 'An agent will be with you shortly.', 'Survey'),
      widget('Survey', 'send-and-wait-for-reply', { body: 'Rate us?', timeout: '60' }, [{ event: 'incomingMessage' }]),
      say('Refused', 'Sorry, no agent now.'),
    );

  it('a created task: the message after "Task Created" is sent; a later wait ends the execution (the customer is with the agent)', async () => {
    const turn = await session(flex('{"a": "b"}')).start('help');
    assert.deepStrictEqual(bodies(turn.events), ['An agent will be with you shortly.', 'Rate us?']);
    assert.strictEqual(only(turn.events, 'handover')[0].created, true);
    assert.strictEqual(turn.ended?.reason, 'handover');
    assert.match(turn.ended?.message ?? '', /"Survey" waits for a reply after "Flex" handed the customer to an agent/);
    assert.strictEqual(turn.waiting, undefined);
  });

  it('attributes that are not JSON: no task, the failedToEnqueue branch runs', async () => {
    const turn = await session(flex('{"text": "{{trigger.message.Body}}"}')).start('say "hi"');
    const [handover] = only(turn.events, 'handover');
    assert.strictEqual(handover.created, false);
    assert.deepStrictEqual(bodies(turn.events), ['Sorry, no agent now.']);
    assert.strictEqual(turn.ended?.reason, 'flow-ended');
  });

  it('a workflow that is not a WW… SID: failedToEnqueue', async () => {
    const turn = await session(flex('{}', { workflow: '{{flow.variables.nope}}' })).start('x');
    assert.match(only(turn.events, 'handover')[0].problems.join(), /no workflow/);
    assert.deepStrictEqual(bodies(turn.events), ['Sorry, no agent now.']);
  });
});

describe('4. send-to-flex attribute defaults per channel model', () => {
  const flex = (event: string, attributes?: string) =>
    flowOf(
      trigger('Flex', event),
      widget('Flex', 'send-to-flex', { workflow: WW, channel: TC, ...(attributes !== undefined ? { attributes } : {}) }, [{ event: 'callComplete' }, { event: 'failedToEnqueue' }]),
    );

  it('Conversations: channelType, customerAddress, from, name, customerName are added; the widget\'s own keys stay', async () => {
    const turn = await session(flex('incomingConversationMessage', '{"name": "Ada", "topic": "billing"}'), { from: '+4915112345678' }).start('x');
    assert.deepStrictEqual(only(turn.events, 'handover')[0].attributes, {
      channelType: 'sms',
      customerAddress: '+4915112345678',
      from: '+4915112345678',
      name: 'Ada',
      customerName: '+4915112345678',
      topic: 'billing',
    });
  });

  it('legacy messaging without attributes: Flex\'s defaults, nothing added', async () => {
    const turn = await session(flex('incomingMessage')).start('x');
    assert.deepStrictEqual(Object.keys(only(turn.events, 'handover')[0].attributes as object), ['name', 'channelType', 'channelSid']);
  });
});

describe('5. make-http-request parsed: application/json objects only', () => {
  const flow = flowOf(
    trigger('Call'),
    widget('Call', 'make-http-request', { method: 'GET', content_type: 'application/x-www-form-urlencoded;charset=utf-8', url: 'https://api.example.com/x' }, [{ event: 'success', next: 'Say' }, { event: 'failed' }]),
    say('Say', 'text={{widgets.Call.parsed.text}} body={{widgets.Call.body}}'),
  );
  for (const [type, parsed] of [['application/json; charset=utf-8', 'hi'], ['APPLICATION/JSON', 'hi'], ['text/plain', ''], ['text/html', '']] as const) {
    it(`answered as ${type}: parsed.text is "${parsed}"`, async () => {
      const http = fakeTransport(() => response(200, '{"text":"hi"}', type));
      assert.deepStrictEqual(bodies((await session(flow, { http }).start('x')).events), [`text=${parsed} body={"text":"hi"}`]);
    });
  }
});

describe('6. add_twilio_auth, basic auth in the URL, the reserved parameter "method"', () => {
  const call = (properties: Record<string, unknown>) =>
    flowOf(
      trigger('Call'),
      widget('Call', 'make-http-request', { method: 'POST', content_type: 'application/x-www-form-urlencoded;charset=utf-8', url: 'https://api.example.com/x', ...properties }, [
        { event: 'success', next: 'Ok' },
        { event: 'failed', next: 'Ko' },
      ]),
      say('Ok', 'ok'),
      say('Ko', 'failed'),
    );

  it('add_twilio_auth to a URL that is not a Twilio API: nothing sent, failed', async () => {
    const http = fakeTransport(() => response(200, '{}'));
    const turn = await session(call({ add_twilio_auth: true }), { http }).start('x');
    assert.strictEqual(http.requests.length, 0);
    assert.deepStrictEqual(bodies(turn.events), ['failed']);
    assert.strictEqual(only(turn.events, 'http')[0].failure?.reason, 'refused');
  });

  it('add_twilio_auth false, or to a Twilio API: sent', async () => {
    for (const properties of [{ add_twilio_auth: false }, { add_twilio_auth: true, url: 'https://api.twilio.com/2010-04-01/Accounts.json' }]) {
      const http = fakeTransport(() => response(200, '{}'));
      assert.deepStrictEqual(bodies((await session(call(properties), { http }).start('x')).events), ['ok']);
      assert.strictEqual(http.requests.length, 1);
    }
  });

  it('user:password@ in the URL is sent as basic auth, and left out of the URL', async () => {
    const http = fakeTransport(() => response(200, '{}'));
    const turn = await session(call({ url: 'https://bot:s%40cret@api.example.com/x' }), { http }).start('x');
    assert.strictEqual(http.requests[0].url, 'https://api.example.com/x');
    assert.strictEqual(http.requests[0].headers?.Authorization, `Basic ${Buffer.from('bot:s@cret').toString('base64')}`);
    assert.strictEqual(only(turn.events, 'http')[0].url, 'https://api.example.com/x');
  });

  it('a parameter named "method": error 81014, nothing sent, failed', async () => {
    const http = fakeTransport(() => response(200, '{}'));
    const turn = await session(call({ parameters: [{ key: 'method', value: 'card' }] }), { http }).start('x');
    assert.strictEqual(http.requests.length, 0);
    assert.strictEqual(only(turn.events, 'http')[0].failure?.code, 81014);
    assert.deepStrictEqual(bodies(turn.events), ['failed']);
  });
});

describe('7. parsed across runs: run-function merges, make-http-request replaces', () => {
  const loop = (type: 'run-function' | 'make-http-request') =>
    flowOf(
      trigger('Call'),
      widget('Call', type, { method: 'GET', content_type: 'application/x-www-form-urlencoded;charset=utf-8', url: 'https://x-1.twil.io/f' }, [
        { event: 'success', next: 'Ask' },
        { event: type === 'run-function' ? 'fail' : 'failed' },
      ]),
      widget('Ask', 'send-and-wait-for-reply', { body: 'a={{widgets.Call.parsed.a}} b={{widgets.Call.parsed.b}}', timeout: '60' }, [{ event: 'incomingMessage', next: 'Call' }]),
    );
  const answers = [response(200, '{"a":"1"}'), response(200, '{"b":"2"}'), response(200, 'not json', 'text/plain')];

  it('run-function: the second answer adds to the first, a text answer keeps them', async () => {
    const s = session(loop('run-function'), { http: fakeTransport((_r, i) => answers[i]) });
    assert.deepStrictEqual(bodies((await s.start('x')).events), ['a=1 b=']);
    assert.deepStrictEqual(bodies((await s.reply('y')).events), ['a=1 b=2']);
    assert.deepStrictEqual(bodies((await s.reply('z')).events), ['a=1 b=2']);
  });

  it('make-http-request: each answer replaces parsed (the bot loop relies on it)', async () => {
    const s = session(loop('make-http-request'), { http: fakeTransport((_r, i) => answers[i]) });
    assert.deepStrictEqual(bodies((await s.start('x')).events), ['a=1 b=']);
    assert.deepStrictEqual(bodies((await s.reply('y')).events), ['a= b=2']);
    assert.deepStrictEqual(bodies((await s.reply('z')).events), ['a= b=']);
  });
});

describe('7b. where the two readings of make-http-request differ, the transcript says so', () => {
  it('a bot answer without "text" after one with it: one note, once per widget', async () => {
    const flow = buildFlow({ endpointUrl: 'https://endpoint.example.test/0123456789abcdef', channelModel: 'conversations', escalationKey: 'escalation', onBotFailure: 'escalate', workflowSid: WW, taskChannelSid: TC });
    const answers = ['{"text":"hello","data":{}}', '{"data":{"x":1}}', '{"data":{"x":2}}'];
    const chat = new ChatSession(flow, { http: fakeTransport((_r, i) => response(200, answers[i])), channelModel: 'conversations' });
    await chat.send('hi');
    await chat.send('data only');
    await chat.send('again');
    const notes = chat.transcript.filter((e) => /merges parsed across runs/.test(entryText(e)));
    assert.strictEqual(notes.length, 1);
    assert.match(entryText(notes[0]), /has no "text", which its previous answer had/);
  });
});

describe('8. trigger variables', () => {
  it('Conversations: AccountSid, DateCreated, MessagingServiceSid', async () => {
    const clock = fixedClock(Date.UTC(2026, 0, 2, 3, 4, 5));
    const s = session(flowOf(trigger('Say', 'incomingConversationMessage'), say('Say', '{{trigger.conversation.AccountSid}}|{{trigger.conversation.DateCreated}}|{{trigger.conversation.MessagingServiceSid}}')), { clock });
    const [account, created, service] = bodies((await s.start('x')).events)[0].split('|');
    assert.match(account, /^AC[0-9a-f]{32}$/);
    assert.strictEqual(created, '2026-01-02T03:04:05.000Z');
    assert.match(service, /^MG[0-9a-f]{32}$/);
  });

  it('messaging: NumMedia, MediaUrlN and the location fields; media in a reply reaches inbound', async () => {
    const s = session(
      flowOf(
        trigger('Ask'),
        widget('Ask', 'send-and-wait-for-reply', { body: '{{trigger.message.NumMedia}} {{trigger.message.MediaUrl0}} [{{trigger.message.FromCity}}] {{trigger.message.AccountSid | slice: 0, 2}}', timeout: '60' }, [{ event: 'incomingMessage', next: 'Got' }]),
        say('Got', '{{widgets.Ask.inbound.NumMedia}} {{widgets.Ask.inbound.MediaUrl1}}'),
      ),
    );
    const first = await s.start('look', ['https://example.com/a.jpg']);
    assert.deepStrictEqual(bodies(first.events), ['1 https://example.com/a.jpg [] AC']);
    assert.deepStrictEqual(only(first.events, 'inbound')[0].media, ['https://example.com/a.jpg']);
    assert.deepStrictEqual(bodies((await s.reply('two', ['https://example.com/b.jpg', 'https://example.com/c.jpg'])).events), ['2 https://example.com/c.jpg']);
    const none = session(flowOf(trigger('Say'), say('Say', 'n={{trigger.message.NumMedia}}')));
    assert.deepStrictEqual(bodies((await none.start('x')).events), ['n=0']);
  });
});

describe('8b. media on a Conversations flow is not exposed, and a script run says so', () => {
  it('the turn carries a warning naming what is not modelled', async () => {
    const flow = flowOf(trigger('Say', 'incomingConversationMessage'), say('Say', 'hi'));
    const driver = flowDriverFactory(flow, { http: fakeTransport(() => response(200, '{}')) })({ name: 'c', file: 'f', line: 1, steps: [] }, { signal: new AbortController().signal });
    const out = await driver.start('look', ['https://example.com/a.jpg']);
    assert.deepStrictEqual(out.warnings, [{ code: 'media-on-conversations' }]);
    const plain = await flowDriverFactory(flow, { http: fakeTransport(() => response(200, '{}')) })({ name: 'c', file: 'f', line: 1, steps: [] }, { signal: new AbortController().signal }).start('look');
    assert.strictEqual(plain.warnings, undefined);
  });
});

describe('9. set-variables: JSON objects and numbers', () => {
  it('"Parse as JSON object" gives an object; a plain number is a number; text and typed strings stay text', async () => {
    const s = session(
      flowOf(
        trigger('Vars'),
        widget('Vars', 'set-variables', {
          variables: [
            { key: 'order', value: '{"id": 7, "items": ["tea"]}', type: 'json' },
            { key: 'count', value: '{{trigger.message.Body | size}}' },
            { key: 'zip', value: '007' },
            { key: 'code', value: '42', type: 'string' },
            { key: 'broken', value: 'not json', type: 'json' },
          ],
        }, [{ event: 'next', next: 'Say' }]),
        say('Say', '{{flow.variables.order.items[0]}} {{flow.variables.order.id | plus: 1}} {{flow.variables.count | to_json}} {{flow.variables.zip | to_json}} {{flow.variables.code | to_json}}'),
      ),
    );
    const turn = await s.start('hello');
    assert.deepStrictEqual(bodies(turn.events), ['tea 8 5 "007" "42"']);
    assert.deepStrictEqual(s.variables.order, { id: 7, items: ['tea'] });
    assert.strictEqual(s.variables.count, 5);
    assert.strictEqual(s.variables.broken, 'not json');
    assert.match(only(turn.events, 'variables')[0].warnings?.join() ?? '', /"broken" is set to be parsed as a JSON object/);
  });
});

describe('10. limits: 30-day executions, send-to-flex timeout', () => {
  const wait = (timeout: string) =>
    flowOf(
      trigger('Ask'),
      widget('Ask', 'send-and-wait-for-reply', { body: 'still there?', timeout }, [{ event: 'incomingMessage', next: 'Thanks' }, { event: 'timeout', next: 'Bye' }]),
      say('Thanks', 'thanks'),
      say('Bye', 'bye'),
    );

  it('a reply after 30 days reaches no execution: Studio ended it', async () => {
    const clock = fixedClock();
    const s = session(wait('3600'), { clock });
    await s.start('x');
    clock.advance(MAX_EXECUTION_MS + 1000);
    const turn = await s.reply('sorry, I was away');
    assert.deepStrictEqual(bodies(turn.events), []);
    assert.strictEqual(turn.ended?.reason, 'limit');
    assert.match(turn.ended?.message ?? '', /30 days/);
  });

  it('a wait longer than 30 days never times out: the execution ends first', async () => {
    const s = session(wait(String(31 * 86_400)));
    await s.start('x');
    const turn = await s.silence();
    assert.deepStrictEqual(bodies(turn.events), []);
    assert.strictEqual(turn.ended?.reason, 'limit');
    const short = session(wait('3600'));
    await short.start('x');
    assert.deepStrictEqual(bodies((await short.silence()).events), ['bye']);
  });

  it('send-to-flex timeout: 3,600 s by default, over 1,209,600 s the task is refused', async () => {
    const flex = (timeout?: string) =>
      flowOf(trigger('Flex'), widget('Flex', 'send-to-flex', { workflow: WW, channel: TC, attributes: '{}', ...(timeout ? { timeout } : {}) }, [{ event: 'callComplete' }, { event: 'failedToEnqueue' }]));
    const [byDefault] = only((await session(flex()).start('x')).events, 'handover');
    assert.strictEqual(byDefault.timeout, '3600');
    assert.strictEqual(byDefault.created, true);
    const [max] = only((await session(flex('1209600')).start('x')).events, 'handover');
    assert.strictEqual(max.created, true);
    const [over] = only((await session(flex('1209601')).start('x')).events, 'handover');
    assert.strictEqual(over.created, false);
    assert.match(over.problems.join(), /1209600/);
  });

});
