import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import type { CliHome } from '../helpers/cli';
import { inProcessHome } from '../helpers/in-process';

/*
 * The base command (src/base-command.ts) turns cli-core's "no usable profile" failure into
 * the plugin's own error: recognised by the state cli-core leaves (no profile, or one
 * without an API key), not by its words. cli-core logs which profile is missing; the
 * plugin adds the one line saying what to run, exits 1, and -o json says `no-credentials`.
 */
describe('the base command: no usable Twilio profile', () => {
  let cli: CliHome;
  const ACCOUNT = `AC${'a'.repeat(32)}`;
  before(async () => {
    cli = await inProcessHome();
  });
  after(() => cli.cleanup());

  const profiles = (value: Record<string, unknown> | undefined) => {
    const file = path.join(cli.configDir, 'config.json');
    if (!value) return fs.rmSync(file, { force: true });
    fs.mkdirSync(cli.configDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ projects: [], profiles: value }));
  };
  const link = (args: string[] = []) => cli.run(['cognigy:link-flow', '--dry-run', ...args]);

  const cases: Array<[string, Record<string, unknown> | undefined, string[], RegExp, RegExp]> = [
    ['no profile and no credentials in the environment', undefined, [], /Could not find profile\./, /^ {3}Run: twilio profiles:create {2}\(or set TWILIO_ACCOUNT_SID/m],
    ['-p names a profile that does not exist', undefined, ['-p', 'nope'], /Could not find profile "nope"/, /^ {3}Run: twilio profiles:create --profile "nope" {2}\(or set/m],
    ['-p names a profile without an API key', { ops: { accountSid: ACCOUNT } }, ['-p', 'ops'], /Could not get credentials for profile "ops"/, /^ {3}Run: twilio profiles:create --profile "ops" {2}\(or set/m],
    ['profiles exist but none is active', { ops: { accountSid: ACCOUNT } }, [], /There is no active profile set/, /^ {3}Run: twilio profiles:use {2}\(or set/m],
  ];
  for (const [name, config, args, logged, hint] of cases) {
    it(`${name}: what cli-core logged, then what to run; exit 1`, async () => {
      profiles(config);
      const r = await link(args);
      assert.strictEqual(r.code, 1, r.all);
      assert.match(r.stderr, logged);
      assert.match(r.stderr, hint);
      assert.notMatch(r.all, /Unexpected error|a bug in/);
      assert.strictEqual(r.stderr.match(/profiles:(create|use)/g)?.length, 1, `one line says what to run: ${r.stderr}`);
    });
  }

  it('-o json: the error is `no-credentials`, with the sentence cli-core logged', async () => {
    profiles(undefined);
    const r = await link(['-p', 'nope', '-o', 'json']);
    assert.strictEqual(r.code, 1, r.all);
    const { error } = JSON.parse(r.stdout);
    assert.strictEqual(error.code, 'no-credentials');
    assert.strictEqual(error.message, 'Could not find profile "nope".');
    assert.match(error.hint, /profiles:create --profile "nope"/);
  });
});
