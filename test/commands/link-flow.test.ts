import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { startWorld, secretsIn, startWorldWithSetup, World } from '../helpers/stand-ins';
import type { CliHome } from '../helpers/cli';
import { inProcessHome } from '../helpers/in-process';
import { twilioRequest } from '../helpers/twilio-direct';
import { registerTestSecret } from '../helpers/secrets';

const LOOP_WIDGETS = ['ProcessUserInput', 'CheckEscalation', 'SendUserReply'];
const names = (definition: any) => definition.states.map((s: any) => s.name as string);
/** The Twilio calls a run made, as `METHOD /path` with SIDs shown as their prefix + …. */
const callsSince = (world: World, from: number) =>
  world.fake.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/([A-Z]{2})[0-9a-f]{32}/g, '$1…')}`);

describe('twilio cognigy:link-flow', () => {
  let world: World;
  before(async () => {
    world = await startWorldWithSetup({ inProcess: true });
  });
  after(async () => world?.close());

  const flowsNamed = (name: string) => [...world.fake.state.flows.values()].filter((f) => f.friendly_name === name);
  /** A link-flow run (from the world's HOME, or `home`) with the Twilio calls it made. */
  const linkFlow = async (args: string[], home?: CliHome) => {
    const start = world.fake.requests.length;
    const r = await (home ? home.run(['cognigy:link-flow', ...args], { env: world.env }) : world.run(['cognigy:link-flow', ...args]));
    return { ...r, calls: callsSince(world, start) };
  };

  it('creates the flow, then a re-run writes nothing', async () => {
    const r = await linkFlow(['-o', 'json']);
    assert.deepStrictEqual(r.calls, ['GET /studio/v2/Flows', 'POST /studio/v2/Flows/Validate', 'POST /studio/v2/Flows']);
    assert.strictEqual(r.code, 0, r.all);
    const out = JSON.parse(r.stdout);
    assert.strictEqual(out.action, 'created');
    const [flow] = flowsNamed('Cognigy Bot Flow');
    assert.ok(flow, 'the flow exists in Twilio');
    for (const w of LOOP_WIDGETS) assert.ok(names(flow.definition).includes(w), w);
    assert.strictEqual(flow.status, 'published');
    assert.deepStrictEqual(secretsIn(world, r.all), []);

    const writesBefore = world.fake.writes().length;
    const again = await linkFlow([]);
    assert.deepStrictEqual(again.calls, ['GET /studio/v2/Flows/FW…'], 'the saved setup now knows the SID');
    assert.strictEqual(again.code, 0, again.all);
    assert.match(again.stdout, /Unchanged/);
    assert.strictEqual(world.fake.writes().length, writesBefore + 0, 'no write at all (Validate is not reached either)');
    assert.deepStrictEqual(world.fake.violations, []);
  });

  it('a change shows a diff that ignores offsets, backs up the old definition (0600, no token), then writes', async () => {
    const r = await linkFlow(['--escalation-key', 'handover', '--commit-message', 'key is handover']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(r.calls, ['GET /studio/v2/Flows/FW…', 'POST /studio/v2/Flows/Validate', 'POST /studio/v2/Flows/FW…']);
    assert.match(r.stdout, /Updated/);
    assert.match(r.stdout, /handover/);
    const backup = /Backup of the previous definition: (\S+)/.exec(r.stdout)?.[1];
    assert.ok(backup && fs.existsSync(backup), r.stdout);
    assert.strictEqual(fs.statSync(backup).mode & 0o777, 0o600);
    const saved = fs.readFileSync(backup, 'utf8');
    assert.deepStrictEqual(secretsIn(world, saved), []);
    assert.match(saved, /\$COGNIGY_URL_TOKEN/);
    const [flow] = flowsNamed('Cognigy Bot Flow');
    assert.match(JSON.stringify(flow.definition), /parsed\.data\[\\"handover\\"\]/);
    assert.strictEqual(flow.commit_message, 'key is handover [twilio cognigy:link-flow]', 'the text given, and the mark of link-flow');

    const restore = await world.run(['cognigy:link-flow', '--restore', backup]);
    assert.strictEqual(restore.code, 0, restore.all);
    const [restored] = flowsNamed('Cognigy Bot Flow');
    assert.match(JSON.stringify(restored.definition), /parsed\.data\[\\"escalation\\"\]/);
    assert.ok(JSON.stringify(restored.definition).includes(world.bot.token), 'the token is filled back in');
    assert.match(restore.stdout, /the setup is unchanged/, 'a restore says the next plain run builds from the setup again');
    assert.deepStrictEqual(secretsIn(world, restore.all), []);
    // The setup kept --escalation-key handover; saying the key again makes it hold what is deployed.
    const key = await world.run(['cognigy:link-flow', '--escalation-key', 'escalation']);
    assert.strictEqual(key.code, 0, key.all);
    assert.match(key.stdout, /Unchanged/);
    assert.match(key.stdout, /Saved to the setup, so the next runs and test-chat use what is deployed: escalation key escalation \(was handover\)/);
  });

  it('an edit made in the Console since the last deploy stops link-flow unless --force', async () => {
    const [flow] = flowsNamed('Cognigy Bot Flow');
    const edited = JSON.parse(JSON.stringify(flow.definition));
    edited.description = 'edited in the Console';
    await twilioRequest(world, 'POST', `/studio/v2/Flows/${flow.sid}`, { Status: 'published', Definition: JSON.stringify(edited) });
    const writes = world.fake.writes().length;
    const r = await world.run(['cognigy:link-flow', '--on-bot-failure', 'end']);
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /changed in Twilio since link-flow last deployed it/);
    assert.match(r.stderr, /--force/);
    assert.strictEqual(world.fake.writes().length, writes, 'nothing written');

    // A dry run is not refused: it shows what --force would overwrite, and the warning.
    const dry = await linkFlow(['--on-bot-failure', 'end', '--dry-run']);
    assert.strictEqual(dry.code, 0, dry.all);
    assert.match(dry.stdout, /Would update/);
    assert.match(dry.stdout, /Changes \(canvas positions ignored\):\n[\s\S]*~ SendBotFailureMessage transitions\.sent/, 'the diff of what it would write');
    assert.match(dry.stderr, /was changed in Twilio since link-flow last deployed it \(revision \d+, now \d+\): a real run stops here; --force/);
    assert.strictEqual(world.fake.writes().length, writes + 1, 'nothing written but the Validate check');
    assert.deepStrictEqual(dry.calls, ['GET /studio/v2/Flows/FW…', 'POST /studio/v2/Flows/Validate']);

    const forced = await world.run(['cognigy:link-flow', '--on-bot-failure', 'end', '--force']);
    assert.strictEqual(forced.code, 0, forced.all);
    assert.match(forced.stdout, /Updated/);
  });

  it('a flag that changed the deployed flow is saved to the setup, so the next plain run keeps it', async () => {
    const setupFile = path.join(world.cli.configDir, 'plugins', 'twilio-plugin-cognigy', 'setup.json');
    const savedSetup = () => Object.values(JSON.parse(fs.readFileSync(setupFile, 'utf8')).accounts as Record<string, any>)[0].setup;
    // The previous test deployed --on-bot-failure end.
    assert.strictEqual(savedSetup().onBotFailure, 'end');
    const plain = await linkFlow([]);
    assert.strictEqual(plain.code, 0, plain.all);
    assert.match(plain.stdout, /Unchanged/, 'the plain run does not revert the override');
    assert.deepStrictEqual(plain.calls, ['GET /studio/v2/Flows/FW…']);

    const back = await linkFlow(['--on-bot-failure', 'escalate']);
    assert.strictEqual(back.code, 0, back.all);
    assert.match(back.stdout, /Saved to the setup, so the next runs and test-chat use what is deployed: on bot failure escalate \(was end\)\./);
    assert.strictEqual(savedSetup().onBotFailure, 'escalate');
    // test-chat runs the setup's flow: a failing bot now hands over, as the deployed flow does.
    world.bot.setBehaviour(() => ({ status: 500, body: { error: 'boom' } }));
    try {
      const chat = await world.run(['cognigy:test-chat', '-m', 'hi', '-o', 'json']);
      const report = JSON.parse(chat.stdout);
      assert.strictEqual(report.handedOver, true, chat.all);
    } finally {
      world.bot.setBehaviour((await import('../stand-ins/cognigy-scripted')).scriptedBehaviour);
    }
    // A dry run saves nothing.
    const dry = await linkFlow(['--on-bot-failure', 'end', '--dry-run']);
    assert.strictEqual(dry.code, 0, dry.all);
    assert.notMatch(dry.stdout, /Saved to the setup/);
    assert.strictEqual(savedSetup().onBotFailure, 'escalate');
    assert.deepStrictEqual(secretsIn(world, plain.all + back.all + dry.all), []);
  });

  it('a fresh HOME (CI) still notices a Console edit, from the flow\'s own commit messages', async () => {
    const [flow] = flowsNamed('Cognigy Bot Flow');
    const edited = JSON.parse(JSON.stringify(flow.definition));
    // A change to the loop itself, which link-flow would overwrite.
    edited.states.find((s: any) => s.name === 'SendUserReply').properties.timeout = '60';
    await twilioRequest(world, 'POST', `/studio/v2/Flows/${flow.sid}`, { Status: 'published', Definition: JSON.stringify(edited) });
    const ci = await inProcessHome();
    try {
      const seeded = world.fake.state.seeded!;
      const target = ['--endpoint-url', world.bot.url, '--flow', flow.sid, '--workflow', seeded.workflowSid, '--task-channel', seeded.taskChannels.chat];
      const run = (args: string[]) => linkFlow([...target, ...args], ci);
      const writes = world.fake.writes().length;
      const r = await run(['--on-bot-failure', 'end']);
      assert.notStrictEqual(r.code, 0, r.all);
      assert.match(r.stderr, /changed in Twilio since link-flow last deployed it/);
      assert.match(r.stderr, /--force/);
      assert.strictEqual(world.fake.writes().length, writes, 'nothing written');
      // No local record: the latest revision has no mark, so one look at the revisions.
      assert.deepStrictEqual(r.calls, ['GET /studio/v2/Flows/FW…', 'GET /studio/v2/Flows/FW…/Revisions']);
      const forced = await run(['--on-bot-failure', 'end', '--force']);
      assert.strictEqual(forced.code, 0, forced.all);
      assert.match(forced.stdout, /Updated/);
      assert.deepStrictEqual(secretsIn(world, r.all + forced.all), []);
    } finally {
      ci.cleanup();
    }
    // The first HOME's record is now behind, but link-flow wrote the latest revision: no refusal.
    const back = await linkFlow([]);
    assert.strictEqual(back.code, 0, back.all);
    assert.deepStrictEqual(back.calls, ['GET /studio/v2/Flows/FW…', 'POST /studio/v2/Flows/Validate', 'POST /studio/v2/Flows/FW…']);
  });

  it('--dry-run -o json prints the definition and writes nothing; --out, --print and --diagram', async () => {
    const writes = world.fake.writes().length;
    const out = path.join(world.cli.home, 'flow.json');
    const r = await linkFlow(['--dry-run', '-o', 'json', '--on-bot-failure', 'escalate', '--out', out]);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(r.calls, ['GET /studio/v2/Flows/FW…'], 'nothing changed: the read alone');
    const built = JSON.parse(r.stdout);
    assert.strictEqual(built.initial_state, 'Trigger');
    assert.deepStrictEqual(secretsIn(world, r.stdout), []);
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(out, 'utf8')), built);
    const posts = world.fake.writes().slice(writes).map((w) => w.path);
    assert.ok(posts.every((p) => p.endsWith('/Flows/Validate')), `only Studio's check was called: ${posts.join(', ')}`);

    // Unchanged, with --out: the summary and the file, not the whole definition, and no contradiction.
    const quiet = await linkFlow(['--dry-run', '--out', out]);
    assert.strictEqual(quiet.code, 0, quiet.all);
    assert.match(quiet.stdout, /Unchanged/);
    assert.match(quiet.stdout, /Definition written to .*flow\.json/);
    assert.match(quiet.stdout, /Dry run: nothing was deployed or changed in Twilio\./);
    assert.notMatch(quiet.stdout, /"initial_state"/, 'the definition only when asked');
    assert.notMatch(quiet.stdout, /nothing was written\b(?! to Twilio)/);
    assert.ok(quiet.stdout.trim().split('\n').length <= 4, quiet.stdout);

    const d = await linkFlow(['--dry-run', '--diagram', '--print', '--on-bot-failure', 'end']);
    assert.strictEqual(d.code, 0, d.all);
    assert.deepStrictEqual(d.calls, ['GET /studio/v2/Flows/FW…', 'POST /studio/v2/Flows/Validate'], 'the read, and Validate since something changed');
    const definition = JSON.parse((await world.run(['cognigy:link-flow', '--dry-run', '-o', 'json', '--on-bot-failure', 'end'])).stdout);
    assert.match(d.stdout, /flowchart TD/);
    assert.match(d.stdout, /ProcessUserInput/);
    // With --print the definition follows the summary, pretty-printed, before the diagram.
    const shown = /Dry run: nothing was deployed or changed in Twilio\.\n(\{\n[\s\S]*?\n\})\n/.exec(d.stdout)?.[1];
    assert.ok(shown, d.stdout);
    assert.deepStrictEqual(JSON.parse(shown), definition);
    assert.ok(d.stdout.indexOf('flowchart TD') > d.stdout.indexOf(shown), 'the diagram comes last');
    assert.deepStrictEqual(secretsIn(world, d.stdout), []);
  });

  it('a malformed --flex-flow says what is wrong with it; refused credentials are named', async () => {
    const wrongToken = 'e'.repeat(32);
    registerTestSecret(wrongToken);
    const refused = await world.run(['cognigy:link-flow', '--dry-run'], { env: { TWILIO_AUTH_TOKEN: wrongToken } });
    assert.strictEqual(refused.code, 20, refused.all);
    assert.match(refused.stderr, /Twilio refused the credentials \(error 20003, Authenticate\): TWILIO_ACCOUNT_SID AC\w+ with TWILIO_AUTH_TOKEN/);
    assert.notMatch(refused.all, /regional/i);

    const bad = await world.run(['cognigy:link-flow', '--flex-flow', 'FO123', '--dry-run']);
    assert.strictEqual(bad.code, 2, bad.all);
    assert.match(bad.stderr, /--flex-flow "FO123" is not a Flex Flow SID: it has 3 hex digits after FO, not 32\./);
    assert.notMatch(bad.stderr, /start with FO/);
    const wrong = await world.run(['cognigy:link-flow', '--flex-flow', `FW${'0'.repeat(32)}`, '--dry-run']);
    assert.match(wrong.stderr, /it does not start with FO/);
  });

  it('patches "Messaging Flow" for legacy messaging, keeping every other widget as it was', async () => {
    const seeded = world.fake.state.seeded!;
    const before = JSON.parse(JSON.stringify(world.fake.state.flows.get(seeded.messagingFlowSid)!.definition));
    const r = await linkFlow(['--flow', 'Messaging Flow', '--channel-model', 'legacy', '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(r.calls, [
      'GET /studio/v2/Flows',
      'GET /studio/v2/Flows/FW…',
      // Never deployed by link-flow, from no HOME: the revisions say so before the first patch.
      'GET /studio/v2/Flows/FW…/Revisions',
      'POST /studio/v2/Flows/Validate',
      'POST /studio/v2/Flows/FW…',
    ]);
    assert.strictEqual(JSON.parse(r.stdout).action, 'updated');
    const after = world.fake.state.flows.get(seeded.messagingFlowSid)!.definition;
    for (const w of LOOP_WIDGETS) assert.ok(names(after).includes(w), w);
    for (const state of before.states) {
      if (state.type === 'trigger') continue;
      const now = after.states.find((s: any) => s.name === state.name);
      assert.ok(now, `${state.name} kept`);
      if (state.type !== 'send-to-flex') assert.deepStrictEqual(now, state, `${state.name} unchanged`);
    }
    const again = await world.run(['cognigy:link-flow', '--flow', 'Messaging Flow', '--channel-model', 'legacy']);
    assert.match(again.stdout, /Unchanged/, 'patching a patched flow changes nothing');
    assert.notMatch(again.stderr, /keeps its own routing/, 'the same routing as the setup: nothing to say');

    // Another task channel than the flow's own: the send-to-flex keeps its routing, and link-flow says so.
    const toFlex = before.states.find((s: any) => s.type === 'send-to-flex');
    const other = Object.values(seeded.taskChannels).find((sid) => sid !== toFlex.properties.channel)!;
    const own = await linkFlow(['--flow', 'Messaging Flow', '--channel-model', 'legacy', '--task-channel', other, '-o', 'json']);
    assert.strictEqual(own.code, 0, own.all);
    const message = `"${toFlex.name}" keeps its own routing (workflow ${toFlex.properties.workflow}, channel ${toFlex.properties.channel}), not the setup's.`;
    assert.deepStrictEqual(JSON.parse(own.stdout).patchWarnings, [
      { code: 'own-routing', widget: toFlex.name, workflow: toFlex.properties.workflow, channel: toFlex.properties.channel, message },
    ]);
    assert.ok(own.stderr.includes(message), own.stderr);
    const kept = world.fake.state.flows.get(seeded.messagingFlowSid)!.definition.states.find((s: any) => s.name === toFlex.name);
    assert.strictEqual(kept.properties.channel, toFlex.properties.channel, 'the routing was kept, as said');
  });

  it('a flow whose kept widgets Studio would reject is refused before any write, each finding in words (and in -o json with its code)', async () => {
    const seeded = world.fake.state.seeded!;
    const flow = world.fake.state.flows.get(seeded.messagingFlowSid)!;
    const before = JSON.parse(JSON.stringify(flow.definition));
    const broken = JSON.parse(JSON.stringify(before));
    // A widget of the customer's own, kept by the patch, that leads nowhere.
    const kept = { name: 'SayBye', type: 'send-message', properties: { body: 'Bye', offset: { x: 0, y: 600 } }, transitions: [{ event: 'sent', next: 'Nowhere' }, { event: 'failed' }] };
    broken.states.push(kept);
    flow.definition = broken;
    try {
      const start = world.fake.requests.length;
      const r = await linkFlow(['--flow', 'Messaging Flow', '--channel-model', 'legacy']);
      assert.strictEqual(r.code, 1, r.all);
      assert.ok(r.stderr.includes(` » The flow has 1 problem:\n  ${kept.name}.transitions[0]: next "Nowhere" names no widget of the flow\n   Nothing was written.\n`), r.stderr);
      assert.ok(!callsSince(world, start).some((c) => c.startsWith('POST')), 'nothing written');
      const json = await linkFlow(['--flow', 'Messaging Flow', '--channel-model', 'legacy', '-o', 'json']);
      assert.strictEqual(json.code, 1, json.all);
      const payload = JSON.parse(json.stdout).error;
      assert.deepStrictEqual(
        [payload.code, payload.errors.map((e: any) => [e.code, e.widget, e.property, e.next, e.message])],
        ['flow-lint', [['next-unknown', kept.name, 'transitions[0]', 'Nowhere', 'next "Nowhere" names no widget of the flow']]],
      );
    } finally {
      flow.definition = before;
    }
  });

  it('--workflow/--task-channel by name cost the workspace lookups; SIDs cost nothing', async () => {
    const seeded = world.fake.state.seeded!;
    const r = await linkFlow(['--dry-run', '--workflow', 'Assign to Anyone', '--task-channel', 'chat', '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(r.calls, [
      'GET /taskrouter/v1/Workspaces',
      'GET /taskrouter/v1/Workspaces/WS…/Workflows',
      'GET /taskrouter/v1/Workspaces/WS…/TaskChannels',
      'GET /studio/v2/Flows/FW…',
    ]);
    const s = await linkFlow(['--dry-run', '--workflow', seeded.workflowSid, '--task-channel', seeded.taskChannels.chat, '-o', 'json']);
    assert.strictEqual(s.code, 0, s.all);
    assert.deepStrictEqual(s.calls, ['GET /studio/v2/Flows/FW…']);
  });

  it('points a Conversations address and a legacy Flex Flow at the flow, once', async () => {
    const seeded = world.fake.state.seeded!;
    const r = await linkFlow(['--address', seeded.phoneNumber, '--flex-flow', seeded.flexFlowSid]);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stdout, /now starts the flow "Cognigy Bot Flow"/);
    // Names where Twilio gave them, beside the SIDs.
    const flexFlowName = world.fake.state.flexFlows.get(seeded.flexFlowSid)!.friendly_name;
    assert.ok(r.stdout.includes(`Flex Flow "${flexFlowName}" (${seeded.flexFlowSid}) now starts the flow "Cognigy Bot Flow"`), r.stdout);
    assert.deepStrictEqual(r.calls, [
      'GET /studio/v2/Flows/FW…',
      'GET /conversations/v1/Configuration/Addresses',
      'POST /conversations/v1/Configuration/Addresses/IG…',
      'GET /flex-api/v1/FlexFlows/FO…',
      'POST /flex-api/v1/FlexFlows/FO…',
    ]);
    const [flow] = flowsNamed('Cognigy Bot Flow');
    const address = await twilioRequest(world, 'GET', `/conversations/v1/Configuration/Addresses/${seeded.addressConfigurationSid}`);
    assert.strictEqual(address.auto_creation.studio_flow_sid, flow.sid);
    assert.strictEqual(address.auto_creation.type, 'studio');
    const flexFlow = await twilioRequest(world, 'GET', `/flex-api/v1/FlexFlows/${seeded.flexFlowSid}`);
    assert.strictEqual(flexFlow.integration.flow_sid, flow.sid);
    const writes = world.fake.writes().length;
    const again = await linkFlow(['--address', seeded.phoneNumber, '--flex-flow', seeded.flexFlowSid]);
    assert.strictEqual(again.code, 0, again.all);
    assert.match(again.stdout, /already starts the flow/);
    assert.strictEqual(world.fake.writes().length, writes);
    assert.deepStrictEqual(again.calls, ['GET /studio/v2/Flows/FW…', 'GET /conversations/v1/Configuration/Addresses', 'GET /flex-api/v1/FlexFlows/FO…']);
    const bad = await world.run(['cognigy:link-flow', '--address', '+19999999999']);
    assert.notStrictEqual(bad.code, 0);
    assert.match(bad.stderr, /No Conversations address configuration for "\+19999999999"[\s\S]*\+15005550006/);
    assert.deepStrictEqual(world.fake.violations, []);
  });

  it('--new-flow with --status draft, --test-mode, --request-format json and the routing by name: a draft whose bot call is a JSON POST to /test/', async () => {
    const seeded = world.fake.state.seeded!;
    const r = await linkFlow([
      '--new-flow', 'Draft Flow', '--status', 'draft', '--test-mode', '--request-format', 'json',
      '--workspace', 'Flex Task Assignment', '--workflow', 'Assign to Anyone', '--task-channel', 'sms', '-o', 'json',
    ]);
    assert.strictEqual(r.code, 0, r.all);
    assert.strictEqual(JSON.parse(r.stdout).action, 'created');
    const flows = flowsNamed('Draft Flow');
    assert.strictEqual(flows.length, 1);
    assert.strictEqual(flows[0].status, 'draft');
    const call = flows[0].definition.states.find((st: any) => st.name === 'ProcessUserInput').properties;
    assert.strictEqual(call.content_type, 'application/json;charset=utf-8');
    assert.ok(call.url.endsWith(`/test/${world.bot.token}`), 'test mode: the /test/ path');
    const toFlex = flows[0].definition.states.find((st: any) => st.type === 'send-to-flex').properties;
    assert.strictEqual(toFlex.workflow, seeded.workflowSid);
    assert.strictEqual(toFlex.channel, seeded.taskChannels.sms);
    assert.deepStrictEqual(secretsIn(world, r.stdout), []);
    assert.deepStrictEqual(world.fake.violations, []);
  });
});

describe('link-flow with 30% of Twilio calls failing', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ inProcess: true });
  });
  after(async () => world?.close());

  it('init + link-flow still end with exactly one flow holding the loop', async () => {
    world.fake.faults.add({ kind: 'succeed-then-503', method: 'POST', path: /\/v2\/Flows$/, times: 1 });
    world.fake.faults.add({ kind: '429', retryAfter: 0, probability: 0.15 });
    world.fake.faults.add({ kind: '503', probability: 0.1 });
    world.fake.faults.add({ kind: 'succeed-then-503', method: 'POST', probability: 0.05 });
    const init = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--yes']);
    assert.strictEqual(init.code, 0, init.all);
    // -l debug: cli-core logs every form body, the flow definition (and its URL) included.
    let link = await world.run(['cognigy:link-flow', '-l', 'debug']);
    assert.match(link.stderr, /Form data/);
    // A run may stop with a clear message that a re-run is safe; the re-run must finish the job.
    for (let i = 0; i < 3 && link.code !== 0; i++) {
      assert.match(link.stderr, /safe|again/i, link.all);
      link = await world.run(['cognigy:link-flow']);
    }
    assert.strictEqual(link.code, 0, link.all);
    const flows = [...world.fake.state.flows.values()].filter((f) => f.friendly_name === 'Cognigy Bot Flow');
    assert.strictEqual(flows.length, 1, 'exactly one flow');
    assert.ok(names(flows[0].definition).includes('ProcessUserInput'));
    assert.ok(world.fake.faults.fired.length > 0, 'faults did fire');
    assert.deepStrictEqual(world.fake.violations, []);
  });
});
