import { describe, it } from 'mocha';
import { assert, expect } from 'chai';
import { escalate, EscalateApi, EscalateDeps, checkRequest } from '../../../src/lib/flex/escalate';
import type { ExecutionInfo, ScopedWebhook, TaskInfo } from '../../../src/lib/twilio/api';
import { CognigyError, UsageError } from '../../../src/lib/errors';
import { noteText } from '../../../src/printers/escalate';

const sid = (p: string, n: number) => `${p}${n.toString(16).padStart(32, '0')}`;
const CH = sid('CH', 1);
const FW = sid('FW', 2);
const WS = sid('WS', 3);
const WW = sid('WW', 4);
const CUSTOMER = '+15551234567';
const OTHER_FW = sid('FW', 7);
const WH = sid('WH', 8);

/** A plain in-memory account: only what escalate reads and writes, and a log of the writes. */
function fakeApi(
  o: { tasks?: TaskInfo[]; executions?: ExecutionInfo[]; createFails?: Array<'503' | '503-applied' | '400' | '429'>; webhooks?: ScopedWebhook[] } = {},
) {
  const tasks: TaskInfo[] = [...(o.tasks ?? [])];
  const webhooks: ScopedWebhook[] = [...(o.webhooks ?? [])];
  const executions: ExecutionInfo[] = [...(o.executions ?? [])];
  const failures = [...(o.createFails ?? [])];
  const writes: string[] = [];
  let n = 100;
  const error = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status, data: { status } });
  const api: EscalateApi = {
    listFlows: async () => [
      { sid: FW, name: 'Cognigy Bot Flow', status: 'published', revision: 1 },
      { sid: OTHER_FW, name: 'Messaging Flow', status: 'published', revision: 1 },
    ],
    listFlexFlows: async () => [],
    listConversationWebhooks: async () => [...webhooks],
    deleteConversationWebhook: async (_c, w) => {
      writes.push(`remove ${w}`);
      const i = webhooks.findIndex((x) => x.sid === w);
      if (i < 0) throw Object.assign(new Error('not found'), { exitCode: 20404 });
      webhooks.splice(i, 1);
    },
    listChannelWebhooks: async () => [],
    deleteChannelWebhook: async () => {
      throw new Error('not for conversations');
    },
    fetchConversation: async (s) => {
      if (s !== CH) throw Object.assign(new Error('not found'), { exitCode: 20404 });
      return { sid: CH, state: 'active', attributes: {} };
    },
    listConversationParticipants: async () => [{ sid: sid('MB', 1), identity: null, attributes: {}, messagingBinding: { type: 'sms', address: CUSTOMER } }],
    listConversationMessages: async () => [
      { sid: sid('IM', 1), index: 0, author: CUSTOMER, body: 'I want a human' },
      { sid: sid('IM', 2), index: 1, author: 'system', body: 'Let me connect you.' },
    ],
    listExecutions: async () => executions,
    fetchExecutionContext: async () => ({ trigger: { conversation: { ConversationSid: CH } } }),
    endExecution: async (_f, e) => {
      writes.push(`end ${e}`);
      const x = executions.find((y) => y.sid === e)!;
      x.status = 'ended';
      return x;
    },
    listTasks: async (_ws, q) => {
      const m = /^([\w.]+) == "(.*)"$/.exec(q.expression)!;
      const get = (a: any) => m[1].split('.').reduce((v, k) => v?.[k], a);
      return tasks.filter((t) => q.statuses.includes(t.assignmentStatus) && get(t.attributes) === m[2]);
    },
    createTask: async () => {
      throw new Error('not for conversations');
    },
    createInteraction: async (body) => {
      const failure = failures.shift();
      const attributes = (body.routing as any).properties.attributes;
      const task: TaskInfo = { sid: sid('WT', n++), assignmentStatus: 'pending', attributes: { ...attributes, conversationSid: CH } };
      if (failure === '400' || failure === '429') throw error(Number(failure));
      writes.push('create');
      if (failure !== '503') tasks.push(task);
      if (failure) throw error(503);
      return { sid: sid('KD', n++), channel: {}, routing: { properties: { sid: task.sid, assignment_status: 'pending' } } };
    },
  };
  return { api, tasks, executions, writes, webhooks };
}

const setup: EscalateDeps['setup'] = {
  workspace: { sid: WS, name: 'Flex Task Assignment' },
  workflow: { sid: WW, name: 'Assign to Anyone' },
  taskChannel: { sid: sid('TC', 5), name: 'chat' },
  channelModel: 'conversations',
  flowTarget: { name: 'Cognigy Bot Flow', mustExist: false },
};
const active = (): ExecutionInfo => ({ sid: sid('FN', 9), flowSid: FW, contactChannelAddress: CUSTOMER, status: 'active' });
const deps = (api: EscalateApi): EscalateDeps => ({ api, setup, sleep: async () => undefined, newId: () => 'run-1' });

describe('escalate, against a plain fake account', () => {
  it('creates the hand-over first, then ends the bot', async () => {
    const f = fakeApi({ executions: [active()] });
    const r = await escalate({ conversation: CH, reason: 'angry' }, deps(f.api));
    assert.strictEqual(r.action, 'created');
    assert.deepStrictEqual(f.writes, ['create', `end ${sid('FN', 9)}`]);
    assert.strictEqual((r.attributes as any).cognigy.reason, 'angry');
    assert.deepStrictEqual((r.attributes as any).cognigy.transcript.map((m: any) => m.from), ['customer', 'bot']);
    assert.strictEqual(r.sessionId, CH);
  });

  it("after the create, the conversation's Studio webhook is removed, then the bot ended", async () => {
    const f = fakeApi({ executions: [active()], webhooks: [{ sid: WH, kind: 'studio', flowSid: FW }, { sid: sid('WH', 9), kind: 'webhook' }] });
    const r = await escalate({ conversation: CH }, deps(f.api));
    assert.deepStrictEqual(f.writes, ['create', `remove ${WH}`, `end ${sid('FN', 9)}`]);
    assert.deepStrictEqual(r.studioWebhooks, [{ sid: WH, flowSid: FW, action: 'removed' }]);
    assert.deepStrictEqual(f.webhooks.map((w) => w.kind), ['webhook'], 'other webhooks stay');
  });

  it('the flow named by the conversation webhook is used over the setup flow, and said', async () => {
    const other: ExecutionInfo = { sid: sid('FN', 10), flowSid: OTHER_FW, contactChannelAddress: CUSTOMER, status: 'active' };
    const f = fakeApi({ executions: [other], webhooks: [{ sid: WH, kind: 'studio', flowSid: OTHER_FW }] });
    const listed: string[] = [];
    const api = { ...f.api, listExecutions: async (flowSid: string) => (listed.push(flowSid), f.executions.filter((e) => e.flowSid === flowSid)) };
    const r = await escalate({ conversation: CH }, deps(api));
    assert.deepStrictEqual(r.flow, { sid: OTHER_FW, name: 'Messaging Flow', source: 'conversation-webhook' });
    assert.deepStrictEqual(listed, [OTHER_FW]);
    assert.deepStrictEqual(r.executions, [{ sid: other.sid, action: 'ended' }]);
    const differs = r.notes.find((n) => n.code === 'flow-differs');
    assert.deepInclude(differs, { code: 'flow-differs', kind: 'conversation', configured: { name: 'Cognigy Bot Flow', source: 'setup' } }, JSON.stringify(r.notes));
    assert.match(noteText(differs!), /served by flow "Messaging Flow".*"Cognigy Bot Flow".*"Messaging Flow" was used/);
  });

  it('a webhook already removed (a retried DELETE, another run) is not an error', async () => {
    const f = fakeApi({ executions: [active()], webhooks: [{ sid: WH, kind: 'studio', flowSid: FW }] });
    const api = { ...f.api, listConversationWebhooks: async () => [{ sid: WH, kind: 'studio', flowSid: FW }], deleteConversationWebhook: async () => {
      throw Object.assign(new Error('not found'), { exitCode: 20404 });
    } };
    const r = await escalate({ conversation: CH }, deps(api));
    assert.deepStrictEqual(r.studioWebhooks, [{ sid: WH, flowSid: FW, action: 'already-gone' }]);
    assert.strictEqual(f.executions[0].status, 'ended');
  });

  it('a 503 on a create that went through: found by its run id, not made twice', async () => {
    const f = fakeApi({ executions: [active()], createFails: ['503-applied'] });
    const r = await escalate({ conversation: CH }, deps(f.api));
    assert.strictEqual(r.recovered, true);
    assert.strictEqual(f.tasks.length, 1);
    assert.deepStrictEqual(f.writes, ['create', `end ${sid('FN', 9)}`]);
  });

  it('a 503 on a create that did not go through: tried again, one hand-over', async () => {
    const f = fakeApi({ createFails: ['503', '503'] });
    const r = await escalate({ conversation: CH }, deps(f.api));
    assert.strictEqual(r.action, 'created');
    assert.strictEqual(f.tasks.length, 1);
  });

  it('three failed creates: an error that says nothing was done; the bot keeps running', async () => {
    const f = fakeApi({ executions: [active()], createFails: ['503', '503', '503'] });
    await expect(escalate({ conversation: CH }, deps(f.api))).to.be.rejected.and.eventually.satisfy((e: CognigyError) => e.code === 'create-failed' && /Nothing was done/.test(e.message));
    assert.strictEqual(f.executions[0].status, 'active');
  });

  it('the last of three attempts went through: found, not reported as a failure', async () => {
    const f = fakeApi({ executions: [active()], createFails: ['503', '503', '503-applied'] });
    const r = await escalate({ conversation: CH }, deps(f.api));
    assert.strictEqual(r.recovered, true);
    assert.strictEqual(f.tasks.length, 1);
    assert.strictEqual(f.executions[0].status, 'ended');
  });

  it('429 after the HTTP layer gave up: says so, nothing done', async () => {
    const f = fakeApi({ executions: [active()], createFails: ['429'] });
    await expect(escalate({ conversation: CH }, deps(f.api))).to.be.rejected.and.eventually.satisfy((e: CognigyError) => e.code === 'rate-limited');
    assert.deepStrictEqual(f.writes, []);
  });

  it('a refused create (4xx) is not retried and ends nothing', async () => {
    const f = fakeApi({ executions: [active()], createFails: ['400'] });
    await expect(escalate({ conversation: CH }, deps(f.api))).to.be.rejected.and.eventually.satisfy((e: CognigyError) => e.code === 'handover-refused');
    assert.deepStrictEqual(f.writes, []);
  });

  it('an open queued task: nothing created, a bot still running is ended', async () => {
    const queued: TaskInfo = { sid: sid('WT', 1), assignmentStatus: 'pending', attributes: { conversationSid: CH } };
    const f = fakeApi({ tasks: [queued], executions: [active()] });
    const r = await escalate({ conversation: CH }, deps(f.api));
    assert.strictEqual(r.action, 'already-handed-over');
    assert.strictEqual(r.handover?.taskSid, queued.sid);
    assert.deepStrictEqual(f.writes, [`end ${sid('FN', 9)}`]);
  });

  it('a task an agent holds: an error, nothing touched', async () => {
    const held: TaskInfo = { sid: sid('WT', 1), assignmentStatus: 'assigned', attributes: { conversationSid: CH } };
    const f = fakeApi({ tasks: [held], executions: [active()] });
    await expect(escalate({ conversation: CH }, deps(f.api))).to.be.rejected.and.eventually.satisfy((e: CognigyError) => e.code === 'already-with-agent');
    assert.deepStrictEqual(f.writes, []);
  });

  it('no active execution: still handed over, with a note', async () => {
    const f = fakeApi();
    const r = await escalate({ conversation: CH }, deps(f.api));
    assert.strictEqual(r.action, 'created');
    assert.deepStrictEqual(r.executions, []);
    const notRunning = r.notes.find((n) => n.code === 'bot-not-running');
    assert.ok(notRunning, JSON.stringify(r.notes));
    assert.match(noteText(notRunning!), /bot was not running/);
  });

  it('--dry-run reads only', async () => {
    const f = fakeApi({ executions: [active()] });
    const r = await escalate({ conversation: CH, dryRun: true }, deps(f.api));
    assert.strictEqual(r.action, 'would-create');
    assert.deepStrictEqual(r.executions.map((e) => e.action), ['would-end']);
    assert.deepStrictEqual(f.writes, []);
  });

  it('--contact finds the conversation through the bot execution', async () => {
    const f = fakeApi({ executions: [active()] });
    const r = await escalate({ contact: CUSTOMER }, deps(f.api));
    assert.strictEqual(r.target.sid, CH);
    assert.deepStrictEqual(f.writes, ['create', `end ${sid('FN', 9)}`]);
  });

  it('--contact: a chat-message trigger means legacy messaging, whatever the saved model', async () => {
    const f = fakeApi({ executions: [active()] });
    f.api.fetchExecutionContext = async () => ({ trigger: { message: { ChannelSid: CH, ChannelAttributes: { proxySession: 'KC1' } } } });
    let created = '';
    f.api.createTask = async (_ws, o) => {
      created = o.attributes;
      return { sid: sid('WT', 50), assignmentStatus: 'pending', attributes: JSON.parse(o.attributes) };
    };
    const r = await escalate({ contact: CUSTOMER }, deps(f.api));
    assert.strictEqual(r.channelModel, 'legacy');
    assert.strictEqual(JSON.parse(created).channelSid, CH);
    assert.strictEqual(r.sessionId, 'KC1');
  });

  it('bad targets are usage errors before any call', () => {
    assert.throws(() => checkRequest({ conversation: 'CH123' }, 'conversations'), UsageError);
    assert.throws(() => checkRequest({}, 'conversations'), UsageError);
    assert.throws(() => checkRequest({ conversation: CH, channel: CH }, 'conversations'), UsageError);
    assert.throws(() => checkRequest({ conversation: CH, channelModel: 'legacy' }, 'conversations'), UsageError);
    assert.strictEqual(checkRequest({ channel: CH }, 'conversations').model, 'legacy');
    assert.strictEqual(checkRequest({ contact: CUSTOMER }, 'legacy').model, 'legacy');
  });

  it('an unknown conversation: a clear error', async () => {
    const f = fakeApi();
    await expect(escalate({ conversation: sid('CH', 77) }, deps(f.api))).to.be.rejected.and.eventually.satisfy((e: CognigyError) => e.code === 'conversation-not-found');
  });
});
