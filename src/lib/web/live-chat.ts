import * as path from 'node:path';
import type { ChatSession, ChatTurn } from '../conversation/chat';
import { pathReader, transitionId, transitionOf, type PathStep } from '../conversation/coverage';
import type { ConversationEvent, Subscription } from '../conversation/events';
import type { PreparedChat } from '../conversation/prepared';
import type { ReplSessions } from '../conversation/repl-record';
import { UsageError } from '../errors';
import { redactDeep, redactUrl } from '../redact';
import type { ConditionResult, FlowEvent } from '../runtime/events';
import { replView } from '../../printers/repl';
import { transcriptJson } from '../../printers/transcript';

/**
 * The conversation the web view shows: the REPL's chat (same sessions, same /save), its
 * turns one at a time, each told to every subscriber as plain, redacted data. Nothing
 * that leaves here holds a secret: every view passes through `redactDeep`.
 */
export interface TurnView {
  n: number;
  /** What the customer did: their text, `(silence)`, or null when the flow spoke first. */
  customer: string | null;
  /** The transcript entries of the turn, each with its words (as -o json writes them). */
  entries: Array<Record<string, unknown>>;
  path: PathStep[];
  /** The HTTP and Function calls of the turn, URLs redacted. */
  calls: CallView[];
  /** flow.variables after the turn. */
  variables: Record<string, unknown>;
  handover?: NonNullable<ChatTurn['handover']> & { created: boolean };
  /** The widget the execution waits at, or where it ended. */
  at?: { widget: string; state: 'waiting' | 'ended'; reason?: string };
  /** Widgets that failed in this turn (an error, or a type the run does not model). */
  failed: string[];
  /** Each split of the turn: its input, every condition checked and its verdict (data: the page words it), where it went. */
  splits: SplitView[];
  elapsedMs: number;
  slowestCallMs: number;
}

export interface SplitView {
  widget: string;
  input: string;
  /** The index of the `match` transition taken, or null for noMatch. */
  matched: number | null;
  checked: ConditionResult[];
  next?: string;
}

export interface CallView {
  widget: string;
  type: 'http' | 'function';
  method: string;
  url: string;
  contentType?: string;
  requestBody?: string;
  status?: number;
  responseBody?: string;
  elapsedMs: number;
  outcome: string;
  failure?: string;
  stub?: string;
}

/**
 * What the page hears: the conversation's own events as they happen (the widget the flow
 * enters, a bot call starting and ending: the canvas moves while the turn runs), then the
 * whole turn once it ran (`turn`).
 */
export type LiveEvent = Extract<ConversationEvent, { type: 'turn-started' | 'widget-entered' | 'widget-left' | 'call-started' | 'call-ended' | 'execution-ended' }>;

export type LiveMessage =
  | { type: 'turn-started'; customer: string | null }
  /** `transition`: for a widget-left, the transition's id on the canvas (`Widget#index`). */
  | { type: 'live'; event: LiveEvent; transition?: string }
  | { type: 'turn'; turn: TurnView }
  | { type: 'reset'; conversation: number }
  | { type: 'turn-failed'; message: string };

export interface LiveChatOptions {
  sessions: ReplSessions;
  describeEscalate?: (chat: ChatSession) => string;
  /** Folder `save` writes into (the command's working folder). */
  cwd: string;
}

export class LiveChat {
  private chat: ChatSession;
  private turns: TurnView[] = [];
  private conversation = 1;
  private variables: Record<string, unknown> = {};
  private readonly listeners = new Set<(m: LiveMessage) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private watching?: Subscription;
  private readonly newPath: () => (events: readonly FlowEvent[]) => PathStep[];
  private readPath!: (events: readonly FlowEvent[]) => PathStep[];

  constructor(
    private readonly prepared: PreparedChat,
    private readonly o: LiveChatOptions,
  ) {
    this.newPath = pathReader(prepared.definition);
    this.chat = this.newChat();
  }

  /** A chat whose conversation the page watches from its first turn (so the interpreter traces it). */
  private newChat(): ChatSession {
    this.watching?.unsubscribe();
    const chat = this.o.sessions.newChat();
    this.readPath = this.newPath();
    const live = new Set<string>(['widget-entered', 'widget-left', 'call-started', 'call-ended', 'execution-ended']);
    const transitions = new Map(this.prepared.definition.states.map((st) => [st.name, st.transitions ?? []]));
    // Inside a subflow the widgets are the child's, not the canvas's: they are not told.
    let depth = 0;
    this.watching = chat.conversation.subscribe((event) => {
      if (event.type === 'flow-event' && event.event.type === 'subflow') depth = event.event.phase === 'start' ? depth + 1 : Math.max(0, depth - 1);
      if (event.type === 'execution-ended') depth = 0;
      if (!live.has(event.type)) return;
      if (depth > 0 && (event.type === 'widget-left' || event.type === 'widget-entered')) return;
      const index = event.type === 'widget-left' ? transitionOf(transitions.get(event.widget) ?? [], event.via).index : -1;
      this.tell({ type: 'live', event: redactDeep(liveView(event as LiveEvent)), ...(event.type === 'widget-left' && index >= 0 ? { transition: transitionId(event.widget, index) } : {}) });
    });
    return chat;
  }

  subscribe(listener: (m: LiveMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What a page that just opened needs. */
  snapshot(): { conversation: number; turns: TurnView[]; startsWithoutMessage: boolean } {
    return { conversation: this.conversation, turns: this.turns, startsWithoutMessage: this.chat.startsWithoutMessage };
  }

  send(text: string): Promise<TurnView> {
    return this.enqueue(text, () => (this.chat.startsWithoutMessage && this.turns.length === 0 ? this.beginThenSend(text) : this.chat.send(text)));
  }

  silence(): Promise<TurnView> {
    return this.enqueue('(silence)', () => this.chat.silence());
  }

  /** A new customer session, as the REPL's /reset. */
  reset(): Promise<void> {
    return this.serial(async () => {
      this.chat = this.newChat();
      this.turns = [];
      this.variables = {};
      this.conversation++;
      this.tell({ type: 'reset', conversation: this.conversation });
    });
  }

  escalatePreview(): string {
    if (!this.o.describeEscalate) throw new UsageError('The escalate preview needs the saved setup (twilio cognigy:init).');
    return redactDeep(this.o.describeEscalate(this.chat));
  }

  /** The conversation as a test script (the REPL's /save): FILE is a plain name in the working folder, .yaml/.yml (the project's YAML) or .convo.txt (BotiumScript). */
  save(file: string): Promise<string> {
    return this.serial(async () => {
      if (!/^[\w.@ -]+\.(ya?ml|convo\.txt)$/i.test(file) || file.startsWith('.')) {
        throw new UsageError(`"${file}" is not a file name this page may write.`, 'Give a plain file name ending in .yaml or .convo.txt (it is written in the folder test-chat runs in).');
      }
      return redactDeep(replView().savedScript(this.o.sessions.saveScript(this.chat, path.join(this.o.cwd, file))));
    });
  }

  private async beginThenSend(text: string): Promise<ChatTurn> {
    const first = await this.chat.begin();
    this.record(null, first);
    return this.chat.send(text);
  }

  private enqueue(customer: string, run: () => Promise<ChatTurn>): Promise<TurnView> {
    return this.serial(async () => {
      this.tell({ type: 'turn-started', customer });
      try {
        return this.record(customer, await run());
      } catch (error) {
        this.tell({ type: 'turn-failed', message: redactDeep((error as Error).message) });
        throw error;
      }
    });
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private record(customer: string | null, turn: ChatTurn): TurnView {
    if (turn.entries.some((e) => e.from === 'system' && e.kind === 'new-execution')) this.variables = {};
    for (const e of turn.events) if (e.type === 'variables') this.variables = { ...this.variables, ...e.changed };
    const view = redactDeep(toView(this.turns.length + 1, customer, turn, this.variables, this.readPath(turn.events)));
    this.turns.push(view);
    this.tell({ type: 'turn', turn: view });
    return view;
  }

  private tell(m: LiveMessage): void {
    for (const l of this.listeners) l(m);
  }
}

/** A live event as the page reads it: the bot's answer stays for the turn's view (it is in the inspector). */
function liveView(event: LiveEvent): LiveEvent {
  if (event.type !== 'call-ended' || !event.answer) return event;
  const { answer: _answer, ...rest } = event;
  return rest;
}

function toView(n: number, customer: string | null, turn: ChatTurn, variables: Record<string, unknown>, path: PathStep[]): TurnView {
  const calls: CallView[] = [];
  const failed: string[] = [];
  const splits: SplitView[] = [];
  let handover: TurnView['handover'];
  let at: TurnView['at'];
  for (const e of turn.events as FlowEvent[]) {
    if (e.type === 'http' || e.type === 'function') {
      calls.push({
        widget: e.widget,
        type: e.type,
        method: e.method,
        url: redactUrl(e.url),
        ...(e.contentType ? { contentType: e.contentType } : {}),
        ...(e.requestBody !== undefined ? { requestBody: e.requestBody } : {}),
        ...(e.status !== undefined ? { status: e.status } : {}),
        ...(e.responseBody !== undefined ? { responseBody: e.responseBody } : {}),
        elapsedMs: Math.round(e.elapsedMs),
        outcome: e.outcome,
        ...(e.failure ? { failure: e.failure.message } : {}),
        ...(e.stub ? { stub: e.stub } : {}),
      });
    } else if (e.type === 'handover') {
      handover = { widget: e.widget, workflow: e.workflow, channel: e.channel, taskSid: e.taskSid ?? '', attributes: e.attributes, attributesRaw: e.attributesRaw, problems: e.problems, created: e.created };
    } else if (e.type === 'split') {
      splits.push({ widget: e.widget, input: e.input, matched: e.matched?.index ?? null, checked: e.checked, ...(e.next ? { next: e.next } : {}) });
    } else if (e.type === 'error') {
      failed.push(e.widget);
    } else if (e.type === 'wait') {
      at = { widget: e.widget, state: 'waiting' };
    } else if (e.type === 'end') {
      at = { widget: e.widget, state: 'ended', reason: e.reason };
      if (e.reason === 'error' || e.reason === 'limit') failed.push(e.widget);
    }
  }
  return {
    n,
    customer,
    entries: transcriptJson(turn.entries),
    path,
    calls,
    variables: { ...variables },
    ...(handover ? { handover } : {}),
    ...(at ? { at } : {}),
    failed: [...new Set(failed)],
    splits,
    elapsedMs: Math.round(turn.elapsedMs),
    slowestCallMs: Math.round(turn.slowestCallMs),
  };
}
