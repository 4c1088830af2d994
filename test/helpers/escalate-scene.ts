import type { FakeState } from '../stand-ins/twilio';

export interface Scene {
  customer: string;
  sid: string;
  executionSid: string;
}

/** A Flex Conversations customer who talked to the bot; the bot's execution is still waiting. */
export function conversationScene(state: FakeState, flowSid: string, customer: string, messages = 4): Scene {
  const said = Array.from({ length: messages }, (_, i) =>
    i % 2 ? { author: 'system', body: `Bot answer ${i}` } : { author: customer, body: `Customer says ${i}` },
  );
  const conversation = state.addConversation({ participants: [{ address: customer }], messages: said });
  const exec = state.addExecution(flowSid, customer);
  exec.context.trigger = { conversation: { ConversationSid: conversation.sid, From: customer } };
  return { customer, sid: conversation.sid, executionSid: exec.sid };
}
