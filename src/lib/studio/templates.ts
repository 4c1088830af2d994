import type { ChannelModel } from '../domain/setup';
import { TRIGGER_ROOT } from '../domain/studio';

/**
 * What the bot receives for a customer message without text (an image, a location, a
 * sticker: its `Body` is empty). Cognigy would take an empty text (data is sent too), but the
 * bot could not tell "nothing" from "a picture"; a fixed text it can match on can. The media
 * URLs go in `data.media` on legacy messaging, where Studio has them (`MediaUrlN`); the
 * Conversations trigger documents no media field (Conversations' messages carry media SIDs,
 * not URLs), so there the bot gets the placeholder only.
 */
export const MEDIA_PLACEHOLDER = '[media]';

/** A customer message's text, or the media placeholder when it has none. */
export function customerTextTemplate(body: string): string {
  return `{% if ${body} == nil or ${body} == "" %}${MEDIA_PLACEHOLDER}{% else %}{{ ${body} }}{% endif %}`;
}

/** Twilio sends at most 10 media items with a message (`MediaUrl0` … `MediaUrl9`). */
const MAX_MEDIA = 10;

/**
 * The media URLs of a legacy message (`<root>.MediaUrl0` …), separated by spaces (a URL has
 * none), or nothing; undefined for Conversations, whose trigger documents no media field.
 */
export function mediaTemplate(model: ChannelModel, root: string): string | undefined {
  if (model !== 'legacy') return undefined;
  return (
    `{% assign said = 0 %}{% for i in (0..${MAX_MEDIA - 1}) %}{% assign key = "MediaUrl" | append: i %}{% assign url = ${root}[key] %}` +
    `{% unless url == nil or url == "" %}{% if said > 0 %} {% endif %}{{ url }}{% assign said = said | plus: 1 %}{% endunless %}{% endfor %}`
  );
}

/** The customer's message that started the execution. */
export function triggerBodyTemplate(model: ChannelModel): string {
  return customerTextTemplate(`${TRIGGER_ROOT[model]}.Body`);
}

/** Cognigy `userId`: the customer's address (phone number, WhatsApp address, chat identity). */
export function userIdTemplate(model: ChannelModel): string {
  return `{{${TRIGGER_ROOT[model]}.From}}`;
}

/**
 * Cognigy `sessionId`: one per conversation. Conversations has the conversation SID;
 * legacy Flex messaging uses the proxy session, as the Cognigy guide does.
 */
export function sessionIdTemplate(model: ChannelModel): string {
  return model === 'conversations'
    ? '{{trigger.conversation.ConversationSid}}'
    : '{{trigger.message.ChannelAttributes.proxySession}}';
}

/**
 * Studio's Liquid runs a `for` loop at most 15 times (Studio FAQ, "Liquid Template loops"),
 * so the flow reads the first 15 outputs of an answer; test-chat says when an answer has more.
 */
export const LIQUID_LOOP_LIMIT = 15;

/**
 * A data path in Liquid's bracket notation (`["handover"]["requested"]`): Studio's Liquid
 * names "should always start with a letter", and Cognigy's rich-content keys start with
 * `_` (`_cognigy`), so dot notation is not safe for them. Keys are validated names (no quotes).
 */
export function liquidPath(root: string, keys: readonly string[]): string {
  return `${root}${keys.map((k) => `["${k}"]`).join('')}`;
}

/**
 * "true" when the bot asks for an agent: the escalation key is `true` or "true" (any case)
 * in the data of any of the first 15 outputs, or in the top-level data. How Cognigy merges
 * several outputs' data into the top-level `data` is not documented, so every output is read.
 */
export function escalationTemplate(callBot: string, escalationKey: string): string {
  const keys = escalationKey.split('.');
  const bot = `widgets.${callBot}.parsed`;
  const test = (value: string) => `{% assign flag = ${value} | downcase | strip %}{% if flag == "true" %}{% assign wanted = "true" %}{% endif %}`;
  return (
    `{% assign wanted = "false" %}` +
    `{% for output in ${bot}.outputStack limit: ${LIQUID_LOOP_LIMIT} %}${test(liquidPath('output.data', keys))}{% endfor %}` +
    `${test(liquidPath(`${bot}.data`, keys))}{{ wanted }}`
  );
}

/**
 * What the customer receives for one bot answer: each output's text, or, for an output
 * with quick replies or buttons and no text (Cognigy sends `text` empty or null there),
 * the text of the quick replies or buttons; then their titles as a list, one "- title" per
 * line, because a Studio message carries only a body on every channel (SMS, WhatsApp,
 * chat), so the customer would not see the buttons and could not know the choices.
 * Texts are joined with a space, as Cognigy's top-level `text` joins them. An answer
 * without an `outputStack` (an Execution Finished transformer that reshapes it) or with
 * more outputs than a Liquid loop reaches falls back to the top-level `text`.
 */
export function replyTemplate(callBot: string): string {
  const bot = `widgets.${callBot}.parsed`;
  // Each output's rich content is looked up once; a plain text output (the common case)
  // then skips every rich-content branch, which keeps the per-turn Liquid work small.
  const rich = (kind: string) => liquidPath('rich', [kind]);
  const blank = (v: string) => `${v} == nil or ${v} == ""`;
  const choices = (kind: string, list: string) =>
    `{% for choice in ${rich(kind)}["${list}"] limit: ${LIQUID_LOOP_LIMIT} %}{% if choice.title != nil and choice.title != "" %}` +
    `{% if said > 0 %}{{ nl }}{% endif %}- {{ choice.title }}{% assign said = said | plus: 1 %}{% assign sep = nl %}{% endif %}{% endfor %}`;
  return (
    // A newline without relying on escapes in string literals, which Liquid does not have.
    `{% capture nl %}\n{% endcapture %}{% assign said = 0 %}{% assign sep = " " %}` +
    `{% if ${bot}.outputStack.size > ${LIQUID_LOOP_LIMIT} %}{{ ${bot}.text }}{% else %}` +
    `{% for output in ${bot}.outputStack limit: ${LIQUID_LOOP_LIMIT} %}` +
    `{% assign piece = output.text %}{% assign rich = ${liquidPath('output.data', ['_cognigy', '_default'])} %}` +
    `{% if rich %}` +
    `{% if ${blank('piece')} %}{% assign piece = ${rich('_quickReplies')}["text"] %}{% endif %}` +
    `{% if ${blank('piece')} %}{% assign piece = ${rich('_buttons')}["text"] %}{% endif %}` +
    `{% endif %}` +
    `{% unless ${blank('piece')} %}{% if said > 0 %}{{ sep }}{% endif %}{{ piece }}{% assign said = said | plus: 1 %}{% assign sep = " " %}{% endunless %}` +
    `{% if rich %}${choices('_quickReplies', 'quickReplies')}${choices('_buttons', 'buttons')}{% endif %}` +
    `{% endfor %}{% if said == 0 %}{{ ${bot}.text }}{% endif %}{% endif %}`
  );
}
