import { describe, it } from 'mocha';
import { assert } from 'chai';
import {
  buildFlow,
  CELL,
  isValidEscalationKey,
  WIDGET,
  botRequestUrl,
} from '../../../src/lib/studio';
import type { KeyValue } from '../../../src/lib/domain/flow';
import { UsageError } from '../../../src/lib/errors';
import { studioLiquid } from '../../../src/lib/runtime/liquid';
import { ENDPOINT, TOKEN, WORKFLOW, TASK_CHANNEL, options, state, nextOf } from './helpers';
import { MAX_TASK_ATTRIBUTES_CHARS } from '../../../src/lib/domain/studio';

/** Studio's Liquid as test-chat runs it (`to_json` included). */
const render = (template: string, context: object) => studioLiquid().parseAndRenderSync(template, context) as string;
const params = (def: ReturnType<typeof buildFlow>) =>
  Object.fromEntries((state(def, WIDGET.callBot).properties.parameters as KeyValue[]).map((p) => [p.key, p.value]));

const variableOf = (def: ReturnType<typeof buildFlow>, key: string) =>
  (state(def, WIDGET.readAnswer).properties.variables as KeyValue[]).find((v) => v.key === key)!.value;

describe('buildFlow', () => {
  it('conversations: wired on incomingConversationMessage, session is the conversation SID', () => {
    const def = buildFlow(options({ channelModel: 'conversations' }));
    const trigger = state(def, WIDGET.trigger);
    assert.strictEqual(def.initial_state, WIDGET.trigger);
    assert.strictEqual(nextOf(trigger, 'incomingConversationMessage'), WIDGET.setText);
    assert.strictEqual(nextOf(trigger, 'incomingMessage'), undefined);
    const setText = state(def, WIDGET.setText).properties.variables as KeyValue[];
    assert.deepStrictEqual(setText.map((v) => v.key), ['text']);
    assert.strictEqual(render(setText[0].value, { trigger: { conversation: { Body: 'Hi "there"' } } }), 'Hi "there"');
    const p = params(def);
    assert.strictEqual(p.userId, '{{trigger.conversation.From}}');
    assert.strictEqual(p.sessionId, '{{trigger.conversation.ConversationSid}}');
    assert.strictEqual(p.text, '{{flow.variables.text}}');
    assert.strictEqual(def.flags?.allow_concurrent_calls, true);
    assert.ok(def.description.length > 0);
  });

  it('legacy: wired on incomingMessage, session is the proxy session', () => {
    const def = buildFlow(options({ channelModel: 'legacy' }));
    const trigger = state(def, WIDGET.trigger);
    assert.strictEqual(nextOf(trigger, 'incomingMessage'), WIDGET.setText);
    assert.strictEqual(nextOf(trigger, 'incomingConversationMessage'), undefined);
    assert.strictEqual(render((state(def, WIDGET.setText).properties.variables as KeyValue[])[0].value, { trigger: { message: { Body: 'legacy' } } }), 'legacy');
    const p = params(def);
    assert.strictEqual(p.userId, '{{trigger.message.From}}');
    assert.strictEqual(p.sessionId, '{{trigger.message.ChannelAttributes.proxySession}}');
  });

  it('the bot is called with form parameters, and Twilio credentials are not sent', () => {
    const http = state(buildFlow(options()), WIDGET.callBot).properties;
    assert.strictEqual(http.method, 'POST');
    assert.strictEqual(http.content_type, 'application/x-www-form-urlencoded;charset=utf-8');
    assert.strictEqual(http.body, undefined);
    assert.strictEqual(http.add_twilio_auth, false);
    assert.strictEqual(http.url, ENDPOINT);
  });

  for (const channelModel of ['conversations', 'legacy'] as const) {
    it(`${channelModel}: --request-format json sends the same fields as a body that stays JSON whatever the text holds`, () => {
      const http = state(buildFlow(options({ channelModel, requestFormat: 'json' })), WIDGET.callBot).properties;
      assert.strictEqual(http.content_type, 'application/json;charset=utf-8');
      assert.strictEqual(http.parameters, undefined);
      const root = channelModel === 'legacy' ? 'message' : 'conversation';
      for (const text of ['He said "hi"', 'C:\\temp\\new \\', 'two\nlines\r\n\ttab', '\u0001 control', '{{ braces }} } {', '']) {
        const context = {
          trigger: { [root]: { From: '+14155550100', ConversationSid: 'CH1', ChannelAttributes: { proxySession: 'KC1' } } },
          flow: { variables: { text }, channel: { address: '+15005550006' } },
        };
        const body = JSON.parse(render(http.body as string, context));
        assert.deepStrictEqual(body, {
          userId: '+14155550100',
          sessionId: channelModel === 'legacy' ? 'KC1' : 'CH1',
          text,
          data: { channel: `twilio-${channelModel}`, twilioNumber: '+15005550006', ...(channelModel === 'legacy' ? { media: '' } : {}) },
        });
      }
      assert.deepStrictEqual(JSON.parse(render(http.body as string, {})).userId, '', 'a missing value still renders JSON');
    });
  }

  it('test mode puts /test/ before the token, once', () => {
    const http = state(buildFlow(options({ testMode: true })), WIDGET.callBot).properties;
    assert.strictEqual(http.url, `https://endpoint-trial.cognigy.ai/test/${TOKEN}`);
    assert.strictEqual(botRequestUrl(http.url as string, true), http.url);
    assert.strictEqual(botRequestUrl('https://bots.example.com/cognigy/abcdef123456', true), 'https://bots.example.com/cognigy/test/abcdef123456');
  });

  it('a turn where the bot says nothing ends the execution instead of sending an empty message', () => {
    const def = buildFlow(options());
    const check = state(def, WIDGET.checkReply);
    assert.strictEqual(check.properties.input, '{{flow.variables.botReply}}');
    assert.strictEqual(nextOf(check, 'noMatch'), WIDGET.reply);
    const blank = check.transitions.find((t) => t.event === 'match')!;
    assert.strictEqual(blank.conditions![0].type, 'is_blank');
    assert.strictEqual(blank.next, undefined, 'no next: the execution ends');
  });

  it('a message without text (an image, a location) reaches the bot as the media placeholder', () => {
    const def = buildFlow(options());
    const first = (state(def, WIDGET.setText).properties.variables as KeyValue[])[0].value;
    const next = (state(def, WIDGET.setReply).properties.variables as KeyValue[])[0].value;
    for (const body of ['', undefined]) {
      assert.strictEqual(render(first, { trigger: { conversation: { Body: body } } }), '[media]');
      assert.strictEqual(render(next, { widgets: { SendUserReply: { inbound: { Body: body } } } }), '[media]');
    }
    assert.strictEqual(render(first, { trigger: { conversation: { Body: ' ' } } }), ' ', 'a blank text is still the customer\'s text');
  });

  it('legacy messaging: the media URLs that came with a message go to the bot in data.media', () => {
    const def = buildFlow(options({ channelModel: 'legacy' }));
    const first = state(def, WIDGET.setText).properties.variables as KeyValue[];
    const next = state(def, WIDGET.setReply).properties.variables as KeyValue[];
    assert.deepStrictEqual(first.map((v) => v.key), ['text', 'media']);
    const message = { Body: '', NumMedia: '2', MediaUrl0: 'https://media.example/1.jpg', MediaUrl1: 'https://media.example/2.jpg' };
    assert.strictEqual(render(first[0].value, { trigger: { message } }), '[media]');
    assert.strictEqual(render(first[1].value, { trigger: { message } }), 'https://media.example/1.jpg https://media.example/2.jpg');
    assert.strictEqual(render(next[1].value, { widgets: { SendUserReply: { inbound: message } } }), 'https://media.example/1.jpg https://media.example/2.jpg');
    assert.strictEqual(render(first[1].value, { trigger: { message: { Body: 'hi', NumMedia: '0' } } }), '');
    assert.strictEqual(params(def)['data[media]'], '{{flow.variables.media}}');
    assert.strictEqual(params(buildFlow(options({ channelModel: 'conversations' })))['data[media]'], undefined, 'the Conversations trigger documents no media');
  });

  it('the answer is read once, right after the bot call, into the reply and the escalation flag', () => {
    const def = buildFlow(options());
    assert.strictEqual(nextOf(state(def, WIDGET.callBot), 'success'), WIDGET.readAnswer);
    const read = state(def, WIDGET.readAnswer);
    assert.strictEqual(read.type, 'set-variables');
    assert.deepStrictEqual((read.properties.variables as KeyValue[]).map((v) => v.key), ['botReply', 'botAsksForAgent']);
    assert.strictEqual(nextOf(read, 'next'), WIDGET.checkEscalation);
  });

  it('the escalation flag is seen on any of the first 15 outputs or the top-level data, as true or "true"', () => {
    const def = buildFlow(options({ escalationKey: 'handover.requested' }));
    const split = state(def, WIDGET.checkEscalation);
    assert.strictEqual(split.properties.input, '{{flow.variables.botAsksForAgent}}');
    const match = split.transitions.find((t) => t.event === 'match');
    assert.strictEqual(match?.next, WIDGET.tellEscalation);
    assert.strictEqual(nextOf(split, 'noMatch'), WIDGET.checkReply);
    assert.deepStrictEqual(match!.conditions!.map((c) => [c.type, c.value]), [['equal_to', 'true']]);
    const flag = variableOf(def, 'botAsksForAgent');
    const wants = (parsed: object) => render(flag, { widgets: { ProcessUserInput: { parsed } } });
    const on = (value: unknown) => ({ text: 'x', data: { handover: { requested: value } } });
    for (const value of [true, 'true', 'TRUE']) {
      assert.strictEqual(wants({ ...on(value), outputStack: [on(value)] }), 'true', JSON.stringify(value));
      assert.strictEqual(wants({ text: 'x', data: {}, outputStack: [on(value), { text: 'later', data: {} }] }), 'true', 'a flag on an earlier output');
      assert.strictEqual(wants({ text: 'x', data: { handover: { requested: value } } }), 'true', 'no outputStack: the top-level data');
    }
    for (const value of [false, 'false', undefined, 'yes']) assert.strictEqual(wants({ ...on(value), outputStack: [on(value)] }), 'false');
    const sixteen = Array.from({ length: 16 }, (_, i) => (i === 15 ? on(true) : { text: `o${i}`, data: {} }));
    assert.strictEqual(wants({ text: 'x', data: {}, outputStack: sixteen }), 'false', 'Studio loops stop after 15');
  });

  it('the reply: each output\'s text, or its quick replies\' or buttons\' text with the choices listed', () => {
    const reply = variableOf(buildFlow(options()), 'botReply');
    const say = (parsed: object) => render(reply, { widgets: { ProcessUserInput: { parsed } } });
    const rich = (kind: '_quickReplies' | '_buttons', text: string | null, titles: string[]) => ({
      text: '',
      data: { _cognigy: { _default: { [kind]: { text, [kind === '_buttons' ? 'buttons' : 'quickReplies']: titles.map((title) => ({ title, payload: title })) } } } },
    });
    assert.strictEqual(say({ text: 'A B', outputStack: [{ text: 'A', data: {} }, { text: 'B', data: {} }] }), 'A B');
    assert.strictEqual(say({ text: '', outputStack: [rich('_quickReplies', 'Pick one:', ['Hours', 'Agent'])] }), 'Pick one:\n- Hours\n- Agent');
    assert.strictEqual(
      say({ text: 'Hi', outputStack: [{ text: 'Hi', data: {} }, rich('_buttons', 'Choose:', ['Yes']), { text: 'Bye', data: {} }] }),
      'Hi Choose:\n- Yes\nBye',
    );
    assert.strictEqual(say({ text: '', outputStack: [rich('_quickReplies', null, ['Hours'])] }), '- Hours');
    assert.strictEqual(say({ text: 'reshaped by a transformer' }), 'reshaped by a transformer', 'no outputStack: the top-level text');
    assert.strictEqual(say({ text: '', outputStack: [{ text: null, data: { only: 'data' } }] }), '', 'nothing to say stays blank');
    const many = Array.from({ length: 16 }, (_, i) => ({ text: `o${i}`, data: {} }));
    assert.strictEqual(say({ text: many.map((o) => o.text).join(' '), outputStack: many }), many.map((o) => o.text).join(' '), 'past 15 outputs: the top-level text');
  });

  it('the reply loop: reply, wait, take the answer, call the bot again; silence ends the execution', () => {
    const def = buildFlow(options({ replyTimeoutSeconds: 600 }));
    const reply = state(def, WIDGET.reply);
    assert.strictEqual(reply.properties.body, '{{flow.variables.botReply}}');
    assert.strictEqual(reply.properties.timeout, '600');
    assert.strictEqual(nextOf(reply, 'incomingMessage'), WIDGET.setReply);
    for (const event of ['timeout', 'deliveryFailure']) {
      const t = reply.transitions.find((x) => x.event === event);
      assert.ok(t, event);
      assert.strictEqual(t.next, undefined);
    }
    const setReply = state(def, WIDGET.setReply);
    const replyText = (setReply.properties.variables as KeyValue[])[0].value;
    assert.strictEqual(render(replyText, { widgets: { SendUserReply: { inbound: { Body: 'next' } } } }), 'next');
    assert.strictEqual(nextOf(setReply, 'next'), WIDGET.callBot);
  });

  it('escalation tells the customer the bot\'s last reply, then sends to Flex with the setup\'s routing', () => {
    const def = buildFlow(options());
    const tell = state(def, WIDGET.tellEscalation);
    assert.match(tell.properties.body as string, /flow\.variables\.botReply/);
    assert.strictEqual(nextOf(tell, 'sent'), WIDGET.toFlex);
    const flex = state(def, WIDGET.toFlex);
    assert.strictEqual(flex.type, 'send-to-flex');
    assert.strictEqual(flex.properties.workflow, WORKFLOW);
    assert.strictEqual(flex.properties.channel, TASK_CHANNEL);
  });

  for (const onBotFailure of ['escalate', 'end'] as const) {
    it(`Flex refusing the task (${onBotFailure}) is not a dead end: an apology, then the end`, () => {
      const def = buildFlow(options({ onBotFailure }));
      const flex = state(def, WIDGET.toFlex);
      for (const event of ['failedToEnqueue', 'callFailure']) {
        const apology = state(def, nextOf(flex, event)!);
        assert.strictEqual(apology.type, 'send-message', event);
        assert.match(apology.properties.body as string, /could not reach an agent/);
        assert.strictEqual(apology.properties.to, '{{contact.channel.address}}');
        assert.ok(apology.transitions.every((t) => t.next === undefined), 'the execution ends after it');
      }
      assert.strictEqual(nextOf(flex, 'callComplete'), undefined);
    });
  }

  it('bot failure: "escalate" apologises and goes to Flex with reason bot-failure; "end" apologises and ends', () => {
    const escalate = buildFlow(options({ onBotFailure: 'escalate' }));
    const mark = state(escalate, nextOf(state(escalate, WIDGET.callBot), 'failed')!);
    assert.strictEqual(mark.type, 'set-variables');
    assert.deepStrictEqual((mark.properties.variables as KeyValue[]).map((v) => [v.key, v.value]), [['escalationReason', 'bot-failure']]);
    const apology = state(escalate, nextOf(mark, 'next')!);
    assert.strictEqual(apology.type, 'send-message');
    assert.match(apology.properties.body as string, /unavailable/);
    assert.strictEqual(nextOf(apology, 'sent'), WIDGET.toFlex);

    const end = buildFlow(options({ onBotFailure: 'end', botFailureMessage: 'Back soon.' }));
    const endApology = state(end, nextOf(state(end, WIDGET.callBot), 'failed')!);
    assert.strictEqual(endApology.type, 'send-message');
    assert.strictEqual(endApology.properties.body, 'Back soon.');
    assert.ok(endApology.transitions.every((t) => t.next === undefined));
    assert.ok(!end.states.some((s) => s.name === WIDGET.markBotFailure));
  });

  for (const channelModel of ['conversations', 'legacy'] as const) {
    it(`${channelModel}: task attributes render to valid JSON with the bot's answer, and stay under 1,024 characters`, () => {
      const def = buildFlow(options({ channelModel }));
      const template = state(def, WIDGET.toFlex).properties.attributes as string;
      assert.ok(template.length <= MAX_TASK_ATTRIBUTES_CHARS, `template is ${template.length} characters`);
      const root = channelModel === 'legacy' ? 'message' : 'conversation';
      const context = (answer: string, reason?: string) => ({
        trigger: {
          [root]: { From: '+14155550100', ConversationSid: 'CH0123456789abcdef0123456789abcdef', ChannelSid: 'CH0123456789abcdef0123456789abcdef', ChannelAttributes: { from: '+14155550100', channel_type: 'sms', proxySession: 'KC0123456789abcdef0123456789abcdef' } },
        },
        // The agent reads what the customer last received: the loop's reply variable.
        flow: { variables: { botReply: answer, ...(reason ? { escalationReason: reason } : {}) } },
      });
      const answer = 'I\'ll get you a "real" person.\nOne moment, please. ' + 'x'.repeat(400);
      const rendered = render(template, context(answer));
      assert.ok(rendered.length <= MAX_TASK_ATTRIBUTES_CHARS);
      const attributes = JSON.parse(rendered);
      assert.strictEqual(attributes.name, '+14155550100');
      assert.strictEqual(attributes.cognigy.userId, '+14155550100');
      assert.strictEqual(attributes.cognigy.reason, 'bot-escalation');
      assert.ok(attributes.cognigy.lastAnswer.startsWith('I\'ll get you a "real" person.\nOne moment'), attributes.cognigy.lastAnswer);
      assert.ok(attributes.cognigy.lastAnswer.length <= 200);
      // The agent reads the answer as the bot wrote it, whatever it holds.
      for (const text of ['ends with a backslash \\', 'C:\\temp\\new', 'tab\there\r\n"quoted" \\"', '\u0001\u001f control', 'emoji 🙂 {{ not liquid }} %', '']) {
        assert.strictEqual(JSON.parse(render(template, context(text))).cognigy.lastAnswer, text, JSON.stringify(text));
      }
      assert.strictEqual(JSON.parse(render(template, {})).cognigy.lastAnswer, '', 'no answer at all renders ""');
      // Each quote or backslash doubles when escaped: the worst ordinary answer still fits.
      const worst = render(template, context('\\"'.repeat(200)));
      assert.ok(worst.length <= MAX_TASK_ATTRIBUTES_CHARS, `worst case renders ${worst.length} characters`);
      assert.strictEqual(JSON.parse(render(template, context('', 'bot-failure'))).cognigy.reason, 'bot-failure');
      const session = channelModel === 'legacy' ? 'KC0123456789abcdef0123456789abcdef' : 'CH0123456789abcdef0123456789abcdef';
      assert.strictEqual(attributes.cognigy.sessionId, session);
    });
  }

  for (const onBotFailure of ['escalate', 'end'] as const) {
    it(`canvas (${onBotFailure}): no two widgets overlap and every forward step goes down`, () => {
      const def = buildFlow(options({ onBotFailure }));
      const boxes = def.states.map((s) => ({ name: s.name, ...s.properties.offset! }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i];
          const b = boxes[j];
          const overlap = Math.abs(a.x - b.x) < 400 && Math.abs(a.y - b.y) < 200;
          assert.ok(!overlap, `${a.name} overlaps ${b.name}`);
        }
      }
      const y = (name: string) => state(def, name).properties.offset!.y;
      const main = [WIDGET.trigger, WIDGET.setText, WIDGET.callBot, WIDGET.checkEscalation, WIDGET.reply, WIDGET.setReply];
      for (let i = 1; i < main.length; i++) assert.ok(y(main[i]) > y(main[i - 1]), `${main[i]} below ${main[i - 1]}`);
      // Every transition except the loop back to the bot goes down the canvas.
      for (const s of def.states) {
        for (const t of s.transitions) {
          if (t.next && !(s.name === WIDGET.setReply && t.next === WIDGET.callBot)) assert.ok(y(t.next) > y(s.name), `${s.name} → ${t.next}`);
        }
      }
      assert.ok(CELL.width >= 400 && CELL.height >= 200);
    });
  }

  it('rejects an escalation key that could inject Liquid, and other bad options', () => {
    for (const key of ['escalation', 'handover.requested', 'needs_agent', 'a-b.c_d2']) assert.ok(isValidEscalationKey(key), key);
    for (const key of ['', 'a b', 'x}}{{y', "a | append: 'x'", 'a[0]', 'a..b', '.a', 'a.', '1abc', "a'b", 'a"b', 'a%b', 'x'.repeat(65)]) {
      assert.ok(!isValidEscalationKey(key), key);
      assert.throws(() => buildFlow(options({ escalationKey: key })), UsageError);
    }
    assert.throws(() => buildFlow(options({ workflowSid: 'WW123' })), UsageError);
    assert.throws(() => buildFlow(options({ taskChannelSid: WORKFLOW })), UsageError);
    assert.throws(() => buildFlow(options({ endpointUrl: 'ftp://x/abc' })), UsageError);
    assert.throws(() => buildFlow(options({ endpointUrl: 'https://endpoint-trial.cognigy.ai/' })), UsageError);
    assert.throws(() => buildFlow(options({ replyTimeoutSeconds: 0 })), UsageError);
  });

  it('an error about the endpoint never shows its token', () => {
    const bad = `https://endpoint-trial.cognigy.ai/{{x}}/${TOKEN}`;
    try {
      buildFlow(options({ endpointUrl: bad }));
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof UsageError);
      assert.ok(!`${error.message} ${error.hint}`.includes(TOKEN));
    }
  });
});
