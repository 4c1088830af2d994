/**
 * A scripted run spread over worker threads (`test-chat --jobs`). A replayed suite never
 * waits on the network, so one thread is the limit: the interpreter, the recording and the
 * matcher are all CPU. Here the main thread keeps what must be one: reading the suite (so
 * a script error is reported once, and the run's order of conversations is the reader's),
 * the reports, the coverage, the summary; each worker runs conversations through its own
 * driver (runConversations, as a one-thread run does) and posts each result back.
 *
 * A conversation goes to the worker with the least to do, except that a name already seen
 * in the same script file goes where the first went: two conversations of one name meet in
 * one worker, whose recording refuses the second as a one-thread run does. (The reader
 * yields a file's conversations one after another, so only the current file's names are
 * kept.)
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import { emptySummary, runConversations, type ConversationResult, type DriverFactory, type RunSummary } from './runner';
import type { Conversation, ScriptError } from './types';
import { isScriptError } from './types';

/** Main → worker. */
type ToWorker = { type: 'run'; indexes: number[]; conversations: Conversation[] } | { type: 'end' } | { type: 'abort' };
/** Worker → main. */
type FromWorker<Extra, Final> =
  | { type: 'results'; results: { result: ConversationResult; extra?: Extra }[] }
  | { type: 'done'; notRun: number; interrupted: number; final?: Final }
  | { type: 'failed'; message: string; stack?: string };

export interface ParallelRunOptions<Extra, Final> {
  jobs: number;
  /** The worker's script (it calls `serveConversations`), and what it is started with. */
  workerFile: string;
  workerData: unknown;
  /** Conversations run at once, over all workers. */
  concurrency: number;
  signal?: AbortSignal;
  onResult?: (result: ConversationResult, extra: Extra | undefined) => void;
  /** What a worker says once its conversations are done (its counts). */
  onWorkerDone?: (final: Final | undefined) => void;
  onScriptError?: (error: ScriptError) => void;
}

/** Conversations a worker holds (running or queued) before the reader waits for it: memory stays flat. */
const QUEUED_PER_WORKER = 128;
/**
 * Messages go in batches: a message between threads costs tens of µs whatever it holds,
 * as much as a replayed turn. A batch leaves as soon as its worker runs short.
 */
const BATCH = 32;
const RESULTS_AFTER_MS = 10;
/**
 * A replayed turn allocates briskly and keeps little: a larger young generation than
 * V8's default means fewer scavenges. 10,000 conversations × 5 turns on 2 workers through
 * `twilio`: 16 MB 4.2–6.5 s, 48 MB 3.75–3.82 s, 128 MB 3.9 s with 170 MB more RSS.
 */
const WORKER_YOUNG_GENERATION_MB = 48;

function startWorker(file: string, workerData: unknown): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
  if (!file.endsWith('.ts')) return new Worker(file, { workerData, resourceLimits });
  // Under tsx (the in-process tests run src/): an inherited `--import tsx` would be looked
  // up from the run's working folder, so the worker registers tsx from here instead.
  const tsx = require.resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`, { eval: true, execArgv: [], workerData, resourceLimits });
}

/** Like runConversations, over `jobs` worker threads; the same summary. */
export async function runConversationsInWorkers<Extra, Final>(source: AsyncIterable<Conversation | ScriptError>, o: ParallelRunOptions<Extra, Final>): Promise<RunSummary> {
  const started = performance.now();
  const summary = emptySummary();
  const perWorker = Math.max(1, Math.ceil(o.concurrency / o.jobs));
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    wakeAll();
  };
  const workers = Array.from({ length: o.jobs }, () => {
    const worker = startWorker(o.workerFile, { data: o.workerData, concurrency: perWorker });
    const state = { worker, queued: 0, batch: [] as Conversation[], indexes: [] as number[], done: false, finished: undefined as unknown as Promise<void>, wake: undefined as (() => void) | undefined };
    state.finished = new Promise<void>((resolve) => {
      worker.on('message', (message: FromWorker<Extra, Final>) => {
        if (message.type === 'results') {
          state.queued -= message.results.length;
          state.wake?.();
          for (const r of message.results) take(r.result, r.extra);
        } else if (message.type === 'done') {
          summary.notRun += message.notRun;
          summary.interrupted += message.interrupted;
          state.done = true;
          try {
            o.onWorkerDone?.(message.final);
          } catch (error) {
            fail(error as Error);
          }
        } else {
          const error = new Error(message.message);
          if (message.stack) error.stack = message.stack;
          fail(error);
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (!state.done) fail(new Error(`A worker of the run stopped (exit code ${code}) before its conversations were done.`));
        resolve();
      });
    });
    return state;
  });
  function wakeAll() {
    for (const w of workers) w.wake?.();
  }

  const take = (result: ConversationResult, extra: Extra | undefined) => {
    if (result.rateLimit) {
      summary.rateLimit.waits += result.rateLimit.waits;
      summary.rateLimit.waitedMs += result.rateLimit.waitedMs;
      summary.rateLimit.conversations++;
    }
    summary.total++;
    summary.counts[result.status]++;
    if (result.status !== 'passed') summary.failedResults.push(result);
    try {
      o.onResult?.(result, extra);
    } catch (error) {
      fail(error as Error);
    }
  };
  const post = (w: (typeof workers)[number], message: ToWorker) => w.worker.postMessage(message);
  const flush = (w: (typeof workers)[number]) => {
    if (!w.batch.length) return;
    post(w, { type: 'run', indexes: w.indexes, conversations: w.batch });
    w.batch = [];
    w.indexes = [];
  };
  const aborted = () => o.signal?.aborted === true;
  const onAbort = () => {
    for (const w of workers) post(w, { type: 'abort' });
    wakeAll();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const iterator = source[Symbol.asyncIterator]();
  let index = 0;
  let file: string | undefined;
  const named = new Map<string, (typeof workers)[number]>();
  const workerFor = (c: Conversation) => {
    if (c.file !== file) {
      file = c.file;
      named.clear();
    }
    let w = named.get(c.name);
    if (!w) {
      w = workers.reduce((a, b) => (b.queued < a.queued ? b : a));
      named.set(c.name, w);
    }
    return w;
  };
  try {
    for (;;) {
      if (failure || aborted()) break;
      const next = await iterator.next();
      if (next.done) break;
      if (isScriptError(next.value)) {
        summary.scriptErrors.push(next.value);
        o.onScriptError?.(next.value);
        continue;
      }
      const w = workerFor(next.value);
      while (w.queued >= QUEUED_PER_WORKER && !failure && !aborted()) await new Promise<void>((resolve) => (w.wake = resolve));
      w.wake = undefined;
      if (failure) break;
      if (aborted()) {
        summary.notRun++;
        break;
      }
      w.indexes.push(index++);
      w.queued++;
      w.batch.push(next.value);
      // Sent when full, or at once while the worker has little to do (the run's start, a slow reader).
      if (w.batch.length >= BATCH || w.queued - w.batch.length < BATCH) flush(w);
    }
    for (const w of workers) flush(w);
    // What was not sent is counted, as a one-thread run counts it after an abort.
    if (aborted() && !failure) {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (isScriptError(next.value)) {
          summary.scriptErrors.push(next.value);
          o.onScriptError?.(next.value);
        } else summary.notRun++;
      }
    }
    for (const w of workers) post(w, { type: 'end' });
    await Promise.all(workers.map((w) => w.finished));
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (failure) await iterator.return?.();
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
  if (failure) throw failure;
  if (aborted()) summary.aborted = true;
  summary.elapsedMs = performance.now() - started;
  return summary;
}

/**
 * The worker's side: conversations arrive from the main thread and run, `concurrency` at
 * once, through `factory(index)`'s driver; each result goes back with what `extra` adds.
 */
export async function serveConversations<Extra, Final>(
  port: MessagePort,
  concurrency: number,
  factory: (indexOf: (conversation: Conversation) => number) => DriverFactory,
  o: { timeoutMs: number; extra?: (result: ConversationResult) => Extra | undefined; final?: () => Final },
): Promise<void> {
  const queue: Conversation[] = [];
  const indexes = new WeakMap<Conversation, number>();
  let ended = false;
  let wake: (() => void) | undefined;
  const controller = new AbortController();
  port.on('message', (message: ToWorker) => {
    if (message.type === 'run') {
      message.conversations.forEach((c, i) => indexes.set(c, message.indexes[i]));
      queue.push(...message.conversations);
    } else if (message.type === 'end') ended = true;
    else controller.abort();
    wake?.();
  });
  async function* arriving(): AsyncGenerator<Conversation> {
    for (;;) {
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }
  let outbox: { result: ConversationResult; extra?: Extra }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!outbox.length) return;
    port.postMessage({ type: 'results', results: outbox } satisfies FromWorker<Extra, Final>);
    outbox = [];
  };
  try {
    const summary = await runConversations(arriving(), factory((c) => indexes.get(c) ?? 0), {
      concurrency,
      timeoutMs: o.timeoutMs,
      signal: controller.signal,
      keepFailed: false,
      onResult: (result) => {
        const extra = o.extra?.(result);
        outbox.push(extra === undefined ? { result } : { result, extra });
        if (outbox.length >= BATCH) send();
        else timer ??= setTimeout(send, RESULTS_AFTER_MS);
      },
    });
    send();
    port.postMessage({ type: 'done', notRun: summary.notRun, interrupted: summary.interrupted, final: o.final?.() } satisfies FromWorker<Extra, Final>);
  } catch (error) {
    port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined } satisfies FromWorker<Extra, Final>);
  }
  port.close();
}
