import type { ChannelModel } from '../setup/types';
import type { SidFactory } from './sids';

/**
 * The Liquid scope of an execution, shaped as Studio's: `trigger`, `flow`, `contact`,
 * `widgets`. It is never mutated: a step that changes it builds new objects along the
 * changed path only (structural sharing), so old run states stay valid and cheap.
 */
export interface FlowContext {
  readonly trigger: Readonly<Record<string, unknown>>;
  readonly flow: {
    readonly flow_sid: string;
    /** The execution SID (FN…). */
    readonly sid: string;
    readonly channel: { readonly address: string };
    readonly variables: Readonly<Record<string, string>>;
    readonly data: Readonly<Record<string, unknown>>;
  };
  readonly contact: { readonly channel: { readonly address: string } };
  readonly widgets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface Addresses {
  /** The Twilio side: `flow.channel.address`. */
  flowAddress: string;
  /** The customer: `contact.channel.address`. */
  contactAddress: string;
}

export interface TriggerSids extends ChannelSids {
  messageSid: string;
}

/** What identifies the customer's channel: the same for every execution on it. */
export interface ChannelSids {
  channelSid: string;
  instanceSid: string;
  proxySession: string;
}

/** `trigger.message.*` (legacy Flex, Programmable Chat) or `trigger.conversation.*`. */
export function triggerScope(
  model: ChannelModel,
  body: string,
  addresses: Addresses,
  sids: TriggerSids,
  channelType: string,
): Record<string, unknown> {
  if (model === 'legacy') {
    return {
      message: {
        Body: body,
        From: addresses.contactAddress,
        To: addresses.flowAddress,
        MessageSid: sids.messageSid,
        ChannelSid: sids.channelSid,
        InstanceSid: sids.instanceSid,
        ChannelAttributes: {
          from: addresses.contactAddress,
          channel_type: channelType,
          proxySession: sids.proxySession,
          pre_engagement_data: {},
        },
      },
    };
  }
  return {
    conversation: {
      Body: body,
      From: addresses.contactAddress,
      ConversationSid: sids.channelSid,
      ChannelSid: sids.channelSid,
      MessageSid: sids.messageSid,
      ChannelAttributes: { from: addresses.contactAddress, channel_type: channelType },
    },
  };
}

export function initialContext(options: {
  flowSid: string;
  executionSid: string;
  addresses: Addresses;
  data?: Record<string, unknown>;
}): FlowContext {
  return {
    trigger: {},
    flow: {
      flow_sid: options.flowSid,
      sid: options.executionSid,
      channel: { address: options.addresses.flowAddress },
      variables: {},
      data: options.data ?? {},
    },
    contact: { channel: { address: options.addresses.contactAddress } },
    widgets: {},
  };
}

export function mintTriggerSids(sid: SidFactory): TriggerSids {
  return { channelSid: sid('CH'), messageSid: sid('IM'), instanceSid: sid('IS'), proxySession: sid('KC') };
}
