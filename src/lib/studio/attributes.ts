import type { ChannelModel } from '../setup/types';
import { ESCALATION_REASON, LAST_ANSWER_MAX_LENGTH, VARIABLE } from './constants';
import { sessionIdTemplate, userIdTemplate } from './templates';

/**
 * Task attributes of send-to-flex: a JSON text with Liquid inside, rendered by Studio
 * when the task is created. Liquid escapes nothing, so each value must render to
 * something that keeps the JSON valid:
 * - ids (phone numbers, SIDs, chat identities) are used as Flex's own defaults use them;
 * - the bot's free-text answer goes through core Liquid filters only (Studio documents
 *   `to_json` for objects, not for strings): newlines stripped, `"` turned into `'`,
 *   cut to LAST_ANSWER_MAX_LENGTH characters so the rendered text stays far below
 *   Studio's 1,024-character cap. A backslash in the answer is not neutralised
 *   (a `'\'` literal parses differently in Ruby Liquid and liquidjs); ordinary answers
 *   render to valid JSON.
 */
export function defaultFlexAttributes(model: ChannelModel): Record<string, string> {
  if (model === 'legacy') {
    return {
      name: '{{trigger.message.ChannelAttributes.from}}',
      channelType: '{{trigger.message.ChannelAttributes.channel_type}}',
      channelSid: '{{trigger.message.ChannelSid}}',
    };
  }
  return {
    name: '{{trigger.conversation.From}}',
    from: '{{trigger.conversation.From}}',
    channelType: '{{trigger.conversation.ChannelAttributes.channel_type}}',
    conversationSid: '{{trigger.conversation.ConversationSid}}',
  };
}

/** What the agent learns about the bot conversation, under the `cognigy` key. */
export function cognigyAttributes(model: ChannelModel, callBotName: string): Record<string, string> {
  return {
    userId: userIdTemplate(model),
    sessionId: sessionIdTemplate(model),
    lastAnswer: `{{widgets.${callBotName}.parsed.text | strip_newlines | replace: '"', "'" | truncate: ${LAST_ANSWER_MAX_LENGTH}}}`,
    reason: `{{flow.variables.${VARIABLE.escalationReason} | default: '${ESCALATION_REASON.bot}'}}`,
  };
}

export const COGNIGY_ATTRIBUTES_KEY = 'cognigy';

/** The attributes text of a send-to-flex the builder creates. */
export function buildAttributes(model: ChannelModel, callBotName: string): string {
  return stringifyTemplate({ ...defaultFlexAttributes(model), [COGNIGY_ATTRIBUTES_KEY]: cognigyAttributes(model, callBotName) });
}

/**
 * Merge the `cognigy` block into an existing attributes text, keeping every other key
 * (and its Liquid) as it was. Returns undefined when the text is not JSON once its Liquid
 * is set aside (e.g. `{"a": {{x | to_json}}}` or `{% if %}` around keys): such a
 * template is left untouched rather than rewritten by guess.
 */
export function mergeCognigyAttributes(existing: string, model: ChannelModel, callBotName: string): string | undefined {
  const parsed = parseTemplate(existing);
  if (!parsed) return undefined;
  return stringifyTemplate({ ...parsed, [COGNIGY_ATTRIBUTES_KEY]: cognigyAttributes(model, callBotName) });
}

const LIQUID = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
/** A private-use character: JSON.stringify leaves it alone and no template holds it. */
const MARK = '\uE000';
const MARKED = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');

/** Parse a JSON template, setting each Liquid block aside so that JSON.parse sees plain strings. */
export function parseTemplate(text: string): Record<string, unknown> | undefined {
  if (text.includes(MARK)) return undefined;
  const blocks: string[] = [];
  let value: unknown;
  try {
    value = JSON.parse(text.replace(LIQUID, (block) => `${MARK}${blocks.push(block) - 1}${MARK}`));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return mapStrings(value, (s) => s.replace(MARKED, (_m, i: string) => blocks[Number(i)])) as Record<string, unknown>;
}

/**
 * JSON text whose Liquid blocks are written raw: JSON.stringify alone would turn the `"`
 * inside `replace: '"', "'"` into `\"`, which Liquid would then read.
 */
export function stringifyTemplate(value: Record<string, unknown>): string {
  const blocks: string[] = [];
  const hidden = mapStrings(value, (s) => s.replace(LIQUID, (block) => `${MARK}${blocks.push(block) - 1}${MARK}`));
  return JSON.stringify(hidden).replace(MARKED, (_m, i: string) => blocks[Number(i)]);
}

/** Apply `fn` to every string of a JSON value, keys included. */
function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fn(k), mapStrings(v, fn)]));
  }
  return value;
}
