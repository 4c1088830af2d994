import type { Setup } from '../domain/setup';
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

/**
 * What `twilio cognigy:escalate` would send for a simulated conversation (test-chat's
 * `/escalate`): the same attributes, built by the same code, from the chat's transcript.
 * Pure: nothing is sent. `customer` is the simulated customer's address (test-chat's
 * `--from`); without it the address the flow's hand-over rendered is used, if any.
 */
export function describeEscalationPreview(chat: PreviewedChat, setup: Setup, options: { customer?: string; reason?: string } = {}): string {
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

  const named = (r: { sid: string; name: string } | undefined, what: string) =>
    r ? (r.name && r.name !== r.sid ? `${what} "${r.name}" (${r.sid})` : `${what} ${r.sid}`) : `${what} (none in the setup: run twilio cognigy:init)`;
  const routing = `${named(setup.workspace, 'workspace')}, ${named(setup.workflow, 'workflow')}, task channel ${setup.taskChannel?.name ?? '(none in the setup)'}`;
  const lines = ['What "twilio cognigy:escalate" would do for this conversation:'];
  if (chat.withAgent) {
    lines.push('  The flow already handed it to Flex: escalate would find that open task, say so and create nothing (--force creates another).');
  }
  lines.push(`  1. create ${model === 'legacy' ? `a TaskRouter task for chat channel ${sid}` : `a Flex Interaction on conversation ${sid}`}`);
  lines.push(`     routed to ${routing};`);
  const where = model === 'legacy' ? "chat channel's" : "conversation's";
  lines.push(`  2. remove the ${where} Studio webhook, so new messages no longer start the bot;`);
  lines.push(`  3. end the flow's active execution for ${address}, so the bot stops answering.`);
  if (sid === PREVIEW_SID) lines.push(`  (${PREVIEW_SID} stands for the live ${model === 'legacy' ? 'channel' : 'conversation'}'s SID.)`);
  lines.push(`  Task attributes (${built.bytes} of ${MAX_ATTRIBUTES_BYTES} bytes):`);
  for (const line of JSON.stringify(built.attributes, null, 2).split('\n')) lines.push(`    ${line}`);
  if (built.note) lines.push(`  ${built.note}`);
  return lines.join('\n');
}

function asObject(value: unknown): Record<string, any> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : {};
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.trim() !== '' && !v.includes('{{'));
}
