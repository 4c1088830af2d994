import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { startBotServer, BotServer } from '../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../stand-ins/cognigy-scripted';
import { CliHome, CliResult, ROOT } from '../helpers/cli';
import { inProcessHome } from '../helpers/in-process';
import { registerTestSecret } from '../helpers/secrets';

/**
 * `twilio cognigy:test-chat` run in-process as the host runs it, against the stand-in bot
 * on 127.0.0.1, with no Twilio credentials at all (test-chat needs none without --flow).
 */
interface Entry {
  from: 'customer' | 'bot' | 'system';
  text: string;
  kind?: string;
  outputs?: number;
  rich?: { kind: string; options: string[] }[];
}
interface Report {
  endpoint: string;
  transcript: Entry[];
  handedOver: boolean;
  handover: null | { workflow: string; channel: string; attributes?: any };
  ended: string | null;
  turns: { elapsedMs: number; slowestCallMs: number }[];
  problems: { kind: string; widget: string; message: string }[];
}

const PLACEHOLDER_WW = `WW${'0'.repeat(32)}`;
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'flows', 'hand-written-support.json');

describe('twilio cognigy:test-chat', () => {
  let bot: BotServer;
  let cli: CliHome;
  const noTwilio = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined };

  before(async () => {
    bot = await startBotServer({ behaviour: scriptedBehaviour });
    registerTestSecret(bot.token);
    cli = await inProcessHome();
  });
  after(async () => {
    await bot?.close();
    cli?.cleanup();
  });

  const chat = (args: string[], timeoutMs?: number) => cli.run(['cognigy:test-chat', ...args], { env: noTwilio, timeoutMs });
  /** A --message run against the stand-in bot, parsed; the bot's requests made by this run alone. */
  const playJson = async (messages: string[], extra: string[] = []) => {
    const first = bot.requests.length;
    const r = await chat(['--endpoint-url', bot.url, ...messages.flatMap((m) => ['-m', m]), '-o', 'json', ...extra]);
    return { r, out: parse(r), requests: bot.requests.slice(first) };
  };
  const parse = (r: CliResult): Report => {
    try {
      return JSON.parse(r.stdout);
    } catch {
      throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.all}`);
    }
  };
  const said = (out: Report, from: Entry['from']) => out.transcript.filter((e) => e.from === from).map((e) => e.text);
  const assertNoToken = (r: CliResult) => {
    assert.ok(!r.all.includes(bot.token), 'the URL token never appears');
    assert.ok(!r.all.includes(bot.url));
  };

  it('several outputs in one turn arrive as the one message Studio sends; the endpoint is shown redacted', async () => {
    const { r, out, requests } = await playJson(['multi']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(
      out.transcript.map((e) => e.from),
      ['customer', 'bot'],
    );
    assert.deepStrictEqual(said(out, 'bot'), ['First output. Second output. Third output.']);
    assert.strictEqual(out.transcript[1].outputs, 3);
    assert.strictEqual(out.handedOver, false);
    assert.strictEqual(out.handover, null);
    assert.strictEqual(out.ended, null, 'the flow waits for the next message');
    assert.strictEqual(requests.length, 1);
    assert.match(out.endpoint, new RegExp(`^http://127\\.0\\.0\\.1:\\d+/…${bot.token.slice(-4)}$`));
    assertNoToken(r);
    assert.strictEqual(r.stderr.trim(), '', 'nothing on stderr for a clean run');
  });

  for (const keyword of ['escalate-bool', 'escalate-string']) {
    it(`an escalation flagged as ${keyword === 'escalate-bool' ? 'true' : '"true"'} hands over; later messages never reach the bot`, async () => {
      const { r, out, requests } = await playJson(['hello', keyword, 'are you there?']);
      assert.strictEqual(r.code, 0, r.all);
      assert.deepStrictEqual(said(out, 'customer'), ['hello', keyword], 'the customer is with an agent after the hand-over');
      assert.deepStrictEqual(said(out, 'bot'), ['You said: hello', 'Let me connect you to a human agent.']);
      assert.strictEqual(requests.length, 2);
      assert.strictEqual(out.handedOver, true);
      assert.strictEqual(out.ended, 'handover');
      assert.strictEqual(out.handover!.workflow, PLACEHOLDER_WW, 'no Flex setup: the placeholder workflow');
      assert.strictEqual(out.handover!.attributes.cognigy.reason, 'bot-escalation');
      assert.strictEqual(out.handover!.attributes.cognigy.lastAnswer, 'Let me connect you to a human agent.');
      const handover = out.transcript.filter((e) => e.kind === 'handover');
      assert.strictEqual(handover.length, 1);
    });
  }

  it('data sent as a JSON string: fine as such, but an escalation inside it fails the run, as Studio would miss it', async () => {
    const plain = await playJson(['datastring']);
    assert.strictEqual(plain.r.code, 0, plain.r.all);
    assert.deepStrictEqual(plain.out.problems, []);

    const lost = await playJson(['escalate-datastring']);
    assert.strictEqual(lost.r.code, 1, lost.r.all);
    assert.strictEqual(lost.out.handedOver, false, 'Studio reads parsed.data.escalation as empty: no hand-over');
    assert.deepStrictEqual(lost.out.problems.map((p) => p.kind), ['bot-answer']);
    assert.deepStrictEqual(said(lost.out, 'bot'), ['Let me connect you to a human agent.']);
    const lines = lost.r.stderr.trim().split('\n');
    assert.strictEqual(lines.length, 2, lost.r.stderr);
    assert.match(lines[0], /asked for an agent \(escalation\) in data sent as a JSON string/);
    assert.match(lines[1], /JSON object/);
  });

  it('a 500 from the bot: the flow apologises and hands over (with --on-bot-failure end it ends); the run exits 1 with the diagnosis', async () => {
    const escalate = await playJson(['hi', 'status:500']);
    assert.strictEqual(escalate.r.code, 1, escalate.r.all);
    const out = escalate.out;
    assert.deepStrictEqual(said(out, 'bot'), ['You said: hi', 'Sorry, our assistant is unavailable. Connecting you to an agent.']);
    assert.ok(out.transcript.some((e) => e.kind === 'bot-failure' && /answered status 500/.test(e.text)), 'the transcript says the bot failed');
    assert.deepStrictEqual(out.problems.map((p) => p.kind), ['bot-failure']);
    assert.strictEqual(escalate.r.stderr.trim().split('\n').length, 1, escalate.r.stderr);
    assert.match(escalate.r.stderr, /"ProcessUserInput": The bot endpoint answered status 500 .*check the flow's logs in Cognigy/);
    assert.strictEqual(out.handedOver, true);
    assert.strictEqual(out.handover!.attributes.cognigy.reason, 'bot-failure');

    const end = await playJson(['hi', 'status:500'], ['--on-bot-failure', 'end']);
    assert.strictEqual(end.r.code, 1, end.r.all);
    assert.deepStrictEqual(said(end.out, 'bot'), ['You said: hi', 'Sorry, our assistant is unavailable. Please try again later.']);
    assert.strictEqual(end.out.handedOver, false);
    assert.strictEqual(end.out.ended, 'flow-ended');
  });

  it('an answer after 12 s: past Studio\'s 10 s the widget fails, and the transcript says why', async () => {
    const { r, out } = await playJson(['slow:12000']);
    assert.strictEqual(r.code, 1, r.all);
    const failure = out.transcript.find((e) => e.kind === 'bot-failure');
    assert.ok(failure, JSON.stringify(out.transcript));
    // The elapsed time is what is shown: on a loaded machine the 10 s timer fires a little late.
    assert.match(failure!.text, /did not answer within 10\.\d s: Studio gives up after 10 s/);
    assert.deepStrictEqual(said(out, 'bot'), ['Sorry, our assistant is unavailable. Connecting you to an agent.']);
    assert.strictEqual(out.handedOver, true);
    const [turn] = out.turns;
    assert.ok(turn.elapsedMs >= 9_900 && turn.elapsedMs < 11_500, `the turn gave up at 10 s, not at 12 s: ${turn.elapsedMs} ms`);
  });

  it('a quick-reply answer with empty text reaches the customer: its text, then the choices as lines', async () => {
    const { r, out } = await playJson(['quick']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(said(out, 'bot'), ['What would you like to do?\n- Opening hours\n- Order status\n- Talk to an agent']);
    const answer = out.transcript.find((e) => e.from === 'bot')!;
    assert.deepStrictEqual(answer.rich?.[0].options, ['Opening hours', 'Order status', 'Talk to an agent']);
    const note = out.transcript.find((e) => e.kind === 'rich');
    assert.match(note!.text, /quick replies: Opening hours \| Order status \| Talk to an agent.*listed as text above/);
    assert.ok(!out.transcript.some((e) => /sends the customer nothing/.test(e.text)));

    const buttons = await playJson(['buttons']);
    assert.deepStrictEqual(said(buttons.out, 'bot'), ['Pick a plan:\n- Basic\n- Pro']);

    const text = await chat(['--endpoint-url', bot.url, '-m', 'quick']);
    assert.strictEqual(text.code, 0, text.all);
    assert.match(text.stdout, /^bot › What would you like to do\?$/m);
    assert.match(text.stdout, /^ +- Talk to an agent$/m);
  });

  it('an answer that sends the customer nothing (only an image) is said', async () => {
    bot.setBehaviour(() => [{ text: '', data: { type: 'image', _cognigy: { _default: { _image: { type: 'image', imageUrl: 'https://example.com/a.png' } } } } }]);
    try {
      const { r, out } = await playJson(['show me']);
      assert.strictEqual(r.code, 0, r.all);
      assert.deepStrictEqual(said(out, 'bot'), []);
      assert.match(out.transcript.find((e) => e.kind === 'note')!.text, /this answer sends the customer nothing: it holds only an image/);
    } finally {
      bot.setBehaviour(scriptedBehaviour);
    }
  });

  it('a data-only answer or a non-JSON answer: the built flow sends no empty message, ends, and the next message goes on', async () => {
    const { r, out, requests } = await playJson(['dataonly', 'notjson', 'hello again']);
    // A non-JSON answer is no Cognigy answer: diagnosed as the init probe does, and the run fails.
    assert.strictEqual(r.code, 1, r.all);
    assert.match(r.stderr, /The bot endpoint answered status 200 with text\/plain, not JSON/);
    assert.deepStrictEqual(said(out, 'bot'), ['You said: hello again'], 'nothing empty is sent to the customer');
    const ends = out.transcript.filter((e) => e.kind === 'end');
    assert.strictEqual(ends.length, 2, 'each silent turn ends its execution');
    assert.ok(out.transcript.some((e) => e.kind === 'new-execution'), 'the next message starts a new execution');
    const sessions = new Set(requests.map((q) => (q.body as any).sessionId));
    assert.strictEqual(sessions.size, 1, 'and it continues the same Cognigy session');
    const notes = out.transcript.filter((e) => e.kind === 'note').map((e) => e.text);
    assert.strictEqual(notes.filter((n) => /not a JSON object/.test(n)).length, 0);
    assert.strictEqual(out.transcript.filter((e) => e.kind === 'bot-failure' && /with text\/plain, not JSON.*Studio takes "success"/.test(e.text)).length, 1, 'only the text/plain answer');
  });

  it('quotes, backslashes, Japanese, Liquid braces, % and & and a newline reach the bot byte for byte', async () => {
    const tricky = 'He said "hi" \\ 日本語 {{ x }} 100% & more';
    const multiline = 'line one\nline two';
    const { r, out, requests } = await playJson([tricky, multiline]);
    assert.strictEqual(r.code, 0, r.all);
    assert.strictEqual(requests.length, 2);
    assert.strictEqual((requests[0].body as any).text, tricky);
    assert.strictEqual((requests[1].body as any).text, multiline);
    assert.deepStrictEqual(said(out, 'bot'), [`You said: ${tricky}`, `You said: ${multiline}`], 'and the answers come back unchanged');
  });

  describe('a hand-written flow file (--flow-file)', () => {
    let flowFile: string;
    before(() => {
      // As Studio exports it, with the bot's host pointed at the stand-in; the URL token
      // stays the $COGNIGY_URL_TOKEN placeholder that --endpoint-url fills in.
      const text = fs.readFileSync(FIXTURE, 'utf8').split('https://endpoint-trial.cognigy.ai').join(new URL(bot.url).origin);
      flowFile = path.join(cli.home, 'support-flow.json');
      fs.writeFileSync(flowFile, text);
    });
    const run = async (reply: string) => {
      const first = bot.requests.length;
      const r = await chat(['--flow-file', flowFile, '--endpoint-url', bot.url, '--from', '+4915112345678', '-m', 'hi', '-m', reply, '-o', 'json']);
      return { r, out: parse(r), requests: bot.requests.slice(first) };
    };

    it('matches_any_of routes billing to Flex with a variable set from the earlier reply and the bot answer', async () => {
      const { r, out, requests } = await run(' Payment ');
      assert.strictEqual(r.code, 0, r.all);
      assert.deepStrictEqual(said(out, 'bot'), ['Hi +4915112345678! Is it about billing, an order, or something else?'], 'send-to-flex sends nothing itself');
      assert.strictEqual(requests.length, 1);
      assert.strictEqual(requests[0].contentType, 'application/x-www-form-urlencoded;charset=utf-8');
      assert.deepStrictEqual(requests[0].body, { userId: '+4915112345678', sessionId: 'triage-+4915112345678', text: ' Payment ' });
      assert.strictEqual(out.handedOver, true);
      assert.strictEqual(out.handover!.workflow, 'WW3f6a0c2e4b8d1a3c5e7f9b0d2c4e6a81');
      assert.strictEqual(out.handover!.channel, 'TC0e2c4a6b8d1f3a5c7e9b0d2f4a6c8e01');
      // Flex Conversations: Send to Flex adds the customer's keys; the flow's own `name` stays.
      assert.deepStrictEqual(out.handover!.attributes, {
        channelType: 'sms',
        customerAddress: '+4915112345678',
        from: '+4915112345678',
        name: '+4915112345678',
        customerName: '+4915112345678',
        topic: 'payment',
        botAnswer: 'You said:  Payment ',
      });
      assert.ok(!r.stdout.includes('placeholder'), 'real SIDs from the file: no placeholder note');
    });

    it('an order goes to the second branch, anything else to noMatch', async () => {
      const order = await run('my order 1234');
      assert.strictEqual(order.r.code, 0, order.r.all);
      assert.deepStrictEqual(said(order.out, 'bot').slice(1), ['You said: my order 1234']);
      assert.strictEqual(order.out.handedOver, false);
      assert.strictEqual(order.out.ended, 'flow-ended');

      const other = await run('Weather');
      assert.deepStrictEqual(said(other.out, 'bot').slice(1), ['Sorry, "weather" is not something I can help with here.']);
      assert.strictEqual(other.out.handedOver, false);
    });
  });

  describe('bad flows and an unreachable bot: a clear message and a non-zero exit', () => {
    const trigger = (next: string) => ({
      name: 'Trigger',
      type: 'trigger',
      properties: { offset: { x: 0, y: 0 } },
      transitions: [
        { event: 'incomingMessage', next },
        { event: 'incomingConversationMessage', next },
      ],
    });
    const hello = (next?: string) => ({
      name: 'Hello',
      type: 'send-message',
      properties: { offset: { x: 0, y: 200 }, body: 'Hello from the flow.' },
      transitions: [{ event: 'sent', ...(next ? { next } : {}) }, { event: 'failed' }],
    });
    const payments = { name: 'TakePayment', type: 'capture-payments', properties: { offset: { x: 0, y: 400 } }, transitions: [] };
    const writeFlow = (name: string, content: unknown) => {
      const file = path.join(cli.home, name);
      fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify({ description: name, initial_state: 'Trigger', states: content, flags: { allow_concurrent_calls: true } }));
      return file;
    };
    const assertShort = (r: CliResult) => {
      assert.notMatch(r.all, /\n\s+at .*:\d+:\d+\)?/, 'no stack trace');
      assert.ok(r.stderr.trim().split('\n').length <= 3, `one or two lines:\n${r.stderr}`);
    };

    it('a malformed flow file', async () => {
      const r = await chat(['--flow-file', writeFlow('broken.json', '{"states": [{"name": "Trigger",'), '-m', 'hi']);
      assert.strictEqual(r.code, 2, r.all);
      assert.match(r.stderr, /broken\.json is not JSON/);
      assertShort(r);
    });

    it('a dangling transition is refused before anything runs, naming both widgets', async () => {
      const first = bot.requests.length;
      const r = await chat(['--flow-file', writeFlow('dangling.json', [trigger('Hello'), hello('Nowhere')]), '--endpoint-url', bot.url, '-m', 'hi']);
      assert.strictEqual(r.code, 2, r.all);
      assert.match(r.stderr, /not a valid Studio flow: "Hello" transitions\[0\]: next "Nowhere" names no widget/);
      assert.strictEqual(r.stdout, '', 'no conversation happened');
      assert.strictEqual(bot.requests.length, first);
      assertShort(r);
    });

    it('an unknown widget type stops the run only when the run reaches it', async () => {
      const reached = await chat(['--flow-file', writeFlow('payments.json', [trigger('Hello'), hello('TakePayment'), payments]), '-m', 'hi', '-o', 'json']);
      assert.strictEqual(reached.code, 1, reached.all);
      const out = parse(reached);
      assert.deepStrictEqual(said(out, 'bot'), ['Hello from the flow.'], 'what ran before it is still shown');
      assert.strictEqual(out.ended, 'error');
      assert.match(reached.stderr, /The flow stopped at "TakePayment": .*capture-payments/);
      assert.match(reached.stderr, /"TakePayment" has a type test-chat does not model \(capture-payments\)/, 'warned up front');

      const notReached = await chat(['--flow-file', writeFlow('payments-later.json', [trigger('Hello'), hello(), payments]), '-m', 'hi', '-o', 'json']);
      assert.strictEqual(notReached.code, 0, notReached.all);
      assert.deepStrictEqual(said(parse(notReached), 'bot'), ['Hello from the flow.']);
      assert.match(notReached.stderr, /does not model \(capture-payments\)/);
      // No endpoint given: the run calls what the flow says, and says so (the keys in their order).
      assert.deepStrictEqual(Object.keys(parse(notReached)).slice(0, 2), ['flow', 'endpoint']);
      assert.strictEqual((parse(notReached) as unknown as { endpoint: string }).endpoint, '(as the flow says)');
    });

    it('task attributes that a bot answer turns into invalid JSON: no task (failedToEnqueue), stderr says why, exit 1', async () => {
      const callBot = {
        name: 'CallBot',
        type: 'make-http-request',
        properties: { offset: { x: 0, y: 200 }, method: 'POST', content_type: 'application/x-www-form-urlencoded;charset=utf-8', url: bot.url.replace(bot.token, '$COGNIGY_URL_TOKEN'), parameters: [
          { key: 'userId', value: 'e2e-user' },
          { key: 'sessionId', value: 'e2e-session' },
          { key: 'text', value: '{{trigger.conversation.Body}}' },
        ] },
        transitions: [{ event: 'success', next: 'ToFlex' }, { event: 'failed' }],
      };
      const toFlex = {
        name: 'ToFlex',
        type: 'send-to-flex',
        properties: { offset: { x: 0, y: 400 }, workflow: `WW${'1'.repeat(32)}`, channel: `TC${'2'.repeat(32)}`, attributes: '{"lastAnswer": "{{widgets.CallBot.parsed.text}}"}' },
        transitions: [{ event: 'callComplete' }, { event: 'failedToEnqueue' }, { event: 'callFailure' }],
      };
      const file = writeFlow('quoted-answer.json', [trigger('CallBot'), callBot, toFlex]);
      const r = await chat(['--flow-file', file, '--endpoint-url', bot.url, '-m', 'ends with a backslash \\', '-o', 'json']);
      assert.strictEqual(r.code, 1, r.all);
      const out = parse(r);
      assert.strictEqual(out.handedOver, false, 'TaskRouter refuses the task: nobody is handed over');
      assert.strictEqual(out.problems[0].kind, 'handover');
      assert.match(r.stderr, /"ToFlex" would not create the Flex task in Studio: the rendered attributes are not valid JSON/);
      assertShort(r);
    });

    it('an unreachable endpoint: the transcript shows what Studio would do, stderr says why, exit 1', async () => {
      const unreachable = `http://127.0.0.1:9/${'ab'.repeat(16)}`;
      registerTestSecret('ab'.repeat(16));
      const r = await chat(['--endpoint-url', unreachable, '-m', 'hi', '-o', 'json']);
      assert.strictEqual(r.code, 1, r.all);
      const out = parse(r);
      assert.ok(out.transcript.some((e) => e.kind === 'bot-failure' && /ECONNREFUSED/.test(e.text)));
      assert.strictEqual(out.problems[0].kind, 'bot-failure');
      assert.match(r.stderr, /"ProcessUserInput": The bot endpoint could not be reached \(connect ECONNREFUSED 127\.0\.0\.1:9\): check the endpoint URL's host/);
      assertShort(r);
    });
  });

  it('--demo needs no account at all: greeting, an answer, and the hand-over on "agent"', async () => {
    const r = await chat(['--demo', '-m', 'hello', '-m', 'what are your opening hours?', '-m', 'agent', '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    const config = path.join(cli.configDir, 'config.json');
    const profiles = fs.existsSync(config) ? JSON.parse(fs.readFileSync(config, 'utf8')).profiles ?? {} : {};
    assert.deepStrictEqual(Object.keys(profiles), [], 'the HOME has no profile (and the env no credentials)');
    const out = parse(r);
    const bots = said(out, 'bot');
    assert.match(bots[0], /^Hi, I'm the demo bot/);
    assert.match(bots[1], /Monday to Friday/);
    assert.strictEqual(bots[2], 'Let me connect you to a human agent.');
    assert.strictEqual(out.handedOver, true);

    const text = await chat(['--demo', '-m', 'agent']);
    assert.strictEqual(text.code, 0, text.all);
    assert.match(text.stdout, /Handed over to Flex\./);
    assert.match(text.stdout, /Note: The hand-over uses placeholder SIDs .*cognigy:init" fills in the real workflow and task channel/);
  });

  it('without a terminal and without --message or --script: a usage error, exit 2', async () => {
    const r = await chat(['--demo']);
    assert.strictEqual(r.code, 2, r.all);
    assert.match(r.stderr, /Nothing to do without a terminal/);
    assert.match(r.stderr, /--message/);
  });

  it('no file test-chat left under HOME holds the token', () => {
    // cli.cleanup() scans every file too; this names the failure here.
    for (const f of fs.readdirSync(cli.home)) {
      const p = path.join(cli.home, f);
      if (fs.statSync(p).isFile()) assert.ok(!fs.readFileSync(p, 'utf8').includes(bot.token), p);
    }
  });
});
