import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { startBotServer, demoBehaviour, BotServer } from '../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../stand-ins/cognigy-scripted';
import { linkedHome, CliHome, baseEnv, TWILIO_BIN } from '../helpers/cli';
import { spawnTwilio, PtySession } from '../helpers/pty';
import { registerTestSecret } from '../helpers/secrets';
import { restApiFlow } from '../helpers/flows';
import { hideEndpointToken } from '../../src/lib/studio/endpoint-token';

/**
 * The test-chat REPL in a pseudo-terminal, through the real twilio binary: what a person
 * types and sees. Every wait is bounded (the helper's waitFor and exited time out).
 * Without a terminal the REPL does not start, so these stay here while the rest of
 * test-chat runs in-process (test/commands).
 */
const say = (name: string, body: string, next?: string) => ({ name, type: 'send-message', properties: { body }, transitions: [{ event: 'sent', ...(next ? { next } : {}) }, { event: 'failed' }] });
const ask = (name: string, body: string, next?: string) => ({
  name,
  type: 'send-and-wait-for-reply',
  properties: { body, timeout: '3600' },
  transitions: [{ event: 'incomingMessage', ...(next ? { next } : {}) }, { event: 'timeout', next: 'TimedOut' }, { event: 'deliveryFailure' }],
});
const flowOf = (states: ({ name: string } & Record<string, unknown>)[]) => ({
  description: 'repl',
  initial_state: 'Trigger',
  states: [{ name: 'Trigger', type: 'trigger', properties: { offset: { x: 0, y: 0 } }, transitions: [{ event: 'incomingMessage', next: states[0].name }] }, ...states],
  flags: { allow_concurrent_calls: true },
});

describe('the test-chat REPL in a terminal', () => {
  let cli: CliHome;
  let bot: BotServer;
  before(async () => {
    bot = await startBotServer({ behaviour: scriptedBehaviour });
    registerTestSecret(bot.token);
    cli = await linkedHome();
  });
  after(async () => {
    await bot?.close();
    cli?.cleanup();
  });

  /** Count the prompts so far: a turn is over when one more prompt appears. */
  const prompts = (s: PtySession) => (s.output().match(/you › /g) ?? []).length;
  const send = async (s: PtySession, line: string, expect: RegExp) => {
    const before = prompts(s);
    s.write(`${line}\r`);
    await s.waitFor(expect, 15_000);
    // …and the next prompt: the REPL is ready for more.
    const ready = () => prompts(s) > before && /you › $/.test(s.output());
    const started = Date.now();
    while (!ready() && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 25));
    assert.ok(ready(), `no prompt after ${JSON.stringify(line)}:\n${s.output()}`);
  };

  it('--demo: messages, /data, /transcript, /save, /reset, /help, then Ctrl-D ends with exit 0', async () => {
    const session = spawnTwilio(cli.home, ['cognigy:test-chat', '--demo']);
    const saved = path.join(cli.home, 'chat.json');
    try {
      await session.waitFor(/Type \/help for commands\.\s+you › /);
      assert.match(session.output(), /Note: The hand-over uses placeholder SIDs .*cognigy:init/);
      assert.match(session.output(), /The demo bot knows:/);

      await send(session, 'hello', /bot › Hi, I'm the demo bot.*How can I help you\?/);
      assert.match(session.output(), /quick replies: Opening hours \| Order status \| Pricing \| Talk to an agent/);
      assert.match(session.output(), /\(\d+ ms; slowest bot call \d+ ms of Studio's 10 s\)/, 'a timing line after the turn');

      await send(session, '/data', /"_quickReplies"/);
      await send(session, 'when are you open?', /bot › We are open Monday to Friday/);

      const shownBefore = (session.output().match(/Monday to Friday/g) ?? []).length;
      await send(session, '/transcript', /you › \/transcript\s+you › hello/);
      assert.strictEqual((session.output().match(/Monday to Friday/g) ?? []).length, shownBefore + 1, '/transcript repeats the conversation');

      await send(session, `/save ${saved}`, /Saved 5 entries to /);
      const file = JSON.parse(fs.readFileSync(saved, 'utf8'));
      assert.deepStrictEqual(
        file.transcript.filter((e: any) => e.from === 'customer').map((e: any) => e.text),
        ['hello', 'when are you open?'],
      );
      assert.strictEqual(fs.statSync(saved).mode & 0o777, 0o600);

      await send(session, '/escalate', /cognigy:escalate" would do/);
      assert.match(session.output(), /transcript/i, 'the preview carries the conversation so far');
      await send(session, 'agent', /Handed over to Flex/);
      await send(session, 'hello again?', /with a Flex agent now/);
      await send(session, '/reset', /New session/);
      const greetings = (session.output().match(/Hi, I'm the demo bot/g) ?? []).length;
      await send(session, 'order 12345', /Order 12345 has shipped/);
      assert.strictEqual((session.output().match(/Hi, I'm the demo bot/g) ?? []).length, greetings + 1, 'a new session: the bot greets again');

      await send(session, '/help', /\/save FILE/);
      assert.match(session.output(), /\/escalate/);
      await send(session, '/nope', /Unknown command \/nope/);

      session.write('\u0004'); // Ctrl-D
      assert.strictEqual(await session.exited(15_000), 0, session.output());
    } finally {
      session.kill();
    }
  });

  it('Ctrl-C ends cleanly with exit 0, also while the bot is still answering', async () => {
    const idle = spawnTwilio(cli.home, ['cognigy:test-chat', '--demo']);
    try {
      await idle.waitFor(/you › /);
      idle.write('\u0003');
      assert.strictEqual(await idle.exited(15_000), 0, idle.output());
    } finally {
      idle.kill();
    }

    const busy = spawnTwilio(cli.home, ['cognigy:test-chat', '--endpoint-url', bot.url]);
    try {
      await busy.waitFor(/you › /);
      busy.write('slow:8000 still there?\r');
      const started = Date.now();
      await new Promise((r) => setTimeout(r, 500));
      busy.write('\u0003');
      assert.strictEqual(await busy.exited(15_000), 0, busy.output());
      assert.ok(Date.now() - started < 5_000, 'Ctrl-C does not wait for the slow answer');
    } finally {
      busy.kill();
    }
  });

  it('against a real endpoint URL: redacted banner, no token on screen or in a saved transcript; /quit exits 0', async () => {
    const session = spawnTwilio(cli.home, ['cognigy:test-chat', '--endpoint-url', bot.url]);
    const saved = path.join(cli.home, 'real.json');
    try {
      await session.waitFor(/you › /);
      assert.match(session.output(), new RegExp(`Bot endpoint: http://127\\.0\\.0\\.1:\\d+/…${bot.token.slice(-4)}\\.`));
      await send(session, 'multi', /bot › First output\. Second output\. Third output\.\s+\(3 bot outputs, sent as one message\)/);
      await send(session, 'line with "quotes" & 100%', /bot › You said: line with "quotes" & 100%/);
      await send(session, `/save ${saved}`, /Saved \d+ entries/);
      session.write('/quit\r');
      // exited() also scans everything the terminal showed for the token.
      assert.strictEqual(await session.exited(15_000), 0, session.output());
    } finally {
      session.kill();
    }
    const text = fs.readFileSync(saved, 'utf8');
    assert.ok(!text.includes(bot.token));
    assert.strictEqual(bot.requests.at(-1)!.body && (bot.requests.at(-1)!.body as any).text, 'line with "quotes" & 100%');
  });

  it('colours only on a terminal without NO_COLOR', async () => {
    // spawnTwilio strips escapes from what it shows; read the raw terminal here.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const pty = require('node-pty');
    const raw = async (env: Record<string, string>) => {
      const child = pty.spawn(process.execPath, [TWILIO_BIN, 'cognigy:test-chat', '--demo'], {
        cols: 120,
        rows: 40,
        cwd: cli.home,
        env: { ...baseEnv(cli.home), TERM: 'xterm-256color', ...env },
      });
      let buffer = '';
      child.onData((d: string) => (buffer += d));
      const exited = new Promise<number>((resolve) => child.onExit(({ exitCode }: { exitCode: number }) => resolve(exitCode)));
      const until = async (pattern: RegExp) => {
        const started = Date.now();
        while (!pattern.test(buffer) && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 25));
        assert.match(buffer, pattern);
      };
      try {
        await until(/you › /);
        child.write('hello\r');
        await until(/How can I help you\?[\s\S]*you › /);
        child.write('\u0004');
        const code = await Promise.race([exited, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no exit')), 15_000))]);
        assert.strictEqual(code, 0);
        return buffer;
      } finally {
        try {
          child.kill();
        } catch {
          // already gone
        }
      }
    };
    const plain = await raw({ NO_COLOR: '1' });
    assert.notMatch(plain, /\u001b\[36mbot ›/);
    const coloured = await raw({ NO_COLOR: '', FORCE_COLOR: '' });
    assert.match(coloured, /\u001b\[36mbot ›\u001b\[39m/, "chalk's cyan");
  });

  it('a turn nearing Studio\'s 10 s is flagged, and a hand-over shows what Flex would receive', async () => {
    const session = spawnTwilio(cli.home, ['cognigy:test-chat', '--endpoint-url', bot.url]);
    try {
      await session.waitFor(/you › /);
      // 6 s: past the 5 s warning, still inside Studio's budget, so the answer arrives.
      await send(session, 'slow:6000 are you there?', /bot › You said: slow:6000 are you there\?/);
      assert.match(session.output(), /ProcessUserInput waited 6\.\d s for its answer: Studio fails the widget past 10 s\./);
      assert.match(session.output(), /slowest bot call 6\d{3} ms of Studio's 10 s/);
      const quick = session.output().length;
      await send(session, 'hello', /bot › You said: hello/);
      assert.notMatch(session.output().slice(quick), /waited .* for its answer/, 'a quick turn is not flagged');

      await send(session, 'escalate-bool', /Flex would receive \(SendToFlexAgent\):/);
      const block = session.output().slice(session.output().lastIndexOf('Flex would receive'));
      assert.match(block, /^Flex would receive \(SendToFlexAgent\):\s+workflow\s+WW[0-9a-f]{32}\s+task channel\s+\S+\s+attributes\s+\{/);
      const attributes = JSON.parse(/attributes\s+(\{[\s\S]*?\n\s*\})\s*\n\s*\(/.exec(block)![1]);
      assert.strictEqual(attributes.cognigy.reason, 'bot-escalation');
      assert.strictEqual(attributes.cognigy.lastAnswer, 'Let me connect you to a human agent.');
      session.write('/quit\r');
      assert.strictEqual(await session.exited(15_000), 0, session.output());
    } finally {
      session.kill();
    }
  });

  // From test/commands/fidelity-widgets.test.ts (issue 19): /media is a REPL command.
  it('the REPL sends media as the customer: /media URL text', async () => {
    const file = path.join(cli.home, 'media-flow.json');
    fs.writeFileSync(file, JSON.stringify(flowOf([ask('Ask', 'media {{trigger.message.NumMedia}} {{trigger.message.MediaUrl0}} text "{{trigger.message.Body}}"', 'Got'), say('Got', 'then {{widgets.Ask.inbound.NumMedia}} {{widgets.Ask.inbound.MediaUrl1}}'), say('TimedOut', 'timed out')])));
    const session = spawnTwilio(cli.home, ['cognigy:test-chat', '--flow-file', file]);
    try {
      await session.waitFor(/you › /, 15_000);
      session.write('/media https://example.com/a.jpg look at this\r');
      await session.waitFor(/bot › media 1 https:\/\/example\.com\/a\.jpg text "look at this"/, 15_000);
      session.write('/media https://example.com/b.jpg,https://example.com/c.jpg\r');
      await session.waitFor(/bot › then 2 https:\/\/example\.com\/c\.jpg/, 15_000);
      session.write('\u0004');
      assert.strictEqual(await session.exited(15_000), 0, session.output());
    } finally {
      session.kill();
    }
  });

  // From test/commands/real-flows.test.ts (issue 14): --stub answers in the REPL too.
  it('stubs in the REPL', async () => {
    const flow = path.join(cli.home, 'lookup-flow.json');
    fs.writeFileSync(
      flow,
      JSON.stringify(
        flowOf([
          {
            name: 'Lookup',
            type: 'make-http-request',
            properties: { offset: { x: 0, y: 0 }, method: 'GET', content_type: 'application/x-www-form-urlencoded;charset=utf-8', url: 'https://crm.example.com/customers/{{contact.channel.address}}' },
            transitions: [{ event: 'success', next: 'Hello' }, { event: 'failed', next: 'Sorry' }],
          },
          say('Hello', 'Hello {{widgets.Lookup.parsed.name}}, you are a {{widgets.Lookup.parsed.tier}} customer.'),
          say('Sorry', 'We could not find you.'),
        ]),
      ),
    );
    const stubs = path.join(cli.home, 'stubs-200.yaml');
    fs.writeFileSync(stubs, ['stubs:', '  - url: https://crm.example.com/customers/*', '    method: GET', '    status: 200', '    body: { name: Ana, tier: gold }', ''].join('\n'));
    const session = spawnTwilio(cli.home, ['cognigy:test-chat', '--flow-file', flow, '--stub', stubs], { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined });
    try {
      await session.waitFor(/you › /, 20_000);
      session.write('hi\r');
      await session.waitFor(/bot › Hello Ana, you are a gold customer\./, 15_000);
      session.write('\u0004');
      assert.strictEqual(await session.exited(10_000), 0);
    } finally {
      session.kill();
    }
  });

  // From test/commands/replay.test.ts (issue 20): /save FILE.yaml with --record.
  it('the REPL with --record: /save FILE.yaml writes the session as a script and its answers; the script replays green without the bot', async () => {
    const demo = await startBotServer({ behaviour: demoBehaviour });
    registerTestSecret(demo.token);
    const script = path.join(cli.home, 'designer', 'opening.yaml');
    const rec = path.join(cli.home, 'designer', 'bot.yaml');
    const session = spawnTwilio(cli.home, ['cognigy:test-chat', '--endpoint-url', demo.url, '--record', rec]);
    try {
      await session.waitFor(/you › /, 20_000);
      await send(session, 'hello', /How can I help you\?/);
      await send(session, 'when are you open?', /Monday to Friday/);
      await send(session, `/save ${script}`, /Saved the conversation as a script \(\d+ steps\) to .*opening\.yaml\s+and the bot's answers to .*bot\.yaml/);
      session.write('/quit\r');
      assert.strictEqual(await session.exited(15_000), 0, session.output());
    } finally {
      session.kill();
      await demo.close();
    }
    const steps = parseAllDocuments(fs.readFileSync(script, 'utf8'))[0].toJS().conversations[0].steps;
    assert.deepStrictEqual(steps[0], { user: 'hello' });
    assert.ok(steps.some((s: { bot?: string }) => /Monday to Friday/.test(s.bot ?? '')), JSON.stringify(steps));
    const docs = parseAllDocuments(fs.readFileSync(rec, 'utf8')).map((d) => d.toJS());
    assert.deepStrictEqual(docs.slice(1).map((d) => [d.conversation, d.turns.length]), [['opening', 2]]);
    // The bot is gone: the designer's session replays as a test.
    const replay = await cli.run(['cognigy:test-chat', '--script', script, '--endpoint-url', demo.url, '--replay', rec]);
    assert.strictEqual(replay.code, 0, replay.all);
    assert.match(replay.stdout, /^1 passed, 0 failed$/m);
  });

  it('a flow the REST API starts: the REPL begins it, /save FILE.convo.txt opens with the bot, and replays green with the same --param', async () => {
    const demo = await startBotServer({ behaviour: demoBehaviour });
    registerTestSecret(demo.token);
    const dir = path.join(cli.home, 'outbound');
    fs.mkdirSync(dir, { recursive: true });
    // The customer's message starts it too: --param makes the run start it the REST API's way.
    const flow = path.join(dir, 'flow.json');
    fs.writeFileSync(flow, JSON.stringify(hideEndpointToken(restApiFlow(demo.url, { messaging: true, customer: '{{contact.channel.address}}', session: '{{contact.channel.address}}' }), demo.url)));
    const script = path.join(dir, 'outbound.convo.txt');
    const rec = path.join(dir, 'bot.yaml');
    const run = ['cognigy:test-chat', '--flow-file', flow, '--endpoint-url', demo.url, '--param', 'campaign=parcel'];
    const session = spawnTwilio(cli.home, [...run, '--record', rec]);
    try {
      // The execution speaks before the customer writes.
      await session.waitFor(/Hi, I'm the demo bot[\s\S]*you › $/, 20_000);
      await send(session, 'opening hours', /Monday to Friday/);
      await send(session, `/save ${script}`, /Saved the conversation as a script \(\d+ steps\) to .*outbound\.convo\.txt\s+and the bot's answers to .*bot\.yaml: replay it with --script .*outbound\.convo\.txt --replay .*bot\.yaml --param campaign=parcel/);
      session.write('/quit\r');
      assert.strictEqual(await session.exited(15_000), 0, session.output());
    } finally {
      session.kill();
      await demo.close();
    }
    assert.match(fs.readFileSync(script, 'utf8'), /^outbound\n\n#bot\nHi, I'm the demo bot[^\n]*\n\n#bot\n[^\n]+\n\n#me\nopening hours\n\n#bot\nWe are open Monday to Friday/);
    // The bot is gone: the designer's session replays as a test, the run beginning the execution as the REPL did.
    const replay = await cli.run(['cognigy:test-chat', '--script', script, ...run.slice(1), '--replay', rec]);
    assert.strictEqual(replay.code, 0, replay.all);
    assert.match(replay.stdout, /^1 passed, 0 failed$/m);
    // Without --param the customer's message starts this flow: a script that opens with the bot says how to fix it.
    const messaging = await cli.run(['cognigy:test-chat', '--script', script, '--flow-file', flow, '--endpoint-url', demo.url, '--replay', rec]);
    assert.strictEqual(messaging.code, 1, messaging.all);
    assert.match(messaging.stdout, /outbound\.convo\.txt:3: script error: conversation "outbound" opens with the bot, .*wire the trigger's REST API event \(incomingRequest\) and run with --param KEY=VALUE/);
  });
});
