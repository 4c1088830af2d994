import type { FlowDefinition } from '../domain/flow';
import { addToPath, CoverageCounter, emptyPath, type ConversationPath, type CounterState, type FlowCoverage } from './coverage';
import type { ConversationDriver, ConversationResult, DriverFactory, TurnOutput } from './runner';
import type { Conversation } from './types';

/**
 * What a scripted run went through, conversation by conversation: the flow coverage
 * (always; a few set insertions a turn), and with `transcripts` what each conversation
 * said and received, for the HTML report. Sits between the runner and the driver, so
 * neither knows of it.
 */
/** A line of a conversation's transcript in the HTML report: what was said, or what the flow did (a printer words it). */
export type TranscriptLine =
  | { from: 'customer' | 'bot'; text: string }
  | { from: 'flow'; event: 'handover'; workflow?: string }
  | { from: 'flow'; event: 'ended'; reason: string; detail?: string };

export interface ReportedConversation {
  result: ConversationResult;
  transcript: TranscriptLine[];
}

interface CoverageRecord {
  path: ConversationPath;
  transcript?: TranscriptLine[];
}

export class CoverageTap {
  private readonly counter: CoverageCounter;
  private readonly open = new Map<string, CoverageRecord[]>();
  private readonly kept: ReportedConversation[] = [];

  constructor(
    private readonly definition: FlowDefinition,
    private readonly o: { transcripts: boolean },
  ) {
    this.counter = new CoverageCounter(definition);
  }

  wrap(factory: DriverFactory): DriverFactory {
    return (conversation, context) => {
      const driver = factory(conversation, context);
      const record: CoverageRecord = { path: emptyPath(), ...(this.o.transcripts ? { transcript: [] } : {}) };
      const key = keyOf(conversation);
      const queue = this.open.get(key);
      if (queue) queue.push(record);
      else this.open.set(key, [record]);
      const initial = this.definition.initial_state;
      const seen = (customer: string | undefined, out: TurnOutput): TurnOutput => {
        if (out.path) addToPath(record.path, out.path, initial);
        if (record.transcript) {
          if (customer !== undefined) record.transcript.push({ from: 'customer', text: customer });
          for (const m of out.messages) record.transcript.push({ from: 'bot', text: m.text });
          if (out.handover) record.transcript.push({ from: 'flow', event: 'handover', workflow: out.handover.workflow });
          if (out.ended) record.transcript.push({ from: 'flow', event: 'ended', reason: out.ended.reason, ...(out.ended.detail ? { detail: out.ended.detail } : {}) });
        }
        return out;
      };
      const wrapped: ConversationDriver = {
        start: async (text, media) => seen(text, await driver.start(text, media)),
        reply: async (text, media) => seen(text, await driver.reply(text, media)),
        silence: async () => seen('(silence)', await driver.silence()),
        ...(driver.close ? { close: () => driver.close!() } : {}),
        ...(driver.begin ? { begin: async () => seen(undefined, await driver.begin!()) } : {}),
      };
      return wrapped;
    };
  }

  /** A conversation's result: its path counts from now on. */
  onResult(result: ConversationResult): void {
    this.keep(result, this.countHere(result));
  }

  /**
   * In a worker thread: a result counted here, its transcript (if kept) handed back for
   * the main thread's tap to `keep`; the counts follow once, at the end (`counted`).
   */
  countHere(result: ConversationResult): TranscriptLine[] | undefined {
    const record = this.take(result);
    if (!record) return undefined;
    this.counter.add(record.path);
    return record.transcript;
  }

  /** A worker's result and its transcript (the worker counted its path). */
  keep(result: ConversationResult, transcript: TranscriptLine[] | undefined): void {
    if (transcript) this.kept.push({ result, transcript });
  }

  /** What this tap counted, as plain data (a worker's, for the main thread's `addCounted`). */
  counted(): CounterState {
    return this.counter.state();
  }

  addCounted(state: CounterState): void {
    this.counter.addState(state);
  }

  private take(result: ConversationResult): CoverageRecord | undefined {
    const queue = this.open.get(keyOf(result));
    const record = queue?.shift();
    if (queue && !queue.length) this.open.delete(keyOf(result));
    return record;
  }

  coverage(): FlowCoverage {
    return this.counter.result();
  }

  /** Conversations through each widget and transition (by `Widget#index`), for drawing. */
  counts(): { widgets: ReadonlyMap<string, number>; transitions: ReadonlyMap<string, number>; conversations: number } {
    const c = this.counter.result();
    return { widgets: new Map(Object.entries(c.widgets.counts)), transitions: this.counter.countsById(), conversations: c.conversations };
  }

  conversations(): ReportedConversation[] {
    return this.kept;
  }
}

function keyOf(c: Pick<Conversation, 'file' | 'line' | 'name'>): string {
  return `${c.file}\u0000${c.line}\u0000${c.name}`;
}
