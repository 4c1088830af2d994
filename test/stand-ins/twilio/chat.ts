/**
 * Programmable Chat v2: the webhooks of a legacy Flex messaging channel. The fake keeps one
 * record per CH SID for both APIs (as the project reads a legacy channel through the
 * Conversations API), so a channel is the conversation of that SID, in its chat service.
 */
import { badRequest, notFound } from './errors';
import { created, HandlerContext, HandlerTable, listReply, noContent, ok } from './handler';
import type { ChannelWebhookRecord, ConversationRecord } from './state';

/** Form key `Configuration.X` → field `configuration.x` of a channel webhook. */
const CHANNEL_WEBHOOK_FIELDS: Record<string, string> = {
  'Configuration.Url': 'url',
  'Configuration.Method': 'method',
  'Configuration.Filters': 'filters',
  'Configuration.Triggers': 'triggers',
  'Configuration.FlowSid': 'flow_sid',
  'Configuration.RetryCount': 'retry_count',
};

/** "you can use this resource to specify up to five unique webhook targets for each channel" (Channel Webhook resource). */
const MAX_CHANNEL_WEBHOOKS = 5;

function channelOr404(ctx: HandlerContext): ConversationRecord {
  const { ServiceSid, ChannelSid } = ctx.params;
  const channel = ctx.state.findConversation(ChannelSid);
  if (!channel || channel.chat_service_sid !== ServiceSid) throw notFound(`/v2/Services/${ServiceSid}/Channels/${ChannelSid}`);
  return channel;
}

function webhookOr404(ctx: HandlerContext): ChannelWebhookRecord {
  const channel = channelOr404(ctx);
  const webhook = ctx.state.channelWebhooksOf(channel.sid).find((w) => w.sid === ctx.params.Sid);
  if (!webhook) throw notFound(`/v2/Services/${ctx.params.ServiceSid}/Channels/${channel.sid}/Webhooks/${ctx.params.Sid}`);
  return webhook;
}

function renderWebhook(ctx: HandlerContext, w: ChannelWebhookRecord) {
  return {
    account_sid: ctx.state.accountSid,
    ...w,
    url: ctx.url(`/v2/Services/${w.service_sid}/Channels/${w.channel_sid}/Webhooks/${w.sid}`),
  };
}

export const chatHandlers: HandlerTable = {
  ListChannelWebhook: (ctx) => {
    const channel = channelOr404(ctx);
    return listReply(ctx, 'webhooks', ctx.state.channelWebhooksOf(channel.sid), (w) => renderWebhook(ctx, w));
  },

  CreateChannelWebhook: (ctx) => {
    const channel = channelOr404(ctx);
    const b = ctx.body;
    if (b.Type === 'studio' && !b['Configuration.FlowSid']) throw badRequest(20001, 'Configuration.FlowSid is required when Type is studio');
    if (b.Type === 'webhook' && !b['Configuration.Url']) throw badRequest(20001, 'Configuration.Url is required when Type is webhook');
    if (ctx.state.channelWebhooksOf(channel.sid).length >= MAX_CHANNEL_WEBHOOKS) {
      throw badRequest(20001, `A channel can have at most ${MAX_CHANNEL_WEBHOOKS} webhooks`);
    }
    const configuration: Record<string, any> = {};
    for (const [key, field] of Object.entries(CHANNEL_WEBHOOK_FIELDS)) if (b[key] !== undefined) configuration[field] = b[key];
    return created(renderWebhook(ctx, ctx.state.addChannelWebhook(channel.chat_service_sid, channel.sid, b.Type, configuration)));
  },

  FetchChannelWebhook: (ctx) => ok(renderWebhook(ctx, webhookOr404(ctx))),

  DeleteChannelWebhook: (ctx) => {
    const webhook = webhookOr404(ctx);
    const list = ctx.state.channelWebhooksOf(webhook.channel_sid);
    list.splice(list.indexOf(webhook), 1);
    return noContent();
  },
};
