import type { FakeState } from '../stand-ins/twilio';

export interface Scene {
  customer: string;
  sid: string;
  executionSid: string;
}

/**
 * A Flex Conversations customer who talked to the bot; the bot's execution is still waiting.
 * `names` puts the customer's name where Twilio may hold it (the conversation, the participant).
 */
export function conversationScene(
  state: FakeState,
  flowSid: string,
  customer: string,
  messages = 4,
  names: { friendlyName?: string; participantAttributes?: string } = {},
): Scene {
  const said = Array.from({ length: messages }, (_, i) =>
    i % 2 ? { author: 'system', body: `Bot answer ${i}` } : { author: customer, body: `Customer says ${i}` },
  );
  const conversation = state.addConversation({
    friendlyName: names.friendlyName,
    participants: [{ address: customer, attributes: names.participantAttributes }],
    messages: said,
  });
  const exec = state.addExecution(flowSid, customer);
  exec.context.trigger = { conversation: { ConversationSid: conversation.sid, From: customer } };
  return { customer, sid: conversation.sid, executionSid: exec.sid };
}
