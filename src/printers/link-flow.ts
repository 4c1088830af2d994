import type { LinkFlowResult } from '../lib/link-flow';
import { redact, redactEndpoint } from '../lib/redact';
import { formatDiff, toMermaid } from '../lib/studio';
import { hideEndpointToken } from '../lib/studio/endpoint-token';

interface Printer {
  warn(message: string): void;
  flags: Record<string, any>;
}

const VERB: Record<string, string> = {
  created: 'Created',
  updated: 'Updated',
  unchanged: 'Unchanged:',
  'would-create': 'Would create',
  'would-update': 'Would update',
};

/** The result goes to stdout (it is what the command is for); warnings to stderr. */
export function printLinkFlowResult(cmd: Printer, r: LinkFlowResult, o: { diagram: boolean; dryRun: boolean }): void {
  const { deploy, setup } = r;
  const say = (line: string) => process.stdout.write(`${redact(line)}\n`);
  const definition = hideEndpointToken(deploy.definition, setup.endpointUrl);
  if (cmd.flags['cli-output-format'] === 'json') {
    const body = o.dryRun
      ? definition
      : {
          action: deploy.action,
          flow: deploy.flow,
          endpoint: redactEndpoint(setup.endpointUrl),
          changes: deploy.changes,
          backup: deploy.backup,
          recovered: deploy.recovered || undefined,
          wiring: r.wiring,
          out: r.out,
          restoredFrom: r.restoredFrom,
          warnings: deploy.warnings,
          ...(o.diagram ? { diagram: toMermaid(definition) } : {}),
        };
    process.stdout.write(`${redact(JSON.stringify(body, null, 2))}\n`);
    return;
  }
  const f = deploy.flow;
  const id = f.sid ? `"${f.name}" (${f.sid}${f.revision ? `, revision ${f.revision}` : ''})` : `"${f.name}"`;
  say(`${VERB[deploy.action]} ${id}, ${f.status}; bot ${redactEndpoint(setup.endpointUrl)}${setup.testMode ? ' (test mode)' : ''}`);
  if (deploy.action === 'unchanged') say('The deployed flow already holds this definition: nothing was written.');
  if (deploy.changes.length) {
    say(`Changes (canvas positions ignored):`);
    say(formatDiff(deploy.changes, redact));
  }
  if (deploy.backup) say(`Backup of the previous definition: ${deploy.backup} (restore with --restore)`);
  if (deploy.recovered) cmd.warn('Twilio answered the write with an error, but the flow was found written as intended.');
  for (const w of deploy.warnings) cmd.warn(`${w.widget ? `${w.widget}: ` : ''}${w.message}`);
  for (const w of r.wiring) {
    const what = w.kind === 'flex-flow' ? `Flex Flow ${w.sid}` : `Address ${w.address} (${w.sid})`;
    const verb = w.action === 'unchanged' ? 'already starts' : w.action === 'updated' ? 'now starts' : 'would start';
    say(`${what} ${verb} the flow${w.before && w.before !== w.after ? ` (was ${w.before})` : ''}.`);
  }
  if (r.out) say(`Definition written to ${r.out}`);
  if (f.webhookUrl && !o.dryRun) say(`Webhook URL: ${f.webhookUrl}`);
  if (o.dryRun) {
    // Last but the diagram, so the definition can be cut from the output as one block.
    say('Dry run: nothing was written. The definition it would deploy:');
    say(JSON.stringify(definition, null, 2));
  }
  if (o.diagram) process.stdout.write(`${toMermaid(definition)}\n`);
}
