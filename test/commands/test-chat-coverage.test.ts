import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, type CliHome } from '../helpers/cli';
import { inProcessHome } from '../helpers/in-process';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'scripts');

/** Flow coverage of --script runs in -o json and the text report, --min-coverage, and the flags' rules. */
describe('test-chat --script coverage, --report, --min-coverage and --web flags', () => {
  let cli: CliHome;
  before(async () => {
    cli = await inProcessHome();
  });
  after(() => cli?.cleanup());

  it('-o json carries coverage: {widgets, transitions}, with counts and what was never reached', async () => {
    const r = await cli.run(['cognigy:test-chat', '--demo', '--script', path.join(FIXTURES, 'botium-pass'), '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    const report = JSON.parse(r.stdout);
    assert.deepStrictEqual(Object.keys(report), ['results', 'summary', 'coverage']);
    const { widgets, transitions, conversations } = report.coverage;
    assert.strictEqual(conversations, 4);
    assert.deepStrictEqual([widgets.reached, widgets.total], [10, 13]);
    assert.strictEqual(widgets.counts.Trigger, 4);
    assert.strictEqual(widgets.counts.SendToFlexAgent, 1);
    assert.deepStrictEqual(widgets.never, ['SetBotFailureReason', 'SendBotFailureMessage', 'SendFlexFailureMessage']);
    assert.strictEqual(transitions.counts['SendToFlexAgent.callComplete'], 1);
    assert.include(transitions.never, 'SendToFlexAgent.failedToEnqueue');
    assert.strictEqual(transitions.percent, Math.floor((transitions.taken / transitions.total) * 1000) / 10);
  });

  it('--min-coverage: exit 1 below it though every conversation passed, 0 at or above it', async () => {
    const below = await cli.run(['cognigy:test-chat', '--demo', '--script', path.join(FIXTURES, 'botium-pass'), '--min-coverage', '50']);
    assert.strictEqual(below.code, 1, below.all);
    assert.match(below.stdout, /^4 passed, 0 failed$/m);
    assert.match(below.stdout, /^Flow coverage: 10 of 13 widgets \(76\.9%\), 11 of 23 transitions \(47\.8%\)\.$/m);
    assert.match(below.stderr, /^Flow coverage 47\.8% is below --min-coverage 50% \(76\.9% of the widgets, 47\.8% of the transitions\)\.$/m);
    const above = await cli.run(['cognigy:test-chat', '--demo', '--script', path.join(FIXTURES, 'botium-pass'), '--min-coverage', '47']);
    assert.strictEqual(above.code, 0, above.all);
    assert.notMatch(above.stderr, /below --min-coverage/);
  });

  it('--merge-json adds up the shards\' flow coverage into the whole suite\'s; --min-coverage holds the merge to it; shards of other flows are refused', async () => {
    const suite = ['--demo', '--script', path.join(FIXTURES, 'botium-pass')];
    const whole = await cli.run(['cognigy:test-chat', ...suite, '-o', 'json']);
    assert.strictEqual(whole.code, 0, whole.all);
    const wholeCoverage = JSON.parse(whole.stdout).coverage;
    const shards = [1, 2].map((i) => path.join(cli.home, 'out', `coverage-shard-${i}.json`));
    const shardCoverage = [];
    fs.mkdirSync(path.dirname(shards[0]), { recursive: true });
    for (const [i, file] of shards.entries()) {
      const r = await cli.run(['cognigy:test-chat', ...suite, '--shard', `${i + 1}/2`, '-o', 'json']);
      assert.strictEqual(r.code, 0, r.all);
      fs.writeFileSync(file, r.stdout);
      shardCoverage.push(JSON.parse(r.stdout).coverage);
    }
    // Each shard covers part of what the suite covers: the hand-over is in one shard only.
    assert.deepStrictEqual(shardCoverage.map((c) => c.widgets.counts.SendToFlexAgent).sort(), [0, 1]);
    assert.ok(shardCoverage.every((c) => c.transitions.taken < wholeCoverage.transitions.taken), JSON.stringify(shardCoverage.map((c) => c.transitions.taken)));

    const merged = await cli.run(['cognigy:test-chat', '--merge-json', path.join(cli.home, 'out', 'coverage-shard-*.json'), '-o', 'json']);
    assert.strictEqual(merged.code, 0, merged.all);
    assert.deepStrictEqual(JSON.parse(merged.stdout).coverage, wholeCoverage, 'the coverage of one run of the whole suite');

    // --min-coverage on the merge: the suite's 47.8% of the transitions, not a shard's.
    const below = await cli.run(['cognigy:test-chat', ...shards.flatMap((f) => ['--merge-json', f]), '--min-coverage', '48']);
    assert.strictEqual(below.code, 1, below.all);
    assert.match(below.stdout, /^Flow coverage: 10 of 13 widgets \(76\.9%\), 11 of 23 transitions \(47\.8%\)\.$/m);
    assert.match(below.stdout, /^4 passed, 0 failed$/m);
    assert.match(below.stderr, /^Flow coverage 47\.8% is below --min-coverage 48% \(76\.9% of the widgets, 47\.8% of the transitions\)\.$/m);
    const above = await cli.run(['cognigy:test-chat', ...shards.flatMap((f) => ['--merge-json', f]), '--min-coverage', '47']);
    assert.strictEqual(above.code, 0, above.all);

    // Shard 2 run with another flow (the built flow that apologises and ends when the bot fails).
    const other = path.join(cli.home, 'out', 'other-flow-shard-2.json');
    const r = await cli.run(['cognigy:test-chat', ...suite, '--on-bot-failure', 'end', '--shard', '2/2', '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    fs.writeFileSync(other, r.stdout);
    const refused = await cli.run(['cognigy:test-chat', '--merge-json', shards[0], '--merge-json', other, '-o', 'json']);
    assert.strictEqual(refused.code, 2, refused.all);
    assert.match(refused.stderr, /^.*coverage-shard-1\.json and .*other-flow-shard-2\.json cover different flows: the (widget|transition) "[^"]+" is only in .*\.json\.\n.*Merge the reports of shards run with the same flow \(the same --flow-file or --flow revision\)\.\n?$/);

    // A report without coverage (an older version's) beside one with it: refused, not merged as if covered.
    const old = path.join(cli.home, 'out', 'old-shard-2.json');
    const { coverage: _dropped, ...older } = JSON.parse(fs.readFileSync(shards[1], 'utf8'));
    fs.writeFileSync(old, JSON.stringify(older));
    const mixed = await cli.run(['cognigy:test-chat', '--merge-json', shards[0], '--merge-json', old]);
    assert.strictEqual(mixed.code, 2, mixed.all);
    assert.match(mixed.stderr, /old-shard-2\.json holds no flow coverage, .*coverage-shard-1\.json does: the merged coverage would leave out its conversations\./);
  });

  it('--report writes one self-contained HTML file, also for a failing suite', async () => {
    const file = path.join(cli.home, 'out', 'fail.html');
    const r = await cli.run(['cognigy:test-chat', '--demo', '--script', path.join(FIXTURES, 'botium-fail'), '--report', file]);
    assert.strictEqual(r.code, 1, r.all);
    assert.match(r.stderr, /Wrote the HTML report to .*fail\.html\./);
    const html = fs.readFileSync(file, 'utf8');
    assert.match(html, /<title>test-chat report: 0 passed, 1 failed<\/title>/);
    assert.notMatch(html, /<script|<link|src="http|href="http/, 'nothing loaded from elsewhere');
    assert.match(html, /SendToFlexAgent\.failedToEnqueue: never taken/);
    // The runner's codes in the report's words.
    assert.match(html, /<div>bot message does not match<\/div>/);
    const passing = path.join(cli.home, 'out', 'pass.html');
    assert.strictEqual((await cli.run(['cognigy:test-chat', '--demo', '--script', path.join(FIXTURES, 'botium-pass'), '--report', passing])).code, 0);
    assert.match(fs.readFileSync(passing, 'utf8'), /<span class="who">flow<\/span>hand-over to Flex \(workflow WW[0-9a-f]+\)<\/div>/);
  });

  it('refuses what does not fit: --report or --min-coverage without --script, an out-of-range percentage, --web with --message or -o json', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--demo', '--report', 'r.html', '-m', 'hi'], /--report applies to --script runs only/],
      [['--demo', '--min-coverage', '80', '-m', 'hi'], /--min-coverage applies to --script runs and to --merge-json/],
      [['--merge-junit', 'a.xml', '--junit', 'all.xml', '--min-coverage', '80'], /JUnit reports hold no flow coverage: merge the shards' -o json reports with --merge-json too\./],
      [['--demo', '--script', path.join(FIXTURES, 'botium-pass'), '--min-coverage', '101'], /--min-coverage 101 is out of range/],
      [['--demo', '--script', path.join(FIXTURES, 'botium-pass'), '--report', 'r.txt'], /the report is an HTML file/],
      [['--demo', '--web', '-m', 'hi'], /Pass either --message or --web, not both/],
      [['--demo', '--web', '-o', 'json'], /--web shows the conversation in a browser/],
    ];
    for (const [args, message] of cases) {
      const r = await cli.run(['cognigy:test-chat', ...args]);
      assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.all}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
