/**
 * The Twilio fake, driven through the real `twilio` library (v5) the plugin uses, and by
 * raw HTTP where the library would refuse to send a bad request.
 */
import { describe, it, before, after, beforeEach, afterEach } from 'mocha';
import { assert } from 'chai';
import { rewriteTwilioUrl } from '../../../src/lib/twilio/base-url';
import { startTwilioFake, TwilioFake, FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN } from '../../stand-ins/twilio';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const twilio = require('twilio');

interface SeenResponse {
  statusCode: number;
  headers: Record<string, string>;
}

/** A twilio client whose every request goes to the fake, as the plugin's hook does it. */
function clientFor(
  fake: TwilioFake,
  opts: { user?: string; pass?: string; accountSid?: string; region?: string } = {},
) {
  const inner = new twilio.RequestClient({ timeout: 5000 });
  const seen: SeenResponse[] = [];
  const httpClient = {
    async request(o: any) {
      const res = await inner.request({ ...o, uri: rewriteTwilioUrl(o.uri, fake.url) });
      seen.push({ statusCode: res.statusCode, headers: res.headers });
      return res;
    },
  };
  const client = new twilio.Twilio(opts.user ?? fake.credentials.accountSid, opts.pass ?? fake.credentials.authToken, {
    httpClient,
    accountSid: opts.accountSid,
    region: opts.region,
  });
  return { client, seen };
}

function authHeader(fake: TwilioFake): string {
  const { accountSid, authToken } = fake.credentials;
  return `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
}

async function rawPost(fake: TwilioFake, path: string, form: Record<string, string>) {
  const res = await fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { Authorization: authHeader(fake), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function rawGet(fake: TwilioFake, path: string) {
  const res = await fetch(`${fake.url}${path}`, { headers: { Authorization: authHeader(fake) } });
  return { status: res.status, body: (await res.json()) as any };
}

/** Rejection of a promise, for asserting on the error the library throws. */
async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail');
}

const simpleDefinition = (next = 'Say') => ({
  description: 'test',
  states: [
    { name: 'Trigger', type: 'trigger', transitions: [{ event: 'incomingMessage', next }], properties: { offset: { x: 0, y: 0 } } },
    {
      name: 'Say',
      type: 'send-message',
      transitions: [{ event: 'sent' }, { event: 'failed' }],
      properties: { offset: { x: 0, y: 200 }, from: '{{flow.channel.address}}', to: '{{contact.channel.address}}', body: 'hi' },
    },
  ],
  initial_state: 'Trigger',
  flags: { allow_concurrent_calls: true },
});

describe('Twilio fake', () => {
  let fake: TwilioFake;

  before(async () => {
    fake = await startTwilioFake();
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());
  afterEach(function () {
    // every test below uses the API as Twilio documents it, so none may break the contract
    if (!this.currentTest!.title.includes('[violations expected]')) assert.deepStrictEqual(fake.violations, []);
  });

  it('seeds what a fresh Flex account holds', async () => {
    const { client } = clientFor(fake);
    const seeded = fake.state.seeded!;
    const workspaces = await client.taskrouter.v1.workspaces.list({ friendlyName: 'Flex Task Assignment' });
    assert.strictEqual(workspaces.length, 1);
    assert.strictEqual(workspaces[0].sid, seeded.workspaceSid);
    const ws = client.taskrouter.v1.workspaces(seeded.workspaceSid);
    const [workflows, queues, channels] = await Promise.all([ws.workflows.list(), ws.taskQueues.list(), ws.taskChannels.list()]);
    assert.deepStrictEqual(workflows.map((w: any) => w.friendlyName), ['Assign to Anyone']);
    assert.deepStrictEqual(queues.map((q: any) => q.friendlyName), ['Everyone']);
    assert.deepStrictEqual(channels.map((c: any) => c.uniqueName).sort(), ['chat', 'default', 'email', 'sms', 'video', 'voice']);

    const messaging = await client.studio.v2.flows(seeded.messagingFlowSid).fetch();
    assert.strictEqual(messaging.friendlyName, 'Messaging Flow');
    const sendToFlex = messaging.definition.states.find((s: any) => s.type === 'send-to-flex');
    assert.strictEqual(sendToFlex.properties.workflow, seeded.workflowSid);
    assert.strictEqual(sendToFlex.properties.channel, seeded.taskChannels.chat);
    assert.match(sendToFlex.properties.attributes, /trigger\.message\.ChannelAttributes\.from/);

    const flexFlow = await client.flexApi.v1.flexFlow(seeded.flexFlowSid).fetch();
    assert.strictEqual(flexFlow.integration.flow_sid, seeded.messagingFlowSid);
    assert.strictEqual(flexFlow.contactIdentity, '+15005550006');
    const address = await client.conversations.v1.addressConfigurations(seeded.addressConfigurationSid).fetch();
    assert.strictEqual(address.autoCreation.type, 'studio');
    assert.strictEqual(address.autoCreation.studio_flow_sid, seeded.messagingFlowSid);
    assert.match(seeded.workspaceSid, /^WS[0-9a-f]{32}$/);
  });

  it('flows: create, fetch, update with revisions, list over three pages', async () => {
    const { client } = clientFor(fake);
    const flow = await client.studio.v2.flows.create({
      friendlyName: 'Bot loop',
      status: 'draft',
      definition: simpleDefinition(),
      commitMessage: 'first',
    });
    assert.match(flow.sid, /^FW[0-9a-f]{32}$/);
    assert.strictEqual(flow.revision, 1);
    assert.strictEqual(flow.valid, true);
    assert.deepStrictEqual(flow.definition, simpleDefinition());

    const renamed = await client.studio.v2.flows(flow.sid).update({ status: 'draft', friendlyName: 'Bot loop 2' });
    assert.strictEqual(renamed.friendlyName, 'Bot loop 2');
    assert.strictEqual(renamed.revision, 1, 'a rename is not a new revision');
    const published = await client.studio.v2.flows(flow.sid).update({ status: 'published' });
    assert.strictEqual(published.revision, 2);
    const changed = { ...simpleDefinition(), description: 'changed' };
    const updated = await client.studio.v2.flows(flow.sid).update({ status: 'published', definition: changed });
    assert.strictEqual(updated.revision, 3);
    assert.strictEqual((await client.studio.v2.flows(flow.sid).fetch()).definition.description, 'changed');

    const latest = await client.studio.v2.flows(flow.sid).revisions('LatestPublished').fetch();
    assert.strictEqual(latest.revision, 3);
    const first = await client.studio.v2.flows(flow.sid).revisions('1').fetch();
    assert.strictEqual(first.status, 'draft');
    assert.strictEqual((await client.studio.v2.flows(flow.sid).revisions.list()).length, 3);

    // 3 seeded + 3 created = 6 flows, two per page
    await client.studio.v2.flows.create({ friendlyName: 'Extra 1', status: 'draft', definition: simpleDefinition() });
    await client.studio.v2.flows.create({ friendlyName: 'Extra 2', status: 'draft', definition: simpleDefinition() });
    const before = fake.requests.length;
    const all = await client.studio.v2.flows.list({ pageSize: 2 });
    assert.strictEqual(all.length, 6);
    assert.strictEqual(new Set(all.map((f: any) => f.sid)).size, 6);
    const listCalls = fake.requests.slice(before).filter((r) => r.method === 'GET' && r.path === '/studio/v2/Flows');
    assert.strictEqual(listCalls.length, 3);
    assert.deepStrictEqual(listCalls.map((r) => r.query.Page ?? '0'), ['0', '1', '2']);

    await client.studio.v2.flows(flow.sid).remove();
    const gone = await rejection(client.studio.v2.flows(flow.sid).fetch());
    assert.strictEqual(gone.status, 404);
    assert.strictEqual(gone.code, 20404);
  });

  it('paging also works with real Twilio hosts in URLs and a region set', async () => {
    const twilioHosts = await startTwilioFake({ publicUrls: 'twilio' });
    try {
      const { client } = clientFor(twilioHosts, { region: 'au1' });
      const flows = await client.studio.v2.flows.list({ pageSize: 1 });
      assert.strictEqual(flows.length, 3);
      assert.strictEqual(twilioHosts.requests.filter((r) => r.path === '/studio/v2/Flows').length, 3);
      assert.deepStrictEqual(twilioHosts.violations, []);
    } finally {
      await twilioHosts.close();
    }
  });

  it('Validate accepts a good definition and lists what is wrong with a bad one', async () => {
    const { client } = clientFor(fake);
    const good = await client.studio.v2.flowValidate.update({
      friendlyName: 'x',
      status: 'draft',
      definition: simpleDefinition(),
    });
    assert.strictEqual(good.valid, true);

    const bad = simpleDefinition('Nowhere');
    bad.states.push({ ...bad.states[1] });
    const err = await rejection(
      client.studio.v2.flowValidate.update({ friendlyName: 'x', status: 'draft', definition: { ...bad, initial_state: 'Start' } }),
    );
    assert.strictEqual(err.status, 400);
    assert.strictEqual(err.code, 81022);
    const messages = err.details.errors.map((e: any) => e.message).join('\n');
    assert.match(messages, /unknown state "Nowhere"/);
    assert.match(messages, /"Say" is not unique/);
    assert.match(messages, /initial_state "Start"/);
  });

  it('publishing an invalid definition is refused, a draft is saved with valid: false', async () => {
    const { client } = clientFor(fake);
    const err = await rejection(
      client.studio.v2.flows.create({ friendlyName: 'x', status: 'published', definition: simpleDefinition('Nowhere') }),
    );
    assert.strictEqual(err.code, 81022);
    const draft = await client.studio.v2.flows.create({ friendlyName: 'x', status: 'draft', definition: simpleDefinition('Nowhere') });
    assert.strictEqual(draft.valid, false);
    assert.strictEqual(draft.errors.length, 1);
  });

  it('[violations expected] requests Twilio would reject are 400 and recorded as violations', async () => {
    const unknown = await rawPost(fake, '/studio/v2/Flows', {
      FriendlyName: 'x',
      Status: 'draft',
      Definition: JSON.stringify(simpleDefinition()),
      Colour: 'blue',
    });
    assert.strictEqual(unknown.status, 400);
    assert.strictEqual(unknown.body.status, 400);
    assert.strictEqual(typeof unknown.body.more_info, 'string');
    assert.strictEqual(fake.violations.length, 1);
    assert.strictEqual(fake.violations[0].method, 'POST');
    assert.strictEqual(fake.violations[0].path, '/studio/v2/Flows');
    assert.match(fake.violations[0].reason, /Colour/);
    assert.strictEqual(fake.state.flows.size, 3, 'nothing was created');

    const flowSid = fake.state.seeded!.messagingFlowSid;
    const missing = await rawPost(fake, `/studio/v2/Flows/${flowSid}/Executions`, { To: '+15551230000' });
    assert.strictEqual(missing.status, 400);
    assert.match(fake.violations[1].reason, /From/);

    const badEnum = await rawPost(fake, '/studio/v2/Flows', {
      FriendlyName: 'x',
      Status: 'live',
      Definition: '{}',
    });
    assert.strictEqual(badEnum.status, 400);
    const badType = await rawGet(fake, '/studio/v2/Flows?PageSize=lots');
    assert.strictEqual(badType.status, 400);
    const badQuery = await rawGet(fake, '/taskrouter/v1/Workspaces?Name=Flex');
    assert.strictEqual(badQuery.status, 400);
    const noSuchOperation = await rawGet(fake, '/studio/v2/Widgets');
    assert.strictEqual(noSuchOperation.status, 400);
    const noSuchProduct = await rawGet(fake, '/voice/v1/Calls');
    assert.strictEqual(noSuchProduct.status, 400);
    assert.strictEqual(fake.violations.length, 7);
    assert.match(fake.violations[5].reason, /unknown operation GET \/v2\/Widgets/);
  });

  it('wrong credentials get 401 code 20003; an API key and secret are accepted', async () => {
    const { client } = clientFor(fake, { pass: '0'.repeat(32) });
    const err = await rejection(client.studio.v2.flows.list());
    assert.strictEqual(err.status, 401);
    assert.strictEqual(err.code, 20003);
    assert.strictEqual(err.moreInfo, 'https://www.twilio.com/docs/errors/20003');

    const c = fake.credentials;
    const { client: keyed } = clientFor(fake, { user: c.apiKey, pass: c.apiSecret, accountSid: c.accountSid });
    assert.strictEqual((await keyed.studio.v2.flows.list()).length, 3);
    assert.strictEqual(c.accountSid, FAKE_ACCOUNT_SID);
    assert.strictEqual(c.authToken, FAKE_AUTH_TOKEN);
    assert.match(FAKE_ACCOUNT_SID, /^AC[0-9a-f]{32}$/);
  });

  it('fault 429 answers code 20429 with Retry-After, then stops after `times`', async () => {
    const { client, seen } = clientFor(fake);
    fake.faults.add({ kind: '429', retryAfter: 7, method: 'GET', path: /^\/studio\/v2\/Flows$/, times: 1 });
    const err = await rejection(client.studio.v2.flows.list());
    assert.strictEqual(err.status, 429);
    assert.strictEqual(err.code, 20429);
    assert.strictEqual(seen[seen.length - 1].headers['retry-after'], '7');
    assert.strictEqual((await client.studio.v2.flows.list()).length, 3);
  });

  it('fault 503 fails the request without touching the state', async () => {
    const { client } = clientFor(fake);
    fake.faults.add({ kind: '503', method: 'POST', path: '/studio/v2/Flows$' });
    const err = await rejection(client.studio.v2.flows.create({ friendlyName: 'x', status: 'draft', definition: simpleDefinition() }));
    assert.strictEqual(err.status, 503);
    assert.strictEqual(fake.state.flows.size, 3);
    assert.strictEqual(fake.writes('/studio/v2/Flows').length, 1);
  });

  it('fault reset drops the connection without an answer', async () => {
    const { client } = clientFor(fake);
    fake.faults.add({ kind: 'reset', path: /Workspaces/, times: 1 });
    const err = await rejection(client.taskrouter.v1.workspaces.list());
    assert.strictEqual(err.status, undefined, 'no HTTP status: the socket was closed');
    assert.match(String(err.code ?? err.message), /ECONNRESET|socket hang up/i);
    assert.strictEqual(fake.requests[fake.requests.length - 1].status, undefined);
    assert.strictEqual((await client.taskrouter.v1.workspaces.list()).length, 1);
  });

  it('fault slow delays the answer', async () => {
    const { client } = clientFor(fake);
    fake.faults.add({ kind: 'slow', delayMs: 300, path: /Workspaces/ });
    const started = Date.now();
    const workspaces = await client.taskrouter.v1.workspaces.list();
    assert.strictEqual(workspaces.length, 1);
    assert.ok(Date.now() - started >= 290, `took ${Date.now() - started} ms`);
  });

  it('fault succeed-then-503 applies the write but answers 503', async () => {
    const { client } = clientFor(fake);
    fake.faults.add({ kind: 'succeed-then-503', method: 'POST', path: /^\/studio\/v2\/Flows$/, times: 1 });
    const err = await rejection(client.studio.v2.flows.create({ friendlyName: 'Ghost', status: 'draft', definition: simpleDefinition() }));
    assert.strictEqual(err.status, 503);
    const names = (await client.studio.v2.flows.list()).map((f: any) => f.friendlyName);
    assert.ok(names.includes('Ghost'), 'the flow exists although the client saw a failure');
  });

  it('fault probability draws from a seeded PRNG, so runs replay', async () => {
    const pattern = async () => {
      fake.faults.clear();
      fake.faults.add({ kind: '503', probability: 0.5, path: /Workspaces/ });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await rawGet(fake, '/taskrouter/v1/Workspaces')).status);
      return statuses;
    };
    const first = await pattern();
    assert.ok(first.includes(503) && first.includes(200), `mixed outcomes expected, got ${first}`);
    assert.deepStrictEqual(await pattern(), first);
  });

  it('executions: list, create, context, end', async () => {
    const { client } = clientFor(fake);
    const flowSid = fake.state.seeded!.messagingFlowSid;
    const stuck = fake.state.addExecution(flowSid, '+15551234567');
    const executions = await client.studio.v2.flows(flowSid).executions.list();
    assert.deepStrictEqual(executions.map((e: any) => [e.sid, e.status]), [[stuck.sid, 'active']]);
    assert.strictEqual(executions[0].contactChannelAddress, '+15551234567');

    const ended = await client.studio.v2.flows(flowSid).executions(stuck.sid).update({ status: 'ended' });
    assert.strictEqual(ended.status, 'ended');
    assert.strictEqual((await client.studio.v2.flows(flowSid).executions(stuck.sid).fetch()).status, 'ended');

    const started = await client.studio.v2.flows(flowSid).executions.create({
      to: '+15551234567',
      from: '+15005550006',
      parameters: { name: 'Zeke' },
    });
    assert.match(started.sid, /^FN[0-9a-f]{32}$/);
    const context = await client.studio.v2.flows(flowSid).executions(started.sid).executionContext().fetch();
    assert.strictEqual(context.context.flow.data.name, 'Zeke');
    const steps = await client.studio.v2.flows(flowSid).executions(started.sid).steps.list();
    assert.strictEqual(steps[0].transitionedTo, 'Trigger');
    const dup = await rejection(
      client.studio.v2.flows(flowSid).executions.create({ to: '+15551234567', from: '+15005550006' }),
    );
    assert.strictEqual(dup.status, 409);

    const since = await client.studio.v2.flows(flowSid).executions.list({ dateCreatedFrom: new Date(Date.now() + 3600_000) });
    assert.strictEqual(since.length, 0);
  });

  it('an interaction opens a TaskRouter task in the routed workspace', async () => {
    const { client } = clientFor(fake);
    const s = fake.state.seeded!;
    const conversation = fake.state.addConversation({ messages: [{ author: '+15551234567', body: 'I need a human' }] });
    const interaction = await client.flexApi.v1.interaction.create({
      channel: { type: 'sms', initiated_by: 'customer', properties: { media_channel_sid: conversation.sid } },
      routing: {
        properties: {
          workspace_sid: s.workspaceSid,
          workflow_sid: s.workflowSid,
          task_channel_unique_name: 'chat',
          attributes: { from: '+15551234567', botSummary: 'wants a human' },
        },
      },
    });
    assert.match(interaction.sid, /^KD[0-9a-f]{32}$/);
    const taskSid = interaction.routing.properties.sid;

    const pending = await client.taskrouter.v1.workspaces(s.workspaceSid).tasks.list({ assignmentStatus: ['pending', 'reserved'] });
    assert.deepStrictEqual(pending.map((t: any) => t.sid), [taskSid]);
    const task = pending[0];
    assert.strictEqual(task.taskChannelUniqueName, 'chat');
    assert.strictEqual(task.workflowSid, s.workflowSid);
    assert.strictEqual(task.taskQueueFriendlyName, 'Everyone');
    const attributes = JSON.parse(task.attributes);
    assert.strictEqual(attributes.botSummary, 'wants a human');
    assert.strictEqual(attributes.conversationSid, conversation.sid);
    assert.strictEqual(attributes.flexInteractionSid, interaction.sid);

    const byAttribute = await client.taskrouter.v1
      .workspaces(s.workspaceSid)
      .tasks.list({ evaluateTaskAttributes: `conversationSid == "${conversation.sid}"` });
    assert.strictEqual(byAttribute.length, 1);
    const none = await client.taskrouter.v1.workspaces(s.workspaceSid).tasks.list({ assignmentStatus: ['completed'] });
    assert.strictEqual(none.length, 0);
    assert.strictEqual((await client.flexApi.v1.interaction(interaction.sid).fetch()).channel.type, 'sms');

    const messages = await client.conversations.v1.conversations(conversation.sid).messages.list();
    assert.deepStrictEqual(messages.map((m: any) => m.body), ['I need a human']);
  });

  it('an interaction routed to an unknown workspace is refused and opens nothing', async () => {
    const { client } = clientFor(fake);
    const err = await rejection(
      client.flexApi.v1.interaction.create({
        channel: { type: 'sms', initiated_by: 'customer' },
        routing: { properties: { workspace_sid: `WS${'0'.repeat(32)}`, workflow_sid: fake.state.seeded!.workflowSid } },
      }),
    );
    assert.strictEqual(err.status, 400);
    assert.strictEqual(fake.state.tasks.size, 0);
  });

  it('address configuration update rewires auto-creation to another flow', async () => {
    const { client } = clientFor(fake);
    const s = fake.state.seeded!;
    const flow = await client.studio.v2.flows.create({ friendlyName: 'Cognigy', status: 'published', definition: simpleDefinition() });
    const updated = await client.conversations.v1.addressConfigurations(s.addressConfigurationSid).update({
      'autoCreation.enabled': true,
      'autoCreation.type': 'studio',
      'autoCreation.studioFlowSid': flow.sid,
    });
    assert.strictEqual(updated.autoCreation.studio_flow_sid, flow.sid);
    const listed = await client.conversations.v1.addressConfigurations.list({ type: 'sms' });
    assert.deepStrictEqual(listed.map((a: any) => [a.address, a.autoCreation.studio_flow_sid]), [['+15005550006', flow.sid]]);
    const write = fake.writes(/Configuration\/Addresses/)[0];
    assert.strictEqual(write.body['AutoCreation.StudioFlowSid'], flow.sid);
    assert.strictEqual(write.body['AutoCreation.Enabled'], 'true');
  });

  it('legacy Flex Flow update points the integration at another flow', async () => {
    const { client } = clientFor(fake);
    const s = fake.state.seeded!;
    const updated = await client.flexApi.v1.flexFlow(s.flexFlowSid).update({
      integrationType: 'studio',
      'integration.flowSid': s.webchatFlowSid,
    });
    assert.strictEqual(updated.integration.flow_sid, s.webchatFlowSid);
    assert.strictEqual(fake.state.flexFlows.get(s.flexFlowSid)!.integration.flow_sid, s.webchatFlowSid);
  });

  it('conversation webhooks and messages can be created and listed', async () => {
    const { client } = clientFor(fake);
    const conversation = fake.state.addConversation({ participants: [{ address: '+15551234567' }] });
    const webhook = await client.conversations.v1.conversations(conversation.sid).webhooks.create({
      target: 'studio',
      'configuration.flowSid': fake.state.seeded!.messagingFlowSid,
    });
    assert.strictEqual(webhook.configuration.flow_sid, fake.state.seeded!.messagingFlowSid);
    await client.conversations.v1.conversations(conversation.sid).messages.create({ author: 'bot', body: 'Hello' });
    const messages = await client.conversations.v1.conversations(conversation.sid).messages.list();
    assert.deepStrictEqual(messages.map((m: any) => [m.author, m.body, m.index]), [['bot', 'Hello', 0]]);
    const participants = await client.conversations.v1.conversations(conversation.sid).participants.list();
    assert.strictEqual(participants[0].messagingBinding.address, '+15551234567');
  });

  it('a customer message on a conversation with a Studio webhook starts an execution; once the webhook is deleted, none', async () => {
    const { client } = clientFor(fake);
    const flowSid = fake.state.seeded!.messagingFlowSid;
    const conversation = fake.state.addConversation({ participants: [{ address: '+15551234567' }] });
    const conv = client.conversations.v1.conversations(conversation.sid);
    const webhook = await conv.webhooks.create({ target: 'studio', 'configuration.flowSid': flowSid });
    assert.strictEqual((await conv.webhooks(webhook.sid).fetch()).target, 'studio');
    await conv.messages.create({ author: '+15551234567', body: 'Hi' });
    await conv.messages.create({ author: '+15551234567', body: 'Anyone?' });
    const executions = await client.studio.v2.flows(flowSid).executions.list();
    assert.strictEqual(executions.length, 1, 'the second message reaches the active execution');
    const context = await client.studio.v2.flows(flowSid).executions(executions[0].sid).executionContext().fetch();
    assert.strictEqual(context.context.trigger.conversation.ConversationSid, conversation.sid);
    await conv.messages.create({ author: 'system', body: 'What Studio itself sends' });
    assert.strictEqual((await client.studio.v2.flows(flowSid).executions.list()).length, 1);

    await client.studio.v2.flows(flowSid).executions(executions[0].sid).update({ status: 'ended' });
    assert.strictEqual(await conv.webhooks(webhook.sid).remove(), true);
    assert.deepStrictEqual(await conv.webhooks.list({ pageSize: 5 }), []);
    const gone = await rejection(conv.webhooks(webhook.sid).remove());
    assert.strictEqual(gone.status, 404);
    await conv.messages.create({ author: '+15551234567', body: 'Still there?' });
    const active = (await client.studio.v2.flows(flowSid).executions.list()).filter((e: any) => e.status === 'active');
    assert.deepStrictEqual(active, []);
  });

  it('[violations expected] webhooks are listed at most 5 a page, as the contract says', async () => {
    const conversation = fake.state.addConversation();
    const r = await rawGet(fake, `/conversations/v1/Conversations/${conversation.sid}/Webhooks?PageSize=50`);
    assert.strictEqual(r.status, 400);
  });

  it('legacy chat channel webhooks: create, list, delete through Programmable Chat v2; a studio one starts executions', async () => {
    const { client } = clientFor(fake);
    const seeded = fake.state.seeded!;
    const channel = fake.state.addConversation({ chatServiceSid: seeded.chatServiceSid, attributes: { from: '+15557654321', channel_type: 'sms' } });
    const hooks = client.chat.v2.services(seeded.chatServiceSid).channels(channel.sid).webhooks;
    const made = await hooks.create({ type: 'studio', 'configuration.flowSid': seeded.messagingFlowSid });
    assert.strictEqual(made.type, 'studio');
    assert.deepStrictEqual((await hooks.list({ pageSize: 5 })).map((w: any) => w.configuration.flow_sid), [seeded.messagingFlowSid]);
    fake.state.deliverToStudio(channel.sid, fake.state.addMessage(channel.sid, { author: '+15557654321', body: 'Hi' }));
    const [execution] = await client.studio.v2.flows(seeded.messagingFlowSid).executions.list();
    assert.strictEqual(execution.contactChannelAddress, '+15557654321');
    await hooks(made.sid).remove();
    assert.deepStrictEqual(await hooks.list(), []);
    const other = await rejection(client.chat.v2.services(seeded.conversationServiceSid).channels(channel.sid).webhooks.list());
    assert.strictEqual(other.status, 404, 'a channel is found only in its own chat service');
  });

  it('participants are created by identity or by messaging binding, once each', async () => {
    const { client } = clientFor(fake);
    const conversation = fake.state.addConversation();
    const participants = client.conversations.v1.conversations(conversation.sid).participants;
    const agent = await participants.create({ identity: 'agent@example.com', attributes: JSON.stringify({ role: 'agent' }) });
    assert.strictEqual(agent.identity, 'agent@example.com');
    const sms = await participants.create({ 'messagingBinding.address': '+15551112222', 'messagingBinding.proxyAddress': fake.state.seeded!.phoneNumber });
    assert.strictEqual(sms.messagingBinding.address, '+15551112222');
    assert.strictEqual((await rejection(participants.create({ identity: 'agent@example.com' }))).status, 409);
    assert.strictEqual((await rejection(participants.create({ attributes: '{}' }))).status, 400);
    assert.strictEqual((await participants.list()).length, 2);
  });

  it('reset restores the seeded account and forgets requests and faults', async () => {
    const { client } = clientFor(fake);
    await client.studio.v2.flows.create({ friendlyName: 'temp', status: 'draft', definition: simpleDefinition() });
    fake.faults.add({ kind: '503' });
    const seededBefore = fake.state.seeded!.messagingFlowSid;
    fake.reset();
    assert.strictEqual(fake.requests.length, 0);
    assert.strictEqual(fake.state.seeded!.messagingFlowSid, seededBefore, 'the same SIDs after a reset');
    assert.strictEqual((await client.studio.v2.flows.list()).length, 3);
  });
});

it("the fake also serves twilio-cli's own HTTP client (the one the plugin wraps)", async () => {
  const fake = await startTwilioFake();
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const CliRequestClient = require('@twilio/cli-core/src/services/cli-http-client');
    const quiet = { debug: () => undefined };
    const inner = new CliRequestClient('cognigy:test', quiet);
    const httpClient = { request: (o: any) => inner.request({ ...o, uri: rewriteTwilioUrl(o.uri, fake.url) }) };
    const client = new twilio.Twilio(fake.credentials.accountSid, fake.credentials.authToken, { httpClient });
    const flow = await client.studio.v2.flows.create({ friendlyName: 'via cli', status: 'draft', definition: simpleDefinition() });
    const flows = await client.studio.v2.flows.list({ pageSize: 3 });
    assert.ok(flows.some((f: any) => f.sid === flow.sid));
    assert.strictEqual(flows.length, 4);
    assert.deepStrictEqual(fake.violations, []);
  } finally {
    await fake.close();
  }
});

it('an unseeded fake starts empty', async () => {
  const fake = await startTwilioFake({ seed: false });
  try {
    const { client } = clientFor(fake);
    assert.strictEqual((await client.taskrouter.v1.workspaces.list()).length, 0);
    assert.strictEqual(fake.state.seeded, undefined);
  } finally {
    await fake.close();
  }
});
