import type { ChannelModel, NamedResource, Setup } from '../domain/setup';
import { looksLikeSid } from './discovery';
import { buildHandoverAttributes, DEFAULT_REASON, MAX_ATTRIBUTES_BYTES, TranscriptMessage } from './handover-attributes';

/**
 * What the preview reads of a simulated chat (test-chat's ChatSession has it): Flex sits
 * below the conversation layer, so it names only the fields it needs.
 */
export interface PreviewedChat {
  /** The attributes the flow's Send to Flex widget rendered, if it ran. */
  readonly handover?: { readonly attributes?: unknown };
  readonly transcript: ReadonlyArray<{ readonly from: 'customer' | 'bot'; readonly text: string } | { readonly from: 'system' }>;
  /** The flow already handed the conversation to Flex. */
  readonly withAgent: boolean;
}

/** Stands for the live conversation's SID, which a simulated chat does not have. */
export const PREVIEW_SID = `CH${'0'.repeat(32)}`;

/** What `twilio cognigy:escalate` would do for a simulated conversation: data, for a printer. */
export interface EscalatePreview {
  channelModel: ChannelModel;
  /** The flow already handed the conversation to Flex: escalate would find that task and create nothing. */
  alreadyWithAgent: boolean;
  /** The conversation (or legacy chat channel) the flow rendered, else PREVIEW_SID. */
  sid: string;
  /** `sid` stands for the live one, which a simulated chat does not have. */
  placeholderSid: boolean;
  customer: string;
  /** The setup's routing; absent where the setup has none (no init yet). */
  workspace?: NamedResource;
  workflow?: NamedResource;
  taskChannel?: NamedResource;
  attributes: Record<string, unknown>;
  attributesBytes: number;
  attributesBudget: number;
  /** The transcript was cut to fit. */
  note?: string;
}

/**
 * What `twilio cognigy:escalate` would send for a simulated conversation (test-chat's
 * `/escalate`): the same attributes, built by the same code, from the chat's transcript.
 * Pure: nothing is sent. `customer` is the simulated customer's address (test-chat's
 * `--from`); without it the address the flow's hand-over rendered is used, if any.
 */
export function previewEscalate(chat: PreviewedChat, setup: Setup, options: { customer?: string; reason?: string } = {}): EscalatePreview {
  const model = setup.channelModel;
  const rendered = asObject(chat.handover?.attributes);
  const renderedSid = model === 'legacy' ? rendered.channelSid : rendered.conversationSid;
  const sid = typeof renderedSid === 'string' && looksLikeSid(renderedSid, 'CH') ? renderedSid : PREVIEW_SID;
  const address = options.customer ?? firstString(rendered.from, rendered.name) ?? '(the customer)';
  const cognigy = asObject(rendered.cognigy);
  const messages: TranscriptMessage[] = chat.transcript.flatMap((e) => (e.from === 'system' ? [] : [{ from: e.from, text: e.text }]));
  const built = buildHandoverAttributes({
    channelModel: model,
    sid,
    customer: { address, name: address },
    channelType: firstString(rendered.channelType) ?? 'sms',
    sessionId: firstString(cognigy.sessionId) ?? (model === 'conversations' ? sid : undefined),
    reason: options.reason ?? DEFAULT_REASON,
    messages,
  });
  return {
    channelModel: model,
    alreadyWithAgent: chat.withAgent,
    sid,
    placeholderSid: sid === PREVIEW_SID,
    customer: address,
    workspace: setup.workspace,
    workflow: setup.workflow,
    taskChannel: setup.taskChannel,
    attributes: built.attributes,
    attributesBytes: built.bytes,
    attributesBudget: MAX_ATTRIBUTES_BYTES,
    note: built.note,
  };
}

function asObject(value: unknown): Record<string, any> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : {};
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.trim() !== '' && !v.includes('{{'));
}
