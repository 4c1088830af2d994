/**
 * `twilio cognigy:test-chat --script` run in-process, against the Cognigy-compatible
 * stand-in on 127.0.0.1: the fixtures under test/fixtures/scripts run through the flow
 * link-flow builds, with every report (human, JSON, JUnit), time-outs, malformed scripts
 * and test mode. Ctrl-C and the progress line on a terminal need the host:
 * test/e2e/test-chat-host.test.ts.
 */
import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoBehaviour, type BotBehaviour } from '../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../stand-ins/cognigy-scripted';
import { secretsIn, startWorld, type World } from '../helpers/stand-ins';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'scripts');
const SIDS = ['--workflow', `WW${'a'.repeat(32)}`, '--task-channel', `TC${'b'.repeat(32)}`];

interface JsonResult {
  name: string;
  file: string;
  status: string;
  turns: number;
  failures: { line: number; turn: number; code: string; message: string; expected: string; actual: string }[];
}
interface JsonReport {
  summary: { passed: number; failed: number; error: number; timeout: number; total: number; notRun: number; aborted: boolean; scriptErrors: { file: string; line: number; message: string }[] };
  results: JsonResult[];
}

/** `<testcase>` elements of a JUnit report, with their failure/error children. */
function junitCases(xml: string): { name: string; classname: string; failure: boolean; error: boolean }[] {
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  const cases: { name: string; classname: string; failure: boolean; error: boolean }[] = [];
  const re = /<testcase classname="([^"]*)" name="([^"]*)" time="[\d.]+"(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    cases.push({ classname: m[1], name: m[2], failure: /<failure /.test(m[4] ?? ''), error: /<error /.test(m[4] ?? '') });
  }
  // Every testcase was matched: none hides inside a malformed element.
  assert.strictEqual(cases.length, (xml.match(/<testcase /g) ?? []).length);
  return cases;
}

function suiteTotals(xml: string): Record<string, number> {
  const m = /<testsuite name="[^"]*" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/.exec(xml);
  assert.ok(m, xml);
  return { tests: Number(m[1]), failures: Number(m[2]), errors: Number(m[3]), skipped: Number(m[4]) };
}

describe('twilio cognigy:test-chat --script', () => {
  let world: World;
  let work: string;
  before(async () => {
    world = await startWorld({ inProcess: true });
    // Under the test HOME, so the secret scan at close covers the JUnit reports too.
    work = fs.mkdtempSync(path.join(world.cli.home, 'scripts-'));
  });
  after(async () => {
    await world?.close();
  });

  const script = (target: string, ...args: string[]) => world.run(['cognigy:test-chat', '--script', target, '--endpoint-url', world.bot.url, ...args]);
  const useBot = (behaviour: BotBehaviour) => world.bot.setBehaviour(behaviour);
  /** A folder of scripts written for one test. */
  const folder = (name: string, files: Record<string, string>) => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
    return dir;
  };
  const echoConvo = (title: string, ...messages: string[]) =>
    `${title}\n${messages.map((m) => `\n#me\n${m}\n\n#bot\nYou said: ${m}\n`).join('')}`;

  it('a folder of passing BotiumScript files passes, with a JUnit report of one testcase each', async () => {
    useBot(demoBehaviour);
    const junit = path.join(work, 'reports', 'pass.xml');
    fs.mkdirSync(path.dirname(junit), { recursive: true });
    const r = await script(path.join(FIXTURES, 'botium-pass'), '--junit', junit);
    assert.strictEqual(r.code, 0, r.all);
    assert.match(r.stdout, /^4 passed, 0 failed$/m);
    for (const name of ['Greeting', 'Opening hours and pricing', 'Order status', 'Ask for a human agent']) {
      assert.match(r.stdout, new RegExp(`✔ ${name} \\(\\d+ turns?, \\d+ ms\\)`));
    }
    const xml = fs.readFileSync(junit, 'utf8');
    const cases = junitCases(xml);
    assert.strictEqual(cases.length, 4);
    assert.deepStrictEqual(cases.filter((c) => c.failure || c.error), []);
    assert.deepStrictEqual(suiteTotals(xml), { tests: 4, failures: 0, errors: 0, skipped: 0 });
    assert.deepStrictEqual(fs.readdirSync(path.dirname(junit)), ['pass.xml'], 'no partial file left behind');
    assert.deepStrictEqual(secretsIn(world, r.all + xml), []);
  });

  it('one wrong expectation: exit 1, the conversation, file:line, turn, expected and actual aligned', async () => {
    useBot(demoBehaviour);
    const dir = folder('one-wrong', {
      'greeting.convo.txt': fs.readFileSync(path.join(FIXTURES, 'botium-pass', 'greeting.convo.txt'), 'utf8'),
      'wrong-hours.convo.txt': fs.readFileSync(path.join(FIXTURES, 'botium-fail', 'wrong-hours.convo.txt'), 'utf8'),
    });
    const junit = path.join(work, 'one-wrong.xml');
    const r = await script(dir, '--junit', junit);
    assert.strictEqual(r.code, 1, r.all);
    assert.match(r.stdout, /✔ Greeting/, 'the other conversation still ran');
    assert.match(r.stdout, /✖ Opening hours \(wrong expectation\)/);
    const file = path.join(dir, 'wrong-hours.convo.txt');
    assert.ok(r.stdout.includes(`${file}:8, turn 1: bot message does not match`), r.stdout);
    assert.match(r.stdout, /\n {6}expected: text like "We are open 24\/7\." \(ignoring case\)\n {6}actual: {3}We are open Monday to Friday, 9:00 to 17:00\.\n/);
    assert.match(r.stdout, /^1 passed, 1 failed$/m);
    const cases = junitCases(fs.readFileSync(junit, 'utf8'));
    assert.deepStrictEqual(cases.map((c) => [c.name, c.failure]).sort(), [['Greeting', false], ['Opening hours (wrong expectation)', true]]);

    const json = await script(dir, '-o', 'json');
    assert.strictEqual(json.code, 1, json.all);
    const report = JSON.parse(json.stdout) as JsonReport;
    assert.strictEqual(report.summary.passed, 1);
    assert.strictEqual(report.summary.failed, 1);
    const failed = report.results.find((x) => x.status === 'failed')!;
    assert.deepStrictEqual([failed.failures[0].line, failed.failures[0].turn, failed.failures[0].actual], [8, 1, 'We are open Monday to Friday, 9:00 to 17:00.']);
    // The failure's code for programs, its sentence as the text report says it.
    assert.deepStrictEqual([failed.failures[0].code, failed.failures[0].message], ['bot-mismatch', 'bot message does not match']);
  });

  it('YAML scripts: exact, contains, regex, data, quick replies, handover with attributes, end and silence', async () => {
    useBot(demoBehaviour);
    const r = await script(path.join(FIXTURES, 'yaml-flow'), ...SIDS, '-o', 'json');
    assert.strictEqual(r.code, 0, r.all);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.deepStrictEqual(
      report.results.map((x) => [x.name, x.status]).sort(),
      [
        ['exact, contains and regex', 'passed'],
        ['handover with its attributes', 'passed'],
        ['quick replies and data', 'passed'],
        ['the customer goes silent', 'passed'],
      ],
    );
    const requests = world.bot.requests.filter((q) => (q.body as { userId?: string })?.userId === '+15550000042');
    assert.strictEqual(requests.length, 1, 'the conversation with its own "from" reached the bot as that customer');

    // The same kinds fail when the bot does not meet them, each with its own words.
    const bad = await script(path.join(FIXTURES, 'yaml-flow-fail'), ...SIDS);
    assert.strictEqual(bad.code, 1, bad.all);
    assert.match(bad.stdout, /expected: quick replies \["Opening hours","Pricing"\]\n\s+actual: {3}quick replies \["Opening hours","Order status","Pricing","Talk to an agent"\]/);
    assert.match(bad.stdout, /wrong-kinds\.yaml:15, turn 1: handover does not match\n\s+expected: handover \(attributes including \{"cognigy":\{"reason":"bot-failure"\}\}\)\n\s+actual: {3}attributes\.cognigy\.reason: expected "bot-failure", got "bot-escalation"/);
    assert.match(bad.stdout, /^0 passed, 2 failed$/m);

    // An echo script against the scripted test bot: the customer's text reaches the bot as written.
    useBot(scriptedBehaviour);
    const echo = await script(path.join(FIXTURES, 'yaml', 'single.yaml'));
    assert.strictEqual(echo.code, 0, echo.all);
    assert.match(echo.stdout, /✔ echo through the scripted test bot \(2 turns/);
  });

  it('a bot that never answers one conversation does not stall the others', async () => {
    const hangs: BotBehaviour = (request) => (/hang/.test(request.text ?? '') ? new Promise(() => undefined) : scriptedBehaviour(request));
    useBot(hangs);
    const dir = folder('hanging', {
      'a.convo.txt': echoConvo('first', 'one', 'two'),
      'b.convo.txt': echoConvo('hangs', 'please hang'),
      'c.convo.txt': echoConvo('third', 'three'),
      'd.convo.txt': echoConvo('fourth', 'four', 'five', 'six'),
    });
    const started = Date.now();
    const r = await script(dir, '--timeout', '2', '--concurrency', '2', '-o', 'json');
    const elapsed = Date.now() - started;
    assert.strictEqual(r.code, 1, r.all);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.deepStrictEqual(report.results.map((x) => [x.name, x.status]).sort(), [
      ['first', 'passed'],
      ['fourth', 'passed'],
      ['hangs', 'timeout'],
      ['third', 'passed'],
    ]);
    assert.strictEqual(report.summary.timeout, 1);
    // 2 s for the stuck one plus start-up; far below Studio's own 10 s HTTP budget.
    assert.ok(elapsed < 9_000, `took ${elapsed} ms`);
  });

  it('malformed scripts are reported with file and line, and the other scripts still run', async () => {
    useBot(demoBehaviour);
    const malformed = path.join(FIXTURES, 'malformed');
    const dir = folder('malformed', {
      ...Object.fromEntries(fs.readdirSync(malformed).map((f) => [f, fs.readFileSync(path.join(malformed, f), 'utf8')])),
      'zz-greeting.convo.txt': fs.readFileSync(path.join(FIXTURES, 'botium-pass', 'greeting.convo.txt'), 'utf8'),
    });
    const junit = path.join(work, 'malformed.xml');
    const r = await script(dir, '--junit', junit);
    assert.strictEqual(r.code, 1, r.all);
    const at = (file: string, line: number) => `✖ ${path.join(dir, file)}:${line}: script error: `;
    assert.ok(r.stdout.includes(`${at('bad-yaml.yaml', 4)}invalid YAML`), r.stdout);
    assert.ok(r.stdout.includes(`${at('no-me.convo.txt', 1)}no #me block`), r.stdout);
    assert.ok(r.stdout.includes(`${at('unknown-key.yaml', 7)}unknown key "contain"`), r.stdout);
    assert.ok(r.stdout.includes(`${at('unsupported-asserter.convo.txt', 7)}Botium asserter FORMS is not supported`), r.stdout);
    assert.match(r.stdout, /✔ Greeting/);
    assert.match(r.stdout, /^1 passed, 0 failed, 4 script errors$/m);
    const xml = fs.readFileSync(junit, 'utf8');
    assert.strictEqual(junitCases(xml).filter((c) => c.error).length, 4);
    assert.deepStrictEqual(suiteTotals(xml), { tests: 5, failures: 0, errors: 4, skipped: 0 });
  });

  it('--test-mode sends every bot call to /test/<token>', async () => {
    useBot(demoBehaviour);
    const before = world.bot.requests.length;
    const r = await script(path.join(FIXTURES, 'botium-pass'), '--test-mode');
    assert.strictEqual(r.code, 0, r.all);
    const calls = world.bot.requests.slice(before);
    assert.strictEqual(calls.length, 6, 'one call per customer message of the four conversations');
    for (const call of calls) {
      assert.strictEqual(call.path, `/test/${world.bot.token}`);
      assert.strictEqual(call.testMode, true);
    }
    const sessions = new Set(calls.map((c) => (c.body as { sessionId: string }).sessionId));
    const customers = new Set(calls.map((c) => (c.body as { userId: string }).userId));
    assert.strictEqual(sessions.size, 4, 'a Cognigy session per conversation');
    assert.strictEqual(customers.size, 4, 'a customer address per conversation');
  });
});
