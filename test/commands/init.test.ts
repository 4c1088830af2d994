import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { startWorld, secretsIn, World, FAKE_ACCOUNT_SID } from '../helpers/stand-ins';
import { filesUnder } from '../helpers/cli';
import { registerTestSecret } from '../helpers/secrets';

describe('twilio cognigy:init', () => {
  let world: World;
  let setupFile: string;
  before(async () => {
    world = await startWorld({ inProcess: true });
    setupFile = path.join(world.cli.configDir, 'plugins', 'twilio-plugin-cognigy', 'setup.json');
  });
  after(async () => world?.close());

  it('without a terminal a missing answer is an error naming the flag, not a hang', async () => {
    // Before anything is saved: the wizard would ask for the workspace.
    const r = await world.run(['cognigy:init', '--endpoint-url', world.bot.url]);
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /Pass --workspace/);
    assert.ok(!fs.existsSync(setupFile), 'nothing saved');
  });

  it('--yes -o json discovers, probes, saves 0600 and prints only JSON; a second run changes nothing', async () => {
    const r = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--yes', '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    const out = JSON.parse(r.stdout);
    const seeded = world.fake.state.seeded!;
    assert.strictEqual(out.setup.accountSid, FAKE_ACCOUNT_SID);
    assert.strictEqual(out.setup.workflow.sid, seeded.workflowSid);
    assert.strictEqual(out.setup.workspace.name, 'Flex Task Assignment');
    assert.strictEqual(out.setup.taskChannel.name, 'chat');
    assert.strictEqual(out.setup.channelModel, 'conversations');
    assert.strictEqual(out.changed, true);
    assert.strictEqual(out.probe.ok, true);
    assert.match(out.setup.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/…[0-9a-f]{4}$/);
    assert.ok(out.entryPoints.some((p: any) => p.flow?.name === 'Messaging Flow'), 'shows which flow the number starts today');
    assert.deepStrictEqual(secretsIn(world, r.all), []);
    assert.strictEqual(fs.statSync(setupFile).mode & 0o777, 0o600);
    const saved = JSON.parse(fs.readFileSync(setupFile, 'utf8'));
    assert.strictEqual(saved.accounts[FAKE_ACCOUNT_SID].setup.endpointUrl, world.bot.url, 'the saved setup is the one place the URL is kept');
    const probe = world.bot.requests.at(-1)!;
    assert.strictEqual((probe.body as any).userId, 'twilio-cognigy-probe');

    const before = fs.readFileSync(setupFile, 'utf8');
    const again = await world.run(['cognigy:init', '--yes', '-o', 'json']);
    assert.strictEqual(again.code, 0, again.all);
    assert.strictEqual(JSON.parse(again.stdout).changed, false);
    assert.strictEqual(fs.readFileSync(setupFile, 'utf8'), before);
    assert.strictEqual(world.fake.writes().length, 0, 'init never writes to Twilio');
    assert.deepStrictEqual(world.fake.violations, []);
  });

  it('with the setup saved, a wrong auth token is still caught: which credentials were used and how to fix them', async () => {
    const wrong = 'f'.repeat(32);
    registerTestSecret(wrong);
    const before = fs.readFileSync(setupFile, 'utf8');
    const start = world.fake.requests.length;
    const r = await world.run(['cognigy:init', '--yes'], { env: { TWILIO_AUTH_TOKEN: wrong } });
    assert.strictEqual(r.code, 20, r.all);
    assert.ok(world.fake.requests.length > start, 'init asked Twilio');
    assert.notMatch(r.all, /Nothing changed/);
    assert.match(r.stderr, /20003/);
    assert.match(r.stderr, new RegExp(`TWILIO_ACCOUNT_SID ${FAKE_ACCOUNT_SID} with TWILIO_AUTH_TOKEN`));
    assert.match(r.stderr, /Set TWILIO_AUTH_TOKEN to the account's current auth token/);
    assert.notMatch(r.all, /regional/i, "the host's regional hint helps nobody here");
    assert.strictEqual(r.stderr.trim().split('\n').length, 2, r.stderr);
    assert.ok(!r.all.includes(wrong));
    assert.strictEqual(fs.readFileSync(setupFile, 'utf8'), before, 'nothing saved');

    const json = await world.run(['cognigy:init', '--yes', '-o', 'json'], { env: { TWILIO_AUTH_TOKEN: wrong } });
    assert.strictEqual(json.code, 20);
    assert.strictEqual(JSON.parse(json.stdout).error.code, '20003');
  });

  it('a saved workflow or flow deleted in the account is caught, not silently replaced', async () => {
    const seeded = world.fake.state.seeded!;
    const before = fs.readFileSync(setupFile, 'utf8');
    const saved = JSON.parse(before).accounts[FAKE_ACCOUNT_SID].setup;
    const workflow = world.fake.state.workflows.get(saved.workflow.sid)!;
    world.fake.state.workflows.delete(saved.workflow.sid);
    try {
      const r = await world.run(['cognigy:init', '--yes']);
      assert.strictEqual(r.code, 1, r.all);
      assert.match(r.stderr, new RegExp(`The saved workflow "Assign to Anyone" \\(${saved.workflow.sid}\\) no longer exists in this account`));
      assert.match(r.stderr, /Pass --workflow to choose another/);
      assert.strictEqual(r.stderr.trim().split('\n').length, 2, r.stderr);
      assert.strictEqual(fs.readFileSync(setupFile, 'utf8'), before, 'nothing saved');
    } finally {
      world.fake.state.workflows.set(saved.workflow.sid, workflow);
    }

    // A flow the setup names by SID (as after link-flow), deleted in the Console.
    const withFlow = await world.run(['cognigy:init', '--yes', '--flow', seeded.messagingFlowSid]);
    assert.strictEqual(withFlow.code, 0, withFlow.all);
    const flow = world.fake.state.flows.get(seeded.messagingFlowSid)!;
    world.fake.state.flows.delete(seeded.messagingFlowSid);
    try {
      const r = await world.run(['cognigy:init', '--yes']);
      assert.strictEqual(r.code, 1, r.all);
      assert.match(r.stderr, new RegExp(`The saved Studio flow "Messaging Flow" \\(${seeded.messagingFlowSid}\\) no longer exists`));
      assert.match(r.stderr, /--new-flow "Messaging Flow"/);
    } finally {
      world.fake.state.flows.set(seeded.messagingFlowSid, flow);
    }
    const reset = await world.run(['cognigy:init', '--yes', '--new-flow', 'Cognigy Bot Flow']);
    assert.strictEqual(reset.code, 0, reset.all);
    assert.deepStrictEqual(world.fake.violations, []);
  });

  it('an endpoint URL without a token is echoed as typed, and the token rule says its length', async () => {
    const bare = await world.run(['cognigy:init', '--yes', '--endpoint-url', 'http://127.0.0.1:4020']);
    assert.strictEqual(bare.code, 2, bare.all);
    assert.match(bare.stderr, /The Cognigy endpoint URL http:\/\/127\.0\.0\.1:4020\/? has no URL token\./);
    assert.notMatch(bare.stderr, /4020\/\//);
    const short = await world.run(['cognigy:init', '--yes', '--endpoint-url', 'http://127.0.0.1:4020/abc']);
    assert.strictEqual(short.code, 2, short.all);
    assert.match(short.stderr, /at least 8 letters, digits, - or _/);
  });

  it('columns output summarises the setup and the next steps', async () => {
    const r = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--workflow', 'Assign to Anyone', '--test-mode']);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stdout, /Workflow\s+Assign to Anyone \(WW/);
    assert.match(r.stdout, /\(test mode\)/);
    assert.ok(world.bot.requests.at(-1)!.testMode, 'the probe went to /test/<token>');
    assert.deepStrictEqual(secretsIn(world, r.all), []);
    const reset = await world.run(['cognigy:init', '--no-test-mode', '--yes']);
    assert.strictEqual(reset.code, 0, reset.all);
  });

  const badInputs: [string, string[], Record<string, string | undefined>, RegExp][] = [
    ['a malformed URL', ['--endpoint-url', 'not a url'], {}, /not a valid|URL/i],
    ['an unreachable endpoint', ['--endpoint-url', 'http://127.0.0.1:9/abcdef0123456789'], {}, /probe|reach|refused/i],
    ['a failing endpoint', ['--endpoint-url', 'BOTURL', '--skip-probe=false'], {}, /./],
    ['wrong credentials', ['--endpoint-url', 'BOTURL'], { TWILIO_AUTH_TOKEN: 'f'.repeat(32) }, /20003|Authenticate/i],
    ['no credentials at all', ['--endpoint-url', 'BOTURL'], { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined }, /profile/i],
    // An unknown -p profile: test/e2e/profiles.test.ts (profiles are the host's).
    ['a workflow the account does not have', ['--endpoint-url', 'BOTURL', '--workflow', 'Nope'], {}, /No workflow "Nope"[\s\S]*Assign to Anyone/],
    ['a flow the account does not have', ['--endpoint-url', 'BOTURL', '--flow', 'Nope'], {}, /No Studio flow "Nope"[\s\S]*Messaging Flow/],
    ['an unknown channel model', ['--endpoint-url', 'BOTURL', '--channel-model', 'fax'], {}, /channel-model|fax/],
  ];
  for (const [name, args, env, message] of badInputs) {
    it(`bad input: ${name} gets a clear message and a non-zero exit`, async () => {
      const failing = name === 'a failing endpoint';
      if (failing) world.bot.setBehaviour(() => ({ status: 500, body: { error: 'boom' } }));
      try {
        const realArgs = args.filter((a) => a !== '--skip-probe=false').map((a) => (a === 'BOTURL' ? world.bot.url : a));
        const r = await world.run(['cognigy:init', '--yes', ...realArgs], { env });
        assert.notStrictEqual(r.code, 0, r.all);
        assert.match(r.stderr, message);
        if (failing) assert.match(r.stderr, /500/);
        assert.notMatch(r.all, /\n\s+at .*\(.*\.js:\d+:\d+\)/, 'no stack trace');
        assert.notMatch(r.all, /EEXIT/);
        assert.ok(r.stderr.trim().split('\n').length <= 4, `short message:\n${r.stderr}`);
        assert.deepStrictEqual(secretsIn(world, r.all), []);
      } finally {
        if (failing) world.bot.setBehaviour((await import('../stand-ins/cognigy-scripted')).scriptedBehaviour);
      }
    });
  }

  it('-l debug shows the requests but no secret', async () => {
    const r = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--yes', '-l', 'debug']);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stderr, /\[DEBUG\]/);
    assert.match(r.stderr, /taskrouter/);
    assert.deepStrictEqual(secretsIn(world, r.all), []);
  });

  it('API key credentials work and, at -l debug, neither the key secret nor the URL token shows', async () => {
    const { FAKE_API_KEY, FAKE_API_SECRET } = await import('../stand-ins/twilio');
    const r = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--yes', '-l', 'debug', '-o', 'json'], {
      env: { TWILIO_AUTH_TOKEN: undefined, TWILIO_API_KEY: FAKE_API_KEY, TWILIO_API_SECRET: FAKE_API_SECRET },
    });
    assert.strictEqual(r.code, 0, r.all);
    assert.strictEqual(JSON.parse(r.stdout).setup.accountSid, FAKE_ACCOUNT_SID, 'stdout is only JSON, also at -l debug');
    assert.ok(!r.all.includes(FAKE_API_SECRET));
  });

  it('every setting has its flag: each is saved as given; --skip-probe sends nothing to the bot; -o none prints nothing', async () => {
    const seeded = world.fake.state.seeded!;
    const saved = () => JSON.parse(fs.readFileSync(setupFile, 'utf8')).accounts[FAKE_ACCOUNT_SID].setup;
    const asked = world.bot.requests.length;
    const r = await world.run([
      'cognigy:init', '--endpoint-url', world.bot.url, '--workspace', 'Flex Task Assignment', '--workflow', seeded.workflowSid,
      '--task-channel', 'sms', '--flow', 'Messaging Flow', '--channel-model', 'legacy', '--escalation-key', 'handover',
      '--on-bot-failure', 'end', '--request-format', 'json', '--test-mode', '--skip-probe', '--yes', '-o', 'json',
    ]);
    assert.strictEqual(r.code, 0, r.all);
    assert.strictEqual(world.bot.requests.length, asked, '--skip-probe: the bot was not called');
    const setup = saved();
    assert.deepStrictEqual(
      {
        workspace: setup.workspace.sid, workflow: setup.workflow.sid, taskChannel: setup.taskChannel.name, flow: setup.flow,
        channelModel: setup.channelModel, escalationKey: setup.escalationKey, onBotFailure: setup.onBotFailure,
        requestFormat: setup.requestFormat, testMode: setup.testMode,
      },
      {
        workspace: seeded.workspaceSid, workflow: seeded.workflowSid, taskChannel: 'sms', flow: { sid: seeded.messagingFlowSid, name: 'Messaging Flow' },
        channelModel: 'legacy', escalationKey: 'handover', onBotFailure: 'end', requestFormat: 'json', testMode: true,
      },
    );

    const back = await world.run([
      'cognigy:init', '--new-flow', 'Cognigy Bot Flow', '--task-channel', 'chat', '--channel-model', 'conversations', '--escalation-key', 'escalation',
      '--on-bot-failure', 'escalate', '--request-format', 'form', '--no-test-mode', '--yes', '-o', 'none',
    ]);
    assert.strictEqual(back.code, 0, back.all);
    assert.strictEqual(back.stdout, '', '-o none: nothing on stdout');
    assert.strictEqual(world.bot.requests.length, asked + 1, 'without --skip-probe the bot is probed');
    const reset = saved();
    assert.deepStrictEqual(
      [reset.flow, reset.taskChannel.name, reset.channelModel, reset.escalationKey, reset.onBotFailure, reset.requestFormat, reset.testMode],
      [{ name: 'Cognigy Bot Flow' }, 'chat', 'conversations', 'escalation', 'escalate', 'form', false],
    );
  });

  it('no file the plugin wrote other than the saved setup holds a secret', () => {
    for (const f of filesUnder(world.cli.configDir)) {
      if (f.file === setupFile) continue;
      assert.deepStrictEqual(secretsIn(world, f.text), [], f.file);
    }
  });
});
