import { describe, it } from 'mocha';
import { assert } from 'chai';
import { FlowSession, sequentialIds, type FlowEvent } from '../../../src/lib/runtime';
import { decodeForm, fakeTransport, flowOf, response, session, trigger, widget } from './helpers';

const SID = /^[A-Z]{2}[0-9a-f]{32}$/;

function only<T extends FlowEvent['type']>(events: FlowEvent[], type: T): Array<Extract<FlowEvent, { type: T }>> {
  return events.filter((e): e is Extract<FlowEvent, { type: T }> => e.type === type);
}

const echo = (name = 'Echo', next?: string) =>
  widget(name, 'send-message', { body: 'Body={{trigger.message.Body}}{{trigger.conversation.Body}}' }, [
    next ? { event: 'sent', next } : { event: 'sent' },
  ]);

describe('trigger', () => {
  it('legacy incomingMessage exposes trigger.message.* with realistic SIDs', async () => {
    const s = session(
      flowOf(
        trigger('Vars'),
        widget('Vars', 'set-variables', {
          variables: [
            { key: 'all', value: '{{trigger.message.From}}|{{trigger.message.To}}|{{trigger.message.ChannelAttributes.from}}|{{trigger.message.ChannelAttributes.channel_type}}|{{contact.channel.address}}|{{flow.channel.address}}' },
            { key: 'sids', value: '{{trigger.message.MessageSid}} {{trigger.message.ChannelSid}} {{trigger.message.InstanceSid}} {{trigger.message.ChannelAttributes.proxySession}} {{flow.flow_sid}} {{flow.sid}}' },
          ],
        }, [{ event: 'next' }]),
      ),
      { from: '+4915112345678', to: '+15005550006' },
    );
    await s.start('hello');
    assert.strictEqual(s.channelModel, 'legacy');
    assert.strictEqual(s.variables.all, '+4915112345678|+15005550006|+4915112345678|sms|+4915112345678|+15005550006');
    const sids = String(s.variables.sids).split(' ');
    assert.deepStrictEqual(sids.map((x) => x.slice(0, 2)), ['IM', 'CH', 'IS', 'KC', 'FW', 'FN']);
    for (const sid of sids) assert.match(sid, SID);
  });

  it('incomingConversationMessage exposes trigger.conversation.*', async () => {
    const s = session(
      flowOf(
        trigger('Vars', 'incomingConversationMessage'),
        widget('Vars', 'set-variables', {
          variables: [{ key: 'v', value: '{{trigger.conversation.Body}}|{{trigger.conversation.From}}|{{trigger.conversation.ConversationSid}}|{{trigger.message.Body}}' }],
        }, [{ event: 'next' }]),
      ),
    );
    await s.start('hey');
    assert.strictEqual(s.channelModel, 'conversations');
    const [body, from, conversation, legacy] = String(s.variables.v).split('|');
    assert.deepStrictEqual([body, from, legacy], ['hey', '+15551234567', '']);
    assert.match(conversation, /^CH[0-9a-f]{32}$/);
  });

  it('when both messaging events are wired, channelModel chooses', async () => {
    const both = flowOf(
      {
        ...trigger('Legacy'),
        transitions: [
          { event: 'incomingMessage', next: 'Legacy' },
          { event: 'incomingConversationMessage', next: 'Conv' },
        ],
      },
      widget('Legacy', 'send-message', { body: 'legacy' }, [{ event: 'sent' }]),
      widget('Conv', 'send-message', { body: 'conversations' }, [{ event: 'sent' }]),
    );
    for (const model of ['legacy', 'conversations'] as const) {
      const turn = await session(both, { channelModel: model }).start('x');
      assert.strictEqual(only(turn.events, 'message')[0].body, model);
    }
  });

  it('a flow wiring no messaging event is an error naming what it wires', async () => {
    const turn = await session(flowOf(trigger('Echo', 'incomingRequest'), echo())).start('x');
    assert.strictEqual(turn.ended?.reason, 'error');
    assert.match(turn.ended?.message ?? '', /"incomingRequest"/);
    assert.strictEqual(only(turn.events, 'error').length, 1);
  });

  it('flow.data carries REST parameters', async () => {
    const s = session(
      flowOf(trigger('V'), widget('V', 'set-variables', { variables: [{ key: 'd', value: '{{flow.data.lang}}' }] }, [{ event: 'next' }])),
      { data: { lang: 'de' } },
    );
    await s.start('x');
    assert.strictEqual(s.variables.d, 'de');
  });
});

describe('set-variables', () => {
  it('renders each value, reports only what changed, keeps earlier variables', async () => {
    const s = session(
      flowOf(
        trigger('A'),
        widget('A', 'set-variables', { variables: [{ key: 'text', value: '{{trigger.message.Body}}' }, { key: 'n', value: '1' }] }, [{ event: 'next', next: 'B' }]),
        widget('B', 'set-variables', { variables: [{ key: 'n', value: '{{flow.variables.n | plus: 1}}', type: 'string' }] }, [{ event: 'next' }]),
      ),
    );
    const turn = await s.start('Hi there');
    // `n` is set without a type (a number), then with `type: "string"` (text).
    assert.deepStrictEqual(only(turn.events, 'variables').map((e) => e.changed), [{ text: 'Hi there', n: 1 }, { n: '2' }]);
    assert.deepStrictEqual({ ...s.variables }, { text: 'Hi there', n: '2' });
    assert.strictEqual(turn.ended?.reason, 'flow-ended');
    assert.strictEqual(turn.ended?.widget, 'B');
  });
});

describe('make-http-request', () => {
  const httpFlow = (props: Record<string, unknown>) =>
    flowOf(
      trigger('Call'),
      widget('Call', 'make-http-request', props, [
        { event: 'success', next: 'Ok' },
        { event: 'failed', next: 'Ko' },
      ]),
      widget('Ok', 'send-message', { body: 'ok {{widgets.Call.status_code}} {{widgets.Call.parsed.text}}' }, [{ event: 'sent' }]),
      widget('Ko', 'send-message', { body: 'ko {{widgets.Call.status_code}}' }, [{ event: 'sent' }]),
    );

  it('a form POST sends rendered, encoded parameters and exposes the answer', async () => {
    const http = fakeTransport(() => response(200, '{"text":"Hello!"}', 'application/json; charset=utf-8', 42));
    const s = session(
      httpFlow({
        method: 'POST',
        url: 'https://bot.test/rest/{{flow.variables.missing}}token',
        content_type: 'application/x-www-form-urlencoded;charset=utf-8',
        parameters: [{ key: 'userId', value: '{{trigger.message.From}}' }, { key: 'text', value: '{{trigger.message.Body}}' }],
      }),
      { http },
    );
    const turn = await s.start('a b&c');
    assert.strictEqual(http.requests.length, 1);
    const req = http.requests[0];
    assert.strictEqual(req.method, 'POST');
    assert.strictEqual(req.url, 'https://bot.test/rest/token');
    assert.strictEqual(req.headers?.['Content-Type'], 'application/x-www-form-urlencoded;charset=utf-8');
    assert.strictEqual(req.timeoutMs, 10_000);
    assert.strictEqual(req.maxBodyBytes, 65_536);
    assert.deepStrictEqual(decodeForm(req.body), [['userId', '+15551234567'], ['text', 'a b&c']]);
    const [event] = only(turn.events, 'http');
    assert.strictEqual(event.outcome, 'success');
    assert.strictEqual(event.status, 200);
    assert.strictEqual(event.elapsedMs, 42);
    assert.strictEqual(event.responseContentType, 'application/json; charset=utf-8');
    assert.strictEqual(only(turn.events, 'message')[0].body, 'ok 200 Hello!');
    assert.deepStrictEqual(s.context.widgets.Call, {
      status_code: 200,
      content_type: 'application/json; charset=utf-8',
      body: '{"text":"Hello!"}',
      parsed: { text: 'Hello!' },
    });
  });

  it('a JSON POST sends the rendered body as-is: a quote in the message breaks it, as in Studio', async () => {
    const http = fakeTransport(() => response(200, 'ok', 'text/plain'));
    const s = session(
      httpFlow({ method: 'POST', url: 'https://bot.test/', content_type: 'application/json;charset=utf-8', body: '{"text": "{{trigger.message.Body}}"}' }),
      { http },
    );
    await s.start('say "hi"');
    assert.strictEqual(http.requests[0].body, '{"text": "say "hi""}');
    assert.strictEqual(http.requests[0].headers?.['Content-Type'], 'application/json;charset=utf-8');
    assert.throws(() => JSON.parse(http.requests[0].body ?? ''));
  });

  it('a GET puts parameters in the query and sends no body', async () => {
    const http = fakeTransport(() => response(200, '[]'));
    const s = session(httpFlow({ method: 'GET', url: 'https://bot.test/q?a=1', parameters: [{ key: 'text', value: '{{trigger.message.Body}}' }] }), { http });
    await s.start('x y');
    assert.strictEqual(http.requests[0].url, 'https://bot.test/q?a=1&text=x+y');
    assert.strictEqual(http.requests[0].body, undefined);
  });

  it('a 5xx takes the failed branch and still exposes status and body', async () => {
    const http = fakeTransport(() => response(503, '<html>down</html>', 'text/html'));
    const s = session(httpFlow({ method: 'POST', url: 'https://bot.test/' }), { http });
    const turn = await s.start('x');
    const [event] = only(turn.events, 'http');
    assert.strictEqual(event.outcome, 'failed');
    assert.deepStrictEqual(event.failure?.reason, 'status');
    assert.strictEqual(only(turn.events, 'message')[0].body, 'ko 503');
    assert.strictEqual(s.context.widgets.Call.body, '<html>down</html>');
    assert.strictEqual('parsed' in s.context.widgets.Call, false);
  });

  it('an unsupported method stops the run instead of guessing', async () => {
    const turn = await session(httpFlow({ method: 'PUT', url: 'https://bot.test/' })).start('x');
    assert.strictEqual(turn.ended?.reason, 'error');
    assert.match(turn.ended?.message ?? '', /PUT/);
  });
});

describe('send-and-wait-for-reply', () => {
  const waitFlow = () =>
    flowOf(
      trigger('Ask'),
      widget('Ask', 'send-and-wait-for-reply', { from: '{{flow.channel.address}}', body: 'Name?', timeout: '300' }, [
        { event: 'incomingMessage', next: 'Thanks' },
        { event: 'timeout', next: 'Bye' },
        { event: 'deliveryFailure' },
      ]),
      widget('Thanks', 'send-message', { body: 'Thanks {{widgets.Ask.inbound.Body}} ({{widgets.Ask.inbound.From}} → {{widgets.Ask.inbound.To}}), I said "{{widgets.Ask.outbound.Body}}"' }, [{ event: 'sent' }]),
      widget('Bye', 'send-message', { body: 'Bye{{widgets.Ask.inbound.Body}}' }, [{ event: 'sent' }]),
    );

  it('sends, waits with the timeout, then follows incomingMessage with inbound.*', async () => {
    const s = session(waitFlow());
    const first = await s.start('hi');
    const [message] = only(first.events, 'message');
    assert.deepStrictEqual([message.widget, message.body, message.from, message.to], ['Ask', 'Name?', '+15005550006', '+15551234567']);
    assert.match(message.messageSid, SID);
    assert.deepStrictEqual(first.waiting, { widget: 'Ask', timeoutSeconds: 300 });
    assert.strictEqual(only(first.events, 'wait')[0].timeoutSeconds, 300);
    assert.strictEqual(first.ended, undefined);
    assert.strictEqual(s.waiting, true);

    const second = await s.reply('Ada');
    assert.strictEqual(only(second.events, 'message')[0].body, 'Thanks Ada (+15551234567 → +15005550006), I said "Name?"');
    assert.strictEqual(only(second.events, 'inbound')[0].body, 'Ada');
    assert.strictEqual(second.ended?.reason, 'flow-ended');
    await assert.isRejected(s.reply('again'), /ended/);
  });

  it('silence follows the timeout transition, without inbound', async () => {
    const s = session(waitFlow());
    await s.start('hi');
    const turn = await s.silence();
    assert.strictEqual(only(turn.events, 'message')[0].body, 'Bye');
    assert.strictEqual(turn.ended?.reason, 'flow-ended');
  });

  it('a missing or unreadable timeout defaults to 3600 seconds', async () => {
    const s = session(flowOf(trigger('Ask'), widget('Ask', 'send-and-wait-for-reply', { body: 'x', timeout: 'soon' }, [{ event: 'incomingMessage' }])));
    assert.strictEqual((await s.start('hi')).waiting?.timeoutSeconds, 3600);
  });
});

describe('send-to-flex', () => {
  const flexFlow = (attributes?: string) =>
    flowOf(
      trigger('Flex'),
      widget('Flex', 'send-to-flex', {
        workflow: 'WW0123456789abcdef0123456789abcdef',
        channel: 'TC0123456789abcdef0123456789abcdef',
        ...(attributes !== undefined ? { attributes } : {}),
        priority: '5',
      }, [{ event: 'callComplete', next: 'After' }, { event: 'failedToEnqueue' }, { event: 'callFailure' }]),
      widget('After', 'send-message', { body: 'after' }, [{ event: 'sent' }]),
    );

  it('renders attributes, parses them, exposes TaskSid, follows callComplete and ends with handover', async () => {
    const s = session(flexFlow('{"name": "{{trigger.message.ChannelAttributes.from}}", "text": "{{trigger.message.Body}}"}'));
    const turn = await s.start('help');
    const [handover] = only(turn.events, 'handover');
    assert.strictEqual(handover.workflow, 'WW0123456789abcdef0123456789abcdef');
    assert.strictEqual(handover.channel, 'TC0123456789abcdef0123456789abcdef');
    assert.deepStrictEqual(handover.attributes, { name: '+15551234567', text: 'help' });
    assert.strictEqual(handover.attributesRaw, '{"name": "+15551234567", "text": "help"}');
    assert.strictEqual(handover.priority, '5');
    assert.deepStrictEqual(handover.problems, []);
    assert.strictEqual(handover.created, true);
    assert.match(handover.taskSid ?? '', /^WT[0-9a-f]{32}$/);
    assert.strictEqual(s.context.widgets.Flex.TaskSid, handover.taskSid);
    assert.strictEqual(s.context.widgets.Flex.Attributes, handover.attributesRaw);
    assert.strictEqual(turn.ended?.reason, 'handover');
    assert.deepStrictEqual(only(turn.events, 'message').map((m) => m.body), ['after'], '"Task Created" is followed');
  });

  it('attributes that are not JSON or over 1,024 characters: no task, failedToEnqueue', async () => {
    const bad = await session(flexFlow('{"text": "{{trigger.message.Body}}"}')).start('say "hi"');
    const [h1] = only(bad.events, 'handover');
    assert.strictEqual(h1.attributes, undefined);
    assert.strictEqual(h1.created, false);
    assert.strictEqual(h1.taskSid, undefined);
    assert.match(h1.problems.join(), /not valid JSON/);
    assert.strictEqual(bad.ended?.reason, 'flow-ended');
    assert.match(bad.ended?.message ?? '', /"failedToEnqueue" transition/);

    const long = await session(flexFlow('{"text": "{{trigger.message.Body}}"}')).start('x'.repeat(1100));
    const [h2] = only(long.events, 'handover');
    assert.match(h2.problems.join(), /1,024|1024/);
    assert.strictEqual(long.ended?.reason, 'flow-ended');
  });

  it('without attributes, Studio’s default legacy attributes are used', async () => {
    const turn = await session(flexFlow()).start('x');
    const [h] = only(turn.events, 'handover');
    assert.deepStrictEqual(Object.keys(h.attributes as object), ['name', 'channelType', 'channelSid']);
    assert.strictEqual((h.attributes as { name: string }).name, '+15551234567');
  });
});

describe('run-function', () => {
  const fnFlow = () =>
    flowOf(
      trigger('Fn'),
      widget('Fn', 'run-function', {
        url: 'https://x-1234.twil.io/lookup',
        service_sid: 'ZS0123456789abcdef0123456789abcdef',
        parameters: [{ key: 'phone', value: '{{contact.channel.address}}' }],
      }, [{ event: 'success', next: 'Ok' }, { event: 'fail', next: 'Ko' }]),
      widget('Ok', 'send-message', { body: 'tier={{widgets.Fn.parsed.tier}}' }, [{ event: 'sent' }]),
      widget('Ko', 'send-message', { body: 'function failed' }, [{ event: 'sent' }]),
    );

  it('POSTs form-encoded parameters and follows success', async () => {
    const http = fakeTransport(() => response(200, '{"tier":"gold"}'));
    const turn = await session(fnFlow(), { http }).start('x');
    assert.strictEqual(http.requests[0].method, 'POST');
    assert.strictEqual(http.requests[0].url, 'https://x-1234.twil.io/lookup');
    assert.deepStrictEqual(decodeForm(http.requests[0].body), [['phone', '+15551234567']]);
    assert.strictEqual(only(turn.events, 'function')[0].outcome, 'success');
    assert.strictEqual(only(turn.events, 'message')[0].body, 'tier=gold');
  });

  it('a failing function follows fail (not failed)', async () => {
    const turn = await session(fnFlow(), { http: fakeTransport(() => response(500, 'boom', 'text/plain')) }).start('x');
    assert.strictEqual(only(turn.events, 'function')[0].outcome, 'failed');
    assert.strictEqual(only(turn.events, 'message')[0].body, 'function failed');
  });
});

describe('what the runner does not model', () => {
  it('an unknown widget type stops with an error naming the widget and its type', async () => {
    const s = session(flowOf(trigger('Sub'), widget('Sub', 'connect-virtual-agent', { connector: 'x' }, [{ event: 'hangup', next: 'Sub' }])));
    const turn = await s.start('x');
    const [error] = only(turn.events, 'error');
    assert.match(error.message, /"Sub".*"connect-virtual-agent"/);
    assert.strictEqual(turn.ended?.reason, 'error');
    assert.strictEqual(turn.ended?.widget, 'Sub');
  });

  it('a transition to a missing state is an error naming it', async () => {
    const turn = await session(flowOf(trigger('Echo'), echo('Echo', 'Ghost'))).start('x');
    assert.strictEqual(turn.ended?.reason, 'error');
    assert.match(turn.ended?.message ?? '', /"Ghost"/);
  });

  it('an initial_state that does not exist is an error', async () => {
    const flow = { ...flowOf(trigger('Echo'), echo()), initial_state: 'Nope' };
    const turn = await session(flow).start('x');
    assert.strictEqual(turn.ended?.reason, 'error');
    assert.match(turn.ended?.message ?? '', /"Nope"/);
  });

  it('SIDs are random but well formed by default, and reproducible with injected ids', async () => {
    const flow = flowOf(trigger('Echo'), echo());
    const run = async (ids?: () => string) => {
      const s = new FlowSession(flow, { http: fakeTransport(() => response(200, '')), ids, clock: { now: () => 0 } });
      return (await s.start('x')).events;
    };
    const [a, b] = [await run(), await run()];
    assert.match(only(a, 'message')[0].messageSid, SID);
    assert.notStrictEqual(only(a, 'message')[0].messageSid, only(b, 'message')[0].messageSid);
    assert.deepStrictEqual(await run(sequentialIds()), await run(sequentialIds()));
  });
});
