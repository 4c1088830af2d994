import type { RichContent } from '../cognigy/normalize';
import type { FlowEvent } from '../runtime/events';
import type { FlowDefinition } from '../domain/flow';
import { ConversationActor, type CallReading, type ConversationOptions, type ConversationTurn } from './conversation';
import type { ChatProblem, ConversationNote, HandoverSummary, MessageSentEvent } from './events';

export type { ChatProblem, HandoverSummary } from './events';

/**
 * The transcript: one view of a conversation's event stream (./conversation.ts), as the
 * REPL and one-shot messages show it. What the customer would receive (`bot`), what they
 * wrote (`customer`) and what happened (`system`), each as data: a system entry's `note`
 * says what happened and printers (src/printers/transcript.ts) put it in words.
 */
export type TranscriptEntry = CustomerEntry | BotEntry | SystemEntry;

interface EntryBase {
  /** Milliseconds since the chat started. */
  at: number;
}

export interface CustomerEntry extends EntryBase {
  from: 'customer';
  text: string;
  /** Media URLs sent with the message. */
  media?: string[];
}

export interface BotEntry extends EntryBase {
  from: 'bot';
  /** What the customer receives, as text (a content template as `[content template …]`). */
  text: string;
  widget: string;
  /** The media Studio sends with the message. */
  mediaUrl?: string;
  /** The content template Studio sends instead of the body. */
  content?: { sid: string; variables: Record<string, string> };
  /** The data of the bot's answer the message came from. */
  data?: Record<string, unknown>;
  /** Rich content an SMS customer does not see. */
  rich?: RichContent[];
  /** The bot's outputs joined into this one message. */
  outputs?: number;
}

/** What a system entry says, as data. */
export type TranscriptNote =
  | ConversationNote
  /** A REST API or subflow start, or the next message after an end. */
  | { code: 'new-execution'; trigger: 'message' | 'incomingRequest' | 'incomingParent'; data?: Readonly<Record<string, string>> }
  /** A message the flow sends to someone else: never part of what the customer receives. */
  | { code: 'other-recipient'; widget: string; to: string; text: string }
  | { code: 'handover'; widget: string; handover: HandoverSummary }
  | { code: 'ended'; widget: string; reason: string; message: string };

export type SystemEntryKind =
  | 'handover'
  | 'bot-failure'
  | 'call-failure'
  | 'end'
  | 'error'
  | 'rich'
  | 'new-execution'
  | 'silence'
  | 'slow'
  | 'note'
  | 'other-recipient'
  | 'subflow';

export interface SystemEntry extends EntryBase {
  from: 'system';
  kind: SystemEntryKind;
  note: TranscriptNote;
  widget?: string;
  /** For `other-recipient` entries: the address the flow wrote to instead of the customer. */
  to?: string;
  mediaUrl?: string;
  content?: { sid: string; variables: Record<string, string> };
  handover?: HandoverSummary;
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
  /** The turn's calls as the conversation read them (in the order of `events`). */
  calls: CallReading[];
}

export type ChatOptions = Omit<ConversationOptions, 'ids'>;

/** The entry kind each note is shown as (the `kind` of -o json). */
const KIND: Record<TranscriptNote['code'], SystemEntryKind> = {
  'slow-call': 'slow',
  'send-failed': 'error',
  'empty-message': 'note',
  'rich-content': 'rich',
  'handover-refused': 'error',
  'variables-warning': 'note',
  'flow-error': 'error',
  'subflow-started': 'subflow',
  'subflow-returned': 'subflow',
  'call-refused': 'call-failure',
  'bot-failure': 'bot-failure',
  'call-failed': 'call-failure',
  'not-json': 'note',
  'parsed-keys-missing': 'note',
  'answer-not-sent': 'note',
  'handover-node': 'note',
  'escalation-missed': 'note',
  'media-on-conversations': 'note',
  'no-messaging-trigger': 'note',
  'not-waiting': 'silence',
  silence: 'silence',
  'ended-after-handover': 'end',
  'new-execution': 'new-execution',
  'other-recipient': 'other-recipient',
  handover: 'handover',
  ended: 'end',
};

/**
 * One simulated customer talking to the flow, as the REPL and one-shot messages see it:
 * the conversation (`conversation`, which others may subscribe to as well) and the
 * transcript built from its events, with the problems that make a run fail.
 */
export class ChatSession {
  readonly transcript: TranscriptEntry[] = [];
  readonly problems: ChatProblem[] = [];
  readonly conversation: ConversationActor;
  /** The entries of the turn running now. */
  private entries: TranscriptEntry[] = [];
  private turnHandover?: HandoverSummary;

  constructor(definition: FlowDefinition, options: ChatOptions) {
    this.conversation = new ConversationActor(definition, options);
    this.conversation.subscribe({
      'turn-started': (e) => {
        if (e.input.kind === 'message') this.add(e.at, { from: 'customer', text: e.input.text, ...(e.input.media.length ? { media: [...e.input.media] } : {}) });
        else if (e.input.kind === 'silence') this.system(e.at, { code: 'silence' });
      },
      'execution-started': (e) => {
        if (e.trigger !== 'message') this.system(e.at, { code: 'new-execution', trigger: e.trigger, ...(e.data ? { data: e.data } : {}) });
        else if (e.restart) this.system(e.at, { code: 'new-execution', trigger: 'message' });
      },
      message: (e) => this.message(e),
      handover: (e) => {
        if (!e.created) return;
        this.turnHandover = e.handover;
        this.system(e.at, { code: 'handover', widget: e.widget, handover: e.handover }, { handover: e.handover });
      },
      note: (e) => this.system(e.at, e.note),
      problem: (e) => void this.problems.push(e.problem),
      'execution-ended': (e) => {
        if (e.reason === 'handover') return;
        // An error event followed by an end with the same words: say it once.
        const last = this.entries[this.entries.length - 1];
        if (e.reason === 'error' && last?.from === 'system' && last.note.code === 'flow-error' && last.note.message === e.message) {
          last.note = { ...last.note, stopped: true };
          return;
        }
        this.system(e.at, { code: 'ended', widget: e.widget, reason: e.reason, message: e.message });
      },
    });
  }

  /** The data of the bot's last answer (`/data`). */
  get botData(): Record<string, unknown> {
    return this.conversation.botData;
  }

  get handover(): HandoverSummary | undefined {
    return this.conversation.handover;
  }

  get ended(): { reason: string; message: string } | undefined {
    const end = this.conversation.ended;
    return end && { reason: end.reason, message: end.message };
  }

  /** True once the conversation is with an agent: the bot no longer answers. */
  get withAgent(): boolean {
    return this.conversation.handover !== undefined;
  }

  /** How executions start: with the customer's message, or (REST API, subflow) without one. */
  get startsWithoutMessage(): boolean {
    return this.conversation.startsWithoutMessage;
  }

  /**
   * A REST API execution (or a subflow run on its own): starts without a customer message,
   * with `--param` as flow.data. Once it ends, a customer message starts a new execution.
   */
  async begin(): Promise<ChatTurn> {
    return this.turnOf(await this.run(() => this.conversation.begin()));
  }

  /** The customer writes (with media URLs, if any). Starts an execution when none is running. */
  async send(text: string, media: readonly string[] = []): Promise<ChatTurn> {
    return this.turnOf(await this.run(() => this.conversation.send(text, media)));
  }

  /** The customer stays silent until the wait widget times out. */
  async silence(): Promise<ChatTurn> {
    return this.turnOf(await this.run(() => this.conversation.silence()));
  }

  private async run(work: () => Promise<ConversationTurn>): Promise<ConversationTurn> {
    // The conversation refuses a second turn while one runs: leave that turn's entries alone.
    if (this.conversation.busy) return work();
    this.entries = [];
    this.turnHandover = undefined;
    return work();
  }

  private turnOf(turn: ConversationTurn): ChatTurn {
    const ended = this.ended;
    return {
      entries: this.entries,
      elapsedMs: turn.elapsedMs,
      slowestCallMs: turn.slowestCallMs,
      waiting: Boolean(turn.waiting),
      ...(ended && !turn.idle ? { ended } : {}),
      ...(this.turnHandover ? { handover: this.turnHandover } : {}),
      events: turn.events,
      calls: turn.calls,
    };
  }

  private message(e: MessageSentEvent): void {
    if (e.failure) return; // the send-failed note says it
    const extras = { ...(e.mediaUrl ? { mediaUrl: e.mediaUrl } : {}), ...(e.content ? { content: e.content } : {}) };
    if (!e.toCustomer) {
      this.system(e.at, { code: 'other-recipient', widget: e.widget, to: e.to, text: e.text }, { to: e.to, ...extras });
      return;
    }
    const answer = e.answer;
    this.add(e.at, {
      from: 'bot',
      text: e.text,
      widget: e.widget,
      ...extras,
      ...(answer ? { data: answer.turn.data, outputs: answer.turn.outputs.length, ...(answer.rich.length ? { rich: answer.rich } : {}) } : {}),
    });
  }

  private system(at: number, note: TranscriptNote, extra: Partial<SystemEntry> = {}): void {
    // Rich content belongs to the message above it, not to a widget of its own.
    const widget = 'widget' in note && note.code !== 'rich-content' ? note.widget : undefined;
    this.add(at, { from: 'system', kind: KIND[note.code], ...(widget ? { widget } : {}), ...extra, note } as SystemEntry);
  }

  private add(at: number, entry: Omit<CustomerEntry, 'at'> | Omit<BotEntry, 'at'> | Omit<SystemEntry, 'at'>): void {
    const full = { at, ...entry } as TranscriptEntry;
    this.entries.push(full);
    this.transcript.push(full);
  }
}
