import type { ChannelModel } from '../domain/setup';
import { COGNIGY_ATTRIBUTES_KEY, customerKeys } from '../studio/attributes';
import { LAST_ANSWER_MAX_LENGTH } from '../studio/constants';

/**
 * The task attributes of a hand-over made by `cognigy:escalate` (and shown by
 * test-chat's `/escalate`): the keys Flex's own messaging defaults use, so the agent's
 * UI shows the customer as usual, plus the `cognigy` block the flow's send-to-flex also
 * writes (userId, sessionId, lastAnswer, reason) with the transcript added.
 *
 * Size: TaskRouter limits task attributes, but neither the OpenAPI descriptions nor the
 * reference pages give the number (Twilio's limits page says only that the limit counts
 * whitespace). We keep the JSON text, measured in UTF-8 bytes and sent minified, within
 * MAX_ATTRIBUTES_BYTES = 8 KiB: half of the 16 KB commonly cited for TaskRouter, which
 * leaves room for what Flex adds (interaction SIDs, conversation SID…) and for
 * multi-byte characters. The transcript keeps its newest messages that fit and says when
 * older ones were left out.
 */
export const MAX_ATTRIBUTES_BYTES = 8 * 1024;
/** One message in the transcript is cut to this many characters. */
export const MAX_MESSAGE_CHARS = 1000;
/** A name, reason or address is cut to this many characters, so the rest always fits. */
export const MAX_FIELD_CHARS = 300;
/** Written into the attributes, so an agent (and a re-run) can tell who made the task. */
export const ESCALATED_BY = 'twilio cognigy:escalate';
export const DEFAULT_REASON = 'manual-escalation';

export interface TranscriptMessage {
  from: 'customer' | 'bot';
  text: string;
}

/** What the attributes are built from; all of it is read from Twilio (or the simulated chat). */
export interface HandoverFacts {
  channelModel: ChannelModel;
  /** The conversation SID (Conversations) or the chat channel SID (legacy). */
  sid: string;
  customer: { address: string; name: string };
  /** `sms`, `whatsapp`, `web`…, as Flex's `channelType` attribute. */
  channelType: string;
  /** The Cognigy session the flow used; undefined when it cannot be known. */
  sessionId?: string;
  reason?: string;
  /** The conversation so far, oldest first. */
  messages: TranscriptMessage[];
  /** True when older messages exist that were not even read (the read is bounded). */
  olderUnread?: boolean;
  /** A per-run id, so a create that failed after going through can be found again. */
  escalationId?: string;
}

export interface BuiltAttributes {
  attributes: Record<string, unknown>;
  /** The minified JSON text that is sent. */
  text: string;
  bytes: number;
  /** Messages in the attributes, and messages read. */
  shown: number;
  total: number;
  /** Set when the transcript was cut to fit. */
  note?: string;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cut to `max` characters (code points, so no surrogate pair is split), marking the cut. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The attributes, with as many of the newest messages as fit within `budget` bytes. */
export function buildHandoverAttributes(facts: HandoverFacts, budget = MAX_ATTRIBUTES_BYTES): BuiltAttributes {
  const messages = facts.messages
    .filter((m) => m.text.trim() !== '')
    .map((m) => ({ from: m.from, text: cut(m.text, MAX_MESSAGE_CHARS) }));
  const total = messages.length;
  const lastBot = [...facts.messages].reverse().find((m) => m.from === 'bot' && m.text.trim() !== '');

  const compose = (shown: number) => {
    const kept = messages.slice(total - shown);
    const note =
      shown < total || facts.olderUnread
        ? `Transcript cut to fit the task attributes: the last ${shown} of ${facts.olderUnread ? 'more than ' : ''}${total} messages.`
        : undefined;
    const attributes = {
      ...flexKeys(facts),
      [COGNIGY_ATTRIBUTES_KEY]: {
        userId: cut(facts.customer.address, MAX_FIELD_CHARS),
        ...(facts.sessionId ? { sessionId: cut(facts.sessionId, MAX_FIELD_CHARS) } : {}),
        reason: cut(facts.reason?.trim() || DEFAULT_REASON, MAX_FIELD_CHARS),
        ...(lastBot ? { lastAnswer: cut(lastBot.text, LAST_ANSWER_MAX_LENGTH) } : {}),
        transcript: kept,
        ...(note ? { transcriptNote: note } : {}),
        escalatedBy: ESCALATED_BY,
        ...(facts.escalationId ? { escalationId: facts.escalationId } : {}),
      },
    };
    const text = JSON.stringify(attributes);
    return { attributes, text, bytes: utf8Bytes(text), shown, total, note };
  };

  const whole = compose(total);
  if (whole.bytes <= budget) return whole;
  // Start just above the answer (message sizes are known), then step down to the first
  // fit: the most messages that fit. compose gives the exact size; the estimate only
  // skips work (the count in the note moves the size by a few bytes at most).
  const sizes = messages.map((m) => utf8Bytes(JSON.stringify(m)) + 1);
  let room = budget - compose(0).bytes;
  let estimate = 0;
  while (estimate < total && room - sizes[total - 1 - estimate] >= 0) room -= sizes[total - 1 - estimate++];
  for (let shown = Math.min(total - 1, estimate + 2); shown > 0; shown--) {
    const built = compose(shown);
    if (built.bytes <= budget) return built;
  }
  const empty = compose(0);
  if (empty.bytes > budget) {
    // Cannot happen with the field caps and the default budget; a caller's tiny budget can.
    throw new RangeError(`The hand-over attributes need ${empty.bytes} bytes without any transcript; the budget is ${budget}.`);
  }
  return empty;
}

/** The keys Flex's default messaging attributes use, per channel model, and the customer's for Insights. */
function flexKeys(facts: HandoverFacts): Record<string, string> {
  const name = cut(facts.customer.name || facts.customer.address, MAX_FIELD_CHARS);
  const address = cut(facts.customer.address, MAX_FIELD_CHARS);
  if (facts.channelModel === 'legacy') {
    return { name, from: address, channelType: facts.channelType, channelSid: facts.sid, ...customerKeys(address, name) };
  }
  return { name, from: address, channelType: facts.channelType, conversationSid: facts.sid, ...customerKeys(address, name) };
}

/** The attribute the open hand-over of a conversation (or channel) is found by. */
export function handoverKey(model: ChannelModel): 'conversationSid' | 'channelSid' {
  return model === 'legacy' ? 'channelSid' : 'conversationSid';
}
