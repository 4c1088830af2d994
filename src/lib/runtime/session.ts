import { CognigyError } from '../errors';
import { HttpFailure, type HttpRequest, type HttpTransport } from '../http/types';
import type { ChannelModel } from '../domain/setup';
import type { FlowDefinition } from '../domain/flow';
import type { OtherStartEvent } from './flow';
import { answerWithStub, findStub, type StubSet } from './stubs';
import type { ChannelSids, FlowContext } from './context';
import type { EndEvent, FlowEvent } from './events';
import type { HttpResult } from './http-call';
import { sidFactory, type IdSource } from './sids';
import { createRunState, step, type RunState, type RuntimeLimits, type StepInput, type StepResult } from './step';
import type { Effect } from './widgets';

export interface Clock {
  now(): number;
}

export interface FlowSessionOptions {
  /** Performs make-http-request and run-function calls. */
  http: HttpTransport;
  clock?: Clock;
  /** Chooses the trigger event when the flow wires both messaging events. */
  channelModel?: ChannelModel;
  /** The customer's address: `contact.channel.address`. */
  from?: string;
  /** The Twilio address: `flow.channel.address`. */
  to?: string;
  /** 32-hex id source for SIDs; inject for deterministic tests. */
  ids?: IdSource;
  limits?: Partial<RuntimeLimits>;
  flowSid?: string;
  channelType?: string;
  data?: Record<string, unknown>;
  /** The customer's conversation SIDs, kept across executions (see CreateRunOptions). */
  channel?: Partial<ChannelSids>;
  /** Local answers for the flow's HTTP and Function calls; the rest go out through `http`. */
  stubs?: StubSet;
  /** Child flows for run-subflow, by SID. */
  subflows?: ReadonlyMap<string, FlowDefinition>;
  /** URLs for URL-less run-function widgets, by widget name or ZH… SID. */
  functions?: ReadonlyMap<string, string>;
  /** Told of each step's events as they happen, and of each call before it goes out (a watched conversation). */
  listener?: SessionListener;
  /** Emit `transition` events (see RuntimeEnv). */
  trace?: boolean;
}

/** What a watcher of a running execution hears, while the turn runs (not only when it returns). */
export interface SessionListener {
  /** The events of one step of the core, in order. */
  events(events: readonly FlowEvent[]): void;
  /** The flow is about to call `request.url` and wait for the answer (make-http-request or run-function). */
  callStarted(widget: string, kind: 'http' | 'function', request: HttpRequest): void;
}

/** What one turn produced. */
export interface Turn {
  events: FlowEvent[];
  /** Set when the execution now waits for the customer. */
  waiting?: { widget: string; timeoutSeconds: number };
  /** Set when the execution ended during this turn. */
  ended?: EndEvent;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * Drives one simulated execution: feeds the customer's messages to the pure core and
 * performs its HTTP effects with the injected transport. One instance per conversation.
 */
export class FlowSession {
  private state: RunState;
  private readonly log: FlowEvent[] = [];
  private readonly http: HttpTransport;
  private readonly clock: Clock;
  private readonly stubs?: StubSet;
  private readonly listener?: SessionListener;
  private busy = false;

  constructor(definition: FlowDefinition, options: FlowSessionOptions) {
    this.http = options.http;
    this.clock = options.clock ?? systemClock;
    this.stubs = options.stubs;
    this.listener = options.listener;
    this.state = createRunState(definition, {
      sid: sidFactory(options.ids),
      limits: options.limits,
      addresses: { contactAddress: options.from, flowAddress: options.to },
      preferredModel: options.channelModel,
      channelType: options.channelType,
      flowSid: options.flowSid,
      data: options.data,
      channel: options.channel,
      subflows: options.subflows,
      functions: options.functions,
      trace: options.trace,
    });
  }

  /** Every event of the execution so far. */
  get events(): readonly FlowEvent[] {
    return this.log;
  }

  /** The end event once the execution ended. */
  get ended(): EndEvent | undefined {
    return this.state.end;
  }

  /** True while a send-and-wait-for-reply waits for the customer. */
  get waiting(): boolean {
    return this.state.status === 'waiting-reply';
  }

  get variables(): Readonly<Record<string, unknown>> {
    return this.state.context.flow.variables;
  }

  get context(): FlowContext {
    return this.state.context;
  }

  /** The channel model the trigger chose (known after `start`). */
  get channelModel(): ChannelModel | undefined {
    return this.state.model;
  }

  /** The run state, for tools that step the core themselves. */
  get runState(): RunState {
    return this.state;
  }

  /** The customer's first message (with media URLs, if any): runs the trigger until a reply is awaited or the end. */
  start(body: string, media?: readonly string[]): Promise<Turn> {
    return this.turn({ type: 'start', body, at: this.clock.now(), ...(media?.length ? { media } : {}) }, 'ready');
  }

  /** A start without a customer message: a REST API execution or a subflow on its own (flow.data from `data`). */
  begin(trigger: OtherStartEvent): Promise<Turn> {
    return this.turn({ type: 'start', body: '', at: this.clock.now(), trigger }, 'ready');
  }

  /** The customer's reply to the waiting send-and-wait-for-reply. */
  reply(body: string, media?: readonly string[]): Promise<Turn> {
    return this.turn({ type: 'reply', body, at: this.clock.now(), ...(media?.length ? { media } : {}) }, 'waiting-reply');
  }

  /** The customer stays silent: the waiting widget's `timeout` transition. */
  silence(): Promise<Turn> {
    return this.turn({ type: 'silence', at: this.clock.now() }, 'waiting-reply');
  }

  private async turn(input: StepInput, expected: RunState['status']): Promise<Turn> {
    if (this.busy) throw new CognigyError('the flow is still running the previous turn', { code: 'flow-busy' });
    if (this.state.status !== expected) {
      const what = this.state.status === 'ended' ? 'the execution has ended' : input.type === 'start' ? 'the execution already started' : 'the flow is not waiting for a reply';
      throw new CognigyError(`cannot ${input.type === 'start' ? 'start' : input.type}: ${what}`, { code: 'flow-not-waiting' });
    }
    this.busy = true;
    const events: FlowEvent[] = [];
    try {
      let result = this.advance(input, events);
      while (result.effect?.type === 'http') {
        if (this.listener) {
          const pending = this.state.pending;
          this.listener.callStarted(result.effect.widget, pending?.kind === 'function' ? 'function' : 'http', result.effect.request);
        }
        const outcome = await this.perform(result.effect);
        result = this.advance({ type: 'http-result', result: outcome, at: this.clock.now() }, events);
      }
      const turn: Turn = { events };
      if (result.effect?.type === 'wait-for-reply') {
        turn.waiting = { widget: result.effect.widget, timeoutSeconds: result.effect.timeoutSeconds };
      }
      if (this.state.end && events.includes(this.state.end)) turn.ended = this.state.end;
      return turn;
    } finally {
      this.busy = false;
    }
  }

  private advance(input: StepInput, events: FlowEvent[]): StepResult {
    const result = step(this.state, input);
    this.state = result.state;
    for (const event of result.events) {
      events.push(event);
      this.log.push(event);
    }
    if (this.listener && result.events.length) this.listener.events(result.events);
    return result;
  }

  private async perform(effect: Effect & { type: 'http' }): Promise<HttpResult> {
    const started = this.clock.now();
    const stub = findStub(this.stubs, effect.widget, effect.request);
    if (stub) return { kind: 'response', response: await answerWithStub(stub, effect.request), stub: stub.source };
    if (!effect.request.url) {
      return {
        kind: 'unanswered',
        message: `"${effect.widget}" runs a Twilio Function whose URL the export leaves empty (Studio finds it by its SIDs): pass --function ${effect.widget}=URL, or answer it with a stub (--stub FILE)`,
      };
    }
    try {
      const response = await this.http(effect.request);
      return { kind: 'response', response };
    } catch (error) {
      if (error instanceof HttpFailure) {
        return { kind: 'failure', reason: error.kind, message: error.message, elapsedMs: error.elapsedMs };
      }
      // A transport that throws anything else still counts as a network failure for the
      // flow (Studio would take `failed`), but keeps its message.
      return {
        kind: 'failure',
        reason: 'network',
        message: error instanceof Error ? error.message : String(error),
        elapsedMs: Math.max(0, this.clock.now() - started),
      };
    }
  }
}
