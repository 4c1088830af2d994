/**
 * The script fixtures against the demo bot's answers, without Studio: a driver that calls
 * the demo bot's behaviour directly. It keeps the fixtures true to what the bot says; the
 * end-to-end runs through the flow interpreter are wired elsewhere.
 */
import { it } from 'mocha';
import { assert } from 'chai';
import * as path from 'node:path';
import { demoBehaviour, type BotBehaviour, type BotReplyOutput } from '../../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../../stand-ins/cognigy-scripted';
import { readScripts } from '../../../src/lib/conversation/read';
import { runConversations, type ConversationResult, type DriverFactory, type TurnOutput } from '../../../src/lib/conversation/runner';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'scripts');

function botOnlyFactory(behaviour: BotBehaviour): DriverFactory {
  return (conversation) => {
    let turn = 0;
    const send = async (text: string): Promise<TurnOutput> => {
      turn++;
      const reply = await behaviour({ userId: 'u', sessionId: conversation.name, text, turn, testMode: false });
      assert.ok(Array.isArray(reply), 'the fixtures only use plain answers');
      const outputs = reply as BotReplyOutput[];
      const out: TurnOutput = { messages: [], elapsedMs: 0 };
      for (const o of outputs) {
        const data = typeof o.data === 'string' ? JSON.parse(o.data) : o.data;
        const rich = data?._cognigy?._default?._quickReplies;
        const quick = rich?.quickReplies as { title: string; payload?: string }[] | undefined;
        out.messages.push({
          // As botium-connector-cognigy reads an output: its text, else its quick replies' text.
          text: o.text || rich?.text || '',
          data,
          ...(quick ? { quickReplies: quick.map((q) => q.title), buttons: quick.map((q) => ({ text: q.title, payload: q.payload })) } : {}),
        });
        if (data?.escalation === true) {
          out.handover = { attributes: { escalation: true } };
          out.ended = { reason: 'handover' };
        }
      }
      return out;
    };
    return { start: send, reply: send, silence: async () => ({ messages: [], ended: { reason: 'flow-ended' }, elapsedMs: 0 }) };
  };
}

async function runFolder(target: string, behaviour: BotBehaviour) {
  const results: ConversationResult[] = [];
  const summary = await runConversations(readScripts(target), botOnlyFactory(behaviour), {
    concurrency: 2,
    timeoutMs: 2000,
    onResult: (r) => results.push(r),
  });
  return { results, summary };
}

it('botium-pass passes against the demo bot', async () => {
  const { results, summary } = await runFolder(path.join(FIXTURES, 'botium-pass'), demoBehaviour);
  assert.strictEqual(summary.scriptErrors.length, 0);
  assert.strictEqual(results.length, 4);
  for (const r of results) assert.strictEqual(r.status, 'passed', `${r.name}: ${JSON.stringify(r.failures)}`);
});

it('botium-fail fails at its wrong expectation', async () => {
  const { results } = await runFolder(path.join(FIXTURES, 'botium-fail'), demoBehaviour);
  assert.strictEqual(results.length, 1);
  const [failure] = results[0].failures;
  assert.deepStrictEqual(
    [path.basename(failure.file), failure.line, failure.turn, failure.actual],
    ['wrong-hours.convo.txt', 8, 1, 'We are open Monday to Friday, 9:00 to 17:00.'],
  );
});

it('the YAML examples pass where they do not depend on a setup', async () => {
  const { results } = await runFolder(path.join(FIXTURES, 'yaml', 'every-kind.yaml'), demoBehaviour);
  const by = new Map(results.map((r) => [r.name, r]));
  for (const name of ['exact, contains and regex', 'quick replies on hello', 'escalation to an agent', 'the customer goes silent']) {
    assert.strictEqual(by.get(name)?.status, 'passed', `${name}: ${JSON.stringify(by.get(name)?.failures)}`);
  }
  const botium = await runFolder(path.join(FIXTURES, 'yaml', 'botium-convos.yml'), demoBehaviour);
  assert.strictEqual(botium.results[0].status, 'passed', JSON.stringify(botium.results[0].failures));
  const echo = await runFolder(path.join(FIXTURES, 'yaml', 'single.yaml'), scriptedBehaviour);
  assert.strictEqual(echo.results[0].status, 'passed', JSON.stringify(echo.results[0].failures));
});
