import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { registerTestSecret } from '../helpers/secrets';
import { startWorld, World, FAKE_ACCOUNT_SID } from '../helpers/stand-ins';
import { startTwilioFake, TwilioFake, FAKE_API_KEY } from '../stand-ins/twilio';

/**
 * Profiles as twilio-cli 6 keeps them (@twilio/cli-core 8.3.2, services/config.js):
 * `~/.twilio-cli/config.json` holds `profiles.<id>` with the account SID, an API key and
 * its secret, and `activeProject` names the active one. `-p` wins over env credentials,
 * env credentials over the active profile. A second fake that knows only the profile's
 * account shows which credentials every request carried.
 */
const PROFILE = {
  id: 'work',
  accountSid: `AC${'7e'.repeat(16)}`,
  apiKey: `SK${'4b'.repeat(16)}`,
  apiSecret: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
  authToken: '0badc0ffee0badc0ffee0badc0ffee00',
};
/** A profile of the world's own account whose API secret is wrong. */
const WRONG_SECRET = '0123456789abcdef0123456789abcdef';

describe('twilio profiles: -p NAME and the active profile', () => {
  let world: World;
  let profileFake: TwilioFake;
  let configFile: string;

  before(async () => {
    world = await startWorld();
    profileFake = await startTwilioFake({ accountSid: PROFILE.accountSid, apiKey: PROFILE.apiKey, apiSecret: PROFILE.apiSecret, authToken: PROFILE.authToken });
    registerTestSecret(PROFILE.apiSecret);
    registerTestSecret(PROFILE.authToken);
    registerTestSecret(WRONG_SECRET);
    configFile = path.join(world.cli.configDir, 'config.json');
    fs.mkdirSync(world.cli.configDir, { recursive: true });
    // What `twilio profiles:create` would have written.
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        projects: [],
        profiles: {
          [PROFILE.id]: { accountSid: PROFILE.accountSid, apiKey: PROFILE.apiKey, apiSecret: PROFILE.apiSecret },
          ops: { accountSid: FAKE_ACCOUNT_SID, apiKey: FAKE_API_KEY, apiSecret: WRONG_SECRET },
        },
        activeProject: PROFILE.id,
      }),
    );
  });
  after(async () => {
    // The CLI's own profile store holds the API secret by design; it is the test's file, not
    // the plugin's, so it leaves before the scan of what the plugin wrote.
    if (configFile) fs.rmSync(configFile, { force: true });
    await profileFake?.close();
    await world?.close();
  });

  const setupOf = (accountSid: string) =>
    JSON.parse(fs.readFileSync(path.join(world.cli.configDir, 'plugins', 'twilio-plugin-cognigy', 'setup.json'), 'utf8')).accounts[accountSid];

  it('init -p NAME uses that profile, not the env credentials of another account', async () => {
    // The env still names the world's account: -p must win over it.
    const r = await world.run(['cognigy:init', '-p', PROFILE.id, '--endpoint-url', world.bot.url, '--yes', '-o', 'json'], {
      env: { TWILIO_API_BASE_URL: profileFake.url },
    });
    assert.strictEqual(r.code, 0, r.all);
    assert.strictEqual(JSON.parse(r.stdout).setup.accountSid, PROFILE.accountSid);
    assert.ok(profileFake.requests.length > 0);
    assert.deepStrictEqual([...new Set(profileFake.requests.map((q) => q.credential))], [PROFILE.apiKey], "every request carried the profile's API key");
    assert.ok(profileFake.requests.every((q) => q.status === 200), 'and was accepted');
    assert.strictEqual(setupOf(PROFILE.accountSid).profile, PROFILE.id);
    assert.strictEqual(setupOf(FAKE_ACCOUNT_SID), undefined, "nothing saved for the env's account");
    assert.deepStrictEqual(profileFake.violations, []);
  });

  it('without -p or env credentials the active profile is used', async () => {
    const seen = profileFake.requests.length;
    const r = await world.run(['cognigy:init', '--yes', '-o', 'json'], {
      env: { TWILIO_API_BASE_URL: profileFake.url, TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined },
    });
    assert.strictEqual(r.code, 0, r.all);
    const out = JSON.parse(r.stdout);
    assert.strictEqual(out.setup.accountSid, PROFILE.accountSid);
    assert.strictEqual(out.changed, false, "the setup saved with -p is this profile's");
    assert.deepStrictEqual([...new Set(profileFake.requests.slice(seen).map((q) => q.credential))], [PROFILE.apiKey]);
  });

  it('a profile whose API secret is wrong is named, with the command that fixes it', async () => {
    const r = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--yes', '-p', 'ops']);
    assert.strictEqual(r.code, 20, r.all);
    assert.match(r.stderr, new RegExp(`profile "ops" \\(account ${FAKE_ACCOUNT_SID}, API key ${FAKE_API_KEY}\\)`));
    assert.match(r.stderr, new RegExp(`twilio profiles:create ${FAKE_ACCOUNT_SID} --profile "ops"`));
    assert.notMatch(r.all, /regional/i);
    assert.strictEqual(r.stderr.trim().split('\n').length, 2, r.stderr);
  });

  /** The bad-input rule (test/commands/bad-input.test.ts) for the rows that need -p. */
  const badInput = async (args: string[], expect: RegExp) => {
    const r = await world.run(args, { env: { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined } });
    assert.notStrictEqual(r.code, 0, `exit code 0:\n${r.all}`);
    assert.match(r.stderr, expect);
    const lines = r.stderr.split('\n').filter((l) => l.trim());
    assert.ok(lines.length >= 1 && lines.length <= 2, `one or two lines:\n${r.stderr}`);
    assert.notMatch(r.all, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
    assert.notMatch(r.all, /EEXIT/);
    assert.ok((r.all.match(/--help/g) ?? []).length <= 1, `"See … --help" said once:\n${r.all}`);
  };

  it('bad input: an unknown profile is named', async () => {
    await badInput(['cognigy:init', '--endpoint-url', world.bot.url, '-p', 'nope', '--yes'], /"nope"/);
  });

  it('bad input: the endpoint URL given to --profile: cli-core names the profile, its token cut', async () => {
    await badInput(['cognigy:init', '-p', world.bot.url, '--yes'], /Could not find profile "http:\/\/127\.0\.0\.1:\d+\/…\w{4}"/);
  });
});
