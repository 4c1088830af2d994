import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { startWorldWithSetup, World } from '../helpers/stand-ins';

/**
 * The in-process layer runs each command as a new `twilio` process would start it, with a
 * pipe on stdout and stderr, whatever the terminal mocha itself runs in and whatever ran
 * before. Here the test process pretends to be a colour terminal: no run may see it.
 * (test/e2e/host.test.ts compares the two layers' output on the same command lines.)
 */
describe('the in-process layer: every run starts as a fresh process', () => {
  let world: World;
  const chalk = require('chalk');
  before(async () => {
    world = await startWorldWithSetup({ inProcess: true });
  });
  after(async () => world?.close());

  /** Runs `body` while the test process's stdout and stderr claim to be colour terminals. */
  async function onATerminal<T>(body: () => Promise<T>): Promise<T> {
    const saved = { level: chalk.level, out: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'), err: Object.getOwnPropertyDescriptor(process.stderr, 'isTTY') };
    Object.defineProperty(process.stdout, 'isTTY', { configurable: true, writable: true, value: true });
    Object.defineProperty(process.stderr, 'isTTY', { configurable: true, writable: true, value: true });
    chalk.level = 3;
    try {
      return await body();
    } finally {
      chalk.level = saved.level;
      for (const [stream, d] of [[process.stdout, saved.out], [process.stderr, saved.err]] as const) {
        if (d) Object.defineProperty(stream, 'isTTY', d);
        else delete (stream as any).isTTY;
      }
    }
  }

  it('no colour on a pipe, even when the test process has a colour terminal; FORCE_COLOR=1 colours as it would in a new process', async () => {
    await onATerminal(async () => {
      const plain = await world.run(['cognigy:link-flow', '--dry-run', '-l', 'debug']);
      assert.strictEqual(plain.code, 0, plain.all);
      assert.match(plain.stderr, /^\[DEBUG\] /m);
      assert.notMatch(plain.all, /\u001b\[/, 'no escape code on a pipe');
      const forced = await world.run(['cognigy:link-flow', '--dry-run', '-l', 'debug'], { env: { FORCE_COLOR: '1' } });
      assert.match(forced.stderr, /\u001b\[2m\[DEBUG\] /, "cli-core's debug lines dim");
      assert.strictEqual(chalk.level, 3, "the test process's own level is back after the run");
    });
  });

  it('progress meant for a person watching a terminal stays out of a piped run', async () => {
    await onATerminal(async () => {
      const r = await world.run(['cognigy:init', '--yes']);
      assert.strictEqual(r.code, 0, r.all);
      assert.match(r.all, /Bot answered in \d+ ms/, 'the probe ran');
      assert.notMatch(r.all, /Probing /, 'init says "Probing…" on a terminal only');
      assert.strictEqual(process.stderr.isTTY, true, "the test process's terminal is back after the run");
    });
  });

  it('relative paths are the HOME the run starts in, as the host is started there; the test process keeps its own', async () => {
    const cwd = process.cwd();
    const r = await world.run(['cognigy:link-flow', '--dry-run', '--out', 'flows/relative.json']);
    assert.strictEqual(r.code, 0, r.all);
    assert.ok(fs.existsSync(path.join(world.cli.home, 'flows', 'relative.json')), r.all);
    assert.ok(!fs.existsSync(path.join(cwd, 'flows', 'relative.json')), 'nothing written where mocha runs');
    assert.strictEqual(process.cwd(), cwd);
  });

  it("the test process's environment, argv and exit code are back after a run", async () => {
    const before = { ...process.env };
    const argv = process.argv;
    const r = await world.run(['cognigy:init', '--yes', '-o', 'json'], { env: { COGNIGY_IN_PROCESS_MARK: 'seen' } });
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual({ ...process.env }, before);
    assert.strictEqual(process.argv, argv);
    assert.strictEqual(process.exitCode, undefined);
  });
});
