import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import { startWorldWithSetup, secretsIn, World } from '../helpers/stand-ins';
import type { CliResult } from '../helpers/cli';
import { registerTestSecret } from '../helpers/secrets';

/**
 * test-chat on what the account holds, run in-process against the Twilio fake: the
 * default flow built from the setup `init` saved (no --endpoint-url), and a deployed flow
 * picked by its name (--flow NAME).
 */
interface Report {
  endpoint: string;
  transcript: { from: 'customer' | 'bot' | 'system'; text: string; kind?: string }[];
  handedOver: boolean;
  handover: null | { workflow: string; channel: string; attributes?: any };
  ended: string | null;
}

/** `code` 1: the run had a problem, such as a failed bot call (issue 14), and still reports the conversation. */
const parse = (r: CliResult, code = 0): Report => {
  assert.strictEqual(r.code, code, r.all);
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.all}`);
  }
};
const botSaid = (out: Report) => out.transcript.filter((e) => e.from === 'bot').map((e) => e.text);

describe('twilio cognigy:test-chat on the saved setup and on a deployed flow', () => {
  let world: World;
  before(async () => {
    world = await startWorldWithSetup({ inProcess: true });
  });
  after(async () => world?.close());

  const chat = (args: string[], env: Record<string, string | undefined> = {}) => world.run(['cognigy:test-chat', ...args, '-o', 'json'], { env });

  it('with no --endpoint-url the flow is built from the saved setup: its bot, workflow and task channel', async () => {
    const first = world.bot.requests.length;
    // No COGNIGY_ENDPOINT_URL either: the endpoint can only come from the saved setup.
    const r = await chat(['-m', 'hi'], { COGNIGY_ENDPOINT_URL: undefined });
    const out = parse(r);
    assert.deepStrictEqual(botSaid(out), ['You said: hi']);
    assert.strictEqual(world.bot.requests.length, first + 1, 'the saved bot was called once');
    assert.strictEqual((world.bot.requests.at(-1)!.body as any).text, 'hi');
    assert.match(out.endpoint, new RegExp(`^http://127\\.0\\.0\\.1:\\d+/…${world.bot.token.slice(-4)}$`));
    assert.deepStrictEqual(secretsIn(world, r.all), []);

    const seeded = world.fake.state.seeded!;
    const handover = parse(await chat(['-m', 'hi', '-m', 'escalate-bool'], { COGNIGY_ENDPOINT_URL: undefined }));
    assert.strictEqual(handover.handedOver, true);
    assert.strictEqual(handover.handover!.workflow, seeded.workflowSid, 'the saved workflow, not a placeholder');
    assert.strictEqual(handover.handover!.channel, seeded.taskChannels.chat, 'the saved task channel (chat for Flex Conversations)');
    assert.deepStrictEqual(world.fake.violations, []);
  });

  it('--flow with refused credentials names them, as init and link-flow do', async () => {
    const wrongToken = 'c'.repeat(32);
    registerTestSecret(wrongToken);
    const r = await world.run(['cognigy:test-chat', '--flow', 'Messaging Flow', '-m', 'hi'], { env: { TWILIO_AUTH_TOKEN: wrongToken } });
    assert.strictEqual(r.code, 20, r.all);
    assert.match(r.stderr, /Twilio refused the credentials \(error 20003, Authenticate\): TWILIO_ACCOUNT_SID AC\w+ with TWILIO_AUTH_TOKEN/);
    assert.notMatch(r.all, /regional/i);
    assert.deepStrictEqual(secretsIn(world, r.all), []);
  });

  it('a hand-over names the workflow and task channel as init found them, beside their SIDs', async () => {
    const seeded = world.fake.state.seeded!;
    const text = await world.run(['cognigy:test-chat', '-m', 'hi', '-m', 'escalate-bool'], { env: { COGNIGY_ENDPOINT_URL: undefined } });
    assert.strictEqual(text.code, 0, text.all);
    assert.ok(
      text.stdout.includes(`Handed over to Flex: workflow "Assign to Anyone" (${seeded.workflowSid}), task channel "chat" (${seeded.taskChannels.chat}).`),
      text.stdout,
    );
    assert.match(text.stdout, new RegExp(`workflow {6}"Assign to Anyone" \\(${seeded.workflowSid}\\)`));
    const json = parse(await chat(['-m', 'hi', '-m', 'escalate-bool'], { COGNIGY_ENDPOINT_URL: undefined }));
    assert.strictEqual(json.handover!.workflow, seeded.workflowSid, 'JSON keeps the SID');
  });

  it('--flow NAME runs the flow deployed under that name, not the one the setup would build', async () => {
    // Deployed with a bot failure that ends the chat; the saved setup says hand over (with
    // --new-flow the flag is for that flow only, so link-flow does not save it to the setup).
    const link = await world.run(['cognigy:link-flow', '--new-flow', 'Cognigy Bot Flow', '--on-bot-failure', 'end']);
    assert.strictEqual(link.code, 0, link.all);
    const deployed = [...world.fake.state.flows.values()].find((f) => f.friendly_name === 'Cognigy Bot Flow');
    assert.ok(deployed, 'link-flow deployed "Cognigy Bot Flow"');

    const reads = world.fake.requests.length;
    const out = parse(await chat(['--flow', 'Cognigy Bot Flow', '-m', 'hi', '-m', 'status:500']), 1);
    assert.deepStrictEqual(botSaid(out), ['You said: hi', 'Sorry, our assistant is unavailable. Please try again later.']);
    assert.strictEqual(out.handedOver, false);
    assert.strictEqual(out.ended, 'flow-ended');
    const paths = world.fake.requests.slice(reads).map((q) => `${q.method} ${q.path}`);
    assert.ok(paths.includes('GET /studio/v2/Flows'), `the flow was looked up by name: ${paths.join(', ')}`);
    assert.ok(paths.every((p) => p.startsWith('GET ')), `nothing written: ${paths.join(', ')}`);

    const built = parse(await chat(['-m', 'hi', '-m', 'status:500']), 1);
    assert.strictEqual(built.handedOver, true, 'without --flow the saved setup still hands over');

    const missing = await world.run(['cognigy:test-chat', '--flow', 'No Such Flow', '-m', 'hi']);
    assert.notStrictEqual(missing.code, 0, missing.all);
    assert.match(missing.stderr, /No Such Flow/);
    assert.match(missing.stderr, /Cognigy Bot Flow/, 'the error lists the flows that exist');
    assert.deepStrictEqual(world.fake.violations, []);
  });
});
