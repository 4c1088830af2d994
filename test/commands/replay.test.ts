/**
 * `test-chat --record` / `--replay` run in-process (issue 20): a suite is recorded against
 * the Cognigy-compatible stand-in, the bot is stopped and the suite is replayed green from
 * the file alone; a flow that now sends another `data` fails with the difference;
 * `--replay-mode new-only` asks the bot for what changed and updates the file. The
 * recording lives under the test HOME, so the secret scan at close covers it. The REPL's
 * /save with --record needs a terminal: test/e2e/repl.test.ts.
 */
import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { demoBehaviour, startBotServer } from '../../src/lib/demo/bot-server';
import { secretsIn, startWorld, type World } from '../helpers/stand-ins';
import { writeFlows } from '../helpers/flows';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'scripts');
const NAMES = ['Ask for a human agent', 'Greeting', 'Opening hours and pricing', 'Order status'];

describe('twilio cognigy:test-chat --record / --replay', () => {
  let world: World;
  let work: string;
  let flowFile: string;
  let changedFlow: string;
  let recording: string;
  before(async () => {
    world = await startWorld({ inProcess: true });
    world.bot.setBehaviour(demoBehaviour);
    work = fs.mkdtempSync(path.join(world.cli.home, 'replay-'));
    ({ flowFile, changedFlow } = writeFlows(world.bot.url, work));
    recording = path.join(work, 'recordings', 'bot.yaml');
  });
  after(async () => {
    await world?.close();
  });

  const script = (flow: string, ...args: string[]) =>
    world.run(['cognigy:test-chat', '--script', path.join(FIXTURES, 'botium-pass'), '--flow-file', flow, '--endpoint-url', world.bot.url, ...args]);

  it('record, stop the bot, replay green; another data fails with the difference; new-only fills it in', async () => {
    const recorded = await script(flowFile, '--record', recording, '--concurrency', '3');
    assert.strictEqual(recorded.code, 0, recorded.all);
    assert.match(recorded.stdout, /^4 passed, 0 failed$/m);
    assert.match(recorded.stderr, /Recorded the bot's answers for 4 conversations to .*bot\.yaml\./);
    const text = fs.readFileSync(recording, 'utf8');
    assert.deepStrictEqual(secretsIn(world, text), [], 'no token, no endpoint URL');
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    assert.strictEqual(docs[0].recording, 1);
    assert.deepStrictEqual(docs.slice(1).map((d) => d.conversation), NAMES, 'one document per conversation, sorted by name');
    const greeting = docs.find((d) => d.conversation === 'Greeting');
    const call = greeting.turns[0].calls[0];
    assert.strictEqual(call.request.method, 'POST');
    assert.strictEqual(call.request.url, `${new URL(world.bot.url).origin}/$COGNIGY_URL_TOKEN`);
    assert.strictEqual(call.request.params.userId, '$CUSTOMER');
    assert.match(call.request.params.sessionId, /^CH\$ID\d+$/);
    assert.strictEqual(call.request.params['data[channel]'], 'twilio-conversations');
    assert.strictEqual(call.response.status, 200);
    assert.match(call.response.contentType, /^application\/json/);
    assert.strictEqual(call.response.json.sessionId, call.request.params.sessionId, 'the echoed session id is a placeholder too');
    assert.strictEqual(typeof call.response.elapsedMs, 'number');

    // Recorded again against the same bot: the same file, byte for byte.
    const again = await script(flowFile, '--record', recording);
    assert.strictEqual(again.code, 0, again.all);
    assert.strictEqual(fs.readFileSync(recording, 'utf8'), text, 'stable across runs');

    const port = Number(new URL(world.bot.url).port);
    await world.bot.close();
    const replayed = await script(flowFile, '--replay', recording, '-o', 'json');
    assert.strictEqual(replayed.code, 0, replayed.all);
    const report = JSON.parse(replayed.stdout);
    assert.strictEqual(report.summary.passed, 4);
    assert.strictEqual(report.summary.total, 4);

    const latency = await script(flowFile, '--replay', recording, '--replay-latency');
    assert.strictEqual(latency.code, 0, latency.all);

    const differs = await script(changedFlow, '--replay', recording);
    assert.strictEqual(differs.code, 1, differs.all);
    assert.match(differs.stdout, /^0 passed, 4 failed$/m);
    assert.match(differs.stdout, /the flow's call to the bot in turn 1 differs from the recording/);
    const differsJson = await script(changedFlow, '--replay', recording, '-o', 'json');
    const [failure] = (JSON.parse(differsJson.stdout) as { results: Array<{ failures: Array<Record<string, unknown>> }> }).results[0].failures;
    assert.deepStrictEqual(
      [failure.code, failure.expected, failure.actual, failure.detail, failure.detailCode, 'expectedCode' in failure],
      ['turn-failed', 'params["data[channel]"]: "twilio-conversations"', 'params["data[channel]"]: "twilio-web"', "the flow's call to the bot in turn 1 differs from the recording (expected: recorded, actual: now)", 'call-differs', false],
    );
    assert.ok(differs.stdout.includes('params["data[channel]"]: "twilio-conversations"'), differs.stdout);
    assert.ok(differs.stdout.includes('params["data[channel]"]: "twilio-web"'), differs.stdout);
    assert.strictEqual(fs.readFileSync(recording, 'utf8'), text, 'a strict replay writes nothing');

    // new-only: the changed requests go to the bot (up again on the same URL) and into the file.
    const bot = await startBotServer({ behaviour: demoBehaviour, port, token: world.bot.token });
    try {
      const filled = await script(changedFlow, '--replay', recording, '--replay-mode', 'new-only');
      assert.strictEqual(filled.code, 0, filled.all);
      assert.match(filled.stderr, /Recorded 4 new or changed conversations into .*bot\.yaml \(4 in all\)\./);
      assert.ok(bot.requests.length > 0, 'the bot was asked');
    } finally {
      await bot.close();
    }
    const updated = fs.readFileSync(recording, 'utf8');
    assert.ok(updated.includes('"data[channel]":"twilio-web"'));
    assert.ok(!updated.includes('"data[channel]":"twilio-conversations"'));
    assert.deepStrictEqual(secretsIn(world, updated), []);
    // With the bot gone again, the changed flow now replays green.
    const green = await script(changedFlow, '--replay', recording);
    assert.strictEqual(green.code, 0, green.all);
    assert.match(green.stdout, /^4 passed, 0 failed$/m);
  });

  it('--jobs 2 replays in worker threads with the verdicts, failures and coverage of one thread; from another working folder too', async () => {
    const bot = await startBotServer({ behaviour: demoBehaviour });
    const dir = path.join(work, 'jobs');
    const suite = path.join(dir, 'suite');
    fs.mkdirSync(suite, { recursive: true });
    for (const f of fs.readdirSync(path.join(FIXTURES, 'botium-pass'))) fs.copyFileSync(path.join(FIXTURES, 'botium-pass', f), path.join(suite, f));
    const { flowFile, changedFlow } = writeFlows(bot.url, dir);
    const file = path.join(dir, 'bot.yaml');
    const run = (flow: string, ...args: string[]) => world.run(['cognigy:test-chat', '--script', suite, '--flow-file', flow, '--endpoint-url', bot.url, '-o', 'json', ...args]);
    try {
      assert.strictEqual((await run(flowFile, '--record', file)).code, 0);
    } finally {
      await bot.close();
    }
    const byName = (stdout: string) => {
      const report = JSON.parse(stdout);
      const results = report.results.map((r: any) => ({ name: r.name, status: r.status, failures: r.failures })).sort((a: any, b: any) => (a.name < b.name ? -1 : 1));
      return { results, passed: report.summary.passed, failed: report.summary.failed, coverage: report.coverage };
    };
    for (const flow of [flowFile, changedFlow]) {
      const one = await run(flow, '--replay', file, '--jobs', '1');
      const two = await run(flow, '--replay', file, '--jobs', '2');
      assert.strictEqual(two.code, one.code, two.all);
      assert.deepStrictEqual(byName(two.stdout), byName(one.stdout), `${path.basename(flow)}: the same verdicts, failures and coverage`);
    }
    assert.strictEqual(byName((await run(flowFile, '--replay', file, '--jobs', '2')).stdout).passed, 4);
    assert.strictEqual(byName((await run(changedFlow, '--replay', file, '--jobs', '2')).stdout).failed, 4);
    // Scripts are named from the recording's folder: a run from elsewhere finds them.
    const elsewhere = fs.mkdtempSync(path.join(world.cli.home, 'cwd-'));
    const moved = await world.run(['cognigy:test-chat', '--script', path.relative(elsewhere, suite), '--flow-file', flowFile, '--endpoint-url', bot.url, '--replay', path.relative(elsewhere, file)], { cwd: elsewhere });
    assert.strictEqual(moved.code, 0, moved.all);
    assert.match(moved.stdout, /^4 passed, 0 failed$/m);
    assert.match(fs.readFileSync(file, 'utf8'), /^file: "suite\/greeting\.convo\.txt"$/m);
  });

  it('a large replay goes to worker threads by itself; two conversations of one name are still refused', async () => {
    const bot = await startBotServer({ behaviour: demoBehaviour });
    const dir = path.join(work, 'auto');
    const suite = path.join(dir, 'suite');
    fs.mkdirSync(suite, { recursive: true });
    // More conversations than AUTO_JOBS_FROM (200), one file each; one more file repeats a name.
    for (let i = 0; i < 210; i++) fs.writeFileSync(path.join(suite, `c${String(i).padStart(3, '0')}.convo.txt`), `conversation ${i}\n\n#me\nhello ${i}\n\n#bot\n*\n`);
    const { flowFile } = writeFlows(bot.url, dir);
    const file = path.join(dir, 'bot.yaml');
    const run = (...args: string[]) => world.run(['cognigy:test-chat', '--script', suite, '--flow-file', flowFile, '--endpoint-url', bot.url, '--concurrency', '16', ...args]);
    try {
      assert.strictEqual((await run('--record', file)).code, 0);
    } finally {
      await bot.close();
    }
    const auto = await run('--replay', file, '-o', 'json');
    assert.strictEqual(auto.code, 0, auto.all);
    const report = JSON.parse(auto.stdout);
    assert.strictEqual(report.summary.passed, 210);
    assert.strictEqual(report.summary.jobs, Math.min(8, require('node:os').availableParallelism()), 'one worker per CPU');
    assert.strictEqual(new Set(report.results.map((r: any) => r.name)).size, 210, 'each conversation reported once');
    const debug = await run('--replay', file, '-o', 'json', '-l', 'debug');
    assert.strictEqual(JSON.parse(debug.stdout).summary.jobs, undefined, '-l debug stays in one thread');

    // One file, one name twice: both go to one worker, whose recording refuses the second.
    const convo = '  - name: twice\n    steps:\n      - me:\n          - hello\n      - bot:\n          - "*"\n';
    fs.writeFileSync(path.join(suite, 'twice.yaml'), `convos:\n${convo}${convo}`);
    const twice = await run('--replay', file, '--jobs', '2');
    assert.strictEqual(twice.code, 1, twice.all);
    assert.match(twice.stdout, /Two conversations are named "twice"/);
  });

  it('--jobs is refused where it cannot apply, in two lines', async () => {
    const cases: [string[], RegExp][] = [
      [['--script', 'x', '--jobs', '2'], /--jobs spreads a replayed suite over worker threads; a live run is bound by the bot/],
      [['--script', 'x', '--replay', 'r.yaml', '--jobs', '0'], /--jobs 0 is out of range/],
      [['--script', 'x', '--replay', 'r.yaml', '--replay-mode', 'new-only', '--jobs', '2'], /--jobs runs a strict replay/],
      [['-m', 'hi', '--replay', 'r.yaml', '--jobs', '2'], /--jobs applies to --script runs only/],
    ];
    for (const [args, message] of cases) {
      const r = await world.run(['cognigy:test-chat', '--endpoint-url', world.bot.url, ...args]);
      assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.all}`);
      assert.match(r.stderr, message);
      assert.isAtMost(r.stderr.trim().split('\n').length, 2, r.stderr);
    }
  });

  it('--message records and replays its one conversation; bad flag combinations are refused in two lines', async () => {
    const bot = await startBotServer({ behaviour: demoBehaviour });
    try {
      const file = path.join(work, 'messages.yaml');
      const args = ['cognigy:test-chat', '--endpoint-url', bot.url, '-m', 'hello', '-m', 'opening hours'];
      const rec = await world.run([...args, '--record', file]);
      assert.strictEqual(rec.code, 0, rec.all);
      assert.match(fs.readFileSync(file, 'utf8'), /^conversation: "test-chat --message"$/m);
      const live = rec.stdout;
      const replay = await world.run([...args.map((a) => (a === bot.url ? bot.url : a)), '--replay', file]);
      assert.strictEqual(replay.code, 0, replay.all);
      assert.strictEqual(replay.stdout.replace(/\d+ ms/g, 'N ms'), live.replace(/\d+ ms/g, 'N ms'));
      const other = await world.run(['cognigy:test-chat', '--endpoint-url', bot.url, '-m', 'hello', '-m', 'something else', '--replay', file]);
      assert.strictEqual(other.code, 1, other.all);
      assert.match(other.stderr, /call to the bot in turn 2 differs/);
      const said = ` » the flow's call to the bot in turn 2 differs from the recording (expected: recorded, actual: now):\n   recorded: params.text: "opening hours"\n   now:      params.text: "something else"\n`;
      assert.ok(other.stderr.endsWith(said), other.stderr);
      // -o json: the same words, and the replay failure's code beside them.
      const otherJson = await world.run(['cognigy:test-chat', '--endpoint-url', bot.url, '-m', 'hello', '-m', 'something else', '--replay', file, '-o', 'json']);
      const problem = (JSON.parse(otherJson.stdout) as { problems: Array<Record<string, unknown>> }).problems.find((p) => p.kind === 'bot-answer');
      assert.deepStrictEqual(problem, { kind: 'bot-answer', widget: '', message: said.slice(3, -1), replayCode: 'call-differs' });

      const both = await world.run([...args, '--record', file, '--replay', file]);
      assert.strictEqual(both.code, 2, both.all);
      assert.match(both.stderr, /either --record .* or --replay/);
      const missing = await world.run([...args, '--replay', path.join(work, 'nope.yaml')]);
      assert.notStrictEqual(missing.code, 0);
      assert.match(missing.stderr, /No recording at .*nope\.yaml/);
      assert.notMatch(missing.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      await bot.close();
    }
  });

  it('--merge-recordings joins the recordings of several runs (and of --shard runs, by pattern) into one, sorted', async () => {
    const bot = await startBotServer({ behaviour: demoBehaviour });
    try {
      const one = path.join(work, 'one');
      const two = path.join(work, 'two');
      for (const [dir, files] of [
        [one, ['greeting.convo.txt', 'agent.convo.txt']],
        [two, ['order-status.convo.txt']],
      ] as const) {
        fs.mkdirSync(dir, { recursive: true });
        for (const f of files) fs.copyFileSync(path.join(FIXTURES, 'botium-pass', f), path.join(dir, f));
      }
      const run = (dir: string, file: string) => world.run(['cognigy:test-chat', '--script', dir, '--endpoint-url', bot.url, '--record', file]);
      assert.strictEqual((await run(one, path.join(work, 'a.yaml'))).code, 0);
      assert.strictEqual((await run(two, path.join(work, 'b.yaml'))).code, 0);
      const merged = path.join(work, 'merged.yaml');
      const r = await world.run(['cognigy:test-chat', '--merge-recordings', path.join(work, 'b.yaml'), '--merge-recordings', path.join(work, 'a.yaml'), '--record', merged]);
      assert.strictEqual(r.code, 0, r.all);
      const docs = parseAllDocuments(fs.readFileSync(merged, 'utf8')).map((d) => d.toJS());
      assert.deepStrictEqual(docs.slice(1).map((d) => d.conversation), ['Ask for a human agent', 'Greeting', 'Order status']);

      // Two shards of one suite, each recording its own file, merged by a pattern, replay the whole suite.
      const suiteDir = path.join(FIXTURES, 'botium-pass');
      for (const shard of ['1/2', '2/2']) {
        const r = await world.run(['cognigy:test-chat', '--script', suiteDir, '--endpoint-url', bot.url, '--shard', shard, '--concurrency', '2', '--record', path.join(work, 'shards', `shard-${shard[0]}.yaml`)]);
        assert.strictEqual(r.code, 0, r.all);
      }
      const all = path.join(work, 'shards-all.yaml');
      const m = await world.run(['cognigy:test-chat', '--merge-recordings', path.join(work, 'shards', 'shard-*.yaml'), '--record', all]);
      assert.strictEqual(m.code, 0, m.all);
      assert.match(m.stderr, /Merged 2 recordings into .*: 4 conversations\./);
      await bot.close();
      const replay = await world.run(['cognigy:test-chat', '--script', suiteDir, '--endpoint-url', bot.url, '--replay', all, '--concurrency', '4']);
      assert.strictEqual(replay.code, 0, replay.all);
      assert.match(replay.stdout, /^4 passed, 0 failed$/m);
    } finally {
      await bot.close();
    }
  });
});
