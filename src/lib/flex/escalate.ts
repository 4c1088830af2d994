import { randomUUID } from 'crypto';
import { CognigyError, UsageError } from '../errors';
import type { ChannelModel, FlowTarget, NamedResource, ResolvedSetup } from '../domain/setup';
import { mayHaveSucceeded } from '../studio/deploy';
import type { ConversationInfo, EscalateCalls, ExecutionInfo, FlexFlow, FlowSummary, ParticipantInfo, ScopedWebhook, TaskInfo } from '../twilio/api';
import { looksLikeSid } from './discovery';
import {
  BuiltAttributes,
  buildHandoverAttributes,
  ESCALATED_BY,
  handoverKey,
  HandoverFacts,
  MAX_ATTRIBUTES_BYTES,
  TranscriptMessage,
} from './handover-attributes';
import { decideHandover, OpenHandover, OPEN_TASK_STATUSES } from './handover-decision';

export { previewEscalate } from './preview';
export { buildHandoverAttributes, MAX_ATTRIBUTES_BYTES } from './handover-attributes';
export { decideHandover } from './handover-decision';

/**
 * `cognigy:escalate`: hand a live conversation to a Flex agent by hand.
 *
 * Order of the writes: the hand-over is created first; then the conversation's Studio
 * webhook is removed (Studio's own Send to Flex "removes Studio from the engagement":
 * left in place, the next message, even the agent's, starts the bot again); then the
 * bot's execution is ended. A refused create leaves everything as it was (the bot still
 * answers, nothing to undo), and a failed removal or end after a good create is healed
 * by running the command again: it finds the open hand-over, creates nothing, removes
 * what is left and ends the execution.
 *
 * The bot's flow is the one the account says serves the conversation: its Studio webhook
 * (`configuration.flow_sid`); for legacy messaging the chat channel's `studio` webhook,
 * else the Flex Flow of the channel's chat service. The setup's flow (or --flow) is the
 * fallback, and the result says which one was used.
 *
 * Where things come from (decided, since the issue leaves it open):
 * - The transcript is read through the Conversations API for both channel models: a
 *   legacy Programmable Chat channel is the conversation of the same CH SID.
 * - The Cognigy session is what the flow sends as `sessionId` (studio/templates.ts): the
 *   conversation SID for Conversations; the channel's `proxySession` attribute for legacy
 *   messaging (else the one in the execution's trigger). Studio keeps a widget's answer in
 *   the execution context, not the request it sent, so `widgets.ProcessUserInput` cannot
 *   tell the session.
 * - No active execution: the hand-over is still made (a person asked for an agent and the
 *   bot is not running anyway), with a note.
 */

export interface EscalateRequest {
  /** A Flex Conversations conversation (CH…). */
  conversation?: string;
  /** A legacy Flex messaging chat channel (CH…). */
  channel?: string;
  /** The customer's address (+1…, whatsapp:+1…, a chat identity): found through the bot's execution. */
  contact?: string;
  /** `--channel-model` as given on the command line (not the saved one), to catch contradictions. */
  channelModel?: ChannelModel;
  reason?: string;
  force?: boolean;
  dryRun?: boolean;
}

/** The Twilio calls an escalation makes; EscalateTwilioApi implements it, tests fake it. */
export interface EscalateApi extends EscalateCalls {
  listFlows(): Promise<FlowSummary[]>;
  listFlexFlows(): Promise<FlexFlow[]>;
}

export interface EscalateDeps {
  api: EscalateApi;
  setup: Pick<ResolvedSetup, 'workspace' | 'workflow' | 'taskChannel' | 'channelModel' | 'flowTarget'>;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  newId?: () => string;
}

export type ExecutionAction = 'ended' | 'would-end' | 'left-running';
export type WebhookAction = 'removed' | 'would-remove' | 'already-gone';

/** Where the bot's flow was found. */
export type FlowSource = 'conversation-webhook' | 'channel-webhook' | 'flex-flow' | 'flag' | 'setup';

export interface EscalateResult {
  action: 'created' | 'already-handed-over' | 'would-create';
  channelModel: ChannelModel;
  /** The conversation (Conversations) or chat channel (legacy) handed over. */
  target: { kind: 'conversation' | 'channel'; sid: string };
  customer: { address: string; name: string; channelType: string };
  flow?: { sid: string; name: string; source: FlowSource };
  /** The conversation's (channel's) Studio webhooks: what makes the next message start the bot. */
  studioWebhooks: { sid: string; flowSid?: string; action: WebhookAction }[];
  executions: { sid: string; action: ExecutionAction; why?: string }[];
  routing: { workspace: NamedResource; workflow: NamedResource; taskChannel: NamedResource };
  /** What was created (or found, with `already-handed-over`). */
  handover?: { kind: 'interaction' | 'task'; interactionSid?: string; taskSid?: string; assignmentStatus?: string; madeBy?: string };
  /** The create failed with an error but had gone through (found on a second look). */
  recovered?: boolean;
  /** Open hand-overs that --force went past. */
  alsoOpen?: OpenHandover[];
  sessionId?: string;
  attributes?: Record<string, unknown>;
  attributesBytes?: number;
  attributesBudget: number;
  transcript?: { shown: number; total: number; note?: string };
  /** What the user should know (a flow that differs, a bot that was not running…), as data. */
  notes: EscalateNote[];
}

/** Messages read for the transcript: the newest ones; older ones are only counted as "more". */
export const MAX_MESSAGES_READ = 200;
/** Executions looked at for the customer's (newest first is not documented, so bounded). */
export const MAX_EXECUTIONS_READ = 1000;
/** Studio ends an execution after 30 days; older ones cannot be active. */
const EXECUTION_MAX_AGE_MS = 31 * 24 * 3600 * 1000;
const CREATE_ATTEMPTS = 3;
/** Interactions are accepted asynchronously: wait this long before looking for one that may exist. */
const RECHECK_DELAY_MS = 500;

const INTERACTION_CHANNEL_TYPES = new Set(['voice', 'sms', 'email', 'web', 'whatsapp', 'chat', 'messenger', 'gbm']);

type Target = { by: 'conversation' | 'channel' | 'contact'; value: string; model: ChannelModel };

/** The command line's target, checked before any API call. */
export function checkRequest(req: EscalateRequest, setupModel: ChannelModel): Target {
  const given = (['conversation', 'channel', 'contact'] as const).filter((k) => req[k] !== undefined);
  if (given.length !== 1) {
    throw new UsageError(
      given.length ? `Pass only one of ${given.map((g) => `--${g}`).join(', ')}.` : 'Which conversation? Nothing to escalate.',
      'Pass --conversation CH… (Flex Conversations), --channel CH… (legacy Flex messaging) or --contact +1… (the customer).',
    );
  }
  const by = given[0];
  const value = String(req[by]).trim();
  if (by === 'contact') {
    if (!value) throw new UsageError('--contact is empty.', "Give the customer's address, e.g. +15551234567 or whatsapp:+15551234567.");
    return { by, value, model: req.channelModel ?? setupModel };
  }
  if (!looksLikeSid(value, 'CH')) {
    throw new UsageError(
      `--${by} "${value}" is not a ${by === 'conversation' ? 'conversation' : 'chat channel'} SID.`,
      'Those are CH followed by 32 hex digits, e.g. CH0123456789abcdef0123456789abcdef.',
    );
  }
  const model: ChannelModel = by === 'conversation' ? 'conversations' : 'legacy';
  if (req.channelModel && req.channelModel !== model) {
    throw new UsageError(
      `--${by} is for ${model === 'legacy' ? 'legacy Flex messaging' : 'Flex Conversations'}, but --channel-model is ${req.channelModel}.`,
      model === 'legacy' ? 'Use --conversation CH… for Flex Conversations.' : 'Use --channel CH… for legacy Flex messaging.',
    );
  }
  return { by, value, model };
}

export async function escalate(req: EscalateRequest, deps: EscalateDeps): Promise<EscalateResult> {
  const { api, setup } = deps;
  const now = deps.now ?? (() => new Date());
  const target = checkRequest(req, setup.channelModel);
  let model = target.model;
  const routing = requireRouting(setup);
  const notes: EscalateNote[] = [];

  const flows = await api.listFlows();
  const configured = findConfiguredFlow(flows, setup.flowTarget);
  let flow = configured;

  // --contact: the bot's execution for that customer names the conversation.
  let found: FoundExecution[] | undefined;
  let sid = target.value;
  if (target.by === 'contact') {
    if (!flow) {
      throw new UsageError(
        `No Studio flow "${setup.flowTarget.name}" in this account: without the bot's flow the conversation of ${target.value} cannot be found.`,
        'Pass --conversation CH… or --channel CH… instead (the conversation names its flow), or --flow.',
      );
    }
    found = await findExecutions(api, flow, target.value, undefined, now(), notes);
    // The trigger tells the channel model (a conversation event or a chat message), unless
    // --channel-model says otherwise.
    const trigger = found.map((f) => f.context?.trigger).find((t) => t?.conversation?.ConversationSid || t?.message?.ChannelSid);
    if (!req.channelModel && trigger) model = trigger.conversation?.ConversationSid ? 'conversations' : 'legacy';
    const named = found.map((f) => namedSid(f.context, model)).find(Boolean);
    if (!named) {
      throw new CognigyError(
        found.length
          ? `The bot's execution for ${target.value} (${found[0].execution.sid}) does not say which ${model === 'legacy' ? 'chat channel' : 'conversation'} it serves.`
          : `No active execution of flow "${flow.name}" for ${target.value}, so its ${model === 'legacy' ? 'chat channel' : 'conversation'} cannot be found.`,
        { hint: `Pass ${model === 'legacy' ? '--channel' : '--conversation'} CH… instead.`, code: 'target-not-found', exitCode: 1 },
      );
    }
    sid = named;
  }

  const conversation = await fetchConversation(api, sid, model);
  const participants = await api.listConversationParticipants(sid);
  const customer = identifyCustomer(model, conversation, participants);
  const kind = model === 'legacy' ? 'channel' : 'conversation';

  const serving = await findServingFlow(api, model, conversation, customer.channelType);
  const chosen = chooseFlow(flows, serving, configured, setup.flowTarget, kind, notes);
  // The executions found through --contact belong to the setup's flow; another flow's are read below.
  if (chosen?.sid !== flow?.sid) found = undefined;
  flow = chosen;
  const hooks = serving.webhooks;
  if (serving.source === 'flex-flow' && hooks.length === 0) {
    notes.push({ code: 'flex-flow-without-webhook', flow: chosen?.name ?? serving.flowSid ?? '' });
  }
  const base = {
    channelModel: model,
    target: { kind, sid } as EscalateResult['target'],
    customer: { address: customer.address, name: customer.name, channelType: customer.channelType },
    flow,
    routing,
    attributesBudget: MAX_ATTRIBUTES_BYTES,
    notes,
  };

  const open = await findOpenHandovers(api, routing.workspace.sid, `${handoverKey(model)} == "${sid}"`);
  const decision = decideHandover(open, Boolean(req.force));
  if (decision.action === 'with-agent') {
    const h = decision.existing;
    throw new CognigyError(
      `${kind === 'channel' ? 'Chat channel' : 'Conversation'} ${sid} is already with an agent: task ${h.taskSid} is ${h.assignmentStatus}. Nothing was done.`,
      {
        hint: hooks.length
          ? `Its Studio webhook ${hooks.map((w) => w.sid).join(', ')} is still attached, so new messages also start the bot: pass --force to hand over again, which removes it and ends the bot.`
          : 'Check the conversation SID; pass --force to create another hand-over anyway.',
        code: 'already-with-agent',
        exitCode: 1,
        details: { handover: h },
      },
    );
  }

  if (!found && flow) found = await findExecutions(api, flow, customer.address, sid, now(), notes);
  const running = (found ?? []).filter((f) => !f.otherSid);
  const leftRunning = (found ?? []).filter((f) => f.otherSid);
  if (flow && running.length === 0 && decision.action === 'create') {
    notes.push({ code: 'bot-not-running', flow: flow.name, customer: customer.address });
  }

  if (decision.action === 'already-handed-over') {
    // A queued hand-over is in place; a bot still running beside it must stop (the
    // previous run may have failed between its create and its end).
    const studioWebhooks = await removeStudioWebhooks(api, model, conversation, hooks, Boolean(req.dryRun));
    const executions = await endExecutions(api, flow, running, Boolean(req.dryRun));
    const h = decision.existing;
    return {
      action: 'already-handed-over',
      ...base,
      studioWebhooks,
      executions: [...executions, ...leftRunningEntries(leftRunning)],
      handover: { kind: model === 'legacy' ? 'task' : 'interaction', taskSid: h.taskSid, interactionSid: h.interactionSid, assignmentStatus: h.assignmentStatus, madeBy: h.madeBy },
    };
  }

  const messages = await api.listConversationMessages(sid, MAX_MESSAGES_READ);
  const escalationId = (deps.newId ?? randomUUID)();
  const facts: HandoverFacts = {
    channelModel: model,
    sid,
    customer: { address: customer.address, name: customer.name },
    channelType: customer.channelType,
    sessionId: sessionIdFor(model, sid, conversation, running),
    reason: req.reason,
    messages: toTranscript(messages, customer),
    olderUnread: messages.length >= MAX_MESSAGES_READ,
    escalationId,
  };
  if (!facts.sessionId) notes.push({ code: 'session-unknown' });
  const built = buildHandoverAttributes(facts);
  const described = {
    ...base,
    sessionId: facts.sessionId,
    attributes: built.attributes,
    attributesBytes: built.bytes,
    transcript: { shown: built.shown, total: built.total, note: built.note },
    ...(decision.existing.length ? { alsoOpen: decision.existing } : {}),
  };

  if (req.dryRun) {
    return {
      action: 'would-create',
      ...described,
      studioWebhooks: hooks.map((w) => ({ sid: w.sid, flowSid: w.flowSid, action: 'would-remove' as const })),
      executions: [...running.map((f) => ({ sid: f.execution.sid, action: 'would-end' as const })), ...leftRunningEntries(leftRunning)],
      handover: { kind: model === 'legacy' ? 'task' : 'interaction' },
    };
  }

  const { handover, recovered } = await createHandover(api, {
    model,
    sid,
    routing,
    channelType: customer.channelType,
    built,
    escalationId,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  });

  let studioWebhooks: EscalateResult['studioWebhooks'];
  try {
    studioWebhooks = await removeStudioWebhooks(api, model, conversation, hooks, false);
  } catch (error) {
    throw new CognigyError(
      `Handed over to Flex (${describeHandover(handover)}), but removing the ${kind}'s Studio webhook failed: ${(error as Error)?.message ?? error}`,
      {
        hint: "The customer's next message may start the bot again. Run the same command again: it finds the hand-over, creates nothing, removes the webhook and ends the execution.",
        code: 'webhook-remove-failed',
        exitCode: 1,
        details: { handover },
      },
    );
  }

  let executions: EscalateResult['executions'];
  try {
    executions = await endExecutions(api, flow, running, false);
  } catch (error) {
    throw new CognigyError(
      `Handed over to Flex (${describeHandover(handover)}), but ending the bot's execution failed: ${(error as Error)?.message ?? error}`,
      {
        hint: 'The bot may still answer the customer. Run the same command again: it finds the hand-over, creates nothing, and ends the execution.',
        code: 'end-failed',
        exitCode: 1,
        details: { handover },
      },
    );
  }
  return {
    action: 'created',
    ...described,
    handover,
    recovered: recovered || undefined,
    studioWebhooks,
    executions: [...executions, ...leftRunningEntries(leftRunning)],
  };
}

function requireRouting(setup: EscalateDeps['setup']): EscalateResult['routing'] {
  const { workspace, workflow, taskChannel } = setup;
  if (!workspace) throw new UsageError('No TaskRouter workspace to hand the conversation to.', 'Run "twilio cognigy:init" first, or pass --workspace WS… (or its name).');
  if (!workflow) throw new UsageError('No workflow for the hand-over to Flex.', 'Run "twilio cognigy:init" first, or pass --workflow WW….');
  if (!taskChannel) throw new UsageError('No task channel for the hand-over to Flex.', 'Run "twilio cognigy:init" first, or pass --task-channel chat (or TC…).');
  return { workspace, workflow, taskChannel };
}

/** The setup's flow (or --flow) in the account, or undefined; an explicit --flow that names nothing is an error. */
function findConfiguredFlow(flows: FlowSummary[], target: FlowTarget): { sid: string; name: string; source: FlowSource } | undefined {
  const source: FlowSource = target.mustExist ? 'flag' : 'setup';
  const found = target.sid
    ? flows.find((f) => f.sid === target.sid) ?? { sid: target.sid, name: target.name }
    : flows.find((f) => f.name === target.name) ?? flows.find((f) => f.name.toLowerCase() === target.name.toLowerCase());
  if (found) return { sid: found.sid, name: found.name, source };
  if (target.mustExist) {
    const names = flows.slice(0, 10).map((f) => `"${f.name}" (${f.sid})`).join(', ') || 'none';
    throw new UsageError(`No Studio flow "${target.name}" in this account.`, `Existing flows: ${names}.`);
  }
  return undefined;
}

interface ServingFlow {
  /** The Studio webhooks of the conversation (channel), to remove after the hand-over. */
  webhooks: ScopedWebhook[];
  flowSid?: string;
  source?: FlowSource;
}

/**
 * What the account says serves the conversation: its `studio` webhooks (Conversations),
 * the chat channel's `studio` webhooks, else the enabled Studio Flex Flow of the channel's
 * chat service (legacy; the one of the channel's type when there are several).
 */
async function findServingFlow(api: EscalateApi, model: ChannelModel, conversation: ConversationInfo, channelType: string): Promise<ServingFlow> {
  if (model === 'conversations') {
    const webhooks = (await api.listConversationWebhooks(conversation.sid)).filter((w) => w.kind === 'studio');
    const flowSid = webhooks.find((w) => w.flowSid)?.flowSid;
    return { webhooks, ...(flowSid ? { flowSid, source: 'conversation-webhook' as const } : {}) };
  }
  const service = conversation.chatServiceSid;
  if (!service) return { webhooks: [] };
  const webhooks = (await api.listChannelWebhooks(service, conversation.sid)).filter((w) => w.kind === 'studio');
  const flowSid = webhooks.find((w) => w.flowSid)?.flowSid;
  if (flowSid) return { webhooks, flowSid, source: 'channel-webhook' };
  const candidates = (await api.listFlexFlows()).filter(
    (f) => f.chatServiceSid === service && f.integrationType === 'studio' && f.enabled && typeof f.flowSid === 'string',
  );
  const flexFlow = candidates.find((f) => f.channelType === channelType) ?? (candidates.length === 1 ? candidates[0] : undefined);
  return { webhooks, ...(flexFlow ? { flowSid: flexFlow.flowSid as string, source: 'flex-flow' as const } : {}) };
}

/** What escalate tells the user beside the result; a printer puts it in words. */
export type EscalateNote =
  | { code: 'flex-flow-without-webhook'; flow: string }
  | { code: 'bot-not-running'; flow: string; customer: string }
  | { code: 'session-unknown' }
  | { code: 'flow-differs'; kind: 'conversation' | 'channel'; serving: { sid: string; name: string; source: FlowSource }; configured: { name: string; source: FlowSource } }
  | { code: 'serving-flow-missing'; source: FlowSource; flowSid: string; configured?: { name: string; source: FlowSource } }
  | { code: 'no-flow'; kind: 'conversation' | 'channel'; name: string }
  | { code: 'executions-capped'; flow: string; limit: number }
  | { code: 'execution-elsewhere'; execution: string; contact: string; serves: string; target: string };

/** The serving flow when it exists, else the configured one; a note whenever the two differ or neither is found. */
function chooseFlow(
  flows: FlowSummary[],
  serving: ServingFlow,
  configured: { sid: string; name: string; source: FlowSource } | undefined,
  target: FlowTarget,
  kind: 'conversation' | 'channel',
  notes: EscalateNote[],
): { sid: string; name: string; source: FlowSource } | undefined {
  if (serving.flowSid && serving.source) {
    const known = flows.find((f) => f.sid === serving.flowSid);
    if (known) {
      if (configured && configured.sid !== known.sid) {
        notes.push({ code: 'flow-differs', kind, serving: { sid: known.sid, name: known.name, source: serving.source }, configured: { name: configured.name, source: configured.source } });
      }
      return { sid: known.sid, name: known.name, source: serving.source };
    }
    notes.push({ code: 'serving-flow-missing', source: serving.source, flowSid: serving.flowSid, ...(configured ? { configured: { name: configured.name, source: configured.source } } : {}) });
  }
  if (!configured) {
    notes.push({ code: 'no-flow', kind, name: target.name });
  }
  return configured;
}

/** Remove the Studio webhooks; one already gone (a retried DELETE, another run) counts as removed. */
async function removeStudioWebhooks(
  api: EscalateApi,
  model: ChannelModel,
  conversation: ConversationInfo,
  hooks: ScopedWebhook[],
  dryRun: boolean,
): Promise<EscalateResult['studioWebhooks']> {
  const out: EscalateResult['studioWebhooks'] = [];
  for (const w of hooks) {
    if (dryRun) {
      out.push({ sid: w.sid, flowSid: w.flowSid, action: 'would-remove' });
      continue;
    }
    let action: WebhookAction = 'removed';
    try {
      if (model === 'legacy') await api.deleteChannelWebhook(conversation.chatServiceSid as string, conversation.sid, w.sid);
      else await api.deleteConversationWebhook(conversation.sid, w.sid);
    } catch (error) {
      if (twilioCode(error) !== '20404') throw error;
      action = 'already-gone';
    }
    out.push({ sid: w.sid, flowSid: w.flowSid, action });
  }
  return out;
}

async function fetchConversation(api: EscalateApi, sid: string, model: ChannelModel): Promise<ConversationInfo> {
  let conversation: ConversationInfo;
  try {
    conversation = await api.fetchConversation(sid);
  } catch (error) {
    if (twilioCode(error) !== '20404') throw error;
    const what = model === 'legacy' ? 'chat channel' : 'conversation';
    throw new CognigyError(`No ${what} ${sid} in this account. Nothing was done.`, {
      hint: `Check the SID (and the profile, -p)${model === 'legacy' ? '' : '; for legacy Flex messaging pass --channel'}.`,
      code: `${model === 'legacy' ? 'channel' : 'conversation'}-not-found`,
      exitCode: 1,
    });
  }
  if (conversation.state === 'closed') {
    throw new CognigyError(`${model === 'legacy' ? 'Chat channel' : 'Conversation'} ${sid} is closed: there is nobody to hand over. Nothing was done.`, {
      code: 'conversation-closed',
      exitCode: 1,
    });
  }
  return conversation;
}

interface Customer {
  address: string;
  name: string;
  channelType: string;
  participantSid?: string;
}

/**
 * The customer: Flex's legacy channel attributes (`from`, `channel_type`) first for legacy
 * messaging; otherwise the participant with a messaging binding (SMS, WhatsApp…), else
 * the one with a chat identity (web chat). Before the hand-over nobody else has joined.
 */
export function identifyCustomer(model: ChannelModel, conversation: ConversationInfo, participants: ParticipantInfo[]): Customer {
  const attrs = conversation.attributes ?? {};
  const bound = participants.find((p) => typeof p.messagingBinding?.address === 'string');
  const chat = participants.find((p) => p.identity);
  const person = bound ?? chat;
  const fromBinding = bound?.messagingBinding?.address as string | undefined;
  const legacyFrom = typeof attrs.from === 'string' && attrs.from ? attrs.from : undefined;
  const address = model === 'legacy' ? legacyFrom ?? fromBinding ?? chat?.identity ?? undefined : fromBinding ?? chat?.identity ?? legacyFrom;
  if (!address) {
    throw new CognigyError(`${model === 'legacy' ? 'Chat channel' : 'Conversation'} ${conversation.sid} has no customer (no participant, no "from" attribute). Nothing was done.`, {
      code: 'no-customer',
      exitCode: 1,
    });
  }
  const pa = person?.attributes ?? {};
  // The Conversations API has no name field on a participant (only attributes); the
  // conversation's friendly_name is the one name it exposes. Legacy messaging names the
  // customer in Flex's channel attributes, read above, so it keeps to those.
  const conversationName = model === 'legacy' ? undefined : conversation.friendlyName;
  const name = [pa.friendlyName, pa.friendly_name, pa.name, attrs.pre_engagement_data?.friendlyName, attrs.friendlyName, conversationName].find(
    (v) => typeof v === 'string' && v.trim(),
  ) as string | undefined;
  const bindingType = bound?.messagingBinding?.type as string | undefined;
  const declared = typeof attrs.channel_type === 'string' ? attrs.channel_type : undefined;
  const raw = (model === 'legacy' ? declared ?? bindingType : bindingType ?? declared) ?? (bound ? 'sms' : 'web');
  return { address, name: name ?? address, channelType: raw, participantSid: person?.sid };
}

/** Flex's channel type as an Interaction channel type (Flex Flows say `facebook`, Interactions `messenger`). */
export function interactionChannelType(channelType: string): string {
  const t = channelType.toLowerCase();
  if (INTERACTION_CHANNEL_TYPES.has(t)) return t;
  if (t === 'facebook') return 'messenger';
  return 'chat';
}

function toTranscript(messages: { author: string; body: string | null; participantSid?: string | null }[], customer: Customer): TranscriptMessage[] {
  return messages
    .filter((m) => typeof m.body === 'string' && m.body.trim() !== '')
    .map((m) => ({
      from: m.author === customer.address || (customer.participantSid && m.participantSid === customer.participantSid) ? 'customer' : 'bot',
      text: m.body as string,
    }));
}

interface FoundExecution {
  execution: ExecutionInfo;
  context: Record<string, any>;
  /** Set when the execution serves another conversation of the same contact. */
  otherSid?: string;
}

/** The SID of the conversation/channel the execution's trigger names, if any. */
function namedSid(context: Record<string, any>, model: ChannelModel): string | undefined {
  const t = context?.trigger ?? {};
  const sid = model === 'legacy' ? t.message?.ChannelSid ?? t.conversation?.ConversationSid : t.conversation?.ConversationSid ?? t.message?.ChannelSid;
  return typeof sid === 'string' && sid ? sid : undefined;
}

/** The active executions of the flow for a contact (Studio allows one per contact; bounded read). */
async function findExecutions(
  api: EscalateApi,
  flow: { sid: string; name: string },
  contact: string,
  sid: string | undefined,
  now: Date,
  notes: EscalateNote[],
): Promise<FoundExecution[]> {
  let executions: ExecutionInfo[];
  try {
    executions = await api.listExecutions(flow.sid, { since: new Date(now.getTime() - EXECUTION_MAX_AGE_MS), limit: MAX_EXECUTIONS_READ });
  } catch (error) {
    if (twilioCode(error) !== '20404') throw error;
    throw new CognigyError(`The Studio flow ${flow.sid} ("${flow.name}") does not exist. Nothing was done.`, {
      hint: 'Pass --flow with the flow that runs the bot, or run "twilio cognigy:init" again.',
      code: 'flow-not-found',
      exitCode: 1,
    });
  }
  if (executions.length >= MAX_EXECUTIONS_READ) {
    notes.push({ code: 'executions-capped', flow: flow.name, limit: MAX_EXECUTIONS_READ });
  }
  const active = executions.filter((e) => e.status === 'active' && e.contactChannelAddress === contact);
  const found: FoundExecution[] = [];
  for (const execution of active) {
    const context = await api.fetchExecutionContext(flow.sid, execution.sid);
    const named = namedSid(context, 'conversations');
    const other = sid && named && named !== sid ? named : undefined;
    if (other) notes.push({ code: 'execution-elsewhere', execution: execution.sid, contact, serves: other, target: sid! });
    found.push({ execution, context, otherSid: other });
  }
  return found;
}

function leftRunningEntries(found: FoundExecution[]): EscalateResult['executions'] {
  return found.map((f) => ({ sid: f.execution.sid, action: 'left-running' as const, why: `serves ${f.otherSid}` }));
}

async function endExecutions(
  api: EscalateApi,
  flow: { sid: string } | undefined,
  running: FoundExecution[],
  dryRun: boolean,
): Promise<EscalateResult['executions']> {
  const out: EscalateResult['executions'] = [];
  if (!flow) return out;
  for (const f of running) {
    if (!dryRun) await api.endExecution(flow.sid, f.execution.sid);
    out.push({ sid: f.execution.sid, action: dryRun ? 'would-end' : 'ended' });
  }
  return out;
}

function sessionIdFor(model: ChannelModel, sid: string, conversation: ConversationInfo, running: FoundExecution[]): string | undefined {
  if (model === 'conversations') return sid;
  const fromChannel = conversation.attributes?.proxySession;
  if (typeof fromChannel === 'string' && fromChannel) return fromChannel;
  for (const f of running) {
    const fromTrigger = f.context?.trigger?.message?.ChannelAttributes?.proxySession;
    if (typeof fromTrigger === 'string' && fromTrigger) return fromTrigger;
  }
  return undefined;
}

function toOpenHandover(t: TaskInfo): OpenHandover {
  const cognigy = t.attributes?.cognigy;
  return {
    taskSid: t.sid,
    assignmentStatus: t.assignmentStatus,
    interactionSid: typeof t.attributes?.flexInteractionSid === 'string' ? t.attributes.flexInteractionSid : undefined,
    madeBy: cognigy && typeof cognigy.escalatedBy === 'string' ? cognigy.escalatedBy : undefined,
  };
}

async function findOpenHandovers(api: EscalateApi, workspaceSid: string, expression: string): Promise<OpenHandover[]> {
  const tasks = await api.listTasks(workspaceSid, { expression, statuses: [...OPEN_TASK_STATUSES], limit: 50 });
  return tasks.map(toOpenHandover);
}

type Handover = NonNullable<EscalateResult['handover']>;

/**
 * Create the interaction or task once. A create that fails with a 5xx or a dropped
 * connection may have gone through (the HTTP layer does not repeat creates): look for it
 * by this run's escalationId before trying again, so a customer never gets two.
 */
async function createHandover(
  api: EscalateApi,
  o: {
    model: ChannelModel;
    sid: string;
    routing: EscalateResult['routing'];
    channelType: string;
    built: BuiltAttributes;
    escalationId: string;
    sleep: (ms: number) => Promise<void>;
  },
): Promise<{ handover: Handover; recovered: boolean }> {
  const kind = o.model === 'legacy' ? 'task' : 'interaction';
  const ours = `cognigy.escalationId == "${o.escalationId}"`;
  let lastError: unknown;
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    try {
      return { handover: await createOnce(api, kind, o), recovered: false };
    } catch (error) {
      if (!mayHaveSucceeded(error)) throw refused(error);
      lastError = error;
    }
    await o.sleep(RECHECK_DELAY_MS);
    const [found] = await findOpenHandovers(api, o.routing.workspace.sid, ours);
    if (found) {
      return {
        handover: { kind, taskSid: found.taskSid, interactionSid: found.interactionSid, assignmentStatus: found.assignmentStatus, madeBy: ESCALATED_BY },
        recovered: true,
      };
    }
  }
  throw new CognigyError(
    `Creating the hand-over failed ${CREATE_ATTEMPTS} times (${(lastError as Error)?.message ?? 'no answer'}); none was found created. Nothing was done: the bot still answers.`,
    { hint: 'Twilio may be having trouble; running the same command again is safe.', code: 'create-failed', exitCode: 1 },
  );
}

function refused(error: any): CognigyError {
  const message = error?.message ?? String(error);
  if (Number(error?.status ?? error?.data?.status) === 429 || String(error?.exitCode ?? error?.code) === '20429') {
    return new CognigyError(`Twilio kept answering "Too Many Requests" to the hand-over. Nothing was done: the bot still answers.`, {
      hint: 'Wait a little and run the same command again.',
      code: 'rate-limited',
      exitCode: 1,
    });
  }
  return new CognigyError(`Flex refused the hand-over: ${message}. Nothing was done: the bot still answers.`, {
    hint: 'Check the workspace, workflow and task channel (--workspace, --workflow, --task-channel, or run "twilio cognigy:init").',
    code: 'handover-refused',
    exitCode: 1,
  });
}

async function createOnce(
  api: EscalateApi,
  kind: 'interaction' | 'task',
  o: { sid: string; routing: EscalateResult['routing']; channelType: string; built: BuiltAttributes },
): Promise<Handover> {
  const { workspace, workflow, taskChannel } = o.routing;
  if (kind === 'task') {
    const task = await api.createTask(workspace.sid, { workflowSid: workflow.sid, taskChannel: taskChannel.name || taskChannel.sid, attributes: o.built.text });
    return { kind, taskSid: task.sid, assignmentStatus: task.assignmentStatus, madeBy: ESCALATED_BY };
  }
  // The task channel by unique name when known; by SID when only a SID was given.
  const channelKey = looksLikeSid(taskChannel.name, 'TC') ? { task_channel_sid: taskChannel.name } : { task_channel_unique_name: taskChannel.name };
  const interaction = await api.createInteraction({
    channel: { type: interactionChannelType(o.channelType), initiated_by: 'customer', properties: { media_channel_sid: o.sid } },
    routing: { properties: { workspace_sid: workspace.sid, workflow_sid: workflow.sid, ...channelKey, attributes: o.built.attributes } },
  });
  const props = interaction.routing?.properties ?? {};
  return {
    kind,
    interactionSid: interaction.sid,
    taskSid: typeof props.sid === 'string' ? props.sid : undefined,
    assignmentStatus: typeof props.assignment_status === 'string' ? props.assignment_status : undefined,
    madeBy: ESCALATED_BY,
  };
}


/** A hand-over's SIDs, as error messages (and the printer) name it. */
export function describeHandover(h: Handover): string {
  return [h.interactionSid && `interaction ${h.interactionSid}`, h.taskSid && `task ${h.taskSid}`].filter(Boolean).join(', ') || h.kind;
}

function twilioCode(error: any): string {
  return String(error?.exitCode ?? error?.data?.code ?? error?.code ?? '');
}

