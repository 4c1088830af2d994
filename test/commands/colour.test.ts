import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as path from 'path';
import type { CliHome } from '../helpers/cli';
import { inProcessHome } from '../helpers/in-process';

const PASSING = path.resolve(__dirname, '..', 'fixtures', 'scripts', 'botium-pass');

/**
 * Colour as a user sees it (chalk's codes: cyan 36…39, green 32…39): on when FORCE_COLOR
 * asks, off under NO_COLOR and when stdout is not a terminal (these runs write to a pipe;
 * test/e2e/repl.test.ts covers the terminal). In-process: the colour is decided at each
 * run from its environment, not once when chalk loads.
 */
describe('colour: FORCE_COLOR, NO_COLOR, not a terminal', () => {
  let cli: CliHome;
  before(async () => {
    cli = await inProcessHome();
  });
  after(() => cli?.cleanup());

  const ESCAPE = /\u001b\[/;
  const runs = (args: string[]) => ({
    forced: () => cli.run(args, { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } }),
    noColor: () => cli.run(args, { env: { NO_COLOR: '1', FORCE_COLOR: undefined } }),
    piped: () => cli.run(args, { env: { NO_COLOR: undefined, FORCE_COLOR: undefined } }),
  });

  it('--message: the bot\'s lines in cyan with FORCE_COLOR=1; plain under NO_COLOR or into a pipe', async () => {
    const run = runs(['cognigy:test-chat', '--demo', '-m', 'hello']);
    const forced = await run.forced();
    assert.strictEqual(forced.code, 0, forced.all);
    assert.match(forced.stdout, /^\u001b\[36mbot ›\u001b\[39m /m);
    for (const r of [await run.noColor(), await run.piped()]) {
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, /^bot › /m);
      assert.notMatch(r.all, ESCAPE);
    }
  });

  it('--script: a green ✔ per passed conversation with FORCE_COLOR=1; plain under NO_COLOR or into a pipe', async () => {
    const run = runs(['cognigy:test-chat', '--demo', '--script', PASSING]);
    const forced = await run.forced();
    assert.strictEqual(forced.code, 0, forced.all);
    assert.match(forced.stdout, /^\u001b\[32m✔\u001b\[39m Greeting /m);
    for (const r of [await run.noColor(), await run.piped()]) {
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.stdout, /^✔ Greeting /m);
      assert.notMatch(r.all, ESCAPE);
    }
  });
});
