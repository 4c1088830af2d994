import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import { secretsIn, startWorldWithSetup, World } from '../helpers/stand-ins';
import type { FaultRule } from '../stand-ins/twilio';
import { conversationScene as newConversationScene, type Scene } from '../helpers/escalate-scene';
import { twilioRequest } from '../helpers/twilio-direct';
import { registerTestSecret } from '../helpers/secrets';

/**
 * `twilio cognigy:escalate`, in the test process as the host runs it, against the Twilio fake: the
 * bot's execution is ended, exactly one hand-over is made (an Interaction for Flex
 * Conversations, a TaskRouter task for legacy messaging) with the routing and the
 * transcript, re-runs create nothing, and every request is valid against Twilio's
 * OpenAPI descriptions.
 */
const INTERACTIONS = /^\/flex-api\/v1\/Interactions$/;
const TASKS = /^\/taskrouter\/v1\/Workspaces\/WS[0-9a-f]{32}\/Tasks$/;

let customerNumber = 0;
/** A new customer per scene: Studio keeps one active execution per contact and flow. */
const nextCustomer = () => `+1555100${String(++customerNumber).padStart(4, '0')}`;

describe('twilio cognigy:escalate', () => {
  let world: World;
  let flowSid: string;

  before(async () => {
    world = await startWorldWithSetup({ inProcess: true });
    const link = await world.run(['cognigy:link-flow']);
    assert.strictEqual(link.code, 0, link.all);
    flowSid = [...world.fake.state.flows.values()].find((f) => f.friendly_name === 'Cognigy Bot Flow')!.sid;
  });
  after(async () => world?.close());

  const state = () => world.fake.state;
  const tasksOf = (key: 'conversationSid' | 'channelSid', sid: string) =>
    [...state().tasks.values()].filter((t) => JSON.parse(t.attributes)[key] === sid);
  const execution = (sid: string) => state().executions.get(sid)!;

  const conversationScene = (messages = 4, names: { friendlyName?: string; participantAttributes?: string } = {}): Scene =>
    newConversationScene(state(), flowSid, nextCustomer(), messages, names);

  /**
   * A legacy Flex messaging customer: a chat channel of the Flex Flow's chat service with
   * Flex's channel attributes and the `studio` channel webhook a Studio Flex Flow leaves.
   */
  function channelScene(o: { flowSid?: string; webhook?: boolean } = {}): Scene & { proxySession: string } {
    const customer = nextCustomer();
    const proxySession = `KC${'5'.repeat(28)}${String(customerNumber).padStart(4, '0')}`;
    const serviceSid = state().seeded!.chatServiceSid;
    const flow = o.flowSid ?? flowSid;
    const channel = state().addConversation({
      chatServiceSid: serviceSid,
      attributes: { from: customer, channel_type: 'sms', proxySession, pre_engagement_data: { friendlyName: 'Grace' } },
      participants: [{ identity: customer }],
      messages: [
        { author: customer, body: 'My parcel is late' },
        { author: 'system', body: 'Sorry to hear that. Your order number?' },
        { author: customer, body: 'I want a person' },
      ],
    });
    const webhook = o.webhook === false ? undefined : state().addChannelWebhook(serviceSid, channel.sid, 'studio', { flow_sid: flow });
    const exec = state().addExecution(flow, customer);
    exec.context.trigger = { message: { ChannelSid: channel.sid, From: customer, ChannelAttributes: { proxySession } } };
    return { customer, sid: channel.sid, executionSid: exec.sid, proxySession, webhookSid: webhook?.sid };
  }

  /** The customer writes again, through the API as Twilio's inbound side would add it. */
  const customerWrites = (s: Scene, body = 'Hello? Anyone?') =>
    twilioRequest(world, 'POST', `/conversations/v1/Conversations/${s.sid}/Messages`, { Author: s.customer, Body: body });
  /** Active executions of any flow for the scene's customer. */
  const activeFor = (s: Scene) => [...state().executions.values()].filter((e) => e.contact_channel_address === s.customer && e.status === 'active');

  function assertClean(r: { all: string }) {
    assert.deepStrictEqual(world.fake.violations, [], 'every request valid against the OpenAPI descriptions');
    assert.deepStrictEqual(secretsIn(world, r.all), []);
  }

  describe('Flex Conversations', () => {
    it('ends the bot, creates one Interaction with the routing and the transcript; a re-run creates nothing; --force another', async () => {
      const s = conversationScene();
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid, '--reason', 'customer asked twice', '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const out = JSON.parse(r.stdout);
      assert.strictEqual(out.action, 'created');
      assert.match(out.handover.interactionSid, /^KD[0-9a-f]{32}$/);
      assert.match(out.handover.taskSid, /^WT[0-9a-f]{32}$/);
      assert.strictEqual(execution(s.executionSid).status, 'ended', 'the bot no longer answers');

      const posts = world.fake.writes(INTERACTIONS);
      assert.strictEqual(posts.length, 1);
      const channel = JSON.parse(String(posts[0].body.Channel));
      assert.deepStrictEqual(channel, { type: 'sms', initiated_by: 'customer', properties: { media_channel_sid: s.sid } });
      const routing = JSON.parse(String(posts[0].body.Routing)).properties;
      const seeded = state().seeded!;
      assert.strictEqual(routing.workspace_sid, seeded.workspaceSid);
      assert.strictEqual(routing.workflow_sid, seeded.workflowSid);
      assert.strictEqual(routing.task_channel_unique_name, 'chat');

      const [task] = tasksOf('conversationSid', s.sid);
      assert.strictEqual(task.sid, out.handover.taskSid);
      assert.strictEqual(task.task_channel_unique_name, 'chat');
      const attributes = JSON.parse(task.attributes);
      assert.strictEqual(attributes.from, s.customer);
      assert.strictEqual(attributes.cognigy.reason, 'customer asked twice');
      assert.strictEqual(attributes.cognigy.sessionId, s.sid, 'the session the flow used: the conversation SID');
      assert.deepStrictEqual(
        attributes.cognigy.transcript.map((m: any) => `${m.from}: ${m.text}`),
        ['customer: Customer says 0', 'bot: Bot answer 1', 'customer: Customer says 2', 'bot: Bot answer 3'],
      );
      assertClean(r);

      const writes = world.fake.writes().length;
      const again = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      assert.strictEqual(again.code, 0, again.all);
      assert.match(again.stdout, /Already with Flex/);
      assert.match(again.stdout, new RegExp(task.sid));
      assert.strictEqual(world.fake.writes().length, writes, 'nothing written');

      const forced = await world.run(['cognigy:escalate', '--conversation', s.sid, '--force', '-o', 'json']);
      assert.strictEqual(forced.code, 0, forced.all);
      assert.strictEqual(JSON.parse(forced.stdout).action, 'created');
      assert.strictEqual(tasksOf('conversationSid', s.sid).length, 2);
      assertClean(forced);
    });

    it('a long conversation: the newest messages that fit, and a note saying it was cut', async () => {
      const s = conversationScene(0);
      for (let i = 0; i < 150; i++) state().addMessage(s.sid, { author: i % 2 ? 'system' : s.customer, body: `${i} ${'words '.repeat(30)}` });
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, /Transcript: the last \d+ of 150 messages \(cut to fit\)/);
      const attributes = JSON.parse(tasksOf('conversationSid', s.sid)[0].attributes);
      const shown = attributes.cognigy.transcript;
      assert.ok(shown.length > 5 && shown.length < 150);
      assert.match(shown[shown.length - 1].text, /^149 /, 'ends with the newest message');
      assert.match(attributes.cognigy.transcriptNote, new RegExp(`last ${shown.length} of 150`));
      assertClean(r);
    });

    it('--dry-run writes nothing and shows what it would end and create', async () => {
      const s = conversationScene();
      const writes = world.fake.writes().length;
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid, '--dry-run']);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, /Dry run: nothing was written/);
      assert.match(r.stdout, new RegExp(`Would end the bot: execution ${s.executionSid}`));
      assert.match(r.stdout, /Would hand conversation .* a Flex Interaction/);
      assert.match(r.stdout, /"transcript"/);
      assert.strictEqual(world.fake.writes().length, writes);
      assert.strictEqual(execution(s.executionSid).status, 'active');

      const json = await world.run(['cognigy:escalate', '--conversation', s.sid, '--dry-run', '-o', 'json']);
      assert.strictEqual(json.code, 0, json.all);
      const out = JSON.parse(json.stdout); // only JSON on stdout
      assert.strictEqual(out.action, 'would-create');
      assert.deepStrictEqual(out.executions, [{ sid: s.executionSid, action: 'would-end' }]);
      assert.strictEqual(world.fake.writes().length, writes);
      assertClean(json);
    });

    it('no active execution: still handed over, with a note on stderr', async () => {
      const s = conversationScene();
      execution(s.executionSid).status = 'ended';
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stderr, /bot was not running/);
      assert.strictEqual(tasksOf('conversationSid', s.sid).length, 1);
      assertClean(r);
    });
  });

  describe('legacy Flex messaging', () => {
    it('--channel: ends the bot, creates one task with the Flex attributes; a re-run creates nothing; --force another', async () => {
      const s = channelScene();
      const r = await world.run(['cognigy:escalate', '--channel', s.sid, '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const out = JSON.parse(r.stdout);
      assert.strictEqual(out.action, 'created');
      assert.strictEqual(out.channelModel, 'legacy');
      assert.strictEqual(execution(s.executionSid).status, 'ended');
      assert.strictEqual(world.fake.writes(INTERACTIONS).filter((w) => String(w.body.Channel).includes(s.sid)).length, 0);

      const tasks = tasksOf('channelSid', s.sid);
      assert.strictEqual(tasks.length, 1);
      const [task] = tasks;
      assert.strictEqual(task.sid, out.handover.taskSid);
      assert.strictEqual(task.workflow_sid, state().seeded!.workflowSid);
      assert.strictEqual(task.task_channel_unique_name, 'chat');
      const a = JSON.parse(task.attributes);
      assert.strictEqual(a.name, 'Grace');
      assert.strictEqual(a.customerName, 'Grace');
      assert.strictEqual(a.customerAddress, s.customer);
      assert.strictEqual(a.channelType, 'sms');
      assert.strictEqual(a.cognigy.sessionId, s.proxySession, 'the session the flow used: the proxy session');
      assert.strictEqual(a.cognigy.reason, 'manual-escalation');
      assert.strictEqual(a.cognigy.lastAnswer, 'Sorry to hear that. Your order number?');
      assert.strictEqual(a.cognigy.transcript.length, 3);
      assertClean(r);

      const writes = world.fake.writes().length;
      const again = await world.run(['cognigy:escalate', '--channel', s.sid, '-o', 'json']);
      assert.strictEqual(again.code, 0, again.all);
      const found = JSON.parse(again.stdout);
      assert.strictEqual(found.action, 'already-handed-over');
      assert.strictEqual(found.handover.madeBy, 'twilio cognigy:escalate');
      assert.strictEqual(world.fake.writes().length, writes);
      // The table says the same word as the JSON.
      const table = await world.run(['cognigy:escalate', '--channel', s.sid, '-o', 'tsv']);
      assert.strictEqual(table.code, 0, table.all);
      assert.deepStrictEqual(table.stdout.split('\n')[1].split('\t').slice(0, 3), ['task', out.handover.taskSid, 'already-handed-over']);
      assert.strictEqual(world.fake.writes().length, writes);

      const forced = await world.run(['cognigy:escalate', '--channel', s.sid, '--force']);
      assert.strictEqual(forced.code, 0, forced.all);
      assert.strictEqual(tasksOf('channelSid', s.sid).length, 2);
      assertClean(forced);
    });

    it('--contact finds the channel (and the legacy model) through the bot execution', async () => {
      const s = channelScene();
      const r = await world.run(['cognigy:escalate', '--contact', s.customer]);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, new RegExp(`Handed chat channel ${s.sid}`));
      assert.strictEqual(execution(s.executionSid).status, 'ended');
      assert.strictEqual(tasksOf('channelSid', s.sid).length, 1);
      assertClean(r);
    });
  });

  describe("the built flow's send-to-flex names the customer for Insights (customerName, customerAddress)", () => {
    for (const model of ['conversations', 'legacy'] as const) {
      it(`${model}: the attributes the flow would send hold customerName and customerAddress beside Flex's own keys`, async () => {
        const customer = nextCustomer();
        const r = await world.run(['cognigy:test-chat', '--channel-model', model, '--from', customer, '-m', 'escalate-bool', '-o', 'json']);
        assert.strictEqual(r.code, 0, r.all);
        const a = JSON.parse(r.stdout).handover.attributes;
        assert.strictEqual(a.customerAddress, customer);
        assert.strictEqual(a.customerName, customer, 'the flow knows no better name than the address');
        assert.strictEqual(a.name, customer, "Flex's default name stays");
        assert.ok(JSON.stringify(a).length <= 1024, "within Studio's 1,024 characters");
        assertClean(r);
      });
    }
  });

  describe('the hand-over stops the bot: the Studio webhook is removed, so new messages start nothing', () => {
    it('the fake itself: a message on a conversation with a Studio webhook starts an execution', async () => {
      const s = conversationScene();
      execution(s.executionSid).status = 'ended';
      await customerWrites(s);
      assert.strictEqual(activeFor(s).length, 1, 'without the removal the bot would answer again');
      assert.deepStrictEqual(world.fake.violations, []);
    });

    it('Flex Conversations: the webhook goes after the create and before the end; a new customer message starts no execution', async () => {
      const s = conversationScene();
      const before = world.fake.writes().length;
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, new RegExp(`Removed the conversation's Studio webhook ${s.webhookSid} \\(flow ${flowSid}\\): new messages no longer start the bot`));
      assert.deepStrictEqual(state().webhooksOf(s.sid), []);
      const order = world.fake.writes().slice(before);
      assert.deepStrictEqual(
        order.map((w) => `${w.method} ${w.path.replace(/[A-Z]{2}[0-9a-f]{32}/g, (m) => m.slice(0, 2))}`),
        ['POST /flex-api/v1/Interactions', 'DELETE /conversations/v1/Conversations/CH/Webhooks/WH', 'POST /studio/v2/Flows/FW/Executions/FN'],
      );
      await customerWrites(s);
      assert.deepStrictEqual(activeFor(s), [], 'the bot does not start again');
      assertClean(r);
    });

    it('legacy: the chat channel\'s studio webhook is removed through the Chat API; a new message starts no execution', async () => {
      const s = channelScene();
      const r = await world.run(['cognigy:escalate', '--channel', s.sid, '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const out = JSON.parse(r.stdout);
      assert.deepStrictEqual(out.studioWebhooks, [{ sid: s.webhookSid, flowSid, action: 'removed' }]);
      assert.strictEqual(out.flow.source, 'channel-webhook');
      assert.strictEqual(world.fake.writes(`/chat/v2/Services/${state().seeded!.chatServiceSid}/Channels/${s.sid}/Webhooks/${s.webhookSid}`).length, 1);
      assert.deepStrictEqual(state().channelWebhooksOf(s.sid), []);
      await customerWrites(s);
      assert.deepStrictEqual(activeFor(s), []);
      assertClean(r);
    });

    it('--dry-run shows the webhook it would remove and leaves it', async () => {
      const s = conversationScene();
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid, '--dry-run']);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, new RegExp(`Would remove the conversation's Studio webhook ${s.webhookSid}`));
      assert.strictEqual(state().webhooksOf(s.sid).length, 1);
      assertClean(r);
    });

    it('the removal keeps failing after the hand-over: says so; a re-run removes it, ends the bot, creates nothing', async () => {
      const s = conversationScene();
      world.fake.faults.add({ kind: '503', method: 'DELETE', path: /\/Webhooks\/WH/, times: 10 });
      let r;
      try {
        r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      } finally {
        world.fake.faults.clear();
      }
      assert.strictEqual(r.code, 1, r.all);
      assert.match(r.stderr, /Handed over to Flex .* but removing the conversation's Studio webhook failed/);
      assert.match(r.stderr, /Run the same command again/);
      const again = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      assert.strictEqual(again.code, 0, again.all);
      assert.match(again.stdout, /Already with Flex/);
      assert.deepStrictEqual(state().webhooksOf(s.sid), []);
      assert.strictEqual(execution(s.executionSid).status, 'ended');
      assert.strictEqual(tasksOf('conversationSid', s.sid).length, 1);
      assert.deepStrictEqual(world.fake.violations, []);
    });

    it('a DELETE that went through but was answered 503 is retried, and the 404 that follows counts as removed', async () => {
      const s = conversationScene();
      world.fake.faults.add({ kind: 'succeed-then-503', method: 'DELETE', path: /\/Webhooks\/WH/, times: 1 });
      let r;
      try {
        r = await world.run(['cognigy:escalate', '--conversation', s.sid, '-o', 'json']);
      } finally {
        world.fake.faults.clear();
      }
      assert.strictEqual(r.code, 0, r.all);
      assert.deepStrictEqual(JSON.parse(r.stdout).studioWebhooks, [{ sid: s.webhookSid, flowSid, action: 'already-gone' }]);
      assert.strictEqual(execution(s.executionSid).status, 'ended');
    });
  });

  describe('the flow the conversation runs in, found from the account', () => {
    const messagingFlow = () => state().seeded!.messagingFlowSid;

    it('Conversations: the webhook names another flow than the setup\'s: its execution is ended, and the output says which flow was used', async () => {
      const s = newConversationScene(state(), messagingFlow(), nextCustomer());
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      assert.strictEqual(r.code, 0, r.all);
      assert.strictEqual(execution(s.executionSid).status, 'ended');
      assert.match(r.stdout, new RegExp(`Bot flow: "Messaging Flow" \\(${messagingFlow()}\\), as named by the conversation's Studio webhook`));
      assert.match(r.stderr, /served by flow "Messaging Flow" .* the saved setup names "Cognigy Bot Flow": "Messaging Flow" was used/);
      assert.notMatch(r.all, /no bot execution to end/);
      assertClean(r);
    });

    it('legacy without a channel webhook: the Flex Flow of the channel\'s chat service names the flow', async () => {
      const s = channelScene({ flowSid: messagingFlow(), webhook: false });
      const r = await world.run(['cognigy:escalate', '--channel', s.sid, '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const out = JSON.parse(r.stdout);
      assert.deepStrictEqual(out.flow, { sid: messagingFlow(), name: 'Messaging Flow', source: 'flex-flow' });
      assert.strictEqual(execution(s.executionSid).status, 'ended');
      assert.ok(out.notes.some((n: string) => /no Studio webhook to remove; its Flex Flow sends to flow "Messaging Flow"/.test(n)), out.notes.join("\n"));
      assertClean(r);
    });

    it('a conversation that names no flow: the setup\'s flow, said as such', async () => {
      const s = newConversationScene(state(), flowSid, nextCustomer(), 2, {}, { webhook: false });
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, /Bot flow: "Cognigy Bot Flow" \(FW[0-9a-f]{32}\), as named by the saved setup/);
      assert.strictEqual(execution(s.executionSid).status, 'ended');
      assertClean(r);
    });
  });

  describe('the routing, the flow and the channel model from flags, and -o none', () => {
    it('--workspace, --workflow and --task-channel by name route the hand-over there, whatever the setup says', async () => {
      const s = conversationScene();
      const seeded = state().seeded!;
      const support = { ...state().workflows.get(seeded.workflowSid)!, sid: state().sid('WW'), friendly_name: 'Support' };
      state().workflows.set(support.sid, support);
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid, '--workspace', 'Flex Task Assignment', '--workflow', 'Support', '--task-channel', 'sms', '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const routing = JSON.parse(String(world.fake.writes(INTERACTIONS).at(-1)!.body.Routing)).properties;
      assert.strictEqual(routing.workspace_sid, seeded.workspaceSid);
      assert.strictEqual(routing.workflow_sid, support.sid);
      assert.strictEqual(routing.task_channel_unique_name, 'sms');
      assert.strictEqual(tasksOf('conversationSid', s.sid)[0].workflow_sid, support.sid);
      assertClean(r);
    });

    it('--flow names the bot\'s flow when the conversation names none: that flow\'s execution is ended', async () => {
      const messagingFlow = state().seeded!.messagingFlowSid;
      const s = newConversationScene(state(), messagingFlow, nextCustomer(), 2, {}, { webhook: false });
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid, '--flow', 'Messaging Flow']);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, new RegExp(`Bot flow: "Messaging Flow" \\(${messagingFlow}\\), as named by --flow\\.`));
      assert.strictEqual(execution(s.executionSid).status, 'ended');
      assertClean(r);
    });

    it('--channel-model decides the kind of hand-over for --contact: legacy makes a task, conversations an Interaction (dry run)', async () => {
      const s = channelScene();
      const asConversation = await world.run(['cognigy:escalate', '--contact', s.customer, '--channel-model', 'conversations', '--dry-run', '-o', 'json']);
      assert.strictEqual(asConversation.code, 0, asConversation.all);
      const planned = JSON.parse(asConversation.stdout);
      assert.strictEqual(planned.channelModel, 'conversations');
      assert.strictEqual(planned.handover.kind, 'interaction');
      assert.strictEqual(execution(s.executionSid).status, 'active', 'a dry run ends nothing');
      const r = await world.run(['cognigy:escalate', '--contact', s.customer, '--channel-model', 'legacy', '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const out = JSON.parse(r.stdout);
      assert.strictEqual(out.channelModel, 'legacy');
      assert.strictEqual(out.action, 'created');
      assert.strictEqual(tasksOf('channelSid', s.sid).length, 1);
      assert.strictEqual(world.fake.writes(INTERACTIONS).filter((w) => String(w.body.Channel).includes(s.sid)).length, 0, 'no Interaction');
      assert.strictEqual(execution(s.executionSid).status, 'ended');
      assertClean(r);
    });

    it('-o none hands over and prints nothing; an error still reaches stderr with its exit code', async () => {
      const s = conversationScene();
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid, '-o', 'none']);
      assert.strictEqual(r.code, 0, r.all);
      assert.strictEqual(r.stdout, '');
      assert.strictEqual(tasksOf('conversationSid', s.sid).length, 1, 'handed over');
      const bad = await world.run(['cognigy:escalate', '--conversation', `CH${'e'.repeat(32)}`, '-o', 'none']);
      assert.strictEqual(bad.code, 1, bad.all);
      assert.strictEqual(bad.stdout, '');
      assert.match(bad.stderr, /No conversation CH/);
    });
  });

  describe('bad input and failures: a clear message, a non-zero exit, nothing done', () => {
    /** Writes Twilio accepted (a refused POST changes nothing). */
    const accepted = () => world.fake.writes().filter((w) => w.status !== undefined && w.status < 400).length;
    const nothingDone = async (args: string[], expect: { code: number | 'non-zero'; message: RegExp }, scene?: Scene) => {
      const writes = accepted();
      const r = await world.run(args);
      if (expect.code === 'non-zero') assert.notStrictEqual(r.code, 0, r.all);
      else assert.strictEqual(r.code, expect.code, r.all);
      assert.match(r.stderr, expect.message);
      assert.ok(r.stderr.trim().split('\n').length <= 2, `one or two lines: ${r.stderr}`);
      assert.notMatch(r.all, /at .*\.js:\d+/, 'no stack trace');
      assert.strictEqual(accepted(), writes, 'nothing written');
      if (scene) assert.strictEqual(execution(scene.executionSid).status, 'active', 'the bot still answers');
      assert.deepStrictEqual(secretsIn(world, r.all), []);
      return r;
    };

    it('a malformed SID', async () => {
      await nothingDone(['cognigy:escalate', '--conversation', 'CH123'], { code: 2, message: /not a conversation SID/ });
    });

    it('no target, or two', async () => {
      await nothingDone(['cognigy:escalate'], { code: 2, message: /Nothing to escalate/ });
      const s = conversationScene();
      await nothingDone(['cognigy:escalate', '--conversation', s.sid, '--channel', s.sid], { code: 2, message: /only one of/ }, s);
    });

    it('an unknown conversation', async () => {
      const r = await nothingDone(['cognigy:escalate', '--conversation', `CH${'e'.repeat(32)}`, '-o', 'json'], { code: 1, message: /No conversation CH/ });
      assert.strictEqual(JSON.parse(r.stdout).error.code, 'conversation-not-found');
    });

    it('a flow that does not exist', async () => {
      const s = conversationScene();
      await nothingDone(['cognigy:escalate', '--conversation', s.sid, '--flow', 'No Such Flow'], { code: 2, message: /No Studio flow "No Such Flow"/ }, s);
    });

    it('a conversation already with an agent', async () => {
      const s = conversationScene();
      const task = state().createTask(state().seeded!.workspaceSid, {
        workflowSid: state().seeded!.workflowSid,
        taskChannel: 'chat',
        attributes: JSON.stringify({ conversationSid: s.sid }),
      });
      task.assignment_status = 'assigned';
      const r = await nothingDone(['cognigy:escalate', '--conversation', s.sid], { code: 1, message: /already with an agent: task WT[0-9a-f]{32} is assigned/ }, s);
      assert.match(r.stderr, new RegExp(`Studio webhook ${s.webhookSid} is still attached, so new messages also start the bot: pass --force`));
    });

    it('Flex refuses the hand-over (a workflow that does not exist)', async () => {
      const s = conversationScene();
      await nothingDone(['cognigy:escalate', '--conversation', s.sid, '--workflow', `WW${'d'.repeat(32)}`], { code: 1, message: /Flex refused the hand-over/ }, s);
    });

    it('Twilio keeps failing the reads', async () => {
      const s = conversationScene();
      world.fake.faults.add({ kind: '503', method: 'GET', path: /\/Tasks$/, times: 10 });
      try {
        await nothingDone(['cognigy:escalate', '--conversation', s.sid], { code: 'non-zero', message: /503|Service Unavailable/ }, s);
      } finally {
        world.fake.faults.clear();
      }
    });
  });

  describe('faults on the create: exactly one hand-over in the end', () => {
    const cases: { name: string; fault: FaultRule }[] = [
      { name: '429 with Retry-After', fault: { kind: '429', retryAfter: 1, method: 'POST', times: 1 } },
      { name: '503, not applied', fault: { kind: '503', method: 'POST', times: 1 } },
      { name: 'applied, then answered 503', fault: { kind: 'succeed-then-503', method: 'POST', times: 1 } },
      { name: 'the connection resets', fault: { kind: 'reset', method: 'POST', times: 1 } },
      { name: 'a slow answer', fault: { kind: 'slow', delayMs: 1500, method: 'POST', times: 1 } },
    ];
    /** The end state every fault must leave: one hand-over, the bot ended, every request valid. */
    const handedOverOnce = (key: 'conversationSid' | 'channelSid', s: Scene) => {
      assert.strictEqual(tasksOf(key, s.sid).length, 1, 'exactly one hand-over');
      assert.strictEqual(execution(s.executionSid).status, 'ended');
      assert.deepStrictEqual(world.fake.violations, []);
    };

    for (const c of cases) {
      it(`Interaction create: ${c.name}`, async () => {
        const s = conversationScene();
        world.fake.faults.add({ ...c.fault, path: INTERACTIONS });
        try {
          const r = await world.run(['cognigy:escalate', '--conversation', s.sid, '-o', 'json']);
          assert.strictEqual(r.code, 0, r.all);
          assert.strictEqual(JSON.parse(r.stdout).action, 'created');
          assert.strictEqual(world.fake.faults.fired.length, 1, 'the fault fired');
        } finally {
          world.fake.faults.clear();
        }
        handedOverOnce('conversationSid', s);
      });

      it(`task create (legacy): ${c.name}`, async () => {
        const s = channelScene();
        world.fake.faults.add({ ...c.fault, path: TASKS });
        try {
          const r = await world.run(['cognigy:escalate', '--channel', s.sid]);
          assert.strictEqual(r.code, 0, r.all);
          if (c.fault.kind === 'succeed-then-503') assert.match(r.stderr, /found created/);
          assert.strictEqual(world.fake.faults.fired.length, 1, 'the fault fired');
        } finally {
          world.fake.faults.clear();
        }
        handedOverOnce('channelSid', s);
      });
    }

    it('slow answers and a reset on the reads: one hand-over, the bot ended', async () => {
      const s = conversationScene();
      world.fake.faults.add({ kind: 'reset', method: 'GET', times: 1 });
      world.fake.faults.add({ kind: 'slow', delayMs: 1500, method: 'GET', times: 2 });
      try {
        const r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
        assert.strictEqual(r.code, 0, r.all);
        assert.strictEqual(world.fake.faults.fired.length, 3, 'every fault fired');
      } finally {
        world.fake.faults.clear();
      }
      handedOverOnce('conversationSid', s);
    });

    it('ending the execution fails after the hand-over: says so; a re-run ends it and creates nothing', async () => {
      const s = conversationScene();
      world.fake.faults.add({ kind: '503', method: 'POST', path: /\/Executions\/FN/, times: 10 });
      let r;
      try {
        r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      } finally {
        world.fake.faults.clear();
      }
      assert.strictEqual(r.code, 1, r.all);
      assert.match(r.stderr, /Handed over to Flex .* but ending the bot's execution failed/);
      assert.match(r.stderr, /Run the same command again/);
      assert.strictEqual(execution(s.executionSid).status, 'active');
      const again = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      assert.strictEqual(again.code, 0, again.all);
      assert.match(again.stdout, /Already with Flex/);
      assert.strictEqual(execution(s.executionSid).status, 'ended');
      assert.strictEqual(tasksOf('conversationSid', s.sid).length, 1);
      assert.deepStrictEqual(world.fake.violations, []);
    });
  });

  describe('the customer\'s name for Flex Conversations', () => {
    /** The name an agent sees in Flex: the task's `name` attribute. */
    const nameAfterEscalating = async (s: Scene) => {
      const r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
      assert.strictEqual(r.code, 0, r.all);
      assertClean(r);
      const [task] = tasksOf('conversationSid', s.sid);
      const routing = JSON.parse(String(world.fake.writes(INTERACTIONS).at(-1)!.body.Routing)).properties;
      const a = JSON.parse(task.attributes);
      assert.strictEqual(routing.attributes.name, a.name, 'the Interaction carries the same name');
      assert.strictEqual(a.customerName, a.name, 'Insights and the Interactions API name the customer by customerName');
      assert.strictEqual(a.customerAddress, s.customer);
      assert.strictEqual(a.from, s.customer, "Flex's own key stays");
      return a.name;
    };

    it('from the participant\'s attributes', async () => {
      const s = conversationScene(2, { participantAttributes: JSON.stringify({ friendlyName: 'Ada Lovelace' }), friendlyName: 'Conversation 42' });
      assert.strictEqual(await nameAfterEscalating(s), 'Ada Lovelace');
    });

    it('from the conversation\'s friendly name when the participant has none', async () => {
      const s = conversationScene(2, { friendlyName: 'Linus Torvalds' });
      assert.strictEqual(await nameAfterEscalating(s), 'Linus Torvalds');
    });

    it('the customer\'s address when nothing names them', async () => {
      const s = conversationScene(2);
      assert.strictEqual(await nameAfterEscalating(s), s.customer);
    });
  });

  it('refused credentials are named, as init and link-flow name them: nothing is handed over', async () => {
    const scene = conversationScene();
    const wrongToken = `${'c0ffee'.repeat(5)}42`;
    registerTestSecret(wrongToken);
    const before = state().interactions.size;
    const r = await world.run(['cognigy:escalate', '--conversation', scene.sid], { env: { TWILIO_AUTH_TOKEN: wrongToken } });
    assert.strictEqual(r.code, 20, r.all);
    assert.match(r.stderr, /Twilio refused the credentials \(error 20003, Authenticate\): TWILIO_ACCOUNT_SID AC\w+ with TWILIO_AUTH_TOKEN/);
    assert.notMatch(r.all, /regional/i);
    assert.ok(r.stderr.trim().split('\n').length <= 2, r.stderr);
    assert.strictEqual(state().interactions.size, before);
    assert.strictEqual(execution(scene.executionSid).status, 'active');
    assert.deepStrictEqual(secretsIn(world, r.all), []);
  });
});

describe('cognigy:escalate after init, before link-flow: the setup names a flow not deployed yet', () => {
  let world: World;
  before(async () => {
    world = await startWorldWithSetup({ inProcess: true });
  });
  after(async () => world?.close());

  it('the conversation\'s webhook names the flow whose execution is active: it is ended, and the output says so', async () => {
    const state = world.fake.state;
    const messagingFlow = state.seeded!.messagingFlowSid;
    assert.ok(![...state.flows.values()].some((f) => f.friendly_name === 'Cognigy Bot Flow'), 'not deployed');
    const s = newConversationScene(state, messagingFlow, '+15559870001');
    const r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
    assert.strictEqual(r.code, 0, r.all);
    assert.strictEqual(state.executions.get(s.executionSid)!.status, 'ended', 'the bot no longer answers');
    assert.notMatch(r.all, /No Studio flow/);
    assert.match(r.stdout, new RegExp(`Ended the bot: execution ${s.executionSid} of "Messaging Flow"`));
    assert.match(r.stdout, /as named by the conversation's Studio webhook/);
    assert.deepStrictEqual(state.webhooksOf(s.sid), []);
    assert.deepStrictEqual(world.fake.violations, []);
    assert.deepStrictEqual(secretsIn(world, r.all), []);
  });

  it('a conversation that names no flow either: handed over, and the note says why no execution was ended', async () => {
    const state = world.fake.state;
    const s = newConversationScene(state, state.seeded!.messagingFlowSid, '+15559870002', 2, {}, { webhook: false });
    const r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stderr, /No Studio flow "Cognigy Bot Flow" in this account and the conversation names none/);
    assert.deepStrictEqual(world.fake.violations, []);
  });
});
