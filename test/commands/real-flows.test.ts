import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { CliHome, CliResult } from '../helpers/cli';
import { inProcessHome } from '../helpers/in-process';
import { registerTestSecret } from '../helpers/secrets';
import { startWorld, type World } from '../helpers/stand-ins';
import { twilioRequest } from '../helpers/twilio-direct';

/**
 * Flows as people write them, run by `twilio cognigy:test-chat` in-process (issue 14): messages to someone else, media and content templates, what Studio
 * accepts (numeric time-outs, content types without charset, send-to-flex without
 * attributes, Functions exported without URL, v1 exports), run-subflow, the REST API
 * trigger, stubs for the flow's own services, and the bot's failures diagnosed.
 * Every service is a stand-in on 127.0.0.1 or a stub; nothing else is reached. Stubs in
 * the REPL need a terminal: test/e2e/repl.test.ts.
 */
interface Entry {
  from: 'customer' | 'bot' | 'system';
  text: string;
  kind?: string;
  to?: string;
  mediaUrl?: string;
  content?: { sid: string; variables: Record<string, string> };
}
interface Report {
  transcript: Entry[];
  handedOver: boolean;
  handover: null | { attributes?: any; attributesRaw: string };
  ended: string | null;
  problems: { kind: string; widget: string; message: string }[];
}

const FW_CHILD = `FW${'c'.repeat(32)}`;
const ZH = `ZH${'7'.repeat(32)}`;
const ZS = `ZS${'7'.repeat(32)}`;
const WW = `WW${'a'.repeat(32)}`;
const TC = `TC${'b'.repeat(32)}`;
const TOKEN = 'f00dfeed'.repeat(4);

const trigger = (next: string, events = ['incomingMessage']) => ({
  name: 'Trigger',
  type: 'trigger',
  properties: { offset: { x: 0, y: 0 } },
  transitions: events.map((event) => ({ event, next })),
});
const say = (name: string, body: string, next?: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'send-message',
  properties: { offset: { x: 0, y: 0 }, body, ...extra },
  transitions: [{ event: 'sent', ...(next ? { next } : {}) }, { event: 'failed' }],
});
const ask = (name: string, body: string, next?: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'send-and-wait-for-reply',
  properties: { offset: { x: 0, y: 0 }, body, timeout: '3600', ...extra },
  transitions: [{ event: 'incomingMessage', ...(next ? { next } : {}) }, { event: 'timeout' }, { event: 'deliveryFailure' }],
});
const flowOf = (states: unknown[], initial = 'Trigger') => ({ description: 'e2e', initial_state: initial, states, flags: { allow_concurrent_calls: true } });

describe('real Studio flows run as Studio runs them (test-chat)', () => {
  let cli: CliHome;
  let service: http.Server;
  let serviceUrl: string;
  const calls: { method: string; url: string; body: string }[] = [];

  before(async () => {
    registerTestSecret(TOKEN);
    cli = await inProcessHome();
    // The flow's own services on 127.0.0.1: a Function, and a "bot endpoint" that answers
    // an HTML page with status 200 (a login or parking page in front of the real one).
    service = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls.push({ method: req.method ?? '', url: req.url ?? '', body });
        if (req.url === '/greet') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ greeting: `Hello from the Function (${new URLSearchParams(body).get('who')})` }));
        } else if (req.url === `/${TOKEN}`) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end('<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Please sign in</h1></body></html>');
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('no such path');
        }
      });
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => service?.close(resolve));
    cli?.cleanup();
  });

  const noTwilio = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined };
  const chat = (args: string[]) => cli.run(['cognigy:test-chat', ...args], { env: noTwilio });
  const write = (name: string, content: unknown) => {
    const file = path.join(cli.home, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  };
  const parse = (r: CliResult): Report => {
    try {
      return JSON.parse(r.stdout);
    } catch {
      throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.all}`);
    }
  };
  const said = (out: Report) => out.transcript.filter((e) => e.from === 'bot').map((e) => e.text);
  const assertShort = (r: CliResult, lines = 2) => {
    assert.notMatch(r.all, /\n\s+at .*:\d+:\d+\)?/, 'no stack trace');
    assert.ok(r.stderr.trim().split('\n').length <= lines, `at most ${lines} lines:\n${r.stderr}`);
  };

  describe('messages to someone else, media, content templates', () => {
    const notifyFlow = () =>
      write(
        'notify.json',
        flowOf([
          trigger('Thanks'),
          say('Thanks', 'Thanks, we will call you back.', 'NotifyStaff'),
          say('NotifyStaff', 'New lead from {{contact.channel.address}}: {{trigger.message.Body}}', 'NotifyLookup', { to: '+15550001111' }),
          { ...say('NotifyLookup', 'Also for the owner', undefined, { to: '{{widgets.nothing.parsed.phone}}' }), transitions: [{ event: 'sent' }, { event: 'failed', next: 'NoOwner' }] },
          say('NoOwner', 'Sorry, no owner to tell.'),
        ]),
      );

    it('a send-message to a staff number is shown as sent to that number, never as a message the customer receives', async () => {
      const r = await chat(['--flow-file', notifyFlow(), '--from', '+4915112345678', '-m', 'call me', '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const out = parse(r);
      assert.deepStrictEqual(said(out), ['Thanks, we will call you back.', 'Sorry, no owner to tell.'], 'the customer sees only their messages');
      const staff = out.transcript.filter((e) => e.kind === 'other-recipient');
      assert.strictEqual(staff.length, 1);
      assert.strictEqual(staff[0].to, '+15550001111');
      assert.match(staff[0].text, /"NotifyStaff" sends to \+15550001111, not the customer: New lead from \+4915112345678: call me/);
      // A `to` that renders empty has no recipient: Studio's widget fails (21604), it is not "sent".
      assert.ok(out.transcript.some((e) => e.kind === 'error' && /"NotifyLookup" sends nothing: .*renders empty.*21604.*"failed"/.test(e.text)), JSON.stringify(out.transcript));

      const text = await chat(['--flow-file', notifyFlow(), '-m', 'call me']);
      assert.strictEqual(text.code, 0, text.all);
      assert.match(text.stdout, /^bot › Thanks, we will call you back\.$/m);
      assert.match(text.stdout, /^ {2}⋯ "NotifyStaff" sends to \+15550001111, not the customer: New lead/m);
      assert.notMatch(text.stdout, /^bot › New lead/m);
    });

    it('a script expecting only the customer\'s messages passes: the staff message is not an extra bot message', async () => {
      const script = write(
        'notify.yaml',
        ['conversations:', '  - name: lead', '    steps:', '      - user: call me', '      - bot: Thanks, we will call you back.', '      - bot: Sorry, no owner to tell.', '      - end: true', ''].join('\n'),
      );
      const r = await chat(['--flow-file', notifyFlow(), '--script', script]);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, /1 passed/);
    });

    it('media_url and a content template reach the transcript (JSON and text) as Studio sends them', async () => {
      const file = write(
        'media.json',
        flowOf([
          trigger('Card'),
          say('Card', 'Here is your card', 'Template', { media_url: 'https://example.com/cards/{{contact.channel.address}}.vcf' }),
          say('Template', 'this body is not sent', undefined, {
            message_type: 'content_template',
            content_sid: `HX${'1'.repeat(32)}`,
            content_variables: [
              { key: '1', value: '{{trigger.message.Body}}' },
              { key: '2', value: 'Berlin' },
            ],
          }),
        ]),
      );
      const r = await chat(['--flow-file', file, '--from', '+4915112345678', '-m', 'Ana', '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const bot = parse(r).transcript.filter((e) => e.from === 'bot');
      assert.strictEqual(bot[0].text, 'Here is your card');
      assert.strictEqual(bot[0].mediaUrl, 'https://example.com/cards/+4915112345678.vcf');
      assert.deepStrictEqual(bot[1].content, { sid: `HX${'1'.repeat(32)}`, variables: { '1': 'Ana', '2': 'Berlin' } });
      assert.strictEqual(bot[1].text, `[content template HX${'1'.repeat(32)} with {{1}}="Ana", {{2}}="Berlin"]`);
      assert.ok(!r.stdout.includes('this body is not sent'));

      const text = await chat(['--flow-file', file, '--from', '+4915112345678', '-m', 'Ana']);
      assert.match(text.stdout, /bot › Here is your card\n\s+\[media https:\/\/example\.com\/cards\/\+4915112345678\.vcf\]/);
      assert.match(text.stdout, /bot › \[content template HX1{32} with \{\{1\}\}="Ana"/);
    });
  });

  describe('what Studio accepts is accepted', () => {
    it('a numeric timeout, application/json without charset and send-to-flex without attributes: the flow runs', async () => {
      const file = write(
        'lenient.json',
        flowOf([
          trigger('Ask'),
          { ...ask('Ask', 'Name?', 'Lookup'), properties: { offset: { x: 0, y: 0 }, body: 'Name?', timeout: 600 } },
          {
            name: 'Lookup',
            type: 'make-http-request',
            properties: { offset: { x: 0, y: 0 }, method: 'POST', content_type: 'application/json', url: `${serviceUrl}/greet`, body: '{"who": "{{widgets.Ask.inbound.Body}}"}' },
            transitions: [{ event: 'success', next: 'ToFlex' }, { event: 'failed' }],
          },
          { name: 'ToFlex', type: 'send-to-flex', properties: { offset: { x: 0, y: 0 }, workflow: WW, channel: TC }, transitions: [{ event: 'callComplete' }, { event: 'failedToEnqueue' }, { event: 'callFailure' }] },
        ]),
      );
      const first = calls.length;
      const r = await chat(['--flow-file', file, '--from', '+4915112345678', '-m', 'hi', '-m', 'Ana', '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const out = parse(r);
      assert.deepStrictEqual(said(out), ['Name?']);
      assert.strictEqual(out.handedOver, true);
      assert.strictEqual(out.handover!.attributes.name, '+4915112345678', "Studio's default attributes");
      const sent = calls.slice(first);
      assert.strictEqual(sent.length, 1);
      assert.strictEqual(sent[0].body, '{"who": "Ana"}');
    });

    const fnFlow = () =>
      write(
        'function.json',
        flowOf([
          trigger('Greet'),
          {
            name: 'Greet',
            type: 'run-function',
            properties: { offset: { x: 0, y: 0 }, service_sid: ZS, environment_sid: `ZE${'7'.repeat(32)}`, function_sid: ZH, url: '', parameters: [{ key: 'who', value: '{{trigger.message.Body}}' }] },
            transitions: [{ event: 'success', next: 'Said' }, { event: 'fail' }],
          },
          say('Said', '{{widgets.Greet.parsed.greeting}}'),
        ]),
      );

    it('run-function exported with url "" and a function_sid: runs through --function, else says which flag to pass', async () => {
      const bare = await chat(['--flow-file', fnFlow(), '-m', 'Ana']);
      assert.strictEqual(bare.code, 1, bare.all);
      assert.match(bare.stderr, /Widget "Greet" runs the Function ZH7{32} with no URL in the export: pass --function Greet=URL/);
      assert.match(bare.stderr, /The flow stopped at "Greet": .*--function Greet=URL/);
      assertShort(bare, 3);

      for (const key of ['Greet', ZH]) {
        const r = await chat(['--flow-file', fnFlow(), '--function', `${key}=${serviceUrl}/greet`, '-m', 'Ana', '-o', 'json']);
        assert.strictEqual(r.code, 0, r.all);
        assert.deepStrictEqual(said(parse(r)), ['Hello from the Function (Ana)']);
      }
    });

    it('a Studio v1 export: one line saying it is the old format, and how to get a v2 export', async () => {
      const v1 = write('v1.json', { description: 'A New Flow', states: [{ type: 'InitialState', name: 'Trigger', sid: `FF${'1'.repeat(32)}`, properties: { offset: { x: 0, y: 0 } }, transitions: [{ event: 'incomingMessage', next: `FF${'2'.repeat(32)}` }] }] });
      const r = await chat(['--flow-file', v1, '-m', 'hi']);
      assert.strictEqual(r.code, 2, r.all);
      assert.match(r.stderr, /Studio v1 flow export/);
      assert.match(r.stderr, /Export to JSON/);
      assert.notMatch(r.stderr, /and \d+ more/);
      assertShort(r, 3);
    });
  });

  it('a voice-only flow: refused in one line for what it is, not for its properties', async () => {
    const voice = write('voice.json', flowOf([trigger('Say', ['incomingCall']), { name: 'Say', type: 'say-play', properties: { say: 'Hello' }, transitions: [{ event: 'audioComplete' }] }]));
    const r = await chat(['--flow-file', voice, '-m', 'hi']);
    assert.strictEqual(r.code, 2, r.all);
    assert.match(r.stderr, /starts only with "incomingCall": Studio runs it for a phone call, which test-chat does not model/);
    assertShort(r, 3);
  });

  describe('run-subflow, the REST API trigger, stubs', () => {
    const child = flowOf([
      trigger('Q', ['incomingParent']),
      ask('Q', 'Hi {{flow.data.name}}, how are you?', 'Keep'),
      { name: 'Keep', type: 'set-variables', properties: { offset: { x: 0, y: 0 }, variables: [{ key: 'answer', value: '{{widgets.Q.inbound.Body}}' }] }, transitions: [{ event: 'next' }] },
    ]);
    const parent = (sid: string) =>
      flowOf([
        trigger('Sub'),
        {
          name: 'Sub',
          type: 'run-subflow',
          properties: { offset: { x: 0, y: 0 }, flow_sid: sid, flow_revision: 'LatestPublished', parameters: [{ key: 'name', value: '{{trigger.message.Body}}' }] },
          transitions: [{ event: 'completed', next: 'Back' }, { event: 'failed', next: 'Broken' }],
        },
        say('Back', 'Back in the parent: {{widgets.Sub.answer}}'),
        say('Broken', 'The subflow failed.'),
      ]);

    it('run-subflow from a file: parameters as flow.data, its own variables back as widgets.<widget>.<key>, then "completed"', async () => {
      const r = await chat(['--flow-file', write('parent.json', parent(FW_CHILD)), '--subflow', `${FW_CHILD}=${write('child.json', child)}`, '-m', 'Ana', '-m', 'fine', '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const out = parse(r);
      assert.deepStrictEqual(said(out), ['Hi Ana, how are you?', 'Back in the parent: fine']);
      assert.ok(out.transcript.some((e) => e.kind === 'subflow' && /completed/.test(e.text)));

      const missing = await chat(['--flow-file', write('parent.json', parent(FW_CHILD)), '-m', 'Ana']);
      assert.strictEqual(missing.code, 1, missing.all);
      assert.match(missing.stderr, new RegExp(`"Sub" runs the subflow ${FW_CHILD}, which .*--subflow ${FW_CHILD}=FILE`));
    });

    it('a subflow on its own starts with incomingParent and --param as its parameters', async () => {
      const r = await chat(['--flow-file', write('child.json', child), '--param', 'name=Bob', '-m', 'good', '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      assert.deepStrictEqual(said(parse(r)), ['Hi Bob, how are you?']);
    });

    it('the REST API trigger: --param as flow.data, the execution speaks first and -m answers it', async () => {
      const rest = write(
        'rest.json',
        flowOf([trigger('Invite', ['incomingRequest']), ask('Invite', 'Hello {{flow.data.name}}, join {{flow.data.campaign}}? ({{trigger.request.to}})', 'Ok'), say('Ok', 'You said {{widgets.Invite.inbound.Body}}')]),
      );
      const r = await chat(['--flow-file', rest, '--from', '+4915112345678', '--param', 'name=Zoe', '--param', 'campaign=spring=sale', '-m', 'yes', '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      const out = parse(r);
      assert.deepStrictEqual(said(out), ['Hello Zoe, join spring=sale? (+4915112345678)', 'You said yes']);
      assert.strictEqual(out.transcript[0].from, 'system', 'no customer message started it');

      const noRest = await chat(['--flow-file', write('notify-only.json', flowOf([trigger('A'), say('A', 'x')])), '--param', 'a=b', '-m', 'hi']);
      assert.strictEqual(noRest.code, 2, noRest.all);
      assert.match(noRest.stderr, /--param .* wires neither "incomingRequest"/);
    });

    const lookupFlow = () =>
      write(
        'lookup.json',
        flowOf([
          trigger('Lookup'),
          {
            name: 'Lookup',
            type: 'make-http-request',
            properties: { offset: { x: 0, y: 0 }, method: 'GET', content_type: 'application/x-www-form-urlencoded;charset=utf-8', url: 'https://crm.example.com/customers/{{contact.channel.address}}' },
            transitions: [{ event: 'success', next: 'Hello' }, { event: 'failed', next: 'Sorry' }],
          },
          say('Hello', 'Hello {{widgets.Lookup.parsed.name}}, you are a {{widgets.Lookup.parsed.tier}} customer.'),
          say('Sorry', 'We could not find you.'),
        ]),
      );
    const stubFile = (status: number) =>
      write(`stubs-${status}.yaml`, ['stubs:', '  - url: https://crm.example.com/customers/*', '    method: GET', `    status: ${status}`, '    body: { name: Ana, tier: gold }', ''].join('\n'));

    it('--stub answers by URL pattern in -m; a failed answer names the widget and the host, never "the bot"', async () => {
      const ok = await chat(['--flow-file', lookupFlow(), '--stub', stubFile(200), '-m', 'hi', '-o', 'json']);
      assert.strictEqual(ok.code, 0, ok.all);
      assert.deepStrictEqual(said(parse(ok)), ['Hello Ana, you are a gold customer.']);

      const missing = await chat(['--flow-file', lookupFlow(), '--stub', stubFile(404), '-m', 'hi', '-o', 'json']);
      assert.strictEqual(missing.code, 0, missing.all);
      const out = parse(missing);
      assert.deepStrictEqual(said(out), ['We could not find you.']);
      const failure = out.transcript.find((e) => e.kind === 'call-failure');
      assert.strictEqual(failure?.text, '"Lookup" → crm.example.com failed (HTTP 404): the flow takes "failed".');
      assert.ok(!missing.stdout.includes('the bot'), 'no bot in this flow');
    });

    it('stubs in scripts: --stub, and the YAML file\'s own stubs: section (matched by widget name)', async () => {
      const script = write('lookup.yaml', ['conversations:', '  - name: gold', '    steps:', '      - user: hi', '      - bot: Hello Ana, you are a gold customer.', ''].join('\n'));
      const r = await chat(['--flow-file', lookupFlow(), '--stub', stubFile(200), '--script', script]);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, /1 passed/);

      const own = write(
        'own-stubs.yaml',
        ['stubs:', '  - widget: Lookup', '    body: { name: Bo, tier: silver }', 'conversations:', '  - name: silver', '    steps:', '      - user: hi', '      - bot: Hello Bo, you are a silver customer.', ''].join('\n'),
      );
      const r2 = await chat(['--flow-file', lookupFlow(), '--script', own]);
      assert.strictEqual(r2.code, 0, r2.all);
      assert.match(r2.stdout, /1 passed/);
    });

    it('a bad stub file: one line naming the entry and what is wrong', async () => {
      const r = await chat(['--flow-file', lookupFlow(), '--stub', write('bad-stubs.yaml', 'stubs:\n  - status: 200\n'), '-m', 'hi']);
      assert.strictEqual(r.code, 2, r.all);
      assert.match(r.stderr, /bad-stubs\.yaml stubs\[0\]: matches nothing: give "widget" or "url"/);
      assertShort(r);
    });
  });

  it('a -m run against an endpoint answering an HTML page with status 200: exit 1, one line with the init probe\'s words', async () => {
    const r = await chat(['--endpoint-url', `${serviceUrl}/${TOKEN}`, '-m', 'hi', '-o', 'json']);
    assert.strictEqual(r.code, 1, r.all);
    const out = parse(r);
    assert.deepStrictEqual(out.problems.map((p) => p.kind), ['bot-failure']);
    assert.ok(out.transcript.some((e) => e.kind === 'bot-failure' && /answered an HTML page \(status 200\)/.test(e.text)), 'the transcript shows it');
    const lines = r.stderr.trim().split('\n');
    assert.strictEqual(lines.length, 1, r.stderr);
    assert.match(lines[0], /"ProcessUserInput": The bot endpoint answered an HTML page \(status 200\), not JSON: check the endpoint URL and that the endpoint is enabled\./);
    assert.ok(!r.all.includes(TOKEN), 'the URL token never appears');

    // A script fails on what the customer got, and says why the bot call failed in the same words.
    const script = write('html.yaml', ['conversations:', '  - name: greeting', '    steps:', '      - user: hi', '      - bot: { contains: "You said" }', ''].join('\n'));
    const scripted = await chat(['--endpoint-url', `${serviceUrl}/${TOKEN}`, '--script', script]);
    assert.strictEqual(scripted.code, 1, scripted.all);
    assert.match(scripted.stdout, /The bot endpoint answered an HTML page \(status 200\), not JSON/);
    assert.ok(!scripted.all.includes(TOKEN));
  });
});

describe('run-subflow with --flow: the child flow comes from Twilio by the SID the widget names', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ inProcess: true });
  });
  after(async () => world?.close());

  it('parent and child deployed in the account', async () => {
    const definitionOf = (states: unknown[]) => JSON.stringify({ description: 'e2e', initial_state: 'Trigger', states, flags: { allow_concurrent_calls: true } });
    const child = await twilioRequest(world, 'POST', '/studio/v2/Flows', {
      FriendlyName: 'Child',
      Status: 'published',
      Definition: definitionOf([
        trigger('Q', ['incomingParent']),
        ask('Q', 'Child asks {{flow.data.name}}', 'Keep'),
        { name: 'Keep', type: 'set-variables', properties: { offset: { x: 0, y: 0 }, variables: [{ key: 'answer', value: '{{widgets.Q.inbound.Body}}' }] }, transitions: [{ event: 'next' }] },
      ]),
    });
    const parent = await twilioRequest(world, 'POST', '/studio/v2/Flows', {
      FriendlyName: 'Parent',
      Status: 'published',
      Definition: definitionOf([
        trigger('Sub'),
        {
          name: 'Sub',
          type: 'run-subflow',
          properties: { offset: { x: 0, y: 0 }, flow_sid: child.sid, flow_revision: 'LatestPublished', parameters: [{ key: 'name', value: '{{trigger.message.Body}}' }] },
          transitions: [{ event: 'completed', next: 'Back' }, { event: 'failed' }],
        },
        say('Back', 'Parent got {{widgets.Sub.answer}}'),
      ]),
    });
    const r = await world.run(['cognigy:test-chat', '--flow', parent.sid, '-m', 'Ana', '-m', 'fine', '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(JSON.parse(r.stdout).transcript.filter((e: Entry) => e.from === 'bot').map((e: Entry) => e.text), ['Child asks Ana', 'Parent got fine']);
    assert.deepStrictEqual(world.fake.violations, []);
  });
});
