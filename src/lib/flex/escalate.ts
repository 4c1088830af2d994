import { randomUUID } from 'crypto';
import { CognigyError, UsageError } from '../errors';
import type { FlowTarget, ResolvedSetup, SetupInput } from '../setup/resolve';
import type { ChannelModel, NamedResource } from '../setup/types';
import { mayHaveSucceeded } from '../studio/deploy';
import type { ConversationInfo, EscalationCalls, ExecutionInfo, FlowSummary, ParticipantInfo, TaskInfo } from '../twilio/api';
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

export { describeEscalationPreview } from './preview';
export { buildHandoverAttributes, MAX_ATTRIBUTES_BYTES } from './handover-attributes';
export { decideHandover } from './handover-decision';

/**
 * `cognigy:escalate`: hand a live conversation to a Flex agent by hand.
 *
 * Order of the writes: the hand-over is created first and the bot's execution ended
 * second, as Studio's own send-to-flex does. A refused create then leaves everything as
 * it was (the bot still answers, nothing to undo), and a failed end after a good create
 * is healed by running the command again: it finds the open hand-over, creates nothing
 * and ends the execution.
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

/** The Twilio calls an escalation makes; EscalationTwilioApi implements it, tests fake it. */
export interface EscalationApi extends EscalationCalls {
  listFlows(): Promise<FlowSummary[]>;
}

export interface EscalationDeps {
  api: EscalationApi;
  setup: Pick<ResolvedSetup, 'workspace' | 'workflow' | 'taskChannel' | 'channelModel' | 'flowTarget'>;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  newId?: () => string;
}

export type ExecutionAction = 'ended' | 'would-end' | 'left-running';

export interface EscalationResult {
  action: 'created' | 'already-escalated' | 'would-create';
  channelModel: ChannelModel;
  /** The conversation (Conversations) or chat channel (legacy) handed over. */
  target: { kind: 'conversation' | 'channel'; sid: string };
  customer: { address: string; name: string; channelType: string };
  flow?: { sid: string; name: string };
  executions: { sid: string; action: ExecutionAction; why?: string }[];
  routing: { workspace: NamedResource; workflow: NamedResource; taskChannel: NamedResource };
  /** What was created (or found, with `already-escalated`). */
  handover?: { kind: 'interaction' | 'task'; interactionSid?: string; taskSid?: string; assignmentStatus?: string; escalatedBy?: string };
  /** The create failed with an error but had gone through (found on a second look). */
  recovered?: boolean;
  /** Open hand-overs that --force went past. */
  alsoOpen?: OpenHandover[];
  sessionId?: string;
  attributes?: Record<string, unknown>;
  attributesBytes?: number;
  attributesBudget: number;
  transcript?: { shown: number; total: number; note?: string };
  notes: string[];
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

export async function escalate(req: EscalateRequest, deps: EscalationDeps): Promise<EscalationResult> {
  const { api, setup } = deps;
  const now = deps.now ?? (() => new Date());
  const target = checkRequest(req, setup.channelModel);
  let model = target.model;
  const routing = requireRouting(setup);
  const notes: string[] = [];

  const flow = await resolveFlow(api, setup.flowTarget, notes);

  // --contact: the bot's execution for that customer names the conversation.
  let found: FoundExecution[] | undefined;
  let sid = target.value;
  if (target.by === 'contact') {
    if (!flow) throw new UsageError(`Without the bot's Studio flow the conversation of ${target.value} cannot be found.`, 'Pass --conversation CH… or --channel CH… instead, or --flow.');
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
  const base = {
    channelModel: model,
    target: { kind, sid } as EscalationResult['target'],
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
      { hint: 'Check the conversation SID; pass --force to create another hand-over anyway.', code: 'already-with-agent', exitCode: 1, details: { handover: h } },
    );
  }

  if (!found && flow) found = await findExecutions(api, flow, customer.address, sid, now(), notes);
  const running = (found ?? []).filter((f) => !f.otherSid);
  const leftRunning = (found ?? []).filter((f) => f.otherSid);
  if (flow && running.length === 0 && decision.action === 'create') {
    notes.push(`No active execution of flow "${flow.name}" for ${customer.address}: the bot was not running, so there was nothing to end.`);
  }

  if (decision.action === 'already-escalated') {
    // A queued hand-over is in place; a bot still running beside it must stop (the
    // previous run may have failed between its create and its end).
    const executions = await endExecutions(api, flow, running, Boolean(req.dryRun));
    const h = decision.existing;
    return {
      action: 'already-escalated',
      ...base,
      executions: [...executions, ...leftRunningEntries(leftRunning)],
      handover: { kind: model === 'legacy' ? 'task' : 'interaction', taskSid: h.taskSid, interactionSid: h.interactionSid, assignmentStatus: h.assignmentStatus, escalatedBy: h.escalatedBy },
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
  if (!facts.sessionId) notes.push('The Cognigy session is unknown: the channel has no proxySession attribute and no bot execution names one.');
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

  let executions: EscalationResult['executions'];
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
  return { action: 'created', ...described, handover, recovered: recovered || undefined, executions: [...executions, ...leftRunningEntries(leftRunning)] };
}

function requireRouting(setup: EscalationDeps['setup']): EscalationResult['routing'] {
  const { workspace, workflow, taskChannel } = setup;
  if (!workspace) throw new UsageError('No TaskRouter workspace to hand the conversation to.', 'Run "twilio cognigy:init" first, or pass --workspace WS… (or its name).');
  if (!workflow) throw new UsageError('No workflow for the hand-over to Flex.', 'Run "twilio cognigy:init" first, or pass --workflow WW….');
  if (!taskChannel) throw new UsageError('No task channel for the hand-over to Flex.', 'Run "twilio cognigy:init" first, or pass --task-channel chat (or TC…).');
  return { workspace, workflow, taskChannel };
}

async function resolveFlow(api: EscalationApi, target: FlowTarget, notes: string[]): Promise<{ sid: string; name: string } | undefined> {
  if (target.sid) return { sid: target.sid, name: target.name };
  const flows = await api.listFlows();
  const found = flows.find((f) => f.name === target.name) ?? flows.find((f) => f.name.toLowerCase() === target.name.toLowerCase());
  if (found) return { sid: found.sid, name: found.name };
  if (target.mustExist) {
    const names = flows.slice(0, 10).map((f) => `"${f.name}" (${f.sid})`).join(', ') || 'none';
    throw new UsageError(`No Studio flow "${target.name}" in this account.`, `Existing flows: ${names}.`);
  }
  notes.push(`No Studio flow "${target.name}" in this account, so no bot execution to end (pass --flow to name the bot's flow).`);
  return undefined;
}

async function fetchConversation(api: EscalationApi, sid: string, model: ChannelModel): Promise<ConversationInfo> {
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
  api: EscalationApi,
  flow: { sid: string; name: string },
  contact: string,
  sid: string | undefined,
  now: Date,
  notes: string[],
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
    notes.push(`Flow "${flow.name}" has more than ${MAX_EXECUTIONS_READ} executions in the last 30 days; only ${MAX_EXECUTIONS_READ} were searched.`);
  }
  const active = executions.filter((e) => e.status === 'active' && e.contactChannelAddress === contact);
  const found: FoundExecution[] = [];
  for (const execution of active) {
    const context = await api.fetchExecutionContext(flow.sid, execution.sid);
    const named = namedSid(context, 'conversations');
    const other = sid && named && named !== sid ? named : undefined;
    if (other) notes.push(`Execution ${execution.sid} for ${contact} serves ${other}, not ${sid}: it was left running.`);
    found.push({ execution, context, otherSid: other });
  }
  return found;
}

function leftRunningEntries(found: FoundExecution[]): EscalationResult['executions'] {
  return found.map((f) => ({ sid: f.execution.sid, action: 'left-running' as const, why: `serves ${f.otherSid}` }));
}

async function endExecutions(
  api: EscalationApi,
  flow: { sid: string } | undefined,
  running: FoundExecution[],
  dryRun: boolean,
): Promise<EscalationResult['executions']> {
  const out: EscalationResult['executions'] = [];
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
    escalatedBy: cognigy && typeof cognigy.escalatedBy === 'string' ? cognigy.escalatedBy : undefined,
  };
}

async function findOpenHandovers(api: EscalationApi, workspaceSid: string, expression: string): Promise<OpenHandover[]> {
  const tasks = await api.listTasks(workspaceSid, { expression, statuses: [...OPEN_TASK_STATUSES], limit: 50 });
  return tasks.map(toOpenHandover);
}

type Handover = NonNullable<EscalationResult['handover']>;

/**
 * Create the interaction or task once. A create that fails with a 5xx or a dropped
 * connection may have gone through (the HTTP layer does not repeat creates): look for it
 * by this run's escalationId before trying again, so a customer never gets two.
 */
async function createHandover(
  api: EscalationApi,
  o: {
    model: ChannelModel;
    sid: string;
    routing: EscalationResult['routing'];
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
        handover: { kind, taskSid: found.taskSid, interactionSid: found.interactionSid, assignmentStatus: found.assignmentStatus, escalatedBy: ESCALATED_BY },
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
  api: EscalationApi,
  kind: 'interaction' | 'task',
  o: { sid: string; routing: EscalationResult['routing']; channelType: string; built: BuiltAttributes },
): Promise<Handover> {
  const { workspace, workflow, taskChannel } = o.routing;
  if (kind === 'task') {
    const task = await api.createTask(workspace.sid, { workflowSid: workflow.sid, taskChannel: taskChannel.name || taskChannel.sid, attributes: o.built.text });
    return { kind, taskSid: task.sid, assignmentStatus: task.assignmentStatus, escalatedBy: ESCALATED_BY };
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
    escalatedBy: ESCALATED_BY,
  };
}

export function describeHandover(h: Handover): string {
  return [h.interactionSid && `interaction ${h.interactionSid}`, h.taskSid && `task ${h.taskSid}`].filter(Boolean).join(', ') || h.kind;
}

function twilioCode(error: any): string {
  return String(error?.exitCode ?? error?.data?.code ?? error?.code ?? '');
}

/** Never sent anywhere: escalate does not call the bot, but resolveSetup wants an endpoint. */
const UNUSED_ENDPOINT = 'https://escalate.invalid/unused';

export interface RunEscalateOptions {
  request: EscalateRequest;
  input: Pick<SetupInput, 'workspace' | 'workflow' | 'taskChannel' | 'flow' | 'channelModel'>;
  /** The `twilio` library client, as cli-core builds it. */
  client: any;
  configDir: string;
}

/** `cognigy:escalate` end to end: check the input, resolve the setup, escalate. */
export async function runEscalate(o: RunEscalateOptions): Promise<EscalationResult> {
  const { EscalationTwilioApi } = await import('../twilio/api');
  const { loadSavedSetupFor } = await import('../setup/saved');
  const { resolveSetup } = await import('../setup/resolve');
  checkRequest(o.request, o.input.channelModel ?? 'conversations');
  const api = new EscalationTwilioApi(o.client);
  const saved = loadSavedSetupFor(o.configDir, api.accountSid);
  const setup = await resolveSetup({ ...o.input, endpointUrl: saved?.endpointUrl ?? UNUSED_ENDPOINT }, saved, { api, requireFlex: true });
  return escalate(o.request, { api, setup });
}
