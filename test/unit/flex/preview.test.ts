import { describe, it } from 'mocha';
import { assert } from 'chai';
import { ChatSession } from '../../../src/lib/conversation/chat';
import { previewEscalate, PREVIEW_SID } from '../../../src/lib/flex/preview';
import { formatEscalatePreview } from '../../../src/printers/escalate';
import { buildFlow } from '../../../src/lib/studio';
import type { HttpTransport } from '../../../src/lib/http/types';
import type { Setup } from '../../../src/lib/domain/setup';

const setup: Setup = {
  endpointUrl: 'https://endpoint.example.test/0123456789abcdef',
  testMode: false,
  workspace: { sid: `WS${'1'.repeat(32)}`, name: 'Flex Task Assignment' },
  workflow: { sid: `WW${'2'.repeat(32)}`, name: 'Assign to Anyone' },
  taskChannel: { sid: `TC${'3'.repeat(32)}`, name: 'chat' },
  flow: { name: 'Cognigy Bot Flow' },
  channelModel: 'conversations',
  escalationKey: 'escalation',
  onBotFailure: 'escalate',
};

/** A bot that answers every message, and asks for an agent on "agent". */
const bot: HttpTransport = async (request) => {
  const text = new URLSearchParams(request.body ?? '').get('text') ?? JSON.parse(request.body ?? '{}').text;
  const answer = text === 'agent' ? { text: 'Connecting you.', data: { escalation: true } } : { text: `You said ${text}`, data: {} };
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer), elapsedMs: 1 };
};

function chat(): ChatSession {
  const definition = buildFlow({
    endpointUrl: setup.endpointUrl,
    testMode: false,
    channelModel: 'conversations',
    escalationKey: 'escalation',
    onBotFailure: 'escalate',
    workflowSid: setup.workflow!.sid,
    taskChannelSid: setup.taskChannel!.sid,
  });
  return new ChatSession(definition, { http: bot, from: '+15551234567', channelModel: 'conversations' });
}

/** The preview as test-chat's /escalate shows it. */
const describeEscalationPreview = (...args: Parameters<typeof previewEscalate>) => formatEscalatePreview(previewEscalate(...args));

/** The JSON block of the preview, parsed back. */
function attributesIn(preview: string): any {
  const start = preview.indexOf('{');
  const end = preview.lastIndexOf('}');
  return JSON.parse(preview.slice(start, end + 1));
}

describe('/escalate preview in test-chat', () => {
  it('shows the routing and the attributes escalate would send, transcript included', async () => {
    const c = chat();
    await c.send('hello');
    await c.send('opening hours?');
    const preview = describeEscalationPreview(c, setup, { customer: '+15551234567' });
    assert.match(preview, /Flex Interaction/);
    assert.match(preview, /workflow "Assign to Anyone"/);
    assert.match(preview, /task channel chat/);
    assert.match(preview, /remove the conversation's Studio webhook, so new messages no longer start the bot/);
    assert.match(preview, /end the flow's active execution for \+15551234567/);
    const a = attributesIn(preview);
    assert.strictEqual(a.from, '+15551234567');
    assert.strictEqual(a.customerAddress, '+15551234567', 'what escalate sends: customerName/customerAddress too');
    assert.strictEqual(a.customerName, '+15551234567');
    assert.deepStrictEqual(
      a.cognigy.transcript.map((m: any) => `${m.from}: ${m.text}`),
      ['customer: hello', 'bot: You said hello', 'customer: opening hours?', 'bot: You said opening hours?'],
    );
    assert.strictEqual(a.cognigy.lastAnswer, 'You said opening hours?');
    assert.strictEqual(a.conversationSid, PREVIEW_SID);
  });

  it('is data: the routing, the attributes and their size, the SID it stands in for', async () => {
    const c = chat();
    await c.send('hello');
    const p = previewEscalate(c, setup, { customer: '+15551234567' });
    assert.strictEqual(p.sid, PREVIEW_SID);
    assert.strictEqual(p.placeholderSid, true);
    assert.strictEqual(p.alreadyWithAgent, false);
    assert.strictEqual(p.customer, '+15551234567');
    assert.deepStrictEqual(p.workflow, setup.workflow);
    assert.strictEqual(p.attributesBytes, Buffer.byteLength(JSON.stringify(p.attributes)));
    assert.isAbove(p.attributesBudget, p.attributesBytes);
    assert.deepStrictEqual((p.attributes.cognigy as any).transcript, [
      { from: 'customer', text: 'hello' },
      { from: 'bot', text: 'You said hello' },
    ]);
  });

  it('without a Flex setup the text says to run init', async () => {
    const c = chat();
    await c.send('hi');
    const text = formatEscalatePreview(previewEscalate(c, { ...setup, workspace: undefined, workflow: undefined, taskChannel: undefined }));
    assert.match(text, /workspace \(none in the setup: run twilio cognigy:init\), workflow \(none in the setup: run twilio cognigy:init\), task channel \(none in the setup\)/);
  });

  it('after the flow handed over, says escalate would create nothing', async () => {
    const c = chat();
    await c.send('agent');
    assert.ok(c.withAgent);
    const preview = describeEscalationPreview(c, setup);
    assert.match(preview, /already handed it to Flex/);
    const a = attributesIn(preview);
    assert.ok(a.cognigy.transcript.some((m: any) => m.text === 'agent'));
  });

  it('legacy setup: a TaskRouter task for the chat channel', async () => {
    const c = chat();
    await c.send('hi');
    const preview = describeEscalationPreview(c, { ...setup, channelModel: 'legacy' }, { customer: '+15551234567' });
    assert.match(preview, /TaskRouter task for chat channel/);
    assert.strictEqual(attributesIn(preview).channelSid, PREVIEW_SID);
  });
});
