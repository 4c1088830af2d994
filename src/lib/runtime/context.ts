import type { ChannelModel } from '../domain/setup';
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
    /** Strings, numbers or parsed JSON objects (set-variables). */
    readonly variables: Readonly<Record<string, unknown>>;
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
  accountSid: string;
  messagingServiceSid: string;
}

/** What the customer's first message carries besides its text. */
export interface TriggerMessage {
  body: string;
  /** Media URLs (MMS, chat attachments). */
  media: readonly string[];
  /** When the message arrived (ms since the epoch): `DateCreated`. */
  at: number;
}

/**
 * Twilio's messaging webhook fields for media: `NumMedia` and one `MediaUrlN` per item
 * (the Trigger widget page lists them for Incoming Message).
 */
export function mediaFields(media: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = { NumMedia: String(media.length) };
  media.forEach((url, i) => (fields[`MediaUrl${i}`] = url));
  return fields;
}

/**
 * The sender's and receiver's location as Twilio's messaging webhook gives it for phone
 * numbers. The simulated numbers have no known location: empty, as Twilio sends them
 * when it knows none.
 */
const LOCATION_FIELDS = ['FromCity', 'FromState', 'FromZip', 'FromCountry', 'ToCity', 'ToState', 'ToZip', 'ToCountry'];

/** What identifies the customer's channel: the same for every execution on it. */
export interface ChannelSids {
  channelSid: string;
  instanceSid: string;
  proxySession: string;
}

/** `trigger.message.*` (legacy Flex, Programmable Chat) or `trigger.conversation.*`. */
export function triggerScope(
  model: ChannelModel,
  message: TriggerMessage,
  addresses: Addresses,
  sids: TriggerSids,
  channelType: string,
): Record<string, unknown> {
  const body = message.body;
  if (model === 'legacy') {
    const location: Record<string, string> = {};
    for (const field of LOCATION_FIELDS) location[field] = '';
    return {
      message: {
        Body: body,
        From: addresses.contactAddress,
        To: addresses.flowAddress,
        MessageSid: sids.messageSid,
        AccountSid: sids.accountSid,
        ...mediaFields(message.media),
        ...location,
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
      AccountSid: sids.accountSid,
      MessagingServiceSid: sids.messagingServiceSid,
      DateCreated: new Date(message.at).toISOString(),
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
  return {
    channelSid: sid('CH'),
    messageSid: sid('IM'),
    instanceSid: sid('IS'),
    proxySession: sid('KC'),
    accountSid: sid('AC'),
    messagingServiceSid: sid('MG'),
  };
}
