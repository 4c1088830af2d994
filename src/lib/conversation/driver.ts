import { defaultPayload, type BotTurn } from '../cognigy/normalize';
import type { HttpTransport } from '../http/types';
import type { FlowEvent } from '../runtime/events';
import { uniqueHex32 } from '../runtime/sids';
import type { ChannelModel } from '../domain/setup';
import type { FlowDefinition } from '../domain/flow';
import type { ObservedButton, ObservedCard, ObservedMessage } from './match';
import type { ConversationContext, ConversationDriver, DriverFactory, TurnOutput } from './runner';
import type { Conversation } from './types';
import { callFailureText, sentText } from './bot-call';
import { ConversationActor, type CallReading, type ConversationTurn } from './conversation';
import type { RunOptions } from './run-options';
import { SILENCE_TURN, type BotTap, type ConversationTap } from './recording';
import { pathReader } from './coverage';

/**
 * Scripts run through the one conversation object the REPL runs (ConversationActor), each
 * conversation on its own customer address and Cognigy session, with the same execution
 * rules (a customer message after the end starts a new execution, as Studio does) and the
 * bot's answers read once, there. The driver subscribes to nothing: a script needs the
 * messages, the hand-over and the end of each turn, not the event stream or a printable
 * transcript, and a suite of thousands of conversations does not pay for them.
 */
export function flowDriverFactory(
  definition: FlowDefinition,
  options: {
    http: HttpTransport;
    /** Wraps `http` per conversation (a paced run waits on the bot's rate limit per conversation). */
    perConversation?: (http: HttpTransport, context: ConversationContext) => HttpTransport;
    channelModel?: ChannelModel;
    baseFrom?: string;
    run?: Partial<RunOptions>;
    /** --record / --replay: the bot's calls go through the recording, per conversation and turn. */
    tap?: BotTap;
    /** Report each turn's path (`TurnOutput.path`), for flow coverage. */
    trace?: boolean;
    /**
     * A conversation's place in the run (its customer address comes from it), when the
     * conversations of one run are spread over several factories (worker threads).
     */
    indexOf?: (conversation: Conversation) => number;
  },
): DriverFactory {
  const run = options.run ?? {};
  const newPath = options.trace ? pathReader(definition) : undefined;
  let index = 0;
  return (conversation: Conversation, context: ConversationContext): ConversationDriver => {
    index = options.indexOf ? options.indexOf(conversation) + 1 : index + 1;
    const paced = options.perConversation ? options.perConversation(options.http, context) : options.http;
    const from = conversation.from ?? uniqueAddress(options.baseFrom ?? '+1555', index);
    // In front of the paced transport: a replayed answer waits for no rate limit.
    const tap = options.tap?.forConversation({ name: conversation.name, file: conversation.file, from, live: paced });
    const actor = new ConversationActor(definition, {
      http: tap?.http ?? paced,
      from,
      channelModel: conversation.channelModel ?? options.channelModel,
      ids: uniqueHex32,
      // The file's own stubs first, then --stub's.
      stubs: [...(conversation.stubs ?? []), ...(run.stubs ?? [])],
      subflows: run.subflows,
      functions: run.functions,
      botEndpoint: run.botEndpoint,
      ...(run.start ? { start: run.start, data: run.data ?? {} } : {}),
      ...(options.trace ? { trace: true } : {}),
    });
    const readPath = newPath?.();
    const output = (turn: ConversationTurn): TurnOutput => {
      const out = toOutput(turn);
      if (readPath) out.path = readPath(turn.events);
      return out;
    };
    const send = async (text: string, media?: readonly string[]): Promise<TurnOutput> => {
      tap?.beginTurn(text);
      const turn = await actor.send(text, media);
      const out = withTapFailure(output(turn), tap);
      if (media?.length && turn.channelModel === 'conversations') {
        (out.warnings ??= []).push({ code: 'media-on-conversations' });
      }
      return out;
    };
    return {
      start: send,
      reply: send,
      // A REST API execution (or a subflow on its own) speaks first; the script's first customer step answers it.
      ...(run.start ? { begin: async () => withTapFailure(output(await actor.begin()), tap) } : {}),
      silence: async () => {
        // Nothing waits for the customer (the flow ended or never started): nothing happens.
        if (!actor.waiting) return { messages: [], elapsedMs: 0 };
        tap?.beginTurn(SILENCE_TURN);
        return withTapFailure(output(await actor.silence()), tap);
      },
      ...(tap ? { close: async () => tap.finish() } : {}),
    };
  };
}

function withTapFailure(out: TurnOutput, tap: ConversationTap | undefined): TurnOutput {
  const failure = tap?.takeFailure();
  if (failure) out.failure = failure;
  return out;
}

/** `+1555` + 7 digits: a distinct, plausible customer number per conversation. */
function uniqueAddress(prefix: string, n: number): string {
  return `${prefix}${String(n % 10_000_000).padStart(7, '0')}`;
}

/** What one customer turn produced, as the runner checks it. */
export function toOutput(turn: ConversationTurn): TurnOutput {
  const out: TurnOutput = { messages: observedMessages(turn.events, turn.calls), elapsedMs: turn.elapsedMs };
  let failure: string | undefined;
  let call = 0;
  for (const event of turn.events) {
    if (event.type === 'handover') {
      // A task TaskRouter refuses is no hand-over: the flow takes failedToEnqueue.
      if (event.created) out.handover = { workflow: event.workflow, channel: event.channel, attributes: event.attributes ?? event.attributesRaw };
      if (event.problems.length) out.handoverProblems = event.problems;
    } else if (event.type === 'http' || event.type === 'function') {
      const reading = turn.calls[call++];
      if (reading.bot) {
        if (reading.failure) {
          failure ??= `"${event.widget}": ${reading.failure.message}`;
          out.botFailure ??= `"${event.widget}": ${reading.failure.message}`;
        }
      } else if (event.outcome === 'failed') failure ??= callFailureText(event);
    } else if (event.type === 'error') {
      failure ??= event.message;
    } else if (event.type === 'variables' && event.warnings?.length) {
      (out.warnings ??= []).push(...event.warnings.map((warning) => ({ code: 'flow-warning' as const, widget: event.widget, warning })));
    }
  }
  if (turn.ended) out.ended = { reason: turn.ended.reason, detail: failure ?? turn.ended.message };
  return out;
}

/**
 * The messages the customer received, as scripts count them: one per Cognigy output.
 * The flow sends the bot's answer as one SMS: each output's text (for quick replies or
 * buttons without text, their own text) joined with a space, and their choices as "- title"
 * lines (src/lib/studio/templates.ts). Botium (SimpleRest on `$.outputStack.*`, as
 * botium-connector-cognigy sets it up), Cognigy's own tools and the scripts written for
 * them expect one bot message per output, with the choices as buttons. So a message that
 * is exactly that composition is split back into the outputs that carry text or rich
 * content, each with its own data, buttons, media and cards; the first of them also
 * carries the whole SMS (`joined`), for scripts written from what the customer saw. Any
 * other message (the flow's own texts: an apology, a fixed goodbye, a template that
 * reshapes the text) is one message, with the rich content of the bot's last answer.
 */
export function observedMessages(events: readonly FlowEvent[], calls: readonly CallReading[]): ObservedMessage[] {
  const messages: ObservedMessage[] = [];
  let answer: BotTurn | undefined;
  let body: Readonly<Record<string, unknown>> | undefined;
  let call = 0;
  for (const event of events) {
    if (event.type === 'http' || event.type === 'function') {
      // The flow's own services answer JSON too: only the bot's answer carries bot data.
      const reading = calls[call++];
      if (reading.bot) {
        body = reading.body;
        answer = reading.answer;
      }
      continue;
    }
    // The customer sees only what is sent to them (a staff notification is not a bot message).
    if (event.type !== 'message' || !event.toCustomer) continue;
    if (event.content) {
      messages.push({ text: sentText(event), ...(answer ? { data: answer.data } : {}) });
      continue;
    }
    const views = answer ? answer.outputs.map(shownOutput) : [];
    const composed = views.flatMap((v) => [...(v.text === null ? [] : [v.text]), ...v.choices.map((c) => `- ${c}`)]);
    const shown = answer ? answer.outputs.filter((o) => o.text !== null || o.rich) : [];
    const composite = shown.length > 1 || views.some((v) => v.choices.length > 0);
    if (answer && composite && shown.length > 0 && sameText(event.body, composed)) {
      const parts = shown.map((output) => connectorView({ text: output.text ?? output.rich?.text ?? '', data: output.data, source: body }, [output]));
      parts[0].joined = { message: connectorView({ text: event.body, data: answer.data, source: body }, answer.outputs), parts: parts.length };
      messages.push(...parts);
      continue;
    }
    messages.push(answer ? connectorView({ text: event.body, data: answer.data, source: body }, answer.outputs) : { text: event.body });
  }
  return messages;
}

/** What the flow shows of one output: its text, else its quick replies' or buttons' text, and their choices. */
function shownOutput(output: BotTurn['outputs'][number]): { output: BotTurn['outputs'][number]; text: string | null; choices: string[] } {
  const choosable = output.rich?.kind === 'quickReplies' || output.rich?.kind === 'buttons' ? output.rich : undefined;
  return { output, text: output.text ?? choosable?.text ?? null, choices: choosable?.options ?? [] };
}

/** Cognigy documents the top-level text as the outputs' texts joined (with a space in its example): any whitespace between them is accepted. */
function sameText(body: string, texts: string[]): boolean {
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  return body === texts.join(' ') || squash(body) === squash(texts.join(' '));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The connector keeps quick replies with a payload, and buttons with a payload, URL or intent. */
function buttonsOf(list: unknown, links: boolean): ObservedButton[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter(isRecord)
    .map((b): ObservedButton | undefined => {
      const payload = b.payload || (links ? b.url || b.intentName : undefined);
      if (!payload) return undefined;
      return typeof b.title === 'string' ? { text: b.title, payload } : { payload };
    })
    .filter((b): b is ObservedButton => b !== undefined);
}

/**
 * The message with the rich content of `outputs` as botium-connector-cognigy reads it
 * (`data._cognigy._default`, or the legacy `data._data._cognigy`): quick replies and
 * buttons → buttons (title, payload), `_image.imageUrl` / `_audio.audioUrl` /
 * `_video.videoUrl` → media, `_gallery.items` / `_list.items` → cards. Only outputs with
 * rich content cost anything here.
 */
function connectorView(out: ObservedMessage, outputs: BotTurn['outputs']): ObservedMessage {
  for (const output of outputs) {
    if (!output.rich) continue;
    const payload = defaultPayload(output.data);
    if (!payload) continue;
    const quick = payload._quickReplies;
    const buttons = payload._buttons;
    const found = [...buttonsOf(isRecord(buttons) ? buttons.buttons : undefined, true), ...buttonsOf(isRecord(quick) ? quick.quickReplies : undefined, false)];
    if (found.length) out.buttons = [...(out.buttons ?? []), ...found];
    for (const [key, url] of [['_image', 'imageUrl'], ['_audio', 'audioUrl'], ['_video', 'videoUrl']] as const) {
      const media = payload[key];
      if (isRecord(media) && typeof media[url] === 'string') out.media = [...(out.media ?? []), media[url] as string];
    }
    for (const key of ['_gallery', '_list'] as const) {
      const holder = payload[key];
      if (!isRecord(holder) || !Array.isArray(holder.items)) continue;
      const cards = holder.items.filter(isRecord).map((item) => {
        const card: ObservedCard = {};
        if (typeof item.title === 'string') card.text = item.title;
        if (typeof item.subtitle === 'string') card.subtext = item.subtitle;
        if (typeof item.imageUrl === 'string') card.image = item.imageUrl;
        const inner = buttonsOf(item.buttons, true);
        if (inner.length) card.buttons = inner;
        return card;
      });
      out.cards = [...(out.cards ?? []), ...cards];
    }
  }
  // The project's YAML `quickReplies` reads the first rich output's titles.
  const rich = outputs.find((o) => o.rich?.kind === 'quickReplies' || o.rich?.kind === 'buttons')?.rich;
  if (rich) out.quickReplies = rich.options;
  return out;
}
