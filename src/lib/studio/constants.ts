/**
 * The bot loop's widget names. Studio templates address widgets by name
 * (`widgets.ProcessUserInput.parsed.text`), so these are part of the flow's contract;
 * patching a flow whose names are taken uses `<name>_2`, `<name>_3`… instead.
 */
export const WIDGET = {
  trigger: 'Trigger',
  setText: 'SetUserText',
  callBot: 'ProcessUserInput',
  readAnswer: 'ReadBotAnswer',
  checkEscalation: 'CheckEscalation',
  checkReply: 'CheckBotText',
  reply: 'SendUserReply',
  setReply: 'SetReplyText',
  tellEscalation: 'SendEscalationMessage',
  toFlex: 'SendToFlexAgent',
  markBotFailure: 'SetBotFailureReason',
  botFailed: 'SendBotFailureMessage',
  flexFailed: 'SendFlexFailureMessage',
} as const;

export type WidgetRole = keyof typeof WIDGET;
/** The names the loop's widgets actually carry in one flow. */
export type LoopNames = Record<WidgetRole, string>;

/** Flow variables the loop sets (`flow.variables.<key>`). */
export const VARIABLE = {
  /** What the customer just said: the bot's next input. */
  text: 'text',
  /** The media URLs the customer just sent, separated by spaces (legacy messaging only). */
  media: 'media',
  /** Why the conversation goes to Flex; unset means the bot asked for it. */
  escalationReason: 'escalationReason',
  /** What the customer receives for the bot's last answer (texts, rich content as text). */
  reply: 'botReply',
  /** "true" when the bot's last answer asks for an agent. */
  escalate: 'botAsksForAgent',
} as const;

export const ESCALATION_REASON = { bot: 'bot-escalation', botFailure: 'bot-failure' } as const;

export const DEFAULT_BOT_FAILURE_MESSAGE = 'Sorry, our assistant is unavailable. Connecting you to an agent.';
/** With onBotFailure "end" nobody is connected, so the apology must not promise an agent. */
export const DEFAULT_BOT_FAILURE_END_MESSAGE = 'Sorry, our assistant is unavailable. Please try again later.';
/** Sent when Flex refuses the task: the customer was just told an agent is coming. */
export const DEFAULT_FLEX_FAILURE_MESSAGE = 'Sorry, we could not reach an agent right now. Please try again later.';
/** Sent at escalation when the bot's last answer has no text (a data-only output). */
export const DEFAULT_ESCALATION_FALLBACK = 'Connecting you to an agent.';
export const DEFAULT_DESCRIPTION = 'Cognigy.AI bot loop with escalation to Flex (built by twilio-plugin-cognigy)';

/** The bot's answer is cut to this length in the task attributes (the 1,024-character budget). */
export const LAST_ANSWER_MAX_LENGTH = 200;
