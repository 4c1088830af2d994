import type { ChannelModel } from '../domain/setup';
import { ESCALATION_REASON, LAST_ANSWER_MAX_LENGTH, VARIABLE } from './constants';
import { sessionIdTemplate, userIdTemplate } from './templates';

/**
 * Task attributes of send-to-flex: a JSON text with Liquid inside, rendered by Studio
 * when the task is created. Liquid escapes nothing, so each value must render to
 * something that keeps the JSON valid, or the task is not created (`failedToEnqueue`):
 * - ids (phone numbers, SIDs, chat identities) are used as Flex's own defaults use them
 *   (also for `customerName`/`customerAddress`, see customerKeys);
 * - the bot's free-text answer can hold anything (quotes, backslashes, newlines, control
 *   characters), so it is written as a bare `{{… | to_json}}` value, not inside quotes:
 *   `to_json` makes the whole JSON string literal, escapes included. `default: ''` first,
 *   so a missing answer renders `""` rather than nothing; cut to LAST_ANSWER_MAX_LENGTH
 *   characters so the rendered text stays below Studio's 1,024-character cap.
 */
export function defaultFlexAttributes(model: ChannelModel): Record<string, string> {
  if (model === 'legacy') {
    return {
      name: '{{trigger.message.ChannelAttributes.from}}',
      channelType: '{{trigger.message.ChannelAttributes.channel_type}}',
      channelSid: '{{trigger.message.ChannelSid}}',
      ...customerKeys('{{trigger.message.ChannelAttributes.from}}'),
    };
  }
  return {
    name: '{{trigger.conversation.From}}',
    from: '{{trigger.conversation.From}}',
    channelType: '{{trigger.conversation.ChannelAttributes.channel_type}}',
    conversationSid: '{{trigger.conversation.ConversationSid}}',
    ...customerKeys('{{trigger.conversation.From}}'),
  };
}

/**
 * `customerName` and `customerAddress`: what Flex Insights and the Interactions API's task
 * attributes name the customer by (Flex's own Send to Flex adds them for Conversations).
 * A flow knows no better name than the address, so both hold it; `escalate`, which reads
 * the participant, can name the customer.
 */
export function customerKeys(address: string, name = address): { customerName: string; customerAddress: string } {
  return { customerName: name, customerAddress: address };
}

/**
 * What the agent learns about the bot conversation, under the `cognigy` key. `lastAnswer`
 * is what the customer last received from the bot (the loop's reply variable), not the
 * call's `parsed.text`: a quick-reply answer has an empty `text`, and the agent would see
 * nothing.
 */
export function cognigyAttributes(model: ChannelModel): Record<string, string | BareLiquid> {
  return {
    userId: userIdTemplate(model),
    sessionId: sessionIdTemplate(model),
    lastAnswer: new BareLiquid(`{{flow.variables.${VARIABLE.reply} | default: '' | truncate: ${LAST_ANSWER_MAX_LENGTH} | to_json}}`),
    reason: `{{flow.variables.${VARIABLE.escalationReason} | default: '${ESCALATION_REASON.bot}'}}`,
  };
}

export const COGNIGY_ATTRIBUTES_KEY = 'cognigy';

/** The attributes text of a send-to-flex the builder creates. */
export function buildAttributes(model: ChannelModel, callBotName: string): string {
  return stringifyTemplate({ ...defaultFlexAttributes(model), [COGNIGY_ATTRIBUTES_KEY]: cognigyAttributes(model) });
}

/**
 * Merge the `cognigy` block (and `customerName`/`customerAddress` when missing) into an
 * existing attributes text, keeping every other key (and its Liquid) as it was. Returns undefined when the text is not JSON once its Liquid
 * is set aside (e.g. `{% if %}` around keys): such a template is left untouched rather
 * than rewritten by guess.
 */
export function mergeCognigyAttributes(existing: string, model: ChannelModel, callBotName: string): string | undefined {
  const parsed = parseTemplate(existing);
  if (!parsed) return undefined;
  // The customer's keys are added when missing; a flow that sets them keeps its own.
  const { customerName, customerAddress } = defaultFlexAttributes(model);
  return stringifyTemplate({
    ...parsed,
    customerName: parsed.customerName ?? customerName,
    customerAddress: parsed.customerAddress ?? customerAddress,
    [COGNIGY_ATTRIBUTES_KEY]: cognigyAttributes(model),
  });
}

/**
 * A Liquid block standing for a whole JSON value, outside quotes (`"a": {{x | to_json}}`).
 * Kept apart from strings so that `"{{x}}"` and `{{x}}`, which render differently, never
 * compare equal.
 */
export class BareLiquid {
  constructor(readonly liquid: string) {}
}

const LIQUID = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
/** Private-use characters: JSON.stringify leaves them alone and no template holds them. */
const MARK = '\uE000';
const BARE = '\uE001';
const MARKED = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');
const BARE_MARKED = new RegExp(`"${BARE}(\\d+)${BARE}"`, 'g');
const BARE_ONLY = new RegExp(`^${BARE}(\\d+)${BARE}$`);

/**
 * Set every Liquid block aside: one inside a JSON string becomes a mark within that
 * string, one standing for a value becomes a string of its own, so JSON.parse sees JSON.
 */
function hideLiquid(text: string, blocks: string[]): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; ) {
    const open = text.startsWith('{{', i) ? '}}' : text.startsWith('{%', i) ? '%}' : undefined;
    const close = open ? text.indexOf(open, i + 2) : -1;
    if (close >= 0) {
      const n = blocks.push(text.slice(i, close + 2)) - 1;
      out += inString ? `${MARK}${n}${MARK}` : `"${BARE}${n}${BARE}"`;
      i = close + 2;
    } else if (inString && text[i] === '\\') {
      out += text.slice(i, i + 2);
      i += 2;
    } else {
      if (text[i] === '"') inString = !inString;
      out += text[i++];
    }
  }
  return out;
}

/** Parse a JSON template, setting each Liquid block aside so that JSON.parse sees plain JSON. */
export function parseTemplate(text: string): Record<string, unknown> | undefined {
  if (text.includes(MARK) || text.includes(BARE)) return undefined;
  const blocks: string[] = [];
  let value: unknown;
  try {
    value = JSON.parse(hideLiquid(text, blocks));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return mapLeaves(value, (s) => {
    const bare = BARE_ONLY.exec(s);
    return bare ? new BareLiquid(blocks[Number(bare[1])]) : s.replace(MARKED, (_m, i: string) => blocks[Number(i)]);
  }) as Record<string, unknown>;
}

/**
 * JSON text whose Liquid blocks are written raw: JSON.stringify alone would turn the `"`
 * inside `replace: '"', "'"` into `\"`, which Liquid would then read.
 */
export function stringifyTemplate(value: Record<string, unknown>): string {
  const blocks: string[] = [];
  const hide = (block: string) => blocks.push(block) - 1;
  const hidden = mapLeaves(value, (s) => s.replace(LIQUID, (block) => `${MARK}${hide(block)}${MARK}`), (b) => `${BARE}${hide(b.liquid)}${BARE}`);
  return JSON.stringify(hidden)
    .replace(BARE_MARKED, (_m, i: string) => blocks[Number(i)])
    .replace(MARKED, (_m, i: string) => blocks[Number(i)]);
}

/** Apply `fn` to every string of a JSON value (keys included), `bare` to every BareLiquid. */
function mapLeaves(value: unknown, fn: (s: string) => unknown, bare: (b: BareLiquid) => unknown = (b) => b): unknown {
  if (typeof value === 'string') return fn(value);
  if (value instanceof BareLiquid) return bare(value);
  if (Array.isArray(value)) return value.map((v) => mapLeaves(v, fn, bare));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fn(k) as string, mapLeaves(v, fn, bare)]));
  }
  return value;
}
