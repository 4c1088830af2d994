/**
 * Pacing for scripted runs against a rate-limited bot (Cognigy's shared SaaS endpoint
 * allows about 1,000 requests per 5 minutes per IP; test mode about 600 messages an hour).
 *
 * - One Pacer per run, shared by every conversation: with `--rate` a fixed cap, and on
 *   HTTP 429 answers it adapts (AIMD: on a 429, down to the rate the bot answered at in
 *   the last second, or 0.9× when that is lower, at most once a second; then +2% a
 *   second), so that it settles at the bot's limit instead of hammering it.
 * - `pacedTransport` sits under the interpreter, per conversation: it waits for the
 *   Pacer before each call, and a 429 is not the bot's answer there: the call waits
 *   (Retry-After, else a bounded back-off) and is sent again, so the flow sees one
 *   answer, the final one, and each attempt has Studio's own 10 s budget. Only scripted
 *   runs use it; the REPL and `--message` show a 429 as Studio would (the `failed` path).
 */
import { UsageError } from '../errors';
import { HttpFailure, type HttpTransport } from '../http/types';
import { backoffDelay, parseRetryAfter, type RetryPolicy } from '../twilio/retry';
import type { ConversationContext } from './runner';

export interface PacerClock {
  now(): number;
  /** Resolves after `ms`; rejects as soon as one of `signals` aborts. */
  sleep(ms: number, signals: readonly (AbortSignal | undefined)[]): Promise<void>;
  /** Resolves with `promise`; rejects as soon as one of `signals` aborts. */
  waitFor(promise: Promise<void>, signals: readonly (AbortSignal | undefined)[]): Promise<void>;
}

function untilAborted(signals: readonly (AbortSignal | undefined)[], work: (done: () => void) => () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const live = signals.filter((s): s is AbortSignal => s !== undefined);
    if (live.some((s) => s.aborted)) return reject(new Error('aborted'));
    let cancel: () => void = () => undefined;
    const finish = (error?: Error) => {
      cancel();
      for (const s of live) s.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(new Error('aborted'));
    for (const s of live) s.addEventListener('abort', onAbort, { once: true });
    cancel = work(() => finish());
  });
}

export const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms, signals) =>
    untilAborted(signals, (done) => {
      const timer = setTimeout(done, Math.max(0, ms));
      return () => clearTimeout(timer);
    }),
  waitFor: (promise, signals) =>
    untilAborted(signals, (done) => {
      let live = true;
      void promise.then(() => live && done());
      return () => {
        live = false;
      };
    }),
};

/** Requests a second from `N/s`, `N/min` or `N/h` (`--rate`). */
export function parseRate(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/i.exec(text);
  const per = m ? ({ s: 1, m: 60, h: 3600 } as const)[m[2][0].toLowerCase() as 's' | 'm' | 'h'] : 0;
  const rate = m ? Number(m[1]) / per : 0;
  if (!m || !(rate > 0) || rate > 10_000) {
    throw new UsageError(`--rate ${text} is not a rate.`, 'Give requests to the bot per second, minute or hour, e.g. --rate 3/s, --rate 200/min or --rate 600/h (at most 10000/s).');
  }
  return rate;
}

/** `12/s`, `2.5/s`, `10/min`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'unpaced';
  if (perSecond >= 10) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1).replace(/\.0$/, '')}/s`;
  const perMinute = perSecond * 60;
  return `${perMinute >= 10 ? Math.round(perMinute) : perMinute.toFixed(1).replace(/\.0$/, '')}/min`;
}

const MIN_RATE = 1 / 60;
const DECREASE = 0.9;
const INCREASE_PER_SECOND = 0.02;
const DECREASE_GAP_MS = 1000;

export class Pacer {
  /** The rate the additive increase starts from; Infinity until the first 429 without a cap. */
  private base: number;
  private since = 0;
  /** When the last request left the queue, on the schedule (not later than it really left). */
  private anchor: number | undefined;
  /** Settles when the request queued last has left: the next one waits for it. */
  private queue: Promise<void> = Promise.resolve();
  private lastDecrease = -Infinity;
  private second = -1;
  private answeredThisSecond = 0;
  private answeredLastSecond = 0;
  /** Answers other than 429 (all calls, for the progress line). */
  answered = 0;
  /** 429 answers. */
  refused = 0;

  constructor(
    /** `--rate`, requests a second: never exceeded. */
    readonly cap?: number,
    private readonly clock: PacerClock = realClock,
  ) {
    this.base = cap ?? Infinity;
  }

  /** Requests a second allowed now (Infinity: not paced). */
  rate(now = this.clock.now()): number {
    if (!Number.isFinite(this.base)) return this.cap ?? Infinity;
    const grown = this.base * (1 + (INCREASE_PER_SECOND * Math.max(0, now - this.since)) / 1000);
    return Math.min(this.cap ?? Infinity, grown);
  }

  /** Answers (not 429) in the last whole second: the rate the bot is really answering at. */
  answeredPerSecond(now = this.clock.now()): number {
    this.roll(now);
    return this.answeredLastSecond;
  }

  /**
   * Wait for this request's turn. Requests queue in call order and leave one at a time,
   * each at least 3/4 of an interval after the one before: a stalled event loop never
   * lets a queue of them out at once (the bot would see a burst past the rate), and a
   * timer a little late does not lower the rate (the schedule keeps its anchor).
   */
  async acquire(signals: readonly (AbortSignal | undefined)[] = []): Promise<void> {
    if (!Number.isFinite(this.rate())) return;
    const before = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    try {
      await this.clock.waitFor(before, signals);
    } catch (error) {
      // Stopped while queued: the ones behind still wait for the one in front.
      void before.then(release);
      throw error;
    }
    try {
      const now = this.clock.now();
      const interval = 1000 / this.rate(now);
      const due = this.anchor === undefined ? now : this.anchor + interval;
      if (due > now) await this.clock.sleep(due - now, signals);
      this.anchor = Math.max(due, this.clock.now() - interval / 4);
    } finally {
      release();
    }
  }

  succeeded(): void {
    this.roll(this.clock.now());
    this.answered++;
    this.answeredThisSecond++;
  }

  /** A 429: slow down (once a second at most: the answers to one burst arrive together). */
  rateLimited(): void {
    const now = this.clock.now();
    this.refused++;
    if (now - this.lastDecrease < DECREASE_GAP_MS) return;
    this.lastDecrease = now;
    const current = this.rate(now);
    // What the bot answered in the last second is what it allows when it is saturated: a
    // 429 for a request over the limit (or for timing jitter at it) does not take the pace
    // below that. When the bot answered less (conversations were waiting), 0.9× the pace.
    const answered = Math.max(this.answeredPerSecond(now), this.answeredThisSecond);
    // Nothing answered yet to measure the limit by: Retry-After alone paces the waits.
    if (!Number.isFinite(current) && answered === 0) return;
    const lowered = Number.isFinite(current) ? Math.max(current * DECREASE, Math.min(current, answered)) : answered;
    this.base = Math.max(MIN_RATE, lowered);
    this.since = now;
  }

  private roll(now: number): void {
    const second = Math.floor(now / 1000);
    if (second === this.second) return;
    this.answeredLastSecond = second === this.second + 1 ? this.answeredThisSecond : 0;
    this.answeredThisSecond = 0;
    this.second = second;
  }
}

/** Without Retry-After: 1, 2, 4… s with jitter, at most 30 s a wait. */
const BACKOFF: RetryPolicy = { maxAttempts: Infinity, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: Infinity };
/** Waits of one call; the conversation's time-out bounds them in time. */
export const MAX_WAITS_PER_CALL = 200;
/** Spreads the conversations told the same Retry-After, so they do not come back at once. */
const RETRY_JITTER_MS = 100;

/**
 * The transport a scripted conversation's flow calls the bot through: paced, and waiting
 * out HTTP 429 answers (see the file comment). The conversation's time-out counts the
 * 429 waits (the bot's time) but not the queue for the run's pace (the run's own).
 */
export function pacedTransport(
  inner: HttpTransport,
  pacer: Pacer,
  context: ConversationContext,
  o: { clock?: PacerClock; random?: () => number } = {},
): HttpTransport {
  const clock = o.clock ?? realClock;
  const random = o.random ?? Math.random;
  const signals = [context.signal, context.interrupt];
  const stopped = (error: unknown): never => {
    if (context.interrupt?.aborted) context.clock?.interrupted();
    throw error instanceof HttpFailure ? error : new HttpFailure('network', 'the conversation was stopped while it waited', 0);
  };
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      // Timed out: nothing more to send. Interrupted: a call that need not wait still goes (running conversations finish).
      if (context.signal.aborted) stopped(undefined);
      context.clock?.pause();
      try {
        await pacer.acquire(signals);
      } catch (error) {
        stopped(error);
      } finally {
        context.clock?.resume();
      }
      const response = await inner(request);
      if (response.status !== 429) {
        pacer.succeeded();
        return response;
      }
      pacer.rateLimited();
      // Past this many waits the flow gets the 429 after all, and Studio's `failed` path says so.
      if (attempt + 1 >= MAX_WAITS_PER_CALL) return response;
      const asked = parseRetryAfter(response.headers['retry-after']);
      const wait = (asked ?? backoffDelay(attempt, BACKOFF, random)) + random() * RETRY_JITTER_MS;
      const left = context.clock?.remainingMs() ?? Infinity;
      if (wait > left) {
        const why = asked !== undefined ? `asks to wait ${seconds(asked)} (Retry-After)` : `still answers 429 after ${attempt + 1} tries`;
        context.clock?.giveUp(
          `rate limited: the bot ${why} and --timeout leaves ${seconds(Math.max(0, left))} for this conversation; set --rate below the bot's limit, lower --concurrency or raise --timeout`,
        );
        stopped(undefined);
      }
      const started = clock.now();
      try {
        await clock.sleep(wait, signals);
      } catch (error) {
        context.clock?.rateLimited(clock.now() - started);
        stopped(error);
      }
      context.clock?.rateLimited(clock.now() - started);
    }
  };
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 || Number.isInteger(s) ? Math.round(s) : s.toFixed(1)} s`;
}

/** Cognigy treats more test-mode messages an hour as misuse (reference: cognigy-rest-endpoint.md). */
export const TEST_MODE_MESSAGES_PER_HOUR = 600;
/** What the estimate assumes a turn takes at the bot: Cognigy answers in tens to hundreds of ms. */
const ASSUMED_TURN_MS = 300;

/** A test-mode run's estimate, when it would go past test mode's allowance. */
export interface TestModeEstimate {
  messages: number;
  concurrency: number;
  /** What the estimate assumes a turn takes at the bot. */
  assumedTurnMs: number;
  /** How long the run would take. */
  runMs: number;
  /** Messages it would send in an hour. */
  perHour: number;
  /** What test mode allows an hour. */
  allowedPerHour: number;
  /** How long the run takes paced at the allowance. */
  pacedMs: number;
}

/**
 * The estimate for a test-mode run without --rate that would go past test mode's
 * allowance; undefined when it would not.
 */
export function testModeEstimate(messages: number, concurrency: number): TestModeEstimate | undefined {
  const runMs = (messages * ASSUMED_TURN_MS) / concurrency;
  const hours = runMs / 3_600_000;
  if (messages <= TEST_MODE_MESSAGES_PER_HOUR * Math.max(1, hours)) return undefined;
  return {
    messages,
    concurrency,
    assumedTurnMs: ASSUMED_TURN_MS,
    runMs,
    perHour: Math.round(messages / Math.max(1, hours)),
    allowedPerHour: TEST_MODE_MESSAGES_PER_HOUR,
    pacedMs: (messages / TEST_MODE_MESSAGES_PER_HOUR) * 3_600_000,
  };
}
