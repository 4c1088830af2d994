import type { ChannelModel } from '../domain/setup';
import {
  DEFAULT_FLEX_FAILURE_MESSAGE,
  DEFAULT_BOT_FAILURE_END_MESSAGE,
  DEFAULT_BOT_FAILURE_MESSAGE,
  DEFAULT_ESCALATION_FALLBACK,
  ESCALATION_REASON,
  LoopNames,
  VARIABLE,
  WidgetRole,
} from './constants';
import { BuildOptions, botRequestUrl } from './options';
import { customerTextTemplate, escalationTemplate, mediaTemplate, replyTemplate, sessionIdTemplate, triggerBodyTemplate, userIdTemplate } from './templates';
import type { KeyValue, Offset, WidgetState } from '../domain/flow';
import { DEFAULT_REPLY_TIMEOUT_SECONDS, FORM_CONTENT_TYPE, JSON_CONTENT_TYPE, TRIGGER_ROOT } from '../domain/studio';

/** Canvas grid: a widget box is about 400×200 px; cells leave a 50 px gap. */
export const CELL = { width: 450, height: 250 } as const;

/**
 * Where each loop widget sits, in cells from the trigger: the conversation path runs
 * down column 0, escalation in column 1, bot failure in column 2, so every forward
 * transition goes down the canvas and no two boxes overlap.
 */
export function loopGrid(onBotFailure: BuildOptions['onBotFailure']): Record<WidgetRole, { col: number; row: number }> {
  return {
    trigger: { col: 0, row: 0 },
    setText: { col: 0, row: 1 },
    callBot: { col: 0, row: 2 },
    readAnswer: { col: 0, row: 3 },
    checkEscalation: { col: 0, row: 4 },
    checkReply: { col: 0, row: 5 },
    reply: { col: 0, row: 6 },
    setReply: { col: 0, row: 7 },
    tellEscalation: { col: 1, row: 5 },
    toFlex: { col: 1, row: 6 },
    flexFailed: { col: 1, row: 7 },
    markBotFailure: { col: 2, row: 3 },
    botFailed: { col: 2, row: onBotFailure === 'escalate' ? 4 : 3 },
  };
}

export function gridOffset(origin: Offset, cell: { col: number; row: number }): Offset {
  return { x: origin.x + cell.col * CELL.width, y: origin.y + cell.row * CELL.height };
}

/** Legacy chat widgets name the Programmable Chat service and channel explicitly, as Flex's exports do. */
function chatTarget(model: ChannelModel): Record<string, string> {
  return model === 'legacy' ? { service: '{{trigger.message.InstanceSid}}', channel: '{{trigger.message.ChannelSid}}' } : {};
}

function variable(key: string, value: string): KeyValue {
  return { type: 'string', key, value };
}

/**
 * The loop's widgets, from the text variable to the failure apology, without offsets
 * and without the send-to-flex (built or reused by the caller, named `names.toFlex`).
 * Roles in the returned order: setText, callBot, readAnswer, checkEscalation, checkReply, reply, setReply,
 * tellEscalation, [markBotFailure], botFailed.
 */
export function loopStates(names: LoopNames, options: BuildOptions): Array<{ role: WidgetRole; state: WidgetState }> {
  const model = options.channelModel;
  const out: Array<{ role: WidgetRole; state: WidgetState }> = [];
  const add = (role: WidgetRole, type: string, properties: Record<string, unknown>, transitions: WidgetState['transitions']) =>
    out.push({ role, state: { name: names[role], type, properties, transitions } });
  const reply = `{{flow.variables.${VARIABLE.reply}}}`;
  const wantsAgent = `{{flow.variables.${VARIABLE.escalate}}}`;

  // The customer's text, and on legacy messaging the media URLs that came with it.
  const customerVariables = (text: string, root: string) => {
    const media = mediaTemplate(model, root);
    return [variable(VARIABLE.text, text), ...(media ? [variable(VARIABLE.media, media)] : [])];
  };
  add('setText', 'set-variables', { variables: customerVariables(triggerBodyTemplate(model), TRIGGER_ROOT[model]) }, [
    { event: 'next', next: names.callBot },
  ]);
  add(
    'callBot',
    'make-http-request',
    {
      method: 'POST',
      // Never send Twilio credentials to a third party.
      add_twilio_auth: false,
      url: botRequestUrl(options.endpointUrl, options.testMode),
      ...botRequest(model, options.requestFormat ?? 'form'),
    },
    [
      { event: 'success', next: names.readAnswer },
      { event: 'failed', next: options.onBotFailure === 'escalate' ? names.markBotFailure : names.botFailed },
    ],
  );
  // The answer is read once, into two variables the later widgets (and the Console's
  // reader) share: what the customer gets, and whether any output asks for an agent.
  add(
    'readAnswer',
    'set-variables',
    {
      variables: [
        variable(VARIABLE.reply, replyTemplate(names.callBot)),
        variable(VARIABLE.escalate, escalationTemplate(names.callBot, options.escalationKey)),
      ],
    },
    [{ event: 'next', next: names.checkEscalation }],
  );
  add('checkEscalation', 'split-based-on', { input: wantsAgent }, [
    { event: 'noMatch', next: names.checkReply },
    {
      event: 'match',
      next: names.tellEscalation,
      conditions: [
        {
          friendly_name: `The bot asks for an agent (${options.escalationKey})`,
          arguments: [wantsAgent],
          type: 'equal_to',
          value: 'true',
        },
      ],
    },
  ]);
  // A turn where the bot says nothing (data-only outputs, an empty answer) must not send
  // the customer an empty message: the execution ends, and the customer's next message
  // starts a new one that continues the same Cognigy session (the session id is the
  // conversation's, not the execution's).
  add('checkReply', 'split-based-on', { input: reply }, [
    { event: 'noMatch', next: names.reply },
    {
      event: 'match',
      conditions: [{ friendly_name: 'The bot has nothing to say', arguments: [reply], type: 'is_blank', value: 'Is Blank' }],
    },
  ]);
  add(
    'reply',
    'send-and-wait-for-reply',
    {
      ...chatTarget(model),
      from: '{{flow.channel.address}}',
      body: reply,
      timeout: String(options.replyTimeoutSeconds ?? DEFAULT_REPLY_TIMEOUT_SECONDS),
    },
    [
      { event: 'incomingMessage', next: names.setReply },
      // A silent customer or an undeliverable reply ends the execution, so that it
      // does not block the customer's next chat.
      { event: 'timeout' },
      { event: 'deliveryFailure' },
    ],
  );
  const inbound = `widgets.${names.reply}.inbound`;
  add('setReply', 'set-variables', { variables: customerVariables(customerTextTemplate(`${inbound}.Body`), inbound) }, [
    { event: 'next', next: names.callBot },
  ]);
  add(
    'tellEscalation',
    'send-message',
    {
      ...chatTarget(model),
      from: '{{flow.channel.address}}',
      to: '{{contact.channel.address}}',
      body: options.escalationMessage ?? `{{flow.variables.${VARIABLE.reply} | default: '${DEFAULT_ESCALATION_FALLBACK}'}}`,
    },
    // The agent is wanted even when the goodbye could not be delivered.
    [
      { event: 'sent', next: names.toFlex },
      { event: 'failed', next: names.toFlex },
    ],
  );
  if (options.onBotFailure === 'escalate') {
    add('markBotFailure', 'set-variables', { variables: [variable(VARIABLE.escalationReason, ESCALATION_REASON.botFailure)] }, [
      { event: 'next', next: names.botFailed },
    ]);
  }
  const escalate = options.onBotFailure === 'escalate';
  add(
    'botFailed',
    'send-message',
    {
      ...chatTarget(model),
      from: '{{flow.channel.address}}',
      to: '{{contact.channel.address}}',
      body: options.botFailureMessage ?? (escalate ? DEFAULT_BOT_FAILURE_MESSAGE : DEFAULT_BOT_FAILURE_END_MESSAGE),
    },
    escalate
      ? [
          { event: 'sent', next: names.toFlex },
          { event: 'failed', next: names.toFlex },
        ]
      : [{ event: 'sent' }, { event: 'failed' }],
  );
  return out;
}

/** The send-to-flex events that mean no task was created. */
export const FLEX_FAILURE_EVENTS = ['failedToEnqueue', 'callFailure'] as const;

/**
 * Where a send-to-flex goes when Flex refuses the task (attributes Studio cannot parse,
 * a deleted workflow…): the customer was just told an agent is coming, so they are told
 * otherwise before the execution ends, instead of waiting for nobody.
 */
export function flexFailureState(name: string, model: ChannelModel): WidgetState {
  return {
    name,
    type: 'send-message',
    properties: { ...chatTarget(model), from: '{{flow.channel.address}}', to: '{{contact.channel.address}}', body: DEFAULT_FLEX_FAILURE_MESSAGE },
    transitions: [{ event: 'sent' }, { event: 'failed' }],
  };
}

/**
 * The bot call's body, in the chosen format, with the same fields either way.
 * - form: Studio form-encodes each parameter, so the customer's text reaches the bot intact
 *   whatever it holds; `data` travels as bracket keys (`data[channel]`), the usual form
 *   notation of a nested object. Whether Cognigy reads them so is not documented:
 *   `init` probes exactly this body.
 * - json: Studio sends the rendered body as it is and escapes nothing, so every value goes
 *   through `to_json`: a quote, a backslash or a new line in the customer's text stays
 *   valid JSON.
 */
export function botRequest(model: ChannelModel, format: 'form' | 'json'): Record<string, unknown> {
  const fields = botParameters(model);
  if (format === 'form') return { content_type: FORM_CONTENT_TYPE, parameters: fields };
  // `default` first: a value missing from the context still renders valid JSON ("").
  const value = (kv: KeyValue) => (kv.value.startsWith('{{') ? `${kv.value.slice(0, -2)} | default: '' | to_json}}` : JSON.stringify(kv.value));
  const top = fields.filter((kv) => !kv.key.startsWith('data['));
  const data = fields.filter((kv) => kv.key.startsWith('data['));
  const pairs = top.map((kv) => `${JSON.stringify(kv.key)}: ${value(kv)}`);
  // Spaces around the braces: a literal "}}" right after an output tag is left to no parser's reading.
  pairs.push(`"data": { ${data.map((kv) => `${JSON.stringify(kv.key.slice(5, -1))}: ${value(kv)}`).join(', ')} }`);
  return { content_type: JSON_CONTENT_TYPE, body: `{ ${pairs.join(', ')} }` };
}

/** The bot call's fields, as form parameters (`data[…]` for the data object's keys). */
export function botParameters(model: ChannelModel): KeyValue[] {
  return [
    { key: 'userId', value: userIdTemplate(model) },
    { key: 'sessionId', value: sessionIdTemplate(model) },
    { key: 'text', value: `{{flow.variables.${VARIABLE.text}}}` },
    { key: 'data[channel]', value: `twilio-${model}` },
    { key: 'data[twilioNumber]', value: '{{flow.channel.address}}' },
    ...(model === 'legacy' ? [{ key: 'data[media]', value: `{{flow.variables.${VARIABLE.media}}}` }] : []),
  ];
}
