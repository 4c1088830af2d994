import { Flags } from '@oclif/core';
import { CognigyCommand } from '../../base-command';
import { docLink, setupFlags, setupInputFromFlags } from '../../flags';
import { UsageError } from '../../lib/errors';
import type { LinkFlowResult } from '../../lib/tasks/link-flow';
import type { ResultPrinter } from '../../printers/printer';

export default class LinkFlow extends CognigyCommand<LinkFlowResult> {
  static description =
    'Build the Studio flow that loops customer messages through the Cognigy bot and hands the conversation over to Flex when the bot asks for an agent (or patch it into an existing flow), validate it, deploy it, and point an entry point at it';

  static docLink = docLink('link-flow');

  static examples = [
    '$ twilio cognigy:link-flow --dry-run --diagram',
    '$ twilio cognigy:link-flow --address +15005550006',
    '$ twilio cognigy:link-flow --flow "Messaging Flow" --channel-model legacy --flex-flow FOxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    '$ twilio cognigy:link-flow --out flows/cognigy.json --dry-run',
    '$ twilio cognigy:link-flow --restore ~/.twilio-cli/plugins/twilio-plugin-cognigy/backups/FW…-r3-….json',
  ];

  static flags = {
    ...CognigyCommand.flags,
    ...setupFlags,
    status: Flags.enum({ description: 'Deploy as a draft or publish it.', options: ['draft', 'published'], default: 'published' }),
    'commit-message': Flags.string({ description: 'Commit message of the new flow revision; "[twilio cognigy:link-flow]" is appended, so later runs know link-flow wrote it.' }),
    'dry-run': Flags.boolean({ description: 'Build, check and show what would change (also on a flow edited in the Console); deploy nothing.' }),
    out: Flags.string({ description: 'Also write the definition to this file (for version control; the URL token is left out).' }),
    diagram: Flags.boolean({ description: 'Print a Mermaid diagram of the flow.' }),
    print: Flags.boolean({ description: 'Print the definition it deploys (or would, with --dry-run), the URL token as $COGNIGY_URL_TOKEN.' }),
    force: Flags.boolean({ description: 'Overwrite the flow even if it was edited in Twilio since link-flow last deployed it.' }),
    restore: Flags.string({ description: 'Deploy a backup (or any flow file) instead of building the flow.' }),
    address: Flags.string({ description: 'Point this Conversations address (e.g. +15005550006) at the flow.' }),
    'flex-flow': Flags.string({ description: "Point this legacy Flex Flow's (FO…) Studio integration at the flow." }),
  };

  async run(): Promise<LinkFlowResult> {
    if (this.flags.diagram && this.outputFormat === 'tsv') {
      throw new UsageError('--diagram prints a Mermaid diagram, not a table: drop -o tsv, or use -o json (its "diagram" field).');
    }
    const { linkFlow } = await import('../../lib/tasks/link-flow');
    return linkFlow({
      input: setupInputFromFlags(this.flags),
      client: this.twilioClient,
      configDir: this.config.configDir,
      profileId: this.currentProfile.id,
      status: this.flags.status,
      commitMessage: this.flags['commit-message'],
      dryRun: this.flags['dry-run'],
      force: this.flags.force,
      out: this.flags.out,
      restore: this.flags.restore,
      address: this.flags.address,
      flexFlow: this.flags['flex-flow'],
      busy: this.busy(),
      credentials: (({ id, accountSid, apiKey, region }) => ({ id, accountSid, apiKey, region }))(this.currentProfile),
    });
  }

  protected async printer(): Promise<ResultPrinter<LinkFlowResult>> {
    const { linkFlowPrinter } = await import('../../printers/link-flow');
    return linkFlowPrinter({ diagram: this.flags.diagram, dryRun: this.flags['dry-run'], print: this.flags.print });
  }

  /** The results are printed first: --out failing does not hide what was deployed. */
  protected afterOutput(result: LinkFlowResult): void {
    if (result.outError) throw result.outError;
  }
}
