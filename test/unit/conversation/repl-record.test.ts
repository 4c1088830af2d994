import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { demoBehaviour, startBotServer, type BotServer } from '../../../src/lib/demo/bot-server';
import { hideEndpointToken } from '../../../src/lib/studio/endpoint-token';
import { prepareChat } from '../../../src/lib/tasks/test-chat';
import { runScripts } from '../../../src/lib/tasks/run-scripts';
import type { PreparedChat } from '../../../src/lib/conversation/prepared';
import { replSessions } from '../../../src/lib/conversation/repl-record';
import { scriptReporters } from '../../../src/printers/test-chat';
import { restApiFlow } from '../../helpers/flows';

/**
 * The REPL's recorder (`--record` with `/save FILE.yaml`) follows the conversation's event
 * stream: every exchange a designer had must reach the script and the recording, so that
 * the saved script replays green from the recording alone. Each case is a kind of turn a
 * recorder can miss: a hand-over, a silence, a new chat after /reset, a turn the flow
 * starts itself (a REST API execution).
 */
describe('the REPL recorder: /save FILE.yaml with --record', () => {
  let bot: BotServer;
  let dir: string;
  let prepared: PreparedChat;
  before(async () => {
    bot = await startBotServer({ behaviour: demoBehaviour });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-repl-record-'));
    prepared = await prepareChat({ input: { endpointUrl: bot.url }, demo: false });
  });
  after(async () => {
    await prepared?.close();
    await bot?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The saved script's steps and the recording's turns (customer of each). */
  const read = (script: string, recording: string) => {
    const steps = parseAllDocuments(fs.readFileSync(script, 'utf8'))[0].toJS().conversations[0].steps;
    const docs = parseAllDocuments(fs.readFileSync(recording, 'utf8')).map((d) => d.toJS());
    const turns = docs.slice(1).map((d) => ({ conversation: d.conversation, turns: d.turns.map((t: { turn: number; customer?: string; calls: unknown[] }) => [t.turn, t.customer ?? null, t.calls.length]) }));
    return { steps, turns };
  };

  /** The saved script, run against the recording only: strict replay fails on any bot call the recording lacks. */
  const replay = async (on: PreparedChat, script: string, recording: string) => {
    let out = '';
    const result = await runScripts(on, { path: script, concurrency: 1, timeoutMs: 10_000, write: (t) => void (out += t), reporters: scriptReporters({ json: false }), recording: { replay: recording } });
    return { counts: result.summary.counts, out };
  };

  it('a hand-over: every customer turn, the bot\'s messages, the hand-over and the end; replays green', async () => {
    const recording = path.join(dir, 'handover-bot.yaml');
    const script = path.join(dir, 'handover.yaml');
    const sessions = replSessions(prepared, { record: recording });
    const chat = sessions.newChat();
    await chat.send('hello');
    await chat.send('opening hours');
    await chat.send('agent');
    const saved = sessions.saveScript(chat, script)!;
    sessions.close();
    assert.deepStrictEqual(saved, { file: script, steps: 9, recording, leftOut: 0 });
    assert.deepStrictEqual(read(script, recording), {
      steps: [
        { user: 'hello' },
        { bot: "Hi, I'm the demo bot of twilio-plugin-cognigy." },
        { bot: 'How can I help you?' },
        { user: 'opening hours' },
        { bot: 'We are open Monday to Friday, 9:00 to 17:00.' },
        { user: 'agent' },
        { bot: 'Let me connect you to a human agent.' },
        { handover: true },
        { end: 'handover' },
      ],
      turns: [{ conversation: 'handover', turns: [[1, 'hello', 1], [2, 'opening hours', 1], [3, 'agent', 1]] }],
    });
    const { counts, out } = await replay(prepared, script, recording);
    assert.deepStrictEqual(counts, { passed: 1, failed: 0, error: 0, timeout: 0, notCheckable: 0 }, out);
  });

  it('a silence is a turn of the recording too; turns after the end are left out of both', async () => {
    const recording = path.join(dir, 'silence-bot.yaml');
    const script = path.join(dir, 'silence.yaml');
    const sessions = replSessions(prepared, { record: recording });
    const chat = sessions.newChat();
    await chat.send('hello');
    // The built flow's wait times out to nothing: the execution ends, and the next message starts a new one.
    await chat.silence();
    await chat.send('opening hours');
    const saved = sessions.saveScript(chat, script)!;
    sessions.close();
    assert.deepStrictEqual(saved, { file: script, steps: 5, recording, leftOut: 1 });
    assert.deepStrictEqual(read(script, recording), {
      steps: [{ user: 'hello' }, { bot: "Hi, I'm the demo bot of twilio-plugin-cognigy." }, { bot: 'How can I help you?' }, { silence: true }, { end: 'flow-ended' }],
      turns: [{ conversation: 'silence', turns: [[1, 'hello', 1], [2, '(silence)', 0]] }],
    });
    const { counts, out } = await replay(prepared, script, recording);
    assert.deepStrictEqual(counts, { passed: 1, failed: 0, error: 0, timeout: 0, notCheckable: 0 }, out);
  });

  it('after /reset (a new chat) the saved conversation holds only the new chat\'s turns', async () => {
    const recording = path.join(dir, 'reset-bot.yaml');
    const script = path.join(dir, 'reset.yaml');
    const sessions = replSessions(prepared, { record: recording });
    await sessions.newChat().send('hello');
    const chat = sessions.newChat();
    await chat.send('opening hours');
    const saved = sessions.saveScript(chat, script)!;
    sessions.close();
    assert.deepStrictEqual(saved, { file: script, steps: 3, recording, leftOut: 0 });
    // A new chat is a new Cognigy session: the bot greets again.
    assert.deepStrictEqual(read(script, recording), {
      steps: [{ user: 'opening hours' }, { bot: "Hi, I'm the demo bot of twilio-plugin-cognigy." }, { bot: 'We are open Monday to Friday, 9:00 to 17:00.' }],
      turns: [{ conversation: 'reset', turns: [[1, 'opening hours', 1]] }],
    });
    const { counts, out } = await replay(prepared, script, recording);
    assert.deepStrictEqual(counts, { passed: 1, failed: 0, error: 0, timeout: 0, notCheckable: 0 }, out);
  });

  it('a REST API execution: the turn the flow starts is a turn of the recording, with no customer step; the saved script opens with the bot and replays green', async () => {
    const definition = restApiFlow(bot.url);
    const flowFile = path.join(dir, 'rest-flow.json');
    fs.writeFileSync(flowFile, JSON.stringify(hideEndpointToken(definition, bot.url)));
    const rest = await prepareChat({ input: { endpointUrl: bot.url }, demo: false, flowFile, params: ['customer=+15557654321', 'session=rest-1'] });
    try {
      assert.strictEqual(rest.run.start, 'incomingRequest');
      const recording = path.join(dir, 'rest-bot.yaml');
      const script = path.join(dir, 'rest.yaml');
      const sessions = replSessions(rest, { record: recording });
      const chat = sessions.newChat();
      await chat.begin();
      await chat.send('opening hours');
      const saved = sessions.saveScript(chat, script)!;
      const convo = path.join(dir, 'rest.convo.txt');
      const savedConvo = sessions.saveScript(chat, convo)!;
      sessions.close();
      // The replay needs the session's REST API start too: the saved script says so.
      const params = { customer: '+15557654321', session: 'rest-1' };
      assert.deepStrictEqual(saved, { file: script, steps: 4, recording, leftOut: 0, params });
      assert.deepStrictEqual(savedConvo, { file: convo, steps: 4, recording, leftOut: 0, params });
      assert.match(fs.readFileSync(convo, 'utf8'), /^rest\n\n#bot\nHi, I'm the demo bot/);
      assert.deepStrictEqual(read(script, recording), {
        steps: [{ bot: "Hi, I'm the demo bot of twilio-plugin-cognigy." }, { bot: 'Sorry, I did not understand that. I can help with:' }, { user: 'opening hours' }, { bot: 'We are open Monday to Friday, 9:00 to 17:00.' }],
        turns: [
          { conversation: 'rest', turns: [[1, null, 1], [2, 'opening hours', 1]] },
          { conversation: 'rest', turns: [[1, null, 1], [2, 'opening hours', 1]] },
        ],
      });
      // The run starts the execution (--param), and the opening messages answer the script's first bot steps.
      for (const saved of [script, convo]) {
        const { counts, out } = await replay(rest, saved, recording);
        assert.deepStrictEqual(counts, { passed: 1, failed: 0, error: 0, timeout: 0, notCheckable: 0 }, out);
      }
      // Against a flow the customer's message starts, the same script cannot pass: refused, with the fix.
      const { counts, out } = await replay(prepared, script, recording);
      assert.deepStrictEqual(counts, { passed: 0, failed: 0, error: 0, timeout: 0, notCheckable: 0 }, out);
      assert.match(out, /opens with the bot, but a flow the customer's message starts cannot speak first: open it with a customer message \(#me \/ user\), or wire the trigger's REST API event \(incomingRequest\) and run with --param KEY=VALUE/);
    } finally {
      await rest.close();
    }
  });
});
