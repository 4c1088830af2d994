import type { ChannelModel } from './setup';
import type { TriggerEvent } from './widgets';

/*
 * Facts of Twilio Studio that more than one layer builds, checks, runs or explains flows
 * by (docs/fidelity-widgets.md and docs/platform-facts.md name their sources), and the
 * addresses of test-chat's simulated channel. One place for each: the builder, the lint,
 * the interpreter, the Cognigy client and the printers read them from here.
 */

/** The trigger event through which a channel model's customer messages arrive. */
export const TRIGGER_EVENT: Readonly<Record<ChannelModel, TriggerEvent>> = {
  conversations: 'incomingConversationMessage',
  legacy: 'incomingMessage',
};

/** The Liquid root of the triggering message for a channel model. */
export const TRIGGER_ROOT: Readonly<Record<ChannelModel, string>> = {
  conversations: 'trigger.conversation',
  legacy: 'trigger.message',
};

/** The Content-Type a make-http-request sends: its form parameters, or a JSON body. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

/** Studio's budget for one make-http-request or run-function call (and so for one bot call). */
export const STUDIO_HTTP_BUDGET_MS = 10_000;
/** Studio's limit on a make-http-request response body. */
export const STUDIO_HTTP_MAX_BODY_BYTES = 64 * 1024;

/** send-and-wait-for-reply's `timeout` when absent or unreadable: Studio's default. */
export const DEFAULT_REPLY_TIMEOUT_SECONDS = 3600;

/** send-to-flex `attributes`: at most this many characters, else TaskRouter refuses the task. */
export const MAX_TASK_ATTRIBUTES_CHARS = 1024;
/** send-to-flex `timeout` (seconds): Studio's default and maximum (Send to Flex page). */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 3600;
export const MAX_TASK_TIMEOUT_SECONDS = 1_209_600;

/** Studio FAQ: "A Flow is limited to 2,000 Widgets". */
export const MAX_STATES = 2000;

/** The simulated customer's address (`contact.channel.address`) when none is given (`--from`). */
export const DEFAULT_CUSTOMER_ADDRESS = '+15551234567';
/** The simulated flow's own address: Twilio's magic test number, which no real message reaches. */
export const DEFAULT_FLOW_ADDRESS = '+15005550006';
