/**
 * What a fresh Flex account holds: the "Flex Task Assignment" workspace with its default
 * workflow, queue and task channels, the three default Studio flows, a legacy Flex Flow for
 * SMS and a Conversations address configuration, both pointing at "Messaging Flow".
 */
import { FakeState, SeededSids } from './state';

export const SEEDED_PHONE_NUMBER = '+15005550006';

/** Flex's default attributes for a messaging task (legacy Programmable Chat). */
export const DEFAULT_MESSAGING_ATTRIBUTES =
  '{"name": "{{trigger.message.ChannelAttributes.from}}", "channelType": "{{trigger.message.ChannelAttributes.channel_type}}", "channelSid": "{{trigger.message.ChannelSid}}"}';

const TASK_CHANNELS = [
  ['default', 'Default'],
  ['voice', 'Voice'],
  ['chat', 'Programmable Chat'],
  ['sms', 'SMS'],
  ['video', 'Video'],
  ['email', 'Email'],
] as const;

function messagingDefinition(workflowSid: string, chatChannelSid: string, description: string) {
  return {
    description,
    states: [
      {
        name: 'Trigger',
        type: 'trigger',
        transitions: [
          { event: 'incomingMessage', next: 'SendMessageToAgent' },
          { event: 'incomingCall' },
          { event: 'incomingConversationMessage', next: 'SendMessageToAgent' },
          { event: 'incomingRequest' },
          { event: 'incomingParent' },
        ],
        properties: { offset: { x: 0, y: -10 } },
      },
      {
        name: 'SendMessageToAgent',
        type: 'send-to-flex',
        transitions: [{ event: 'callComplete' }, { event: 'failedToEnqueue' }, { event: 'callFailure' }],
        properties: {
          offset: { x: 30, y: 360 },
          workflow: workflowSid,
          channel: chatChannelSid,
          attributes: DEFAULT_MESSAGING_ATTRIBUTES,
        },
      },
    ],
    initial_state: 'Trigger',
    flags: { allow_concurrent_calls: true },
  };
}

function voiceDefinition(workflowSid: string, voiceChannelSid: string) {
  return {
    description: 'Voice IVR',
    states: [
      {
        name: 'Trigger',
        type: 'trigger',
        transitions: [
          { event: 'incomingMessage' },
          { event: 'incomingCall', next: 'SendCallToAgent' },
          { event: 'incomingConversationMessage' },
          { event: 'incomingRequest' },
          { event: 'incomingParent' },
        ],
        properties: { offset: { x: 0, y: 0 } },
      },
      {
        name: 'SendCallToAgent',
        type: 'send-to-flex',
        transitions: [{ event: 'callComplete' }, { event: 'failedToEnqueue' }, { event: 'callFailure' }],
        properties: {
          offset: { x: 20, y: 370 },
          workflow: workflowSid,
          channel: voiceChannelSid,
          attributes: '{ "type": "inbound", "name": "{{trigger.call.From}}" }',
        },
      },
    ],
    initial_state: 'Trigger',
    flags: { allow_concurrent_calls: true },
  };
}

export function seedFlexAccount(state: FakeState): SeededSids {
  const now = state.now();
  const offline = state.sid('WA');
  const workspaceSid = state.sid('WS');
  state.workspaces.set(workspaceSid, {
    sid: workspaceSid,
    friendly_name: 'Flex Task Assignment',
    default_activity_sid: offline,
    default_activity_name: 'Offline',
    timeout_activity_sid: offline,
    timeout_activity_name: 'Offline',
    event_callback_url: null,
    events_filter: null,
    multi_task_enabled: true,
    prioritize_queue_order: 'FIFO',
    date_created: now,
    date_updated: now,
  });

  const taskQueueSid = state.sid('WQ');
  state.taskQueues.set(taskQueueSid, {
    sid: taskQueueSid,
    workspace_sid: workspaceSid,
    friendly_name: 'Everyone',
    target_workers: '1==1',
    task_order: 'FIFO',
    max_reserved_workers: 1,
    assignment_activity_sid: null,
    assignment_activity_name: null,
    reservation_activity_sid: null,
    reservation_activity_name: null,
    date_created: now,
    date_updated: now,
  });

  const workflowSid = state.sid('WW');
  state.workflows.set(workflowSid, {
    sid: workflowSid,
    workspace_sid: workspaceSid,
    friendly_name: 'Assign to Anyone',
    configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: taskQueueSid } } }),
    assignment_callback_url: null,
    fallback_assignment_callback_url: null,
    document_content_type: 'application/json',
    task_reservation_timeout: 120,
    date_created: now,
    date_updated: now,
  });

  const taskChannels = {} as SeededSids['taskChannels'];
  for (const [uniqueName, friendlyName] of TASK_CHANNELS) {
    const sid = state.sid('TC');
    taskChannels[uniqueName] = sid;
    state.taskChannels.set(sid, {
      sid,
      workspace_sid: workspaceSid,
      friendly_name: friendlyName,
      unique_name: uniqueName,
      channel_optimized_routing: null,
      date_created: now,
      date_updated: now,
    });
  }

  const messaging = state.createFlow({
    friendlyName: 'Messaging Flow',
    status: 'published',
    definition: messagingDefinition(workflowSid, taskChannels.chat, 'Messaging Flow'),
  });
  const voice = state.createFlow({
    friendlyName: 'Voice IVR',
    status: 'published',
    definition: voiceDefinition(workflowSid, taskChannels.voice),
  });
  const webchat = state.createFlow({
    friendlyName: 'Webchat Flow',
    status: 'published',
    definition: messagingDefinition(workflowSid, taskChannels.chat, 'Webchat Flow'),
  });

  const chatServiceSid = state.sid('IS');
  const flexFlowSid = state.sid('FO');
  state.flexFlows.set(flexFlowSid, {
    sid: flexFlowSid,
    friendly_name: 'Flex SMS Channel',
    chat_service_sid: chatServiceSid,
    channel_type: 'sms',
    contact_identity: SEEDED_PHONE_NUMBER,
    enabled: true,
    integration_type: 'studio',
    integration: { flow_sid: messaging.sid, retry_count: 3 },
    long_lived: false,
    janitor_enabled: false,
    date_created: now,
    date_updated: now,
  });

  const conversationServiceSid = state.sid('IS');
  const addressConfigurationSid = state.sid('IG');
  state.addresses.set(addressConfigurationSid, {
    sid: addressConfigurationSid,
    type: 'sms',
    address: SEEDED_PHONE_NUMBER,
    friendly_name: null,
    auto_creation: {
      enabled: true,
      type: 'studio',
      conversation_service_sid: conversationServiceSid,
      studio_flow_sid: messaging.sid,
      studio_retry_count: 3,
    },
    address_country: 'US',
    date_created: now,
    date_updated: now,
  });

  const seeded: SeededSids = {
    workspaceSid,
    workflowSid,
    taskQueueSid,
    taskChannels,
    messagingFlowSid: messaging.sid,
    voiceFlowSid: voice.sid,
    webchatFlowSid: webchat.sid,
    flexFlowSid,
    chatServiceSid,
    conversationServiceSid,
    addressConfigurationSid,
    phoneNumber: SEEDED_PHONE_NUMBER,
  };
  state.seeded = seeded;
  return seeded;
}
