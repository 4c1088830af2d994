import { isBotUrl } from '../cognigy/endpoint';
import type { BotFailureKind } from '../cognigy/errors';
import { normalizeResponse, type BotTurn, type RichContent } from '../cognigy/normalize';
import type { HttpTransport } from '../http/types';
import { FlowSession, parseJsonObject, sidFactory, type PathStep, type Turn } from '../runtime';
import type { FlowEvent, HandoverEvent, HttpEvent, MessageEvent } from '../runtime/events';
import { MESSAGING_TRIGGER_EVENTS, wiredEvents, type OtherStartEvent } from '../runtime/flow';
import type { StubSet } from '../runtime/stubs';
import { parsedBodyOf } from '../runtime/widgets';
import { botFailureOf, callFailureText, sentText } from './bot-call';
import { MEDIA_ON_CONVERSATIONS } from './driver';
import { nameAndSid, type ChannelModel } from '../setup/types';
import { LIQUID_LOOP_LIMIT } from '../studio/templates';
import type { FlowDefinition } from '../studio/types';

/**
 * One simulated customer talking to the flow, as the REPL, one-shot messages and the
 * script runner see it: a transcript of what the customer would receive (`bot`), what
 * they wrote (`user`) and what happened (`system`: hand-over, bot failure, end), built
 * from the interpreter's events. Studio's behaviour after an execution ends is kept: the
 * customer's next message starts a new execution.
 */
export interface TranscriptEntry {
  from: 'customer' | 'bot' | 'system';
  text: string;
  /** Milliseconds since the chat started. */
  at: number;
  widget?: string;
  /** For `system` entries: what happened. */
  kind?: 'handover' | 'bot-failure' | 'call-failure' | 'end' | 'error' | 'rich' | 'new-execution' | 'silence' | 'slow' | 'note' | 'other-recipient' | 'subflow';
  /** For `other-recipient` entries: the address the flow wrote to instead of the customer. */
  to?: string;
  /** For `bot` and `other-recipient` entries: the media Studio sends with the message. */
  mediaUrl?: string;
  /** For `bot` and `other-recipient` entries: the content template Studio sends instead of the body. */
  content?: { sid: string; variables: Record<string, string> };
  /** For `bot` entries: the data of the bot's answer the message came from. */
  data?: Record<string, unknown>;
  /** For `bot` entries: rich content an SMS customer does not see. */
  rich?: RichContent[];
  /** For `bot` entries: the bot's outputs joined into this one message. */
  outputs?: number;
  /** For `system` handover entries. */
  handover?: HandoverSummary;
  /** For `user` entries: media URLs sent with the message. */
  media?: string[];
}

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

/**
 * Something that makes a run worth a non-zero exit: a bot call failed or answered what no
 * Cognigy endpoint answers (diagnosed as the init probe does; the transcript still shows
 * the path Studio takes), one of the flow's own services could not be reached, the flow
 * stopped with an error or a Studio limit, or a hand-over Studio would refuse (attributes
 * that are not JSON or over 1,024 characters, no routing): in Twilio no task would be created.
 */
export interface ChatProblem {
  kind: 'unreachable' | 'flow-error' | 'handover' | 'bot-answer' | 'http-refused' | 'bot-failure';
  /** For `bot-failure`: the init probe's classification. */
  reason?: BotFailureKind;
  widget: string;
  message: string;
  /** What to do about it, when the message alone does not say. */
  hint?: string;
}

export interface ChatTurn {
  entries: TranscriptEntry[];
  /** Wall time of the turn, and of the slowest bot call in it. */
  elapsedMs: number;
  slowestCallMs: number;
  waiting: boolean;
  ended?: { reason: string; message: string };
  handover?: HandoverSummary;
  /** The raw interpreter events, for -l debug and tests. */
  events: FlowEvent[];
  /** The transitions the flow took in this turn (the web view lights them up). */
  path?: PathStep[];
}

export interface ChatOptions {
  http: HttpTransport;
  from?: string;
  to?: string;
  channelModel?: ChannelModel;
  /** The data key that asks for an agent (default `escalation`; dots for nesting). */
  escalationKey?: string;
  /** Warn when one bot call takes longer than this (Studio fails it past 10 s). */
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
  /** Told of each customer turn before and after it runs (the REPL's --record and /save of a script). */
  observer?: ChatObserver;
}

export interface ChatObserver {
  /** The customer's text, or `(silence)`; not called when the flow speaks first (a REST API start). */
  beforeTurn(customer: string, media: readonly string[]): void;
  afterTurn(turn: ChatTurn): void;
}

const DEFAULT_SLOW_CALL_MS = 5_000;

export class ChatSession {
  readonly transcript: TranscriptEntry[] = [];
  readonly problems: ChatProblem[] = [];
  private session?: FlowSession;
  private readonly started: number;
  private readonly now: () => number;
  private lastData: Record<string, unknown> = {};
  /** Top-level keys of each make-http-request widget's last JSON answer, and widgets already warned about. */
  private readonly lastKeys = new Map<string, readonly string[]>();
  private readonly mergeWarned = new Set<string>();
  private escalated?: HandoverSummary;
  private endedWith?: { reason: string; message: string };

  constructor(
    private readonly definition: FlowDefinition,
    private readonly options: ChatOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** The data of the bot's last answer (`/data`). */
  get botData(): Record<string, unknown> {
    return this.lastData;
  }

  get handover(): HandoverSummary | undefined {
    return this.escalated;
  }

  get ended(): { reason: string; message: string } | undefined {
    return this.endedWith;
  }

  /** True once the conversation is with an agent: the bot no longer answers. */
  get withAgent(): boolean {
    return this.escalated !== undefined;
  }

  /** How executions start: with the customer's message, or (REST API, subflow) without one. */
  get startsWithoutMessage(): boolean {
    return this.options.start !== undefined;
  }

  /**
   * A REST API execution (or a subflow run on its own): starts without a customer message,
   * with `--param` as flow.data. Once it ends, a customer message starts a new execution.
   */
  async begin(): Promise<ChatTurn> {
    const t0 = this.now();
    const entries: TranscriptEntry[] = [];
    const start = this.options.start ?? 'incomingRequest';
    const params = Object.entries(this.options.data ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
    this.add(entries, {
      from: 'system',
      kind: 'new-execution',
      text: start === 'incomingRequest' ? `A REST API execution starts (incomingRequest)${params ? ` with flow.data ${params}` : ''}.` : `The subflow runs on its own (incomingParent)${params ? ` with parameters ${params}` : ''}.`,
    });
    this.session = this.newSession(true);
    this.endedWith = undefined;
    return this.observed(this.absorb(await this.session.begin(start), entries, t0));
  }

  /** The customer writes (with media URLs, if any). Starts an execution when none is running. */
  async send(text: string, media: readonly string[] = []): Promise<ChatTurn> {
    const t0 = this.now();
    const entries: TranscriptEntry[] = [];
    this.options.observer?.beforeTurn(text, media);
    this.add(entries, { from: 'customer', text, ...(media.length ? { media: [...media] } : {}) });
    let turn: Turn;
    if (this.session?.waiting) {
      turn = await this.session.reply(text, media);
    } else if (this.options.start && !wiresMessaging(this.definition)) {
      // Studio starts nothing for a message to a flow whose trigger wires no messaging event.
      this.add(entries, { from: 'system', kind: 'note', text: 'No execution is waiting, and the flow\'s trigger wires no messaging event: Studio starts nothing for this message.' });
      return { entries, elapsedMs: this.now() - t0, slowestCallMs: 0, waiting: false, events: [] };
    } else {
      if (this.session) this.add(entries, { from: 'system', kind: 'new-execution', text: 'A new execution starts, as Studio does for the next message after an end.' });
      this.session = this.newSession();
      this.endedWith = undefined;
      turn = await this.session.start(text, media);
    }
    if (media.length && this.session.channelModel === 'conversations') {
      this.add(entries, {
        from: 'system',
        kind: 'note',
        text: `${MEDIA_ON_CONVERSATIONS[0].toUpperCase()}${MEDIA_ON_CONVERSATIONS.slice(1)}.`,
      });
    }
    return this.observed(this.absorb(turn, entries, t0));
  }

  /** The customer stays silent until the wait widget times out. */
  async silence(): Promise<ChatTurn> {
    const t0 = this.now();
    const entries: TranscriptEntry[] = [];
    if (!this.session?.waiting) {
      this.add(entries, { from: 'system', kind: 'silence', text: 'The flow is not waiting for the customer.' });
      return { entries, elapsedMs: 0, slowestCallMs: 0, waiting: false, events: [] };
    }
    this.add(entries, { from: 'system', kind: 'silence', text: 'The customer stays silent: the wait times out.' });
    this.options.observer?.beforeTurn('(silence)', []);
    return this.observed(this.absorb(await this.session.silence(), entries, t0));
  }

  private observed(turn: ChatTurn): ChatTurn {
    this.options.observer?.afterTurn(turn);
    return turn;
  }

  /**
   * One conversation, many executions: the customer's conversation (and so the Cognigy
   * session id the flow derives from it) stays the same when a new execution starts.
   */
  private readonly channel = (() => {
    const sid = sidFactory();
    return { channelSid: sid('CH'), instanceSid: sid('IS'), proxySession: sid('KC') };
  })();

  private newSession(withData = false): FlowSession {
    return new FlowSession(this.definition, {
      http: this.options.http,
      from: this.options.from,
      to: this.options.to,
      channelModel: this.options.channelModel,
      channel: this.channel,
      stubs: this.options.stubs,
      subflows: this.options.subflows,
      functions: this.options.functions,
      ...(withData ? { data: this.options.data ?? {} } : {}),
    });
  }

  private absorb(turn: Turn, entries: TranscriptEntry[], t0: number): ChatTurn {
    let slowest = 0;
    let answer: { data: Record<string, unknown>; rich: RichContent[]; outputs: number } | undefined;
    let handover: HandoverSummary | undefined;
    // Bot answers of this turn, each with whether a message or a hand-over followed it.
    const answers: Array<{ widget: string; body: Record<string, unknown>; turn: BotTurn; sent: boolean }> = [];
    let triedHandover = false;
    const slowCall = this.options.slowCallMs ?? DEFAULT_SLOW_CALL_MS;
    for (const event of turn.events) {
      switch (event.type) {
        case 'http':
        case 'function':
          slowest = Math.max(slowest, event.elapsedMs);
          answer = this.readAnswer(event, entries, answers) ?? answer;
          // Said where it happened; a time-out already says why the call failed.
          if (event.elapsedMs > slowCall && event.failure?.reason !== 'timeout') {
            this.add(entries, {
              from: 'system',
              kind: 'slow',
              widget: event.widget,
              text: `${event.widget} waited ${(event.elapsedMs / 1000).toFixed(1)} s for its answer: Studio fails the widget past 10 s.`,
            });
          }
          break;
        case 'message':
          if (event.failure) {
            this.add(entries, { from: 'system', kind: 'error', widget: event.widget, text: `"${event.widget}" sends nothing: ${event.failure}; the widget takes "failed".` });
            break;
          }
          if (!event.toCustomer) {
            // Studio sends it, but to someone else: never part of what the customer receives.
            this.add(entries, {
              from: 'system',
              kind: 'other-recipient',
              widget: event.widget,
              to: event.to,
              text: `"${event.widget}" sends to ${event.to}, not the customer: ${sentText(event)}`,
              ...outboundExtras(event),
            });
            break;
          }
          for (const a of answers) a.sent = true;
          this.add(entries, {
            from: 'bot',
            text: sentText(event),
            widget: event.widget,
            ...outboundExtras(event),
            ...(answer ? { data: answer.data, outputs: answer.outputs, ...(answer.rich.length ? { rich: answer.rich } : {}) } : {}),
          });
          if (!event.body.trim() && !event.content && !event.mediaUrl) {
            this.add(entries, {
              from: 'system',
              kind: 'note',
              widget: event.widget,
              text: `"${event.widget}" sends an empty message: the channel may reject it, and the customer sees nothing.`,
            });
          }
          if (answer?.rich.length) {
            for (const r of answer.rich) {
              const options = r.options.length ? `: ${r.options.join(' | ')}` : '';
              const listed = r.options.length > 0 && r.options.every((o) => event.body.includes(`- ${o}`));
              const how = listed
                ? 'listed as text above: a Studio message carries only text, on SMS and every other channel'
                : 'an SMS customer receives only the text';
              this.add(entries, { from: 'system', kind: 'rich', text: `The bot also sent ${describeRich(r)}${options} (${how}).` });
            }
            answer = { ...answer, rich: [] };
          }
          break;
        case 'handover':
          // A hand-over was tried (created or refused): the answer's request for an agent was seen.
          triedHandover = true;
          for (const a of answers) a.sent = true;
          for (const message of event.problems) this.problems.push({ kind: 'handover', widget: event.widget, message });
          if (!event.created) {
            this.add(entries, {
              from: 'system',
              kind: 'error',
              widget: event.widget,
              text: `Flex would refuse the task (${event.problems.join('; ')}): the flow takes "failedToEnqueue".`,
            });
            break;
          }
          handover = summarise(event, this.options.names);
          this.escalated = handover;
          this.add(entries, {
            from: 'system',
            kind: 'handover',
            widget: event.widget,
            text: `Handed over to Flex: workflow ${nameAndSid({ sid: event.workflow, name: handover.workflowName })}, task channel ${nameAndSid({ sid: event.channel, name: handover.channelName })}.`,
            handover,
          });
          break;
        case 'variables':
          for (const warning of event.warnings ?? []) this.add(entries, { from: 'system', kind: 'note', widget: event.widget, text: `"${event.widget}": ${warning}.` });
          break;
        case 'error':
          this.add(entries, { from: 'system', kind: 'error', widget: event.widget, text: event.message });
          break;
        case 'subflow':
          this.add(entries, {
            from: 'system',
            kind: 'subflow',
            widget: event.widget,
            text:
              event.phase === 'start'
                ? `"${event.widget}" runs the subflow ${event.flowSid}.`
                : `The subflow ${event.flowSid} ${event.outcome === 'completed' ? 'completed' : `failed (${event.message})`}: "${event.widget}" takes "${event.outcome}".`,
          });
          break;
        case 'end': {
          this.endedWith = { reason: event.reason, message: event.message };
          if (event.reason === 'error' || event.reason === 'limit') this.problems.push({ kind: 'flow-error', widget: event.widget, message: event.message });
          // An error event followed by an end with the same words: say it once.
          const last = entries[entries.length - 1];
          if (event.reason === 'error' && last?.kind === 'error' && last.text === event.message) {
            last.text = `The flow stopped with an error: ${event.message}`;
            break;
          }
          // After a hand-over the flow may go on (callComplete); say how it ended when it did.
          if (event.reason === 'handover' && this.escalated && event.widget !== this.escalated.widget) {
            this.add(entries, { from: 'system', kind: 'end', widget: event.widget, text: `The flow ended after the hand-over: ${event.message}` });
          }
          if (event.reason !== 'handover') this.add(entries, { from: 'system', kind: 'end', widget: event.widget, text: event.reason === 'flow-ended' ? `The flow ended: ${event.message}` : `The flow ended (${event.reason}): ${event.message}` });
          break;
        }
        default:
          break;
      }
    }
    this.checkAnswers(answers, triedHandover, entries);
    return {
      entries,
      elapsedMs: this.now() - t0,
      slowestCallMs: slowest,
      waiting: Boolean(turn.waiting),
      ended: this.endedWith,
      handover,
      events: turn.events,
      path: turn.path,
    };
  }

  /** The bot's answer as Cognigy sent it: data and rich content for display. */
  private readAnswer(
    event: HttpEvent | (FlowEvent & { type: 'function' }),
    entries: TranscriptEntry[],
    answers: Array<{ widget: string; body: Record<string, unknown>; turn: BotTurn; sent: boolean }>,
  ) {
    const failureBranch = event.type === 'function' ? 'fail' : 'failed';
    if (event.outcome === 'failed' && event.failure?.reason === 'refused') {
      // Nothing was sent: the flow itself is wrong for Studio.
      this.problems.push({ kind: 'http-refused', widget: event.widget, message: event.failure.message });
      this.add(entries, { from: 'system', kind: 'call-failure', widget: event.widget, text: `"${event.widget}" sends nothing: ${event.failure.message}.` });
      return undefined;
    }
    const body = parsedBodyOf(event);
    const bot = isBotUrl(event.url, this.options.botEndpoint) || Array.isArray(body?.outputStack);
    if (bot) {
      const failure = botFailureOf(event);
      if (failure) {
        this.problems.push({ kind: 'bot-failure', reason: failure.kind, widget: event.widget, message: failure.message });
        this.add(entries, {
          from: 'system',
          kind: 'bot-failure',
          widget: event.widget,
          text:
            event.outcome === 'failed'
              ? `The call to the bot failed: ${failure.message} The flow takes "${failureBranch}".`
              : `"${event.widget}": ${failure.message} Studio takes "success", with no bot answer in widgets.${event.widget}.parsed.`,
        });
        return undefined;
      }
    } else if (event.outcome === 'failed') {
      if (event.failure?.reason === 'network' || event.failure?.reason === 'invalid-url') {
        this.problems.push({ kind: 'unreachable', widget: event.widget, message: callFailureText(event) });
      }
      this.add(entries, { from: 'system', kind: 'call-failure', widget: event.widget, text: `${callFailureText(event)}: the flow takes "${failureBranch}".` });
      return undefined;
    }
    if (!body) {
      // Studio takes "success" but sets no `parsed`: what reads it renders empty.
      const what = event.responseBody && parseJsonObject(event.responseBody)
        ? `is a JSON object sent as "${event.responseContentType ?? ''}", not application/json`
        : 'is not a JSON object';
      this.add(entries, {
        from: 'system',
        kind: 'note',
        widget: event.widget,
        text: `The answer to "${event.widget}" ${what}, so widgets.${event.widget}.parsed is empty.`,
      });
      return undefined;
    }
    if (event.type === 'http') this.checkMerge(event.widget, Object.keys(body), entries);
    // The flow's own services answer JSON too: only the bot's answer is the bot's data.
    if (!bot) return undefined;
    const turn = normalizeResponse(body, { escalationKey: this.options.escalationKey ?? 'escalation' });
    this.lastData = turn.data;
    answers.push({ widget: event.widget, body: body as Record<string, unknown>, turn, sent: false });
    const rich = turn.outputs.map((o) => o.rich).filter((r): r is RichContent => Boolean(r));
    return { data: turn.data, rich, outputs: turn.outputs.length };
  }

  /**
   * Make HTTP Request's page does not say whether `parsed` is merged across runs of one
   * widget (Run Function's says it is); the run replaces it. When an answer lacks a key
   * the previous one had (a data-only turn without `text`), the two readings differ: say
   * so once per widget, so nobody relies on it unknowingly.
   */
  private checkMerge(widget: string, keys: readonly string[], entries: TranscriptEntry[]): void {
    const previous = this.lastKeys.get(widget);
    this.lastKeys.set(widget, keys);
    if (!previous || this.mergeWarned.has(widget)) return;
    const missing = previous.filter((k) => !keys.includes(k));
    if (!missing.length) return;
    this.mergeWarned.add(widget);
    this.add(entries, {
      from: 'system',
      kind: 'note',
      widget,
      text: `The answer to "${widget}" has no ${missing.map((k) => `"${k}"`).join(', ')}, which its previous answer had: here widgets.${widget}.parsed.${missing[0]} is empty. Studio's documentation does not say whether Make HTTP Request merges parsed across runs (Run Function merges); if it did, the flow would still see the previous value.`,
    });
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
  private checkAnswers(
    answers: Array<{ widget: string; body: Record<string, unknown>; turn: BotTurn; sent: boolean }>,
    handedOver: boolean,
    entries: TranscriptEntry[],
  ): void {
    const key = this.options.escalationKey ?? 'escalation';
    for (const { widget, body, turn, sent } of answers) {
      if (!sent && !handedOver) {
        const rich = turn.outputs.map((o) => o.rich).filter((r): r is RichContent => Boolean(r));
        const why = turn.text.trim()
          ? `its text ("${clip(turn.text)}") is not sent by the flow`
          : rich.length
            ? `it holds only ${rich.map(describeRich).join(', ')}, with no text the flow can send`
            : `it has no text (${turn.outputs.length} output${turn.outputs.length === 1 ? '' : 's'})`;
        this.add(entries, { from: 'system', kind: 'note', widget, text: `"${widget}": this answer sends the customer nothing: ${why}.` });
      }
      if (handedOver) continue;
      const node = turn.outputs.findIndex((o) => handoverNodeStatus(o.data) !== undefined);
      if (node >= 0) {
        const message = `"${widget}": output ${node + 1} comes from Cognigy's Handover to Agent node (status ${handoverNodeStatus(turn.outputs[node].data)}): a REST endpoint is not handover-capable, so no agent is connected.`;
        this.problems.push({ kind: 'bot-answer', widget, message, hint: `Hand over through the flow instead: set "${key}": true in that output's data (the Say node's Data field).` });
        this.add(entries, { from: 'system', kind: 'note', widget, text: message });
      }
      if (!turn.escalation) continue;
      const where = turn.escalation.outputIndex === null ? 'the top-level data' : `output ${turn.escalation.outputIndex + 1}`;
      const stack = Array.isArray(body.outputStack) ? body.outputStack : [];
      const entry = turn.escalation.outputIndex === null ? undefined : stack[turn.escalation.outputIndex];
      const why =
        typeof (entry as any)?.data === 'string' || (turn.escalation.outputIndex === null && typeof body.data === 'string')
          ? 'in data sent as a JSON string, which Studio does not parse'
          : turn.escalation.outputIndex !== null && turn.escalation.outputIndex >= LIQUID_LOOP_LIMIT
            ? `past the first ${LIQUID_LOOP_LIMIT} outputs, which is all a Studio Liquid loop reads`
            : 'where the flow does not look for it';
      const message = `"${widget}": the bot asked for an agent (${key}) ${why} (${where}), so the flow did not hand over.`;
      const hint = why.startsWith('in data')
        ? "Make the bot send data as a JSON object (in Cognigy, the Say node's Data field), not as a string."
        : `Put "${key}": true in one of the first ${LIQUID_LOOP_LIMIT} outputs' data, or rebuild the flow with link-flow.`;
      this.problems.push({ kind: 'bot-answer', widget, message, hint });
      this.add(entries, { from: 'system', kind: 'note', widget, text: message });
    }
  }

  private add(entries: TranscriptEntry[], entry: Omit<TranscriptEntry, 'at'>): void {
    const full = { at: Math.round(this.now() - this.started), ...entry } as TranscriptEntry;
    entries.push(full);
    this.transcript.push(full);
  }
}

/**
 * The Handover Status Cognigy's Handover to Agent node exposes (`{handover: {status, error:
 * {reason}}}`, reason "unsupported" where the channel cannot hand over), if an output's data
 * carries it. Cognigy documents the object, not how a REST answer carries it: assumed.
 */
function handoverNodeStatus(data: Record<string, unknown>): string | undefined {
  const handover = data.handover;
  if (!handover || typeof handover !== 'object' || Array.isArray(handover)) return undefined;
  const { status, error } = handover as { status?: unknown; error?: { reason?: unknown } };
  if (typeof status !== 'string') return undefined;
  const reason = error && typeof error === 'object' && typeof error.reason === 'string' ? `, reason "${error.reason}"` : '';
  return `"${status}"${reason}`;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function wiresMessaging(definition: FlowDefinition): boolean {
  const wired = wiredEvents(definition);
  return Object.values(MESSAGING_TRIGGER_EVENTS).some((e) => wired.has(e));
}

function outboundExtras(event: MessageEvent): Pick<TranscriptEntry, 'mediaUrl' | 'content'> {
  return { ...(event.mediaUrl ? { mediaUrl: event.mediaUrl } : {}), ...(event.content ? { content: event.content } : {}) };
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

function describeRich(r: RichContent): string {
  const names: Record<string, string> = {
    quickReplies: 'quick replies',
    buttons: 'buttons',
    gallery: 'a gallery',
    list: 'a list',
    image: 'an image',
    audio: 'audio',
    video: 'a video',
    adaptiveCard: 'an adaptive card',
  };
  return names[r.kind] ?? r.kind;
}
