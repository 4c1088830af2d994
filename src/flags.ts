import { Flags } from '@oclif/core';
import { BOT_FAILURE_ACTIONS, CHANNEL_MODELS, REQUEST_FORMATS } from './lib/setup/types';

/**
 * Flags shared by the commands that read the saved setup. Each overrides the saved
 * value, so CI can run every command from flags and env alone.
 */
export const endpointFlag = {
  'endpoint-url': Flags.string({
    description:
      'Cognigy REST endpoint URL (https://endpoint-….cognigy.ai/<token>); also COGNIGY_ENDPOINT_URL. A secret: shown redacted.',
  }),
  'test-mode': Flags.boolean({
    description: "Send to the endpoint's /test/ path (Cognigy test mode: not billed).",
    allowNo: true,
  }),
};

export const setupFlags = {
  ...endpointFlag,
  workspace: Flags.string({ description: 'TaskRouter workspace (SID WS… or name).' }),
  workflow: Flags.string({ description: 'TaskRouter workflow that routes escalations (SID WW… or name).' }),
  'task-channel': Flags.string({ description: 'Task channel for escalations (SID TC… or unique name: chat, sms…).' }),
  flow: Flags.string({ description: 'Existing Studio flow to patch or update (SID FW… or name).' }),
  'new-flow': Flags.string({ description: 'Name of a Studio flow to create.' }),
  'channel-model': Flags.enum({
    description: 'Flex Conversations or legacy Flex messaging.',
    options: [...CHANNEL_MODELS],
  }),
  'escalation-key': Flags.string({ description: "Key in the bot output's data that asks for an agent (default: escalation)." }),
  'on-bot-failure': Flags.enum({
    description: 'What the flow does when the bot fails: hand over to Flex, or apologise and end.',
    options: [...BOT_FAILURE_ACTIONS],
  }),
  'request-format': Flags.enum({
    description: 'How the flow sends each message to the bot: form parameters (default) or a JSON body. init probes the chosen one.',
    options: [...REQUEST_FORMATS],
  }),
};

/** The flags above, as the library's plain input. */
export function setupInputFromFlags(flags: Record<string, any>) {
  return {
    endpointUrl: flags['endpoint-url'] ?? (process.env.COGNIGY_ENDPOINT_URL || undefined),
    testMode: flags['test-mode'],
    workspace: flags.workspace,
    workflow: flags.workflow,
    taskChannel: flags['task-channel'],
    flow: flags.flow,
    newFlow: flags['new-flow'],
    channelModel: flags['channel-model'],
    escalationKey: flags['escalation-key'],
    onBotFailure: flags['on-bot-failure'],
    requestFormat: flags['request-format'],
  };
}

/**
 * The `MORE INFO` link of a command's help: the twilio host otherwise derives one from
 * its API map and prints https://twilio.com/docs/api/ for every plugin command.
 */
export function docLink(command: 'init' | 'link-flow' | 'test-chat' | 'escalate'): string {
  return `https://www.npmjs.com/package/twilio-plugin-cognigy#twilio-cognigy${command.replace('-', '')}`;
}
