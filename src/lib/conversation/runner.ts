/**
 * Runs scripted conversations against a driver (the local Studio flow interpreter, adapted
 * by the caller), many at once. Results stream out through `onResult`; the summary keeps
 * counts and the results that did not pass, so memory does not grow with passed ones.
 */
import { performance } from 'node:perf_hooks';
import { applyMemory, fillMemory, type ScriptingMemory } from './botium';
import { matchBot, matchHandover, type MatchOptions, type ObservedHandover, type ObservedMessage } from './match';
import type { Conversation, Expectation, FailureSide, FailureState, ReplayFailure, ScriptError, ScriptStep, ScriptWarning, TurnWarning, UncheckedReason } from './types';
import type { PathStep } from './coverage';
import { isScriptError } from './types';

/** What the flow did in answer to one customer turn. */
export interface TurnOutput {
  messages: ObservedMessage[];
  handover?: ObservedHandover;
  /** The flow's execution ended (`flow-ended`, `handover`, …). */
  ended?: { reason: string; detail?: string };
  /**
   * Why Studio would refuse this turn's hand-over (attributes that are not JSON or over
   * 1,024 characters, no workflow…): locally the hand-over happens, in Twilio it would not.
   */
  handoverProblems?: string[];
  /** The init probe's diagnosis of a bot call that failed this turn: said with any failure that follows. */
  botFailure?: string;
  /** What the run could not model faithfully in this turn (media on Conversations…). */
  warnings?: TurnWarning[];
  /** The turn itself failed the conversation (a replayed request the recording does not hold). */
  failure?: ReplayFailure;
  elapsedMs: number;
  /** The transitions the flow took in this turn (for flow coverage; the checks ignore it). */
  path?: readonly PathStep[];
}

/** One session of the flow, for one customer address. */
export interface ConversationDriver {
  /** The customer's first message (with media URLs, if any): starts the flow execution. */
  start(text: string, media?: readonly string[]): Promise<TurnOutput>;
  /** A later customer message. */
  reply(text: string, media?: readonly string[]): Promise<TurnOutput>;
  /** The customer stays silent: the waiting widget times out. */
  silence(): Promise<TurnOutput>;
  /** Release what the session holds; called once the conversation is over (or timed out). */
  close?(): Promise<void>;
  /** A flow that speaks first (a REST API execution): run before the script's first step. */
  begin?(): Promise<TurnOutput>;
}

/**
 * What a conversation's driver may know of the run: `signal` aborts when the conversation
 * times out; `interrupt` when the whole run is (Ctrl-C); `clock` lets waits on the bot's
 * rate limit and on the run's own pacing be told apart from the bot's answers.
 */
export interface ConversationContext {
  signal: AbortSignal;
  interrupt?: AbortSignal;
  clock?: ConversationClock;
}

/** A new session and customer address per conversation. */
export type DriverFactory = (conversation: Conversation, context: ConversationContext) => ConversationDriver;

/** One conversation's time-out, as the waits of a paced run see it. */
export interface ConversationClock {
  /** Time-out time left (ms); time spent paused does not count. */
  remainingMs(): number;
  /** Waiting for the run's own pacing (`--rate`): not the bot's time, so not the time-out's. */
  pause(): void;
  resume(): void;
  /** The bot answered 429 and the turn waited `waitedMs` before it was sent again. */
  rateLimited(waitedMs: number): void;
  /** End the conversation now as timed out, for this reason (the bot asks to wait past the time-out). */
  giveUp(reason: string): void;
  /** The run was interrupted while this conversation waited: it did not finish. */
  interrupted(): void;
}

/** How often and how long one conversation (or the run) waited on HTTP 429 answers. */
export interface RateLimitWaits {
  waits: number;
  waitedMs: number;
}

/** `notCheckable`: every check that could be made passed, but some could not be made here (NLU asserters). */
export type ConversationStatus = 'passed' | 'failed' | 'error' | 'timeout' | 'notCheckable';

/** A check the script asks for that cannot be made against this bot. */
export interface UncheckedCheck {
  file: string;
  line: number;
  name: string;
  reason: UncheckedReason;
}

/**
 * Why a step failed, as a code; the printers say it in words (`failureMessage`), and
 * `-o json` shows both (`code`, `message`).
 */
export type FailureCode =
  /** A `#bot` step: the message does not match. */
  | 'bot-mismatch'
  /** A handover step: the hand-over (or Flex's refusal) is not the expected one. */
  | 'handover-mismatch'
  /** A customer step after the flow's execution ended. */
  | 'ended-before-step'
  /** A customer step while bot messages the script does not expect (`count` of them) wait. */
  | 'unexpected-messages'
  /** An end step: the flow still runs. */
  | 'not-ended'
  /** An end step: the flow ended for another reason. */
  | 'ended-differently'
  /** The turn's hand-over would be refused by Studio (attributes, workflow…): the customer would not reach Flex. */
  | 'handover-refused'
  /** The turn itself failed (`detail`), e.g. a replayed request the recording does not hold. */
  | 'turn-failed';

export interface Failure {
  /** file:line of the step that failed. */
  file: string;
  line: number;
  /** Customer turns taken when it failed (1 = after the first message). */
  turn: number;
  code: FailureCode;
  /** What the step expected and what happened: texts as they are, or states with codes (printers/failure.ts). */
  expected: FailureSide;
  actual: FailureSide;
  /** `unexpected-messages`: how many. */
  count?: number;
  /** `turn-failed`: what failed in the replayed turn. */
  replay?: ReplayFailure;
  /** The init probe's diagnosis of a bot call that failed earlier in the conversation. */
  botFailure?: string;
}

export interface ConversationResult {
  name: string;
  file: string;
  line: number;
  status: ConversationStatus;
  failures: Failure[];
  turns: number;
  elapsedMs: number;
  /** For `error`/`timeout`: what went wrong, once, without a stack trace. */
  error?: string;
  warnings?: ScriptWarning[];
  /** Present when the bot answered 429 during this conversation: its turns waited and were sent again. */
  rateLimit?: RateLimitWaits;
  /** Checks that could not be made (for `notCheckable`, and for a failed run that met some before failing). */
  notCheckable?: UncheckedCheck[];
}

export interface RunSummary {
  counts: Record<ConversationStatus, number>;
  /** Conversations run (all statuses). */
  total: number;
  /** Conversations read but not started, or stopped while waiting, because the run was aborted. */
  notRun: number;
  /** Of `notRun`: conversations stopped while waiting on the bot's rate limit or the run's pacing. */
  interrupted: number;
  /** Every HTTP 429 wait of the run (also those of conversations that were interrupted). */
  rateLimit: RateLimitWaits & { conversations: number };
  aborted: boolean;
  scriptErrors: ScriptError[];
  /** Every result that did not pass, in the order they finished. */
  failedResults: ConversationResult[];
  elapsedMs: number;
  /** `--shard`: set by the caller that split the suite. */
  shard?: { index: number; total: number };
  /** Worker threads the run was spread over (`--jobs`), when more than one. */
  jobs?: number;
}

export interface RunOptions {
  concurrency: number;
  /** Per conversation. */
  timeoutMs: number;
  signal?: AbortSignal;
  onResult?: (result: ConversationResult) => void;
  onScriptError?: (error: ScriptError) => void;
  match?: MatchOptions;
  /** `false`: the summary keeps no failed result (a worker thread's: the main thread keeps them). */
  keepFailed?: boolean;
}

/** A run's summary before its first conversation. */
export function emptySummary(): RunSummary {
  return {
    counts: { passed: 0, failed: 0, error: 0, timeout: 0, notCheckable: 0 },
    total: 0,
    notRun: 0,
    interrupted: 0,
    rateLimit: { waits: 0, waitedMs: 0, conversations: 0 },
    aborted: false,
    scriptErrors: [],
    failedResults: [],
    elapsedMs: 0,
  };
}

/**
 * Pull conversations from `source` and run up to `concurrency` at once. A conversation's
 * failure, exception or time-out never stops the others. On abort no new conversation
 * starts, running ones finish (or time out) unless they wait on the bot's rate limit or
 * the run's pace (those stop at once and count as not run), and the rest of the source
 * is only counted.
 */
export async function runConversations(
  source: AsyncIterable<Conversation | ScriptError>,
  factory: DriverFactory,
  options: RunOptions,
): Promise<RunSummary> {
  const started = performance.now();
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const summary = emptySummary();
  const iterator = source[Symbol.asyncIterator]();
  const aborted = () => options.signal?.aborted === true;
  let sourceDone = false;
  let reporterError: unknown;

  const takeScriptError = (error: ScriptError) => {
    summary.scriptErrors.push(error);
    options.onScriptError?.(error);
  };

  // Async generators queue concurrent next() calls, so the workers can share one iterator.
  const worker = async () => {
    while (!sourceDone && !aborted() && reporterError === undefined) {
      const next = await iterator.next();
      if (next.done) {
        sourceDone = true;
        return;
      }
      if (isScriptError(next.value)) {
        takeScriptError(next.value);
        continue;
      }
      if (aborted() || reporterError !== undefined) {
        summary.notRun++;
        return;
      }
      const { result, interrupted } = await runOne(next.value, factory, options.timeoutMs, options.match ?? {}, options.signal);
      if (result.rateLimit) {
        summary.rateLimit.waits += result.rateLimit.waits;
        summary.rateLimit.waitedMs += result.rateLimit.waitedMs;
        summary.rateLimit.conversations++;
      }
      if (interrupted) {
        summary.notRun++;
        summary.interrupted++;
        continue;
      }
      summary.total++;
      summary.counts[result.status]++;
      if (result.status !== 'passed' && options.keepFailed !== false) summary.failedResults.push(result);
      try {
        options.onResult?.(result);
      } catch (error) {
        reporterError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  if (reporterError !== undefined) {
    await iterator.return?.();
    throw reporterError;
  }
  if (aborted()) {
    summary.aborted = true;
    // Count what was not run, so the report says how much of the suite is missing.
    while (!sourceDone) {
      const next = await iterator.next();
      if (next.done) break;
      if (isScriptError(next.value)) takeScriptError(next.value);
      else summary.notRun++;
    }
  }
  summary.elapsedMs = performance.now() - started;
  return summary;
}

/** Run one conversation within `timeoutMs`; never rejects. */
export async function runWithTimeout(
  conversation: Conversation,
  factory: DriverFactory,
  timeoutMs: number,
  match: MatchOptions = {},
): Promise<ConversationResult> {
  return (await runOne(conversation, factory, timeoutMs, match)).result;
}

type Stop = { kind: 'timeout'; reason?: string } | { kind: 'interrupted' };

/**
 * A time-out that can be paused (the run's own pacing is not the conversation's time)
 * and ended early (the bot asks to wait past it, or the run is interrupted while waiting).
 */
function conversationClock(timeoutMs: number, stop: (why: Stop) => void): ConversationClock & { waits: RateLimitWaits; clear(): void } {
  const started = performance.now();
  let pausedMs = 0;
  let pausedAt: number | undefined;
  let depth = 0;
  let timer: NodeJS.Timeout | undefined;
  const used = () => performance.now() - started - pausedMs - (pausedAt === undefined ? 0 : performance.now() - pausedAt);
  const arm = () => {
    const left = timeoutMs - used();
    if (left <= 0) stop({ kind: 'timeout' });
    else timer = setTimeout(check, left);
  };
  const check = () => {
    timer = undefined;
    // Paused: resume() arms the timer again with what is left.
    if (depth === 0) arm();
  };
  timer = setTimeout(check, timeoutMs);
  const waits: RateLimitWaits = { waits: 0, waitedMs: 0 };
  return {
    waits,
    remainingMs: () => timeoutMs - used(),
    pause() {
      if (depth++ === 0) pausedAt = performance.now();
    },
    resume() {
      if (depth === 0 || --depth > 0) return;
      pausedMs += performance.now() - (pausedAt as number);
      pausedAt = undefined;
      if (!timer) arm();
    },
    rateLimited(waitedMs) {
      waits.waits++;
      waits.waitedMs += waitedMs;
    },
    giveUp: (reason) => stop({ kind: 'timeout', reason }),
    interrupted: () => stop({ kind: 'interrupted' }),
    clear() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

async function runOne(
  conversation: Conversation,
  factory: DriverFactory,
  timeoutMs: number,
  match: MatchOptions,
  interrupt?: AbortSignal,
): Promise<{ result: ConversationResult; interrupted: boolean }> {
  const started = performance.now();
  const controller = new AbortController();
  const progress: { turns: number; warnings: ScriptWarning[] } = { turns: 0, warnings: [] };
  const unchecked: UncheckedCheck[] = [];
  let stop!: (why: Stop) => void;
  const stopped = new Promise<Stop>((resolve) => {
    stop = resolve;
  });
  const clock = conversationClock(timeoutMs, (why) => stop(why));
  let driver: ConversationDriver | undefined;
  const run = (async () => {
    driver = factory(conversation, { signal: controller.signal, interrupt, clock });
    return runSteps(conversation, driver, progress, match, unchecked);
  })();
  // A driver that rejects after its time-out must not become an unhandled rejection.
  run.catch(() => undefined);

  // Each result written out, not spread from a shared base: V8 11 (Node 20) gives an object
  // literal that spreads and then adds properties a map of its own each time, and every
  // reader of results went megamorphic (bench/README.md, "one map a turn").
  const resultOf = (status: ConversationStatus, failures: Failure[], error?: string): ConversationResult => {
    const result: ConversationResult = { name: conversation.name, file: conversation.file, line: conversation.line, status, failures, turns: progress.turns, elapsedMs: performance.now() - started };
    if (error !== undefined) result.error = error;
    if (conversation.warnings?.length) result.warnings = conversation.warnings;
    return result;
  };
  let result: ConversationResult;
  let interrupted = false;
  try {
    const outcome = await Promise.race([run, stopped]);
    if (!Array.isArray(outcome)) {
      controller.abort();
      interrupted = outcome.kind === 'interrupted';
      const waits = clock.waits.waits;
      const limited = waits
        ? `, ${Math.round(clock.waits.waitedMs / 1000)} s of it waiting on the bot's rate limit (HTTP 429, ${waits} wait${waits === 1 ? '' : 's'}): lower --concurrency, set --rate or raise --timeout`
        : '';
      result = resultOf('timeout', [], outcome.kind === 'timeout' && outcome.reason ? outcome.reason : `timed out after ${timeoutMs} ms (turn ${progress.turns})${limited}`);
    } else {
      result = resultOf(outcome.length ? 'failed' : unchecked.length ? 'notCheckable' : 'passed', outcome);
      if (unchecked.length) result.notCheckable = unchecked;
    }
  } catch (error) {
    result = resultOf('error', [], error instanceof Error ? error.message : String(error));
  } finally {
    clock.clear();
  }
  if (clock.waits.waits) result.rateLimit = { waits: clock.waits.waits, waitedMs: Math.round(clock.waits.waitedMs) };
  if (progress.warnings.length) result.warnings = [...(result.warnings ?? []), ...progress.warnings];
  // Closing is best effort and bounded: a stuck session must not hold up the pool.
  const close = (driver as ConversationDriver | undefined)?.close;
  if (close) {
    let closeTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.resolve()
        .then(() => close.call(driver))
        .catch(() => undefined),
      new Promise((resolve) => {
        closeTimer = setTimeout(resolve, Math.min(1000, timeoutMs));
      }),
    ]);
    clearTimeout(closeTimer);
  }
  return { result, interrupted };
}

/**
 * Walk the steps; stop at the first failure (as Botium does: later steps would only
 * report the consequences of the first).
 */
async function runSteps(
  conversation: Conversation,
  driver: ConversationDriver,
  progress: { turns: number; warnings: ScriptWarning[] },
  match: MatchOptions,
  unchecked: UncheckedCheck[],
): Promise<Failure[]> {
  const received: ObservedMessage[] = [];
  let handover: ObservedHandover | undefined;
  let refusedHandover: string[] | undefined;
  let ended: TurnOutput['ended'];
  let botFailure: string | undefined;
  // Botium scripting memory, only for suites that use it.
  let memory: ScriptingMemory | undefined;
  // A script that says Flex refuses the task tests the flow's failedToEnqueue branch.
  const expectsRefusal = conversation.steps.some((s) => s.kind === 'handover' && s.refused);
  const fail = (step: ScriptStep, expected: FailureSide, actual: FailureSide, code: FailureCode, more: { count?: number; replay?: ReplayFailure } = {}): Failure[] => [
    { file: step.file ?? conversation.file, line: step.line, turn: progress.turns, code, expected, actual, ...more, ...(botFailure ? { botFailure } : {}) },
  ];
  const take = (step: ScriptStep, out: TurnOutput): Failure[] | undefined => {
    progress.turns++;
    for (const warning of out?.warnings ?? []) progress.warnings.push({ line: step.line, ...warning });
    received.push(...(out?.messages ?? []));
    if (out?.handover) handover = out.handover;
    if (out?.ended) ended = out.ended;
    if (out?.botFailure) botFailure = out.botFailure;
    if (out?.handoverProblems?.length) refusedHandover = out.handoverProblems;
    if (out?.failure) return fail(step, out.failure.expected, out.failure.actual, 'turn-failed', { replay: out.failure });
    // Whatever the script expects next, this conversation would not reach an agent.
    if (out?.handoverProblems?.length && !expectsRefusal) {
      return fail(step, { code: 'studio-accepts' }, { code: 'studio-refuses', problems: out.handoverProblems }, 'handover-refused');
    }
    return undefined;
  };

  if (driver.begin && conversation.steps.length) {
    const refused = take(conversation.steps[0], await driver.begin());
    if (refused) return refused;
  }
  const steps = conversation.steps;
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index];
    switch (step.kind) {
      case 'user':
      case 'silence': {
        const text = step.kind === 'user' && step.memory ? applyMemory(step.text, (memory ??= new Map()), conversation.name) : step.kind === 'user' ? step.text : '';
        const what: FailureState = step.kind === 'user' ? { code: 'customer-says', text } : { code: 'customer-silent' };
        if (ended) {
          return fail(step, what, { code: 'already-ended', reason: ended.reason }, 'ended-before-step');
        }
        // Decision: extra bot messages are a failure (see FORMAT.md). Botium would keep
        // them queued and compare them with later #bot steps, which reports the wrong line.
        if (received.length) {
          return fail(
            step,
            { code: 'nothing-before', step: what },
            received.map((m) => m.text).join('\n'),
            'unexpected-messages',
            { count: received.length },
          );
        }
        const refused = take(step, step.kind === 'user' ? (progress.turns === 0 ? await driver.start(text, step.media) : await driver.reply(text, step.media)) : await driver.silence());
        if (refused) return refused;
        break;
      }
      case 'bot': {
        // Botium `?`: with no message left the step is skipped (Botium waits, times out and goes on).
        if (step.optional && received.length === 0) break;
        const expect = step.memory ? withMemory(step.expect, (memory ??= new Map()), conversation.name) : step.expect;
        const head = received[0];
        let result = matchBot(expect, head, match);
        let taken = 1;
        // The SMS the customer received held several outputs: a #bot written from it reads it whole.
        if (!result.ok && head?.joined) {
          const whole = matchBot(expect, head.joined.message, match);
          if (whole.ok) [result, taken] = [whole, head.joined.parts];
        }
        if (!result.ok) {
          // Botium: a failed optional step leaves the message to a following #bot step.
          if (step.optional && steps[index + 1]?.kind === 'bot') break;
          return fail(step, result.expected, result.actual, 'bot-mismatch');
        }
        if (taken === 1) received.shift();
        else received.splice(0, taken);
        if (memory) fillFrom(step.expect, taken === 1 ? head : head.joined!.message, memory, conversation.name);
        if (step.expect.length > 1 || step.expect[0]?.kind === 'notCheckable') {
          for (const e of step.expect) {
            if (e.kind === 'notCheckable') unchecked.push({ file: step.file ?? conversation.file, line: e.line, name: e.name, reason: e.reason });
          }
        }
        break;
      }
      case 'pause':
        await new Promise((resolve) => setTimeout(resolve, step.ms));
        break;
      case 'memory':
        memory ??= new Map();
        if (step.set !== undefined) memory.set(step.set, applyMemory(step.value ?? '', memory, conversation.name));
        else if (step.clear !== undefined) memory.delete(step.clear);
        break;
      case 'handover': {
        if (step.refused) {
          if (refusedHandover && !handover) break;
          return fail(step, { code: 'flex-refuses' }, handover ? { code: 'flex-accepts' } : { code: 'no-handover-attempted' }, 'handover-mismatch');
        }
        const result = matchHandover(step.expect, handover);
        if (!result.ok) {
          const actual: FailureSide = handover ? result.actual : ended ? { code: 'no-handover', ended: ended.reason } : result.actual;
          return fail(step, result.expected, actual, 'handover-mismatch');
        }
        break;
      }
      case 'end': {
        const expected: FailureState = { code: 'flow-ended', ...(step.reason ? { reason: step.reason } : {}) };
        if (!ended) return fail(step, expected, { code: 'flow-running' }, 'not-ended');
        if (step.reason && ended.reason !== step.reason) {
          return fail(step, expected, { code: 'flow-ended', reason: ended.reason, ...(ended.detail ? { detail: ended.detail } : {}) }, 'ended-differently');
        }
        break;
      }
    }
  }
  // Messages left after the last step are not checked, as in Botium.
  return [];
}

/** The step's texts with the scripting memory filled in (ScriptingMemory.apply on the expected text). */
function withMemory(expect: Expectation[], memory: ScriptingMemory, testcase: string): Expectation[] {
  return expect.map((e) => {
    if (e.kind !== 'botium' || !e.memory) return e;
    // A variable not yet known is a capture: it stands for any word (ScriptingMemory.fill).
    const fill = (t: string) => applyMemory(t, memory, testcase).replace(/\$[A-Za-z]\w+/g, '*');
    return { ...e, text: fill(e.text), ...(e.alternatives ? { alternatives: e.alternatives.map(fill) } : {}) };
  });
}

function fillFrom(expect: Expectation[], message: ObservedMessage, memory: ScriptingMemory, testcase: string): void {
  for (const e of expect) if (e.kind === 'botium' && e.memory) fillMemory(applyMemory(e.text, memory, testcase), message.text, memory);
}
