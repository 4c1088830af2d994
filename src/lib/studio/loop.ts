import type { ChannelModel } from '../setup/types';
import {
  DEFAULT_FLEX_FAILURE_MESSAGE,
  DEFAULT_BOT_FAILURE_END_MESSAGE,
  DEFAULT_BOT_FAILURE_MESSAGE,
  DEFAULT_ESCALATION_FALLBACK,
  DEFAULT_REPLY_TIMEOUT_SECONDS,
  ESCALATION_REASON,
  FORM_CONTENT_TYPE,
  LoopNames,
  VARIABLE,
  WidgetRole,
} from './constants';
import { BuildOptions, botRequestUrl } from './options';
import { sessionIdTemplate, triggerBodyTemplate, userIdTemplate } from './templates';
import type { KeyValue, Offset, WidgetState } from './types';

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
    checkEscalation: { col: 0, row: 3 },
    checkReply: { col: 0, row: 4 },
    reply: { col: 0, row: 5 },
    setReply: { col: 0, row: 6 },
    tellEscalation: { col: 1, row: 4 },
    toFlex: { col: 1, row: 5 },
    flexFailed: { col: 1, row: 6 },
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
 * Roles in the returned order: setText, callBot, checkEscalation, checkReply, reply, setReply,
 * tellEscalation, [markBotFailure], botFailed.
 */
export function loopStates(names: LoopNames, options: BuildOptions): Array<{ role: WidgetRole; state: WidgetState }> {
  const model = options.channelModel;
  const bot = `widgets.${names.callBot}`;
  const escalationInput = `{{${bot}.parsed.data.${options.escalationKey}}}`;
  const out: Array<{ role: WidgetRole; state: WidgetState }> = [];
  const add = (role: WidgetRole, type: string, properties: Record<string, unknown>, transitions: WidgetState['transitions']) =>
    out.push({ role, state: { name: names[role], type, properties, transitions } });

  add('setText', 'set-variables', { variables: [variable(VARIABLE.text, triggerBodyTemplate(model))] }, [
    { event: 'next', next: names.callBot },
  ]);
  add(
    'callBot',
    'make-http-request',
    {
      method: 'POST',
      content_type: FORM_CONTENT_TYPE,
      // Never send Twilio credentials to a third party.
      add_twilio_auth: false,
      url: botRequestUrl(options.endpointUrl, options.testMode),
      parameters: botParameters(model),
    },
    [
      { event: 'success', next: names.checkEscalation },
      { event: 'failed', next: options.onBotFailure === 'escalate' ? names.markBotFailure : names.botFailed },
    ],
  );
  add('checkEscalation', 'split-based-on', { input: escalationInput }, [
    { event: 'noMatch', next: names.checkReply },
    {
      event: 'match',
      next: names.tellEscalation,
      conditions: [
        {
          friendly_name: `The bot asks for an agent (${options.escalationKey})`,
          arguments: [escalationInput],
          // Liquid renders boolean true as "true": a flag sent as true or "true" matches.
          type: 'matches_any_of',
          value: 'true',
        },
      ],
    },
  ]);
  // A turn where the bot says nothing (data-only outputs, an empty answer) must not send
  // the customer an empty message: the execution ends, and the customer's next message
  // starts a new one that continues the same Cognigy session (the session id is the
  // conversation's, not the execution's).
  const replyText = `{{${bot}.parsed.text}}`;
  add('checkReply', 'split-based-on', { input: replyText }, [
    { event: 'noMatch', next: names.reply },
    {
      event: 'match',
      conditions: [{ friendly_name: 'The bot has nothing to say', arguments: [replyText], type: 'is_blank', value: 'Is Blank' }],
    },
  ]);
  add(
    'reply',
    'send-and-wait-for-reply',
    {
      ...chatTarget(model),
      from: '{{flow.channel.address}}',
      body: `{{${bot}.parsed.text}}`,
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
  add('setReply', 'set-variables', { variables: [variable(VARIABLE.text, `{{widgets.${names.reply}.inbound.Body}}`)] }, [
    { event: 'next', next: names.callBot },
  ]);
  add(
    'tellEscalation',
    'send-message',
    {
      ...chatTarget(model),
      from: '{{flow.channel.address}}',
      to: '{{contact.channel.address}}',
      body: options.escalationMessage ?? `{{${bot}.parsed.text | default: '${DEFAULT_ESCALATION_FALLBACK}'}}`,
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
 * Form parameters of the bot call. Studio form-encodes each value, so the customer's
 * text reaches the bot intact whatever it holds. `data` travels as bracket keys
 * (`data[channel]`, `data[twilioNumber]`), the usual form notation of a nested object.
 */
export function botParameters(model: ChannelModel): KeyValue[] {
  return [
    { key: 'userId', value: userIdTemplate(model) },
    { key: 'sessionId', value: sessionIdTemplate(model) },
    { key: 'text', value: `{{flow.variables.${VARIABLE.text}}}` },
    { key: 'data[channel]', value: `twilio-${model}` },
    { key: 'data[twilioNumber]', value: '{{flow.channel.address}}' },
  ];
}
