import { Flags } from '@oclif/core';
import { CognigyCommand } from '../../base-command';
import { docLink, setupFlags, setupInputFromFlags } from '../../flags';
import type { RunInitResult } from '../../lib/tasks/init';
import type { ResultPrinter } from '../../printers/printer';

export default class Init extends CognigyCommand<RunInitResult> {
  static description =
    'Set up the Cognigy bot hand-over: probe the bot endpoint, find the Flex workspace, workflow, task channel and Studio flow, and save the setup for this account';

  static docLink = docLink('init');

  static examples = [
    '$ twilio cognigy:init',
    '$ twilio cognigy:init --endpoint-url https://endpoint-trial.cognigy.ai/<token> --yes',
    '$ twilio cognigy:init --endpoint-url "$COGNIGY_URL" --workflow "Assign to Anyone" --flow "Messaging Flow" --channel-model legacy -o json',
  ];

  static flags = {
    ...CognigyCommand.flags,
    ...setupFlags,
    yes: Flags.boolean({ char: 'y', description: 'Accept every discovered default without asking.' }),
    'skip-probe': Flags.boolean({ description: 'Do not send a probe message to the bot endpoint.' }),
  };

  protected interruptedMessage = 'Interrupted: the setup was not saved.';

  async run(): Promise<RunInitResult> {
    const { runInit } = await import('../../lib/tasks/init');
    const { inquirerAsker, printEntryPoints, printProbe } = await import('../../printers/init');
    const { id, accountSid, apiKey, region } = this.currentProfile;
    const result = await runInit({
      input: { ...setupInputFromFlags(this.flags), yes: this.flags.yes, skipProbe: this.flags['skip-probe'] },
      client: this.twilioClient,
      configDir: this.config.configDir,
      profileId: this.currentProfile.id,
      ask: this.interactive ? inquirerAsker(this.interruptibleInquirer(), (m) => this.log(m)) : undefined,
      // Progress for a person watching (a spinner); in CI a line there would come before an
      // error's two, so there it goes to -l debug.
      busy: this.busy(),
      debug: this.debugLogger,
      showEntryPoints: (points) => printEntryPoints(this, points),
      showProbe: (probe) => printProbe(this, probe, { retry: true }),
      credentials: { id, accountSid, apiKey, region },
    });
    this.interruptedMessage = 'Interrupted.';
    return result;
  }

  protected async printer(): Promise<ResultPrinter<RunInitResult>> {
    return (await import('../../printers/init')).initPrinter;
  }
}
