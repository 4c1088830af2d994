import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { startWorld, World } from '../helpers/stand-ins';
import type { CliResult } from '../helpers/cli';

/**
 * What the command line does with what a user types: a typo never becomes bot traffic,
 * every failure under `-o json` is a JSON error object, and the files the plugin writes
 * get their folders (or a clear error after the results). The help (what the REPL
 * understands), the REPL's /save and Ctrl-C need the host or a terminal:
 * test/e2e/host.test.ts and test/e2e/terminal.test.ts.
 */
describe('the command line', () => {
  let world: World;
  let work: string;
  before(async () => {
    world = await startWorld({ inProcess: true });
    // Under the test HOME, so the secret scan at close covers every file written here.
    work = fs.mkdtempSync(path.join(world.cli.home, 'command-line-'));
  });
  after(async () => world?.close());

  /** A folder with one BotiumScript the stand-in bot passes (it answers "You said: …"). */
  const scripts = () => {
    const dir = path.join(work, 'convos');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'echo.convo.txt'), 'Echo\n\n#me\nhello\n\n#bot\nYou said: hello\n');
    return dir;
  };
  const textsSent = (from: number) => world.bot.requests.slice(from).map((r) => (r.body as { text?: string })?.text);
  const jsonOf = (r: CliResult) => {
    try {
      return JSON.parse(r.stdout);
    } catch {
      throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.all}`);
    }
  };

  it('-m takes one value: an unknown flag after it is refused and nothing reaches the bot; --message=--x sends "--x"', async () => {
    const first = world.bot.requests.length;
    const r = await world.run(['cognigy:test-chat', '--endpoint-url', world.bot.url, '-m', 'hi', '--form', '+1555']);
    assert.strictEqual(r.code, 2, r.all);
    assert.match(r.stderr, /Unknown flag --form/);
    assert.deepStrictEqual(textsSent(first), [], 'no message was sent');

    const meant = await world.run(['cognigy:test-chat', '--endpoint-url', world.bot.url, '-m', 'hi', '--message=--form', '-o', 'json']);
    assert.strictEqual(meant.code, 0, meant.all);
    assert.deepStrictEqual(textsSent(first), ['hi', '--form'], 'exactly what was meant');
  });

  it('-o json: every failure, parse errors included, prints {"error": …} on stdout', async () => {
    const failures: [string, string[]][] = [
      ['an unknown flag holding the endpoint URL', ['cognigy:init', '--endpont-url', world.bot.url]],
      ['the endpoint URL without its flag', ['cognigy:init', world.bot.url]],
      ['an enum value oclif refuses', ['cognigy:init', '--channel-model', 'fax']],
      ['an integer oclif cannot parse', ['cognigy:test-chat', '--concurrency', 'many', '--script', work]],
      ['a flag without its value', ['cognigy:link-flow', '--status']],
      ['a usage error from the command', ['cognigy:test-chat', '--endpoint-url', world.bot.url, '--script', work, '--concurrency', '0']],
      ['an error from the library', ['cognigy:link-flow'], ],
    ];
    for (const [what, args] of failures) {
      const r = await world.run([...args, '-o', 'json']);
      assert.notStrictEqual(r.code, 0, `${what}: ${r.all}`);
      const { error } = jsonOf(r);
      assert.ok(error && typeof error.code === 'string' && typeof error.message === 'string', `${what}: ${r.stdout}`);
      assert.notMatch(error.message, /See more help/, what);
    }
  });

  it('the customer is "customer" in the -o json transcript, as in the hand-over', async () => {
    const r = await world.run(['cognigy:test-chat', '--endpoint-url', world.bot.url, '-m', 'hello', '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    const froms = new Set(jsonOf(r).transcript.map((e: { from: string }) => e.from));
    assert.ok(froms.has('customer') && !froms.has('user'), [...froms].join(', '));
  });

  it('--junit into a folder that does not exist: the folder is made and the report written', async () => {
    const junit = path.join(work, 'reports', 'ci', 'convos.xml');
    const r = await world.run(['cognigy:test-chat', '--endpoint-url', world.bot.url, '--script', scripts(), '--junit', junit]);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(fs.readFileSync(junit, 'utf8'), /<testcase classname="[^"]*echo\.convo\.txt" name="Echo"/);
    assert.deepStrictEqual(fs.readdirSync(path.dirname(junit)), ['convos.xml'], 'no partial file left behind');
  });

  it('--junit that cannot be written: the results are printed, then two clear lines and exit 1', async () => {
    const blocker = path.join(work, 'not-a-folder');
    fs.writeFileSync(blocker, 'a file where a folder would go\n');
    const junit = path.join(blocker, 'convos.xml');
    const args = ['cognigy:test-chat', '--endpoint-url', world.bot.url, '--script', scripts(), '--junit', junit];
    const r = await world.run(args);
    assert.strictEqual(r.code, 1, r.all);
    assert.match(r.stdout, /Echo[\s\S]*1 passed/, 'the results are printed');
    assert.match(r.stderr, /Could not write the JUnit report to .*not-a-folder\/convos\.xml: a part of the path is a file, not a folder \((ENOTDIR|EEXIST)\)/);
    assert.ok(r.stderr.trim().split('\n').length <= 2, r.stderr);
    assert.notMatch(r.all, /Unexpected error|This is a bug/);
    // -o json: stdout stays the one report document; the error goes to stderr.
    const json = await world.run([...args, '-o', 'json']);
    assert.strictEqual(json.code, 1, json.all);
    assert.ok(jsonOf(json).summary ?? jsonOf(json).conversations, json.stdout);
    assert.match(json.stderr, /Could not write the JUnit report/);
  });

  it('link-flow --out that cannot be written: what was deployed is printed, then a clear error; --out makes missing folders', async () => {
    const made = path.join(work, 'flows', 'new', 'cognigy.json');
    const ok = await world.run(['cognigy:link-flow', '--endpoint-url', world.bot.url, '--workflow', 'Assign to Anyone', '--task-channel', 'chat', '--new-flow', 'Out Flow', '--out', made]);
    assert.strictEqual(ok.code, 0, ok.all);
    assert.ok(JSON.parse(fs.readFileSync(made, 'utf8')).states.length > 0);
    const blocker = path.join(work, 'out-blocker');
    fs.writeFileSync(blocker, 'x\n');
    const r = await world.run(['cognigy:link-flow', '--endpoint-url', world.bot.url, '--workflow', 'Assign to Anyone', '--task-channel', 'chat', '--flow', 'Out Flow', '--out', path.join(blocker, 'flow.json'), '--force']);
    assert.strictEqual(r.code, 1, r.all);
    assert.match(r.stdout, /"Out Flow" \(FW/, 'the deployed flow is printed');
    assert.match(r.stderr, /Could not write the flow definition to .*out-blocker\/flow\.json: a part of the path is a file, not a folder/);
    assert.notMatch(r.all, /Unexpected error|This is a bug/);
  });
});
