import { describe, it } from 'mocha';
import { assert } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { coalescing } from '../../../src/lib/tasks/run-scripts';

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
