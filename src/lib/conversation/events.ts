/**
 * What a conversation reports while it runs: one typed event stream that the transcript,
 * the REPL, `-m`, the web view (and anyone else) subscribe to, as XState actors do
 * (`conversation.subscribe({ 'call-started': (e) => …, message: (e) => … })`).
 *
 * Events are plain data (JSON-serialisable, no English except the interpreter's and the
 * bot's own messages): printers and views render them. `at` is milliseconds since the
 * conversation started, on its clock. A conversation with no subscriber builds none of
 * them (the script runner pays nothing for them).
 *
 * Order within a turn: `turn-started`, then (when one starts) `execution-started`, then for
 * each step of the interpreter its `flow-event`s in order, each followed by what it means
 * (`widget-left`/`widget-entered`, `call-ended`, `message`, `handover`, `note`, `problem`,
 * `execution-ended`), `call-started` just before the interpreter waits on an HTTP call,
 * and last `turn-ended`.
 */
import type { BotFailure, BotFailureKind } from '../cognigy/errors';
import type { BotTurn, RichContent } from '../cognigy/normalize';
import type { EndReason, FlowEvent, FunctionEvent, HttpEvent, HttpFailureReason } from '../runtime/events';
import type { OtherStartEvent } from '../runtime/flow';
import type { ReplayFailure } from './types';

interface ConversationEventBase {
  /** Milliseconds since the conversation started. */
  at: number;
}

/** What the customer did to start a turn, or how an execution without a customer message starts. */
export type TurnInput =
  | { kind: 'message'; text: string; media: readonly string[] }
  | { kind: 'silence' }
  /** A REST API execution (`incomingRequest`) or a subflow on its own (`incomingParent`), with flow.data. */
  | { kind: 'begin'; trigger: OtherStartEvent; data: Readonly<Record<string, string>> };

export interface TurnStartedEvent extends ConversationEventBase {
  type: 'turn-started';
  /** 1 for the first turn of the conversation. */
  turn: number;
  input: TurnInput;
}

/**
 * A new execution of the flow: the conversation's first, or (`restart`) the next customer
 * message after an execution ended, as Studio does. The customer's conversation (and so the
 * Cognigy session) stays the same across executions.
 */
export interface ExecutionStartedEvent extends ConversationEventBase {
  type: 'execution-started';
  /** 1 for the conversation's first execution. */
  execution: number;
  trigger: 'message' | OtherStartEvent;
  restart: boolean;
  /** flow.data of a REST API or subflow start (`--param`). */
  data?: Readonly<Record<string, string>>;
}

/** Studio's transition from one widget to the next (the trigger's start event included). */
export interface WidgetLeftEvent extends ConversationEventBase {
  type: 'widget-left';
  widget: string;
  /** The transition taken: `incomingMessage`, `success`, `failed`, `timeout`, `match #2`, `noMatch`… */
  via: string;
  /** Absent when the transition leads nowhere: the execution ends there. */
  next?: string;
}

export interface WidgetEnteredEvent extends ConversationEventBase {
  type: 'widget-entered';
  widget: string;
  /** The widget's Studio type (`make-http-request`…); `unknown` when the flow has no such widget. */
  widgetType: string;
  from: string;
  via: string;
}

/** The flow calls a URL (make-http-request or run-function) and waits for the answer. */
export interface CallStartedEvent extends ConversationEventBase {
  type: 'call-started';
  widget: string;
  kind: 'http' | 'function';
  /** A call to the Cognigy endpoint (or one answered as Cognigy answers): "calling the bot". */
  bot: boolean;
  method: 'GET' | 'POST';
  /** `host[:port]` only: the URL itself may hold a token. */
  host: string;
  /** Studio fails the widget past this many milliseconds (10 s). */
  budgetMs: number;
}

/** A make-http-request or run-function call of the flow, read once for every view. */
export interface CallReading {
  event: HttpEvent | FunctionEvent;
  /** A call to the Cognigy endpoint, or answered with Cognigy's shape. */
  bot: boolean;
  /** `parsed` of a successful call, when the answer is a JSON object. */
  body?: Readonly<Record<string, unknown>>;
  /** A successful bot call's answer, normalised. */
  answer?: BotTurn;
  /** A bot call that failed, or answered what no Cognigy endpoint answers. */
  failure?: BotFailure;
}

/** What a bot call brought back, read once for every view (the transcript, the script matcher, the web view). */
export interface BotAnswer {
  /** The answer normalised (outputs, joined text, merged data, the request for an agent). */
  turn: BotTurn;
  /** Rich content (quick replies, gallery…) of the outputs, in order. */
  rich: RichContent[];
}

export interface CallEndedEvent extends ConversationEventBase {
  type: 'call-ended';
  widget: string;
  kind: 'http' | 'function';
  bot: boolean;
  host: string;
  elapsedMs: number;
  budgetMs: number;
  /** The transition the widget takes: `success`, or `failed` (`fail` for run-function). */
  outcome: 'success' | 'failed';
  status?: number;
  failure?: { reason: HttpFailureReason; message: string };
  /** The stub that answered instead of the network. */
  stub?: string;
  /** A bot call: the bot's answer when it gave a usable one. */
  answer?: BotAnswer;
  /** A bot call that failed, or answered what no Cognigy endpoint answers (the init probe's diagnosis). */
  botFailure?: { kind: BotFailureKind; message: string };
}

/** A message the flow sent: to the customer, or (`toCustomer` false) to another address. */
export interface MessageSentEvent extends ConversationEventBase {
  type: 'message';
  widget: string;
  from: string;
  to: string;
  toCustomer: boolean;
  /** What the recipient gets, as text (a content template as `[content template HX… with …]`). */
  text: string;
  mediaUrl?: string;
  content?: { sid: string; variables: Record<string, string> };
  /** The bot's answer the message came from (the last bot answer of the turn), if any. */
  answer?: BotAnswer;
  /** Studio could not send it (no recipient): the widget takes `failed`. */
  failure?: string;
}

/** What Flex would receive from a send-to-flex widget. */
export interface HandoverSummary {
  widget: string;
  workflow: string;
  channel: string;
  /** Names the setup knows for the workflow and the task channel, for people to read. */
  workflowName?: string;
  channelName?: string;
  taskSid: string;
  attributes?: unknown;
  attributesRaw: string;
  problems: string[];
}

/** send-to-flex ran: the task Flex would create, or (`created` false) why TaskRouter would refuse it. */
export interface HandoverAttemptEvent extends ConversationEventBase {
  type: 'handover';
  widget: string;
  created: boolean;
  handover: HandoverSummary;
}

export interface ExecutionEndedEvent extends ConversationEventBase {
  type: 'execution-ended';
  execution: number;
  widget: string;
  reason: EndReason;
  /** The interpreter's words for why. */
  message: string;
  /** After a hand-over, the widget that handed over (the flow may end elsewhere later). */
  handedOverBy?: string;
}

/**
 * Something that makes a run worth a non-zero exit (see ChatProblem): a failed or odd bot
 * call, an unreachable service, a flow error or Studio limit, a widget type not modelled,
 * a hand-over Flex would refuse.
 */
export interface ProblemEvent extends ConversationEventBase {
  type: 'problem';
  problem: ChatProblem;
}

/** Codes of ChatProblem: what kind of thing went wrong. */
export type ChatProblemKind = 'unreachable' | 'flow-error' | 'not-modelled' | 'handover' | 'bot-answer' | 'http-refused' | 'bot-failure';

/**
 * What is wrong with a bot answer the flow took (a `bot-answer` problem and its note), as
 * data: printers/transcript.ts says it (`answerProblemText`).
 */
export type AnswerProblem =
  /** Output `output` (1-based) comes from Cognigy's Handover to Agent node (its `status`, `reason`): a REST endpoint connects no agent. */
  | { code: 'handover-node'; output: number; status: string; reason?: string; key: string }
  /**
   * The bot asked for an agent (`key`) where the flow does not find it: in data sent as a JSON
   * string, past the `limit` outputs a Studio Liquid loop reads, or elsewhere; `output`
   * (1-based) or null for the top-level data.
   */
  | { code: 'escalation-missed'; key: string; output: number | null; why: 'json-string' | 'past-loop-limit' | 'elsewhere'; limit: number };

export interface ChatProblem {
  kind: ChatProblemKind;
  /** For `bot-answer`: what is wrong with the answer, as data (then `message` and `hint` are the printer's). */
  answer?: AnswerProblem;
  /** For `bot-answer`: the replayed turn failed (`--replay`), as data (then `message` is the printer's). */
  replay?: ReplayFailure;
  /** For `bot-failure`: the init probe's classification. */
  reason?: BotFailureKind;
  /** For `flow-error`: Twilio's error code when there is one (81018: a Liquid template error). */
  code?: number;
  widget: string;
  /** One line for stderr (an error message); absent when `answer` or `replay` holds the data. */
  message?: string;
  /** What to do about it, when the message alone does not say. */
  hint?: string;
}

/**
 * What a person watching the conversation should know beside the messages: data for a
 * printer to put in words (src/printers/transcript.ts), never words.
 */
export type ConversationNote =
  /** A call took longer than the slow-call threshold (Studio fails it past 10 s). */
  | { code: 'slow-call'; widget: string; elapsedMs: number; budgetMs: number }
  /** A message widget could not send (no recipient): it takes `failed`. */
  | { code: 'send-failed'; widget: string; failure: string }
  /** The flow sent a message with no body, media or template. */
  | { code: 'empty-message'; widget: string }
  /** Rich content of the bot's answer: `listed` when the flow wrote its choices as `- option` lines. */
  | { code: 'rich-content'; widget: string; rich: RichContent; listed: boolean }
  /** TaskRouter would refuse the task: the flow takes `failedToEnqueue`. */
  | { code: 'handover-refused'; widget: string; problems: string[] }
  /** A set-variables value marked JSON that does not parse. */
  | { code: 'variables-warning'; widget: string; warning: string }
  /** The interpreter's error event (a Liquid error, a missing widget…); `stopped` once the execution stopped on it. */
  | { code: 'flow-error'; widget: string; message: string; errorCode?: number; stopped: boolean }
  | { code: 'subflow-started'; widget: string; flowSid: string }
  | { code: 'subflow-returned'; widget: string; flowSid: string; outcome: 'completed' | 'failed'; message?: string }
  /** Nothing was sent: the flow itself is wrong for Studio (a reserved parameter name…). */
  | { code: 'call-refused'; widget: string; message: string }
  /** A bot call failed (`failed` true: the widget takes its failure branch) or answered what Cognigy does not. */
  | { code: 'bot-failure'; widget: string; message: string; failed: boolean; branch: string }
  /** A call to one of the flow's own services failed. */
  | { code: 'call-failed'; widget: string; host: string; status?: number; failure?: string; branch: string }
  /** The answer is no JSON object, or JSON under another content type: `parsed` stays empty. */
  | { code: 'not-json'; widget: string; contentType?: string; jsonObject: boolean }
  /** An answer lacks keys the widget's previous answer had (Studio may or may not merge `parsed`). */
  | { code: 'parsed-keys-missing'; widget: string; missing: string[] }
  /** A bot answer that led to no message and no hand-over. */
  | { code: 'answer-not-sent'; widget: string; text: string; rich: RichContent[]; outputs: number }
  /** Cognigy's Handover to Agent node answered (a REST endpoint cannot hand over). */
  | { code: 'handover-node'; widget: string; answer: AnswerProblem }
  /** The bot asked for an agent where the flow does not look for it. */
  | { code: 'escalation-missed'; widget: string; answer: AnswerProblem }
  /** Media sent to a Flex Conversations flow: not exposed to the flow locally. */
  | { code: 'media-on-conversations' }
  /** A customer message to a flow whose trigger wires no messaging event: Studio starts nothing. */
  | { code: 'no-messaging-trigger' }
  /** `/silence` while nothing waits for the customer. */
  | { code: 'not-waiting' }
  /** The customer stays silent: the wait times out. */
  | { code: 'silence' }
  /** The execution ended later than the hand-over, elsewhere. */
  | { code: 'ended-after-handover'; widget: string; message: string };

export type ConversationNoteCode = ConversationNote['code'];

export interface NoteEvent extends ConversationEventBase {
  type: 'note';
  note: ConversationNote;
}

/** Every event of the interpreter as it happens, for inspectors, `-l debug` and the REPL's recorder. */
export interface FlowStepEvent extends ConversationEventBase {
  type: 'flow-event';
  event: FlowEvent;
  /** For a make-http-request or run-function event: how the conversation read the call (what `ConversationTurn.calls` holds). */
  call?: CallReading;
}

export interface TurnEndedEvent extends ConversationEventBase {
  type: 'turn-ended';
  turn: number;
  /** Wall time of the turn, and of its slowest call. */
  elapsedMs: number;
  slowestCallMs: number;
  /** Set when the execution now waits for the customer. */
  waiting?: { widget: string; timeoutSeconds: number };
  /** Set when the execution ended during this turn. */
  ended?: { reason: EndReason; message: string };
  /** Set when the turn stopped on an error of the local run (not of the flow): it is thrown to the caller too. */
  error?: { message: string };
}

export type ConversationEvent =
  | TurnStartedEvent
  | ExecutionStartedEvent
  | FlowStepEvent
  | WidgetLeftEvent
  | WidgetEnteredEvent
  | CallStartedEvent
  | CallEndedEvent
  | MessageSentEvent
  | HandoverAttemptEvent
  | NoteEvent
  | ProblemEvent
  | ExecutionEndedEvent
  | TurnEndedEvent;

export type ConversationEventType = ConversationEvent['type'];

/** One handler per event type, each optional; or one function for every event. */
export type ConversationObserver =
  | { [K in ConversationEventType]?: (event: Extract<ConversationEvent, { type: K }>) => void }
  | ((event: ConversationEvent) => void);

export interface Subscription {
  unsubscribe(): void;
}
