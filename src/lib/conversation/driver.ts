import type { HttpTransport } from '../http/types';
import type { ChannelModel } from '../setup/types';
import type { FlowDefinition } from '../studio/types';
import { ChatSession, ChatTurn } from './chat';
import type { ConversationDriver, DriverFactory, TurnOutput } from './runner';
import type { Conversation } from './types';

/**
 * Scripts run through the very flow the REPL runs: each conversation gets its own
 * ChatSession (its own execution, Cognigy session and customer address).
 */
export function flowDriverFactory(
  definition: FlowDefinition,
  options: { http: HttpTransport; channelModel?: ChannelModel; baseFrom?: string },
): DriverFactory {
  let index = 0;
  return (conversation: Conversation): ConversationDriver => {
    index++;
    const chat = new ChatSession(definition, {
      http: options.http,
      from: conversation.from ?? uniqueAddress(options.baseFrom ?? '+1555', index),
      channelModel: conversation.channelModel ?? options.channelModel,
    });
    return {
      start: async (text) => toOutput(await chat.send(text)),
      reply: async (text) => toOutput(await chat.send(text)),
      silence: async () => toOutput(await chat.silence()),
    };
  };
}

/** `+1555` + 7 digits: a distinct, plausible customer number per conversation. */
function uniqueAddress(prefix: string, n: number): string {
  return `${prefix}${String(n % 10_000_000).padStart(7, '0')}`;
}

export function toOutput(turn: ChatTurn): TurnOutput {
  const messages = turn.entries
    .filter((e) => e.from === 'bot')
    .map((e) => {
      const quick = e.rich?.find((r) => r.kind === 'quickReplies' || r.kind === 'buttons');
      return { text: e.text, data: e.data, ...(quick ? { quickReplies: quick.options } : {}) };
    });
  const failure = turn.entries.find((e) => e.kind === 'bot-failure' || e.kind === 'error');
  return {
    messages,
    ...(turn.handover
      ? { handover: { workflow: turn.handover.workflow, channel: turn.handover.channel, attributes: turn.handover.attributes ?? turn.handover.attributesRaw } }
      : {}),
    ...(turn.ended ? { ended: { reason: turn.ended.reason, detail: failure?.text ?? turn.ended.message } } : {}),
    elapsedMs: turn.elapsedMs,
  };
}
