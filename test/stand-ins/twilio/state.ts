/**
 * What the fake Twilio account holds. Records keep the API's snake_case field names so an
 * answer is a record plus `account_sid`, `url` and `links`; anything a test needs to set up
 * that the public API cannot (an execution started by an inbound message, a conversation
 * with history) has a helper here.
 */
import { FlowFailure, checkDefinition, stableJson } from './flow-check';
import { Random, isoNow, makeSid, seededRandom } from './ids';

export type FlowStatus = 'draft' | 'published';

export interface FlowRecord {
  sid: string;
  friendly_name: string;
  definition: Record<string, any>;
  status: FlowStatus;
  revision: number;
  commit_message: string | null;
  valid: boolean;
  errors: FlowFailure[];
  warnings: unknown[];
  date_created: string;
  date_updated: string | null;
}

export type RevisionRecord = Omit<FlowRecord, 'warnings'>;

export interface ExecutionRecord {
  sid: string;
  flow_sid: string;
  contact_channel_address: string;
  context: Record<string, any>;
  status: 'active' | 'ended';
  date_created: string;
  date_updated: string | null;
}

export interface StepRecord {
  sid: string;
  flow_sid: string;
  execution_sid: string;
  parent_step_sid: string | null;
  name: string;
  context: Record<string, any>;
  transitioned_from: string;
  transitioned_to: string;
  type: string;
  date_created: string;
  date_updated: string | null;
}

export interface WorkspaceRecord {
  sid: string;
  friendly_name: string;
  default_activity_sid: string;
  default_activity_name: string;
  timeout_activity_sid: string;
  timeout_activity_name: string;
  event_callback_url: string | null;
  events_filter: string | null;
  multi_task_enabled: boolean;
  prioritize_queue_order: 'FIFO' | 'LIFO';
  date_created: string;
  date_updated: string | null;
}

export interface WorkflowRecord {
  sid: string;
  workspace_sid: string;
  friendly_name: string;
  configuration: string;
  assignment_callback_url: string | null;
  fallback_assignment_callback_url: string | null;
  document_content_type: string;
  task_reservation_timeout: number;
  date_created: string;
  date_updated: string | null;
}

export interface TaskChannelRecord {
  sid: string;
  workspace_sid: string;
  friendly_name: string;
  unique_name: string;
  channel_optimized_routing: boolean | null;
  date_created: string;
  date_updated: string | null;
}

export interface TaskQueueRecord {
  sid: string;
  workspace_sid: string;
  friendly_name: string;
  target_workers: string;
  task_order: 'FIFO' | 'LIFO';
  max_reserved_workers: number;
  assignment_activity_sid: string | null;
  assignment_activity_name: string | null;
  reservation_activity_sid: string | null;
  reservation_activity_name: string | null;
  date_created: string;
  date_updated: string | null;
}

export type AssignmentStatus = 'pending' | 'reserved' | 'assigned' | 'canceled' | 'completed' | 'wrapping';

export interface TaskRecord {
  sid: string;
  workspace_sid: string;
  workflow_sid: string | null;
  workflow_friendly_name: string | null;
  task_queue_sid: string | null;
  task_queue_friendly_name: string | null;
  task_channel_sid: string | null;
  task_channel_unique_name: string | null;
  attributes: string;
  assignment_status: AssignmentStatus;
  priority: number;
  reason: string | null;
  timeout: number;
  addons: string;
  date_created: string;
  date_updated: string | null;
  task_queue_entered_date: string | null;
  virtual_start_time: string | null;
  ignore_capacity: boolean | null;
  routing_target: string | null;
}

export interface FlexFlowRecord {
  sid: string;
  friendly_name: string;
  chat_service_sid: string;
  channel_type: 'web' | 'sms' | 'facebook' | 'whatsapp' | 'line' | 'custom';
  contact_identity: string | null;
  enabled: boolean;
  integration_type: 'studio' | 'external' | 'task';
  integration: Record<string, any>;
  long_lived: boolean | null;
  janitor_enabled: boolean | null;
  date_created: string;
  date_updated: string | null;
}

export interface InteractionRecord {
  sid: string;
  channel: Record<string, any>;
  routing: Record<string, any>;
  interaction_context_sid: string | null;
  webhook_ttid: string | null;
}

export interface InteractionChannelRecord {
  sid: string;
  interaction_sid: string;
  type: 'voice' | 'sms' | 'email' | 'web' | 'whatsapp' | 'chat' | 'messenger' | 'gbm';
  status: 'setup' | 'active' | 'failed' | 'closed' | 'inactive' | 'pause' | 'transfer';
  error_code: number | null;
  error_message: string | null;
}

export interface AddressRecord {
  sid: string;
  type: string;
  address: string;
  friendly_name: string | null;
  auto_creation: Record<string, any>;
  address_country: string | null;
  date_created: string;
  date_updated: string | null;
}

export interface ConversationRecord {
  sid: string;
  chat_service_sid: string;
  messaging_service_sid: string | null;
  friendly_name: string | null;
  unique_name: string | null;
  attributes: string;
  state: 'initializing' | 'inactive' | 'active' | 'closed';
  timers: Record<string, any>;
  bindings: Record<string, any> | null;
  date_created: string;
  date_updated: string | null;
}

export interface MessageRecord {
  sid: string;
  conversation_sid: string;
  index: number;
  author: string;
  body: string | null;
  media: unknown[] | null;
  attributes: string;
  participant_sid: string | null;
  delivery: Record<string, any> | null;
  content_sid: string | null;
  date_created: string;
  date_updated: string | null;
}

export interface ParticipantRecord {
  sid: string;
  conversation_sid: string;
  identity: string | null;
  attributes: string;
  messaging_binding: Record<string, any> | null;
  role_sid: string | null;
  last_read_message_index: number | null;
  last_read_timestamp: string | null;
  date_created: string;
  date_updated: string | null;
}

export interface WebhookRecord {
  sid: string;
  conversation_sid: string;
  target: string;
  configuration: Record<string, any>;
  date_created: string;
  date_updated: string | null;
}

/** A Programmable Chat channel webhook (Chat v2); the channel is the conversation of the same CH SID. */
export interface ChannelWebhookRecord {
  sid: string;
  service_sid: string;
  channel_sid: string;
  type: string;
  configuration: Record<string, any>;
  date_created: string;
  date_updated: string | null;
}

/** SIDs of what a fresh Flex account holds, for tests to refer to. */
export interface SeededSids {
  workspaceSid: string;
  workflowSid: string;
  taskQueueSid: string;
  taskChannels: Record<'default' | 'voice' | 'chat' | 'sms' | 'video' | 'email', string>;
  messagingFlowSid: string;
  voiceFlowSid: string;
  webchatFlowSid: string;
  flexFlowSid: string;
  chatServiceSid: string;
  conversationServiceSid: string;
  addressConfigurationSid: string;
  /** The number the seeded Flex Flow and address configuration use. */
  phoneNumber: string;
}

export interface NewFlow {
  friendlyName: string;
  status: FlowStatus;
  definition: Record<string, any>;
  commitMessage?: string | null;
}

export interface NewTask {
  workflowSid?: string | null;
  taskChannel?: string | null;
  attributes?: string;
  priority?: number;
  timeout?: number;
  taskQueueSid?: string | null;
  routingTarget?: string | null;
  virtualStartTime?: string | null;
  ignoreCapacity?: boolean | null;
}

export interface NewConversation {
  friendlyName?: string;
  /** The chat service (IS…) it lives in; a legacy Flex chat channel lives in the Flex Flow's. */
  chatServiceSid?: string;
  uniqueName?: string;
  attributes?: Record<string, unknown> | string;
  state?: ConversationRecord['state'];
  participants?: Array<{ identity?: string; address?: string; proxyAddress?: string; attributes?: string }>;
  messages?: Array<{ author: string; body: string }>;
}

export class FakeState {
  flows = new Map<string, FlowRecord>();
  revisions = new Map<string, RevisionRecord[]>();
  executions = new Map<string, ExecutionRecord>();
  steps = new Map<string, StepRecord[]>();
  workspaces = new Map<string, WorkspaceRecord>();
  workflows = new Map<string, WorkflowRecord>();
  taskChannels = new Map<string, TaskChannelRecord>();
  taskQueues = new Map<string, TaskQueueRecord>();
  tasks = new Map<string, TaskRecord>();
  flexFlows = new Map<string, FlexFlowRecord>();
  interactions = new Map<string, InteractionRecord>();
  interactionChannels = new Map<string, InteractionChannelRecord>();
  addresses = new Map<string, AddressRecord>();
  conversations = new Map<string, ConversationRecord>();
  messages = new Map<string, MessageRecord[]>();
  participants = new Map<string, ParticipantRecord[]>();
  webhooks = new Map<string, WebhookRecord[]>();
  channelWebhooks = new Map<string, ChannelWebhookRecord[]>();
  seeded: SeededSids | undefined;

  private random: Random;

  constructor(
    readonly accountSid: string,
    private readonly randomSeed = 42,
  ) {
    this.random = seededRandom(randomSeed);
  }

  /** Empties everything (and replays the same SIDs afterwards). */
  clear(): void {
    for (const value of Object.values(this)) if (value instanceof Map) value.clear();
    this.seeded = undefined;
    this.random = seededRandom(this.randomSeed);
  }

  sid(prefix: string): string {
    return makeSid(prefix, this.random);
  }

  now(): string {
    return isoNow();
  }

  // ---- Studio ----

  createFlow(input: NewFlow): FlowRecord {
    const now = this.now();
    const failures = checkDefinition(input.definition);
    const flow: FlowRecord = {
      sid: this.sid('FW'),
      friendly_name: input.friendlyName,
      definition: input.definition,
      status: input.status,
      revision: 1,
      commit_message: input.commitMessage ?? null,
      valid: failures.length === 0,
      errors: failures,
      warnings: [],
      date_created: now,
      date_updated: null,
    };
    this.flows.set(flow.sid, flow);
    this.revisions.set(flow.sid, [this.snapshot(flow)]);
    return flow;
  }

  /** Applies an update; a new revision only when the definition or the status changed. */
  updateFlow(
    flow: FlowRecord,
    change: { status: FlowStatus; friendlyName?: string; definition?: Record<string, any>; commitMessage?: string },
  ): FlowRecord {
    const definitionChanged =
      change.definition !== undefined && stableJson(change.definition) !== stableJson(flow.definition);
    const statusChanged = change.status !== flow.status;
    if (change.friendlyName !== undefined) flow.friendly_name = change.friendlyName;
    // The flow shows its latest revision's commit message: a new revision made without
    // one (a Console save) has none, whatever the one before said.
    if (change.commitMessage !== undefined || definitionChanged || statusChanged) flow.commit_message = change.commitMessage ?? null;
    if (change.definition !== undefined) {
      flow.definition = change.definition;
      flow.errors = checkDefinition(change.definition);
      flow.valid = flow.errors.length === 0;
    }
    flow.status = change.status;
    flow.date_updated = this.now();
    if (definitionChanged || statusChanged) {
      flow.revision += 1;
      this.revisions.get(flow.sid)!.push(this.snapshot(flow));
    }
    return flow;
  }

  deleteFlow(sid: string): void {
    this.flows.delete(sid);
    this.revisions.delete(sid);
    for (const [key, execution] of this.executions) {
      if (execution.flow_sid === sid) {
        this.executions.delete(key);
        this.steps.delete(key);
      }
    }
  }

  private snapshot(flow: FlowRecord): RevisionRecord {
    const { warnings: _warnings, ...rest } = flow;
    return { ...rest, definition: JSON.parse(JSON.stringify(flow.definition)), errors: [...flow.errors] };
  }

  /**
   * An execution as an inbound message would start it. Studio allows one active execution
   * per contact and flow, so an active one for the same contact is answered, not doubled.
   */
  addExecution(
    flowSid: string,
    contact: string,
    options: { flowAddress?: string; data?: Record<string, unknown>; status?: 'active' | 'ended' } = {},
  ): ExecutionRecord {
    const flow = this.flows.get(flowSid);
    if (!flow) throw new Error(`no flow ${flowSid} in the fake`);
    const status = options.status ?? 'active';
    if (status === 'active') {
      const existing = this.activeExecution(flowSid, contact);
      if (existing) return existing;
    }
    const now = this.now();
    const execution: ExecutionRecord = {
      sid: this.sid('FN'),
      flow_sid: flowSid,
      contact_channel_address: contact,
      context: {
        flow: {
          flow_sid: flowSid,
          channel: { address: options.flowAddress ?? this.seeded?.phoneNumber ?? '+15005550006' },
          data: options.data ?? {},
          variables: {},
        },
        contact: { channel: { address: contact } },
        widgets: {},
      },
      status,
      date_created: now,
      date_updated: null,
    };
    this.executions.set(execution.sid, execution);
    const initial = typeof flow.definition.initial_state === 'string' ? flow.definition.initial_state : 'Trigger';
    this.steps.set(execution.sid, [
      {
        sid: this.sid('FT'),
        flow_sid: flowSid,
        execution_sid: execution.sid,
        parent_step_sid: null,
        name: initial,
        context: {},
        transitioned_from: 'Initial',
        transitioned_to: initial,
        type: 'trigger',
        date_created: now,
        date_updated: null,
      },
    ]);
    return execution;
  }

  activeExecution(flowSid: string, contact: string): ExecutionRecord | undefined {
    for (const execution of this.executions.values()) {
      if (execution.flow_sid === flowSid && execution.contact_channel_address === contact && execution.status === 'active') {
        return execution;
      }
    }
    return undefined;
  }

  // ---- TaskRouter ----

  createTask(workspaceSid: string, input: NewTask): TaskRecord {
    const workspace = this.workspaces.get(workspaceSid);
    if (!workspace) throw new Error(`no workspace ${workspaceSid} in the fake`);
    const workflow = input.workflowSid ? this.workflows.get(input.workflowSid) : undefined;
    const channel = input.taskChannel ? this.findTaskChannel(workspaceSid, input.taskChannel) : this.findTaskChannel(workspaceSid, 'default');
    // Flex's default workflow sends everything to the first queue ("Everyone").
    const queue =
      (input.taskQueueSid ? this.taskQueues.get(input.taskQueueSid) : undefined) ??
      (workflow ? [...this.taskQueues.values()].find((q) => q.workspace_sid === workspaceSid) : undefined);
    const now = this.now();
    const task: TaskRecord = {
      sid: this.sid('WT'),
      workspace_sid: workspaceSid,
      workflow_sid: workflow?.sid ?? null,
      workflow_friendly_name: workflow?.friendly_name ?? null,
      task_queue_sid: queue?.sid ?? null,
      task_queue_friendly_name: queue?.friendly_name ?? null,
      task_channel_sid: channel?.sid ?? null,
      task_channel_unique_name: channel?.unique_name ?? null,
      attributes: input.attributes ?? '{}',
      assignment_status: 'pending',
      priority: input.priority ?? 0,
      reason: null,
      timeout: input.timeout ?? 86400,
      addons: '{}',
      date_created: now,
      date_updated: now,
      task_queue_entered_date: queue ? now : null,
      virtual_start_time: input.virtualStartTime ?? now,
      ignore_capacity: input.ignoreCapacity ?? null,
      routing_target: input.routingTarget ?? null,
    };
    this.tasks.set(task.sid, task);
    return task;
  }

  /** A task channel by SID or unique name, as TaskRouter accepts either. */
  findTaskChannel(workspaceSid: string, sidOrName: string): TaskChannelRecord | undefined {
    for (const channel of this.taskChannels.values()) {
      if (channel.workspace_sid !== workspaceSid) continue;
      if (channel.sid === sidOrName || channel.unique_name === sidOrName) return channel;
    }
    return undefined;
  }

  // ---- Conversations ----

  addConversation(input: NewConversation = {}): ConversationRecord {
    const now = this.now();
    const conversation: ConversationRecord = {
      sid: this.sid('CH'),
      chat_service_sid: input.chatServiceSid ?? this.seeded?.conversationServiceSid ?? this.sid('IS'),
      messaging_service_sid: null,
      friendly_name: input.friendlyName ?? null,
      unique_name: input.uniqueName ?? null,
      attributes:
        typeof input.attributes === 'string' ? input.attributes : JSON.stringify(input.attributes ?? {}),
      state: input.state ?? 'active',
      timers: {},
      bindings: null,
      date_created: now,
      date_updated: now,
    };
    this.conversations.set(conversation.sid, conversation);
    this.messages.set(conversation.sid, []);
    this.participants.set(conversation.sid, []);
    this.webhooks.set(conversation.sid, []);
    for (const p of input.participants ?? []) this.addParticipant(conversation.sid, p);
    for (const m of input.messages ?? []) this.addMessage(conversation.sid, { author: m.author, body: m.body });
    return conversation;
  }

  addParticipant(
    conversationSid: string,
    p: { identity?: string; address?: string; proxyAddress?: string; attributes?: string },
  ): ParticipantRecord {
    const now = this.now();
    const participant: ParticipantRecord = {
      sid: this.sid('MB'),
      conversation_sid: conversationSid,
      identity: p.identity ?? null,
      attributes: p.attributes ?? '{}',
      messaging_binding: p.address
        ? { type: 'sms', address: p.address, proxy_address: p.proxyAddress ?? this.seeded?.phoneNumber ?? null }
        : null,
      role_sid: null,
      last_read_message_index: null,
      last_read_timestamp: null,
      date_created: now,
      date_updated: now,
    };
    this.participantsOf(conversationSid).push(participant);
    return participant;
  }

  addMessage(
    conversationSid: string,
    m: { author?: string; body?: string | null; attributes?: string; participantSid?: string | null; contentSid?: string | null },
  ): MessageRecord {
    const list = this.messagesOf(conversationSid);
    const now = this.now();
    const message: MessageRecord = {
      sid: this.sid('IM'),
      conversation_sid: conversationSid,
      index: list.length === 0 ? 0 : list[list.length - 1].index + 1,
      author: m.author ?? 'system',
      body: m.body ?? null,
      media: null,
      attributes: m.attributes ?? '{}',
      participant_sid: m.participantSid ?? null,
      delivery: null,
      content_sid: m.contentSid ?? null,
      date_created: now,
      date_updated: now,
    };
    list.push(message);
    return message;
  }

  /** A conversation by SID or unique name, as the Conversations API accepts either. */
  findConversation(sidOrUniqueName: string): ConversationRecord | undefined {
    const bySid = this.conversations.get(sidOrUniqueName);
    if (bySid) return bySid;
    for (const c of this.conversations.values()) if (c.unique_name === sidOrUniqueName) return c;
    return undefined;
  }

  messagesOf(conversationSid: string): MessageRecord[] {
    let list = this.messages.get(conversationSid);
    if (!list) this.messages.set(conversationSid, (list = []));
    return list;
  }

  participantsOf(conversationSid: string): ParticipantRecord[] {
    let list = this.participants.get(conversationSid);
    if (!list) this.participants.set(conversationSid, (list = []));
    return list;
  }

  webhooksOf(conversationSid: string): WebhookRecord[] {
    let list = this.webhooks.get(conversationSid);
    if (!list) this.webhooks.set(conversationSid, (list = []));
    return list;
  }

  channelWebhooksOf(channelSid: string): ChannelWebhookRecord[] {
    let list = this.channelWebhooks.get(channelSid);
    if (!list) this.channelWebhooks.set(channelSid, (list = []));
    return list;
  }

  /** A conversation-scoped webhook, as POST /v1/Conversations/CH…/Webhooks makes it. */
  addConversationWebhook(conversationSid: string, target: string, configuration: Record<string, any>): WebhookRecord {
    const now = this.now();
    const webhook: WebhookRecord = { sid: this.sid('WH'), conversation_sid: conversationSid, target, configuration, date_created: now, date_updated: now };
    this.webhooksOf(conversationSid).push(webhook);
    return webhook;
  }

  /** A chat channel webhook, as POST /v2/Services/IS…/Channels/CH…/Webhooks makes it. */
  addChannelWebhook(serviceSid: string, channelSid: string, type: string, configuration: Record<string, any>): ChannelWebhookRecord {
    const now = this.now();
    const webhook: ChannelWebhookRecord = { sid: this.sid('WH'), service_sid: serviceSid, channel_sid: channelSid, type, configuration, date_created: now, date_updated: now };
    this.channelWebhooksOf(channelSid).push(webhook);
    return webhook;
  }

  /**
   * A message added to a conversation (or chat channel) reaches the Studio flows its
   * webhooks name: "a Studio Flow's Execution will start when a message is created in the
   * Conversation" (Using Conversations with Studio), "new messages posted in the Chat
   * Channel will create a new Studio Execution" (Flex Flow, integration type studio).
   * An active execution for that contact takes the message instead of a new one.
   * Messages authored `system` are what Studio itself sends; they start nothing (assumed).
   * Returns the executions the message reached.
   */
  deliverToStudio(conversationSid: string, message: MessageRecord): ExecutionRecord[] {
    if (message.author === 'system') return [];
    const conversation = this.conversations.get(conversationSid);
    if (!conversation) return [];
    const reached: ExecutionRecord[] = [];
    const start = (flowSid: unknown, trigger: Record<string, any>) => {
      if (typeof flowSid !== 'string' || !this.flows.has(flowSid)) return;
      const execution = this.addExecution(flowSid, message.author);
      if (!execution.context.trigger) execution.context.trigger = trigger;
      reached.push(execution);
    };
    for (const w of this.webhooksOf(conversationSid)) {
      if (w.target !== 'studio') continue;
      start(w.configuration.flow_sid, {
        conversation: { ConversationSid: conversationSid, MessageSid: message.sid, Body: message.body, Author: message.author, From: message.author, EventType: 'onMessageAdded' },
      });
    }
    for (const w of this.channelWebhooksOf(conversationSid)) {
      if (w.type !== 'studio') continue;
      let channelAttributes: unknown = {};
      try {
        channelAttributes = JSON.parse(conversation.attributes);
      } catch {
        channelAttributes = {};
      }
      start(w.configuration.flow_sid, {
        message: { ChannelSid: conversationSid, Body: message.body, From: message.author, ChannelAttributes: channelAttributes, EventType: 'onMessageSent' },
      });
    }
    return reached;
  }

  /** Open tasks (not completed or canceled), what an escalation is judged by. */
  openTasks(): TaskRecord[] {
    return [...this.tasks.values()].filter((t) => t.assignment_status !== 'completed' && t.assignment_status !== 'canceled');
  }
}
