/**
 * What a simulated execution reports. Every event is plain data (JSON-serialisable) so the
 * REPL, the script runner, reporters and benchmarks can print, assert on or store it.
 * `at` is the injected clock's `now()` when the event was produced.
 */

import type { ConditionNote } from './conditions';

interface EventBase {
  at: number;
  /** The widget (state name) that produced the event. */
  widget: string;
}

/** A customer message the flow received (the trigger's message or a reply). */
export interface InboundEvent extends EventBase {
  type: 'inbound';
  body: string;
  from: string;
  to: string;
  messageSid: string;
  /** Media URLs the customer sent with it. */
  media?: string[];
}

/**
 * A message the flow sends (send-message or send-and-wait-for-reply): to the customer, or
 * (`toCustomer` false) to another address, which the customer never sees.
 */
export interface MessageEvent extends EventBase {
  type: 'message';
  /** As rendered; for a content template Studio sends the template, not this body. */
  body: string;
  from: string;
  to: string;
  messageSid: string;
  toCustomer: boolean;
  /** `media_url` as rendered, when it renders to something. */
  mediaUrl?: string;
  /** `message_type: content_template`: what Studio sends instead of `body`. */
  content?: { sid: string; variables: Record<string, string> };
  /** Set when Studio could not send it (no recipient): the widget takes `failed`. */
  failure?: string;
}

/** The execution now waits for the customer (send-and-wait-for-reply). */
export interface WaitEvent extends EventBase {
  type: 'wait';
  timeoutSeconds: number;
}

/** set-variables: only the keys this widget set, with their values (text, number or parsed JSON). */
export interface VariablesEvent extends EventBase {
  type: 'variables';
  changed: Record<string, unknown>;
  /** A value marked "parse as JSON object" that did not parse. */
  warnings?: string[];
}

/** Why an HTTP call (make-http-request or run-function) took its failure branch. */
export type HttpFailureReason =
  | 'status' // a non-2xx answer
  | 'timeout' // no complete answer within the budget (10 s)
  | 'too-large' // body over the limit (64 kB)
  | 'network' // connection refused, reset, DNS…
  | 'invalid-url'
  | 'refused'; // Studio sends nothing (a reserved parameter name, add_twilio_auth off Twilio)

export interface HttpCallDetails {
  method: 'GET' | 'POST';
  /** As rendered: may hold a secret, the caller redacts before showing it. */
  url: string;
  /** Request content type, absent for a GET without body. */
  contentType?: string;
  requestBody?: string;
  /** Absent when no answer arrived (time-out, network error). */
  status?: number;
  responseContentType?: string;
  responseBody?: string;
  elapsedMs: number;
  outcome: 'success' | 'failed';
  failure?: { reason: HttpFailureReason; message: string; code?: number };
  /** The stub that answered instead of the network (`file stubs[i]`). */
  stub?: string;
}

export interface HttpEvent extends EventBase, HttpCallDetails {
  type: 'http';
}

/** run-function: a POST to the function's URL; Studio names its failure branch `fail`. */
export interface FunctionEvent extends EventBase, HttpCallDetails {
  type: 'function';
}

export interface ConditionResult {
  friendlyName: string;
  type: string;
  /** The condition's value as rendered. */
  value: string;
  holds: boolean;
  /** Why it cannot hold (a side that is not a number, a bad regex…), as data. */
  note?: ConditionNote;
}

/** split-based-on: the input as rendered, what matched and why. */
export interface SplitEvent extends EventBase {
  type: 'split';
  input: string;
  /** The `match` transition that won, or null for `noMatch`. */
  matched: { index: number; conditions: ConditionResult[] } | null;
  /** Every condition checked until a transition matched, in order. */
  checked: ConditionResult[];
  next?: string;
}

/** send-to-flex: the hand-over to an agent. */
export interface HandoverEvent extends EventBase {
  type: 'handover';
  workflow: string;
  channel: string;
  /** The rendered attributes parsed as JSON, or undefined when they are not valid JSON. */
  attributes?: unknown;
  attributesRaw: string;
  /** False when TaskRouter would refuse the task: the flow takes `failedToEnqueue`. */
  created: boolean;
  /** The task's SID, when it was created. */
  taskSid?: string;
  priority?: string;
  /** Seconds, as rendered (Studio's default 3600 when the widget sets none). */
  timeout: string;
  /** Why TaskRouter would refuse the task (invalid JSON, over 1,024 characters, no workflow…). */
  problems: string[];
}

/**
 * Why the execution ended: a transition without `next`, the hand-over to Flex, a Studio
 * limit (1,000 steps, a widget 10 times in a row), or an error (unknown widget type,
 * template error 81018, missing state).
 */
export type EndReason = 'flow-ended' | 'handover' | 'limit' | 'error';

export interface EndEvent extends EventBase {
  type: 'end';
  reason: EndReason;
  message: string;
}

export interface ErrorEvent extends EventBase {
  type: 'error';
  /** Twilio's error code when there is one (81018: Liquid template error). */
  code?: number;
  property?: string;
  message: string;
  /** Set when the widget's type is one the local runner does not model (the type). */
  notModelled?: string;
}

/** run-subflow: the child flow starts, or hands back to its parent (`completed`/`failed`). */
export interface SubflowEvent extends EventBase {
  type: 'subflow';
  flowSid: string;
  phase: 'start' | 'return';
  parameters?: Record<string, string>;
  outcome?: 'completed' | 'failed';
  message?: string;
}

/**
 * A transition Studio takes from `widget` (the trigger's start event included), emitted
 * only when the run is traced (`trace`: a watched conversation, never a scripted suite).
 */
export interface TransitionEvent extends EventBase {
  type: 'transition';
  /** The transition's event: `incomingMessage`, `success`, `failed`, `match #2`, `noMatch`… */
  event: string;
  /** Absent when the transition leads nowhere. */
  next?: string;
}

export type FlowEvent =
  | InboundEvent
  | TransitionEvent
  | SubflowEvent
  | MessageEvent
  | WaitEvent
  | VariablesEvent
  | HttpEvent
  | FunctionEvent
  | SplitEvent
  | HandoverEvent
  | EndEvent
  | ErrorEvent;

export type FlowEventType = FlowEvent['type'];
