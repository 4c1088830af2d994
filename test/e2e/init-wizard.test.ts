import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { startWorld, World, FAKE_ACCOUNT_SID } from '../helpers/stand-ins';
import { spawnTwilio } from '../helpers/pty';

describe('the init wizard in a terminal', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => world?.close());

  test('without a terminal a missing answer is an error naming the flag, not a hang', async () => {
    // Before the wizard runs: nothing is saved yet.
    const r = await world.run(['cognigy:init', '--endpoint-url', world.bot.url]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Pass --workspace/);
  });
  test('asks for the endpoint (masked), probes it, offers what the account has as defaults, and saves', async () => {
    const session = spawnTwilio(world.cli.home, ['cognigy:init'], world.env);
    try {
      await session.waitFor(/Cognigy REST endpoint URL/);
      session.write(`${world.bot.url}\r`);
      await session.waitFor(/Which Flex messaging model/);
      assert.ok(!session.output().includes(world.bot.token), 'the URL is not echoed');
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
      for (const where of [`Conversations address ${seeded.addressConfigurationSid}`, `Flex Flow ${seeded.flexFlowSid}`]) {
        const line = new RegExp(`${phone} \\[\\w+\\] → "Messaging Flow" \\(${seeded.messagingFlowSid}\\)\\s+\\(${where}\\)`).exec(shown);
        assert.ok(line, `the entry point ${where} is shown:\n${shown}`);
        assert.ok(line.index < question, `the entry point ${where} is shown before the flow question:\n${shown}`);
      }
      session.write('\r'); // create a new flow
      assert.equal(await session.exited(), 0, session.output());
    } finally {
      session.kill();
    }
    const out = session.output();
    assert.match(out, /Bot answered in \d+ ms/);
    assert.match(out, /Workflow\s+Assign to Anyone/);
    assert.match(out, /Entry points today/);
    assert.ok(!out.includes(world.bot.token));
    const saved = JSON.parse(fs.readFileSync(path.join(world.cli.configDir, 'plugins', 'twilio-plugin-cognigy', 'setup.json'), 'utf8'));
    const setup = saved.accounts[FAKE_ACCOUNT_SID].setup;
    assert.equal(setup.endpointUrl, world.bot.url);
    assert.equal(setup.workflow.name, 'Assign to Anyone');
    assert.equal(setup.taskChannel.name, 'chat');
    assert.deepEqual(setup.flow, { name: 'Cognigy Bot Flow' });
  });

});
