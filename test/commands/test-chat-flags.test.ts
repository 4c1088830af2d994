import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoBehaviour } from '../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../stand-ins/cognigy-scripted';
import type { CliResult } from '../helpers/cli';
import { registerTestSecret } from '../helpers/secrets';
import { startWorld, type World } from '../helpers/stand-ins';
import { startTwilioFake, type TwilioFake } from '../stand-ins/twilio';

/**
 * The test-chat flags, output formats and exit codes no other in-process file covers:
 * `-o columns`, `-l`, `-p`, `--workspace` (refused), `--escalation-key`, `--botium-config`, the
 * usage rules between flags (exit 2, also as `-o json`), and the exit code of an empty
 * suite and of a merge of failed reports. With the other files in test/commands every
 * flag, format (text, json, tsv, none/--silent, --junit) and exit code (0, 1, 2, 20) of
 * test-chat runs in-process; 130 (Ctrl-C) needs a real signal: test/e2e/test-chat-host.
 */
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'scripts');
const PROFILE = {
  id: 'work',
  accountSid: `AC${'5d'.repeat(16)}`,
  apiKey: `SK${'6c'.repeat(16)}`,
  apiSecret: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b',
  authToken: '1dea1dea1dea1dea1dea1dea1dea1dea',
};
const noTwilio = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined };

describe('twilio cognigy:test-chat flags, formats and exit codes', () => {
  let world: World;
  let work: string;
  before(async () => {
    world = await startWorld({ inProcess: true });
    work = fs.mkdtempSync(path.join(world.cli.home, 'flags-'));
  });
  after(async () => world?.close());

  const chat = (args: string[], env: Record<string, string | undefined> = noTwilio) => world.run(['cognigy:test-chat', ...args], { env });
  const folder = (name: string, files: Record<string, string>) => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
    return dir;
  };
  const usage = (r: CliResult, message: RegExp) => {
    assert.strictEqual(r.code, 2, r.all);
    assert.match(r.stderr, message);
    assert.notMatch(r.all, /\n\s+at .*:\d+:\d+\)?/, 'no stack trace');
    assert.ok(r.stderr.trim().split('\n').length <= 2, `one or two lines:\n${r.stderr}`);
  };
  const withoutTimes = (text: string) => text.replace(/\d+ ms/g, 'N ms');

  it('-o columns is the text output, as without -o', async () => {
    const plain = await chat(['--endpoint-url', world.bot.url, '-m', 'hello', '-m', 'multi']);
    const columns = await chat(['--endpoint-url', world.bot.url, '-m', 'hello', '-m', 'multi', '-o', 'columns']);
    assert.strictEqual(columns.code, 0, columns.all);
    assert.match(columns.stdout, /^bot › You said: hello$/m);
    assert.strictEqual(withoutTimes(columns.stdout), withoutTimes(plain.stdout));
  });

  it('-l debug logs the bot call on stderr; the next run, without it, logs nothing, as a fresh process would', async () => {
    const debug = await chat(['--endpoint-url', world.bot.url, '-m', 'hello', '-l', 'debug']);
    assert.strictEqual(debug.code, 0, debug.all);
    assert.match(debug.stderr, /POST http:\/\/127\.0\.0\.1:\d+\/…[0-9a-f]{4}/, debug.stderr);
    const plain = await chat(['--endpoint-url', world.bot.url, '-m', 'hello']);
    assert.strictEqual(plain.code, 0, plain.all);
    assert.strictEqual(plain.stderr, '', 'no debug lines left over from the run before');
  });

  it('-l error hides the warnings, not the problems that fail the run', async () => {
    const file = path.join(work, 'payments.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        description: 'payments',
        initial_state: 'Trigger',
        flags: { allow_concurrent_calls: true },
        states: [
          { name: 'Trigger', type: 'trigger', properties: { offset: { x: 0, y: 0 } }, transitions: [{ event: 'incomingMessage', next: 'TakePayment' }] },
          { name: 'TakePayment', type: 'capture-payments', properties: { offset: { x: 0, y: 0 } }, transitions: [] },
        ],
      }),
    );
    const warned = await chat(['--flow-file', file, '-m', 'hi']);
    assert.strictEqual(warned.code, 1, warned.all);
    assert.match(warned.stderr, /"TakePayment" has a type test-chat does not model \(capture-payments\)/);
    const quiet = await chat(['--flow-file', file, '-m', 'hi', '-l', 'error']);
    assert.strictEqual(quiet.code, 1, quiet.all);
    assert.notMatch(quiet.stderr, /has a type test-chat does not model/, 'the up-front warning is a warning');
    assert.match(quiet.stderr, /The flow stopped at "TakePayment"/, 'why the run failed is still said');
  });

  describe('-p NAME: the profile\'s account, for --flow and for the saved setup', () => {
    let profileFake: TwilioFake;
    let configFile: string;
    before(async () => {
      profileFake = await startTwilioFake({ accountSid: PROFILE.accountSid, apiKey: PROFILE.apiKey, apiSecret: PROFILE.apiSecret, authToken: PROFILE.authToken });
      registerTestSecret(PROFILE.apiSecret);
      registerTestSecret(PROFILE.authToken);
      configFile = path.join(world.cli.configDir, 'config.json');
      fs.mkdirSync(world.cli.configDir, { recursive: true });
      // What `twilio profiles:create` would have written (test/e2e/profiles.test.ts).
      fs.writeFileSync(configFile, JSON.stringify({ projects: [], profiles: { [PROFILE.id]: { accountSid: PROFILE.accountSid, apiKey: PROFILE.apiKey, apiSecret: PROFILE.apiSecret } } }));
    });
    after(async () => {
      // The CLI's own profile store holds the API secret by design: not the plugin's file.
      if (configFile) fs.rmSync(configFile, { force: true });
      await profileFake?.close();
    });

    it('the setup init saved for the profile\'s account is the one test-chat runs; --flow reads the flow from that account', async () => {
      const env = { ...noTwilio, TWILIO_API_BASE_URL: profileFake.url };
      const init = await world.run(['cognigy:init', '-p', PROFILE.id, '--endpoint-url', world.bot.url, '--yes'], { env });
      assert.strictEqual(init.code, 0, init.all);
      const seeded = profileFake.state.seeded!;
      const handover = await chat(['-p', PROFILE.id, '-m', 'escalate-bool', '-o', 'json'], env);
      assert.strictEqual(handover.code, 0, handover.all);
      assert.strictEqual(JSON.parse(handover.stdout).handover.workflow, seeded.workflowSid, "the profile's saved workflow");
      // Without -p nothing names that account: no setup, so no endpoint.
      const none = await chat(['-m', 'hi'], env);
      assert.strictEqual(none.code, 2, none.all);
      assert.match(none.stderr, /No Cognigy endpoint URL/);

      const link = await world.run(['cognigy:link-flow', '-p', PROFILE.id], { env });
      assert.strictEqual(link.code, 0, link.all);
      const seen = profileFake.requests.length;
      const deployed = await chat(['-p', PROFILE.id, '--flow', 'Cognigy Bot Flow', '-m', 'hi', '-o', 'json'], env);
      assert.strictEqual(deployed.code, 0, deployed.all);
      assert.deepStrictEqual(JSON.parse(deployed.stdout).transcript.filter((e: { from: string }) => e.from === 'bot').map((e: { text: string }) => e.text), ['You said: hi']);
      assert.deepStrictEqual([...new Set(profileFake.requests.slice(seen).map((q) => q.credential))], [PROFILE.apiKey], "the profile's API key");
      assert.deepStrictEqual(profileFake.violations, []);
    });

    it('an unknown profile: one line naming it, and how to create it', async () => {
      const r = await chat(['-p', 'nosuch', '--flow', 'Cognigy Bot Flow', '-m', 'hi']);
      assert.notStrictEqual(r.code, 0, r.all);
      assert.match(r.stderr, /nosuch/);
      assert.match(r.stderr, /twilio profiles:create --profile "nosuch"/);
      assert.notMatch(r.all, /\n\s+at .*:\d+:\d+\)?/, 'no stack trace');
    });
  });

  it('--workflow and --task-channel by name need a lookup test-chat does not make: refused, exit 2; --workspace and --new-flow are refused with why', async () => {
    const byName = await chat(['--endpoint-url', world.bot.url, '--workflow', 'Assign to Anyone', '-m', 'hi']);
    usage(byName, /Cannot look up the workflow "Assign to Anyone": this command reads nothing from TaskRouter/);
    // The hint names what helps here (a SID, or the setup), not --workspace, which would not.
    assert.match(byName.stderr, /Pass its SID \(WW…\), or save it with twilio cognigy:init --workflow "Assign to Anyone"/);
    assert.notMatch(byName.stderr, /--workspace/);
    usage(await chat(['--endpoint-url', world.bot.url, '--task-channel', 'chat', '-m', 'hi']), /Cannot look up the task channel "chat"/);
    // test-chat reads nothing from TaskRouter: a workspace would change nothing, so it is
    // refused (as oclif refuses any flag a command lacks), with the reason and what helps.
    const workspace = `WS${'9'.repeat(32)}`;
    for (const args of [['--workspace', workspace], [`--workspace=${workspace}`], ['--workspace', 'Flex Task Assignment']]) {
      const asked = world.bot.requests.length;
      const r = await chat(['--endpoint-url', world.bot.url, ...args, '-m', 'escalate-bool']);
      usage(r, /^ » test-chat takes no --workspace: it runs the flow locally and reads nothing from TaskRouter\.\n.*saved setup's workflow and task channel, or --workflow WW… and --task-channel TC…/);
      assert.notMatch(r.all, /WS9{32}|Flex Task Assignment/, 'the value is not repeated');
      assert.strictEqual(world.bot.requests.length, asked, 'nothing ran');
    }
    usage(await chat(['--endpoint-url', world.bot.url, '--new-flow', 'Mine', '-m', 'hi']), /^ » test-chat takes no --new-flow: it runs a flow and creates none\.\n.*--flow-file FILE/);
  });

  it('--escalation-key: the flow hands over on that key of the bot\'s data, and only on it; a key the flow cannot hold is refused', async () => {
    world.bot.setBehaviour(() => [{ text: 'One moment.', data: { handover: true } }]);
    try {
      const own = await chat(['--endpoint-url', world.bot.url, '--escalation-key', 'handover', '-m', 'agent please', '-o', 'json']);
      assert.strictEqual(own.code, 0, own.all);
      assert.strictEqual(JSON.parse(own.stdout).handedOver, true);
      const usual = await chat(['--endpoint-url', world.bot.url, '-m', 'agent please', '-o', 'json']);
      assert.strictEqual(usual.code, 0, usual.all);
      assert.strictEqual(JSON.parse(usual.stdout).handedOver, false, 'the default key is "escalation"');
    } finally {
      world.bot.setBehaviour(scriptedBehaviour);
    }
    const bad = await chat(['--endpoint-url', world.bot.url, '--escalation-key', 'a"b', '-m', 'hi']);
    assert.strictEqual(bad.code, 2, bad.all);
    assert.match(bad.stderr, /escalation key/i);
  });

  it('--botium-config FILE: the capabilities of a botium.json outside the suite folder apply; a missing one is refused', async () => {
    const dir = folder('memory-suite', {
      'memory.convo.txt': ['memory', '#begin', 'SET_SCRIPTING_MEMORY greeting|hello', '#me', '$greeting', '#bot', 'You said: hello', ''].join('\n'),
    });
    const config = path.join(work, 'botium-memory.json');
    fs.writeFileSync(config, JSON.stringify({ botium: { Capabilities: { SCRIPTING_ENABLE_MEMORY: true } } }));
    const without = await chat(['--endpoint-url', world.bot.url, '--script', dir]);
    assert.strictEqual(without.code, 1, 'without scripting memory, $greeting is sent as written');
    assert.ok(world.bot.requests.some((q) => (q.body as { text?: string }).text === '$greeting'), 'the bot got the literal $greeting');
    const withConfig = await chat(['--endpoint-url', world.bot.url, '--script', dir, '--botium-config', config]);
    assert.strictEqual(withConfig.code, 0, withConfig.all);
    assert.match(withConfig.stdout, /^1 passed, 0 failed$/m);
    const missing = await chat(['--endpoint-url', world.bot.url, '--script', dir, '--botium-config', path.join(work, 'nope.json')]);
    assert.strictEqual(missing.code, 2, missing.all);
    assert.match(missing.stderr, /Cannot read the Botium configuration .*nope\.json: ENOENT/);
  });

  it('flags that go together only with others: exit 2 in one or two lines, and as a JSON error with -o json', async () => {
    const url = ['--endpoint-url', world.bot.url];
    const recording = path.join(work, 'any.yaml');
    usage(await chat(['--merge-recordings', recording]), /--merge-recordings needs --record FILE/);
    usage(await chat([...url, '-m', 'hi', '--replay-mode', 'new-only']), /--replay-mode only applies with --replay FILE/);
    usage(await chat([...url, '-m', 'hi', '--replay-latency']), /--replay-latency only applies with --replay FILE/);
    usage(await chat([...url, '--demo', '--replay', recording]), /--replay works with --script or --message/);
    usage(await chat([...url, '-m', 'hi', '--merge-json', recording]), /Pass either --message or --merge-junit\/--merge-json, not both/);
    usage(await chat([...url, '-m', 'hi', '--script', work, '--merge-json', recording]), /Pass only one of --message, --script, --merge-junit\/--merge-json/);
    usage(await chat([...url, '--script', work, '--concurrency', '257']), /--concurrency 257 is out of range/);
    usage(await chat([...url, '-m', 'hi', '--replay', recording, '--replay-mode', 'lax']), /replay-mode/);
    usage(await chat([...url, '-m', 'hi', '--on-bot-failure', 'maybe']), /on-bot-failure/);
    usage(await chat([...url, '-m', 'hi', '--channel-model', 'voice']), /channel-model/);

    const json = await chat([...url, '-m', 'hi', '--shard', '1/2', '-o', 'json']);
    assert.strictEqual(json.code, 2, json.all);
    assert.deepStrictEqual(JSON.parse(json.stdout), { error: { code: 'usage', message: '--shard applies to --script runs only.' } });
  });

  it('exit 1 for a suite with no conversation, and for a merge of reports with a failure; 0 for --demo --script', async () => {
    const empty = await chat(['--endpoint-url', world.bot.url, '--script', folder('empty', { 'README.md': '# no scripts here\n' })]);
    assert.strictEqual(empty.code, 1, empty.all);

    const dir = folder('one-failing', {
      'pass.convo.txt': 'pass\n\n#me\nhello\n\n#bot\nYou said: hello\n',
      'fail.convo.txt': 'fail\n\n#me\nhello\n\n#bot\nsomething else\n',
    });
    const failed = await chat(['--endpoint-url', world.bot.url, '--script', dir, '-o', 'json']);
    assert.strictEqual(failed.code, 1, failed.all);
    const report = path.join(work, 'failed.json');
    fs.writeFileSync(report, failed.stdout);
    const merged = await chat(['--merge-json', report, '-o', 'json']);
    assert.strictEqual(merged.code, 1, merged.all);
    assert.strictEqual(JSON.parse(merged.stdout).summary.failed, 1);

    const demo = await chat(['--demo', '--script', path.join(FIXTURES, 'botium-pass')]);
    assert.strictEqual(demo.code, 0, demo.all);
    assert.match(demo.stdout, /^4 passed, 0 failed$/m);
  });

  it('on a pipe, whatever the test process runs on: no colours and no progress line, as under the host in CI', async () => {
    world.bot.setBehaviour(demoBehaviour);
    const tty = { out: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'), err: Object.getOwnPropertyDescriptor(process.stderr, 'isTTY') };
    // As when mocha runs on a developer's terminal.
    Object.defineProperty(process.stdout, 'isTTY', { configurable: true, writable: true, value: true });
    Object.defineProperty(process.stderr, 'isTTY', { configurable: true, writable: true, value: true });
    let r: CliResult;
    try {
      r = await chat(['--endpoint-url', world.bot.url, '--script', path.join(FIXTURES, 'botium-pass')]);
    } finally {
      for (const [stream, saved] of [[process.stdout, tty.out], [process.stderr, tty.err]] as const) {
        if (saved) Object.defineProperty(stream, 'isTTY', saved);
        else delete (stream as { isTTY?: boolean }).isTTY;
      }
      world.bot.setBehaviour(scriptedBehaviour);
    }
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stdout, /^✔ Greeting /m);
    assert.notMatch(r.all, /\u001b\[/, 'no escape codes');
    assert.strictEqual(r.stderr, '', 'no progress line');
  });
});
