import { describe, it } from 'mocha';
import { assert } from 'chai';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { createHeapBudget } from '../../../src/lib/conversation/heap-budget';

const MB = 1024 * 1024;

describe('heap budget of a script run', () => {
  it('collects only on a check, and only once the heap grew past the budget since the last collection', () => {
    let heap = 100 * MB;
    const collections: number[] = [];
    const check = createHeapBudget({
      budgetBytes: 10 * MB,
      checkEvery: 3,
      heapUsed: () => heap,
      collect: () => {
        collections.push(heap);
        heap = 101 * MB; // what survives
      },
    });
    heap = 150 * MB;
    check();
    check();
    assert.deepStrictEqual(collections, [], 'no check before the third conversation');
    check();
    assert.deepStrictEqual(collections, [150 * MB]);
    heap = 110 * MB; // 9 MB over the new base: within the budget
    check();
    check();
    check();
    assert.deepStrictEqual(collections, [150 * MB]);
    heap = 112 * MB;
    check();
    check();
    check();
    assert.deepStrictEqual(collections, [150 * MB, 112 * MB]);
  });

  it('the real collection frees promoted garbage in this Node', () => {
    const check = createHeapBudget({ budgetBytes: 8 * MB, checkEvery: 1 });
    const used = () => v8.getHeapStatistics().used_heap_size;
    let keep: unknown[] = [];
    for (let i = 0; i < 300_000; i++) keep.push({ i, text: `turn ${i}` });
    const grown = used();
    keep = [];
    check();
    assert.ok(used() < grown - 8 * MB, `heap ${used()} after the check, ${grown} before: nothing was collected`);
  });

  it('leaves gc() exposed to nothing that runs later', () => {
    createHeapBudget({ checkEvery: 1 });
    assert.strictEqual(vm.runInNewContext('typeof gc'), 'undefined');
    assert.strictEqual(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  });
});
