import type { ChannelModel } from '../domain/setup';
import type { FlowDefinition, WidgetState } from '../domain/flow';
import { isModelledType } from '../domain/widgets';
import { initialContext, mintTriggerSids, triggerScope, type Addresses, type ChannelSids, type FlowContext } from './context';
import type { EndEvent, EndReason, FlowEvent } from './events';
import { chooseTrigger, compileFlow, type CompiledFlow, type OtherStartEvent } from './flow';
import { DEFAULT_CUSTOMER_ADDRESS, DEFAULT_FLOW_ADDRESS, STUDIO_HTTP_BUDGET_MS, STUDIO_HTTP_MAX_BODY_BYTES } from '../domain/studio';
import type { HttpLimits, HttpResult } from './http-call';
import { TemplateError } from './liquid';
import { sidFactory, type SidFactory } from './sids';
import {
  resumeWithHttpResult,
  resumeWithReply,
  WIDGET_HANDLERS,
  type Effect,
  type Pending,
  type WidgetOutcome,
  type WidgetRun,
} from './widgets';

/**
 * The pure core: `step(state, input) → { state, events, effect? }`. A step feeds one
 * input (the customer's first message, a reply, silence, an HTTP result) and runs widgets
 * until the execution needs I/O (an `effect`) or ends. It never touches the network or
 * the clock: the time comes with the input and SIDs from the injected factory, so the same
 * inputs give the same events. Old states are never modified.
 */

/** Studio's FAQ: "An active Execution will end after 30 days." */
export const MAX_EXECUTION_MS = 30 * 24 * 3600 * 1000;

export interface RuntimeLimits {
  /** Steps (widget executions, the trigger included) per execution: Studio's 1,000. */
  maxSteps: number;
  /** Consecutive executions of one widget: Studio's 10. */
  maxRepeats: number;
  /** How long an execution lives: Studio ends an active execution after 30 days. */
  maxExecutionMs: number;
  httpTimeoutMs: number;
  maxBodyBytes: number;
}

export const STUDIO_LIMITS: Readonly<RuntimeLimits> = {
  maxSteps: 1000,
  maxRepeats: 10,
  maxExecutionMs: MAX_EXECUTION_MS,
  httpTimeoutMs: STUDIO_HTTP_BUDGET_MS,
  maxBodyBytes: STUDIO_HTTP_MAX_BODY_BYTES,
};

export interface RuntimeEnv {
  readonly sid: SidFactory;
  readonly limits: RuntimeLimits;
  readonly addresses: Addresses;
  /** Breaks the tie when a trigger wires both messaging events. */
  readonly preferredModel?: ChannelModel;
  /** `trigger.*.ChannelAttributes.channel_type`. */
  readonly channelType: string;
  /** The customer's channel (conversation) when it outlives one execution. */
  readonly channel?: Partial<ChannelSids>;
  /** Child flows for run-subflow, by flow SID (FW…). */
  readonly subflows?: ReadonlyMap<string, FlowDefinition>;
  /** URLs for run-function widgets whose export has none, by widget name or function SID (ZH…). */
  readonly functions?: ReadonlyMap<string, string>;
  /** Emit a `transition` event for every transition taken (for views that draw the path). */
  readonly trace?: boolean;
}

/** A parent flow waiting for the subflow its run-subflow widget started. */
export interface Frame {
  readonly flow: CompiledFlow;
  readonly context: FlowContext;
  /** The parent's run-subflow widget. */
  readonly widget: string;
  readonly flowSid: string;
}

export type RunStatus = 'ready' | 'running' | 'waiting-reply' | 'waiting-http' | 'ended';

export interface RunState {
  readonly flow: CompiledFlow;
  readonly env: RuntimeEnv;
  readonly context: FlowContext;
  readonly status: RunStatus;
  /** The channel model chosen from the trigger at start. */
  readonly model?: ChannelModel;
  readonly pending?: Pending;
  readonly steps: number;
  readonly lastWidget?: string;
  /** How many times in a row `lastWidget` ran. */
  readonly repeats: number;
  readonly end?: EndEvent;
  /** The parents of the running subflow, innermost last; `flow` and `context` are the subflow's. */
  readonly frames?: readonly Frame[];
  /** When the execution started (the first input's time). */
  readonly startedAt?: number;
  /** The send-to-flex that created a task: the customer is with an agent from then on. */
  readonly handedOverBy?: string;
}

export type StepInput =
  /** `trigger`: a REST API execution or a subflow run on its own, instead of a customer's message. */
  | { type: 'start'; body: string; at: number; media?: readonly string[]; trigger?: OtherStartEvent }
  | { type: 'reply'; body: string; at: number; media?: readonly string[] }
  | { type: 'silence'; at: number }
  | { type: 'http-result'; result: HttpResult; at: number };

export interface StepResult {
  state: RunState;
  events: FlowEvent[];
  /** Present when the execution waits on I/O; absent once it ended. */
  effect?: Effect;
}

export interface CreateRunOptions {
  sid?: SidFactory;
  limits?: Partial<RuntimeLimits>;
  addresses?: Partial<Addresses>;
  preferredModel?: ChannelModel;
  channelType?: string;
  flowSid?: string;
  /** `flow.data` (REST-triggered parameters). */
  data?: Record<string, unknown>;
  /**
   * The customer's conversation (or chat channel) SIDs. A conversation outlives an
   * execution: the next execution for the same customer keeps them, and so keeps the
   * Cognigy session id the flow derives from them.
   */
  channel?: Partial<ChannelSids>;
  subflows?: ReadonlyMap<string, FlowDefinition>;
  functions?: ReadonlyMap<string, string>;
  /** Emit `transition` events (see RuntimeEnv). */
  trace?: boolean;
}

export function createRunState(definition: FlowDefinition, options: CreateRunOptions = {}): RunState {
  const sid = options.sid ?? sidFactory();
  const addresses: Addresses = {
    flowAddress: options.addresses?.flowAddress ?? DEFAULT_FLOW_ADDRESS,
    contactAddress: options.addresses?.contactAddress ?? DEFAULT_CUSTOMER_ADDRESS,
  };
  const env: RuntimeEnv = {
    sid,
    limits: { ...STUDIO_LIMITS, ...options.limits },
    addresses,
    preferredModel: options.preferredModel,
    channelType: options.channelType ?? 'sms',
    channel: options.channel,
    subflows: options.subflows,
    functions: options.functions,
    ...(options.trace ? { trace: true } : {}),
  };
  const context = initialContext({
    flowSid: options.flowSid ?? sid('FW'),
    executionSid: sid('FN'),
    addresses,
    data: options.data,
  });
  return { flow: compileFlow(definition), env, context, status: 'ready', steps: 0, repeats: 0 };
}

/** Mutable scratch state for one step; the result is frozen into a new RunState. */
class Step implements WidgetRun {
  context: FlowContext;
  /** The flow running now: a subflow's while it runs. */
  flow: CompiledFlow;
  frames: readonly Frame[];
  status: RunStatus;
  model: ChannelModel;
  /** Set once the trigger chose the channel model. */
  chosenModel: ChannelModel | undefined;
  pending: Pending | undefined;
  steps: number;
  lastWidget: string | undefined;
  repeats: number;
  end: EndEvent | undefined;
  effect: Effect | undefined;
  startedAt: number | undefined;
  handedOverBy: string | undefined;
  readonly events: FlowEvent[] = [];
  readonly sid: SidFactory;
  readonly httpLimits: HttpLimits;
  private readonly trace: boolean;

  constructor(
    private readonly base: RunState,
    readonly at: number,
  ) {
    this.context = base.context;
    this.flow = base.flow;
    this.frames = base.frames ?? [];
    this.status = base.status;
    this.model = base.model ?? 'conversations';
    this.chosenModel = base.model;
    this.pending = base.pending;
    this.steps = base.steps;
    this.lastWidget = base.lastWidget;
    this.repeats = base.repeats;
    this.end = base.end;
    this.startedAt = base.startedAt;
    this.handedOverBy = base.handedOverBy;
    this.sid = base.env.sid;
    this.httpLimits = { timeoutMs: base.env.limits.httpTimeoutMs, maxBodyBytes: base.env.limits.maxBodyBytes };
    this.trace = base.env.trace === true;
  }

  /** Only a traced run builds transition events. */
  private transition(widget: string, event: string, next: string | undefined): void {
    this.emit({ type: 'transition', at: this.at, widget, event, ...(next ? { next } : {}) });
  }

  functionUrl(widget: string, functionSid: string): string | undefined {
    const functions = this.base.env.functions;
    return functions?.get(widget) ?? (functionSid ? functions?.get(functionSid) : undefined);
  }

  render(widget: string, property: string, source: unknown): string {
    return this.flow.templates.render(source, this.context, widget, property);
  }

  emit(event: FlowEvent): void {
    this.events.push(event);
  }

  setWidget(name: string, output: Record<string, unknown>): void {
    this.context = { ...this.context, widgets: { ...this.context.widgets, [name]: output } };
  }

  markHandover(widget: string): void {
    this.handedOverBy = widget;
  }

  setVariables(changed: Record<string, unknown>): void {
    const flow = this.context.flow;
    this.context = { ...this.context, flow: { ...flow, variables: { ...flow.variables, ...changed } } };
  }

  finish(widget: string, reason: EndReason, message: string, o: { local?: boolean } = {}): void {
    // A subflow that ends or fails hands control back to its parent (Studio: `completed`
    // or `failed`); what only the local run cannot do stops everything, as it would mislead.
    if (this.frames.length && !o.local && (reason === 'flow-ended' || reason === 'error')) {
      this.leaveSubflow(reason === 'flow-ended' ? 'completed' : 'failed', message);
      return;
    }
    const event: EndEvent = { type: 'end', at: this.at, widget, reason, message };
    this.emit(event);
    this.end = event;
    this.status = 'ended';
    this.pending = undefined;
    this.effect = undefined;
  }

  /** A transition leading nowhere ends the execution; after a hand-over, the bot's part ended there. */
  finishAt(widget: string, why: string): void {
    if (this.handedOverBy !== undefined) {
      const by = this.handedOverBy === widget ? '' : `; "${widget}" then ended the flow (${why})`;
      this.finish(widget, 'handover', `handed over to Flex by "${this.handedOverBy}"${by}`);
    } else {
      this.finish(widget, 'flow-ended', `"${widget}" ended the flow: ${why}`);
    }
  }

  /** Studio ends an execution 30 days after it started, whatever it waits for. */
  outlived(widget: string): boolean {
    const limit = this.base.env.limits.maxExecutionMs;
    if (this.startedAt === undefined || this.at - this.startedAt <= limit) return false;
    this.finish(widget, 'limit', `the execution is older than Studio's ${Math.round(limit / 86_400_000)} days: Studio ended it before "${widget}" got its answer`);
    return true;
  }

  fail(widget: string, message: string, extra: { code?: number; property?: string; local?: boolean; notModelled?: string } = {}): void {
    const { local, ...details } = extra;
    this.emit({ type: 'error', at: this.at, widget, message, ...details });
    this.finish(widget, 'error', message, { local });
  }

  start(body: string, media: readonly string[], trigger?: OtherStartEvent): void {
    this.startedAt = this.at;
    const choice = chooseTrigger(this.flow, this.base.env.preferredModel, trigger);
    const triggerName = this.flow.definition.initial_state;
    if (!choice.ok) {
      this.fail(triggerName, choice.message);
      return;
    }
    this.model = choice.model;
    this.chosenModel = choice.model;
    const env = this.base.env;
    if (trigger) {
      // No customer message: a REST API execution (To is the customer, From the flow's
      // address) or a subflow run on its own; their parameters are flow.data.
      const parameters = this.context.flow.data;
      const scope =
        trigger === 'incomingRequest'
          ? { request: { from: env.addresses.flowAddress, to: env.addresses.contactAddress, parameters } }
          : { parent: { parameters } };
      this.context = { ...this.context, trigger: scope };
      this.steps = 1;
      this.lastWidget = triggerName;
      this.repeats = 1;
      this.status = 'running';
      if (this.trace) this.transition(triggerName, choice.event, choice.next);
      this.goto(choice.next, triggerName);
      return;
    }
    const sids = { ...mintTriggerSids(this.sid), ...env.channel };
    this.context = { ...this.context, trigger: triggerScope(choice.model, { body, media, at: this.at }, env.addresses, sids, env.channelType) };
    this.steps = 1;
    this.lastWidget = triggerName;
    this.repeats = 1;
    this.emit({
      type: 'inbound',
      at: this.at,
      widget: triggerName,
      body,
      from: env.addresses.contactAddress,
      to: env.addresses.flowAddress,
      messageSid: sids.messageSid,
      ...(media.length ? { media: [...media] } : {}),
    });
    this.status = 'running';
    if (this.trace) this.transition(triggerName, choice.event, choice.next);
    this.goto(choice.next, triggerName);
  }

  /** Applies a widget's outcome, then keeps running widgets until I/O or the end. */
  apply(widget: string, outcome: WidgetOutcome): void {
    switch (outcome.kind) {
      case 'follow': {
        const state = this.flow.states.get(widget);
        const transition = state?.transitions?.find((t) => t.event === outcome.event);
        if (this.trace) this.transition(widget, outcome.event, transition?.next);
        if (!transition?.next) {
          this.finishAt(widget, `its "${outcome.event}" transition leads nowhere`);
          return;
        }
        this.goto(transition.next, widget);
        return;
      }
      case 'goto':
        if (this.trace) this.transition(widget, outcome.via, outcome.next);
        if (!outcome.next) {
          this.finishAt(widget, `its ${outcome.via} transition leads nowhere`);
          return;
        }
        this.goto(outcome.next, widget);
        return;
      case 'effect':
        this.pending = outcome.pending;
        this.effect = outcome.effect;
        this.status = outcome.pending.kind === 'reply' ? 'waiting-reply' : 'waiting-http';
        return;
      case 'end':
        if (outcome.reason === 'error') this.fail(widget, outcome.message, { local: outcome.local });
        else this.finish(widget, outcome.reason, outcome.message);
        return;
      case 'subflow':
        this.enterSubflow(widget, outcome.flowSid, outcome.parameters);
        return;
    }
  }

  /**
   * run-subflow: the child runs in the same execution (Studio loads its definition into
   * the parent's), with its parameters as flow.data and `trigger.parent.parameters`, its
   * own variables and widgets, the same customer.
   */
  private enterSubflow(widget: string, flowSid: string, parameters: Record<string, string>): void {
    const definition = this.base.env.subflows?.get(flowSid);
    if (!definition) {
      this.fail(widget, `"${widget}" runs the subflow ${flowSid}, which this run has not loaded: pass --subflow ${flowSid}=FILE (its exported definition), or run with --flow so that test-chat reads it from Twilio`, { local: true });
      return;
    }
    const child = compileFlow(definition);
    const choice = chooseTrigger(child, this.model, 'incomingParent');
    if (!choice.ok) {
      // Studio: "the Subflow could not be loaded or executed".
      this.emit({ type: 'subflow', at: this.at, widget, flowSid, phase: 'return', outcome: 'failed', message: choice.message });
      this.apply(widget, { kind: 'follow', event: 'failed' });
      return;
    }
    this.frames = [...this.frames, { flow: this.flow, context: this.context, widget, flowSid }];
    const parent = this.context;
    this.context = {
      trigger: { ...parent.trigger, parent: { parameters } },
      flow: { ...parent.flow, flow_sid: flowSid, variables: {}, data: parameters },
      contact: parent.contact,
      widgets: {},
    };
    this.flow = child;
    this.emit({ type: 'subflow', at: this.at, widget, flowSid, phase: 'start', parameters });
    const triggerName = child.definition.initial_state;
    this.steps++;
    this.lastWidget = triggerName;
    this.repeats = 1;
    if (this.trace) this.transition(triggerName, choice.event, choice.next);
    this.goto(choice.next, triggerName);
  }

  /** The subflow ended: its variables become `widgets.<run-subflow widget>.<key>` in the parent. */
  private leaveSubflow(outcome: 'completed' | 'failed', message: string): void {
    const frame = this.frames[this.frames.length - 1];
    this.frames = this.frames.slice(0, -1);
    const variables = this.context.flow.variables;
    this.flow = frame.flow;
    this.context = frame.context;
    this.setWidget(frame.widget, { ...variables });
    this.pending = undefined;
    this.effect = undefined;
    this.status = 'running';
    this.emit({ type: 'subflow', at: this.at, widget: frame.widget, flowSid: frame.flowSid, phase: 'return', outcome, message });
    this.apply(frame.widget, { kind: 'follow', event: outcome });
  }

  /**
   * Runs widgets from `name` on. Iterative rather than recursive: a flow may loop through
   * hundreds of widgets within one step before a limit stops it.
   */
  goto(first: string, from: string): void {
    let name = first;
    let previous = from;
    const limits = this.base.env.limits;
    for (;;) {
      const state = this.flow.states.get(name);
      if (!state) {
        this.fail(previous, `"${previous}" leads to "${name}", which is not a widget of this flow`);
        return;
      }
      if (this.steps >= limits.maxSteps) {
        this.finish(name, 'limit', `the execution reached Studio's limit of ${limits.maxSteps} steps before "${name}"`);
        return;
      }
      if (name === this.lastWidget && this.repeats >= limits.maxRepeats) {
        this.finish(name, 'limit', `"${name}" ran ${this.repeats} times in a row: Studio stops the execution`);
        return;
      }
      this.steps++;
      this.repeats = name === this.lastWidget ? this.repeats + 1 : 1;
      this.lastWidget = name;
      // Own keys only: a type named `constructor` or `__proto__` is not a handler.
      const handler: ((run: WidgetRun, state: WidgetState) => WidgetOutcome) | undefined = isModelledType(state.type) ? WIDGET_HANDLERS[state.type] : undefined;
      if (!handler) {
        this.fail(name, `widget "${name}" has type "${state.type}", which the local runner does not model`, { local: true, notModelled: state.type });
        return;
      }
      let outcome: WidgetOutcome;
      try {
        outcome = handler(this, state);
      } catch (error) {
        if (error instanceof TemplateError) {
          this.fail(error.widget, error.message, { code: error.code, property: error.property });
          return;
        }
        throw error;
      }
      // Transitions continue the loop here; anything else (I/O, end) stops the step.
      const next = this.nextOf(name, outcome);
      if (next === undefined) {
        this.apply(name, outcome);
        return;
      }
      if (this.trace) this.transition(name, outcome.kind === 'goto' ? outcome.via : (outcome as { event: string }).event, next);
      previous = name;
      name = next;
    }
  }

  private nextOf(widget: string, outcome: WidgetOutcome): string | undefined {
    if (outcome.kind === 'goto') return outcome.next;
    if (outcome.kind !== 'follow') return undefined;
    return this.flow.states.get(widget)?.transitions?.find((t) => t.event === outcome.event)?.next;
  }

  resume(outcome: () => WidgetOutcome, widget: string): void {
    this.pending = undefined;
    this.status = 'running';
    let result: WidgetOutcome;
    try {
      result = outcome();
    } catch (error) {
      if (error instanceof TemplateError) {
        this.fail(error.widget, error.message, { code: error.code, property: error.property });
        return;
      }
      throw error;
    }
    this.apply(widget, result);
  }

  result(): StepResult {
    const state: RunState = {
      flow: this.flow,
      env: this.base.env,
      context: this.context,
      status: this.status,
      model: this.chosenModel,
      pending: this.pending,
      steps: this.steps,
      lastWidget: this.lastWidget,
      repeats: this.repeats,
      end: this.end,
      ...(this.frames.length ? { frames: this.frames } : {}),
      startedAt: this.startedAt,
      handedOverBy: this.handedOverBy,
    };
    return { state, events: this.events, ...(this.effect ? { effect: this.effect } : {}) };
  }
}

/** Thrown when an input does not fit the state (a driver bug, not a flow problem). */
export class StepInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepInputError';
  }
}

export function step(state: RunState, input: StepInput): StepResult {
  const run = new Step(state, input.at);
  const pending = state.pending;
  switch (input.type) {
    case 'start':
      if (state.status !== 'ready') throw new StepInputError(`cannot start: the execution is ${state.status}`);
      run.start(input.body, input.media ?? [], input.trigger);
      break;
    case 'reply':
      if (state.status !== 'waiting-reply' || pending?.kind !== 'reply') {
        throw new StepInputError(`cannot reply: the execution is ${state.status}`);
      }
      if (run.outlived(pending.widget)) break;
      run.resume(() => resumeWithReply(run, pending, input.body, input.media), pending.widget);
      break;
    case 'silence':
      if (state.status !== 'waiting-reply' || pending?.kind !== 'reply') {
        throw new StepInputError(`cannot stay silent: the execution is ${state.status}`);
      }
      // A wait longer than the execution may live never times out: the execution ends first.
      if (run.startedAt !== undefined && pending.timeoutSeconds * 1000 > state.env.limits.maxExecutionMs - (input.at - run.startedAt)) {
        run.finish(pending.widget, 'limit', `"${pending.widget}" waits ${pending.timeoutSeconds} s, longer than the ${Math.round(state.env.limits.maxExecutionMs / 86_400_000)} days an execution lives: Studio ends the execution before the wait times out`);
        break;
      }
      run.resume(() => ({ kind: 'follow', event: 'timeout' }), pending.widget);
      break;
    case 'http-result':
      if (state.status !== 'waiting-http' || (pending?.kind !== 'http' && pending?.kind !== 'function')) {
        throw new StepInputError(`unexpected HTTP result: the execution is ${state.status}`);
      }
      run.resume(() => resumeWithHttpResult(run, pending, input.result), pending.widget);
      break;
  }
  return run.result();
}
