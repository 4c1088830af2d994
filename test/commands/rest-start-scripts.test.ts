/**
 * Scripts for a flow the REST API starts (issue 20): an outbound flow speaks first, so its
 * conversations open with the bot's steps. With `--param` (or a flow wiring only the REST
 * API) the run starts each execution itself and matches the opening messages against the
 * script's first bot steps, as Botium matches an opening `#bot` against what the bot sends
 * unprompted; recorded once against the stand-in, such a suite replays green with the bot
 * stopped. Without a REST API start the same scripts are refused, saying how to fix them.
 * The REPL's saved script of such a session: test/unit/conversation/repl-record.test.ts.
 */
import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { demoBehaviour } from '../../src/lib/demo/bot-server';
import { hideEndpointToken } from '../../src/lib/studio/endpoint-token';
import { secretsIn, startWorld, type World } from '../helpers/stand-ins';
import { restApiFlow } from '../helpers/flows';

const OUTBOUND_CONVO = `Outbound greeting

#bot
Hi, I'm the demo bot*

#bot
Sorry, I did not understand that.*

#me
opening hours

#bot
We are open Monday to Friday, *
`;

const OUTBOUND_YAML = `conversations:
  - name: Outbound to an agent
    steps:
      - bot: Hi, I'm the demo bot of twilio-plugin-cognigy.
      - bot: "Sorry, I did not understand that. I can help with:"
      - user: agent
      - bot: Let me connect you to a human agent.
      - handover: true
      - end: handover
`;

/** Its opening expects what the flow does not send. */
const WRONG_OPENING = `Wrong opening

#bot
Your parcel is on its way

#me
thanks
`;

describe('twilio cognigy:test-chat --script on a flow the REST API starts', () => {
  let world: World;
  let work: string;
  let flowFile: string;
  let suite: string;
  before(async () => {
    world = await startWorld({ inProcess: true });
    world.bot.setBehaviour(demoBehaviour);
    work = fs.mkdtempSync(path.join(world.cli.home, 'rest-start-'));
    // The customer's message starts it too: only --param makes a run start it the REST API's way.
    const definition = restApiFlow(world.bot.url, { messaging: true, customer: '{{contact.channel.address}}', session: '{{contact.channel.address}}' });
    flowFile = path.join(work, 'outbound-flow.json');
    fs.writeFileSync(flowFile, JSON.stringify(hideEndpointToken(definition, world.bot.url)));
    suite = path.join(work, 'outbound');
    fs.mkdirSync(suite);
    fs.writeFileSync(path.join(suite, 'greeting.convo.txt'), OUTBOUND_CONVO);
    fs.writeFileSync(path.join(suite, 'agent.yaml'), OUTBOUND_YAML);
  });
  after(async () => {
    await world?.close();
  });

  const script = (target: string, ...args: string[]) =>
    world.run(['cognigy:test-chat', '--script', target, '--flow-file', flowFile, '--endpoint-url', world.bot.url, ...args]);

  it('without a REST API start, a conversation that opens with the bot is refused with the fix', async () => {
    const r = await script(suite);
    assert.strictEqual(r.code, 1, r.all);
    const fix = "opens with the bot, but a flow the customer's message starts cannot speak first: open it with a customer message (#me / user), or wire the trigger's REST API event (incomingRequest) and run with --param KEY=VALUE";
    assert.include(r.stdout, `${path.join(suite, 'agent.yaml')}:4: script error: conversation "Outbound to an agent" ${fix}`);
    assert.include(r.stdout, `${path.join(suite, 'greeting.convo.txt')}:3: script error: conversation "Outbound greeting" ${fix}`);
    assert.match(r.stdout, /^0 passed, 0 failed, 2 script errors$/m);
  });

  it('with --param the run begins each execution and matches the opening; record, stop the bot, replay green', async () => {
    const recording = path.join(work, 'outbound-bot.yaml');
    const recorded = await script(suite, '--param', 'campaign=parcel', '--record', recording, '--concurrency', '2');
    assert.strictEqual(recorded.code, 0, recorded.all);
    assert.match(recorded.stdout, /^2 passed, 0 failed$/m);
    const text = fs.readFileSync(recording, 'utf8');
    assert.deepStrictEqual(secretsIn(world, text), []);
    // The flow's own turn is the first of the recording, with no customer; the customer's answer is the second.
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    assert.deepStrictEqual(
      docs.slice(1).map((d) => [d.conversation, d.turns.map((t: { turn: number; customer?: string; calls: unknown[] }) => [t.turn, t.customer ?? null, t.calls.length])]),
      [
        ['Outbound greeting', [[1, null, 1], [2, 'opening hours', 1]]],
        ['Outbound to an agent', [[1, null, 1], [2, 'agent', 1]]],
      ],
    );

    // An opening the flow does not send fails at its line: the opening is matched, not skipped.
    const wrong = path.join(work, 'wrong-opening.convo.txt');
    fs.writeFileSync(wrong, WRONG_OPENING);
    const failed = await script(wrong, '--param', 'campaign=parcel', '-o', 'json');
    assert.strictEqual(failed.code, 1, failed.all);
    const failure = JSON.parse(failed.stdout).results[0].failures[0];
    assert.deepStrictEqual([failure.line, failure.code, failure.turn], [3, 'bot-mismatch', 1]);

    await world.bot.close();
    const replayed = await script(suite, '--param', 'campaign=parcel', '--replay', recording, '-o', 'json');
    assert.strictEqual(replayed.code, 0, replayed.all);
    const report = JSON.parse(replayed.stdout);
    assert.deepStrictEqual([report.summary.total, report.summary.passed], [2, 2]);
    // Worker threads begin the execution the same way: they get the run's start with its options.
    const threads = await script(suite, '--param', 'campaign=parcel', '--replay', recording, '--jobs', '2', '-o', 'json');
    assert.strictEqual(threads.code, 0, threads.all);
    assert.deepStrictEqual([JSON.parse(threads.stdout).summary.passed, JSON.parse(threads.stdout).summary.jobs], [2, 2]);

  });
});
