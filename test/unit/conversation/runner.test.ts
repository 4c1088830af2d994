import { describe, it } from 'mocha';
import { assert } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  runConversations,
  type ConversationDriver,
  type ConversationResult,
  type DriverFactory,
  type TurnOutput,
} from '../../../src/lib/conversation/runner';
import type { Conversation, ScriptError, ScriptStep } from '../../../src/lib/conversation/types';
import { scriptError } from '../../../src/lib/conversation/types';
import { parseConvoTxt } from '../../../src/lib/conversation/botium';
import { failureMessage } from '../../../src/printers/script-report';
import { sideText } from '../../../src/printers/failure';

/**
 * A stand-in for the flow interpreter: echoes `You said: <text>`; "agent" escalates and
 * ends the flow; "two" answers twice; "hang" never answers; "boom" throws; "wait:<ms>" delays.
 */
function fakeFactory(stats = { inFlight: 0, maxInFlight: 0, closed: 0, signals: [] as AbortSignal[] }): DriverFactory {
  return (_conversation, { signal }) => {
    stats.signals.push(signal);
    const answer = async (text: string): Promise<TurnOutput> => {
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        const wait = /wait:(\d+)/.exec(text);
        if (wait) await sleep(Number(wait[1]));
        if (text === 'hang') await new Promise(() => undefined);
        if (text === 'boom') throw new Error('bot unreachable');
        if (text === 'agent') {
          return {
            messages: [{ text: 'Let me connect you to a human agent.', data: { escalation: true } }],
            handover: { workflow: 'WW1', channel: 'chat', attributes: '{"escalation":true}' },
            ended: { reason: 'handover' },
            elapsedMs: 1,
          };
        }
        if (text === 'two') return { messages: [{ text: 'One.' }, { text: 'Two.' }], elapsedMs: 1 };
        return { messages: [{ text: `You said: ${text}` }], elapsedMs: 1 };
      } finally {
        stats.inFlight--;
      }
    };
    const driver: ConversationDriver = {
      start: answer,
      reply: answer,
      silence: async () => ({ messages: [{ text: 'Are you still there?' }], ended: { reason: 'flow-ended' }, elapsedMs: 1 }),
      close: async () => {
        stats.closed++;
      },
    };
    return driver;
  };
}

let lineCounter = 0;
type StepWithoutLine = ScriptStep extends infer S ? (S extends ScriptStep ? Omit<S, 'line'> : never) : never;
function conv(name: string, steps: StepWithoutLine[]): Conversation {
  return { name, file: 'suite.yaml', line: 1, steps: steps.map((s) => ({ line: ++lineCounter, ...s }) as ScriptStep) };
}
const user = (text: string) => ({ kind: 'user' as const, text });
const bot = (text: string) => ({ kind: 'bot' as const, expect: [{ kind: 'exact' as const, text }] });
const echo = (name: string, text = 'hi') => conv(name, [user(text), bot(`You said: ${text}`)]);

async function* source(items: (Conversation | ScriptError)[], pulled?: { count: number }): AsyncGenerator<Conversation | ScriptError> {
  for (const item of items) {
    if (pulled) pulled.count++;
    yield item;
  }
}

async function run(items: (Conversation | ScriptError)[], options: Partial<Parameters<typeof runConversations>[2]> = {}, factory = fakeFactory()) {
  const results: ConversationResult[] = [];
  const summary = await runConversations(source(items), factory, {
    concurrency: 4,
    timeoutMs: 2000,
    onResult: (r) => results.push(r),
    ...options,
  });
  return { results, summary };
}

describe('one conversation', () => {
  it('a matching conversation passes and reports its turns', async () => {
    const { results, summary } = await run([conv('echo', [user('hi'), bot('You said: hi'), user('again'), bot('You said: again')])]);
    assert.strictEqual(results.length, 1);
    assert.strictEqual(results[0].status, 'passed');
    assert.strictEqual(results[0].turns, 2);
    assert.deepStrictEqual(summary.counts, { passed: 1, failed: 0, error: 0, timeout: 0, notCheckable: 0 });
    assert.deepStrictEqual(summary.failedResults, []);
  });

  it('a wrong expectation fails with file:line, turn, expected and actual, and stops there', async () => {
    const c = conv('wrong', [user('hi'), bot('You said: hi'), user('hours'), bot('We are open 24/7.'), user('never sent')]);
    const { results, summary } = await run([c]);
    const [result] = results;
    assert.strictEqual(result.status, 'failed');
    assert.strictEqual(result.turns, 2, 'the customer step after the failure is not sent');
    assert.deepStrictEqual(result.failures, [
      { file: 'suite.yaml', line: c.steps[3].line, turn: 2, code: 'bot-mismatch', expected: { code: 'bot-message', expect: [{ kind: 'exact', text: 'We are open 24/7.' }] }, actual: 'You said: hours' },
    ]);
    assert.strictEqual(sideText(result.failures[0].expected), 'We are open 24/7.');
    assert.deepStrictEqual(summary.failedResults, [result]);
  });

  it('several #bot in a row consume the messages of one turn in order (BotiumScript)', async () => {
    const c = parseConvoTxt('t.convo.txt', 'Two\n#me\ntwo\n#bot\none.\n#bot\nTWO\n#me\nbye\n#bot\nyou said: *\n');
    assert.ok(!('kind' in c && c.kind === 'script-error'));
    const { results } = await run([c as Conversation]);
    assert.strictEqual(results[0].status, 'passed', JSON.stringify(results[0].failures));
  });

  it('bot messages left unconsumed before the next customer message fail; at the end they are ignored', async () => {
    const { results } = await run([
      conv('extra', [user('two'), bot('One.'), user('next')]),
      conv('extra at end', [user('two'), bot('One.')]),
    ]);
    const extra = results.find((r) => r.name === 'extra')!;
    assert.strictEqual(extra.status, 'failed');
    assert.strictEqual(extra.failures[0].actual, 'Two.');
    assert.deepStrictEqual([extra.failures[0].code, extra.failures[0].count], ['unexpected-messages', 1]);
    assert.match(failureMessage(extra.failures[0]), /1 message\(s\) the script does not expect/);
    assert.strictEqual(results.find((r) => r.name === 'extra at end')!.status, 'passed');
  });

  it('a missing bot message fails with "(no message)"', async () => {
    const { results } = await run([conv('short', [user('hi'), bot('You said: hi'), bot('And more')])]);
    assert.deepStrictEqual(results[0].failures[0].actual, { code: 'no-message' });
    assert.strictEqual(sideText(results[0].failures[0].actual), '(no message)');
  });

  it('handover and end steps; a customer message after the end fails', async () => {
    const { results } = await run([
      conv('handover', [
        user('agent'),
        { kind: 'bot', expect: [{ kind: 'data', subset: { escalation: true } }] },
        { kind: 'handover', expect: { workflow: 'WW1', attributes: { escalation: true } } },
        { kind: 'end', reason: 'handover' },
      ]),
      conv('no handover', [user('hi'), bot('You said: hi'), { kind: 'handover' }]),
      conv('wrong end', [user('agent'), { kind: 'bot', expect: [{ kind: 'any' }] }, { kind: 'end', reason: 'flow-ended' }]),
      conv('after end', [user('agent'), { kind: 'bot', expect: [{ kind: 'any' }] }, user('hello?')]),
      conv('silence', [user('hi'), bot('You said: hi'), { kind: 'silence' }, bot('Are you still there?'), { kind: 'end', reason: 'flow-ended' }]),
    ]);
    const by = (name: string) => results.find((r) => r.name === name)!;
    assert.strictEqual(by('handover').status, 'passed', JSON.stringify(by('handover').failures));
    assert.deepStrictEqual([sideText(by('no handover').failures[0].expected), sideText(by('no handover').failures[0].actual)], ['handover', '(no handover)']);
    assert.deepStrictEqual([sideText(by('wrong end').failures[0].expected), sideText(by('wrong end').failures[0].actual)], ['flow ended (flow-ended)', 'flow ended (handover)']);
    assert.deepStrictEqual(by('after end').failures[0].actual, { code: 'already-ended', reason: 'handover' });
    assert.strictEqual(sideText(by('after end').failures[0].actual), 'conversation already ended (handover)');
    assert.strictEqual(by('silence').status, 'passed', JSON.stringify(by('silence').failures));
    assert.strictEqual(by('silence').turns, 2);
  });
});

describe('many conversations', () => {
  it('an exception and a hanging driver do not stop or stall the others', async () => {
    const stats = { inFlight: 0, maxInFlight: 0, closed: 0, signals: [] as AbortSignal[] };
    const started = Date.now();
    const { results, summary } = await run(
      [echo('a'), conv('boom', [user('boom')]), conv('hang', [user('hang')]), echo('b'), echo('c')],
      { concurrency: 2, timeoutMs: 300 },
      fakeFactory(stats),
    );
    const elapsed = Date.now() - started;
    assert.deepStrictEqual(summary.counts, { passed: 3, failed: 0, error: 1, timeout: 1, notCheckable: 0 });
    const boom = results.find((r) => r.name === 'boom')!;
    assert.strictEqual(boom.error, 'bot unreachable');
    const hang = results.find((r) => r.name === 'hang')!;
    assert.strictEqual(hang.status, 'timeout');
    assert.match(hang.error ?? '', /timed out after 300 ms/);
    // The hanging one occupies one worker for the time-out; the rest ran on the other.
    assert.ok(elapsed < 1500, `took ${elapsed} ms`);
    assert.strictEqual(results[results.length - 1].name, 'hang', 'the others finished while it hung');
    assert.strictEqual(stats.signals.filter((s) => s.aborted).length, 1, 'the timed-out session was told to stop');
    assert.strictEqual(stats.closed, 5);
    assert.deepStrictEqual(summary.failedResults.map((r) => r.name).sort(), ['boom', 'hang']);
  });

  it('never more than `concurrency` conversations in flight, and the source is pulled as workers free up', async () => {
    const stats = { inFlight: 0, maxInFlight: 0, closed: 0, signals: [] as AbortSignal[] };
    const items = Array.from({ length: 24 }, (_, i) => echo(`c${i}`, `wait:${5 + (i % 3) * 5}`));
    const pulled = { count: 0 };
    let pulledAtFirstResult = -1;
    const summary = await runConversations(source(items, pulled), fakeFactory(stats), {
      concurrency: 3,
      timeoutMs: 2000,
      onResult: () => {
        if (pulledAtFirstResult < 0) pulledAtFirstResult = pulled.count;
      },
    });
    assert.strictEqual(summary.counts.passed, 24);
    assert.strictEqual(stats.maxInFlight, 3);
    assert.ok(pulledAtFirstResult <= 4, `pulled ${pulledAtFirstResult} before the first result`);
  });

  it('script errors are reported and the conversations around them still run', async () => {
    const seen: ScriptError[] = [];
    const bad = scriptError('bad.yaml', 3, 'unknown key "contain"');
    const { summary } = await run([echo('a'), bad, echo('b')], { onScriptError: (e) => seen.push(e) });
    assert.strictEqual(summary.counts.passed, 2);
    assert.deepStrictEqual(summary.scriptErrors, [bad]);
    assert.deepStrictEqual(seen, [bad]);
  });

  it('abort stops starting new conversations, lets running ones finish and counts the rest', async () => {
    const controller = new AbortController();
    const items = Array.from({ length: 30 }, (_, i) => echo(`c${i}`, `wait:20`));
    const results: ConversationResult[] = [];
    const summary = await runConversations(source(items), fakeFactory(), {
      concurrency: 3,
      timeoutMs: 2000,
      signal: controller.signal,
      onResult: (r) => {
        results.push(r);
        if (results.length === 1) controller.abort();
      },
    });
    assert.strictEqual(summary.aborted, true);
    assert.ok(results.every((r) => r.status === 'passed'), 'running conversations were allowed to finish');
    assert.ok(summary.total >= 1 && summary.total <= 3, `ran ${summary.total}`);
    assert.strictEqual(summary.total + summary.notRun, 30);
    assert.strictEqual(results.length, summary.total);
  });

  it('the summary keeps failed results only, however many pass', async () => {
    const items = [...Array.from({ length: 50 }, (_, i) => echo(`ok${i}`)), conv('bad', [user('x'), bot('nope')])];
    const { summary } = await run(items, { concurrency: 8 });
    assert.strictEqual(summary.total, 51);
    assert.deepStrictEqual(summary.failedResults.map((r) => r.name), ['bad']);
  });
});
