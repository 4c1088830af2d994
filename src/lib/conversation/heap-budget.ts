import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/**
 * Keeps a long script run's memory where a short run's is. The runner keeps nothing per
 * passed conversation (its live heap is flat: ~10 MB after 2,000 conversations as after
 * 20,000), but some of every conversation's objects live across two young-generation
 * collections while its bot calls are in flight, so they are promoted and pile up as
 * garbage in the old generation (~4 kB a conversation). V8 collects that only near a limit
 * it sets from the live heap, and inside the `twilio` host (which keeps every Twilio API
 * description in memory) that limit is ~100 MB above the start. So after every
 * `checkEvery` conversations, once the old generation has grown by more than `budgetBytes`
 * since the last collection, a full collection is asked for (~40 ms with the host's heap).
 *
 * The old generation is what is measured: the young one swings by tens of MB between its
 * own collections, and counting it made checks collect when nothing had been promoted.
 * With 8 MB, a 2,000-conversation run collects once and a 20,000 one about ten times
 * (2–3% of its time), and the longer run peaks 6–9 MB above the shorter (17 MB when the
 * whole heap was measured against 24 MB).
 */
export interface HeapBudgetOptions {
  budgetBytes?: number;
  checkEvery?: number;
  /** For tests: the old generation's used size, and the full collection. */
  heapUsed?: () => number;
  collect?: (() => void) | null;
}

export function createHeapBudget(options: HeapBudgetOptions = {}): () => void {
  const budget = options.budgetBytes ?? 8 * 1024 * 1024;
  const every = options.checkEvery ?? 100;
  const heapUsed = options.heapUsed ?? oldGenerationUsed;
  const collect = options.collect === undefined ? fullCollection() : options.collect;
  if (!collect) return () => undefined;
  let count = 0;
  let base = heapUsed();
  return () => {
    if (++count % every !== 0) return;
    if (heapUsed() - base <= budget) return;
    collect();
    base = heapUsed();
  };
}

/** Bytes used outside the young generation (`new_space`, `new_large_object_space`). */
function oldGenerationUsed(): number {
  let used = 0;
  for (const space of v8.getHeapSpaceStatistics()) if (!space.space_name.startsWith('new_')) used += space.space_used_size;
  return used;
}

let cached: (() => void) | null | undefined;

/**
 * V8's `gc()` without starting node with --expose-gc (the `twilio` host starts node, not
 * us): the flag applies to contexts created after it is set, so a fresh context hands the
 * function out, and the flag is cleared again at once so nothing else sees it.
 */
function fullCollection(): (() => void) | null {
  if (cached !== undefined) return cached;
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return (cached = () => (existing as () => void)());
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    cached = typeof gc === 'function' ? () => (gc as () => void)() : null;
  } catch {
    cached = null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  return cached;
}
