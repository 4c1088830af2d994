import { describe, it } from 'mocha';
import { assert, expect } from 'chai';
import type { FlowEvent } from '../../../src/lib/runtime';
import { findStub, parseStubs } from '../../../src/lib/runtime/stubs';
import { startEventFor } from '../../../src/lib/runtime/flow';
import { UsageError } from '../../../src/lib/errors';
import { fakeTransport, flowOf, response, session, trigger, widget } from './helpers';

/** What real flows use beyond the bot loop (issue 14): the core and the session, no CLI. */
const only = <T extends FlowEvent['type']>(events: FlowEvent[], type: T) => events.filter((e) => e.type === type) as Extract<FlowEvent, { type: T }>[];
const say = (name: string, body: string, next?: string, extra: Record<string, unknown> = {}) =>
  widget(name, 'send-message', { body, ...extra }, [{ event: 'sent', ...(next ? { next } : {}) }, { event: 'failed', next: 'Failed' }]);
const failed = say('Failed', 'send failed');
const CHILD = `FW${'c'.repeat(32)}`;

describe('send-message: recipients, media, content templates', () => {
  it('another address is a message to it, not to the customer; an empty rendered `to` takes failed', async () => {
    const flow = flowOf(trigger('A'), say('A', 'to you', 'B'), say('B', 'to staff', 'C', { to: '+15550001111' }), say('C', 'to nobody', undefined, { to: '{{widgets.x.parsed.phone}}' }), failed);
    const turn = await session(flow, { from: '+15551234567' }).start('hi');
    const messages = only(turn.events, 'message');
    assert.deepStrictEqual(messages.map((m) => [m.body, m.to, m.toCustomer, m.failure !== undefined]), [
      ['to you', '+15551234567', true, false],
      ['to staff', '+15550001111', false, false],
      ['to nobody', '', false, true],
      ['send failed', '+15551234567', true, false],
    ]);
  });

  it('media_url and a content template are what the event carries', async () => {
    const flow = flowOf(
      trigger('A'),
      say('A', 'card', 'B', { media_url: 'https://x.example/{{trigger.message.Body}}.png' }),
      say('B', 'unsent body', undefined, { message_type: 'content_template', content_sid: 'HX1', content_variables: [{ key: '1', value: '{{trigger.message.Body}}' }] }),
    );
    const [card, template] = only((await session(flow).start('owl')).events, 'message');
    assert.strictEqual(card.mediaUrl, 'https://x.example/owl.png');
    assert.deepStrictEqual(template.content, { sid: 'HX1', variables: { '1': 'owl' } });
  });
});

describe('run-subflow', () => {
  const child = flowOf(
    trigger('Ask', 'incomingParent'),
    widget('Ask', 'send-and-wait-for-reply', { body: 'Hi {{flow.data.name}} / {{trigger.parent.parameters.name}}', timeout: 60 }, [{ event: 'incomingMessage', next: 'Keep' }]),
    widget('Keep', 'set-variables', { variables: [{ key: 'answer', value: '{{widgets.Ask.inbound.Body}}' }] }, [{ event: 'next' }]),
  );
  const parent = (sid = CHILD) =>
    flowOf(
      trigger('Sub'),
      widget('Sub', 'run-subflow', { flow_sid: sid, parameters: [{ key: 'name', value: '{{trigger.message.Body}}' }] }, [
        { event: 'completed', next: 'Done' },
        { event: 'failed', next: 'Broken' },
      ]),
      say('Done', 'got {{widgets.Sub.answer}}, parent variables: [{{flow.variables.answer}}]'),
      say('Broken', 'subflow failed'),
    );

  it('parameters in, variables back as widgets.<widget>.<key>, then completed; the wait is the customer\'s', async () => {
    const s = session(parent(), { subflows: new Map([[CHILD, child]]) });
    const first = await s.start('Ana');
    assert.deepStrictEqual(only(first.events, 'message').map((m) => m.body), ['Hi Ana / Ana']);
    assert.ok(first.waiting);
    const second = await s.reply('fine');
    assert.deepStrictEqual(only(second.events, 'message').map((m) => m.body), ['got fine, parent variables: []']);
    assert.deepStrictEqual(only(second.events, 'subflow').map((e) => [e.phase, e.outcome]), [['return', 'completed']]);
  });

  it('a child that cannot run as a subflow takes failed; a child not loaded stops the run, naming the flag', async () => {
    const noParentTrigger = flowOf(trigger('X'), say('X', 'x'));
    const turn = await session(parent(), { subflows: new Map([[CHILD, noParentTrigger]]) }).start('Ana');
    assert.deepStrictEqual(only(turn.events, 'message').map((m) => m.body), ['subflow failed']);

    const missing = await session(parent()).start('Ana');
    assert.strictEqual(missing.ended?.reason, 'error');
    assert.match(missing.ended?.message ?? '', new RegExp(`--subflow ${CHILD}=FILE`));
  });

  it('a subflow running itself stops at Studio\'s step limit, not a stack overflow', async () => {
    const loop = flowOf(trigger('Again', 'incomingParent'), widget('Again', 'run-subflow', { flow_sid: CHILD }, [{ event: 'completed' }, { event: 'failed' }]));
    const turn = await session(parent(), { subflows: new Map([[CHILD, loop]]) }).start('x');
    assert.strictEqual(turn.ended?.reason, 'limit');
  });
});

describe('REST API and subflow starts', () => {
  it('which event a run starts with', () => {
    assert.strictEqual(startEventFor(flowOf(trigger('A'), say('A', 'x')), false), undefined);
    assert.strictEqual(startEventFor(flowOf(trigger('A', 'incomingRequest'), say('A', 'x')), false), 'incomingRequest');
    assert.strictEqual(startEventFor(flowOf(trigger('A', 'incomingParent'), say('A', 'x')), true), 'incomingParent');
    assert.strictEqual(startEventFor(flowOf(trigger('A'), say('A', 'x')), true), undefined);
  });

  it('incomingRequest: flow.data and trigger.request, no inbound message', async () => {
    const flow = flowOf(trigger('A', 'incomingRequest'), say('A', '{{flow.data.name}} {{trigger.request.to}} {{trigger.request.parameters.name}}'));
    const turn = await session(flow, { from: '+15559998888', data: { name: 'Zoe' } }).begin('incomingRequest');
    assert.deepStrictEqual(only(turn.events, 'inbound'), []);
    assert.deepStrictEqual(only(turn.events, 'message').map((m) => m.body), ['Zoe +15559998888 Zoe']);
  });
});

describe('run-function exported without URL, and stubs', () => {
  const fn = flowOf(
    trigger('Fn'),
    widget('Fn', 'run-function', { url: '', function_sid: 'ZH1', parameters: [{ key: 'q', value: '{{trigger.message.Body}}' }] }, [
      { event: 'success', next: 'Ok' },
      { event: 'fail', next: 'Failed' },
    ]),
    say('Ok', '{{widgets.Fn.parsed.a}}'),
    failed,
  );

  it('--function by widget name or SID gives the URL; without one the run stops naming the flag', async () => {
    for (const key of ['Fn', 'ZH1']) {
      const http = fakeTransport(() => response(200, '{"a": "answer"}'));
      const turn = await session(fn, { http, functions: new Map([[key, 'https://fn.example/x']]) }).start('q');
      assert.strictEqual(http.requests[0].url, 'https://fn.example/x');
      assert.deepStrictEqual(only(turn.events, 'message').map((m) => m.body), ['answer']);
    }
    const stopped = await session(fn).start('q');
    assert.strictEqual(stopped.ended?.reason, 'error');
    assert.match(stopped.ended?.message ?? '', /--function Fn=URL/);
  });

  it('a stub answers by widget, or by URL pattern and method; the rest goes to the transport', async () => {
    const stubs = parseStubs({ stubs: [{ widget: 'Fn', body: { a: 'stubbed' } }] }, 'stubs.yaml');
    const http = fakeTransport(() => response(500, 'no'));
    const turn = await session(fn, { http, stubs }).start('q');
    assert.deepStrictEqual(only(turn.events, 'message').map((m) => m.body), ['stubbed']);
    assert.strictEqual(http.requests.length, 0);
    assert.strictEqual(only(turn.events, 'function')[0].stub, 'stubs.yaml stubs[0]');

    const byUrl = parseStubs([{ url: 'https://api.example/users/*', method: 'GET', status: 404 }], 'f');
    assert.ok(findStub(byUrl, 'any', { method: 'GET', url: 'https://api.example/users/42?x=1' }));
    assert.strictEqual(findStub(byUrl, 'any', { method: 'POST', url: 'https://api.example/users/42' }), undefined);
    assert.strictEqual(findStub(byUrl, 'any', { method: 'GET', url: 'https://api.example/orders/42' }), undefined);
  });

  it('a stub delayed past the time budget (Studio: 10 s) fails the widget as timed out', async () => {
    const stubs = parseStubs([{ widget: 'Fn', delay: 50, body: '{}' }], 'f');
    const turn = await session(fn, { stubs, limits: { httpTimeoutMs: 10 } }).start('q');
    assert.strictEqual(only(turn.events, 'function')[0].failure?.reason, 'timeout');
    assert.deepStrictEqual(only(turn.events, 'message').map((m) => m.body), ['send failed']);
  });

  it('bad stubs are refused with the entry and what is wrong', () => {
    expect(() => parseStubs([{ status: 200 }], 's.yaml')).to.throw().that.satisfies((e: unknown) => e instanceof UsageError && /s\.yaml stubs\[0\]: matches nothing/.test(e.message));
    assert.throws(() => parseStubs([{ widget: 'x', method: 'PUT' }], 's.yaml'), /GET or POST/);
    assert.throws(() => parseStubs([{ widget: 'x', colour: 'red' }], 's.yaml'), /unknown key "colour"/);
    assert.throws(() => parseStubs('nope', 's.yaml'), /no list of stubs/);
  });
});
