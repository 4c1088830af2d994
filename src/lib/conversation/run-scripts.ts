import { flowDriverFactory } from './driver';
import { createHeapBudget } from './heap-budget';
import { JUnitWriter } from './junit';
import { readScripts } from './read';
import { createHumanReporter, createStreamingJsonReporter } from './reporters';
import { runConversations, RunSummary } from './runner';
import type { PreparedChat } from './test-chat';
import { redact } from '../redact';

export interface ScriptRunOptions {
  path: string;
  /** `--botium-config FILE`: the botium.json to read capabilities from. */
  botiumConfig?: string;
  concurrency: number;
  timeoutMs: number;
  junit?: string;
  /** `-o json`: the JSON document goes to `write`, streamed, instead of the human report. */
  json: boolean;
  /** Where the report goes (stdout). */
  write: (text: string) => void;
  /** A progress line on a terminal; absent when not a terminal or with -o json. */
  progress?: (text: string) => void;
  signal?: AbortSignal;
  color?: boolean;
}

export interface ScriptRunResult {
  summary: RunSummary;
}

/**
 * `test-chat --script PATH`: every conversation in PATH through the flow, streamed, many
 * at once. Only failures are kept in memory; every report is written as results come.
 */
export async function runScripts(prepared: PreparedChat, o: ScriptRunOptions): Promise<ScriptRunResult> {
  // With a progress line the report stays unbuffered: its lines and the progress line share the terminal.
  const report = o.progress ? { write: o.write, flush: () => undefined } : coalescing(o.write);
  try {
    return await run(prepared, o, report.write);
  } finally {
    report.flush();
  }
}

async function run(prepared: PreparedChat, o: ScriptRunOptions, write: (text: string) => void): Promise<ScriptRunResult> {
  const junit = o.junit ? new JUnitWriter(o.junit) : undefined;
  const human = o.json ? undefined : createHumanReporter({ write: (t) => write(redact(t)), showPassed: true, color: o.color });
  // Redacting the JSON text is what redactDeep does too, without a parse and a second stringify per result.
  const json = o.json ? createStreamingJsonReporter(write, (value, indent) => redact(JSON.stringify(value, null, indent))) : undefined;
  const heapBudget = createHeapBudget();
  let done = 0;
  let failed = 0;
  const started = performance.now();
  const tick = () => {
    if (!o.progress) return;
    const rate = done / Math.max(0.001, (performance.now() - started) / 1000);
    o.progress(`\r  ${done} conversations, ${failed} failed, ${rate.toFixed(0)}/s `);
  };
  const summary = await runConversations(
    readScripts(o.path, {
      botiumConfig: o.botiumConfig,
      onNote: (note) => {
        human?.onNote(note);
        json?.onNote(note);
      },
    }),
    flowDriverFactory(prepared.definition, { http: prepared.http, channelModel: prepared.setup.channelModel, run: prepared.run }),
    {
      concurrency: o.concurrency,
      timeoutMs: o.timeoutMs,
      signal: o.signal,
      onResult: (result) => {
        done++;
        heapBudget();
        if (result.status !== 'passed') failed++;
        junit?.write(result);
        if (o.progress) o.progress('\r\u001b[K');
        human?.onResult(result);
        json?.onResult(result);
        tick();
      },
      onScriptError: (error) => {
        junit?.writeScriptError(error);
        human?.onScriptError(error);
        json?.onScriptError(error);
      },
    },
  );
  if (o.progress) o.progress('\r\u001b[K');
  human?.finish(summary);
  json?.finish(summary);
  // Last: a report that cannot be written is an error after the results, never instead.
  junit?.close(summary);
  return { summary };
}

const FLUSH_BYTES = 64 * 1024;
const FLUSH_AFTER_MS = 200;

/**
 * Hands the report on in chunks of up to 64 kB, and never holds text longer than 200 ms.
 * Writes to a pipe or a file are synchronous system calls in Node: one per conversation
 * was 2–3% of a 10,000-conversation run. Whatever the run's outcome, `flush` passes the
 * rest on (the caller flushes in `finally`, so an aborted run still reports).
 */
export function coalescing(write: (text: string) => void, o: { bytes?: number; ms?: number } = {}): { write: (text: string) => void; flush: () => void } {
  const limit = o.bytes ?? FLUSH_BYTES;
  let held = '';
  let timer: NodeJS.Timeout | undefined;
  // A write that failed on the timer is thrown at the next call, where the runner sees it.
  let failure: { error: unknown } | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (failure) throw failure.error;
    if (!held) return;
    const text = held;
    held = '';
    write(text);
  };
  const flushLater = () => {
    timer = undefined;
    try {
      flush();
    } catch (error) {
      failure = { error };
    }
  };
  return {
    write(text) {
      if (failure) throw failure.error;
      held += text;
      if (held.length >= limit) flush();
      else if (!timer) timer = setTimeout(flushLater, o.ms ?? FLUSH_AFTER_MS);
    },
    flush,
  };
}

/** Exit code: 0 only when every conversation passed and every script was read. */
export function scriptExitCode(summary: RunSummary): number {
  if (summary.aborted) return 130;
  // Not checkable is not passed: a check the suite asks for was not made.
  const bad = summary.counts.failed + summary.counts.error + summary.counts.timeout + summary.counts.notCheckable + summary.scriptErrors.length;
  return bad > 0 || summary.total === 0 ? 1 : 0;
}
