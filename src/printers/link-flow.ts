import type { FlowSetting, LinkFlowNotice, LinkFlowResult } from '../lib/tasks/link-flow';
import { redact, redactEndpoint } from '../lib/redact';
import { formatDiff, toMermaid } from '../lib/studio';
import { hideEndpointToken } from '../lib/studio/endpoint-token';
import type { PatchWarning } from '../lib/studio/patch';

import type { Printer, ResultPrinter, SummaryRow } from './printer';
import { issueJson, lintFindingText } from './lint';

/** The settings that shape the built flow, as the summary names them. */
const SETTING_NAMES: Record<FlowSetting, string> = {
  endpointUrl: 'bot endpoint',
  testMode: 'test mode',
  channelModel: 'channel model',
  workspace: 'workspace',
  workflow: 'workflow',
  taskChannel: 'task channel',
  escalationKey: 'escalation key',
  onBotFailure: 'on bot failure',
  requestFormat: 'bot request format',
};
const settingName = (setting: FlowSetting) => SETTING_NAMES[setting];

const VERB: Record<string, string> = {
  created: 'Created',
  updated: 'Updated',
  unchanged: 'Unchanged:',
  'would-create': 'Would create',
  'would-update': 'Would update',
};

export interface LinkFlowView {
  diagram: boolean;
  dryRun: boolean;
  print?: boolean;
}

/** The result goes to stdout (it is what the command is for); warnings to stderr. */
export function linkFlowPrinter(o: LinkFlowView): ResultPrinter<LinkFlowResult> {
  return {
    json: (r) => linkFlowJson(r, o),
    rows: summaryRows,
    human: (r, out) => printLinkFlowResult(out, r, o),
    notes: (r, out) => warnAbout(out, r),
  };
}

/** `-o json`: with --dry-run the definition it would deploy; otherwise what was done. */
function linkFlowJson(r: LinkFlowResult, o: LinkFlowView): unknown {
  const { deploy, setup } = r;
  const definition = hideEndpointToken(deploy.definition, setup.endpointUrl);
  if (o.dryRun) return definition;
  return {
    action: deploy.action,
    flow: deploy.flow,
    endpoint: redactEndpoint(setup.endpointUrl),
    changes: deploy.changes,
    backup: deploy.backup,
    recovered: deploy.recovered || undefined,
    wiring: r.wiring,
    out: r.out,
    restoredFrom: r.restoredFrom,
    warnings: deploy.warnings.map(issueJson),
    ...(r.notices.length ? { setupWarnings: r.notices.map(noticeText) } : {}),
    ...(r.patched.length ? { patchWarnings: r.patched.map((w) => ({ ...w, message: patchWarningText(w) })) } : {}),
    saved: r.saved.length ? r.saved : undefined,
    ...(o.diagram ? { diagram: toMermaid(definition) } : {}),
    ...(o.print ? { definition } : {}),
  };
}

function printLinkFlowResult(cmd: Printer, r: LinkFlowResult, o: LinkFlowView): void {
  const { deploy, setup } = r;
  const say = (line: string) => cmd.print(line);
  const definition = hideEndpointToken(deploy.definition, setup.endpointUrl);
  const f = deploy.flow;
  const id = f.sid ? `"${f.name}" (${f.sid}${f.revision ? `, revision ${f.revision}` : ''})` : `"${f.name}"`;
  say(`${VERB[deploy.action]} ${id}, ${f.status}; bot ${redactEndpoint(setup.endpointUrl)}${setup.testMode ? ' (test mode)' : ''}`);
  if (deploy.action === 'unchanged') say('The deployed flow already holds this definition: nothing was written to Twilio.');
  if (deploy.changes.length) {
    say(`Changes (canvas positions ignored):`);
    say(formatDiff(deploy.changes, redact));
  }
  if (deploy.backup) say(`Backup of the previous definition: ${deploy.backup} (restore with --restore)`);
  warnAbout(cmd, r);
  for (const w of r.wiring) {
    const what = w.kind === 'flex-flow' ? `Flex Flow ${w.name ? `"${w.name}" ` : ''}(${w.sid})` : `Address ${w.address} ${w.name ? `"${w.name}" ` : ''}(${w.sid})`;
    const verb = w.action === 'unchanged' ? 'already starts' : w.action === 'updated' ? 'now starts' : 'would start';
    say(`${what} ${verb} the flow "${f.name}"${w.before && w.before !== w.after ? ` (was ${w.before})` : ''}.`);
  }
  if (r.saved.length) {
    say(`Saved to the setup, so the next runs and test-chat use what is deployed: ${r.saved.map((c) => `${settingName(c.setting)} ${c.after} (was ${c.before})`).join('; ')}.`);
  }
  if (r.restoredFrom && deploy.action !== 'unchanged') {
    say('Restored from the file; the setup is unchanged, so a plain link-flow run builds from the setup again (see what it would change with --dry-run).');
  }
  if (r.out) say(`Definition written to ${r.out} (the URL token as $COGNIGY_URL_TOKEN)`);
  if (f.webhookUrl && !o.dryRun) say(`Webhook URL: ${f.webhookUrl}`);
  if (o.dryRun) say('Dry run: nothing was deployed or changed in Twilio.');
  // Last but the diagram, so the definition can be cut from the output as one block.
  if (o.print) say(JSON.stringify(definition, null, 2));
  if (o.diagram) say(toMermaid(definition));
}

function warnAbout(cmd: Printer, r: LinkFlowResult): void {
  for (const n of r.notices) cmd.warn(noticeText(n));
  const edited = r.deploy.editedElsewhere;
  if (edited) {
    const f = r.deploy.flow;
    cmd.warn(
      `Flow "${f.name}" (${f.sid}) was changed in Twilio since link-flow last deployed it (revision ${edited.deployedRevision}, now ${edited.currentRevision}): ` +
        'a real run stops here; --force overwrites that change (a backup is kept). The diff above shows what it would overwrite.',
    );
  }
  if (r.deploy.recovered) cmd.warn('Twilio answered the write with an error, but the flow was found written as intended.');
  for (const w of r.deploy.warnings) cmd.warn(`${w.widget ? `${w.widget}: ` : ''}${lintFindingText(w)}`);
  for (const w of r.patched) cmd.warn(patchWarningText(w));
}

/** What patching an existing flow kept as it was, in words. */
export function patchWarningText(w: PatchWarning): string {
  switch (w.code) {
    case 'attributes-not-json':
      return `The attributes of "${w.widget}" are not a JSON template; they were left as they are, so the agent gets no "cognigy" details.`;
    case 'own-routing':
      return `"${w.widget}" keeps its own routing (workflow ${w.workflow}, channel ${w.channel}), not the setup's.`;
  }
}

/** Test mode costs nothing but is limited (Cognigy: "up to 600 test messages per hour"). */
function noticeText(n: LinkFlowNotice): string {
  const what = "the flow calls Cognigy's /test/ path (test mode), meant for testing: Cognigy may treat more than 600 test messages an hour as misuse";
  return n.status === 'published' ? `Published in test mode: ${what}.` : `Draft in test mode: ${what}; deploy with --no-test-mode before publishing.`;
}

/** `-o tsv`: one row per thing link-flow looked at or wrote, for scripts that cut columns. */
function summaryRows(r: LinkFlowResult): SummaryRow[] {
  const f = r.deploy.flow;
  const rows: SummaryRow[] = [
    { what: 'flow', sid: f.sid ?? '', action: r.deploy.action, detail: `"${f.name}", ${f.status}${f.revision ? `, revision ${f.revision}` : ''}` },
    ...r.wiring.map((w) => ({
      what: w.kind === 'flex-flow' ? 'flex-flow' : `address ${w.address}`,
      sid: w.sid,
      action: w.action,
      detail: w.before && w.before !== w.after ? `was ${w.before}` : '',
    })),
  ];
  if (r.deploy.backup) rows.push({ what: 'backup', sid: '', action: 'written', detail: r.deploy.backup });
  if (r.out) rows.push({ what: 'out', sid: '', action: 'written', detail: r.out });
  for (const c of r.saved) rows.push({ what: `setup ${settingName(c.setting)}`, sid: '', action: 'saved', detail: `${c.after} (was ${c.before})` });
  return rows;
}
