/** Flex v1: legacy Flex Flows, and Interactions (which open a TaskRouter task). */
import { badRequest, notFound } from './errors';
import { created, HandlerContext, HandlerTable, listReply, noContent, ok, parseJsonParam } from './handler';
import type { FlexFlowRecord, InteractionChannelRecord, InteractionRecord } from './state';

const CHANNEL_TYPES = ['voice', 'sms', 'email', 'web', 'whatsapp', 'chat', 'messenger', 'gbm'] as const;

/** Form key `Integration.X` → field `integration.x` of a Flex Flow. */
const INTEGRATION_FIELDS: Record<string, string> = {
  'Integration.FlowSid': 'flow_sid',
  'Integration.Url': 'url',
  'Integration.WorkspaceSid': 'workspace_sid',
  'Integration.WorkflowSid': 'workflow_sid',
  'Integration.Channel': 'channel',
  'Integration.Timeout': 'timeout',
  'Integration.Priority': 'priority',
  'Integration.CreationOnMessage': 'creation_on_message',
  'Integration.RetryCount': 'retry_count',
};

function flexFlowOr404(ctx: HandlerContext, sid: string): FlexFlowRecord {
  const flow = ctx.state.flexFlows.get(sid);
  if (!flow) throw notFound(`/v1/FlexFlows/${sid}`);
  return flow;
}

function renderFlexFlow(ctx: HandlerContext, f: FlexFlowRecord) {
  return { account_sid: ctx.state.accountSid, ...f, url: ctx.url(`/v1/FlexFlows/${f.sid}`) };
}

function renderInteraction(ctx: HandlerContext, i: InteractionRecord) {
  const url = ctx.url(`/v1/Interactions/${i.sid}`);
  return { ...i, url, links: { channels: `${url}/Channels` } };
}

function renderInteractionChannel(ctx: HandlerContext, c: InteractionChannelRecord) {
  const url = ctx.url(`/v1/Interactions/${c.interaction_sid}/Channels/${c.sid}`);
  return {
    ...c,
    url,
    links: { participants: `${url}/Participants`, invites: `${url}/Invites`, transfers: `${url}/Transfers` },
  };
}

function applyFlexFlowBody(flow: FlexFlowRecord, body: Record<string, any>): void {
  if (body.FriendlyName !== undefined) flow.friendly_name = body.FriendlyName;
  if (body.ChatServiceSid !== undefined) flow.chat_service_sid = body.ChatServiceSid;
  if (body.ChannelType !== undefined) flow.channel_type = body.ChannelType;
  if (body.ContactIdentity !== undefined) flow.contact_identity = body.ContactIdentity;
  if (body.Enabled !== undefined) flow.enabled = body.Enabled;
  if (body.LongLived !== undefined) flow.long_lived = body.LongLived;
  if (body.JanitorEnabled !== undefined) flow.janitor_enabled = body.JanitorEnabled;
  if (body.IntegrationType !== undefined && body.IntegrationType !== flow.integration_type) {
    // a new kind of integration does not keep the old one's settings
    flow.integration_type = body.IntegrationType;
    flow.integration = {};
  }
  for (const [key, field] of Object.entries(INTEGRATION_FIELDS)) {
    if (body[key] !== undefined) flow.integration[field] = body[key];
  }
}

function jsonObject(value: unknown, name: string): Record<string, any> {
  const parsed = parseJsonParam(value, (m) => badRequest(20001, `${name} is not valid JSON: ${m}`));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(20001, `${name} must be a JSON object`);
  return parsed;
}

export const flexHandlers: HandlerTable = {
  ListFlexFlow: (ctx) => {
    const name = ctx.query.FriendlyName;
    const items = [...ctx.state.flexFlows.values()].filter((f) => name === undefined || f.friendly_name === name);
    return listReply(ctx, 'flex_flows', items, (f) => renderFlexFlow(ctx, f));
  },

  FetchFlexFlow: (ctx) => ok(renderFlexFlow(ctx, flexFlowOr404(ctx, ctx.params.Sid))),

  CreateFlexFlow: (ctx) => {
    const now = ctx.state.now();
    const flow: FlexFlowRecord = {
      sid: ctx.state.sid('FO'),
      friendly_name: ctx.body.FriendlyName,
      chat_service_sid: ctx.body.ChatServiceSid,
      channel_type: ctx.body.ChannelType,
      contact_identity: null,
      enabled: true,
      integration_type: 'studio',
      integration: {},
      long_lived: null,
      janitor_enabled: null,
      date_created: now,
      date_updated: now,
    };
    applyFlexFlowBody(flow, ctx.body);
    ctx.state.flexFlows.set(flow.sid, flow);
    return created(renderFlexFlow(ctx, flow));
  },

  UpdateFlexFlow: (ctx) => {
    const flow = flexFlowOr404(ctx, ctx.params.Sid);
    applyFlexFlowBody(flow, ctx.body);
    flow.date_updated = ctx.state.now();
    return ok(renderFlexFlow(ctx, flow));
  },

  DeleteFlexFlow: (ctx) => {
    flexFlowOr404(ctx, ctx.params.Sid);
    ctx.state.flexFlows.delete(ctx.params.Sid);
    return noContent();
  },

  CreateInteraction: (ctx) => {
    const channel = jsonObject(ctx.body.Channel, 'Channel');
    if (!CHANNEL_TYPES.includes(channel.type)) {
      throw badRequest(20001, `Channel.type must be one of ${CHANNEL_TYPES.join(', ')}`);
    }
    const routing = ctx.body.Routing === undefined ? {} : jsonObject(ctx.body.Routing, 'Routing');
    const state = ctx.state;
    const interactionSid = state.sid('KD');
    const channelSid = state.sid('UO');
    let routingOut: Record<string, any> = {};
    const props = routing.properties;
    if (props !== undefined) {
      if (!props || typeof props !== 'object') throw badRequest(20001, 'Routing.properties must be an object');
      const workspace = state.workspaces.get(props.workspace_sid);
      if (!workspace) throw badRequest(20001, `Routing.properties.workspace_sid: workspace ${props.workspace_sid} not found`);
      const workflow = state.workflows.get(props.workflow_sid);
      if (!workflow || workflow.workspace_sid !== workspace.sid) {
        throw badRequest(20001, `Routing.properties.workflow_sid: workflow ${props.workflow_sid} not found in the workspace`);
      }
      const channelName = props.task_channel_unique_name ?? props.task_channel_sid ?? 'default';
      if (!state.findTaskChannel(workspace.sid, channelName)) {
        throw badRequest(20001, `Routing.properties: task channel ${channelName} not found`);
      }
      const given =
        typeof props.attributes === 'string' ? jsonObject(props.attributes, 'Routing.properties.attributes') : props.attributes ?? {};
      const mediaSid = channel.properties?.media_channel_sid;
      // Flex adds the interaction's identifiers to the task, as agents' UIs rely on them.
      const attributes = {
        ...given,
        flexInteractionSid: interactionSid,
        flexInteractionChannelSid: channelSid,
        ...(mediaSid && given.conversationSid === undefined ? { conversationSid: mediaSid } : {}),
        ...(channel.initiated_by && given.initiatedBy === undefined ? { initiatedBy: channel.initiated_by } : {}),
      };
      const task = state.createTask(workspace.sid, {
        workflowSid: workflow.sid,
        taskChannel: channelName,
        attributes: JSON.stringify(attributes),
        priority: typeof props.priority === 'number' ? props.priority : undefined,
        timeout: typeof props.timeout === 'number' ? props.timeout : undefined,
      });
      routingOut = {
        reservation: null,
        properties: {
          sid: task.sid,
          workspace_sid: task.workspace_sid,
          workflow_sid: task.workflow_sid,
          workflow_name: task.workflow_friendly_name,
          queue_sid: task.task_queue_sid,
          queue_name: task.task_queue_friendly_name,
          task_channel_sid: task.task_channel_sid,
          task_channel_unique_name: task.task_channel_unique_name,
          assignment_status: task.assignment_status,
          attributes: task.attributes,
          priority: task.priority,
          timeout: task.timeout,
          age: 0,
          account_sid: state.accountSid,
          date_created: Math.floor(Date.parse(task.date_created) / 1000),
        },
      };
    }
    const interaction: InteractionRecord = {
      sid: interactionSid,
      channel: { type: channel.type, sid: channelSid },
      routing: routingOut,
      interaction_context_sid: ctx.body.InteractionContextSid ?? null,
      webhook_ttid: ctx.body.WebhookTtid ?? null,
    };
    state.interactions.set(interaction.sid, interaction);
    state.interactionChannels.set(channelSid, {
      sid: channelSid,
      interaction_sid: interaction.sid,
      type: channel.type,
      status: 'active',
      error_code: null,
      error_message: null,
    });
    // Twilio documents 200 (not 201) for this create.
    return ok(renderInteraction(ctx, interaction));
  },

  FetchInteraction: (ctx) => {
    const interaction = ctx.state.interactions.get(ctx.params.Sid);
    if (!interaction) throw notFound(`/v1/Interactions/${ctx.params.Sid}`);
    return ok(renderInteraction(ctx, interaction));
  },

  ListInteractionChannel: (ctx) => {
    if (!ctx.state.interactions.has(ctx.params.InteractionSid)) throw notFound(`/v1/Interactions/${ctx.params.InteractionSid}`);
    const channels = [...ctx.state.interactionChannels.values()].filter((c) => c.interaction_sid === ctx.params.InteractionSid);
    return listReply(ctx, 'channels', channels, (c) => renderInteractionChannel(ctx, c));
  },

  FetchInteractionChannel: (ctx) => {
    const channel = ctx.state.interactionChannels.get(ctx.params.Sid);
    if (!channel || channel.interaction_sid !== ctx.params.InteractionSid) {
      throw notFound(`/v1/Interactions/${ctx.params.InteractionSid}/Channels/${ctx.params.Sid}`);
    }
    return ok(renderInteractionChannel(ctx, channel));
  },
};
