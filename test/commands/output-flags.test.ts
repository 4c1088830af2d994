import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { conversationScene } from '../helpers/escalate-scene';
import { startWorld, World } from '../helpers/stand-ins';
import type { CliResult } from '../helpers/cli';

/**
 * cli-core's output flags on every command: `--silent` and `-o none` leave stdout empty
 * (errors still reach stderr, with the exit code), and `-o tsv` gives a table a script
 * can cut, or one clear line saying why there is none.
 */
describe('--silent, -o none and -o tsv on every command', () => {
  let world: World;
  let flowSid: string;
  let customers = 0;
  const scene = () => conversationScene(world.fake.state, flowSid, `+1555200${String(++customers).padStart(4, '0')}`);
  const setupFile = () => path.join(world.cli.configDir, 'plugins', 'twilio-plugin-cognigy', 'setup.json');

  before(async () => {
    world = await startWorld({ inProcess: true });
  });
  after(async () => world?.close());

  const silent = (r: CliResult) => {
    assert.strictEqual(r.code, 0, r.all);
    assert.strictEqual(r.stdout, '', 'nothing on stdout');
    assert.strictEqual(r.stderr, '', 'nothing on stderr');
  };

  /** Rows of a TSV answer, checked to be a real table: a header and the same columns on every line. */
  const tsv = (r: CliResult, header: string[]) => {
    assert.strictEqual(r.code, 0, r.all);
    const lines = r.stdout.replace(/\n$/, '').split('\n');
    assert.deepStrictEqual(lines[0].split('\t'), header, r.stdout);
    for (const line of lines) assert.strictEqual(line.split('\t').length, header.length, `a row with ${header.length} columns: ${JSON.stringify(line)}`);
    return lines.slice(1).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [header[i], v])));
  };

  const oneLineError = (r: CliResult, message: RegExp) => {
    assert.strictEqual(r.code, 2, r.all);
    assert.strictEqual(r.stdout, '');
    assert.strictEqual(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
  };

  it('init: --silent saves the setup and prints nothing; -o tsv is a setting/value table', async () => {
    silent(await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--yes', '--silent']));
    assert.ok(fs.existsSync(setupFile()), 'the setup was saved');
    const rows = tsv(await world.run(['cognigy:init', '--yes', '-o', 'tsv']), ['setting', 'value']);
    assert.match(rows.find((r) => r.setting === 'Workflow')!.value, /^Assign to Anyone \(WW[0-9a-f]{32}\)$/);
    assert.match(rows.find((r) => r.setting === 'Bot endpoint')!.value, /…[0-9a-f]{4}$/);
  });

  it('link-flow: --dry-run --silent and -o none print nothing; --silent deploys; -o tsv summarises', async () => {
    silent(await world.run(['cognigy:link-flow', '--dry-run', '--diagram', '--silent']));
    const none = await world.run(['cognigy:link-flow', '--dry-run', '-o', 'none']);
    assert.strictEqual(none.code, 0, none.all);
    assert.strictEqual(none.stdout, '');
    assert.deepStrictEqual(world.fake.writes().filter((w) => !w.path.endsWith('/Validate')), [], 'a dry run only validates');

    silent(await world.run(['cognigy:link-flow', '--silent']));
    const flows = [...world.fake.state.flows.values()].filter((f) => f.friendly_name === 'Cognigy Bot Flow');
    assert.strictEqual(flows.length, 1, 'deployed although nothing was printed');
    flowSid = flows[0].sid;

    const [flow, ...rest] = tsv(await world.run(['cognigy:link-flow', '-o', 'tsv']), ['what', 'sid', 'action', 'detail']);
    assert.deepStrictEqual({ what: flow.what, sid: flow.sid, action: flow.action }, { what: 'flow', sid: flowSid, action: 'unchanged' });
    assert.deepStrictEqual(rest, []);
    const changed = tsv(await world.run(['cognigy:link-flow', '--escalation-key', 'handover', '-o', 'tsv']), ['what', 'sid', 'action', 'detail']);
    assert.strictEqual(changed[0].action, 'updated');
    assert.ok(changed.some((r) => r.what === 'backup' && r.action === 'written'), 'the backup is listed');

    oneLineError(await world.run(['cognigy:link-flow', '--dry-run', '--diagram', '-o', 'tsv']), /--diagram/);
  });

  it('test-chat: --silent and -o none print nothing, errors still reach stderr; -o tsv is the transcript', async () => {
    const asked = world.bot.requests.length;
    silent(await world.run(['cognigy:test-chat', '-m', 'hello', '--silent']));
    assert.strictEqual(world.bot.requests.length, asked + 1, 'the bot was called');
    const none = await world.run(['cognigy:test-chat', '-m', 'hello', '-o', 'none']);
    assert.strictEqual(none.code, 0, none.all);
    assert.strictEqual(none.stdout, '');

    const down = await world.run(['cognigy:test-chat', '--endpoint-url', 'http://127.0.0.1:9/abcdef0123456789', '-m', 'hello', '--silent']);
    assert.strictEqual(down.code, 1, down.all);
    assert.strictEqual(down.stdout, '');
    assert.match(down.stderr, /The bot endpoint could not be reached/);

    const rows = tsv(await world.run(['cognigy:test-chat', '-m', 'hello', '-m', 'multi', '-o', 'tsv']), ['from', 'text']);
    assert.deepStrictEqual(rows.slice(0, 4), [
      { from: 'customer', text: 'hello' },
      { from: 'bot', text: 'You said: hello' },
      { from: 'customer', text: 'multi' },
      { from: 'bot', text: 'First output. Second output. Third output.' },
    ]);

    const dir = fs.mkdtempSync(path.join(world.cli.home, 'convos-'));
    fs.writeFileSync(path.join(dir, 'echo.convo.txt'), 'echo\n\n#me\nhello\n\n#bot\nYou said: hello\n');
    const junit = path.join(dir, 'report.xml');
    silent(await world.run(['cognigy:test-chat', '--script', dir, '--junit', junit, '--silent']));
    assert.match(fs.readFileSync(junit, 'utf8'), /<testcase /, 'the JUnit report is still written');
    oneLineError(await world.run(['cognigy:test-chat', '--script', dir, '-o', 'tsv']), /--script .*-o tsv/);
  });

  it('escalate: --silent hands over and prints nothing, errors still reach stderr; -o tsv lists the hand-over and the execution', async () => {
    const quiet = scene();
    silent(await world.run(['cognigy:escalate', '--conversation', quiet.sid, '--silent']));
    assert.strictEqual(world.fake.state.executions.get(quiet.executionSid)!.status, 'ended');
    assert.strictEqual(world.fake.writes(/\/Interactions$/).length, 1, 'handed over although nothing was printed');

    const bad = await world.run(['cognigy:escalate', '--conversation', 'CH123', '--silent']);
    assert.strictEqual(bad.code, 2, bad.all);
    assert.strictEqual(bad.stdout, '');
    assert.match(bad.stderr, /not a conversation SID/);

    const s = scene();
    const rows = tsv(await world.run(['cognigy:escalate', '--conversation', s.sid, '-o', 'tsv']), ['what', 'sid', 'action', 'detail']);
    assert.strictEqual(rows[0].what, 'interaction');
    assert.match(rows[0].sid, /^KD[0-9a-f]{32}$/);
    assert.strictEqual(rows[0].action, 'created');
    assert.ok(rows.some((r) => r.what === 'task' && /^WT/.test(r.sid)), 'the task Flex made');
    assert.deepStrictEqual(rows.find((r) => r.what === 'execution'), { what: 'execution', sid: s.executionSid, action: 'ended', detail: '"Cognigy Bot Flow"' });
    assert.deepStrictEqual(world.fake.violations, []);
  });
});
