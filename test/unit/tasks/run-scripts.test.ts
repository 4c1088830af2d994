import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { coalescing, runScripts, scriptExitCode } from '../../../src/lib/tasks/run-scripts';
import { prepareChat } from '../../../src/lib/tasks/test-chat';
import { scriptReporters } from '../../../src/printers/test-chat';

describe('the script report is handed on in chunks', () => {
  it('holds small writes, passes them on once the chunk is full, in order and complete', () => {
    const out: string[] = [];
    const report = coalescing((t) => out.push(t), { bytes: 10, ms: 60_000 });
    report.write('abc');
    report.write('def');
    assert.deepStrictEqual(out, [], 'nothing written while under the chunk size');
    report.write('ghij');
    assert.deepStrictEqual(out, ['abcdefghij']);
    report.write('k');
    report.flush();
    report.flush();
    assert.deepStrictEqual(out, ['abcdefghij', 'k'], 'flush passes the rest on once');
  });

  it('never holds text longer than its delay', async () => {
    const out: string[] = [];
    const report = coalescing((t) => out.push(t), { bytes: 1_000, ms: 20 });
    report.write('first line\n');
    await sleep(200);
    assert.deepStrictEqual(out, ['first line\n']);
    report.flush();
  });

  it('a write that fails on the timer is thrown at the next write and at the final flush, not lost', async () => {
    const report = coalescing(
      () => {
        throw new Error('EPIPE: the reader went away');
      },
      { bytes: 1_000, ms: 5 },
    );
    report.write('x');
    await sleep(100);
    assert.throws(() => report.write('y'), /EPIPE/);
    assert.throws(() => report.flush(), /EPIPE/);
  });
});

describe('a replay over worker threads (--jobs)', () => {
  // The demo flow and its embedded bot: 300 conversations recorded once, then replayed.
  let prepared: import('../../../src/lib/conversation/prepared').PreparedChat;
  let dir: string;
  let recording: string;
  const COUNT = 300;
  before(async function () {
    this.timeout(60_000);
    prepared = await prepareChat({ input: {}, demo: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-jobs-'));
    fs.mkdirSync(path.join(dir, 'suite'));
    for (let i = 0; i < COUNT; i++) fs.writeFileSync(path.join(dir, 'suite', `c${i}.convo.txt`), `conversation ${i}\n\n#me\nhello\n\n#bot\n*\n\n#bot\n*\n\n#me\nopening hours\n\n#bot\n*\n`);
    recording = path.join(dir, 'bot.yaml');
    const { summary } = await runScripts(prepared, { path: path.join(dir, 'suite'), concurrency: 16, timeoutMs: 30_000, write: () => undefined, reporters: scriptReporters({ json: true }), recording: { record: recording } });
    assert.strictEqual(summary.counts.passed, COUNT);
  });
  after(async () => {
    await prepared?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const replay = (o: Partial<Parameters<typeof runScripts>[1]> = {}) =>
    runScripts(prepared, { path: path.join(dir, 'suite'), concurrency: 16, timeoutMs: 30_000, write: () => undefined, reporters: scriptReporters({ json: true }), recording: { replay: recording }, ...o });

  it('reports every conversation once, with the coverage of a one-thread run', async () => {
    const one = await replay({ jobs: 1 });
    const two = await replay({ jobs: 2 });
    assert.strictEqual(two.summary.jobs, 2);
    assert.strictEqual(one.summary.jobs, undefined);
    assert.deepStrictEqual(two.summary.counts, one.summary.counts);
    assert.strictEqual(two.summary.counts.passed, COUNT);
    assert.deepStrictEqual(two.coverage, one.coverage);
    assert.deepStrictEqual([...two.coverageCounts.transitions], [...one.coverageCounts.transitions]);
  });

  it("keeps each conversation's transcript for --report, as one thread does", async () => {
    const byName = (r: Awaited<ReturnType<typeof replay>>) =>
      (r.conversations ?? []).map((c) => ({ name: c.result.name, transcript: c.transcript })).sort((a, b) => (a.name < b.name ? -1 : 1));
    const one = await replay({ jobs: 1, transcripts: true });
    const two = await replay({ jobs: 2, transcripts: true });
    assert.strictEqual(two.conversations?.length, COUNT);
    assert.deepStrictEqual(byName(two), byName(one));
  });

  it('Ctrl-C stops sending conversations; the rest is counted as not run, and the run ends as aborted', async () => {
    const controller = new AbortController();
    let results = 0;
    const { summary } = await replay({
      jobs: 2,
      signal: controller.signal,
      // Told of each result as it arrives (the reports' own output is batched).
      reporters: (write) => [
        ...scriptReporters({ json: true })(write),
        {
          onResult: () => {
            if (++results === 20) controller.abort();
          },
          finish: () => undefined,
        },
      ],
    });
    assert.isTrue(summary.aborted);
    assert.isAbove(summary.notRun, 0, 'some conversations were never sent');
    assert.strictEqual(summary.total + summary.notRun, COUNT, 'each conversation run or counted as not run');
    assert.strictEqual(scriptExitCode(summary), 130);
  });
});
