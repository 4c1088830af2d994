import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { REPL_COMMANDS } from '../../src/printers/repl-commands';
import { ROOT, type CliResult, type RunOptions } from '../helpers/cli';
import { conversationScene } from '../helpers/escalate-scene';
import { runInProcess } from '../helpers/in-process';
import { registerTestSecret } from '../helpers/secrets';
import { startWorld, secretsIn, World, FAKE_ACCOUNT_SID } from '../helpers/stand-ins';

/**
 * What only the `twilio` host shows, and one run of every command through it: the plugin
 * linked with `plugins:link`, its topic and help as the host renders them, and init,
 * link-flow, test-chat and escalate each run once end to end from the real binary. Every
 * other behaviour of the commands is tested in the test process (test/commands); the
 * last tests here run the same command lines in both layers on the same HOME and ask
 * for the same output, so what test/commands proves holds for the host too.
 */
describe('the twilio host: help, and each command once end to end', () => {
  let world: World;
  let flowSid: string;
  before(async () => {
    world = await startWorld();
  });
  after(async () => world?.close());

  it('twilio cognigy --help lists the commands', async () => {
    const r = await world.run(['cognigy', '--help']);
    assert.strictEqual(r.code, 0, r.all);
    for (const c of ['init', 'link-flow', 'test-chat', 'escalate']) assert.match(r.stdout, new RegExp(`cognigy ${c}`));
  });

  it("every command's help links to its own section of the README (an anchor its heading really gets), not to Twilio's API docs", async () => {
    // GitHub's (and npm's) heading anchors: lower case, punctuation but - and _ dropped, spaces to -.
    const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
    for (const c of ['init', 'link-flow', 'test-chat', 'escalate']) {
      const r = await world.run([`cognigy:${c}`, '--help']);
      assert.strictEqual(r.code, 0, r.all);
      const link = /MORE INFO\s+(\S+)/.exec(r.stdout)?.[1];
      assert.ok(link, r.stdout);
      const url = new URL(link);
      assert.strictEqual(`${url.origin}${url.pathname}`, 'https://www.npmjs.com/package/twilio-plugin-cognigy');
      assert.ok(anchors.has(url.hash.slice(1)), `${link}: no README heading renders as ${url.hash}`);
      assert.ok(readme.includes(`### \`twilio cognigy:${c}\``) && url.hash === `#${slug(`\`twilio cognigy:${c}\``)}`, `${c} links to its own section`);
      assert.notMatch(r.stdout, /twilio\.com\/docs\/api/);
      if (c === 'test-chat') {
        const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        for (const command of REPL_COMMANDS) assert.match(r.stdout, new RegExp(`^\\s+${escape(command.usage)}\\s+\\S`, 'm'), `test-chat --help lists ${command.usage}`);
        assert.notMatch(r.stdout, /--new-flow/, 'test-chat --help has no --new-flow');
      }
      if (c === 'init') assert.match(r.stdout, /--new-flow/, 'init --help keeps --new-flow');
    }
  });

  it('smoke: init --yes -o json probes, discovers and saves the setup', async () => {
    const r = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--yes', '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    const out = JSON.parse(r.stdout);
    assert.strictEqual(out.setup.accountSid, FAKE_ACCOUNT_SID);
    assert.strictEqual(out.probe.ok, true);
    assert.strictEqual(out.changed, true);
    const saved = path.join(world.cli.configDir, 'plugins', 'twilio-plugin-cognigy', 'setup.json');
    assert.strictEqual(fs.statSync(saved).mode & 0o777, 0o600);
    assert.deepStrictEqual(secretsIn(world, r.all), []);
  });

  it('smoke: link-flow deploys the flow', async () => {
    const r = await world.run(['cognigy:link-flow']);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stdout, /Created/);
    const flows = [...world.fake.state.flows.values()].filter((f) => f.friendly_name === 'Cognigy Bot Flow');
    assert.strictEqual(flows.length, 1);
    flowSid = flows[0].sid;
    assert.deepStrictEqual(world.fake.violations, []);
  });

  it('smoke: test-chat -m runs the deployed flow against the bot', async () => {
    const r = await world.run(['cognigy:test-chat', '-m', 'hello']);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stdout, /bot › You said: hello/);
  });

  it('smoke: escalate hands a conversation to Flex and ends the bot', async () => {
    const s = conversationScene(world.fake.state, flowSid, '+15554000001');
    const r = await world.run(['cognigy:escalate', '--conversation', s.sid]);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stdout, /Handed conversation CH[0-9a-f]{32} .* to Flex: interaction KD/);
    assert.strictEqual(world.fake.state.executions.get(s.executionSid)!.status, 'ended');
    assert.deepStrictEqual(world.fake.violations, []);
  });

  describe('the in-process layer prints what the host prints', () => {
    /** Durations and the Date header vary between two runs; nothing else may. */
    const same = (text: string) => text.replace(/\d+ ms\b/g, 'N ms').replace(/"date":"[^"]*"/g, '"date":"…"');
    const normal = (r: CliResult) => ({ code: r.code, stdout: same(r.stdout), stderr: same(r.stderr) });
    const both = async (args: string[], options: RunOptions = {}) => {
      const run = { ...options, env: { ...world.env, ...options.env } };
      const host = await world.cli.run(args, run);
      const inProcess = await runInProcess(world.cli.home, args, run);
      assert.deepStrictEqual(normal(inProcess), normal(host), `twilio ${args.join(' ')}`);
      return host;
    };

    it('columns, JSON and TSV output, and the Mermaid diagram', async () => {
      await both(['cognigy:init', '--yes']);
      await both(['cognigy:link-flow', '--dry-run', '--diagram']);
      await both(['cognigy:link-flow', '--dry-run', '-o', 'json']);
      await both(['cognigy:init', '--yes', '-o', 'tsv']);
    });

    it('usage errors, library errors and refused credentials: the same lines and exit codes, also as -o json', async () => {
      const usage = await both(['cognigy:init', '--channel-model', 'fax']);
      assert.strictEqual(usage.code, 2, usage.all);
      await both(['cognigy:init', '--endpont-url', world.bot.url, '-o', 'json']);
      await both(['cognigy:escalate', '--conversation', 'CH123', '-o', 'json']);
      const wrongToken = 'e'.repeat(32);
      registerTestSecret(wrongToken);
      const refused = await both(['cognigy:link-flow', '--dry-run'], { env: { TWILIO_AUTH_TOKEN: wrongToken } });
      assert.strictEqual(refused.code, 20, refused.all);
    });

    it('-l debug and FORCE_COLOR=1: the same debug lines, coloured the same', async () => {
      const r = await both(['cognigy:link-flow', '--dry-run', '-l', 'debug'], { env: { FORCE_COLOR: '1' } });
      assert.match(r.stderr, /\u001b\[2m\[DEBUG\]/, "cli-core's debug lines are dim on a forced-colour pipe");
      await both(['cognigy:link-flow', '--dry-run', '-l', 'debug']);
    });
  });
});
