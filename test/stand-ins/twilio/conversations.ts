/** Conversations v1: address configurations, conversations, messages, participants, webhooks. */
import { badRequest, FakeHttpError, notFound } from './errors';
import { created, HandlerContext, HandlerTable, listReply, noContent, ok } from './handler';
import type {
  AddressRecord,
  ConversationRecord,
  MessageRecord,
  ParticipantRecord,
  WebhookRecord,
} from './state';

/** Form key `AutoCreation.X` → field `auto_creation.x`. */
const AUTO_CREATION_FIELDS: Record<string, string> = {
  'AutoCreation.Enabled': 'enabled',
  'AutoCreation.Type': 'type',
  'AutoCreation.ConversationServiceSid': 'conversation_service_sid',
  'AutoCreation.WebhookUrl': 'webhook_url',
  'AutoCreation.WebhookMethod': 'webhook_method',
  'AutoCreation.WebhookFilters': 'webhook_filters',
  'AutoCreation.StudioFlowSid': 'studio_flow_sid',
  'AutoCreation.StudioRetryCount': 'studio_retry_count',
};

/** Form key `Configuration.X` → field `configuration.x` of a conversation webhook. */
const WEBHOOK_FIELDS: Record<string, string> = {
  'Configuration.Url': 'url',
  'Configuration.Method': 'method',
  'Configuration.Filters': 'filters',
  'Configuration.Triggers': 'triggers',
  'Configuration.FlowSid': 'flow_sid',
  'Configuration.ReplayAfter': 'replay_after',
};

/** An address configuration by IG SID or by the address itself, as the API allows. */
function addressOr404(ctx: HandlerContext, sidOrAddress: string): AddressRecord {
  const bySid = ctx.state.addresses.get(sidOrAddress);
  if (bySid) return bySid;
  for (const a of ctx.state.addresses.values()) if (a.address === sidOrAddress) return a;
  throw notFound(`/v1/Configuration/Addresses/${sidOrAddress}`);
}

function conversationOr404(ctx: HandlerContext, sidOrUniqueName: string): ConversationRecord {
  const conversation = ctx.state.findConversation(sidOrUniqueName);
  if (!conversation) throw notFound(`/v1/Conversations/${sidOrUniqueName}`);
  return conversation;
}

/** "Each individual Conversation can have as many as five such webhooks" (Conversation Scoped Webhook resource). */
const MAX_SCOPED_WEBHOOKS = 5;

function webhookOr404(ctx: HandlerContext): WebhookRecord {
  const conversation = conversationOr404(ctx, ctx.params.ConversationSid);
  const webhook = ctx.state.webhooksOf(conversation.sid).find((w) => w.sid === ctx.params.Sid);
  if (!webhook) throw notFound(`/v1/Conversations/${ctx.params.ConversationSid}/Webhooks/${ctx.params.Sid}`);
  return webhook;
}

function renderAddress(ctx: HandlerContext, a: AddressRecord) {
  return { account_sid: ctx.state.accountSid, ...a, url: ctx.url(`/v1/Configuration/Addresses/${a.sid}`) };
}

function renderConversation(ctx: HandlerContext, c: ConversationRecord) {
  const url = ctx.url(`/v1/Conversations/${c.sid}`);
  return {
    account_sid: ctx.state.accountSid,
    ...c,
    url,
    links: { participants: `${url}/Participants`, messages: `${url}/Messages`, webhooks: `${url}/Webhooks` },
  };
}

function renderMessage(ctx: HandlerContext, m: MessageRecord) {
  const url = ctx.url(`/v1/Conversations/${m.conversation_sid}/Messages/${m.sid}`);
  return {
    account_sid: ctx.state.accountSid,
    ...m,
    url,
    links: { delivery_receipts: `${url}/Receipts`, channel_metadata: `${url}/ChannelMetadata` },
  };
}

function renderParticipant(ctx: HandlerContext, p: ParticipantRecord) {
  return {
    account_sid: ctx.state.accountSid,
    ...p,
    url: ctx.url(`/v1/Conversations/${p.conversation_sid}/Participants/${p.sid}`),
  };
}

function renderWebhook(ctx: HandlerContext, w: WebhookRecord) {
  return {
    account_sid: ctx.state.accountSid,
    ...w,
    url: ctx.url(`/v1/Conversations/${w.conversation_sid}/Webhooks/${w.sid}`),
  };
}

function applyAutoCreation(address: AddressRecord, body: Record<string, any>): void {
  for (const [key, field] of Object.entries(AUTO_CREATION_FIELDS)) {
    if (body[key] !== undefined) address.auto_creation[field] = body[key];
  }
  const auto = address.auto_creation;
  if (auto.type === 'studio' && auto.enabled && !auto.studio_flow_sid) {
    throw badRequest(20001, 'AutoCreation.StudioFlowSid is required when AutoCreation.Type is studio');
  }
  if (auto.type === 'webhook' && auto.enabled && !auto.webhook_url) {
    throw badRequest(20001, 'AutoCreation.WebhookUrl is required when AutoCreation.Type is webhook');
  }
}

export const conversationsHandlers: HandlerTable = {
  ListConfigurationAddress: (ctx) => {
    const type = ctx.query.Type;
    const items = [...ctx.state.addresses.values()].filter((a) => type === undefined || a.type === type);
    return listReply(ctx, 'address_configurations', items, (a) => renderAddress(ctx, a));
  },

  CreateConfigurationAddress: (ctx) => {
    const b = ctx.body;
    for (const a of ctx.state.addresses.values()) {
      if (a.type === b.Type && a.address === b.Address) {
        throw new FakeHttpError(409, 20409, `An address configuration for ${b.Type} ${b.Address} already exists`);
      }
    }
    const now = ctx.state.now();
    const address: AddressRecord = {
      sid: ctx.state.sid('IG'),
      type: b.Type,
      address: b.Address,
      friendly_name: b.FriendlyName ?? null,
      auto_creation: { enabled: false },
      address_country: b.AddressCountry ?? null,
      date_created: now,
      date_updated: now,
    };
    applyAutoCreation(address, b);
    ctx.state.addresses.set(address.sid, address);
    return created(renderAddress(ctx, address));
  },

  FetchConfigurationAddress: (ctx) => ok(renderAddress(ctx, addressOr404(ctx, ctx.params.Sid))),

  UpdateConfigurationAddress: (ctx) => {
    const address = addressOr404(ctx, ctx.params.Sid);
    // validate on a copy, so a refused update leaves the record as it was
    const draft: AddressRecord = { ...address, auto_creation: { ...address.auto_creation } };
    if (ctx.body.FriendlyName !== undefined) draft.friendly_name = ctx.body.FriendlyName;
    applyAutoCreation(draft, ctx.body);
    Object.assign(address, draft, { date_updated: ctx.state.now() });
    return ok(renderAddress(ctx, address));
  },

  DeleteConfigurationAddress: (ctx) => {
    const address = addressOr404(ctx, ctx.params.Sid);
    ctx.state.addresses.delete(address.sid);
    return noContent();
  },

  ListConversation: (ctx) => {
    const wanted = ctx.query.State;
    const items = [...ctx.state.conversations.values()].filter((c) => wanted === undefined || c.state === wanted);
    return listReply(ctx, 'conversations', items, (c) => renderConversation(ctx, c));
  },

  CreateConversation: (ctx) => {
    const b = ctx.body;
    if (b.UniqueName && ctx.state.findConversation(b.UniqueName)) {
      throw new FakeHttpError(409, 50353, `A conversation with unique name ${b.UniqueName} already exists`);
    }
    const conversation = ctx.state.addConversation({
      friendlyName: b.FriendlyName,
      uniqueName: b.UniqueName,
      attributes: b.Attributes,
      state: b.State,
    });
    return created(renderConversation(ctx, conversation));
  },

  FetchConversation: (ctx) => ok(renderConversation(ctx, conversationOr404(ctx, ctx.params.Sid))),

  ListConversationMessage: (ctx) => {
    const conversation = conversationOr404(ctx, ctx.params.ConversationSid);
    const messages = [...ctx.state.messagesOf(conversation.sid)];
    if (ctx.query.Order === 'desc') messages.reverse();
    return listReply(ctx, 'messages', messages, (m) => renderMessage(ctx, m));
  },

  CreateConversationMessage: (ctx) => {
    const conversation = conversationOr404(ctx, ctx.params.ConversationSid);
    const b = ctx.body;
    if (b.Body === undefined && b.MediaSid === undefined && b.ContentSid === undefined) {
      throw badRequest(20001, 'A message needs a Body, a MediaSid or a ContentSid');
    }
    const message = ctx.state.addMessage(conversation.sid, {
      author: b.Author,
      body: b.Body,
      attributes: b.Attributes,
      contentSid: b.ContentSid,
    });
    conversation.date_updated = ctx.state.now();
    ctx.state.deliverToStudio(conversation.sid, message);
    return created(renderMessage(ctx, message));
  },

  ListConversationParticipant: (ctx) => {
    const conversation = conversationOr404(ctx, ctx.params.ConversationSid);
    return listReply(ctx, 'participants', ctx.state.participantsOf(conversation.sid), (p) => renderParticipant(ctx, p));
  },

  /**
   * As the API documents it: a chat participant by Identity, or an SMS/WhatsApp one by
   * MessagingBinding.Address (with the ProxyAddress it is reached through); one of the two.
   * The same identity or address twice in a conversation is refused (409). The error
   * codes of these refusals are not documented per case; the ones here are assumed.
   */
  CreateConversationParticipant: (ctx) => {
    const conversation = conversationOr404(ctx, ctx.params.ConversationSid);
    const b = ctx.body;
    const identity = b.Identity as string | undefined;
    const address = b['MessagingBinding.Address'] as string | undefined;
    if (!identity && !address) throw badRequest(50433, 'A participant needs an Identity or a MessagingBinding.Address');
    if (identity && address) throw badRequest(50434, 'Identity and MessagingBinding.Address cannot both be set');
    if (address && !b['MessagingBinding.ProxyAddress']) throw badRequest(50420, 'MessagingBinding.ProxyAddress is required with MessagingBinding.Address');
    for (const p of ctx.state.participantsOf(conversation.sid)) {
      if ((identity && p.identity === identity) || (address && p.messaging_binding?.address === address)) {
        throw new FakeHttpError(409, 50416, `Participant ${identity ?? address} already exists in conversation ${conversation.sid}`);
      }
    }
    const participant = ctx.state.addParticipant(conversation.sid, {
      identity,
      address,
      proxyAddress: b['MessagingBinding.ProxyAddress'],
      attributes: b.Attributes,
    });
    if (address && /^whatsapp:/.test(address)) participant.messaging_binding = { ...participant.messaging_binding, type: 'whatsapp' };
    return created(renderParticipant(ctx, participant));
  },

  ListConversationScopedWebhook: (ctx) => {
    const conversation = conversationOr404(ctx, ctx.params.ConversationSid);
    return listReply(ctx, 'webhooks', ctx.state.webhooksOf(conversation.sid), (w) => renderWebhook(ctx, w));
  },

  CreateConversationScopedWebhook: (ctx) => {
    const conversation = conversationOr404(ctx, ctx.params.ConversationSid);
    const b = ctx.body;
    if (b.Target === 'studio' && !b['Configuration.FlowSid']) {
      throw badRequest(20001, 'Configuration.FlowSid is required when Target is studio');
    }
    if (b.Target === 'webhook' && !b['Configuration.Url']) {
      throw badRequest(20001, 'Configuration.Url is required when Target is webhook');
    }
    if (ctx.state.webhooksOf(conversation.sid).length >= MAX_SCOPED_WEBHOOKS) {
      throw badRequest(50353, `A conversation can have at most ${MAX_SCOPED_WEBHOOKS} scoped webhooks`);
    }
    const configuration: Record<string, any> = {};
    for (const [key, field] of Object.entries(WEBHOOK_FIELDS)) if (b[key] !== undefined) configuration[field] = b[key];
    return created(renderWebhook(ctx, ctx.state.addConversationWebhook(conversation.sid, b.Target, configuration)));
  },

  FetchConversationScopedWebhook: (ctx) => ok(renderWebhook(ctx, webhookOr404(ctx))),

  UpdateConversationScopedWebhook: (ctx) => {
    const webhook = webhookOr404(ctx);
    for (const [key, field] of Object.entries(WEBHOOK_FIELDS)) if (ctx.body[key] !== undefined) webhook.configuration[field] = ctx.body[key];
    webhook.date_updated = ctx.state.now();
    return ok(renderWebhook(ctx, webhook));
  },

  DeleteConversationScopedWebhook: (ctx) => {
    const webhook = webhookOr404(ctx);
    const list = ctx.state.webhooksOf(webhook.conversation_sid);
    list.splice(list.indexOf(webhook), 1);
    return noContent();
  },
};
