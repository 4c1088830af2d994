/**
 * Scripted runs at real scale, run in-process: a bot that rate-limits (429 + Retry-After
 * past its limit, test/stand-ins/cognigy-rate-limit.ts), `--rate` measured at the bot,
 * `--shard` and the merge of shard reports (the shards run one after another here, as
 * separate runs of the command), and `--concurrency 256`. Suites stay small (tens of
 * conversations). Ctrl-C while waiting on a 429 and the progress line on a terminal need
 * the host: test/e2e/test-chat-host.test.ts.
 */
import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type BotBehaviour } from '../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../stand-ins/cognigy-scripted';
import { junitCases as testcases, junitTotals as totals } from '../helpers/junit';
import { secretsIn, startWorld, type World } from '../helpers/stand-ins';
import { rateLimited } from '../stand-ins/cognigy-rate-limit';
import type { JsonReport } from '../../src/lib/conversation/report';

describe('scripted runs at scale', () => {
  let world: World;
  let work: string;
  before(async () => {
    world = await startWorld({ inProcess: true });
    work = fs.mkdtempSync(path.join(world.cli.home, 'scale-'));
  });
  after(async () => {
    await world?.close();
  });

  const script = (target: string, ...args: string[]) => world.run(['cognigy:test-chat', '--script', target, '--endpoint-url', world.bot.url, ...args]);
  const useBot = (behaviour: BotBehaviour) => world.bot.setBehaviour(behaviour);
  const echoConvo = (title: string, ...messages: string[]) => `${title}\n${messages.map((m) => `\n#me\n${m}\n\n#bot\nYou said: ${m}\n`).join('')}`;
  /** `count` conversations of `turns` customer messages, one file each. */
  const suite = (name: string, count: number, turns: number, prefix = '') => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < count; i++) {
      const messages = Array.from({ length: turns }, (_, t) => `${prefix}message ${t + 1} of ${name} ${i}`);
      fs.writeFileSync(path.join(dir, `c${String(i).padStart(3, '0')}.convo.txt`), echoConvo(`${name} ${i}`, ...messages));
    }
    return dir;
  };

  it('a suite well over the bot rate limit passes, every conversation green, and the report counts the waits', async () => {
    // 30 conversations × 3 turns at --concurrency 8 against 15 requests a second: the bot refuses most of the first burst.
    const limited = rateLimited(scriptedBehaviour, { limit: 15 });
    useBot(limited.behaviour);
    const dir = suite('over-limit', 30, 3);
    const human = await script(dir, '--concurrency', '8');
    assert.strictEqual(human.code, 0, human.all);
    assert.match(human.stdout, /^30 passed, 0 failed$/m);
    assert.notMatch(human.stdout, /✖/);
    assert.ok(limited.stats.refused > 0, 'the bot did answer 429');
    assert.strictEqual(limited.stats.accepted, 90, 'each turn reached the bot once (a 429 is sent again, an answer never)');
    assert.match(human.stdout, /^✔ over-limit \d+ \(3 turns, \d+ ms, [\d.]+ s of it waiting on 429 × \d+\)$/m, 'a conversation that waited says so');
    assert.match(human.stdout, /^Rate limited: the bot answered 429 \d+ times? in \d+ conversations?; their turns waited [\d.]+ s in all and were sent again\.$/m);

    limited.reset();
    const json = await script(dir, '--concurrency', '8', '-o', 'json');
    assert.strictEqual(json.code, 0, json.all);
    const report = JSON.parse(json.stdout) as JsonReport;
    assert.strictEqual(report.summary.passed, 30);
    assert.strictEqual(report.summary.rateLimit.waits, limited.stats.refused, 'every 429 the bot sent is counted once');
    assert.ok(report.summary.rateLimit.waitedMs > 0);
    assert.strictEqual(report.results.filter((r) => r.rateLimit).length, report.summary.rateLimit.conversations);
    assert.deepStrictEqual(secretsIn(world, human.all + json.all), []);
  });

  it('a 429 in the REPL or --message still takes the failed path, as Studio would, and is not sent again', async () => {
    let calls = 0;
    useBot(() => {
      calls++;
      return { status: 429, headers: { 'retry-after': '1' }, body: { statusCode: 429, error: 'Too Many Requests', message: 'slow down' } };
    });
    const r = await world.run(['cognigy:test-chat', '--endpoint-url', world.bot.url, '-m', 'hi', '-o', 'json']);
    const report = JSON.parse(r.stdout) as { transcript: { from: string; kind?: string; text: string }[] };
    const failure = report.transcript.find((t) => t.kind === 'bot-failure');
    assert.match(failure?.text ?? '', /^The call to the bot failed: .*status 429.*rate limited.*The flow takes "failed"\.$/, r.stdout);
    assert.strictEqual(calls, 1);
  });

  it('a conversation that cannot finish within --timeout because of the rate limit says so', async () => {
    // The bot asks to wait 30 s; --timeout 3 leaves less: no failed expectation, a time-out that names the rate limit.
    useBot(() => ({ status: 429, headers: { 'retry-after': '30' }, body: { statusCode: 429, error: 'Too Many Requests', message: 'later' } }));
    const dir = suite('past-timeout', 2, 1);
    const started = performance.now();
    const r = await script(dir, '--timeout', '3', '-o', 'json');
    assert.ok(performance.now() - started < 20_000, 'it did not wait the 30 s');
    assert.strictEqual(r.code, 1, r.all);
    const report = JSON.parse(r.stdout) as { results: { status: string; error?: string; failures: unknown[] }[] };
    for (const result of report.results) {
      assert.strictEqual(result.status, 'timeout');
      assert.deepStrictEqual(result.failures, []);
      assert.match(result.error ?? '', /^rate limited: the bot asks to wait 30 s \(Retry-After\) and --timeout leaves \d+(\.\d)? s/);
    }
  });

  it('--rate holds the rate, measured at the bot', async () => {
    // 40 requests at --rate 10/s: in no second does the bot see more than 10, +2 for a late
    // timer's catch-up (requests leave at least 3/4 of an interval apart) and arrival jitter.
    const measured = rateLimited(scriptedBehaviour, { limit: 1_000_000, record: true });
    useBot(measured.behaviour);
    const dir = suite('paced', 20, 2);
    const r = await script(dir, '--rate', '10/s', '--concurrency', '16');
    assert.strictEqual(r.code, 0, r.all);
    const at = measured.stats.acceptedAt;
    assert.strictEqual(at.length, 40);
    let most = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (at[i] - at[j] >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    assert.ok(most <= 12, `at most 10 (+2) requests in any second, saw ${most}`);
    const rate = ((at.length - 1) / (at[at.length - 1] - at[0])) * 1000;
    assert.ok(rate <= 10.5 && rate >= 7, `about 10 requests a second over the run, was ${rate.toFixed(1)}`);
  });

  it('--test-mode without --rate warns before the run when the suite goes past test mode\'s ~600 messages an hour', async () => {
    useBot(scriptedBehaviour);
    const dir = suite('test-mode', 61, 10);
    const r = await script(dir, '--test-mode', '--concurrency', '16');
    assert.strictEqual(r.code, 0, r.all.slice(-2000));
    assert.match(r.stderr, /This run sends 610 messages to Cognigy's test mode in about \d+ s at --concurrency 16 \(assuming ~300 ms a turn\): ~610 in an hour, over the ~600 an hour test mode allows/);
    assert.match(r.stderr, /--rate 600\/h \(about 61 min\)/);
    const paced = await script(dir, '--test-mode', '--rate', '2000/s', '--concurrency', '16');
    assert.strictEqual(paced.code, 0);
    assert.notMatch(paced.stderr, /This run sends/, 'with --rate the user chose the pace');
  });

  it('time queued for --rate does not count against --timeout', async () => {
    useBot(scriptedBehaviour);
    // 12 conversations at once, 4 requests a second: the last waits ~3 s for its turn, --timeout is 1 s.
    const dir = suite('queued', 12, 1);
    const r = await script(dir, '--rate', '4/s', '--concurrency', '12', '--timeout', '1');
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stdout, /^12 passed, 0 failed$/m);
  });

  it('bad --rate and --shard values are refused in one or two lines', async () => {
    const dir = suite('bad-flags', 1, 1);
    for (const [flag, value, said] of [
      ['--rate', 'fast', /--rate fast is not a rate\./],
      ['--rate', '0/s', /--rate 0\/s is not a rate\./],
      ['--shard', '5/4', /--shard 5\/4 is not a shard\./],
      ['--shard', '1', /--shard 1 is not a shard\./],
    ] as const) {
      const r = await script(dir, flag, value);
      assert.notStrictEqual(r.code, 0, r.all);
      assert.match(r.stderr, said);
      assert.notMatch(r.all, /\n\s+at /, 'no stack trace');
    }
    for (const [args, said] of [
      [['--merge-junit', path.join(dir, 'c000.convo.txt')], /--merge-junit writes the merged report to --junit FILE\./],
      [['--merge-junit', path.join(dir, 'c000.convo.txt'), '--junit', path.join(work, 'x.xml')], /c000\.convo\.txt is not a cognigy:test-chat report/],
      [['--merge-json', path.join(work, 'nothing-here.json')], /Cannot read .*nothing-here\.json: ENOENT\./],
      [['--merge-json', path.join(work, 'nothing-*.json')], /--merge-json .*nothing-\*\.json: no file matches\./],
      [['--endpoint-url', world.bot.url, '-m', 'hi', '--rate', '3/s'], /--rate applies to --script runs only\./],
    ] as const) {
      const r = await world.run(['cognigy:test-chat', ...args]);
      assert.notStrictEqual(r.code, 0, r.all);
      assert.match(r.stderr, said);
      assert.notMatch(r.all, /\n\s+at /, 'no stack trace');
    }
  });

  it('--shard runs every conversation exactly once across the shards, and the merged reports equal a single run', async () => {
    useBot(scriptedBehaviour);
    const dir = suite('sharded', 24, 1);
    // A YAML file holds several conversations: they spread over the shards too.
    const yaml = ['conversations:', ...Array.from({ length: 12 }, (_, i) => `  - name: yaml ${i}\n    steps:\n      - user: yaml ${i}\n      - bot: { text: "You said: yaml ${i}" }`)].join('\n');
    fs.writeFileSync(path.join(dir, 'many.yaml'), `${yaml}\n`);
    // Utterance expansion: one convo file, eight conversations (one per utterance).
    fs.writeFileSync(path.join(dir, 'greetings.utterances.txt'), `GREETING\n${Array.from({ length: 8 }, (_, i) => `hello number ${i}`).join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'greet.convo.txt'), 'greet\n\n#me\nGREETING\n\n#bot\nYou said: hello number *\n');
    const single = path.join(work, 'single.xml');
    const whole = await script(dir, '--junit', single, '-o', 'json');
    assert.strictEqual(whole.code, 0, whole.all);
    const wholeReport = JSON.parse(whole.stdout) as JsonReport;
    assert.strictEqual(wholeReport.summary.total, 44);

    const names: string[] = [];
    const xmls: string[] = [];
    const jsons: string[] = [];
    const yamlShards = new Set<number>();
    const expandedShards = new Set<number>();
    for (let i = 1; i <= 3; i++) {
      const xml = path.join(work, `shard-${i}.xml`);
      const json = path.join(work, `shard-${i}.json`);
      const r = await script(dir, '--shard', `${i}/3`, '--junit', xml, '-o', 'json');
      assert.strictEqual(r.code, 0, r.all);
      fs.writeFileSync(json, r.stdout);
      const report = JSON.parse(r.stdout) as JsonReport;
      assert.deepStrictEqual(report.summary.shard, { index: i, total: 3 });
      assert.ok(report.summary.total > 0 && report.summary.total < 44, `shard ${i} holds part of the suite (${report.summary.total})`);
      for (const result of report.results) {
        names.push(result.name);
        if (result.name.startsWith('yaml ')) yamlShards.add(i);
        if (result.name.startsWith('greet/')) expandedShards.add(i);
      }
      xmls.push(xml);
      jsons.push(json);
    }
    assert.deepStrictEqual([...names].sort(), wholeReport.results.map((r) => r.name).sort(), 'the shards together are the suite, each conversation once');
    assert.ok(yamlShards.size >= 2, 'the conversations of one YAML file spread over the shards');
    assert.ok(expandedShards.size >= 2, 'the conversations expanded from one convo spread over the shards');

    // The same shard again picks the same conversations.
    const again = await script(dir, '--shard', '2/3', '-o', 'json');
    const first = JSON.parse(fs.readFileSync(jsons[1], 'utf8')) as JsonReport;
    assert.deepStrictEqual((JSON.parse(again.stdout) as JsonReport).results.map((r) => r.name).sort(), first.results.map((r) => r.name).sort());

    const merged = path.join(work, 'merged.xml');
    const m = await world.run(['cognigy:test-chat', ...xmls.flatMap((x) => ['--merge-junit', x]), '--junit', merged]);
    assert.strictEqual(m.code, 0, m.all);
    assert.match(m.stdout, /^Merged 3 JUnit reports into .*merged\.xml \(shards 1\/3, 2\/3, 3\/3\)\.$/m);
    assert.match(m.stdout, /^44 passed, 0 failed$/m);
    const mergedXml = fs.readFileSync(merged, 'utf8');
    const singleXml = fs.readFileSync(single, 'utf8');
    assert.strictEqual(totals(mergedXml), totals(singleXml));
    assert.deepStrictEqual(testcases(mergedXml), testcases(singleXml), 'the same test cases as one run of the whole suite');
    assert.notMatch(mergedXml, /<property name="shard"/);

    // A quoted pattern, as a CI step passes it.
    const mj = await world.run(['cognigy:test-chat', '--merge-json', path.join(work, 'shard-*.json'), '-o', 'json']);
    assert.strictEqual(mj.code, 0, mj.all);
    const mergedJson = JSON.parse(mj.stdout) as JsonReport;
    assert.strictEqual(mergedJson.summary.passed, 44);
    assert.deepStrictEqual(mergedJson.results.map((r) => r.name).sort(), wholeReport.results.map((r) => r.name).sort());
    assert.deepStrictEqual(mergedJson.coverage, wholeReport.coverage, 'the flow coverage of one run of the whole suite');

    // A missing shard is refused, not merged into a report of part of the suite.
    const partial = await world.run(['cognigy:test-chat', '--merge-junit', xmls[0], '--merge-junit', xmls[2], '--junit', path.join(work, 'partial.xml')]);
    assert.notStrictEqual(partial.code, 0);
    assert.match(partial.stderr, /Shard 2\/3 missing: the merged report would not be the whole suite\./);
  });

  it('--concurrency 256 runs 256 conversations at once', async () => {
    let inFlight = 0;
    let most = 0;
    useBot(async (request) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 400));
      inFlight--;
      return [{ text: `You said: ${request.text}` }];
    });
    const dir = suite('wide', 300, 1);
    const r = await script(dir, '--concurrency', '256', '-o', 'json');
    assert.strictEqual(r.code, 0, r.all.slice(-2000));
    assert.strictEqual((JSON.parse(r.stdout) as JsonReport).summary.passed, 300);
    assert.ok(most >= 200, `the bot saw ${most} requests at once`);
  });
});
