/**
 * The Twilio calls the plugin makes, over the official `twilio` library. Commands and
 * library parts depend on this interface, not on the library, so discovery, deploy and
 * escalation are tested against the OpenAPI-validated fake through the same code path.
 */
export interface Resource {
  sid: string;
  name: string;
}

export interface FlowSummary extends Resource {
  status: string;
  revision: number;
}

export interface FlowDetails extends FlowSummary {
  definition: unknown;
  valid: boolean;
  webhookUrl?: string;
  commitMessage?: string | null;
}

export interface AddressConfiguration {
  sid: string;
  type: string;
  address: string;
  friendlyName?: string | null;
  autoCreation: Record<string, any>;
}

export interface FlexFlow {
  sid: string;
  name: string;
  channelType: string;
  /** The chat service its channels are made in. */
  chatServiceSid?: string | null;
  contactIdentity?: string | null;
  integrationType?: string | null;
  integration: Record<string, any>;
  /** `integration.flow_sid` (the API answers snake_case inside `integration`; camelCase accepted too). */
  flowSid?: string;
  enabled: boolean;
}

export interface ValidationOutcome {
  valid: boolean;
  errors: { message: string; property?: string }[];
  message?: string;
}

/** The `twilio` library client, built by cli-core with the plugin's HTTP client. */
export type TwilioLibraryClient = any;

export class TwilioApi {
  constructor(private readonly client: TwilioLibraryClient) {}

  get accountSid(): string {
    return this.client.accountSid;
  }

  get library(): TwilioLibraryClient {
    return this.client;
  }

  async listWorkspaces(): Promise<Resource[]> {
    const items = await this.client.taskrouter.v1.workspaces.list({ pageSize: 50 });
    return items.map((w: any) => ({ sid: w.sid, name: w.friendlyName }));
  }

  async listWorkflows(workspaceSid: string): Promise<Resource[]> {
    const items = await this.client.taskrouter.v1.workspaces(workspaceSid).workflows.list({ pageSize: 50 });
    return items.map((w: any) => ({ sid: w.sid, name: w.friendlyName }));
  }

  /** Task channels, named by their unique name (`chat`, `sms`…). */
  async listTaskChannels(workspaceSid: string): Promise<Resource[]> {
    const items = await this.client.taskrouter.v1.workspaces(workspaceSid).taskChannels.list({ pageSize: 50 });
    return items.map((c: any) => ({ sid: c.sid, name: c.uniqueName }));
  }

  async listFlows(): Promise<FlowSummary[]> {
    const items = await this.client.studio.v2.flows.list({ pageSize: 50 });
    return items.map((f: any) => ({ sid: f.sid, name: f.friendlyName, status: f.status, revision: f.revision }));
  }

  async fetchFlow(sid: string): Promise<FlowDetails> {
    const f = await this.client.studio.v2.flows(sid).fetch();
    return toFlowDetails(f);
  }

  /** The newest revisions first, one page: enough to tell whether link-flow wrote any lately. */
  async listFlowRevisions(sid: string, limit: number): Promise<Array<{ revision: number; commitMessage?: string | null }>> {
    const items = await this.client.studio.v2.flows(sid).revisions.list({ pageSize: limit, limit });
    return items.map((r: any) => ({ revision: r.revision, commitMessage: r.commitMessage }));
  }

  /** Studio's own check. Answers the failures instead of throwing on code 81022. */
  async validateFlow(name: string, status: string, definition: unknown): Promise<ValidationOutcome> {
    try {
      await this.client.studio.v2.flowValidate.update({ friendlyName: name, status, definition });
      return { valid: true, errors: [] };
    } catch (error: any) {
      const code = error?.exitCode ?? error?.code;
      if (String(code) !== '81022') throw error;
      const details = error?.data?.details ?? error?.details;
      const errors = Array.isArray(details?.errors) ? details.errors : [];
      return {
        valid: false,
        errors: errors.map((e: any) => ({ message: String(e.message ?? e), property: e.property_path ?? e.propertyPath })),
        message: error?.data?.message ?? error.message,
      };
    }
  }

  async createFlow(o: { name: string; status: string; definition: unknown; commitMessage?: string }): Promise<FlowDetails> {
    const f = await this.client.studio.v2.flows.create({
      friendlyName: o.name,
      status: o.status,
      definition: o.definition,
      ...(o.commitMessage ? { commitMessage: o.commitMessage } : {}),
    });
    return toFlowDetails(f);
  }

  async updateFlow(sid: string, o: { name?: string; status: string; definition: unknown; commitMessage?: string }): Promise<FlowDetails> {
    const f = await this.client.studio.v2.flows(sid).update({
      status: o.status,
      definition: o.definition,
      ...(o.name ? { friendlyName: o.name } : {}),
      ...(o.commitMessage ? { commitMessage: o.commitMessage } : {}),
    });
    return toFlowDetails(f);
  }

  async updateAddressConfiguration(sid: string, flowSid: string): Promise<AddressConfiguration> {
    const a = await this.client.conversations.v1.addressConfigurations(sid).update({
      'autoCreation.enabled': true,
      'autoCreation.type': 'studio',
      'autoCreation.studioFlowSid': flowSid,
    });
    return { sid: a.sid, type: a.type, address: a.address, friendlyName: a.friendlyName, autoCreation: a.autoCreation ?? {} };
  }

  async fetchFlexFlow(sid: string): Promise<FlexFlow> {
    return toFlexFlow(await this.client.flexApi.v1.flexFlow(sid).fetch());
  }

  async updateFlexFlow(sid: string, flowSid: string): Promise<FlexFlow> {
    return toFlexFlow(
      await this.client.flexApi.v1.flexFlow(sid).update({ integrationType: 'studio', 'integration.flowSid': flowSid }),
    );
  }

  async listAddressConfigurations(): Promise<AddressConfiguration[]> {
    const items = await this.client.conversations.v1.addressConfigurations.list({ pageSize: 50 });
    return items.map((a: any) => ({
      sid: a.sid,
      type: a.type,
      address: a.address,
      friendlyName: a.friendlyName,
      autoCreation: a.autoCreation ?? {},
    }));
  }

  async listFlexFlows(): Promise<FlexFlow[]> {
    const items = await this.client.flexApi.v1.flexFlow.list({ pageSize: 50 });
    return items.map(toFlexFlow);
  }
}

function toFlexFlow(f: any): FlexFlow {
  return {
    sid: f.sid,
    name: f.friendlyName,
    channelType: f.channelType,
    chatServiceSid: f.chatServiceSid,
    contactIdentity: f.contactIdentity,
    integrationType: f.integrationType,
    integration: f.integration ?? {},
    flowSid: f.integration?.flow_sid ?? f.integration?.flowSid ?? undefined,
    enabled: f.enabled,
  };
}

export function toFlowDetails(f: any): FlowDetails {
  return {
    sid: f.sid,
    name: f.friendlyName,
    status: f.status,
    revision: f.revision,
    definition: f.definition,
    valid: f.valid,
    webhookUrl: f.webhookUrl,
    commitMessage: f.commitMessage,
  };
}

// ---- cognigy:escalate: conversations, executions, tasks, interactions ----

export interface ConversationInfo {
  sid: string;
  state: string;
  /** The conversation's (a legacy chat channel's) attributes, parsed; {} when not JSON. */
  attributes: Record<string, any>;
  friendlyName?: string | null;
  /** The chat service (IS…) it lives in: a legacy channel's Programmable Chat service. */
  chatServiceSid?: string | null;
}

/**
 * A webhook of one conversation (`target`: webhook, trigger, studio) or of one legacy chat
 * channel (`type`, same values); `flowSid` is `configuration.flow_sid` for Studio.
 */
export interface ScopedWebhook {
  sid: string;
  kind: string;
  flowSid?: string;
}

/** Conversation and chat channel webhooks are listed at most 5 a page (the OpenAPI files' PageSize maximum). */
export const WEBHOOK_PAGE_SIZE = 5;
/** A conversation or channel holds at most five webhooks; a few pages more only guard against surprises. */
const WEBHOOK_READ_LIMIT = 50;

function toScopedWebhook(w: any, kind: unknown): ScopedWebhook {
  const flowSid = w.configuration?.flow_sid ?? w.configuration?.flowSid;
  return { sid: w.sid, kind: String(kind ?? ''), ...(typeof flowSid === 'string' && flowSid ? { flowSid } : {}) };
}

export interface ParticipantInfo {
  sid: string;
  identity?: string | null;
  attributes: Record<string, any>;
  /** SMS, WhatsApp…: `{ type, address, proxy_address }`; absent for chat identities. */
  messagingBinding?: Record<string, any> | null;
}

export interface MessageInfo {
  sid: string;
  index: number;
  author: string;
  body: string | null;
  participantSid?: string | null;
  dateCreated?: string;
}

export interface ExecutionInfo {
  sid: string;
  flowSid: string;
  contactChannelAddress: string;
  status: string;
  dateCreated?: string;
}

export interface TaskInfo {
  sid: string;
  assignmentStatus: string;
  attributes: Record<string, any>;
  workflowSid?: string | null;
  taskChannelUniqueName?: string | null;
  dateCreated?: string;
}

export interface InteractionInfo {
  sid: string;
  channel: Record<string, any>;
  routing: Record<string, any>;
}

function parseJsonObject(text: unknown): Record<string, any> {
  if (text && typeof text === 'object' && !Array.isArray(text)) return text as Record<string, any>;
  if (typeof text !== 'string') return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

function isoDate(value: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  return typeof value === 'string' ? value : undefined;
}

function toTaskInfo(t: any): TaskInfo {
  return {
    sid: t.sid,
    assignmentStatus: t.assignmentStatus,
    attributes: parseJsonObject(t.attributes),
    workflowSid: t.workflowSid,
    taskChannelUniqueName: t.taskChannelUniqueName,
    dateCreated: isoDate(t.dateCreated),
  };
}

function toExecutionInfo(e: any): ExecutionInfo {
  return {
    sid: e.sid,
    flowSid: e.flowSid,
    contactChannelAddress: e.contactChannelAddress,
    status: e.status,
    dateCreated: isoDate(e.dateCreated),
  };
}

export interface EscalateCalls {
  fetchConversation(sid: string): Promise<ConversationInfo>;
  listConversationWebhooks(sid: string): Promise<ScopedWebhook[]>;
  deleteConversationWebhook(sid: string, webhookSid: string): Promise<void>;
  listChannelWebhooks(serviceSid: string, channelSid: string): Promise<ScopedWebhook[]>;
  deleteChannelWebhook(serviceSid: string, channelSid: string, webhookSid: string): Promise<void>;
  listConversationParticipants(sid: string): Promise<ParticipantInfo[]>;
  listConversationMessages(sid: string, newest: number): Promise<MessageInfo[]>;
  listExecutions(flowSid: string, o: { since: Date; limit: number }): Promise<ExecutionInfo[]>;
  fetchExecutionContext(flowSid: string, executionSid: string): Promise<Record<string, any>>;
  endExecution(flowSid: string, executionSid: string): Promise<ExecutionInfo>;
  listTasks(workspaceSid: string, o: { expression: string; statuses: string[]; limit: number }): Promise<TaskInfo[]>;
  createTask(workspaceSid: string, o: { workflowSid: string; taskChannel: string; attributes: string }): Promise<TaskInfo>;
  createInteraction(o: { channel: Record<string, unknown>; routing: Record<string, unknown> }): Promise<InteractionInfo>;
}

/** cognigy:escalate's calls, on the same client as TwilioApi (appended, so TwilioApi stays as it was). */
export class EscalateTwilioApi extends TwilioApi implements EscalateCalls {
  async fetchConversation(sid: string): Promise<ConversationInfo> {
    const c = await this.library.conversations.v1.conversations(sid).fetch();
    return { sid: c.sid, state: c.state, attributes: parseJsonObject(c.attributes), friendlyName: c.friendlyName, chatServiceSid: c.chatServiceSid };
  }

  async listConversationWebhooks(sid: string): Promise<ScopedWebhook[]> {
    const items = await this.library.conversations.v1.conversations(sid).webhooks.list({ pageSize: WEBHOOK_PAGE_SIZE, limit: WEBHOOK_READ_LIMIT });
    return items.map((w: any) => toScopedWebhook(w, w.target));
  }

  async deleteConversationWebhook(sid: string, webhookSid: string): Promise<void> {
    await this.library.conversations.v1.conversations(sid).webhooks(webhookSid).remove();
  }

  async listChannelWebhooks(serviceSid: string, channelSid: string): Promise<ScopedWebhook[]> {
    const items = await this.library.chat.v2.services(serviceSid).channels(channelSid).webhooks.list({ pageSize: WEBHOOK_PAGE_SIZE, limit: WEBHOOK_READ_LIMIT });
    return items.map((w: any) => toScopedWebhook(w, w.type));
  }

  async deleteChannelWebhook(serviceSid: string, channelSid: string, webhookSid: string): Promise<void> {
    await this.library.chat.v2.services(serviceSid).channels(channelSid).webhooks(webhookSid).remove();
  }

  async listConversationParticipants(sid: string): Promise<ParticipantInfo[]> {
    const items = await this.library.conversations.v1.conversations(sid).participants.list({ pageSize: 50, limit: 200 });
    return items.map((p: any) => ({
      sid: p.sid,
      identity: p.identity,
      attributes: parseJsonObject(p.attributes),
      messagingBinding: p.messagingBinding ?? null,
    }));
  }

  /** The newest `newest` messages, oldest first. */
  async listConversationMessages(sid: string, newest: number): Promise<MessageInfo[]> {
    const items = await this.library.conversations.v1
      .conversations(sid)
      .messages.list({ order: 'desc', pageSize: Math.min(100, newest), limit: newest });
    return items
      .map((m: any) => ({
        sid: m.sid,
        index: m.index,
        author: m.author,
        body: m.body,
        participantSid: m.participantSid,
        dateCreated: isoDate(m.dateCreated),
      }))
      .reverse();
  }

  async listExecutions(flowSid: string, o: { since: Date; limit: number }): Promise<ExecutionInfo[]> {
    const items = await this.library.studio.v2
      .flows(flowSid)
      .executions.list({ dateCreatedFrom: o.since, pageSize: Math.min(1000, o.limit), limit: o.limit });
    return items.map(toExecutionInfo);
  }

  async fetchExecutionContext(flowSid: string, executionSid: string): Promise<Record<string, any>> {
    const c = await this.library.studio.v2.flows(flowSid).executions(executionSid).executionContext().fetch();
    return parseJsonObject(c.context);
  }

  async endExecution(flowSid: string, executionSid: string): Promise<ExecutionInfo> {
    return toExecutionInfo(await this.library.studio.v2.flows(flowSid).executions(executionSid).update({ status: 'ended' }));
  }

  async listTasks(workspaceSid: string, o: { expression: string; statuses: string[]; limit: number }): Promise<TaskInfo[]> {
    const items = await this.library.taskrouter.v1.workspaces(workspaceSid).tasks.list({
      evaluateTaskAttributes: o.expression,
      assignmentStatus: o.statuses,
      pageSize: Math.min(1000, o.limit),
      limit: o.limit,
    });
    return items.map(toTaskInfo);
  }

  async createTask(workspaceSid: string, o: { workflowSid: string; taskChannel: string; attributes: string }): Promise<TaskInfo> {
    return toTaskInfo(
      await this.library.taskrouter.v1
        .workspaces(workspaceSid)
        .tasks.create({ workflowSid: o.workflowSid, taskChannel: o.taskChannel, attributes: o.attributes }),
    );
  }

  async createInteraction(o: { channel: Record<string, unknown>; routing: Record<string, unknown> }): Promise<InteractionInfo> {
    const i = await this.library.flexApi.v1.interaction.create({ channel: o.channel, routing: o.routing });
    return { sid: i.sid, channel: i.channel ?? {}, routing: i.routing ?? {} };
  }
}
