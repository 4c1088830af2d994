import { it } from 'mocha';
import { assert, expect } from 'chai';
import { decideSetup, InitInput, InitDeps, Asker, type Question } from '../../../src/lib/setup/init';
import { questionText } from '../../../src/printers/init';
import { UsageError } from '../../../src/lib/errors';

const sid = (p: string, n: number) => p + n.toString(16).padStart(32, '0');
const WS = sid('WS', 1);
const WW = sid('WW', 2);
const WW_OTHER = sid('WW', 3);
const TC_CHAT = sid('TC', 4);
const TC_SMS = sid('TC', 5);
const FW_MSG = sid('FW', 6);
const URL = 'https://endpoint-trial.cognigy.ai/' + 'ab'.repeat(32);

function api() {
  return {
    listWorkspaces: async () => [{ sid: WS, name: 'Flex Task Assignment' }],
    listWorkflows: async () => [
      { sid: WW, name: 'Assign to Anyone' },
      { sid: WW_OTHER, name: 'VIP' },
    ],
    listTaskChannels: async () => [
      { sid: TC_CHAT, name: 'chat' },
      { sid: TC_SMS, name: 'sms' },
    ],
    listFlows: async () => [{ sid: FW_MSG, name: 'Messaging Flow', status: 'published', revision: 3 }],
    listAddressConfigurations: async () => [
      { sid: sid('IG', 7), type: 'sms', address: '+15005550006', autoCreation: { type: 'studio', studioFlowSid: FW_MSG } },
    ],
    listFlexFlows: async () => [],
  };
}

function deps(extra: Partial<InitDeps> = {}): InitDeps {
  return {
    api: api(),
    probe: async () => ({ ok: true, endpoint: 'x', elapsedMs: 12 }),
    validateEndpoint: (u) => void new globalThis.URL(u),
    ...extra,
  };
}

it('--yes accepts what a fresh Flex account has', async () => {
  const r = await decideSetup({ endpointUrl: URL, yes: true }, deps());
  assert.deepStrictEqual(r.setup.workspace, { sid: WS, name: 'Flex Task Assignment' });
  assert.deepStrictEqual(r.setup.workflow, { sid: WW, name: 'Assign to Anyone' });
  assert.deepStrictEqual(r.setup.taskChannel, { sid: TC_CHAT, name: 'chat' });
  assert.strictEqual(r.setup.channelModel, 'conversations');
  assert.deepStrictEqual(r.setup.flow, { name: 'Cognigy Bot Flow' }, 'a new flow by default: patching a live flow is a choice');
  assert.strictEqual(r.setup.escalationKey, 'escalation');
  assert.strictEqual(r.setup.onBotFailure, 'escalate');
  assert.strictEqual(r.entryPoints[0].flow?.name, 'Messaging Flow', 'shows which flow the number starts today');
});

it('flags choose by name or SID; a legacy model defaults to the sms task channel', async () => {
  const r = await decideSetup(
    { endpointUrl: URL, workflow: 'vip', flow: FW_MSG, channelModel: 'legacy', yes: true },
    deps(),
  );
  assert.strictEqual(r.setup.workflow?.sid, WW_OTHER);
  assert.deepStrictEqual(r.setup.flow, { sid: FW_MSG, name: 'Messaging Flow' });
  assert.strictEqual(r.setup.taskChannel?.name, 'sms');
});

it('a flag value the account does not have is an error that lists what exists', async () => {
  await expect(decideSetup({ endpointUrl: URL, workflow: 'Nope', yes: true }, deps())).to.be.rejected.and.eventually.satisfy((e: UsageError) => {
    assert.match(e.message, /No workflow "Nope"/);
    assert.match(e.hint!, /"Assign to Anyone" \(WW/);
    return true;
  });
  await assert.isRejected(decideSetup({ endpointUrl: URL, flow: sid('FW', 99), yes: true }, deps()), /No Studio flow/);
  await assert.isRejected(decideSetup({ endpointUrl: URL, workflow: TC_CHAT, yes: true }, deps()), /not a workflow SID/);
});

it('without a terminal and without --yes, a missing choice names the flag to pass', async () => {
  await expect(decideSetup({ endpointUrl: URL }, deps())).to.be.rejected.and.eventually.satisfy((e: UsageError) => {
    assert.match(e.message, /No TaskRouter workspace chosen/);
    assert.match(e.hint!, /--workspace/);
    return true;
  });
  await expect(decideSetup({}, deps())).to.be.rejected.and.eventually.satisfy((e: UsageError) => /--endpoint-url/.test(e.hint!));
});

it('a failed probe stops init before anything is saved', async () => {
  const d = deps({ probe: async () => ({ ok: false, endpoint: 'https://h/…abcd', elapsedMs: 5, failure: { message: 'answered 500' } }) });
  await assert.isRejected(decideSetup({ endpointUrl: URL, yes: true }, d), /failed the probe: answered 500/);
  const skipped = await decideSetup({ endpointUrl: URL, yes: true, skipProbe: true }, d);
  assert.strictEqual(skipped.probe, undefined);
});

it('the saved setup wins over discovery, flags win over the saved setup', async () => {
  const first = await decideSetup({ endpointUrl: URL, workflow: 'VIP', yes: true }, deps());
  const again = await decideSetup({} as InitInput, deps({ saved: first.setup }));
  assert.deepStrictEqual(again.setup, first.setup, 'a re-run with no flags keeps every answer');
  const changed = await decideSetup({ workflow: 'Assign to Anyone' }, deps({ saved: first.setup }));
  assert.strictEqual(changed.setup.workflow?.sid, WW);
});

it('the wizard offers the discovered defaults', async () => {
  const asked: Question[] = [];
  const ask: Asker = {
    input: async (m) => {
      asked.push(m);
      return ` ${URL} `;
    },
    choose: async (m, choices, d) => {
      asked.push(m);
      return (d ?? choices[0].value) as any;
    },
  };
  const r = await decideSetup({}, deps({ ask }));
  assert.strictEqual(r.setup.endpointUrl, URL, 'the answer is trimmed');
  assert.strictEqual(r.setup.workflow?.name, 'Assign to Anyone');
  assert.deepStrictEqual(r.setup.flow, { name: 'Cognigy Bot Flow' });
  assert.deepStrictEqual(
    asked,
    [{ id: 'endpoint-url' }, { id: 'channel-model' }, { id: 'resource', kind: 'TaskRouter workspace' }, { id: 'resource', kind: 'workflow' }, { id: 'resource', kind: 'task channel' }, { id: 'flow' }],
    'endpoint, channel model, workspace, workflow, task channel, flow',
  );
});

it('an escalation key that could inject Liquid is refused', async () => {
  await assert.isRejected(decideSetup({ endpointUrl: URL, yes: true, escalationKey: 'x}}{{y' }, deps()), /not a data key/);
});

it('the wizard shows the entry points right before it asks for the flow, and only when it asks', async () => {
  const seen: string[] = [];
  const ask: Asker = {
    input: async () => URL,
    choose: async (m, choices, d) => {
      seen.push(questionText(m));
      return (d ?? choices[0].value) as any;
    },
  };
  const showEntryPoints = (points: { address: string; flow?: { name?: string } }[]) =>
    seen.push(...points.map((p) => `entry ${p.address} → ${p.flow?.name}`));
  await decideSetup({}, deps({ ask, showEntryPoints }));
  assert.deepStrictEqual(seen.slice(-2), ['entry +15005550006 → Messaging Flow', 'Which Studio flow should hold the bot loop?']);

  seen.length = 0;
  await decideSetup({ flow: 'Messaging Flow' }, deps({ ask, showEntryPoints }));
  assert.ok(!seen.some((s) => s.startsWith('entry ')), 'no flow question, so nothing to decide with them');
});
