import type { ChannelModel } from '../setup/types';
import { TRIGGER_ROOT } from './constants';

/** The customer's message that started the execution. */
export function triggerBodyTemplate(model: ChannelModel): string {
  return `{{${TRIGGER_ROOT[model]}.Body}}`;
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
