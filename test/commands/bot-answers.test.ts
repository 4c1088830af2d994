import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBotServer, BotServer, cognigyAnswer } from '../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../stand-ins/cognigy-scripted';
import { CliResult } from '../helpers/cli';
import { registerTestSecret } from '../helpers/secrets';
import { startWorld, secretsIn, World } from '../helpers/stand-ins';

/**
 * What the customer gets from the deployed flow, and whether Cognigy can read what it
 * sends, run in-process against stand-ins held to Cognigy's REST endpoint
 * reference (docs/platform-facts.md, "Cognigy REST endpoint"): an escalation flag on an
 * earlier output, a media-only message, an endpoint that refuses form bodies, an answer an
 * Execution Finished transformer reshaped, test mode in a published flow, and Cognigy's
 * Handover to Agent node on a REST endpoint.
 */
interface Report {
  transcript: { from: string; text: string; kind?: string }[];
  handedOver: boolean;
  problems: { kind: string; message: string; hint?: string; answer?: Record<string, unknown> }[];
}

describe('what the customer gets, and what Cognigy can read', () => {
  let world: World;
  /** An endpoint that reads JSON only: form bodies get 415, as a JSON-only endpoint would answer. */
  let jsonOnly: BotServer;

  before(async () => {
    world = await startWorld({ inProcess: true });
    jsonOnly = await startBotServer({ behaviour: scriptedBehaviour, acceptForm: false });
    registerTestSecret(jsonOnly.token);
  });
  after(async () => {
    await jsonOnly?.close();
    await world?.close();
  });

  const parse = (r: CliResult): Report => {
    try {
      return JSON.parse(r.stdout);
    } catch {
      throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.all}`);
    }
  };
  const chat = (url: string, messages: string[], extra: string[] = []) =>
    world.run(['cognigy:test-chat', '--endpoint-url', url, ...messages.flatMap((m) => ['-m', m]), '-o', 'json', ...extra]);
  const said = (out: Report) => out.transcript.filter((e) => e.from === 'bot').map((e) => e.text);

  it('a flag on an earlier output hands over, though the top-level data and the last output lack it', async () => {
    const r = await chat(world.bot.url, ['escalate-early'], ['--request-format', 'form']);
    assert.strictEqual(r.code, 0, r.all);
    const out = parse(r);
    assert.strictEqual(out.handedOver, true, 'the flow saw the flag on output 1');
    assert.deepStrictEqual(said(out), ['Let me connect you to a human agent. Please hold on.']);
  });

  it('the agent reads what the customer last received, also when the answer was quick replies with an empty text', async () => {
    const r = await chat(world.bot.url, ['escalate-quick']);
    assert.strictEqual(r.code, 0, r.all);
    const out = parse(r) as Report & { handover: { attributes: { cognigy: { lastAnswer: string } } } };
    assert.strictEqual(out.handedOver, true);
    assert.match(said(out)[0], /^An agent will take over\. Anything to add\?/);
    assert.strictEqual(out.handover.attributes.cognigy.lastAnswer, said(out)[0], 'lastAnswer is the text the customer got, not the empty parsed.text');
    assert.deepStrictEqual(secretsIn(world, r.all), []);
  });

  it('a flag the flow cannot see (output 16, past Studio\'s 15-iteration loops) fails the run and says why', async () => {
    world.bot.setBehaviour((req) => {
      const outputs = Array.from({ length: 16 }, (_, i) => ({ text: `Part ${i + 1}.`, data: i === 15 ? { escalation: true } : {} }));
      const answer = cognigyAnswer(outputs, req.userId, req.sessionId);
      return { status: 200, body: { ...answer, data: {} } };
    });
    try {
      const r = await chat(world.bot.url, ['tell me everything']);
      assert.strictEqual(r.code, 1, r.all);
      const out = parse(r);
      assert.strictEqual(out.handedOver, false);
      assert.match(out.problems[0].message, /asked for an agent \(escalation\) past the first 15 outputs.*\(output 16\), so the flow did not hand over/);
      assert.match(r.stderr, /past the first 15 outputs/);
    } finally {
      world.bot.setBehaviour(scriptedBehaviour);
    }
  });

  it('a media-only message (empty Body) reaches the bot as [media]', async () => {
    const first = world.bot.requests.length;
    const r = await chat(world.bot.url, ['', 'and a text'], ['--request-format', 'form']);
    assert.strictEqual(r.code, 0, r.all);
    const [media, text] = world.bot.requests.slice(first).map((q) => q.body as { text: string; data: Record<string, string> });
    assert.strictEqual(media.text, '[media]');
    assert.strictEqual(media.data.channel, 'twilio-conversations');
    assert.strictEqual(text.text, 'and a text', 'the next message is the customer\'s own text');
    assert.deepStrictEqual(said(parse(r)), ['You said: [media]', 'You said: and a text']);
  });

  it('legacy messaging: an image without text reaches the bot as [media] with its URL in data.media', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'media-convo-'));
    try {
      fs.writeFileSync(path.join(dir, 'media.convo.txt'), 'Media only\n\n#me\nMEDIA https://media.example/cat.jpg\n\n#bot\nYou said: [media]\n');
      const first = world.bot.requests.length;
      const r = await world.run(['cognigy:test-chat', '--script', dir, '--endpoint-url', world.bot.url, '--channel-model', 'legacy', '--request-format', 'form']);
      assert.strictEqual(r.code, 0, r.all);
      const [request] = world.bot.requests.slice(first).map((q) => q.body as { text: string; data: Record<string, string> });
      assert.strictEqual(request.text, '[media]');
      assert.strictEqual(request.data.media, 'https://media.example/cat.jpg');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an endpoint that refuses form bodies is caught by init, and works with --request-format json', async () => {
    const first = jsonOnly.requests.length;
    const refused = await world.run(['cognigy:init', '--endpoint-url', jsonOnly.url]);
    assert.strictEqual(refused.code, 1, refused.all);
    assert.match(refused.stderr, /refused the form-encoded body the flow sends \(.*status 415.*\), but answered the same message as JSON/);
    assert.match(refused.stderr, /--request-format json/);
    const [form, json] = jsonOnly.requests.slice(first);
    assert.strictEqual(form.contentType, 'application/x-www-form-urlencoded;charset=utf-8', 'the probe sends what the Studio widget sends');
    assert.deepStrictEqual([...new URLSearchParams(form.rawBody).keys()], ['userId', 'sessionId', 'text', 'data[channel]', 'data[twilioNumber]']);
    assert.strictEqual(json.contentType, 'application/json;charset=utf-8');
    assert.deepStrictEqual(Object.keys(JSON.parse(json.rawBody)), ['userId', 'sessionId', 'text', 'data']);

    const explicit = await world.run(['cognigy:init', '--endpoint-url', jsonOnly.url, '--request-format', 'form', '--yes']);
    assert.strictEqual(explicit.code, 1, 'asked for form, form is refused: no silent switch');

    const accepted = await world.run(['cognigy:init', '--endpoint-url', jsonOnly.url, '--yes', '-o', 'json']);
    assert.strictEqual(accepted.code, 0, accepted.all);
    const init = JSON.parse(accepted.stdout);
    assert.strictEqual(init.setup.requestFormat, 'json');
    assert.strictEqual(init.probe.ok, true);
    assert.match(init.probe.warning, /refused the form-encoded body and answered JSON/);
    assert.deepStrictEqual(secretsIn(world, accepted.all), []);

    const dry = await world.run(['cognigy:link-flow', '--dry-run', '-o', 'json']);
    assert.strictEqual(dry.code, 0, dry.all);
    const callBot = JSON.parse(dry.stdout).states.find((s: any) => s.name === 'ProcessUserInput').properties;
    assert.strictEqual(callBot.content_type, 'application/json;charset=utf-8');
    assert.strictEqual(callBot.parameters, undefined);
    assert.match(callBot.body, /"text": \{\{flow\.variables\.text \| default: '' \| to_json\}\}/);
    const deployed = await world.run(['cognigy:link-flow']);
    assert.strictEqual(deployed.code, 0, deployed.all);
    const [flow] = [...world.fake.state.flows.values()].filter((f) => f.friendly_name === 'Cognigy Bot Flow');
    assert.strictEqual(flow.definition.states.find((s: any) => s.name === 'ProcessUserInput').properties.content_type, 'application/json;charset=utf-8');

    // Whatever the customer types, the JSON body stays JSON and the bot gets it byte for byte.
    const tricky = 'He said "hi" \\ then\nleft\ttab } {{ not liquid }}';
    const r = await world.run(['cognigy:test-chat', '-m', tricky, '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(said(parse(r)), [`You said: ${tricky}`]);
    const asForm = await world.run(['cognigy:test-chat', '-m', 'hi', '--request-format', 'form', '-o', 'json']);
    assert.ok(parse(asForm).transcript.some((e) => e.kind === 'bot-failure' && /415/.test(e.text)), asForm.stdout);
  });

  it('an answer an Execution Finished transformer reshaped (text, no outputStack) is a warning, and its text is sent', async () => {
    world.bot.setBehaviour(() => ({ status: 200, body: { text: 'Reshaped by a transformer.', data: {} } }));
    try {
      const r = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--request-format', 'form', '--yes']);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stderr, /without an outputStack \(an Execution Finished transformer may reshape the answer\)/);
      const out = parse(await chat(world.bot.url, ['hello']));
      assert.deepStrictEqual(said(out), ['Reshaped by a transformer.']);
    } finally {
      world.bot.setBehaviour(scriptedBehaviour);
    }
  });

  it('test mode in a published flow needs --force; a draft or --force deploys it with a warning', async () => {
    const refused = await world.run(['cognigy:link-flow', '--test-mode']);
    assert.strictEqual(refused.code, 2, refused.all);
    assert.match(refused.stderr, /Test mode in a published flow/);
    assert.match(refused.stderr, /--no-test-mode|--force/);
    const draft = await world.run(['cognigy:link-flow', '--test-mode', '--status', 'draft']);
    assert.strictEqual(draft.code, 0, draft.all);
    assert.match(draft.stderr, /Draft in test mode/);
    const forced = await world.run(['cognigy:link-flow', '--test-mode', '--force']);
    assert.strictEqual(forced.code, 0, forced.all);
    assert.match(forced.stderr, /Published in test mode/);
    const [flow] = [...world.fake.state.flows.values()].filter((f) => f.friendly_name === 'Cognigy Bot Flow');
    assert.match(flow.definition.states.find((s: any) => s.name === 'ProcessUserInput').properties.url, /\/test\//);
  });

  it("Cognigy's Handover to Agent node on a REST endpoint: test-chat says no agent comes, and fails the run", async () => {
    const r = await chat(world.bot.url, ['handover-node']);
    assert.strictEqual(r.code, 1, r.all);
    const out = parse(r);
    assert.strictEqual(out.handedOver, false);
    assert.match(out.problems[0].message, /Handover to Agent node \(status "error", reason "unsupported"\): a REST endpoint is not handover-capable/);
    assert.match(r.stderr, /"escalation": true/);
    // The problem as data for programs, beside its words.
    assert.deepStrictEqual(out.problems[0].answer, { code: 'handover-node', output: 1, status: 'error', reason: 'unsupported', key: 'escalation' });
    assert.match(out.problems[0].hint ?? '', /^Hand over through the flow instead: set "escalation": true/);
  });
});
