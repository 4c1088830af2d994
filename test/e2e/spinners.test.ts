import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import { startWorld, World } from '../helpers/stand-ins';
import { spawnTwilio, PtySession } from '../helpers/pty';

/**
 * The host's spinner (oclif's ux.action) while a long operation runs, as a person sees it
 * in a terminal; none in CI, with -o json, or without a terminal. The spinner's last frame
 * stays on screen as "<what>... done".
 */
describe('spinners on a terminal only', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => world?.close());

  const SPINNER = /\.\.\. (done|failed)/;

  /**
   * Runs a command in a pseudo-terminal to its end, taking the default at each of the
   * wizard's questions; what the terminal showed.
   */
  const onTerminal = async (args: string[], env: Record<string, string> = {}): Promise<string> => {
    const session = spawnTwilio(world.cli.home, args, { ...world.env, ...env });
    let answered = 0;
    const answer = setInterval(() => {
      const asked = (session.output().match(/\(Use arrow keys\)/g) ?? []).length;
      if (asked > answered) {
        answered = asked;
        session.write('\r');
      }
    }, 100);
    try {
      const code = await session.exited(30_000);
      assert.strictEqual(code, 0, session.output());
      return session.output();
    } finally {
      clearInterval(answer);
      session.kill();
    }
  };

  it('init: the probe and the reads of the account spin on a terminal; not with CI set, -o json, or without a terminal', async () => {
    const shown = await onTerminal(['cognigy:init', '--endpoint-url', world.bot.url]);
    assert.match(shown, /Probing http:\/\/127\.0\.0\.1:\d+\/…[0-9a-f]{4} with the flow's form-encoded body\.\.\. done/);
    assert.match(shown, /Reading the Flex account \(workspaces, flows, entry points\)\.\.\. done/);
    assert.match(shown, /Saved to /, 'the summary follows');

    for (const env of [{ CI: 'true' }, {}] as Record<string, string>[]) {
      const args = ['cognigy:init', ...(env.CI ? [] : ['-o', 'json'])];
      const quiet = await onTerminal(args, env);
      assert.notMatch(quiet, SPINNER, `${args.join(' ')} ${JSON.stringify(env)}`);
      assert.notMatch(quiet, /Probing|Reading the Flex account/);
    }
    const piped = await world.run(['cognigy:init', '--yes']);
    assert.strictEqual(piped.code, 0, piped.all);
    assert.notMatch(piped.all, /Probing|Reading the Flex account|\.\.\. done/);
  });

  it('link-flow: the deploy spins on a terminal; not with CI set, -o json, or without a terminal', async () => {
    const dry = await onTerminal(['cognigy:link-flow', '--dry-run']);
    assert.match(dry, /Comparing "[^"]+" with what Twilio holds\.\.\. done/);
    const shown = await onTerminal(['cognigy:link-flow']);
    assert.match(shown, /Deploying "[^"]+"\.\.\. done/);
    assert.match(shown, /(Created|Updated|Unchanged:) "/, 'the result follows');

    assert.notMatch(await onTerminal(['cognigy:link-flow'], { CI: '1' }), SPINNER);
    const json = await onTerminal(['cognigy:link-flow', '-o', 'json']);
    assert.notMatch(json, SPINNER);
    assert.match(json, /"action": "unchanged"/);
    const piped = await world.run(['cognigy:link-flow', '--dry-run']);
    assert.strictEqual(piped.code, 0, piped.all);
    assert.notMatch(piped.all, /Comparing|\.\.\. done/);
  });

  it('the REPL spins while a slow bot answers, not for a quick answer, and not in CI', async () => {
    const prompts = (s: PtySession) => (s.output().match(/you › /g) ?? []).length;
    const turn = async (s: PtySession, line: string) => {
      const before = prompts(s);
      s.write(`${line}\r`);
      await s.waitFor(new RegExp(`bot › You said: ${line}[\\s\\S]*you › $`), 15_000);
      assert.ok(prompts(s) > before, s.output());
    };
    for (const env of [{}, { CI: 'true' }] as Record<string, string>[]) {
      const session = spawnTwilio(world.cli.home, ['cognigy:test-chat', '--endpoint-url', world.bot.url], { ...world.env, ...env });
      try {
        await session.waitFor(/you › /);
        await turn(session, 'hello');
        assert.notMatch(session.output(), /Calling the bot/, 'a quick answer shows no spinner');
        await turn(session, 'slow:1500 hi');
        if (env.CI) assert.notMatch(session.output(), /Calling the bot/);
        else assert.match(session.output(), /Calling the bot at \S+\.\.\. done[\s\S]*bot › You said: slow:1500 hi/);
        session.write('/quit\r');
        assert.strictEqual(await session.exited(15_000), 0, session.output());
      } finally {
        session.kill();
      }
    }
  });
});
