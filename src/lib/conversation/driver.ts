import { normalizeResponse, type BotTurn } from '../cognigy/normalize';
import type { HttpTransport } from '../http/types';
import { FlowSession, type Turn } from '../runtime';
import type { FlowEvent, FunctionEvent, HttpEvent } from '../runtime/events';
import { uniqueHex32 } from '../runtime/sids';
import { parsedBodyOf } from '../runtime/widgets';
import type { ChannelModel } from '../setup/types';
import type { FlowDefinition } from '../studio/types';
import type { ObservedMessage } from './match';
import type { ConversationContext, ConversationDriver, DriverFactory, TurnOutput } from './runner';
import type { Conversation } from './types';

/**
 * Scripts run through the very interpreter the REPL runs (FlowSession), each conversation
 * on its own execution, Cognigy session and customer address. The driver reads the
 * interpreter's events itself rather than going through the REPL's ChatSession: a script
 * needs the messages, the hand-over and the end, not a printable transcript, and a suite
 * of thousands of conversations should not pay for one. The execution rules are the
 * REPL's: a customer message after the end starts a new execution, as Studio does.
 */
export function flowDriverFactory(
  definition: FlowDefinition,
  options: {
    http: HttpTransport;
    /** Wraps `http` per conversation (a paced run waits on the bot's rate limit per conversation). */
    perConversation?: (http: HttpTransport, context: ConversationContext) => HttpTransport;
    channelModel?: ChannelModel;
    baseFrom?: string;
  },
): DriverFactory {
  let index = 0;
  return (conversation: Conversation, context: ConversationContext): ConversationDriver => {
    index++;
    const http = options.perConversation ? options.perConversation(options.http, context) : options.http;
    const from = conversation.from ?? uniqueAddress(options.baseFrom ?? '+1555', index);
    const channelModel = conversation.channelModel ?? options.channelModel;
    let session: FlowSession | undefined;
    const send = async (text: string, media?: readonly string[]): Promise<TurnOutput> => {
      const started = performance.now();
      let turn: Turn;
      if (session?.waiting) {
        turn = await session.reply(text, media);
      } else {
        session = new FlowSession(definition, { http, from, channelModel, ids: uniqueHex32 });
        turn = await session.start(text, media);
      }
      const out = toOutput(turn, performance.now() - started);
      if (media?.length && session.channelModel === 'conversations') {
        (out.warnings ??= []).push(MEDIA_ON_CONVERSATIONS);
      }
      return out;
    };
    return {
      start: send,
      reply: send,
      silence: async () => {
        // Nothing waits for the customer (the flow ended or never started): nothing happens.
        if (!session?.waiting) return { messages: [], elapsedMs: 0 };
        const started = performance.now();
        return toOutput(await session.silence(), performance.now() - started);
      },
    };
  };
}

export const MEDIA_ON_CONVERSATIONS =
  "media sent to a Flex Conversations flow: Studio's documentation does not say how trigger.conversation exposes it, so the local run does not (legacy messaging gets NumMedia and MediaUrlN)";

/** `+1555` + 7 digits: a distinct, plausible customer number per conversation. */
function uniqueAddress(prefix: string, n: number): string {
  return `${prefix}${String(n % 10_000_000).padStart(7, '0')}`;
}

/** What one customer turn produced, as the runner checks it. */
export function toOutput(turn: Turn, elapsedMs: number): TurnOutput {
  const out: TurnOutput = { messages: observedMessages(turn.events), elapsedMs };
  let failure: string | undefined;
  for (const event of turn.events) {
    if (event.type === 'handover') {
      // A task TaskRouter refuses is no hand-over: the flow takes failedToEnqueue.
      if (event.created) out.handover = { workflow: event.workflow, channel: event.channel, attributes: event.attributes ?? event.attributesRaw };
      if (event.problems.length) out.handoverProblems = event.problems;
    } else if ((event.type === 'http' || event.type === 'function') && event.outcome === 'failed') {
      failure ??= `the call to the bot failed (${event.failure?.message ?? `HTTP ${event.status}`})`;
    } else if (event.type === 'error') {
      failure ??= event.message;
    } else if (event.type === 'variables' && event.warnings?.length) {
      (out.warnings ??= []).push(...event.warnings.map((w) => `"${event.widget}": ${w}`));
    }
  }
  if (turn.ended) out.ended = { reason: turn.ended.reason, detail: failure ?? turn.ended.message };
  return out;
}

/**
 * The messages the customer received, as scripts count them: one per Cognigy output.
 * The flow sends the bot's joined text (`parsed.text`) as one SMS; Botium (SimpleRest on
 * `$.outputStack.*`), Cognigy's own tools and the scripts written for them expect one bot
 * message per output. So a message whose text is exactly the bot's joined text is split
 * back into the outputs that carry text, each with its own data and quick replies. Any
 * other message (the flow's own texts: an apology, a fixed goodbye, a template that
 * reshapes the text) is one message, with the data of the bot's last answer.
 */
export function observedMessages(events: readonly FlowEvent[]): ObservedMessage[] {
  const messages: ObservedMessage[] = [];
  let answer: BotTurn | undefined;
  for (const event of events) {
    if (event.type === 'http' || event.type === 'function') {
      answer = event.outcome === 'success' ? parseAnswer(event) : undefined;
      continue;
    }
    if (event.type !== 'message') continue;
    const texted = answer ? answer.outputs.filter((o) => o.text !== null) : [];
    if (answer && texted.length > 1 && sameText(event.body, texted.map((o) => o.text as string))) {
      for (const output of texted) messages.push(withQuickReplies({ text: output.text as string, data: output.data }, [output]));
      continue;
    }
    messages.push(withQuickReplies({ text: event.body, ...(answer ? { data: answer.data } : {}) }, answer?.outputs ?? []));
  }
  return messages;
}

/** Cognigy documents the top-level text as the outputs' texts joined (with a space in its example): any whitespace between them is accepted. */
function sameText(body: string, texts: string[]): boolean {
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  return body === texts.join(' ') || squash(body) === squash(texts.join(' '));
}

/** The bot's answer as the HTTP widget parsed it (`widgets.X.parsed`: a JSON object body only). */
function parseAnswer(event: HttpEvent | FunctionEvent): BotTurn | undefined {
  const parsed = parsedBodyOf(event);
  return parsed ? normalizeResponse(parsed) : undefined;
}

function withQuickReplies(message: ObservedMessage, outputs: BotTurn['outputs']): ObservedMessage {
  const rich = outputs.find((o) => o.rich?.kind === 'quickReplies' || o.rich?.kind === 'buttons')?.rich;
  return rich ? { ...message, quickReplies: rich.options } : message;
}
