import { describe, it } from 'mocha';
import { assert, expect } from 'chai';
import { UsageError } from '../../../src/lib/errors';
import { abortOnInterrupt, chooseMode, mergeExitCode, messagesExitCode, type RunContext, type TestChatFlags } from '../../../src/lib/tasks/test-chat-policy';

/** As oclif parses a bare `twilio cognigy:test-chat` (the flags with defaults). */
const bare: TestChatFlags = { concurrency: 8, timeout: 60, 'replay-mode': 'strict' };
const terminal: RunContext = { interactive: true, format: 'columns', quiet: false };
const ci: RunContext = { interactive: false, format: 'columns', quiet: false };

function refused(flags: Partial<TestChatFlags>, message: RegExp, ctx: RunContext = ci, hint?: RegExp): void {
  expect(() => chooseMode({ ...bare, ...flags }, ctx))
    .to.throw(UsageError)
    .that.satisfies((e: UsageError) => {
      assert.strictEqual(e.exitCode, 2, 'bad input exits 2, as oclif parse errors do');
      assert.match(e.message, message);
      if (hint) assert.match(e.hint ?? '', hint);
      return true;
    });
}

describe('test-chat: which flags go together', () => {
  it('each mode from its flags; the REPL only for a person at a terminal', () => {
    assert.deepStrictEqual(chooseMode({ ...bare, message: ['hi'] }, ci), { kind: 'messages', recording: undefined });
    assert.deepStrictEqual(chooseMode({ ...bare, script: 'dir' }, ci), { kind: 'script', recording: undefined });
    assert.deepStrictEqual(chooseMode({ ...bare, 'merge-json': ['a.json'] }, ci), { kind: 'merge-reports' });
    assert.deepStrictEqual(chooseMode({ ...bare, 'merge-junit': ['a.xml'], junit: 'all.xml' }, ci), { kind: 'merge-reports' });
    assert.deepStrictEqual(chooseMode({ ...bare, 'merge-recordings': ['a.yaml'], record: 'all.yaml', replay: 'x' }, ci), { kind: 'merge-recordings' });
    assert.deepStrictEqual(chooseMode(bare, terminal), { kind: 'repl' });
    assert.deepStrictEqual(chooseMode({ ...bare, script: 'dir', replay: 'r.yaml', 'replay-mode': 'new-only', 'replay-latency': true }, ci), {
      kind: 'script',
      recording: { record: undefined, replay: 'r.yaml', mode: 'new-only', latency: true },
    });
  });

  it('values out of range', () => {
    refused({ concurrency: 0, script: 'dir' }, /^--concurrency 0 is out of range\.$/);
    refused({ concurrency: 257, script: 'dir' }, /^--concurrency 257 is out of range\.$/);
    refused({ timeout: 0, script: 'dir' }, /^--timeout 0 is out of range\.$/);
  });

  it('modes that exclude each other', () => {
    refused({ message: ['hi'], script: 'dir' }, /^Pass either --message or --script, not both\.$/);
    refused({ message: ['hi'], script: 'dir', 'merge-json': ['a.json'] }, /^Pass only one of --message, --script, --merge-junit\/--merge-json\.$/);
    refused({ message: ['hi'], record: 'a.yaml', replay: 'b.yaml' }, /^Pass either --record .* or --replay .*, not both\.$/, ci, /--replay-mode new-only/);
  });

  it('flags that need another', () => {
    refused({ 'merge-recordings': ['a.yaml'] }, /^--merge-recordings needs --record FILE/);
    refused({ 'merge-junit': ['a.xml'] }, /^--merge-junit writes the merged report to --junit FILE\.$/, ci, /--junit FILE/);
    refused({ message: ['hi'], 'replay-latency': true }, /^--replay-latency only applies with --replay FILE\.$/);
    refused({ message: ['hi'], 'replay-mode': 'new-only' }, /^--replay-mode only applies with --replay FILE\.$/);
    refused({ replay: 'r.yaml' }, /^--replay works with --script or --message\.$/, terminal, /\/save/);
    refused({ message: ['hi'], rate: '3/s' }, /^--rate applies to --script runs only\.$/);
    refused({ message: ['hi'], shard: '1/2' }, /^--shard applies to --script runs only\.$/);
  });

  it('a default is not a choice: --replay-mode strict (the default) needs no --replay', () => {
    assert.deepStrictEqual(chooseMode({ ...bare, message: ['hi'] }, ci).kind, 'messages');
  });

  it('output that cannot show the run', () => {
    refused({ script: 'dir' }, /^--script reports as text, -o json or --junit FILE; -o tsv has no table for it\.$/, { ...ci, format: 'tsv' });
    refused({}, /^Nothing to do without a terminal\.$/, ci, /--message TEXT/);
    refused({ silent: true }, /with --silent it would show nothing/, { ...terminal, quiet: true });
    refused({}, /with -o tsv it would show nothing/, { ...terminal, format: 'tsv' });
  });
});

describe('test-chat: exit codes', () => {
  it('--message fails the run on a problem; a merge as the whole run would have ended', () => {
    assert.strictEqual(messagesExitCode({ problems: [] }), 0);
    assert.strictEqual(messagesExitCode({ problems: [{ kind: 'unreachable' }] }), 1);
    const clean = { passed: 3, run: 3, scriptErrors: 0, notRun: 0, duplicates: [] };
    assert.strictEqual(mergeExitCode(clean), 0);
    assert.strictEqual(mergeExitCode({ ...clean, passed: 2 }), 1);
    assert.strictEqual(mergeExitCode({ ...clean, scriptErrors: 1 }), 1);
    assert.strictEqual(mergeExitCode({ ...clean, notRun: 1 }), 1);
    assert.strictEqual(mergeExitCode({ ...clean, passed: 0, run: 0 }), 1, 'nothing ran is no pass');
    assert.strictEqual(mergeExitCode({ ...clean, duplicates: ['a'] }), 1);
  });

  it('Ctrl-C aborts the running work, and the listener leaves with it', async () => {
    const before = process.listenerCount('SIGINT');
    const aborted = await abortOnInterrupt(async (signal) => {
      assert.strictEqual(process.listenerCount('SIGINT'), before + 1);
      // The added listener alone: emitting the signal would reach the test runner's too.
      (process.listeners('SIGINT').at(-1) as () => void)();
      return signal.aborted;
    });
    assert.strictEqual(aborted, true);
    assert.strictEqual(process.listenerCount('SIGINT'), before);
  });
});
