import { describe, it } from 'mocha';
import { assert } from 'chai';
import type { HttpRequest } from '../../../src/lib/http/types';
import type { FlowDefinition } from '../../../src/lib/domain/flow';
import type { FlowEvent } from '../../../src/lib/runtime';
import { decodeForm, fakeTransport, flowOf, response, session, trigger, widget } from './helpers';

const ENDPOINT = 'https://endpoint-trial.cognigy.ai/secret-token-0123456789';

/** The seed's bot loop (Cognigy guide), as link-flow would build it for legacy Flex. */
function botLoop(): FlowDefinition {
  return flowOf(
    trigger('SetText'),
    widget('SetText', 'set-variables', { variables: [{ key: 'text', value: '{{trigger.message.Body}}' }] }, [{ event: 'next', next: 'ProcessUserInput' }]),
    widget('ProcessUserInput', 'make-http-request', {
      method: 'POST',
      url: ENDPOINT,
      content_type: 'application/x-www-form-urlencoded;charset=utf-8',
      parameters: [
        { key: 'userId', value: '{{trigger.message.From}}' },
        { key: 'sessionId', value: '{{trigger.message.ChannelAttributes.proxySession}}' },
        { key: 'text', value: '{{flow.variables.text}}' },
        { key: 'data', value: '{"phone": "{{contact.channel.address}}"}' },
      ],
    }, [
      { event: 'success', next: 'CheckEscalation' },
      { event: 'failed' },
    ]),
    widget('CheckEscalation', 'split-based-on', { input: '{{widgets.ProcessUserInput.parsed.data.escalation}}' }, [
      { event: 'noMatch', next: 'SendUserReply' },
      {
        event: 'match',
        next: 'SendEscalationMessage',
        conditions: [{ friendly_name: 'escalation', arguments: ['{{widgets.ProcessUserInput.parsed.data.escalation}}'], type: 'equal_to', value: 'true' }],
      },
    ]),
    widget('SendUserReply', 'send-and-wait-for-reply', { from: '{{flow.channel.address}}', body: '{{widgets.ProcessUserInput.parsed.text}}', timeout: '3600' }, [
      { event: 'incomingMessage', next: 'SetReplyText' },
      { event: 'timeout' },
      { event: 'deliveryFailure' },
    ]),
    widget('SetReplyText', 'set-variables', { variables: [{ key: 'text', value: '{{widgets.SendUserReply.inbound.Body}}' }] }, [{ event: 'next', next: 'ProcessUserInput' }]),
    widget('SendEscalationMessage', 'send-message', { from: '{{flow.channel.address}}', to: '{{contact.channel.address}}', body: '{{widgets.ProcessUserInput.parsed.text}}' }, [
      { event: 'sent', next: 'SendToFlex' },
      { event: 'failed' },
    ]),
    widget('SendToFlex', 'send-to-flex', {
      workflow: 'WW0123456789abcdef0123456789abcdef',
      channel: 'TC0123456789abcdef0123456789abcdef',
      attributes: '{"name": "{{trigger.message.ChannelAttributes.from}}", "channelType": "{{trigger.message.ChannelAttributes.channel_type}}", "channelSid": "{{trigger.message.ChannelSid}}", "lastBotText": {{widgets.ProcessUserInput.parsed.text | to_json}}}',
    }, [{ event: 'callComplete' }, { event: 'failedToEnqueue' }, { event: 'callFailure' }]),
  );
}

/** A bot stand-in: escalates when asked for an agent, else echoes; escalation flag as a string once. */
function bot() {
  return fakeTransport((request: HttpRequest) => {
    const text = new URLSearchParams(request.body ?? '').get('text') ?? '';
    if (/agent/i.test(text)) return response(200, JSON.stringify({ text: 'Connecting you to an agent.', data: { escalation: 'true' } }));
    return response(200, JSON.stringify({ text: `You said: ${text}`, data: { escalation: false } }));
  });
}

const messages = (events: FlowEvent[]) => events.flatMap((e) => (e.type === 'message' ? [e.body] : []));
const types = (events: FlowEvent[]) => events.map((e) => e.type);

describe('the bot loop through several turns', () => {
  it('loops on replies, then escalates to Flex with the bot’s last text', async () => {
    const http = bot();
    const s = session(botLoop(), { http, from: '+4915100000000' });

    const t1 = await s.start('Hello');
    assert.deepStrictEqual(messages(t1.events), ['You said: Hello']);
    assert.deepStrictEqual(types(t1.events), ['inbound', 'variables', 'http', 'split', 'message', 'wait']);
    assert.strictEqual(t1.waiting?.widget, 'SendUserReply');

    const t2 = await s.reply('Where is my "order" #42?\nThanks');
    assert.deepStrictEqual(messages(t2.events), ['You said: Where is my "order" #42?\nThanks']);
    assert.deepStrictEqual(types(t2.events), ['inbound', 'variables', 'http', 'split', 'message', 'wait']);

    const t3 = await s.reply('I want an agent');
    assert.deepStrictEqual(messages(t3.events), ['Connecting you to an agent.']);
    assert.deepStrictEqual(types(t3.events), ['inbound', 'variables', 'http', 'split', 'message', 'handover', 'end']);
    assert.strictEqual(t3.ended?.reason, 'handover');
    assert.strictEqual(s.ended?.widget, 'SendToFlex');
    const handover = t3.events.find((e) => e.type === 'handover');
    assert.ok(handover?.type === 'handover');
    assert.deepStrictEqual(handover.attributes, {
      name: '+4915100000000',
      channelType: 'sms',
      channelSid: s.context.trigger.message && (s.context.trigger.message as { ChannelSid: string }).ChannelSid,
      lastBotText: 'Connecting you to an agent.',
    });

    // The bot saw one session and one user throughout, with each turn's text.
    assert.strictEqual(http.requests.length, 3);
    const forms = http.requests.map((r) => Object.fromEntries(decodeForm(r.body)));
    assert.deepStrictEqual(forms.map((f) => f.text), ['Hello', 'Where is my "order" #42?\nThanks', 'I want an agent']);
    assert.strictEqual(new Set(forms.map((f) => f.sessionId)).size, 1);
    assert.match(forms[0].sessionId, /^KC[0-9a-f]{32}$/);
    assert.deepStrictEqual(new Set(forms.map((f) => f.userId)), new Set(['+4915100000000']));
    assert.strictEqual(forms[0].data, '{"phone": "+4915100000000"}');
    assert.strictEqual(http.requests[0].url, ENDPOINT, 'the URL is kept as rendered; redaction is the caller’s job');

    assert.strictEqual(s.variables.text, 'I want an agent');
    assert.strictEqual(s.events.length, t1.events.length + t2.events.length + t3.events.length);
    await assert.isRejected(s.reply('hello?'), /ended/);
  });

  it('a failing bot ends the flow where nothing is wired', async () => {
    const s = session(botLoop(), { http: fakeTransport(() => response(502, 'Bad Gateway', 'text/html')) });
    const turn = await s.start('Hello');
    assert.strictEqual(turn.ended?.reason, 'flow-ended');
    assert.strictEqual(turn.ended?.widget, 'ProcessUserInput');
    assert.deepStrictEqual(messages(turn.events), []);
  });

  it('a silent customer ends the loop at the timeout transition', async () => {
    const s = session(botLoop(), { http: bot() });
    await s.start('Hello');
    const turn = await s.silence();
    assert.strictEqual(turn.ended?.reason, 'flow-ended');
    assert.strictEqual(turn.ended?.widget, 'SendUserReply');
    assert.match(turn.ended?.message ?? '', /"timeout"/);
  });
});
