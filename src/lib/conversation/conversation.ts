import { isBotUrl } from '../cognigy/endpoint';
import { CognigyError } from '../errors';
import { normalizeResponse, type BotTurn, type RichContent } from '../cognigy/normalize';
import type { HttpRequest, HttpTransport } from '../http/types';
import { FlowSession, parseJsonObject, sidFactory, type Turn } from '../runtime';
import type { EndEvent, FlowEvent, FunctionEvent, HandoverEvent, HttpEvent } from '../runtime/events';
import { STUDIO_HTTP_BUDGET_MS, TRIGGER_EVENT } from '../domain/studio';
import { wiredEvents, type OtherStartEvent } from '../runtime/flow';
import type { IdSource } from '../runtime/sids';
import type { StubSet } from '../runtime/stubs';
import { parsedBodyOf } from '../runtime/widgets';
import type { ChannelModel } from '../domain/setup';
import { LIQUID_LOOP_LIMIT } from '../studio/templates';
import type { FlowDefinition } from '../domain/flow';
import { botFailureOf, callFailureText, hostOf, sentText } from './bot-call';
import type {
  AnswerProblem,
  BotAnswer,
  CallReading,
  ChatProblem,
  ConversationEvent,
  ConversationNote,
  ConversationObserver,
  HandoverSummary,
  Subscription,
  TurnInput,
} from './events';

export type { CallReading } from './events';

export interface ConversationOptions {
  http: HttpTransport;
  /** The customer's address. */
  from?: string;
  /** The Twilio address. */
  to?: string;
  channelModel?: ChannelModel;
  /** The data key that asks for an agent (default `escalation`; dots for nesting). */
  escalationKey?: string;
  /** A call slower than this is noted (Studio fails it past 10 s). */
  slowCallMs?: number;
  now?: () => number;
  /** The Cognigy endpoint URL when known: calls to it are "the bot", others are named by widget and host. */
  botEndpoint?: string;
  stubs?: StubSet;
  subflows?: ReadonlyMap<string, FlowDefinition>;
  functions?: ReadonlyMap<string, string>;
  /** Start executions this way rather than with the customer's message (REST API, subflow on its own). */
  start?: OtherStartEvent;
  /** `flow.data` of such an execution (`--param`). */
  data?: Record<string, string>;
  /** Names of Twilio resources by SID (the setup's workflow and task channel), shown beside the SIDs. */
  names?: ReadonlyMap<string, string>;
  /** 32-hex id source for SIDs (the script runner's unique ids; random by default). */
  ids?: IdSource;
  /** Have the interpreter report its transitions (`transition` events) even when nobody subscribes: flow coverage reads them. */
  trace?: boolean;
}


/** What one turn of the conversation produced. */
export interface ConversationTurn {
  turn: number;
  input: TurnInput;
  /** The interpreter's events of the turn, in order. */
  events: FlowEvent[];
  /** Each make-http-request and run-function call of the turn, in the order of `events`. */
  calls: CallReading[];
  elapsedMs: number;
  slowestCallMs: number;
  waiting?: { widget: string; timeoutSeconds: number };
  ended?: EndEvent;
  /** Set when this turn started an execution. */
  execution?: { number: number; restart: boolean };
  /** Nothing ran: nothing waits for a silence, or the trigger wires no messaging event for a message. */
  idle?: 'not-waiting' | 'no-messaging-trigger';
  /** The channel model the trigger chose. */
  channelModel?: ChannelModel;
}

const DEFAULT_SLOW_CALL_MS = 5_000;

type Listener = Exclude<ConversationObserver, (event: ConversationEvent) => void>;

/** The bot answers of one turn, each with whether a message or a hand-over followed it. */
interface TurnAnswer {
  widget: string;
  body: Readonly<Record<string, unknown>>;
  turn: BotTurn;
  sent: boolean;
}

/** What a watched turn keeps while it runs. */
interface TurnState {
  input: TurnInput;
  calls: CallReading[];
  slowest: number;
  answer?: BotAnswer;
  answers: TurnAnswer[];
  triedHandover: boolean;
  /** The media note waits for the trigger to choose the channel model. */
  mediaNote: boolean;
  lastError?: { widget: string; message: string; code?: number; notModelled?: string };
}

/**
 * One simulated customer's conversation with the flow: the one object the REPL, `-m`, the
 * script runner and the web view drive. It runs executions of the flow (FlowSession) as
 * Studio does — the customer's next message after an execution ended starts a new one, in
 * the same customer conversation (so the same Cognigy session) — reads each bot call once,
 * and tells its subscribers what happens as it happens (see ./events.ts).
 *
 * With no subscriber it only runs the flow and reads the calls: what the events would say
 * (notes, problems, what Flex would receive) is worked out only for someone listening.
 * Subscribe before the first turn to get the transitions (`widget-left`/`widget-entered`):
 * the interpreter traces them only for an execution that starts watched.
 */
export class ConversationActor {
  private session?: FlowSession;
  private readonly started: number;
  private readonly now: () => number;
  private readonly observers = new Set<Listener | ((event: ConversationEvent) => void)>();
  private turns = 0;
  private executions = 0;
  private lastData: Record<string, unknown> = {};
  private handedOver?: HandoverSummary;
  private endedWith?: EndEvent;
  /** Top-level keys of each make-http-request widget's last JSON answer, and widgets already noted. */
  private readonly lastKeys = new Map<string, readonly string[]>();
  private readonly mergeNoted = new Set<string>();
  private current?: TurnState;
  private watched = false;
  private running = false;
  private readonly widgetTypes = new Map<string, string>();

  /**
   * One conversation, many executions: the customer's conversation (and so the Cognigy
   * session id the flow derives from it) stays the same when a new execution starts.
   */
  private readonly channel: { channelSid: string; instanceSid: string; proxySession: string };

  constructor(
    readonly definition: FlowDefinition,
    private readonly options: ConversationOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
    const sid = sidFactory(options.ids);
    this.channel = { channelSid: sid('CH'), instanceSid: sid('IS'), proxySession: sid('KC') };
  }

  /**
   * Tell `observer` of every event from now on: an object with a handler per event type
   * (`{ message: (e) => …, 'call-started': (e) => … }`) or one function for all.
   */
  subscribe(observer: ConversationObserver): Subscription {
    this.observers.add(observer);
    return { unsubscribe: () => void this.observers.delete(observer) };
  }

  /** The data of the bot's last answer. */
  get botData(): Record<string, unknown> {
    return this.lastData;
  }

  /** What Flex received, once a send-to-flex created a task (known to a watched conversation). */
  get handover(): HandoverSummary | undefined {
    return this.handedOver;
  }

  /** How the last execution ended, until a new one starts. */
  get ended(): EndEvent | undefined {
    return this.endedWith;
  }

  /** True while the execution waits for the customer. */
  get waiting(): boolean {
    return this.session?.waiting ?? false;
  }

  /** The running (or last) execution, for tools that look inside it (variables, context). */
  get execution(): FlowSession | undefined {
    return this.session;
  }

  /** How executions start: with the customer's message, or (REST API, subflow) without one. */
  get startsWithoutMessage(): boolean {
    return this.options.start !== undefined;
  }

  /**
   * A REST API execution (or a subflow run on its own): starts without a customer message,
   * with `--param` as flow.data. Once it ends, a customer message starts a new execution.
   */
  begin(): Promise<ConversationTurn> {
    return this.guarded(async () => {
      const trigger = this.options.start ?? 'incomingRequest';
      const data = this.options.data ?? {};
      const t0 = this.now();
      const state = this.openTurn({ kind: 'begin', trigger, data });
      const execution = this.newExecution(true, trigger, data);
      return this.closeTurn(state, t0, await this.session!.begin(trigger), execution);
    });
  }

  /** The customer writes (with media URLs, if any). Starts an execution when none is running. */
  send(text: string, media: readonly string[] = []): Promise<ConversationTurn> {
    return this.guarded(async () => {
      const t0 = this.now();
      const state = this.openTurn({ kind: 'message', text, media });
      let turn: Turn;
      let execution: ConversationTurn['execution'];
      if (this.session?.waiting) {
        state.mediaNote = media.length > 0;
        turn = await this.session.reply(text, media);
      } else if (this.options.start && !wiresMessaging(this.definition)) {
        // Studio starts nothing for a message to a flow whose trigger wires no messaging event.
        this.note({ code: 'no-messaging-trigger' });
        return this.idleTurn(state, t0, 'no-messaging-trigger');
      } else {
        execution = this.newExecution(false, 'message');
        state.mediaNote = media.length > 0;
        turn = await this.session!.start(text, media);
      }
      return this.closeTurn(state, t0, turn, execution);
    });
  }

  /** The customer stays silent until the wait widget times out. */
  silence(): Promise<ConversationTurn> {
    return this.guarded(async () => {
      const t0 = this.now();
      if (!this.session?.waiting) {
        // Nothing waits for the customer (the flow ended or never started): nothing happens.
        this.turns++;
        this.watched = this.observers.size > 0;
        if (this.watched) this.note({ code: 'not-waiting' });
        return { turn: this.turns, input: { kind: 'silence' }, events: [], calls: [], elapsedMs: 0, slowestCallMs: 0, idle: 'not-waiting' };
      }
      const state = this.openTurn({ kind: 'silence' });
      return this.closeTurn(state, t0, await this.session.silence());
    });
  }

  /** True while a turn runs: the next one must wait for it (a second one is refused). */
  get busy(): boolean {
    return this.running;
  }

  /** One turn at a time; a turn that throws still tells its subscribers it ended, and why. */
  private async guarded(work: () => Promise<ConversationTurn>): Promise<ConversationTurn> {
    if (this.running) throw new CognigyError('the flow is still running the previous turn', { code: 'flow-busy' });
    this.running = true;
    try {
      return await work();
    } catch (error) {
      if (this.current && this.watched) {
        const message = error instanceof Error ? error.message : String(error);
        try {
          this.emit({ type: 'turn-ended', at: this.elapsed(), turn: this.turns, elapsedMs: 0, slowestCallMs: this.current.slowest, error: { message } });
        } catch {
          // The subscriber that threw may throw again: the turn's own error is the one to report.
        }
      }
      throw error;
    } finally {
      this.running = false;
      this.current = undefined;
    }
  }

  private openTurn(input: TurnInput): TurnState {
    this.turns++;
    this.watched = this.observers.size > 0;
    const state: TurnState = { input, calls: [], slowest: 0, answers: [], triedHandover: false, mediaNote: false };
    this.current = state;
    if (this.watched) this.emit({ type: 'turn-started', at: this.elapsed(), turn: this.turns, input });
    return state;
  }

  private idleTurn(state: TurnState, t0: number, idle: ConversationTurn['idle']): ConversationTurn {
    const elapsedMs = this.now() - t0;
    if (this.watched) this.emit({ type: 'turn-ended', at: this.elapsed(), turn: this.turns, elapsedMs, slowestCallMs: 0 });
    this.current = undefined;
    return { turn: this.turns, input: state.input, events: [], calls: [], elapsedMs, slowestCallMs: 0, idle };
  }

  private closeTurn(state: TurnState, t0: number, turn: Turn, execution?: ConversationTurn['execution']): ConversationTurn {
    if (state.mediaNote) this.listener.events([]);
    if (this.watched) this.checkAnswers(state);
    const elapsedMs = this.now() - t0;
    if (this.watched) {
      this.emit({
        type: 'turn-ended',
        at: this.elapsed(),
        turn: this.turns,
        elapsedMs,
        slowestCallMs: state.slowest,
        ...(turn.waiting ? { waiting: turn.waiting } : {}),
        ...(turn.ended ? { ended: { reason: turn.ended.reason, message: turn.ended.message } } : {}),
      });
    }
    this.current = undefined;
    // Every turn of a suite passes here: plain assignments, no spread objects.
    const result: ConversationTurn = { turn: this.turns, input: state.input, events: turn.events, calls: state.calls, elapsedMs, slowestCallMs: state.slowest };
    if (turn.waiting) result.waiting = turn.waiting;
    if (turn.ended) result.ended = turn.ended;
    if (execution) result.execution = execution;
    const model = this.session?.channelModel;
    if (model) result.channelModel = model;
    return result;
  }

  private newExecution(withData: boolean, trigger: 'message' | OtherStartEvent, data?: Record<string, string>): ConversationTurn['execution'] {
    const restart = this.session !== undefined;
    this.executions++;
    this.endedWith = undefined;
    this.session = new FlowSession(this.definition, {
      http: this.options.http,
      from: this.options.from,
      to: this.options.to,
      channelModel: this.options.channelModel,
      channel: this.channel,
      stubs: this.options.stubs,
      subflows: this.options.subflows,
      functions: this.options.functions,
      ...(this.options.ids ? { ids: this.options.ids } : {}),
      ...(withData ? { data: this.options.data ?? {} } : {}),
      listener: this.listener,
      ...(this.watched || this.options.trace ? { trace: true } : {}),
    });
    if (this.watched) {
      this.emit({ type: 'execution-started', at: this.elapsed(), execution: this.executions, trigger, restart, ...(data ? { data } : {}) });
    }
    return { number: this.executions, restart };
  }

  /** The session tells the actor of each step as it happens: this is where the events come from. */
  private readonly listener = {
    events: (events: readonly FlowEvent[]) => {
      const state = this.current;
      if (!state) return;
      if (state.mediaNote) {
        // Said before what the turn did, once the trigger chose the channel model.
        state.mediaNote = false;
        if (this.watched && this.session?.channelModel === 'conversations') this.note({ code: 'media-on-conversations' });
      }
      for (const event of events) this.absorb(event, state);
    },
    callStarted: (widget: string, kind: 'http' | 'function', request: HttpRequest) => {
      if (!this.watched) return;
      this.emit({
        type: 'call-started',
        at: this.elapsed(),
        widget,
        kind,
        bot: isBotUrl(request.url, this.options.botEndpoint),
        method: request.method,
        host: hostOf(request.url),
        budgetMs: request.timeoutMs ?? STUDIO_HTTP_BUDGET_MS,
      });
    },
  };

  /** One interpreter event: read the calls (always), and for a watched turn say what it means. */
  private absorb(event: FlowEvent, state: TurnState): void {
    const watched = this.watched;
    switch (event.type) {
      case 'http':
      case 'function': {
        // The request for an agent matters only to what a watched turn says about it.
        const reading = readCall(event, this.options.botEndpoint, watched ? (this.options.escalationKey ?? 'escalation') : undefined);
        state.calls.push(reading);
        if (event.elapsedMs > state.slowest) state.slowest = event.elapsedMs;
        if (reading.bot && reading.answer && !reading.failure) this.lastData = reading.answer.data;
        if (watched) this.call(reading, state);
        return;
      }
      case 'end':
        this.endedWith = event;
        if (watched) this.end(event, state);
        return;
      default:
        break;
    }
    if (!watched) return;
    const at = this.elapsed();
    this.emit({ type: 'flow-event', at, event });
    switch (event.type) {
      case 'transition':
        this.emit({ type: 'widget-left', at, widget: event.widget, via: event.event, ...(event.next ? { next: event.next } : {}) });
        if (event.next) this.emit({ type: 'widget-entered', at, widget: event.next, widgetType: this.typeOf(event.next), from: event.widget, via: event.event });
        break;
      case 'message': {
        const text = sentText(event);
        this.emit({
          type: 'message',
          at,
          widget: event.widget,
          from: event.from,
          to: event.to,
          toCustomer: event.toCustomer,
          text,
          ...(event.mediaUrl ? { mediaUrl: event.mediaUrl } : {}),
          ...(event.content ? { content: event.content } : {}),
          ...(event.toCustomer && !event.failure && state.answer ? { answer: state.answer } : {}),
          ...(event.failure ? { failure: event.failure } : {}),
        });
        if (event.failure) {
          this.note({ code: 'send-failed', widget: event.widget, failure: event.failure });
          break;
        }
        if (!event.toCustomer) break;
        for (const a of state.answers) a.sent = true;
        if (!event.body.trim() && !event.content && !event.mediaUrl) this.note({ code: 'empty-message', widget: event.widget });
        const answer = state.answer;
        if (answer?.rich.length) {
          for (const rich of answer.rich) {
            const listed = rich.options.length > 0 && rich.options.every((o) => event.body.includes(`- ${o}`));
            this.note({ code: 'rich-content', widget: event.widget, rich, listed });
          }
          // Said once: the next message of the turn comes from the same answer without it.
          state.answer = { ...answer, rich: [] };
        }
        break;
      }
      case 'handover': {
        // A hand-over was tried (created or refused): the answer's request for an agent was seen.
        state.triedHandover = true;
        for (const a of state.answers) a.sent = true;
        const handover = summarise(event, this.options.names);
        this.emit({ type: 'handover', at, widget: event.widget, created: event.created, handover });
        for (const message of event.problems) this.problem({ kind: 'handover', widget: event.widget, message });
        if (!event.created) {
          this.note({ code: 'handover-refused', widget: event.widget, problems: event.problems });
          break;
        }
        this.handedOver = handover;
        break;
      }
      case 'variables':
        for (const warning of event.warnings ?? []) this.note({ code: 'variables-warning', widget: event.widget, warning });
        break;
      case 'error':
        state.lastError = { widget: event.widget, message: event.message, ...(event.code !== undefined ? { code: event.code } : {}), ...(event.notModelled ? { notModelled: event.notModelled } : {}) };
        this.note({ code: 'flow-error', widget: event.widget, message: event.message, ...(event.code !== undefined ? { errorCode: event.code } : {}), stopped: false });
        break;
      case 'subflow':
        if (event.phase === 'start') this.note({ code: 'subflow-started', widget: event.widget, flowSid: event.flowSid });
        else this.note({ code: 'subflow-returned', widget: event.widget, flowSid: event.flowSid, outcome: event.outcome ?? 'failed', ...(event.message !== undefined ? { message: event.message } : {}) });
        break;
      default:
        break;
    }
  }

  private end(event: EndEvent, state: TurnState): void {
    const at = this.elapsed();
    this.emit({ type: 'flow-event', at, event });
    if (event.reason === 'error' || event.reason === 'limit') {
      // The error event the interpreter emitted just before stopping says what kind of error it was.
      const cause = event.reason === 'error' && state.lastError?.widget === event.widget ? state.lastError : undefined;
      this.problem({
        kind: cause?.notModelled !== undefined ? 'not-modelled' : 'flow-error',
        widget: event.widget,
        message: event.message,
        ...(cause?.code !== undefined ? { code: cause.code } : {}),
      });
    }
    // After a hand-over the flow may go on (callComplete); say how it ended when it did.
    if (event.reason === 'handover' && this.handedOver && event.widget !== this.handedOver.widget) {
      this.note({ code: 'ended-after-handover', widget: event.widget, message: event.message });
    }
    this.emit({
      type: 'execution-ended',
      at,
      execution: this.executions,
      widget: event.widget,
      reason: event.reason,
      message: event.message,
      ...(event.reason === 'handover' && this.handedOver ? { handedOverBy: this.handedOver.widget } : {}),
    });
  }

  /** A watched call: its end, and what the transcript should say about it. */
  private call(reading: CallReading, state: TurnState): void {
    const event = reading.event;
    const slowCall = this.options.slowCallMs ?? DEFAULT_SLOW_CALL_MS;
    const budgetMs = STUDIO_HTTP_BUDGET_MS;
    const at = this.elapsed();
    this.emit({ type: 'flow-event', at, event, call: reading });
    const usable = reading.bot && !reading.failure && reading.body ? botAnswerOf(reading.answer!) : undefined;
    this.emit({
      type: 'call-ended',
      at,
      widget: event.widget,
      kind: event.type,
      bot: reading.bot,
      host: hostOf(event.url),
      elapsedMs: event.elapsedMs,
      budgetMs,
      outcome: event.outcome,
      ...(event.status !== undefined ? { status: event.status } : {}),
      ...(event.failure ? { failure: { reason: event.failure.reason, message: event.failure.message } } : {}),
      ...(event.stub ? { stub: event.stub } : {}),
      ...(usable ? { answer: usable } : {}),
      ...(reading.bot && reading.failure ? { botFailure: { kind: reading.failure.kind, message: reading.failure.message } } : {}),
    });
    this.readAnswer(reading, state, usable);
    // Said where it happened; a time-out already says why the call failed.
    if (event.elapsedMs > slowCall && event.failure?.reason !== 'timeout') {
      this.note({ code: 'slow-call', widget: event.widget, elapsedMs: event.elapsedMs, budgetMs });
    }
  }

  private readAnswer(reading: CallReading, state: TurnState, usable: BotAnswer | undefined): void {
    const event = reading.event;
    const branch = event.type === 'function' ? 'fail' : 'failed';
    if (event.outcome === 'failed' && event.failure?.reason === 'refused') {
      // Nothing was sent: the flow itself is wrong for Studio.
      this.problem({ kind: 'http-refused', widget: event.widget, message: event.failure.message });
      this.note({ code: 'call-refused', widget: event.widget, message: event.failure.message });
      return;
    }
    const body = parsedBodyOf(event);
    if (reading.bot && reading.failure) {
      const failure = reading.failure;
      this.problem({ kind: 'bot-failure', reason: failure.kind, widget: event.widget, message: failure.message });
      this.note({ code: 'bot-failure', widget: event.widget, message: failure.message, failed: event.outcome === 'failed', branch });
      return;
    }
    if (!reading.bot && event.outcome === 'failed') {
      if (event.failure?.reason === 'network' || event.failure?.reason === 'invalid-url') {
        this.problem({ kind: 'unreachable', widget: event.widget, message: callFailureText(event) });
      }
      this.note({
        code: 'call-failed',
        widget: event.widget,
        host: hostOf(event.url),
        ...(event.failure ? { failure: event.failure.message } : {}),
        ...(event.status !== undefined ? { status: event.status } : {}),
        branch,
      });
      return;
    }
    if (!body) {
      // Studio takes "success" but sets no `parsed`: what reads it renders empty.
      const jsonObject = Boolean(event.responseBody && parseJsonObject(event.responseBody));
      this.note({ code: 'not-json', widget: event.widget, jsonObject, ...(event.responseContentType !== undefined ? { contentType: event.responseContentType } : {}) });
      return;
    }
    if (event.type === 'http') this.checkMerge(event.widget, Object.keys(body));
    // The flow's own services answer JSON too: only the bot's answer is the bot's data.
    if (!reading.bot || !usable) return;
    state.answers.push({ widget: event.widget, body, turn: usable.turn, sent: false });
    state.answer = usable;
  }

  /**
   * Make HTTP Request's page does not say whether `parsed` is merged across runs of one
   * widget (Run Function's says it is); the run replaces it. When an answer lacks a key
   * the previous one had (a data-only turn without `text`), the two readings differ: say
   * so once per widget, so nobody relies on it unknowingly.
   */
  private checkMerge(widget: string, keys: readonly string[]): void {
    const previous = this.lastKeys.get(widget);
    this.lastKeys.set(widget, keys);
    if (!previous || this.mergeNoted.has(widget)) return;
    const missing = previous.filter((k) => !keys.includes(k));
    if (!missing.length) return;
    this.mergeNoted.add(widget);
    this.note({ code: 'parsed-keys-missing', widget, missing });
  }

  /**
   * What the customer would miss, said after the turn, when the flow has run its course:
   * - an answer that led to no message and no hand-over: the customer gets nothing (rich
   *   content the flow cannot send as text, a data-only answer, a flow that drops the text);
   * - an output that asks for an agent while the flow did not hand over: in Twilio the
   *   customer never reaches one. The built flow reads the first 15 outputs (Studio's Liquid
   *   loop limit) and the top-level data, as objects only (Studio does not parse `data` sent
   *   as a JSON string). Worth a non-zero exit;
   * - Cognigy's Handover to Agent node: a REST endpoint is not handover-capable, so the node
   *   reports "unsupported" and no agent comes. Worth a non-zero exit when no hand-over followed.
   */
  private checkAnswers(state: TurnState): void {
    const key = this.options.escalationKey ?? 'escalation';
    const handedOver = state.triedHandover;
    for (const { widget, body, turn, sent } of state.answers) {
      if (!sent && !handedOver) {
        this.note({ code: 'answer-not-sent', widget, text: turn.text, rich: richOf(turn), outputs: turn.outputs.length });
      }
      if (handedOver) continue;
      const node = turn.outputs.findIndex((o) => handoverNodeStatus(o.data) !== undefined);
      if (node >= 0) {
        const answer: AnswerProblem = { code: 'handover-node', output: node + 1, ...handoverNodeStatus(turn.outputs[node].data)!, key };
        this.problem({ kind: 'bot-answer', widget, answer });
        this.note({ code: 'handover-node', widget, answer });
      }
      if (!turn.escalation) continue;
      const stack = Array.isArray(body.outputStack) ? body.outputStack : [];
      const entry = turn.escalation.outputIndex === null ? undefined : stack[turn.escalation.outputIndex];
      const asString = typeof (entry as { data?: unknown } | undefined)?.data === 'string' || (turn.escalation.outputIndex === null && typeof body.data === 'string');
      const why = asString ? 'json-string' : turn.escalation.outputIndex !== null && turn.escalation.outputIndex >= LIQUID_LOOP_LIMIT ? 'past-loop-limit' : 'elsewhere';
      const answer: AnswerProblem = { code: 'escalation-missed', key, output: turn.escalation.outputIndex === null ? null : turn.escalation.outputIndex + 1, why, limit: LIQUID_LOOP_LIMIT };
      this.problem({ kind: 'bot-answer', widget, answer });
      this.note({ code: 'escalation-missed', widget, answer });
    }
  }

  private typeOf(widget: string): string {
    if (!this.widgetTypes.size) {
      for (const definition of [this.definition, ...(this.options.subflows?.values() ?? [])]) {
        for (const s of definition.states ?? []) if (s?.name && !this.widgetTypes.has(s.name)) this.widgetTypes.set(s.name, s.type);
      }
    }
    return this.widgetTypes.get(widget) ?? 'unknown';
  }

  private elapsed(): number {
    return Math.round(this.now() - this.started);
  }

  private note(note: ConversationNote): void {
    this.emit({ type: 'note', at: this.elapsed(), note });
  }

  private problem(problem: ChatProblem): void {
    this.emit({ type: 'problem', at: this.elapsed(), problem });
  }

  private emit(event: ConversationEvent): void {
    for (const observer of this.observers) {
      if (typeof observer === 'function') observer(event);
      else (observer[event.type] as ((e: ConversationEvent) => void) | undefined)?.(event);
    }
  }
}

/** One make-http-request or run-function call as every view reads it: the bot's or not, its answer, its failure. */
export function readCall(event: HttpEvent | FunctionEvent, botEndpoint: string | undefined, escalationKey?: string): CallReading {
  const parsed = parsedBodyOf(event);
  const bot = isBotUrl(event.url, botEndpoint) || Array.isArray(parsed?.outputStack);
  const reading: CallReading = { event, bot };
  if (!bot) {
    if (parsed) reading.body = parsed;
    return reading;
  }
  if (parsed && event.outcome === 'success') {
    reading.body = parsed;
    reading.answer = normalizeResponse(parsed, escalationKey ? { escalationKey } : undefined);
  }
  const failure = botFailureOf(event, parsed as Record<string, unknown> | undefined);
  if (failure) reading.failure = failure;
  return reading;
}

function botAnswerOf(turn: BotTurn): BotAnswer {
  return { turn, rich: richOf(turn) };
}

function richOf(turn: BotTurn): RichContent[] {
  return turn.outputs.map((o) => o.rich).filter((r): r is RichContent => Boolean(r));
}

/**
 * The Handover Status Cognigy's Handover to Agent node exposes (`{handover: {status, error:
 * {reason}}}`, reason "unsupported" where the channel cannot hand over), if an output's data
 * carries it. Cognigy documents the object, not how a REST answer carries it: assumed.
 */
function handoverNodeStatus(data: Record<string, unknown>): { status: string; reason?: string } | undefined {
  const handover = data.handover;
  if (!handover || typeof handover !== 'object' || Array.isArray(handover)) return undefined;
  const { status, error } = handover as { status?: unknown; error?: { reason?: unknown } };
  if (typeof status !== 'string') return undefined;
  return { status, ...(error && typeof error === 'object' && typeof error.reason === 'string' ? { reason: error.reason } : {}) };
}

function wiresMessaging(definition: FlowDefinition): boolean {
  const wired = wiredEvents(definition);
  return Object.values(TRIGGER_EVENT).some((e) => wired.has(e));
}

function summarise(event: HandoverEvent, names?: ReadonlyMap<string, string>): HandoverSummary {
  const workflowName = names?.get(event.workflow);
  const channelName = names?.get(event.channel);
  return {
    widget: event.widget,
    workflow: event.workflow,
    channel: event.channel,
    ...(workflowName ? { workflowName } : {}),
    ...(channelName ? { channelName } : {}),
    taskSid: event.taskSid ?? '',
    attributes: event.attributes,
    attributesRaw: event.attributesRaw,
    problems: event.problems,
  };
}
