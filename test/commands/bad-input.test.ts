import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { BotBehaviour } from '../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../stand-ins/cognigy-scripted';
import { startWorld, World } from '../helpers/stand-ins';

/**
 * Bad input across the commands: each gets one or two lines (what is wrong, what to do),
 * a non-zero exit, no stack trace and no EEXIT noise. The count of rows, with the two
 * `-p` rows of test/e2e/profiles.test.ts, is a figure in the README ("Reliability and
 * security").
 */
interface Row {
  name: string;
  args: (w: Ctx) => string[];
  env?: (w: Ctx) => Record<string, string | undefined>;
  bot?: BotBehaviour;
  /** Point Twilio calls at an API that answers everything with this. */
  api?: { status: number; body: unknown };
  before?: (w: Ctx) => void | Promise<void>;
  expect: RegExp;
  exit?: number;
}

interface Ctx extends World {
  dir: string;
  apiUrl: string;
}

const flowFile = (c: Ctx, name: string, content: string) => {
  const file = path.join(c.dir, name);
  fs.writeFileSync(file, content);
  return file;
};

const botAnswer = (status: number, body: unknown, contentType?: string): BotBehaviour => () => ({ status, body: body as any, contentType });

/** The seeded Flex account's routing, by name. */
const FLEX = ['--workspace', 'Flex Task Assignment', '--workflow', 'Assign to Anyone', '--task-channel', 'chat'];

const ROWS: Row[] = [
  // init: the endpoint URL
  { name: 'init: a malformed endpoint URL', args: () => ['cognigy:init', '--endpoint-url', 'not a url', '--yes'], expect: /URL/i, exit: 2 },
  { name: 'init: an ftp endpoint URL', args: () => ['cognigy:init', '--endpoint-url', 'ftp://endpoint.example/abcdef0123456789', '--yes'], expect: /http/i, exit: 2 },
  { name: 'init: an endpoint URL without a token', args: () => ['cognigy:init', '--endpoint-url', 'https://endpoint-trial.cognigy.ai/', '--yes'], expect: /token/i, exit: 2 },
  { name: 'init: an endpoint URL with a query string', args: () => ['cognigy:init', '--endpoint-url', 'https://endpoint-trial.cognigy.ai/abcdef0123456789?x=1', '--yes'], expect: /query|URL/i, exit: 2 },
  // init: what the bot answers to the probe
  { name: 'init: an unreachable endpoint', args: () => ['cognigy:init', '--endpoint-url', 'http://127.0.0.1:9/abcdef0123456789', '--yes'], expect: /probe/i },
  { name: 'init: the endpoint answers 500', bot: botAnswer(500, { error: 'boom' }), args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes'], expect: /500/ },
  { name: 'init: the endpoint answers 404 (wrong token)', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url.replace(/[^/]+$/, 'ffffffffffffffffffff'), '--yes'], expect: /404/ },
  { name: 'init: the endpoint answers an HTML page', bot: botAnswer(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html'), args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes'], expect: /HTML/i },
  { name: 'init: the endpoint answers plain text', bot: botAnswer(200, 'OK', 'text/plain'), args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes'], expect: /JSON/i },
  { name: 'init: the endpoint answers a JSON array', bot: botAnswer(200, [{ text: 'hi' }]), args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes'], expect: /outputStack|shape|array/i },
  // Without an outputStack but with a text (a transformer's reshaping) is usable: init.test.ts.
  { name: 'init: the answer has neither outputStack nor text', bot: botAnswer(200, { reply: 'hi', data: {} }), args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes'], expect: /outputStack/i },
  { name: 'init: the answer is 1 MB', bot: () => [{ text: 'big', data: { blob: 'x'.repeat(1024 * 1024) } }], args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes'], expect: /large|kB|MB|bytes/i },
  // init: credentials and the account
  { name: 'init: wrong credentials (401)', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes'], env: () => ({ TWILIO_AUTH_TOKEN: 'f'.repeat(32) }), expect: /20003|Authenticate/i },
  { name: 'init: no credentials', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes'], env: () => ({ TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined }), expect: /profiles:create/ },
  // -p with an unknown profile, and the endpoint URL given to -p: test/e2e/profiles.test.ts (profiles are the host's).
  { name: 'init: the API answers 403', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes', '--skip-probe'], api: { status: 403, body: { code: 20403, message: 'Forbidden', more_info: 'https://www.twilio.com/docs/errors/20403', status: 403 } }, env: (c) => ({ TWILIO_API_BASE_URL: c.apiUrl }), expect: /20403|Forbidden/ },
  { name: 'init: the API answers 404', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes', '--skip-probe'], api: { status: 404, body: { code: 20404, message: 'The requested resource was not found', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 } }, env: (c) => ({ TWILIO_API_BASE_URL: c.apiUrl }), expect: /20404/ },
  { name: 'init: the API answers 400 with Twilio\'s error body', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes', '--skip-probe'], api: { status: 400, body: { code: 20001, message: 'Invalid parameter', more_info: 'https://www.twilio.com/docs/errors/20001', status: 400 } }, env: (c) => ({ TWILIO_API_BASE_URL: c.apiUrl }), expect: /20001|Invalid parameter/ },
  { name: 'init: TWILIO_API_BASE_URL is not a URL', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--yes'], env: () => ({ TWILIO_API_BASE_URL: 'nowhere' }), expect: /TWILIO_API_BASE_URL/ },
  { name: 'init: a workflow the account does not have', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--workflow', 'Nope', '--yes'], expect: /Assign to Anyone/ },
  { name: 'init: a task channel SID passed as the workflow', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--workflow', `TC${'0'.repeat(32)}`, '--yes'], expect: /not a workflow SID/ },
  { name: 'init: a flow the account does not have', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--flow', 'Nope', '--yes'], expect: /Messaging Flow/ },
  { name: 'init: --flow and --new-flow together', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--flow', 'Messaging Flow', '--new-flow', 'X', '--yes'], expect: /either --flow/ },
  { name: 'init: an unknown channel model', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--channel-model', 'fax'], expect: /fax|channel-model/, exit: 2 },
  { name: 'init: an escalation key that could inject Liquid', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--escalation-key', 'x}}{{y', '--yes'], expect: /not a data key/ },
  { name: 'init: an unknown bot-failure action', args: (c) => ['cognigy:init', '--endpoint-url', c.bot.url, '--on-bot-failure', 'retry'], expect: /retry|on-bot-failure/, exit: 2 },
  { name: 'init: an unknown flag', args: () => ['cognigy:init', '--endpoint', 'x'], expect: /--endpoint/, exit: 2 },
  // the endpoint URL without its flag or under a misspelt one: its token never shows
  { name: 'init: the endpoint URL without --endpoint-url', args: (c) => ['cognigy:init', c.bot.url], expect: /Unexpected argument "http:\/\/127\.0\.0\.1:\d+\/…\w{4}"[\s\S]*--endpoint-url/, exit: 2 },
  { name: 'init: the endpoint URL after a misspelt flag', args: (c) => ['cognigy:init', '--endpont-url', c.bot.url, '--yes'], expect: /Unknown flag --endpont-url/, exit: 2 },
  { name: 'init: the endpoint URL after a misspelt flag, with =', args: (c) => ['cognigy:init', `--endpont-url=${c.bot.url}`], expect: /Unknown flag --endpont-url/, exit: 2 },
  { name: 'init: a flag given as the value of another', args: () => ['cognigy:init', '--workflow', '--yes'], expect: /--workflow needs a value[\s\S]*--workflow=VALUE/, exit: 2 },
  { name: 'init: a value for a switch', args: () => ['cognigy:init', '--yes=no'], expect: /--yes takes no value/, exit: 2 },
  // link-flow
  { name: 'link-flow: no saved setup and no endpoint', args: () => ['cognigy:link-flow'], expect: /cognigy:init/ },
  { name: 'link-flow: --restore of a missing file', args: (c) => ['cognigy:link-flow', '--endpoint-url', c.bot.url, '--restore', path.join(c.dir, 'missing.json')], expect: /ENOENT|Cannot read/ },
  { name: 'link-flow: --restore of a file that is not JSON', args: (c) => ['cognigy:link-flow', '--endpoint-url', c.bot.url, '--restore', flowFile(c, 'bad.json', '{ nope')], expect: /not JSON/ },
  { name: 'link-flow: --restore of JSON that is not a flow', args: (c) => ['cognigy:link-flow', '--endpoint-url', c.bot.url, '--restore', flowFile(c, 'other.json', '{"a": 1}')], expect: /states/ },
  { name: 'link-flow: a malformed Flex Flow SID', args: (c) => ['cognigy:link-flow', '--endpoint-url', c.bot.url, '--workflow', `WW${'1'.repeat(32)}`, '--task-channel', `TC${'1'.repeat(32)}`, '--flex-flow', 'FO123', '--dry-run'], expect: /not a Flex Flow SID/ },
  { name: 'link-flow: an unknown status', args: (c) => ['cognigy:link-flow', '--endpoint-url', c.bot.url, '--status', 'live'], expect: /live|status/, exit: 2 },
  { name: 'link-flow: an unknown flow to patch', args: (c) => ['cognigy:link-flow', '--endpoint-url', c.bot.url, '--workflow', `WW${'1'.repeat(32)}`, '--task-channel', `TC${'1'.repeat(32)}`, '--flow', 'Nope'], expect: /No Studio flow "Nope"/ },
  { name: 'link-flow: a workflow name without Flex in the account', args: (c) => ['cognigy:link-flow', '--endpoint-url', c.bot.url, '--workflow', 'VIP', '--task-channel', 'chat'], expect: /No workflow "VIP"/ },
  { name: 'link-flow: no workflow for the hand-over', args: (c) => ['cognigy:link-flow', '--endpoint-url', c.bot.url], expect: /--workflow/ },
  // test-chat
  { name: 'test-chat: no terminal and nothing to play', args: (c) => ['cognigy:test-chat', '--endpoint-url', c.bot.url], expect: /--message/, exit: 2 },
  { name: 'test-chat: no endpoint at all', args: () => ['cognigy:test-chat', '-m', 'hi'], env: () => ({ TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined }), expect: /endpoint/i },
  { name: 'test-chat: a malformed endpoint URL', args: () => ['cognigy:test-chat', '--endpoint-url', 'http//x', '-m', 'hi'], expect: /URL/i, exit: 2 },
  { name: 'test-chat: a missing flow file', args: (c) => ['cognigy:test-chat', '--flow-file', path.join(c.dir, 'nope.json'), '-m', 'hi'], expect: /Cannot read/ },
  { name: 'test-chat: a flow file that is not JSON', args: (c) => ['cognigy:test-chat', '--flow-file', flowFile(c, 'broken.json', '{"states": ['), '-m', 'hi'], expect: /not JSON/ },
  { name: 'test-chat: a flow file that is not a flow', args: (c) => ['cognigy:test-chat', '--flow-file', flowFile(c, 'list.json', '[1,2]'), '-m', 'hi'], expect: /states/ },
  { name: 'test-chat: a flow file with the token placeholder and no endpoint', args: (c) => ['cognigy:test-chat', '--flow-file', flowFile(c, 'placeholder.json', JSON.stringify({ description: '', initial_state: 'Trigger', states: [{ name: 'Trigger', type: 'trigger', properties: {}, transitions: [{ event: 'incomingMessage', next: 'Call' }] }, { name: 'Call', type: 'make-http-request', properties: { method: 'POST', url: 'https://h.example/$COGNIGY_URL_TOKEN', content_type: 'application/json;charset=utf-8', body: '{}' }, transitions: [] }] })), '-m', 'hi'], env: () => ({ TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined }), expect: /\$COGNIGY_URL_TOKEN/ },
  { name: 'test-chat: --demo with a flow file', args: (c) => ['cognigy:test-chat', '--demo', '--flow-file', flowFile(c, 'any.json', '{}'), '-m', 'hi'], expect: /--demo/ },
  { name: 'test-chat: --message and --script together', args: (c) => ['cognigy:test-chat', '--endpoint-url', c.bot.url, '-m', 'hi', '--script', c.dir], expect: /either --message or --script/ },
  { name: 'test-chat: --concurrency 0', args: (c) => ['cognigy:test-chat', '--endpoint-url', c.bot.url, '--script', c.dir, '--concurrency', '0'], expect: /concurrency/ },
  { name: 'test-chat: --timeout 0', args: (c) => ['cognigy:test-chat', '--endpoint-url', c.bot.url, '--script', c.dir, '--timeout', '0'], expect: /timeout/ },
  { name: 'test-chat: a script path that does not exist', args: (c) => ['cognigy:test-chat', '--endpoint-url', c.bot.url, '--script', path.join(c.dir, 'no-such-folder')], expect: /no-such-folder/ },
  { name: 'test-chat: a bot answer whose data is a JSON string (the escalation in it is lost)', args: (c) => ['cognigy:test-chat', '--endpoint-url', c.bot.url, '-m', 'escalate-datastring'], expect: /JSON string[\s\S]*object/ },
  { name: 'test-chat: an unknown flag after -m is not sent as a message', args: (c) => ['cognigy:test-chat', '--endpoint-url', c.bot.url, '-m', 'hi', '--form', '+1555'], expect: /Unknown flag --form/, exit: 2 },
  { name: 'test-chat: -m followed by a flag', args: (c) => ['cognigy:test-chat', '--endpoint-url', c.bot.url, '-m', '--form'], expect: /--message needs a value[\s\S]*--message=VALUE/, exit: 2 },
  { name: 'test-chat: an unquoted message', args: (c) => ['cognigy:test-chat', '--endpoint-url', c.bot.url, '-m', 'hi', 'there'], expect: /"there" after --message[\s\S]*quote/, exit: 2 },
  { name: 'test-chat: --concurrency that is not a number', args: (c) => ['cognigy:test-chat', '--endpoint-url', c.bot.url, '--script', c.dir, '--concurrency', 'many'], expect: /many|integer/i, exit: 2 },
  // escalate
  { name: 'escalate: no conversation named', args: () => ['cognigy:escalate', '--workflow', `WW${'1'.repeat(32)}`, '--task-channel', `TC${'1'.repeat(32)}`], expect: /--conversation|--channel|--contact/ },
  { name: 'escalate: a malformed conversation SID', args: () => ['cognigy:escalate', '--conversation', 'CH123', '--workflow', `WW${'1'.repeat(32)}`, '--task-channel', `TC${'1'.repeat(32)}`], expect: /CH123/ },
  { name: 'escalate: a conversation the account does not have', args: () => ['cognigy:escalate', '--conversation', `CH${'e'.repeat(32)}`, ...FLEX], expect: /CHe{32}|not found|No conversation/i },
  { name: 'escalate: --conversation and --channel together', args: () => ['cognigy:escalate', '--conversation', `CH${'e'.repeat(32)}`, '--channel', `CH${'d'.repeat(32)}`], expect: /--conversation|--channel/ },
  { name: 'escalate: --channel with --channel-model conversations', args: () => ['cognigy:escalate', '--channel', `CH${'d'.repeat(32)}`, '--channel-model', 'conversations'], expect: /channel-model|legacy/ },
  { name: 'escalate: a contact with no active execution', args: () => ['cognigy:escalate', '--contact', '+15550009999', ...FLEX], expect: /--channel|--conversation/ },
];

export const BAD_INPUT_ROWS = ROWS.length;

describe(`bad input: ${ROWS.length} cases, each a clear message and a non-zero exit`, () => {
  let ctx: Ctx;
  const errorServers: http.Server[] = [];
  before(async () => {
    const world = await startWorld({ inProcess: true });
    const dir = fs.mkdtempSync(path.join(world.cli.home, 'inputs-'));
    ctx = { ...world, dir, apiUrl: '' };
  });
  after(async () => {
    for (const s of errorServers) s.close();
    await ctx?.close();
  });

  /** An API that answers every request with one status and body, like a failing Twilio. */
  async function startErrorApi(status: number, body: unknown): Promise<string> {
    const server = http.createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    errorServers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  for (const row of ROWS) {
    it(row.name, async () => {
      const c: Ctx = { ...ctx, apiUrl: row.api ? await startErrorApi(row.api.status, row.api.body) : '' };
      await row.before?.(c);
      if (row.bot) ctx.bot.setBehaviour(row.bot);
      try {
        const r = await ctx.run(row.args(c), { env: row.env?.(c) });
        assert.notStrictEqual(r.code, 0, `exit code 0:\n${r.all}`);
        if (row.exit !== undefined) assert.strictEqual(r.code, row.exit, r.all);
        assert.match(r.stderr, row.expect);
        const lines = r.stderr.split('\n').filter((l) => l.trim());
        assert.ok(lines.length >= 1 && lines.length <= 2, `one or two lines:\n${r.stderr}`);
        assert.notMatch(r.all, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
        assert.notMatch(r.all, /EEXIT/);
        assert.ok((r.all.match(/--help/g) ?? []).length <= 1, `"See … --help" said once:\n${r.all}`);
      } finally {
        ctx.bot.setBehaviour(scriptedBehaviour);
      }
    });
  }
});
