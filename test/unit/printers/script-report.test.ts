import { describe, it, after } from 'mocha';
import { assert } from 'chai';
import { promises as fs, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closingLine, createHumanReporter, createJsonReporter, formatExpectedActual, progressText } from '../../../src/printers/script-report';
import { JUnitWriter } from '../../../src/printers/junit';
import type { ConversationResult, RunSummary } from '../../../src/lib/conversation/runner';
import { scriptError } from '../../../src/lib/conversation/types';

const passed: ConversationResult = { name: 'Greeting', file: 's/greeting.convo.txt', line: 1, status: 'passed', failures: [], turns: 1, elapsedMs: 12.4 };
const failed: ConversationResult = {
  name: 'Hours <wrong> & "quoted"',
  file: 's/hours.convo.txt',
  line: 1,
  status: 'failed',
  failures: [
    { file: 's/hours.convo.txt', line: 9, turn: 1, code: 'bot-mismatch', expected: 'We are open 24/7.', actual: 'We are open\nMonday to Friday \u0007\u001b[31m' },
  ],
  turns: 1,
  elapsedMs: 1500,
};
const timedOut: ConversationResult = { name: 'Slow', file: 's/slow.yaml', line: 4, status: 'timeout', failures: [], turns: 2, elapsedMs: 30000, error: 'timed out after 30000 ms (turn 2)' };
const badScript = scriptError('s/bad.yaml', 7, 'unknown key "contain" in bot');

function summaryOf(results: ConversationResult[], extra: Partial<RunSummary> = {}): RunSummary {
  const counts = { passed: 0, failed: 0, error: 0, timeout: 0, notCheckable: 0 };
  for (const r of results) counts[r.status]++;
  return {
    counts,
    total: results.length,
    notRun: 0,
    interrupted: 0,
    rateLimit: { waits: 0, waitedMs: 0, conversations: 0 },
    aborted: false,
    scriptErrors: [],
    failedResults: results.filter((r) => r.status !== 'passed'),
    elapsedMs: 31512,
    ...extra,
  };
}

function human(results: ConversationResult[], summary: RunSummary, showPassed = true): string {
  let out = '';
  const reporter = createHumanReporter({ write: (t) => (out += t), showPassed });
  for (const r of results) reporter.onResult(r);
  for (const e of summary.scriptErrors) reporter.onScriptError(e);
  reporter.finish(summary);
  return out;
}

describe('human reporter', () => {
  it('a line per conversation, failures with location and aligned expected/actual, the closing line alone last', () => {
    const results = [passed, failed, timedOut];
    const out = human(results, summaryOf(results, { scriptErrors: [badScript] }));
    const lines = out.split('\n');
    assert.strictEqual(lines.pop(), '', 'output ends with a newline');
    assert.strictEqual(lines[lines.length - 1], '1 passed, 2 failed, 1 script error');
    assert.ok(lines.includes('✔ Greeting (1 turn, 12 ms)'));
    assert.ok(lines.includes('✖ Hours <wrong> & "quoted" (1 turn, 1500 ms)'));
    assert.ok(lines.includes('    s/hours.convo.txt:9, turn 1: bot message does not match'));
    const at = lines.indexOf('      expected: We are open 24/7.');
    assert.ok(at > 0, out);
    // Continuation lines align under the first; control characters are shown, not sent to the terminal.
    assert.deepStrictEqual(lines.slice(at + 1, at + 3), ['      actual:   We are open', '                Monday to Friday \\u0007\\u001b[31m']);
    assert.ok(lines.includes('    s/slow.yaml:4: timeout: timed out after 30000 ms (turn 2)'));
    assert.ok(lines.includes('✖ s/bad.yaml:7: script error: unknown key "contain" in bot'));
    assert.ok(!out.includes('\u001b'), 'no raw escape characters');
  });

  it('failures only, with skipped conversations after an abort', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ ...passed, name: `ok ${i}` }));
    const results = [...many, failed];
    const out = human(results, summaryOf(results, { aborted: true, notRun: 7 }), false);
    assert.ok(!out.includes('✔'));
    assert.ok(out.includes('Aborted: 7 conversations not run.'));
    assert.ok(out.endsWith('\n5 passed, 1 failed, 7 skipped\n'));
  });

  it('closing line: errors and time-outs count as failed; script errors, not checkable and skipped on their own', () => {
    assert.strictEqual(closingLine(summaryOf([passed, passed])), '2 passed, 0 failed');
    assert.strictEqual(closingLine(summaryOf([timedOut], { scriptErrors: [badScript], notRun: 2 })), '0 passed, 1 failed, 1 script error, 2 skipped');
    const unchecked = { ...passed, status: 'notCheckable' as const };
    assert.strictEqual(closingLine(summaryOf([passed, unchecked, failed])), '1 passed, 1 failed, 1 not checkable');
  });

  it('formatExpectedActual aligns both texts', () => {
    assert.strictEqual(formatExpectedActual('a\nb', 'c', '  '), '  expected: a\n            b\n  actual:   c');
  });
});

describe('JSON reporter', () => {
  it('{ summary, results } with every result and the script errors', () => {
    const reporter = createJsonReporter();
    for (const r of [passed, failed]) reporter.onResult(r);
    const report = JSON.parse(JSON.stringify(reporter.finish(summaryOf([passed, failed], { scriptErrors: [badScript] }))));
    assert.deepStrictEqual(report.summary, {
      passed: 1,
      failed: 1,
      error: 0,
      timeout: 0,
      notCheckable: 0,
      total: 2,
      notRun: 0,
      interrupted: 0,
      aborted: false,
      elapsedMs: 31512,
      rateLimit: { waits: 0, waitedMs: 0, conversations: 0 },
      scriptErrors: [badScript],
      notes: [],
    });
    assert.deepStrictEqual(report.results.map((r: ConversationResult) => [r.name, r.status]), [
      ['Greeting', 'passed'],
      ['Hours <wrong> & "quoted"', 'failed'],
    ]);
    assert.strictEqual(report.results[1].failures[0].line, 9);
  });
});

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** A small well-formedness check: legal characters, balanced tags, quoted attributes, known entities. */
function parseXml(xml: string): XmlElement {
  // eslint-disable-next-line no-control-regex
  assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml), 'a character XML 1.0 forbids');
  const decode = (s: string) => {
    assert.ok(!/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s), `bare & in ${JSON.stringify(s)}`);
    return s
      .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  };
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  assert.notStrictEqual(body, xml, 'XML declaration first');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  let pos = 0;
  while (pos < body.length) {
    token.lastIndex = pos;
    const m = token.exec(body);
    assert.ok(m, `not well-formed at ${JSON.stringify(body.slice(pos, pos + 40))}`);
    pos = token.lastIndex;
    const top = stack[stack.length - 1];
    if (m[5] !== undefined) {
      if (stack.length === 1) assert.match(m[5], /^\s*$/, 'text outside the root element');
      top.text += decode(m[5]);
    } else if (m[1]) {
      assert.strictEqual(m[2], top.name, `</${m[2]}> closes <${top.name}>`);
      stack.pop();
    } else {
      const attributes: Record<string, string> = {};
      for (const a of m[3].matchAll(/([\w:.-]+)="([^"]*)"/g)) {
        assert.ok(!(a[1] in attributes), `duplicate attribute ${a[1]}`);
        attributes[a[1]] = decode(a[2]);
      }
      const element: XmlElement = { name: m[2], attributes, children: [], text: '' };
      top.children.push(element);
      if (!m[4]) stack.push(element);
    }
  }
  assert.strictEqual(stack.length, 1, 'every element closed');
  assert.strictEqual(root.children.length, 1, 'one root element');
  return root.children[0];
}

const made: string[] = [];
after(() => Promise.all(made.map((dir) => fs.rm(dir, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'junit-'));
  made.push(dir);
  return dir;
}

describe('JUnit XML', () => {
  it('well-formed, escaped, one testcase per conversation and script error, totals on the suite', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'report.xml');
    const writer = new JUnitWriter(file);
    const oddName = { ...passed, name: 'Lone surrogate \ud800 and NUL \u0000 & <tag>' };
    for (const r of [passed, failed, timedOut, oddName]) writer.write(r);
    writer.writeScriptError(badScript);
    writer.close(summaryOf([passed, failed, timedOut, oddName], { scriptErrors: [badScript], notRun: 3 }));
    assert.ok(!existsSync(`${file}.${process.pid}.part`), 'the body file is removed');

    const xml = await fs.readFile(file, 'utf8');
    const root = parseXml(xml);
    assert.strictEqual(root.name, 'testsuites');
    const suite = root.children[0];
    assert.strictEqual(suite.name, 'testsuite');
    assert.deepStrictEqual(
      ['tests', 'failures', 'errors', 'skipped', 'time'].map((k) => suite.attributes[k]),
      ['5', '1', '2', '3', '31.512'],
    );
    const [properties, ...cases] = suite.children;
    // The same totals as the text report's closing line and -o json.
    assert.deepStrictEqual(
      properties.children.map((p) => [p.attributes.name, p.attributes.value]),
      [['run', '4'], ['passed', '2'], ['failed', '2'], ['notCheckable', '0'], ['scriptErrors', '1'], ['notRun', '3']],
    );
    assert.deepStrictEqual(cases.map((c) => [c.attributes.classname, c.attributes.name, c.attributes.time]), [
      ['s/greeting.convo.txt', 'Greeting', '0.012'],
      ['s/hours.convo.txt', 'Hours <wrong> & "quoted"', '1.500'],
      ['s/slow.yaml', 'Slow', '30.000'],
      ['s/greeting.convo.txt', 'Lone surrogate \\ud800 and NUL \\u0000 & <tag>', '0.012'],
      ['s/bad.yaml', 'script error at line 7', '0.000'],
    ]);
    assert.strictEqual(cases[0].children.length, 0);
    const failure = cases[1].children[0];
    assert.strictEqual(failure.name, 'failure');
    assert.strictEqual(failure.attributes.message, 'bot message does not match at s/hours.convo.txt:9, turn 1');
    assert.strictEqual(
      failure.text,
      's/hours.convo.txt:9, turn 1\nexpected: We are open 24/7.\nactual:   We are open\n          Monday to Friday \\u0007\\u001b[31m',
    );
    assert.deepStrictEqual([cases[2].children[0].name, cases[2].children[0].attributes.type], ['error', 'timeout']);
    assert.deepStrictEqual([cases[4].children[0].name, cases[4].children[0].attributes.message], ['error', 'unknown key "contain" in bot']);
  });

  it('newlines in attribute values survive as character references', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'r.xml');
    const writer = new JUnitWriter(file, 'suite\n"x"');
    writer.write({ ...timedOut, status: 'error', error: 'line one\nline two\ttab' });
    writer.close(summaryOf([timedOut]));
    const root = parseXml(await fs.readFile(file, 'utf8'));
    assert.strictEqual(root.attributes.name, 'suite\n"x"');
    assert.strictEqual(root.children[0].children[1].children[0].attributes.message, 'line one\nline two\ttab');
  });
});

describe('the run returns codes, the reporters say them', () => {
  const warned: ConversationResult = {
    ...failed,
    failures: [{ file: 's/hours.convo.txt', line: 9, turn: 2, code: 'unexpected-messages', count: 2, expected: { code: 'nothing-before', step: { code: 'customer-says', text: 'bye' } }, actual: 'a\nb', botFailure: '"CallBot": the endpoint answered 500' }],
    warnings: [
      { line: 3, code: 'ignored-text', where: '#begin' },
      { line: 9, code: 'flow-warning', widget: 'SetVars', warning: 'x is kept as text' },
    ],
  };

  it('the text report: each failure and warning in words, where it happened', () => {
    const out = human([warned], summaryOf([warned]));
    assert.ok(out.includes('    s/hours.convo.txt:9, turn 2: the bot sent 2 message(s) the script does not expect ("CallBot": the endpoint answered 500)\n'), out);
    assert.ok(out.includes('      expected: no further bot message before: customer says "bye"\n      actual:   a\n                b\n'), out);
    assert.ok(out.includes('    note: s/hours.convo.txt:3: text in #begin is ignored, as Botium ignores it\n'), out);
    assert.ok(out.includes('    note: s/hours.convo.txt:9: "SetVars": x is kept as text\n'), out);
  });

  it('-o json: the same sentence as `message`, beside the code and its fields', () => {
    const reporter = createJsonReporter();
    reporter.onResult(warned);
    reporter.onNote({ code: 'connector-capabilities-ignored', names: ['A', 'B', 'C', 'D', 'E', 'F'] });
    const report = reporter.finish(summaryOf([warned]));
    const [result] = report.results;
    assert.deepStrictEqual(
      [result.failures[0].code, result.failures[0].count, result.failures[0].message, result.failures[0].expected, result.failures[0].expectedCode, result.failures[0].actual, 'actualCode' in result.failures[0]],
      ['unexpected-messages', 2, 'the bot sent 2 message(s) the script does not expect ("CallBot": the endpoint answered 500)', 'no further bot message before: customer says "bye"', 'nothing-before', 'a\nb', false],
    );
    assert.deepStrictEqual(result.warnings!.map((w) => [w.line, w.code, w.message]), [
      [3, 'ignored-text', 'text in #begin is ignored, as Botium ignores it'],
      [9, 'flow-warning', '"SetVars": x is kept as text'],
    ]);
    assert.deepStrictEqual(report.summary.notes, ["botium.json: 6 capabilities that only configure Botium's own connector ignored (A, B, C, D, E, …)"]);
    assert.strictEqual(warned.failures[0].code, 'unexpected-messages', "the runner's result is not changed");
    assert.ok(!('message' in warned.failures[0]));
  });

  it('a passed result without warnings is written as the runner made it', () => {
    const reporter = createJsonReporter();
    reporter.onResult(passed);
    assert.strictEqual<unknown>(reporter.finish(summaryOf([passed])).results[0], passed);
  });
});

describe('the progress line, from the run\'s numbers', () => {
  it('done of total, failed, the pace, the bot\'s rate and its 429s, the time left', () => {
    assert.strictEqual(
      progressText({ done: 12, total: 40, failed: 1, elapsedMs: 2000, botPerSecond: 30, pacedAt: 3, refused: 2 }),
      '  12/40 conversations, 1 failed, 6/s, bot 30 req/s (paced at 3/s), 2 × 429, ~5 s left ',
    );
  });

  it('uncounted and unpaced: only what is known', () => {
    assert.strictEqual(progressText({ done: 3, failed: 0, elapsedMs: 1000, refused: 0 }), '  3 conversations, 0 failed, 3/s ');
  });
});
