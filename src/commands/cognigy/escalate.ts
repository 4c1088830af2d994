import { Flags } from '@oclif/core';
import { CognigyCommand } from '../../base-command';
import { docLink, setupFlags } from '../../flags';
import type { EscalateResult } from '../../lib/flex/escalate';
import type { ResultPrinter } from '../../printers/printer';

export default class Escalate extends CognigyCommand<EscalateResult> {
  static description =
    "Hand a live conversation to a Flex agent by hand: create the Flex hand-over with what was already said (transcript, Cognigy session, reason) in the task attributes, remove the conversation's Studio webhook and end the bot's execution";

  static docLink = docLink('escalate');

  static examples = [
    '$ twilio cognigy:escalate --conversation CHxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx --reason "customer asked twice for a human"',
    '$ twilio cognigy:escalate --channel CHxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx --dry-run',
    '$ twilio cognigy:escalate --contact +15551234567 --channel-model legacy -o json',
    '$ twilio cognigy:escalate --conversation CHxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx --workflow "Assign to Anyone" --task-channel chat --force',
  ];

  static flags = {
    ...CognigyCommand.flags,
    conversation: Flags.string({ description: 'The Flex Conversations conversation to hand over (CH…).' }),
    channel: Flags.string({ description: 'The legacy Flex messaging chat channel to hand over (CH…).' }),
    contact: Flags.string({ description: "The customer's address (+1…, whatsapp:+1…): its conversation is found through the bot's execution." }),
    reason: Flags.string({ description: 'Why the conversation goes to an agent; shown to the agent (default: manual-escalation).' }),
    force: Flags.boolean({ description: 'Create another hand-over even if the conversation already has an open one.' }),
    'dry-run': Flags.boolean({ description: 'Show what would be created, removed and ended; write nothing.' }),
    workspace: setupFlags.workspace,
    workflow: setupFlags.workflow,
    'task-channel': setupFlags['task-channel'],
    flow: Flags.string({
      description: "The Studio flow running the bot (SID FW… or name), when the conversation's own Studio webhook (or the legacy channel's, or its Flex Flow) names none; default: the saved setup's flow.",
    }),
    'channel-model': setupFlags['channel-model'],
  };

  async run(): Promise<EscalateResult> {
    const f = this.flags;
    const { runEscalate } = await import('../../lib/tasks/escalate');
    return runEscalate({
      request: {
        conversation: f.conversation,
        channel: f.channel,
        contact: f.contact,
        channelModel: f['channel-model'],
        reason: f.reason,
        force: f.force,
        dryRun: f['dry-run'],
      },
      input: { workspace: f.workspace, workflow: f.workflow, taskChannel: f['task-channel'], flow: f.flow, channelModel: f['channel-model'] },
      client: this.twilioClient,
      configDir: this.config.configDir,
    });
  }

  protected async printer(): Promise<ResultPrinter<EscalateResult>> {
    return (await import('../../printers/escalate')).escalatePrinter;
  }
}
