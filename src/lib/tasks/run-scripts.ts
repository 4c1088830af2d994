import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flowDriverFactory } from '../conversation/driver';
import { createHeapBudget } from '../conversation/heap-budget';
import { Pacer, pacedTransport, testModeEstimate, type TestModeEstimate } from '../conversation/pacing';
import { readScripts, type ReadOptions } from '../conversation/read';
import type { ScriptReporter } from '../conversation/report';
import { runConversations, RunSummary, type ConversationResult, type DriverFactory } from '../conversation/runner';
import { inShard, type Shard } from '../conversation/shard';
import type { PreparedChat } from '../conversation/prepared';
import type { Conversation, ScriptError } from '../conversation/types';
import { isScriptError } from '../conversation/types';
import { redact, registeredSecrets } from '../redact';
import { RecordingFile, tapFor, type BotTap, type RecordingOptions } from '../conversation/recording';
import { runConversationsInWorkers } from '../conversation/parallel';
import type { HttpTransport } from '../http/types';
import type { FlowDefinition } from '../domain/flow';
import type { ChannelModel } from '../domain/setup';
import type { RunOptions } from '../conversation/run-options';
import type { CounterState, FlowCoverage } from '../conversation/coverage';
import { CoverageTap, type ReportedConversation, type TranscriptLine } from '../conversation/coverage-tap';

export interface ScriptRunOptions {
  path: string;
  /** `--botium-config FILE`: the botium.json to read capabilities from. */
  botiumConfig?: string;
  concurrency: number;
  timeoutMs: number;
  /** Where the report goes (stdout). */
  write: (text: string) => void;
  /**
   * The reporters (the command's printers: the text report or `-o json`, JUnit…), given
   * the report's `write` (redacted, and batched unless a progress line shares the
   * terminal). Each is told every result; `finish` in this order, so one that cannot
   * write its file (JUnit) fails after the others have reported.
   */
  reporters: (write: (text: string) => void) => ScriptReporter[];
  /** A progress line on a terminal, rewritten in place; absent when not a terminal or with -o json. */
  progress?: { show(progress: ScriptProgress): void; clear(): void };
  signal?: AbortSignal;
  /** `--rate`: requests a second to the bot, never exceeded. */
  rate?: number;
  /** `--shard`: run only this part of the suite. */
  shard?: Shard;
  /** The bot is called in Cognigy's test mode (its ~600 messages an hour). */
  testMode?: boolean;
  /** Told before the run starts when a test-mode run would go past test mode's allowance. */
  warn?: (estimate: TestModeEstimate) => void;
  /** `--record FILE` / `--replay FILE`: the bot's answers recorded, or answered from a recording. */
  recording?: RecordingOptions;
  /** `--report FILE`: keep each conversation's transcript for the HTML report. */
  transcripts?: boolean;
  /**
   * `--jobs N`: worker threads for a strict replay (no network: the run is CPU-bound).
   * Absent: one per CPU for a suite of AUTO_JOBS_FROM conversations or more, else one.
   */
  jobs?: number;
  /** `-l debug`: the run stays in this thread, whose transport writes the debug log. */
  debug?: boolean;
}

/** From this many conversations a strict replay spreads over the CPUs by itself (a worker takes ~0.25 s to start and index the recording). */
export const AUTO_JOBS_FROM = 200;
/** What one per CPU comes to at most, unasked: past this the main thread's reading and reporting is the limit. */
const AUTO_JOBS_MAX = 8;

/**
 * Whether the run may spread over worker threads: only a strict replay, which waits on
 * nothing but the CPU. A live run is bound by the bot; new-only asks it and writes the
 * recording from one place; `--rate` paces the whole run from one place; `-l debug` logs
 * this thread's calls.
 */
export function cpuBound(o: Pick<ScriptRunOptions, 'recording' | 'rate' | 'debug'>): boolean {
  return Boolean(o.recording?.replay) && o.recording?.mode !== 'new-only' && o.rate === undefined && !o.debug;
}

/** What the progress line of a scripted run shows (on a terminal only); printers/script-report.ts words it. */
export interface ScriptProgress {
  done: number;
  /** Conversations in the suite (or shard), when counted up front. */
  total?: number;
  failed: number;
  elapsedMs: number;
  /** Requests a second the bot answered, once it answered any. */
  botPerSecond?: number;
  /** The pace (requests a second) of a paced run. */
  pacedAt?: number;
  /** HTTP 429 answers so far. */
  refused: number;
}

export interface ScriptRunResult {
  summary: RunSummary;
  /** What the conversations went through of the flow. */
  coverage: FlowCoverage;
  /** Conversations through each widget and transition (by `Widget#index`), for drawing. */
  coverageCounts: ReturnType<CoverageTap['counts']>;
  /** With `transcripts`: every conversation run, with its transcript. */
  conversations?: ReportedConversation[];
  /** What `--record` (or `--replay-mode new-only`) wrote. */
  recorded?: { file: string; conversations: number; changed: number };
}

/**
 * `test-chat --script PATH`: every conversation in PATH through the flow, streamed, many
 * at once. Only failures are kept in memory; every report is written as results come.
 */
export async function runScripts(prepared: PreparedChat, o: ScriptRunOptions): Promise<ScriptRunResult> {
  // With a progress line the report stays unbuffered: its lines and the progress line share the terminal.
  const report = o.progress ? { write: o.write, flush: () => undefined } : coalescing(o.write);
  // A run spread over worker threads reads the recording there: here only its header is checked, up front.
  let tap: BotTap | undefined;
  const tapHere = () => (tap ??= o.recording ? tapFor(prepared, o.recording) : undefined);
  if (o.recording?.replay && cpuBound(o)) RecordingFile.check(o.recording.replay);
  else tapHere();
  try {
    return await run(prepared, o, report.write, tapHere);
  } finally {
    report.flush();
    tap?.close();
  }
}

/** The suite (or its shard) as the runner reads it. */
function suite(o: ScriptRunOptions, read: Omit<ReadOptions, 'botiumConfig'> = {}): AsyncIterable<Conversation | ScriptError> {
  const scripts = readScripts(o.path, { ...read, botiumConfig: o.botiumConfig });
  if (!o.shard) return scripts;
  let root = o.path;
  try {
    if (!fs.statSync(o.path).isDirectory()) root = path.dirname(o.path);
  } catch {
    // readScripts says what is wrong with the path.
  }
  return inShard(scripts, root, o.shard);
}

/** Conversations and customer messages of the suite (or shard), read once without running. */
export async function countSuite(source: AsyncIterable<Conversation | ScriptError>): Promise<{ conversations: number; messages: number }> {
  let conversations = 0;
  let messages = 0;
  for await (const item of source) {
    if (isScriptError(item)) continue;
    conversations++;
    for (const step of item.steps) if (step.kind === 'user') messages++;
  }
  return { conversations, messages };
}

/** What a scripted conversation runs through: the flow, the run's options, the recording, the coverage. One place for both the main thread and a worker. */
export function scriptDriverFactory(
  p: { definition: FlowDefinition; http: HttpTransport; channelModel?: ChannelModel; run: RunOptions },
  coverage: CoverageTap,
  pacer: Pacer,
  tap?: BotTap,
  indexOf?: (conversation: Conversation) => number,
): DriverFactory {
  return coverage.wrap(
    flowDriverFactory(p.definition, {
      http: p.http,
      perConversation: (http, context) => pacedTransport(http, pacer, context),
      channelModel: p.channelModel,
      run: p.run,
      tap,
      trace: true,
      ...(indexOf ? { indexOf } : {}),
    }),
  );
}

/** What a worker thread of the run is started with (plain data: it is copied to the thread). */
export interface ScriptWorkerData {
  definition: FlowDefinition;
  channelModel?: ChannelModel;
  run: RunOptions;
  /** What `tapFor` reads of the setup. */
  setupEndpointUrl?: string;
  recording: RecordingOptions;
  timeoutMs: number;
  transcripts: boolean;
  secrets: string[];
}

/** The worker's script beside this one (`.ts` under tsx, `.js` in dist/). */
const WORKER_FILE = path.join(__dirname, `script-worker${path.extname(__filename)}`);

/** The first `count` conversations of a source, and the whole source again (they first). */
async function peek(source: AsyncIterable<Conversation | ScriptError>, count: number): Promise<{ ended: boolean; source: AsyncIterable<Conversation | ScriptError> }> {
  const iterator = source[Symbol.asyncIterator]();
  const held: (Conversation | ScriptError)[] = [];
  let conversations = 0;
  let ended = false;
  while (conversations < count) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    held.push(next.value);
    if (!isScriptError(next.value)) conversations++;
  }
  async function* again(): AsyncGenerator<Conversation | ScriptError> {
    yield* held.splice(0);
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { ended, source: again() };
}

async function run(prepared: PreparedChat, o: ScriptRunOptions, write: (text: string) => void, tapHere: () => BotTap | undefined): Promise<ScriptRunResult> {
  // Counted up front only where it is shown: on a terminal (the time left) and for the test-mode estimate.
  const needsCount = Boolean(o.progress) || (o.testMode && o.rate === undefined);
  const size = needsCount ? await countSuite(suite(o, { start: prepared.run.start })) : undefined;
  if (size && o.testMode && o.rate === undefined) {
    const estimate = testModeEstimate(size.messages, o.concurrency);
    if (estimate) o.warn?.(estimate);
  }
  // Every report is redacted as it is written (for JSON the same as redactDeep, without a parse and a second stringify per result).
  const reporters = o.reporters((t) => write(redact(t)));
  const heapBudget = createHeapBudget();
  const coverage = new CoverageTap(prepared.definition, { transcripts: Boolean(o.transcripts) });
  const pacer = new Pacer(o.rate);
  let done = 0;
  let failed = 0;
  const started = performance.now();
  let jobs = 1;
  const tick = () => {
    if (!o.progress) return;
    const limit = pacer.rate();
    o.progress.show({
      done,
      ...(size ? { total: size.conversations } : {}),
      failed,
      elapsedMs: performance.now() - started,
      ...(pacer.answered ? { botPerSecond: pacer.answeredPerSecond(), ...(Number.isFinite(limit) ? { pacedAt: limit } : {}) } : {}),
      refused: pacer.refused,
    });
  };
  // Waits on the bot's rate limit can leave minutes without a result: the line still moves.
  const ticker = o.progress ? setInterval(tick, 1000) : undefined;
  ticker?.unref();
  let summary: RunSummary;
  try {
    const onResult = (result: ConversationResult) => {
      done++;
      heapBudget();
      if (result.status !== 'passed') failed++;
      o.progress?.clear();
      for (const r of reporters) r.onResult(result);
      tick();
    };
    const onScriptError = (error: ScriptError) => {
      for (const r of reporters) r.onScriptError?.(error);
    };
    let source = suite(o, {
      // A flow the run starts itself speaks first: its conversations may open with the bot.
      start: prepared.run.start,
      onNote: (note) => {
        for (const r of reporters) r.onNote?.(note);
      },
    });
    jobs = 1;
    if (cpuBound(o)) {
      if (o.jobs !== undefined) jobs = o.jobs;
      else {
        const start = await peek(source, AUTO_JOBS_FROM);
        source = start.source;
        if (!start.ended) jobs = Math.min(AUTO_JOBS_MAX, os.availableParallelism?.() ?? os.cpus().length);
      }
    }
    if (jobs > 1) {
      const data: ScriptWorkerData = {
        definition: prepared.definition,
        channelModel: prepared.setup.channelModel,
        run: prepared.run,
        setupEndpointUrl: prepared.setup.endpointUrl,
        recording: o.recording!,
        timeoutMs: o.timeoutMs,
        transcripts: Boolean(o.transcripts),
        secrets: registeredSecrets(),
      };
      summary = await runConversationsInWorkers<TranscriptLine[], CounterState>(source, {
        jobs,
        workerFile: WORKER_FILE,
        workerData: data,
        concurrency: o.concurrency,
        signal: o.signal,
        onResult: (result, transcript) => {
          coverage.keep(result, transcript);
          onResult(result);
        },
        onWorkerDone: (counted) => {
          if (counted) coverage.addCounted(counted);
        },
        onScriptError,
      });
      summary.jobs = jobs;
    } else {
      summary = await runConversations(source, scriptDriverFactory({ ...prepared, channelModel: prepared.setup.channelModel }, coverage, pacer, tapHere()), {
        concurrency: o.concurrency,
        timeoutMs: o.timeoutMs,
        signal: o.signal,
        onResult: (result) => {
          coverage.onResult(result);
          onResult(result);
        },
        onScriptError,
      });
    }
  } finally {
    if (ticker) clearInterval(ticker);
  }
  if (o.shard) summary.shard = o.shard;
  o.progress?.clear();
  const flowCoverage = coverage.coverage();
  // In order: a report that cannot be written (JUnit, last) is an error after the results, never instead.
  for (const r of reporters) r.finish(summary, flowCoverage);
  // An interrupted run would replace a whole recording with part of it.
  // A strict replay (all a run over worker threads can be) writes nothing.
  const recorded = summary.aborted || jobs > 1 ? undefined : tapHere()?.save();
  return {
    summary,
    coverage: flowCoverage,
    coverageCounts: coverage.counts(),
    ...(o.transcripts ? { conversations: coverage.conversations() } : {}),
    ...(recorded ? { recorded } : {}),
  };
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
