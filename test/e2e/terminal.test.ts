import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { startWorld, World, FAKE_ACCOUNT_SID } from '../helpers/stand-ins';
import { spawnTwilio } from '../helpers/pty';

/**
 * What only a real terminal shows, through the real twilio binary in a pseudo-terminal:
 * the init wizard's prompts, Ctrl-C (a real SIGINT, exit 130), and the REPL. Without a
 * terminal the same commands are tested in the test process (test/commands).
 */
describe('in a terminal: the init wizard, Ctrl-C, the REPL', () => {
  let world: World;
  let work: string;
  before(async () => {
    world = await startWorld();
    // Under the test HOME, so the secret scan at close covers every file written here.
    work = fs.mkdtempSync(path.join(world.cli.home, 'terminal-'));
  });
  after(async () => world?.close());

  it('Ctrl-C in the init wizard exits 130 and saves nothing', async () => {
    // The URL is typed in clear: only its echo at its own prompt is exempt from the secret scan.
    const session = spawnTwilio(world.cli.home, ['cognigy:init'], world.env, {
      echoes: [{ prompt: '? Cognigy REST endpoint URL', typed: world.bot.url }],
    });
    try {
      await session.waitFor(/Cognigy REST endpoint URL/);
      session.write(`${world.bot.url}\r`);
      await session.waitFor(/Which Flex messaging model/);
      session.write('\r');
      await session.waitFor(/Which TaskRouter workspace\?/);
      session.write('\u0003');
      assert.strictEqual(await session.exited(), 130, session.output());
    } finally {
      session.kill();
    }
    assert.match(session.output(), /Interrupted: the setup was not saved/);
    assert.ok(!fs.existsSync(path.join(world.cli.configDir, 'plugins', 'twilio-plugin-cognigy', 'setup.json')), 'no setup saved');
  });


  it('shows the URL as typed, then redacted; probes it at once and asks again when it fails; offers what the account has; saves', async () => {
    const prompt = '? Cognigy REST endpoint URL';
    const unreachable = 'http://127.0.0.1:9/abcdef0123456789';
    const session = spawnTwilio(world.cli.home, ['cognigy:init'], world.env, {
      echoes: [{ prompt, typed: world.bot.url }],
    });
    try {
      await session.waitFor(/Cognigy REST endpoint URL/);
      session.write(`${unreachable}\r`);
      // The failed probe is said right away and the wizard asks again instead of ending.
      await session.waitFor(/failed the probe[\s\S]*Enter the endpoint URL again[\s\S]*Cognigy REST endpoint URL/);
      assert.notMatch(session.output(), /Which Flex messaging model/);
      session.write(`${world.bot.url}\r`);
      await session.waitFor(/Which Flex messaging model/);
      const typed = session.output();
      assert.ok(typed.includes(`${prompt} ${world.bot.url}`), 'the URL is shown as it is typed, so a typo can be seen');
      assert.match(typed, /\? Cognigy REST endpoint URL http:\/\/127\.0\.0\.1:\d+\/…[0-9a-f]{4}\s/, 'and redacted once entered');
      const answered = typed.search(/Bot answered in \d+ ms/);
      assert.ok(answered > 0 && answered < typed.indexOf('Which Flex messaging model'), `the probe result comes before the next question:\n${typed}`);
      session.write('\r'); // the default: Conversations, as the account has an address configuration
      await session.waitFor(/Which TaskRouter workspace\?/);
      assert.match(session.output(), /Flex Task Assignment/);
      session.write('\r');
      await session.waitFor(/Which workflow\?/);
      session.write('\r');
      await session.waitFor(/Which task channel\?/);
      session.write('\r');
      await session.waitFor(/Which Studio flow should hold the bot loop\?/);
      assert.match(session.output(), /Patch "Messaging Flow"/);
      // The person sees which flow each number starts today before choosing the flow.
      const shown = session.output();
      const question = shown.indexOf('Which Studio flow should hold the bot loop?');
      const seeded = world.fake.state.seeded!;
      const phone = seeded.phoneNumber.replace('+', '\\+');
      const flexFlowName = world.fake.state.flexFlows.get(seeded.flexFlowSid)!.friendly_name;
      const addressName = world.fake.state.addresses.get(seeded.addressConfigurationSid)?.friendly_name;
      for (const where of [
        `Conversations address ${addressName ? `"${addressName}" ` : ''}${seeded.addressConfigurationSid}`,
        `Flex Flow "${flexFlowName}" ${seeded.flexFlowSid}`,
      ]) {
        const line = new RegExp(`${phone} \\[\\w+\\] → "Messaging Flow" \\(${seeded.messagingFlowSid}\\)\\s+\\(${where}\\)`).exec(shown);
        assert.ok(line, `the entry point ${where} is shown:\n${shown}`);
        assert.ok(line.index < question, `the entry point ${where} is shown before the flow question:\n${shown}`);
      }
      session.write('\r'); // create a new flow
      assert.strictEqual(await session.exited(), 0, session.output());
    } finally {
      session.kill();
    }
    const out = session.output();
    assert.strictEqual(out.match(/Bot answered in \d+ ms/g)?.length, 1, out);
    assert.match(out, /Workflow\s+Assign to Anyone/);
    assert.strictEqual(out.match(/Entry points today/g)?.length, 1, `the entry points are shown once:\n${out}`);
    const saved = JSON.parse(fs.readFileSync(path.join(world.cli.configDir, 'plugins', 'twilio-plugin-cognigy', 'setup.json'), 'utf8'));
    const setup = saved.accounts[FAKE_ACCOUNT_SID].setup;
    assert.strictEqual(setup.endpointUrl, world.bot.url);
    assert.strictEqual(setup.workflow.name, 'Assign to Anyone');
    assert.strictEqual(setup.taskChannel.name, 'chat');
    assert.deepStrictEqual(setup.flow, { name: 'Cognigy Bot Flow' });
  });

  it('a saved workflow deleted since is said, and the wizard asks for another instead of failing', async () => {
    const state = world.fake.state;
    const old = [...state.workflows.values()].find((w) => w.friendly_name === 'Assign to Anyone')!;
    state.workflows.delete(old.sid);
    const replacement = { ...old, sid: state.sid('WW'), friendly_name: 'Support' };
    state.workflows.set(replacement.sid, replacement);
    const session = spawnTwilio(world.cli.home, ['cognigy:init'], world.env);
    try {
      await session.waitFor(new RegExp(`The saved workflow "Assign to Anyone" \\(${old.sid}\\) no longer exists in this account[\\s\\S]*Which workflow\\?`));
      assert.match(session.output(), /Support/);
      session.write('\r');
      assert.strictEqual(await session.exited(), 0, session.output());
    } finally {
      session.kill();
    }
    const saved = JSON.parse(fs.readFileSync(path.join(world.cli.configDir, 'plugins', 'twilio-plugin-cognigy', 'setup.json'), 'utf8'));
    assert.deepStrictEqual(saved.accounts[FAKE_ACCOUNT_SID].setup.workflow, { sid: replacement.sid, name: 'Support' });
  });

  it('REPL /save: missing folders are made; a path that cannot be written is said in two lines and the REPL goes on', async () => {
    const saved = path.join(work, 'transcripts', 'today', 'chat.json');
    const blocker = path.join(work, 'save-blocker');
    fs.writeFileSync(blocker, 'x\n');
    const session = spawnTwilio(world.cli.home, ['cognigy:test-chat', '--demo']);
    try {
      await session.waitFor(/Type \/help for commands\.\s+you › /);
      session.write('hello\r');
      await session.waitFor(/bot › Hi, I'm the demo bot/);
      session.write(`/save ${saved}\r`);
      await session.waitFor(/Saved \d+ entries to /);
      session.write(`/save ${path.join(blocker, 'chat.json')}\r`);
      await session.waitFor(/error: Could not write the transcript to .*save-blocker\/chat\.json: a part of the path is a file, not a folder \(\w+\)\.\s+Check the path/);
      session.write('when are you open?\r');
      await session.waitFor(/bot › We are open Monday to Friday/);
      session.write('/quit\r');
      assert.strictEqual(await session.exited(), 0, session.output());
    } finally {
      session.kill();
    }
    const first = JSON.parse(fs.readFileSync(saved, 'utf8')).transcript[0];
    assert.strictEqual(first.from, 'customer');
    assert.strictEqual(first.text, 'hello');
  });
});
