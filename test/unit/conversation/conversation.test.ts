import { describe, it } from 'mocha';
import { assert } from 'chai';
import { ConversationActor } from '../../../src/lib/conversation/conversation';
import type { ConversationEvent } from '../../../src/lib/conversation/events';
import type { HttpTransport } from '../../../src/lib/http/types';
import { buildFlow, WIDGET } from '../../../src/lib/studio';
import { fakeTransport, flowOf, response, trigger, widget } from '../runtime/helpers';

const ENDPOINT = 'https://endpoint.example.test/0123456789abcdef';
const WORKFLOW = `WW${'2'.repeat(32)}`;
const TASK_CHANNEL = `TC${'3'.repeat(32)}`;
const built = () =>
  buildFlow({ endpointUrl: ENDPOINT, channelModel: 'conversations', escalationKey: 'escalation', onBotFailure: 'escalate', workflowSid: WORKFLOW, taskChannelSid: TASK_CHANNEL });

/** A bot that answers "You said: …", and asks for an agent on "agent". */
const echoBot = (): HttpTransport =>
  fakeTransport((request) => {
    const text = new URLSearchParams(request.body ?? '').get('text') ?? JSON.parse(request.body ?? '{}').text ?? '';
    const agent = /agent/.test(text);
    return response(200, JSON.stringify({ text: agent ? 'Connecting you.' : `You said: ${text}`, data: agent ? { escalation: true } : {}, outputStack: [{ text: agent ? 'Connecting you.' : `You said: ${text}`, data: agent ? { escalation: true } : {} }] }));
  });

function recorder(actor: ConversationActor): ConversationEvent[] {
  const events: ConversationEvent[] = [];
  actor.subscribe((e) => events.push(e));
  return events;
}

describe('the conversation: one actor, its event stream', () => {
  it('tells a subscriber, in order, what a turn does: the widgets, the bot call with its budget, the message', async () => {
    const actor = new ConversationActor(built(), { http: echoBot(), botEndpoint: ENDPOINT, channelModel: 'conversations' });
    const events = recorder(actor);
    const turn = await actor.send('hello');
    const types = events.map((e) => e.type).filter((t) => t !== 'flow-event');
    assert.strictEqual(types[0], 'turn-started');
    assert.strictEqual(types[1], 'execution-started');
    assert.strictEqual(types[types.length - 1], 'turn-ended');
    const started = types.indexOf('call-started');
    const ended = types.indexOf('call-ended');
    assert.isAbove(started, 0);
    assert.isAbove(ended, started);
    assert.isAbove(types.indexOf('message'), ended);
    const call = events.find((e) => e.type === 'call-started');
    assert.deepInclude(call, { widget: WIDGET.callBot, bot: true, kind: 'http', method: 'POST', host: 'endpoint.example.test', budgetMs: 10_000 });
    // The host only: the URL's token never reaches a view.
    assert.notMatch(JSON.stringify(events.filter((e) => e.type !== 'flow-event')), /0123456789abcdef/);
    const end = events.find((e) => e.type === 'call-ended');
    assert.ok(end?.type === 'call-ended' && end.answer?.turn.text === 'You said: hello', JSON.stringify(end));
    const entered = events.filter((e) => e.type === 'widget-entered').map((e) => (e.type === 'widget-entered' ? `${e.from} -${e.via}-> ${e.widget}` : ''));
    assert.include(entered, `${WIDGET.trigger} -incomingConversationMessage-> ${WIDGET.setText}`);
    assert.isTrue(entered.some((t) => t.startsWith(`${WIDGET.callBot} -success->`)), entered.join('\n'));
    const message = events.find((e) => e.type === 'message');
    assert.ok(message?.type === 'message');
    assert.strictEqual(message.text, 'You said: hello');
    assert.strictEqual(message.toCustomer, true);
    assert.strictEqual(message.answer?.turn.text, 'You said: hello');
    assert.strictEqual(turn.calls.length, 1);
    assert.strictEqual(turn.calls[0].answer?.text, 'You said: hello');
  });

  it('a hand-over says what Flex would receive, and ends the execution', async () => {
    const actor = new ConversationActor(built(), { http: echoBot(), botEndpoint: ENDPOINT, channelModel: 'conversations' });
    const events = recorder(actor);
    await actor.send('agent please');
    const handover = events.find((e) => e.type === 'handover');
    assert.ok(handover?.type === 'handover');
    assert.strictEqual(handover.created, true);
    assert.strictEqual(handover.handover.workflow, WORKFLOW);
    assert.strictEqual(handover.handover.channel, TASK_CHANNEL);
    const ended = events.find((e) => e.type === 'execution-ended');
    assert.ok(ended?.type === 'execution-ended');
    assert.strictEqual(ended.reason, 'handover');
    assert.strictEqual(ended.handedOverBy, WIDGET.toFlex);
    assert.strictEqual(actor.handover?.workflow, WORKFLOW);
  });

  it('the next message after an end starts a new execution in the same customer conversation', async () => {
    const http = fakeTransport(() => response(200, '{}'));
    const flow = flowOf(trigger('Bye', 'incomingMessage'), widget('Bye', 'send-message', { body: 'Bye {{trigger.message.ChannelSid}}' }, [{ event: 'sent' }, { event: 'failed' }]));
    const actor = new ConversationActor(flow, { http, channelModel: 'legacy' });
    const events = recorder(actor);
    const first = await actor.send('one');
    const second = await actor.send('two');
    assert.deepStrictEqual([first.execution, second.execution], [{ number: 1, restart: false }, { number: 2, restart: true }]);
    const starts = events.filter((e) => e.type === 'execution-started').map((e) => (e.type === 'execution-started' ? [e.execution, e.restart] : []));
    assert.deepStrictEqual(starts, [[1, false], [2, true]]);
    const texts = events.filter((e) => e.type === 'message').map((e) => (e.type === 'message' ? e.text : ''));
    assert.strictEqual(texts.length, 2);
    assert.match(texts[0], /^Bye CH[0-9a-f]{32}$/);
    assert.strictEqual(texts[0], texts[1], 'the same chat channel in both executions');
  });

  it('a widget type the runner does not model is a problem with its own code', async () => {
    const flow = flowOf(trigger('Pay', 'incomingMessage'), widget('Pay', 'capture-payments', {}, []));
    const actor = new ConversationActor(flow, { http: fakeTransport(() => response(200, '{}')) });
    const events = recorder(actor);
    await actor.send('hi');
    const problems = events.flatMap((e) => (e.type === 'problem' ? [e.problem] : []));
    assert.strictEqual(problems.length, 1);
    assert.strictEqual(problems[0].kind, 'not-modelled');
    assert.strictEqual(problems[0].widget, 'Pay');
  });

  it('handlers by event type; unsubscribe stops them', async () => {
    const actor = new ConversationActor(built(), { http: echoBot(), botEndpoint: ENDPOINT, channelModel: 'conversations' });
    const said: string[] = [];
    const subscription = actor.subscribe({ message: (e) => said.push(e.text) });
    await actor.send('one');
    subscription.unsubscribe();
    await actor.send('two');
    assert.deepStrictEqual(said, ['You said: one']);
  });

  it('one turn at a time: a second one while the first runs is refused, and the first goes on', async () => {
    let release: () => void = () => undefined;
    const slow: HttpTransport = (request) =>
      new Promise((resolve) => {
        release = () => resolve(response(200, JSON.stringify({ text: 'late', outputStack: [{ text: 'late', data: {} }] })));
        void request;
      });
    const actor = new ConversationActor(built(), { http: slow, botEndpoint: ENDPOINT, channelModel: 'conversations' });
    const events = recorder(actor);
    const first = actor.send('one');
    await new Promise((r) => setImmediate(r));
    assert.isTrue(actor.busy);
    await assert.isRejected(actor.send('two'), /still running the previous turn/);
    release();
    const turn = await first;
    assert.isFalse(actor.busy);
    assert.strictEqual(turn.calls[0].answer?.text, 'late');
    assert.deepStrictEqual(events.filter((e) => e.type === 'turn-started').length, 1);
  });

  it('unwatched, the interpreter traces no transitions and the calls are still read once', async () => {
    const actor = new ConversationActor(built(), { http: echoBot(), botEndpoint: ENDPOINT, channelModel: 'conversations' });
    const turn = await actor.send('hello');
    assert.isFalse(turn.events.some((e) => e.type === 'transition'));
    assert.strictEqual(turn.calls.length, 1);
    assert.strictEqual(turn.calls[0].bot, true);
    assert.strictEqual(turn.calls[0].answer?.text, 'You said: hello');
  });
});
