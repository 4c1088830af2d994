import { Flags } from '@oclif/core';
import { CognigyCommand } from '../../base-command';
import { docLink, setupFlags, setupInputFromFlags } from '../../flags';

export default class Init extends CognigyCommand {
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

  async run(): Promise<void> {
    await super.run();
    const { runInit } = await import('../../lib/tasks/init');
    const { printInitResult, printEntryPoints, printProbe } = await import('../../printers/init');
    const { id, accountSid, apiKey, region } = this.currentProfile;
    const result = await runInit({
      input: { ...setupInputFromFlags(this.flags), yes: this.flags.yes, skipProbe: this.flags['skip-probe'] },
      client: this.twilioClient,
      configDir: this.config.configDir,
      profileId: this.currentProfile.id,
      inquirer: this.interactive ? this.interruptibleInquirer() : undefined,
      // "Probing…" is progress for a person watching; in CI it would be a third line before
      // an error's two, so there it goes to -l debug.
      log: (m) => (process.stderr.isTTY ? this.log(m) : this.debugLog(m)),
      debug: this.debugLogger,
      showEntryPoints: (points) => printEntryPoints(this, points),
      showProbe: (probe) => printProbe(this, probe, { retry: true }),
      say: (m) => this.log(m),
      credentials: { id, accountSid, apiKey, region },
    });
    this.interruptedMessage = 'Interrupted.';
    printInitResult(this, result);
  }
}
