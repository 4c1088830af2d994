/**
 * How faithful the local run is, widget by widget: for each property and event, what
 * Studio documents (and where), what the interpreter does, and the verdict. Keyed by the
 * widget types of the registry (domain/widgets.ts); a unit test checks that every
 * transition event it knows has entries here, and that docs/fidelity-widgets.md is what
 * `scripts/fidelity-doc.ts` writes from them, so the page cannot drift from the code.
 */

import type { ModelledWidgetType } from '../domain/widgets';

/** same: as documented; assumed: the documentation is silent, this is our choice; differs: known gap. */
export type Verdict = 'same' | 'assumed' | 'differs';

export const SOURCES = {
  faq: 'https://www.twilio.com/docs/studio/user-guide/studio-faq',
  trigger: 'https://www.twilio.com/docs/studio/widget-library/trigger-start',
  setVariables: 'https://www.twilio.com/docs/studio/widget-library/set-variables',
  http: 'https://www.twilio.com/docs/studio/widget-library/http-request',
  error81014: 'https://www.twilio.com/docs/api/errors/81014',
  split: 'https://www.twilio.com/docs/studio/widget-library/split-based-on',
  sendWait: 'https://www.twilio.com/docs/studio/widget-library/send-wait-reply',
  sendMessage: 'https://www.twilio.com/docs/studio/widget-library/send-message',
  sendFlex: 'https://www.twilio.com/docs/studio/widget-library/send-flex',
  runFunction: 'https://www.twilio.com/docs/studio/widget-library/run-function',
  runSubflow: 'https://www.twilio.com/docs/studio/widget-library/run-subflow',
  subflows: 'https://www.twilio.com/docs/studio/subflows',
  executions: 'https://www.twilio.com/docs/studio/rest-api/v2/execution',
  messages21604: 'https://www.twilio.com/docs/api/errors/21604',
  none: '',
} as const;

export type SourceKey = keyof typeof SOURCES;

export interface FidelityEntry {
  /** A property (`url`), an event (`event: success`) or a variable (`widgets.X.parsed`). */
  aspect: string;
  /** What Studio's documentation says; for `assumed`, what it leaves open. */
  studio: string;
  source: SourceKey;
  /** What the local interpreter does. */
  local: string;
  verdict: Verdict;
}

const e = (aspect: string, source: SourceKey, studio: string, local: string, verdict: Verdict = 'same'): FidelityEntry => ({
  aspect,
  studio,
  source,
  local,
  verdict,
});

/** Limits of the whole flow and execution (not one widget's). */
export const FLOW_FIDELITY: readonly FidelityEntry[] = [
  e('widgets per flow', 'faq', 'At most 2,000 widgets; a larger flow cannot be published.', 'The lint refuses a flow of more than 2,000 widgets.'),
  e('steps per execution', 'faq', 'An execution ends after 1,000 steps.', 'The execution ends (reason `limit`) before the 1,001st step.'),
  e('same widget in a row', 'faq', 'An execution stops when the same widget runs 10 times in a row.', 'The 11th consecutive run of one widget ends the execution (reason `limit`).'),
  e('execution lifetime', 'faq', 'An active execution ends after 30 days.', 'A reply arriving more than 30 days after the start, or a wait whose timeout outlasts the 30 days, ends the execution (reason `limit`) instead of resuming it.'),
  e('Liquid loops', 'faq', '`for` loops stop after 15 iterations.', 'Same (liquid.ts).'),
  e('HTTP time budget', 'faq', 'Requests of Make HTTP Request and Run Function are limited to 10 s.', 'A call that takes longer takes the failure branch.'),
  e('unknown Liquid filters', 'none', 'Not documented.', 'Rendered as liquidjs does (an unknown filter is error 81018).', 'assumed'),
];

/** Entries for each type of the registry (domain/widgets.ts), and only those: the compiler checks. */
export const WIDGET_FIDELITY: { readonly [T in ModelledWidgetType]: readonly FidelityEntry[] } = {
  trigger: [
    e('event: incomingMessage', 'trigger', 'Starts an execution for an incoming message (legacy Flex: Programmable Chat).', 'Starts the execution; `trigger.message.*` is set.'),
    e('event: incomingConversationMessage', 'trigger', 'Starts an execution for a message in a Conversation (Flex Conversations).', 'Starts the execution; `trigger.conversation.*` is set. With both events wired, the channel model of the setup chooses (Conversations by default).'),
    e('event: incomingCall', 'trigger', 'Starts an execution for a call.', 'Not run: voice is not simulated; a flow wiring only this event is refused with a message.', 'differs'),
    e('event: incomingRequest', 'executions', 'Starts an execution from the REST API; `To`, `From`, and `Parameters` as `flow.data`.', 'With `--param KEY=VALUE` (or for a flow wiring only this event): `flow.data` from the parameters, `trigger.request.{from,to,parameters}`; the execution speaks first and the customer\'s messages answer it (docs/fidelity.md).', 'assumed'),
    e('event: incomingParent', 'subflows', 'Starts a subflow from its parent flow.', 'From a run-subflow widget, or a subflow run on its own with `--param` as its parameters (`flow.data`, `trigger.parent.parameters`).'),
    e('trigger.message.{Body,From,To,MessageSid,AccountSid}', 'trigger', 'The incoming message\'s fields.', 'Set; SIDs are minted (IM…, AC…).'),
    e('trigger.message.{NumMedia,MediaUrlN}', 'trigger', 'The number of media items and their URLs.', 'Set from the media the customer sends (`/media` in the REPL, `MEDIA` in Botium scripts); `NumMedia` is "0" without media.'),
    e('trigger.message.{From,To}{City,State,Zip,Country}', 'trigger', 'The location Twilio knows for each number.', 'Present and empty: the simulated numbers have no known location.', 'assumed'),
    e('trigger.message.{ChannelSid,InstanceSid,ChannelAttributes.*}', 'sendFlex', 'Legacy Flex chat fields (the default Send to Flex attributes read them).', 'Set; `ChannelAttributes.channel_type` is `sms` unless told otherwise.'),
    e('trigger.conversation.{AccountSid,DateCreated,MessagingServiceSid}', 'trigger', 'The Conversation message\'s account, creation time and messaging service.', 'Set: AC… and MG… SIDs minted, `DateCreated` the message\'s time in ISO 8601.'),
    e('trigger.conversation.{Body,From,ConversationSid,ChannelSid,MessageSid}', 'trigger', 'The Conversation message\'s fields.', 'Set.'),
    e('trigger.conversation media, other fields', 'none', 'Not documented for the Conversations trigger.', 'Not exposed; media sent on a Conversations flow adds a note to the transcript (REPL, `--message`) or a warning to the conversation (`--script`).', 'assumed'),
    e('flow.channel.address (Conversations)', 'none', 'Not documented for Conversations.', 'The flow\'s own address (a fixed test number), as for messaging.', 'assumed'),
  ],
  'set-variables': [
    e('variables[].value', 'setVariables', 'Static values "like a single number or a string", or Liquid; available as `flow.variables.<key>`.', 'Rendered; a value without `type` that renders to a plain number (and reads back the same: `007` stays text) is stored as a number, anything else as text. That numbers are stored as numbers is our reading of "a single number".', 'assumed'),
    e('variables[].type: "string"', 'none', 'The export\'s `type` field is not documented.', 'Kept as text, never converted.', 'assumed'),
    e('Parse as JSON object', 'setVariables', 'The value holds a JSON object and is parsed, so `flow.variables.<key>.<field>` works.', 'With `type: "json"` (the export key is assumed) the rendered text is parsed; when it is not a JSON object it stays text and the transcript says so.', 'assumed'),
    e('event: next', 'setVariables', 'Taken after the variables are set.', 'Same.'),
  ],
  'make-http-request': [
    e('method', 'http', 'GET or POST.', 'GET or POST; any other method ends the execution with an error.'),
    e('content_type, body, parameters', 'http', 'Form parameters or a JSON body (sent as rendered).', 'Same, with or without `;charset=utf-8` in the export; no content type is the form (lint warning); a GET puts form parameters in the query string.'),
    e('url with user:password@', 'http', 'Basic auth can be written into the URL.', 'The user and password are sent as an Authorization header; the URL shown and sent has them removed, and the password is redacted wherever it could appear.'),
    e('add_twilio_auth', 'http', 'Sends the request with the account\'s Twilio credentials, for Twilio APIs.', 'On for a URL that is not `https://….twilio.com`: nothing is sent and `failed` is taken (the lint warns). On for a Twilio API: sent without credentials, since the local run holds none.', 'differs'),
    e('parameter named "method"', 'error81014', 'A reserved word: error 81014.', 'Nothing is sent, the call fails with 81014 and `failed` is taken; the run exits non-zero. The lint warns.'),
    e('widgets.X.{status_code,content_type,body}', 'http', 'The answer\'s status, content type and body.', 'Same.'),
    e('widgets.X.parsed', 'http', 'Set when the answer is application/json and a JSON object.', 'Same: a JSON object sent as text/plain (or any other type) leaves `parsed` empty, and the transcript says why.'),
    e('parsed across runs', 'http', 'The page says nothing about merging (Run Function\'s page does).', 'Each answer replaces `parsed` (the bot loop\'s `parsed.text` relies on it: a turn without `text` sends nothing rather than the previous answer). No public report says otherwise; when an answer lacks a key the previous one had, the transcript says the two readings differ.', 'assumed'),
    e('event: success', 'http', '2xx answer within 10 s and 64 kB.', 'Same.'),
    e('event: failed', 'http', 'Non-2xx, time-out, too large, network error.', 'Same, plus the refusals above.'),
  ],
  'split-based-on': [
    e('input', 'split', 'The value tested, rendered.', 'Same.'),
    e('conditions (17 types)', 'split', 'Not case-sensitive, leading and trailing spaces trimmed.', 'Same (conditions.ts); number, time and date rules where the page is silent are listed there.'),
    e('regex', 'split', 'Case-insensitive; the pattern must match the entire input.', 'Same: the pattern is anchored at both ends (`[1-5]` does not match `16`).'),
    e('event: match', 'split', 'The first branch whose conditions all hold.', 'Same, in the order of the transitions.'),
    e('event: noMatch', 'split', 'No branch matched.', 'Same.'),
  ],
  'send-and-wait-for-reply': [
    e('body, from', 'sendWait', 'The message, from `flow.channel.address` by default.', 'Same; the message is shown in the transcript.'),
    e('timeout', 'sendWait', 'Seconds to wait (default 3,600).', 'Same, given as a string or a number (older exports); `/silence` or a script\'s silence step takes `timeout`.'),
    e('to, media_url, content template', 'sendMessage', 'As Send Message.', 'As Send Message (below); no recipient takes `deliveryFailure`.'),
    e('widgets.X.outbound.{Body,From,To,Sid,Status}', 'sendWait', 'The message sent.', 'Same (`Sid` minted, `Status` "sent").'),
    e('widgets.X.inbound.{Body,From,To,MessageSid}', 'sendWait', 'The customer\'s reply.', 'Same; with media on legacy messaging also `NumMedia`/`MediaUrlN`.'),
    e('event: incomingMessage', 'sendWait', 'The customer replied.', 'Same.'),
    e('event: timeout', 'sendWait', 'No reply within the timeout.', 'Same; a wait that outlasts the execution\'s 30 days ends the execution instead.'),
    e('event: deliveryFailure', 'sendWait', 'The message could not be delivered.', 'Taken only when `to` renders empty (no recipient); delivery itself is not simulated.', 'differs'),
    e('after a hand-over', 'none', 'Not documented: the customer\'s messages go to the agent.', 'A wait reached after send-to-flex created a task ends the execution (reason `handover`).', 'assumed'),
  ],
  'send-message': [
    e('body, from, to', 'sendMessage', 'From `flow.channel.address` to `contact.channel.address` by default.', 'Same; `to` absent or empty is the contact.'),
    e('to: another address', 'sendMessage', 'The message goes to that address.', 'Shown as a message to that address (kind `other-recipient`, with `to`), never as one the customer receives; scripts do not see it.'),
    e('to rendering empty', 'messages21604', 'The Messages API refuses a message without `To` (21604).', '`failed` is taken and the transcript says why.', 'assumed'),
    e('media_url', 'sendMessage', 'The URL of media sent with the message.', 'Rendered and carried with the message (`mediaUrl`; `[media …]` in text); not fetched.'),
    e('message_type: content_template, content_sid, content_variables', 'none', 'Not on the widget page: the export holds the Content API template and its variables.', 'The template is what is sent, not `body`: shown as `[content template HX… with {{1}}="…"]` (`content` in JSON); its text lives in the Content API and is not fetched.', 'assumed'),
    e('widgets.X.outbound.{Body,From,To,Sid,Status}', 'sendMessage', 'The message sent.', 'Same (`Sid` minted, `Status` "sent").'),
    e('event: sent', 'sendMessage', 'The message was sent.', 'Same.'),
    e('event: failed', 'sendMessage', 'Sending failed.', 'Taken only when `to` renders empty (no recipient); delivery itself is not simulated.', 'differs'),
  ],
  'send-to-flex': [
    e('workflow, channel', 'sendFlex', 'The TaskRouter workflow and task channel.', 'Rendered; no workflow, or one that is not a WW… SID, means TaskRouter refuses the task. Whether a WW… workflow exists in the account is not checked.', 'differs'),
    e('attributes', 'sendFlex', 'JSON, at most 1,024 characters; Liquid rendered.', 'Same; invalid JSON or over 1,024 characters refuses the task.'),
    e('attributes length (Conversations)', 'none', 'Whether the 1,024 characters count before or after the keys Studio adds is not documented.', 'The rendered text of the widget is measured, before the added keys.', 'assumed'),
    e('attributes (legacy messaging, none set)', 'sendFlex', 'Default `{"name", "channelType", "channelSid"}` from `trigger.message`.', 'Same.'),
    e('attributes (Conversations)', 'sendFlex', 'The widget adds channelType, customerAddress, from, name and customerName.', 'Added: the channel type from the trigger, the others the customer\'s address.'),
    e('attributes (Conversations), a key set twice', 'none', 'Which wins when the widget\'s attributes set one of the added keys is not documented.', 'The widget\'s own value is kept.', 'assumed'),
    e('timeout', 'sendFlex', 'Seconds the task may live: default 3,600, at most 1,209,600.', 'Default 3,600; outside 1…1,209,600 the task is refused; the lint says so for a literal value.'),
    e('priority', 'sendFlex', 'The task\'s priority.', 'Rendered and shown; not checked.'),
    e('widgets.X.{TaskSid,Attributes}', 'sendFlex', 'The created task.', 'Same (`TaskSid` minted only when the task is created).'),
    e('event: callComplete', 'sendFlex', '"Task Created": taken once the task exists; the flow goes on along it.', 'Same: later widgets run (a message after it is sent); the execution then ends with reason `handover`, and the bot no longer answers the customer.'),
    e('event: failedToEnqueue', 'sendFlex', 'TaskRouter refused the task.', 'Taken when the task would be refused (see above); the transcript says why and the run exits non-zero; a script fails, unless it says `handover: refused` to test this branch.'),
    e('event: callFailure', 'sendFlex', 'Voice only.', 'Never taken (voice is not simulated).', 'differs'),
  ],
  'run-function': [
    e('url, parameters', 'runFunction', 'POSTs the parameters to the Function.', 'Same (form-encoded).'),
    e('url "" with service_sid, function_sid', 'runFunction', 'The widget selects a Service, Environment and Function; a Console export holds their SIDs and `url: ""`, and Studio finds the URL by them.', 'The URL comes from `--function NAME=URL` or `--function ZH…=URL`, or a stub answers; without either the run stops at the widget, naming the flag.', 'differs'),
    e('widgets.X.parsed', 'runFunction', 'Merged with earlier runs of the same widget; kept when a later answer is not JSON.', 'Same (a shallow merge: later keys win).'),
    e('parsed content type', 'none', 'The Run Function page does not name a content type.', 'As Make HTTP Request: application/json only.', 'assumed'),
    e('event: success', 'runFunction', '2xx answer within 10 s.', 'Same.'),
    e('event: fail', 'runFunction', 'The Function failed or timed out.', 'Same.'),
  ],
  'run-subflow': [
    e('flow_sid', 'runSubflow', 'The flow that holds the subflow.', 'From `--subflow FW…=FILE`, or with `--flow` read from Twilio; not loaded, the run stops at the widget naming the flag.'),
    e('flow_revision', 'runSubflow', 'Latest Draft, Latest Published or a revision number.', 'Not resolved: the file given, or the flow\'s current definition.', 'differs'),
    e('parameters', 'runSubflow', 'Key-value pairs passed into the subflow (strings unless "parse as JSON object").', 'Rendered strings as `flow.data` and `trigger.parent.parameters`; "parse as JSON object" is not modelled.', 'differs'),
    e('execution', 'subflows', 'The subflow runs as part of the parent\'s execution.', 'Same: one step count, the same customer; the subflow has its own variables and widgets.'),
    e('widgets.X.<key>', 'runSubflow', 'Variables the subflow sets are read from the Run Subflow widget, not `flow.variables`.', 'Same.'),
    e('event: completed', 'runSubflow', 'The subflow reached the end of its widgets.', 'Same.'),
    e('event: failed', 'runSubflow', 'The subflow could not be loaded or executed.', 'Taken when the child wires no `incomingParent` or stops with an error Studio raises (81018…); a hand-over or a limit in the child ends the whole execution.', 'assumed'),
  ],
};
