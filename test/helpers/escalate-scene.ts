import type { FakeState } from '../stand-ins/twilio';

export interface Scene {
  customer: string;
  sid: string;
  executionSid: string;
  /** The Studio webhook that makes each new message reach the flow (absent with `webhook: false`). */
  webhookSid?: string;
}

/**
 * A Flex Conversations customer who talked to the bot; the bot's execution is still waiting.
 * As an address configuration with auto-creation `studio` leaves it, the conversation holds a
 * `target: studio` webhook naming the flow (`webhook: false` leaves it out, as for a
 * conversation made some other way).
 * `names` puts the customer's name where Twilio may hold it (the conversation, the participant).
 */
export function conversationScene(
  state: FakeState,
  flowSid: string,
  customer: string,
  messages = 4,
  names: { friendlyName?: string; participantAttributes?: string } = {},
  options: { webhook?: boolean } = {},
): Scene {
  const said = Array.from({ length: messages }, (_, i) =>
    i % 2 ? { author: 'system', body: `Bot answer ${i}` } : { author: customer, body: `Customer says ${i}` },
  );
  const conversation = state.addConversation({
    friendlyName: names.friendlyName,
    participants: [{ address: customer, attributes: names.participantAttributes }],
    messages: said,
  });
  const webhook = options.webhook === false ? undefined : state.addConversationWebhook(conversation.sid, 'studio', { flow_sid: flowSid });
  const exec = state.addExecution(flowSid, customer);
  exec.context.trigger = { conversation: { ConversationSid: conversation.sid, From: customer } };
  return { customer, sid: conversation.sid, executionSid: exec.sid, webhookSid: webhook?.sid };
}
