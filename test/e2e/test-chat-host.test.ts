/**
 * `twilio cognigy:test-chat` through the real twilio binary, for what only the host shows:
 * the command as the host loads it (a `--demo -m` run and a `--script` run with a JUnit
 * report, as smoke tests), Ctrl-C (a real SIGINT to the process) ending a script run and
 * what it then reports, and the progress line a terminal shows. The rest of test-chat (every
 * flag, output format and exit code) runs in-process: test/commands.
 */
import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoBehaviour, type BotBehaviour } from '../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../stand-ins/cognigy-scripted';
import { baseEnv, TWILIO_BIN } from '../helpers/cli';
import { junitCases } from '../helpers/junit';
import { spawnTwilio } from '../helpers/pty';
import { assertNoSecret } from '../helpers/secrets';
import { secretsIn, startWorld, type World } from '../helpers/stand-ins';
import { rateLimited } from '../stand-ins/cognigy-rate-limit';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'scripts');

describe('twilio cognigy:test-chat through the real twilio binary', () => {
  let world: World;
  let work: string;
  before(async () => {
    world = await startWorld();
    // Under the test HOME, so the secret scan at close covers the reports too.
    work = fs.mkdtempSync(path.join(world.cli.home, 'host-'));
  });
  after(async () => {
    await world?.close();
  });

  const useBot = (behaviour: BotBehaviour) => world.bot.setBehaviour(behaviour);
  const echoConvo = (title: string, ...messages: string[]) => `${title}\n${messages.map((m) => `\n#me\n${m}\n\n#bot\nYou said: ${m}\n`).join('')}`;
  /** A folder of scripts written for one test. */
  const folder = (name: string, files: Record<string, string>) => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
    return dir;
  };
  /** `count` conversations of `turns` customer messages, one file each. */
  const suite = (name: string, count: number, turns: number) => {
    const files: Record<string, string> = {};
    for (let i = 0; i < count; i++) {
      files[`c${String(i).padStart(3, '0')}.convo.txt`] = echoConvo(`${name} ${i}`, ...Array.from({ length: turns }, (_, t) => `message ${t + 1} of ${name} ${i}`));
    }
    return folder(name, files);
  };
  /** The command as a child process of its own, to signal it as a terminal's Ctrl-C does. */
  const start = (args: string[]) => {
    const child = spawn(process.execPath, [TWILIO_BIN, 'cognigy:test-chat', ...args], {
      env: { ...baseEnv(world.cli.home), ...world.env },
      cwd: world.cli.home,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (d) => (out.stdout += d));
    child.stderr.on('data', (d) => (out.stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { child, out, exited };
  };

  it('smoke: --demo -m needs no account, answers and hands over, as text and as JSON', async () => {
    const text = await world.run(['cognigy:test-chat', '--demo', '-m', 'hello', '-m', 'agent'], { env: { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined } });
    assert.strictEqual(text.code, 0, text.all);
    assert.match(text.stdout, /^bot › Hi, I'm the demo bot/m);
    assert.match(text.stdout, /Handed over to Flex\./);
    const json = await world.run(['cognigy:test-chat', '--demo', '-m', 'agent', '-o', 'json'], { env: { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined } });
    assert.strictEqual(json.code, 0, json.all);
    assert.strictEqual(JSON.parse(json.stdout).handedOver, true);
  });

  it('smoke: a --script run passes and writes its JUnit report', async () => {
    useBot(demoBehaviour);
    const junit = path.join(work, 'smoke.xml');
    const r = await world.run(['cognigy:test-chat', '--script', path.join(FIXTURES, 'botium-pass'), '--endpoint-url', world.bot.url, '--junit', junit]);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stdout, /^4 passed, 0 failed$/m);
    const xml = fs.readFileSync(junit, 'utf8');
    assert.strictEqual(junitCases(xml).length, 4);
    assert.deepStrictEqual(secretsIn(world, r.all + xml), []);
  });

  it('smoke: a replay over worker threads loads the built worker and reports as one thread does', async () => {
    useBot(demoBehaviour);
    const recording = path.join(work, 'workers.yaml');
    const args = ['cognigy:test-chat', '--script', path.join(FIXTURES, 'botium-pass'), '--endpoint-url', world.bot.url];
    const recorded = await world.run([...args, '--record', recording]);
    assert.strictEqual(recorded.code, 0, recorded.all);
    const junit = path.join(work, 'workers.xml');
    const r = await world.run([...args, '--replay', recording, '--jobs', '2', '-o', 'json', '--junit', junit]);
    assert.strictEqual(r.code, 0, r.all);
    const report = JSON.parse(r.stdout);
    assert.strictEqual(report.summary.jobs, 2);
    assert.strictEqual(report.summary.passed, 4);
    assert.strictEqual(report.coverage.conversations, 4, 'the workers counted the coverage');
    assert.strictEqual(junitCases(fs.readFileSync(junit, 'utf8')).length, 4);
    assert.deepStrictEqual(secretsIn(world, r.all + fs.readFileSync(recording, 'utf8')), []);
  });

  // From test/commands/scripts.test.ts: a real SIGINT reaches the host process.
  it('Ctrl-C stops starting conversations and still reports what finished', async () => {
    useBot(scriptedBehaviour);
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`c${String(i).padStart(2, '0')}.convo.txt`] = echoConvo(`slow ${i}`, `slow:300 number ${i}`);
    const dir = folder('interrupted', files);
    const { child, out, exited } = start(['--script', dir, '--endpoint-url', world.bot.url, '--concurrency', '2']);
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      for (let waited = 0; (out.stdout.match(/✔/g) ?? []).length < 3 && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      assert.ok((out.stdout.match(/✔/g) ?? []).length >= 3, `no results before Ctrl-C:\n${out.stdout}\n${out.stderr}`);
      child.kill('SIGINT');
      const code = await exited;
      assert.strictEqual(code, 130, out.stdout + out.stderr);
    } finally {
      clearTimeout(killer);
    }
    const { stdout, stderr } = out;
    assertNoSecret(stdout + stderr, 'the interrupted run');
    const passed = (stdout.match(/^✔ slow \d+ /gm) ?? []).length;
    const skipped = Number(/Aborted: (\d+) conversations? not run\./.exec(stdout)?.[1]);
    assert.ok(passed >= 3 && passed < 40, stdout);
    assert.strictEqual(passed + skipped, 40, 'every conversation is either reported or counted as not run');
    assert.match(stdout, new RegExp(`^${passed} passed, 0 failed, ${skipped} skipped$`, 'm'));
  });

  // From test/commands/scale.test.ts: a real SIGINT while the run waits on Retry-After.
  it('Ctrl-C while waiting on a 429 stops at once and reports what finished', async () => {
    // 4 requests per 10 s: after the first few turns every conversation waits ~10 s on Retry-After.
    const limited = rateLimited(scriptedBehaviour, { limit: 4, windowMs: 10_000 });
    useBot(limited.behaviour);
    const dir = suite('interrupted-429', 12, 1);
    const { child, out, exited } = start(['--script', dir, '--endpoint-url', world.bot.url, '--concurrency', '4']);
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let stoppedIn = Infinity;
    try {
      for (let waited = 0; limited.stats.refused < 4 && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      assert.ok(limited.stats.refused >= 4, `the bot refused nothing:\n${out.stdout}\n${out.stderr}`);
      // Let the conversations that got through report before the interruption.
      await new Promise((r) => setTimeout(r, 300));
      const sent = performance.now();
      child.kill('SIGINT');
      const code = await exited;
      stoppedIn = performance.now() - sent;
      assert.strictEqual(code, 130, out.stdout + out.stderr);
    } finally {
      clearTimeout(killer);
    }
    const { stdout, stderr } = out;
    assert.ok(stoppedIn < 5_000, `stopped ${Math.round(stoppedIn)} ms after Ctrl-C, not after the 10 s Retry-After`);
    assertNoSecret(stdout + stderr, 'the interrupted run');
    const passed = (stdout.match(/^✔ interrupted-429 \d+ /gm) ?? []).length;
    assert.strictEqual(passed, 4, `the four conversations the bot answered are reported:\n${stdout}`);
    const skipped = Number(/^Aborted: (\d+) conversations? not run\. (\d+) of them stopped while waiting on the bot's rate limit/m.exec(stdout)?.[1]);
    assert.strictEqual(passed + skipped, 12, stdout);
    assert.match(stdout, new RegExp(`^${passed} passed, 0 failed, ${skipped} skipped$`, 'm'));
    assert.notMatch(stdout, /✖/, 'no conversation is failed for being interrupted');
  });

  // From test/commands/scripts.test.ts: the progress line is for a terminal only.
  it('a terminal shows a progress line on stderr; -o json shows none', async () => {
    useBot(scriptedBehaviour);
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`p${i}.convo.txt`] = echoConvo(`progress ${i}`, `slow:100 hello ${i}`);
    const dir = folder('progress', files);
    const args = ['cognigy:test-chat', '--script', dir, '--endpoint-url', world.bot.url, '--concurrency', '1'];
    const shown = spawnTwilio(world.cli.home, args, world.env);
    assert.strictEqual(await shown.exited(30_000), 0, shown.output());
    assert.match(shown.output(), /\d+ conversations, 0 failed, \d+\/s/);
    assert.match(shown.output(), /6 passed, 0 failed/);

    const json = spawnTwilio(world.cli.home, [...args, '-o', 'json'], world.env);
    assert.strictEqual(await json.exited(30_000), 0, json.output());
    assert.notMatch(json.output(), /conversations, \d+ failed/);
    const text = json.output();
    assert.strictEqual((JSON.parse(text.slice(text.indexOf('{'))) as { summary: { passed: number } }).summary.passed, 6);
  });

  // From test/commands/scale.test.ts.
  it('a terminal shows the rate and the time left on the progress line', async () => {
    useBot(rateLimited(scriptedBehaviour, { limit: 8 }).behaviour);
    const dir = suite('progress-rate', 8, 3);
    const shown = spawnTwilio(world.cli.home, ['cognigy:test-chat', '--script', dir, '--endpoint-url', world.bot.url, '--concurrency', '4'], world.env);
    assert.strictEqual(await shown.exited(30_000), 0, shown.output());
    assert.match(shown.output(), /\d+\/8 conversations, 0 failed, \d+\/s, bot \d+ req\/s/);
    assert.match(shown.output(), /~\d+ s left/);
    assert.match(shown.output(), /\d+ × 429/);
    assert.match(shown.output(), /8 passed, 0 failed/);
  });
});
