import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import { assert } from 'chai';
import { sentencesIn } from '../helpers/sentences';

/*
 * `src/lib/` returns data; the printers (`src/printers/`) put it in words. This test reads
 * every string and template literal of src/lib/ as the compiler parses it and fails on
 * sentence-like text (three words or more, or two in parentheses standing in for a value)
 * that is not an error message (inside `throw`, `new …Error(…)`, a call of a function named
 * …Error/…Failure or returning `never`, or an error's `hint`), unless its file is listed below with the reason and the exact count. A
 * new sentence in lib/ fails here; so does a listed count that is no longer true (lower it,
 * so that the list stays what the code holds).
 */

const ROOT = path.resolve(__dirname, '..', '..');

function libFiles(dir = path.join(ROOT, 'src', 'lib')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? libFiles(full) : e.name.endsWith('.ts') ? [path.relative(ROOT, full).split(path.sep).join('/')] : [];
  });
}

/**
 * Files of lib/ that may hold sentences, each with why and how many. `content`: what the
 * flow, the bot, Studio, Flex or a file holds, not what a printer says; `error`: error
 * messages kept as data (a problem's message, a failure classification) that the error
 * printer shows as they are; `open`: still to turn into data with codes (none is, since issue 15).
 */
const ALLOWED: Record<string, { count: number; kind: 'content' | 'error' | 'open'; why: string }> = {
  // What others say or hold: the flow, the demo bot, Studio, Flex, the files written.
  'src/lib/demo/bot-server.ts': { count: 17, kind: 'content', why: "the demo bot's own answers and its HTTP error bodies: a bot speaking, not the plugin" },
  'src/lib/studio/constants.ts': { count: 5, kind: 'content', why: 'what the built flow sends the customer (its default texts) and its description in Studio' },
  'src/lib/studio/templates.ts': { count: 5, kind: 'content', why: "the built flow's Liquid templates" },
  'src/lib/studio/loop.ts': { count: 2, kind: 'content', why: "the built flow's split-condition names, shown in the Studio Console" },
  'src/lib/studio/history.ts': { count: 2, kind: 'content', why: "the revision's commit message in Studio; what the atomic write names in its error" },
  'src/lib/runtime/liquid-sync.ts': { count: 1, kind: 'content', why: 'a Liquid template the renderer probes liquidjs with' },
  'src/lib/runtime/fidelity.ts': { count: 151, kind: 'content', why: 'the fidelity table scripts/fidelity-doc.ts writes docs/fidelity-widgets.md from: documentation, not output' },
  'src/lib/flex/preview.ts': { count: 1, kind: 'content', why: "the hand-over preview's stand-in address for a customer the flow did not name, inside the attributes it builds" },
  'src/lib/flex/handover-attributes.ts': { count: 2, kind: 'content', why: "what the hand-over writes into the Flex task's attributes, for the agent" },
  'src/lib/http/debug-log.ts': { count: 1, kind: 'content', why: 'the -l debug trace of an HTTP exchange' },
  'src/lib/conversation/recording.ts': { count: 4, kind: 'content', why: "the recording file's header comment, for whoever reviews the file" },
  // Error messages: thrown, or kept as the data of an error a printer shows as it is.
  'src/lib/errors.ts': { count: 7, kind: 'error', why: 'the error model: why a file cannot be written' },
  'src/lib/cognigy/errors.ts': { count: 15, kind: 'error', why: "a failed bot call's classification: the message and fix of its error and problem" },
  'src/lib/cognigy/endpoint.ts': { count: 1, kind: 'error', why: 'the URL token rule, in the endpoint URL error' },
  'src/lib/twilio/credentials.ts': { count: 6, kind: 'error', why: 'which credentials a 20003 used and how to fix them, for its error' },
  'src/lib/twilio/base-url.ts': { count: 1, kind: 'error', why: "a bad TWILIO_API_BASE_URL's fix" },
  'src/lib/setup/store.ts': { count: 1, kind: 'error', why: "an unreadable setup file's fix" },
  'src/lib/setup/init.ts': { count: 3, kind: 'error', why: "init's errors (a saved resource gone, the form body refused), built before the throw" },
  'src/lib/studio/options.ts': { count: 1, kind: 'error', why: 'a bad endpoint URL error, without the value' },
  'src/lib/tasks/link-flow.ts': { count: 1, kind: 'error', why: 'what the atomic write names in its error' },
  'src/lib/tasks/test-chat.ts': { count: 1, kind: 'error', why: "what a --function value looks like, for its usage error (pairs' shape)" },
  'src/lib/tasks/test-chat-policy.ts': { count: 9, kind: 'error', why: "the flag-relations table: each entry is a UsageError's message" },
  'src/lib/flex/discovery.ts': { count: 4, kind: 'error', why: "a bad SID's problem and the choices, in usage errors" },
  'src/lib/http/transport.ts': { count: 1, kind: 'error', why: "an HttpFailure's message" },
  'src/lib/web/server.ts': { count: 7, kind: 'error', why: "the web view's HTTP refusals (the page shows them) and its Content-Security-Policy" },
  'src/lib/runtime/http-call.ts': { count: 2, kind: 'error', why: "an HttpFailure's message (Studio's budget and body limit)" },
  'src/lib/runtime/stubs.ts': { count: 7, kind: 'error', why: 'what is wrong with a --stub file, for its usage error' },
  'src/lib/runtime/liquid.ts': { count: 2, kind: 'error', why: "a template error's message (Studio's 81018)" },
  'src/lib/runtime/session.ts': { count: 4, kind: 'error', why: "the session's misuse errors; a Function without URL" },
  'src/lib/runtime/flow.ts': { count: 6, kind: 'error', why: "a flow the runner cannot start, for test-chat's usage error" },
  'src/lib/runtime/step.ts': { count: 12, kind: 'error', why: "an execution's failures and ends as Studio reports them (the reason a flow stopped)" },
  'src/lib/runtime/widgets.ts': { count: 12, kind: 'error', why: "a widget's failures as Studio reports them (the reason it took failed)" },
  'src/lib/conversation/botium.ts': { count: 2, kind: 'error', why: 'botium.json capabilities it cannot honour, for its usage error' },
  'src/lib/studio/patch.ts': { count: 1, kind: 'error', why: 'a trigger that leads to no send-to-flex, for the flow-not-patchable error' },
  'src/lib/conversation/runner.ts': { count: 2, kind: 'error', why: "a timed-out conversation's error (how long, the rate limit's share and what to do)" },
  'src/lib/conversation/pacing.ts': { count: 2, kind: 'error', why: "why a rate-limited conversation timed out (its result's error)" },
};

describe('lib/ builds no sentence outside error messages', () => {
  const all = libFiles().flatMap((file) => sentencesIn(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));

  it('every sentence-like literal of src/lib/ is in a listed file, as many as listed', () => {
    const counts = new Map<string, number>();
    for (const s of all) counts.set(s.file, (counts.get(s.file) ?? 0) + 1);
    const wrong: string[] = [];
    for (const [file, count] of counts) {
      const allowed = ALLOWED[file];
      if (!allowed) wrong.push(...all.filter((s) => s.file === file).map((s) => `${s.file}:${s.line}: ${JSON.stringify(s.text)}`));
      else if (allowed.count !== count) wrong.push(`${file}: ${count} sentence-like literals, listed ${allowed.count}`);
    }
    for (const file of Object.keys(ALLOWED)) if (!counts.has(file)) wrong.push(`${file}: listed, but holds none (remove it from the list)`);
    // Every line in full: chai would cut a long array short.
    assert.strictEqual(wrong.join('\n'), '', 'put the words in a printer (src/printers/) and return data with a code; list a file only for content or error messages');
  });
});

describe('the sentence check itself', () => {
  it('finds a sentence in a string or template literal, and says where', () => {
    const source = ["const a = 'ok';", 'export const note = (n: number) => `The run sent ${n} messages to the bot.`;', "export const other = 'the flow did not end';"].join('\n');
    assert.deepStrictEqual(
      sentencesIn('src/lib/x.ts', source).map((s) => [s.line, s.text]),
      [
        [2, 'The run sent  X  messages to the bot.'],
        [3, 'the flow did not end'],
      ],
    );
  });

  it('leaves error messages alone: throw, new …Error, …Error(…) calls, functions returning never, hints', () => {
    const source = [
      "throw new UsageError('The flag is not known here.');",
      "const e = new CognigyError(`The file ${f} is not readable now.`, { hint: 'Move it away and retry later.' });",
      "return fileWriteError('the JUnit report file', file, error);",
      "function notOurs(file: string, why: string): never { throw new UsageError(`${file}: ${why}`); }",
      "notOurs(file, 'its suite is not ours');",
    ].join('\n');
    assert.deepStrictEqual(sentencesIn('src/lib/x.ts', source), []);
  });

  it('finds two words in parentheses, the way a report stands in for a missing value', () => {
    const source = ["const a = '(no message)';", "const b = `${x} (not checkable)`;", "const c = '(none)';", "const d = 'task channel';"].join('\n');
    assert.deepStrictEqual(
      sentencesIn('src/lib/x.ts', source).map((s) => [s.line, s.text]),
      [
        [1, '(no message)'],
        [2, ' X  (not checkable)'],
      ],
    );
  });

  it('takes words only: identifiers, codes, flags, paths and single words are not sentences', () => {
    const source = "const x = { code: 'bot-mismatch', flag: '--min-coverage', path: 'src/lib/x.ts', word: 'passed', two: 'not checkable' };";
    assert.deepStrictEqual(sentencesIn('src/lib/x.ts', source), []);
  });
});
