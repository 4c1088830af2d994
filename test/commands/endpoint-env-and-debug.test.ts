import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { conversationScene } from '../helpers/escalate-scene';
import { secretsIn, startWorld, World } from '../helpers/stand-ins';

/**
 * The endpoint given only as COGNIGY_ENDPOINT_URL (as CI does), and `-l debug`: the
 * bot calls are logged on stderr like cli-core logs Twilio's, with the URL token cut.
 * Every run also passes the suite's secret scan (test/helpers/secrets.ts).
 */
describe('COGNIGY_ENDPOINT_URL and -l debug', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ inProcess: true });
  });
  after(async () => world?.close());

  const noTwilio = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined };
  const botCallLines = (stderr: string) => stderr.split('\n').filter((l) => /\[DEBUG\] bot (call|probe):/.test(l));
  /** `POST http://127.0.0.1:PORT/[test/]…abcd → STATUS in N ms`, the token cut to its last four characters. */
  const botCall = (kind: 'call' | 'probe', status: number, o: { testMode?: boolean } = {}) =>
    new RegExp(`^\\[DEBUG\\] bot ${kind}: POST ${world.bot.url.replace(/\/[^/]+$/, o.testMode ? '/test' : '')}/…${world.bot.token.slice(-4)} → ${status} in \\d+ ms$`);

  it('test-chat takes the endpoint from COGNIGY_ENDPOINT_URL alone, and never prints it', async () => {
    const asked = world.bot.requests.length;
    const r = await world.run(['cognigy:test-chat', '-m', 'hello', '-o', 'json'], { env: { ...noTwilio, COGNIGY_ENDPOINT_URL: world.bot.url } });
    assert.strictEqual(r.code, 0, r.all);
    const out = JSON.parse(r.stdout);
    assert.strictEqual(out.transcript.find((e: any) => e.from === 'bot')?.text, 'You said: hello');
    assert.strictEqual(out.endpoint, world.bot.url.replace(/[^/]+$/, `…${world.bot.token.slice(-4)}`));
    assert.strictEqual(world.bot.requests.length, asked + 1, 'the bot behind the variable was called');

    const human = await world.run(['cognigy:test-chat', '-m', 'hello'], { env: { ...noTwilio, COGNIGY_ENDPOINT_URL: world.bot.url } });
    assert.strictEqual(human.code, 0, human.all);
    assert.match(human.stdout, /bot › You said: hello/);
    assert.deepStrictEqual(secretsIn(world, r.all + human.all), []);
  });

  it('init probes and saves the endpoint from COGNIGY_ENDPOINT_URL alone, and never prints it', async () => {
    const env = { COGNIGY_ENDPOINT_URL: world.bot.url };
    const r = await world.run(['cognigy:init', '--yes', '-o', 'json'], { env });
    assert.strictEqual(r.code, 0, r.all);
    const out = JSON.parse(r.stdout);
    assert.strictEqual(out.probe.ok, true);
    assert.strictEqual(world.bot.requests.at(-1)!.body && (world.bot.requests.at(-1)!.body as any).userId, 'twilio-cognigy-probe');
    const saved = JSON.parse(fs.readFileSync(path.join(world.cli.configDir, 'plugins', 'twilio-plugin-cognigy', 'setup.json'), 'utf8'));
    assert.strictEqual(saved.accounts[out.setup.accountSid].setup.endpointUrl, world.bot.url);

    const human = await world.run(['cognigy:init', '--yes'], { env });
    assert.strictEqual(human.code, 0, human.all);
    assert.match(human.stdout, new RegExp(`Bot endpoint\\s+http://127\\.0\\.0\\.1:\\d+/…${world.bot.token.slice(-4)}`));
    assert.deepStrictEqual(secretsIn(world, r.all + human.all), []);
  });

  it('test-chat -l debug logs each bot call (method, URL without its token, status, time), never the body', async () => {
    const env = { ...noTwilio, COGNIGY_ENDPOINT_URL: world.bot.url };
    const r = await world.run(['cognigy:test-chat', '-m', 'hello there', '-m', 'status:503', '-l', 'debug'], { env });
    assert.strictEqual(r.code, 1, r.all); // a failed bot call fails the run (issue 14)
    const lines = botCallLines(r.stderr);
    assert.strictEqual(lines.length, 2, r.stderr);
    assert.match(lines[0], botCall('call', 200));
    assert.match(lines[1], botCall('call', 503));
    assert.notMatch(r.stderr, /hello there/, 'what the customer wrote is not logged');
    assert.deepStrictEqual(secretsIn(world, r.all), []);

    const testMode = await world.run(['cognigy:test-chat', '-m', 'hi', '--test-mode', '-l', 'debug'], { env });
    assert.match(botCallLines(testMode.stderr)[0] ?? '', botCall('call', 200, { testMode: true }));

    const down = await world.run(['cognigy:test-chat', '--endpoint-url', 'http://127.0.0.1:9/abcdef0123456789', '-m', 'hi', '-l', 'debug'], { env: noTwilio });
    assert.match(botCallLines(down.stderr)[0] ?? '', /^\[DEBUG\] bot call: POST http:\/\/127\.0\.0\.1:9\/…6789 → failed \(network: .*\) after \d+ ms$/);

    const quiet = await world.run(['cognigy:test-chat', '-m', 'hi'], { env });
    assert.deepStrictEqual(botCallLines(quiet.stderr), [], 'nothing logged without -l debug');
  });

  it('init -l debug logs the probe call', async () => {
    const r = await world.run(['cognigy:init', '--yes', '--endpoint-url', world.bot.url, '-l', 'debug']);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(botCallLines(r.stderr).map((l) => botCall('probe', 200).test(l)), [true], r.stderr);
    assert.deepStrictEqual(secretsIn(world, r.all), []);
  });

  it('escalate -l debug logs its Twilio calls, with no secret in them', async () => {
    const link = await world.run(['cognigy:link-flow']);
    assert.strictEqual(link.code, 0, link.all);
    const flow = [...world.fake.state.flows.values()].find((f) => f.friendly_name === 'Cognigy Bot Flow')!;
    const s = conversationScene(world.fake.state, flow.sid, '+15553000001');
    const r = await world.run(['cognigy:escalate', '--conversation', s.sid, '-l', 'debug']);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stderr, /\[DEBUG\] post https:\/\/flex-api\.twilio\.com\/v1\/Interactions\n/);
    assert.match(r.stderr, /\[DEBUG\] post https:\/\/studio\.twilio\.com\/v2\/Flows\/FW[0-9a-f]{32}\/Executions\/FN[0-9a-f]{32}\n/);
    assert.match(r.stderr, /\[DEBUG\] Form data:/, 'the bodies sent, which hold the transcript and the routing');
    assert.deepStrictEqual(secretsIn(world, r.all), []);
  });
});
