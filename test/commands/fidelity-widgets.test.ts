import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { CliHome, CliResult } from '../helpers/cli';
import { inProcessHome } from '../helpers/in-process';
import { registerTestSecret } from '../helpers/secrets';

/**
 * Issue 19, run in-process: `test-chat --flow-file` runs small flows, one per difference
 * from Studio's widget pages, against a loopback HTTP server that answers as each case
 * needs (content types, JSON or not) and records what it received. /media in the REPL
 * needs a terminal: test/e2e/repl.test.ts.
 */
interface Entry {
  from: 'customer' | 'bot' | 'system';
  text: string;
  kind?: string;
  media?: string[];
}
interface Report {
  transcript: Entry[];
  handedOver: boolean;
  handover: null | { attributes?: any };
  ended: string | null;
  problems: { kind: string; widget: string; message: string }[];
}
interface Received {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

const WW = `WW${'1'.repeat(32)}`;
const TC = `TC${'2'.repeat(32)}`;
const PASSWORD = 'pw-9f8e7d6c5b4a39281706';

describe('test-chat --flow-file follows Studio\'s widget pages (issue 19)', () => {
  let cli: CliHome;
  let server: http.Server;
  let base = '';
  const received: Received[] = [];
  let fnCalls = 0;
  // Flow files live outside the CLI's HOME: one holds a URL password on purpose, and the
  // secret scan of HOME checks that test-chat itself never writes it anywhere.
  const flows = fs.mkdtempSync(path.join(os.tmpdir(), 'fidelity-flows-'));

  before(async () => {
    registerTestSecret(PASSWORD);
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
        const send = (type: string, text: string) => {
          res.writeHead(200, { 'content-type': type });
          res.end(text);
        };
        if (req.url === '/json') return send('application/json; charset=utf-8', '{"text":"from json"}');
        if (req.url === '/text-json') return send('text/plain; charset=utf-8', '{"text":"from text"}');
        if (req.url === '/fn') {
          // Run Function answers: a, then b, then text that is not JSON.
          const answers = ['{"a":"1"}', '{"b":"2"}', 'done'];
          return send(fnCalls < 2 ? 'application/json' : 'text/plain', answers[Math.min(fnCalls++, 2)]);
        }
        return send('application/json', '{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cli = await inProcessHome();
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    cli?.cleanup();
    fs.rmSync(flows, { recursive: true, force: true });
  });

  const noTwilio = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined };
  let files = 0;
  const writeFlow = (states: unknown[], event = 'incomingMessage') => {
    const file = path.join(flows, `flow-${++files}.json`);
    const trigger = { name: 'Trigger', type: 'trigger', properties: { offset: { x: 0, y: 0 } }, transitions: [{ event, next: (states[0] as { name: string }).name }] };
    fs.writeFileSync(file, JSON.stringify({ description: 'issue 19', initial_state: 'Trigger', states: [trigger, ...states], flags: { allow_concurrent_calls: true } }));
    return file;
  };
  const say = (name: string, body: string, next?: string) => ({ name, type: 'send-message', properties: { body }, transitions: [{ event: 'sent', ...(next ? { next } : {}) }, { event: 'failed' }] });
  const ask = (name: string, body: string, next?: string, timeout = '3600') => ({
    name,
    type: 'send-and-wait-for-reply',
    properties: { body, timeout },
    transitions: [{ event: 'incomingMessage', ...(next ? { next } : {}) }, { event: 'timeout', next: 'TimedOut' }, { event: 'deliveryFailure' }],
  });
  const timedOut = say('TimedOut', 'timed out');
  const httpWidget = (name: string, properties: Record<string, unknown>, next: string, failed = 'Failed') => ({
    name,
    type: 'make-http-request',
    properties: { method: 'POST', content_type: 'application/x-www-form-urlencoded;charset=utf-8', ...properties },
    transitions: [{ event: 'success', next }, { event: 'failed', next: failed }],
  });
  const failed = say('Failed', 'the call failed');
  const flex = (properties: Record<string, unknown>, created: string, refused: string) => ({
    name: 'ToFlex',
    type: 'send-to-flex',
    properties: { workflow: WW, channel: TC, ...properties },
    transitions: [{ event: 'callComplete', next: created }, { event: 'failedToEnqueue', next: refused }, { event: 'callFailure' }],
  });

  const play = async (file: string, messages: string[], extra: string[] = []) => {
    const r = await cli.run(['cognigy:test-chat', '--flow-file', file, ...messages.flatMap((m) => ['-m', m]), '-o', 'json', ...extra], { env: noTwilio });
    return { r, out: parse(r) };
  };
  const parse = (r: CliResult): Report => {
    try {
      return JSON.parse(r.stdout);
    } catch {
      throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.all}`);
    }
  };
  const botSaid = (out: Report) => out.transcript.filter((e) => e.from === 'bot').map((e) => e.text);
  const sinceNow = () => {
    const first = received.length;
    return () => received.slice(first);
  };

  it('1. a split regex must match the whole reply: "16" is not a rating of [1-5]', async () => {
    const file = writeFlow([
      ask('Rate', 'Rate us 1-5', 'Split'),
      {
        name: 'Split',
        type: 'split-based-on',
        properties: { input: '{{widgets.Rate.inbound.Body}}' },
        transitions: [
          { event: 'noMatch', next: 'Again' },
          { event: 'match', next: 'Thanks', conditions: [{ friendly_name: 'rating', arguments: ['{{widgets.Rate.inbound.Body}}'], type: 'regex', value: '[1-5]' }] },
        ],
      },
      say('Thanks', 'Thanks for {{widgets.Rate.inbound.Body}}'),
      say('Again', 'Not a rating: {{widgets.Rate.inbound.Body}}'),
      timedOut,
    ]);
    const sixteen = await play(file, ['hi', '16']);
    assert.strictEqual(sixteen.r.code, 0, sixteen.r.all);
    assert.deepStrictEqual(botSaid(sixteen.out), ['Rate us 1-5', 'Not a rating: 16']);
    const three = await play(file, ['hi', ' 3 ']);
    assert.deepStrictEqual(botSaid(three.out), ['Rate us 1-5', 'Thanks for  3 ']);
  });

  it('2. send-message exposes widgets.X.outbound.*; send-and-wait\'s outbound has Sid', async () => {
    const file = writeFlow([
      say('Hello', 'Hello', 'Ask'),
      ask('Ask', 'You were told "{{widgets.Hello.outbound.Body}}" ({{widgets.Hello.outbound.Status}}) [{{widgets.Hello.Body}}]', 'Echo'),
      say('Echo', 'sid prefix {{widgets.Ask.outbound.Sid | slice: 0, 2}}'),
      timedOut,
    ]);
    const { r, out } = await play(file, ['hi', 'ok']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(botSaid(out), ['Hello', 'You were told "Hello" (sent) []', 'sid prefix IM']);
  });

  it('3. send-to-flex: "Task Created" goes on (its message is sent); a refused task takes failedToEnqueue', async () => {
    const created = await play(writeFlow([flex({ attributes: '{"topic": "billing"}' }, 'Queued', 'Sorry'), say('Queued', 'An agent will be with you shortly.'), say('Sorry', 'No agent now.')]), ['help']);
    assert.strictEqual(created.r.code, 0, created.r.all);
    assert.deepStrictEqual(botSaid(created.out), ['An agent will be with you shortly.']);
    assert.strictEqual(created.out.handedOver, true);
    assert.strictEqual(created.out.ended, 'handover');
    assert.ok(created.out.transcript.some((e) => e.kind === 'end' && /after the hand-over: handed over to Flex by "ToFlex"; "Queued" then ended the flow/.test(e.text)), created.r.stdout);

    const refused = await play(writeFlow([flex({ attributes: '{"text": "{{trigger.message.Body}}"}' }, 'Queued', 'Sorry'), say('Queued', 'An agent will be with you shortly.'), say('Sorry', 'No agent now.')]), ['say "hi"']);
    assert.strictEqual(refused.r.code, 1, refused.r.all);
    assert.deepStrictEqual(botSaid(refused.out), ['No agent now.']);
    assert.strictEqual(refused.out.handedOver, false);
    assert.strictEqual(refused.out.problems[0].kind, 'handover');
    assert.match(refused.r.stderr, /"ToFlex" would not create the Flex task in Studio: the rendered attributes are not valid JSON/);
  });

  it('4. send-to-flex on Conversations adds channelType, customerAddress, from, name, customerName', async () => {
    const file = writeFlow([flex({ attributes: '{"topic": "billing"}' }, 'Queued', 'Sorry'), say('Queued', 'queued'), say('Sorry', 'sorry')], 'incomingConversationMessage');
    const { r, out } = await play(file, ['help'], ['--from', '+4915112345678']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(out.handover!.attributes, {
      channelType: 'sms',
      customerAddress: '+4915112345678',
      from: '+4915112345678',
      name: '+4915112345678',
      customerName: '+4915112345678',
      topic: 'billing',
    });
  });

  it('5. parsed only for an application/json answer: the same JSON as text/plain leaves it empty, and the transcript says why', async () => {
    const flow = (url: string) => writeFlow([httpWidget('Call', { url }, 'Say'), say('Say', '[{{widgets.Call.parsed.text}}]'), failed]);
    const json = await play(flow(`${base}/json`), ['hi']);
    assert.deepStrictEqual(botSaid(json.out), ['[from json]']);
    const text = await play(flow(`${base}/text-json`), ['hi']);
    assert.strictEqual(text.r.code, 0, text.r.all);
    assert.deepStrictEqual(botSaid(text.out), ['[]']);
    assert.ok(text.out.transcript.some((e) => /is a JSON object sent as "text\/plain; charset=utf-8", not application\/json, so widgets\.Call\.parsed is empty/.test(e.text)), text.r.stdout);
  });

  it('6. add_twilio_auth off Twilio and a parameter named "method" send nothing and take failed; user:password@ is sent as basic auth', async () => {
    const refused = sinceNow();
    const auth = await play(writeFlow([httpWidget('Call', { url: `${base}/json`, add_twilio_auth: true }, 'Ok'), say('Ok', 'ok'), failed]), ['hi']);
    assert.deepStrictEqual(botSaid(auth.out), ['the call failed']);
    assert.strictEqual(auth.r.code, 1, auth.r.all);
    assert.match(auth.r.stderr, /add_twilio_auth/);
    const method = await play(writeFlow([httpWidget('Call', { url: `${base}/json`, parameters: [{ key: 'method', value: 'card' }] }, 'Ok'), say('Ok', 'ok'), failed]), ['hi']);
    assert.deepStrictEqual(botSaid(method.out), ['the call failed']);
    assert.match(method.r.stderr, /81014/);
    assert.deepStrictEqual(refused(), [], 'nothing reached the server');

    const basic = sinceNow();
    const withUser = `${base.replace('http://', `http://bot:${PASSWORD}@`)}/json`;
    const ok = await play(writeFlow([httpWidget('Call', { url: withUser }, 'Ok'), say('Ok', 'ok'), failed]), ['hi']);
    assert.strictEqual(ok.r.code, 0, ok.r.all);
    assert.deepStrictEqual(botSaid(ok.out), ['ok']);
    const [request] = basic();
    assert.strictEqual(request.authorization, `Basic ${Buffer.from(`bot:${PASSWORD}`).toString('base64')}`);
    assert.ok(!ok.r.all.includes(PASSWORD), 'the password is never shown');
  });

  it('7. run-function merges parsed across runs and keeps it on a text answer', async () => {
    fnCalls = 0;
    const file = writeFlow([
      { name: 'Fn', type: 'run-function', properties: { url: `${base}/fn`, parameters: [{ key: 'text', value: '{{trigger.message.Body}}' }] }, transitions: [{ event: 'success', next: 'Ask' }, { event: 'fail', next: 'Failed' }] },
      ask('Ask', 'a={{widgets.Fn.parsed.a}} b={{widgets.Fn.parsed.b}}', 'Fn'),
      failed,
      timedOut,
    ]);
    const { r, out } = await play(file, ['one', 'two', 'three']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(botSaid(out), ['a=1 b=', 'a=1 b=2', 'a=1 b=2']);
  });

  it('8. trigger: NumMedia/MediaUrl0 from a script\'s MEDIA, location fields; Conversations AccountSid, DateCreated, MessagingServiceSid', async () => {
    const legacy = writeFlow([ask('Ask', '{{trigger.message.NumMedia}} {{trigger.message.MediaUrl0}} [{{trigger.message.FromCountry}}]', 'Got'), say('Got', 'reply media: {{widgets.Ask.inbound.NumMedia}}'), timedOut]);
    const script = path.join(cli.home, 'media.convo.txt');
    fs.writeFileSync(script, ['media', '', '#me', 'look at this', 'MEDIA https://example.com/photo.jpg', '', '#bot', '1 https://example.com/photo.jpg []', '', '#me', 'no photo', '', '#bot', 'reply media: 0', ''].join('\n'));
    const scripted = await cli.run(['cognigy:test-chat', '--flow-file', legacy, '--script', script], { env: noTwilio });
    assert.strictEqual(scripted.code, 0, scripted.all);

    const conversations = writeFlow([say('Say', '{{trigger.conversation.AccountSid | slice: 0, 2}} {{trigger.conversation.MessagingServiceSid | slice: 0, 2}} {{trigger.conversation.DateCreated | slice: 0, 2}}')], 'incomingConversationMessage');
    const { r, out } = await play(conversations, ['hi']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(botSaid(out), [`AC MG ${String(new Date().getUTCFullYear()).slice(0, 2)}`]);
  });

  it('9. set-variables: "parse as JSON object" and numbers', async () => {
    const file = writeFlow([
      {
        name: 'Vars',
        type: 'set-variables',
        properties: {
          variables: [
            { key: 'order', value: '{"id": 41, "items": ["tea"]}', type: 'json' },
            { key: 'tries', value: '2' },
          ],
        },
        transitions: [{ event: 'next', next: 'Say' }],
      },
      say('Say', '{{flow.variables.order.items[0]}} #{{flow.variables.order.id | plus: 1}} tries={{flow.variables.tries | to_json}}'),
    ]);
    const { r, out } = await play(file, ['hi']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(botSaid(out), ['tea #42 tries=2']);
  });

  it('10. limits: 2,000 widgets lint clean; a wait past 30 days ends the execution; a send-to-flex timeout over 1,209,600 s is refused', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => say(`S${i}`, `m${i}`, i < 1499 ? `S${i + 1}` : undefined));
    const big = await play(writeFlow(many), ['hi']);
    assert.strictEqual(big.r.code, 1, 'the run stops at Studio\'s 1,000 steps');
    assert.notMatch(big.r.stderr, /allows at most/, 'a flow of 1,500 widgets is accepted');
    assert.strictEqual(big.out.ended, 'limit');

    const longWait = writeFlow([ask('Ask', 'Take your time', 'Thanks', String(31 * 86_400)), say('Thanks', 'thanks'), timedOut]);
    const script = path.join(cli.home, 'silence.yaml');
    fs.writeFileSync(script, ['name: a wait longer than an execution lives', 'steps:', '  - user: hi', '  - bot: Take your time', '  - silence: true', '  - end: limit', ''].join('\n'));
    const silent = await cli.run(['cognigy:test-chat', '--flow-file', longWait, '--script', script], { env: noTwilio });
    assert.strictEqual(silent.code, 0, silent.all);

    // A literal timeout that high is a lint error; rendered from a variable, the run shows what Studio does.
    const vars = { name: 'Vars', type: 'set-variables', properties: { variables: [{ key: 't', value: '2000000' }] }, transitions: [{ event: 'next', next: 'ToFlex' }] };
    const timeout = await play(writeFlow([vars, flex({ attributes: '{}', timeout: '{{flow.variables.t}}' }, 'Queued', 'Sorry'), say('Queued', 'queued'), say('Sorry', 'sorry')]), ['help']);
    assert.deepStrictEqual(botSaid(timeout.out), ['sorry']);
    assert.match(timeout.r.stderr, /timeout/);
  });
});
