import type { RunInitResult } from '../lib/tasks/init';
import type { ProbeOutcome } from '../lib/setup/init';
import { redactEndpoint } from '../lib/redact';
import type { EntryPoint } from '../lib/flex/discovery';
import type { Printer } from './printer';

/** The saved setup as shown to people and scripts: the endpoint is always redacted. */
export function publicSetup(result: RunInitResult) {
  const s = result.setup;
  return {
    accountSid: result.accountSid,
    endpoint: redactEndpoint(s.endpointUrl),
    testMode: s.testMode,
    requestFormat: s.requestFormat ?? 'form',
    channelModel: s.channelModel,
    workspace: s.workspace,
    workflow: s.workflow,
    taskChannel: s.taskChannel,
    flow: s.flow,
    escalationKey: s.escalationKey,
    onBotFailure: s.onBotFailure,
  };
}

/** Which Studio flow each number (Conversations address, legacy Flex Flow) starts today. */
export function printEntryPoints(cmd: Pick<Printer, 'log'>, points: EntryPoint[]): void {
  cmd.log('Entry points today:');
  for (const p of points) {
    const where = `${p.kind === 'flex-flow' ? 'Flex Flow' : 'Conversations address'} ${p.name ? `"${p.name}" ` : ''}${p.sid}`;
    cmd.log(`  ${p.address || '(any)'} [${p.channel}] → ${p.flow ? `"${p.flow.name}" (${p.flow.sid})` : 'no Studio flow'}  (${where})`);
  }
}

/** The probe's round trip against Studio's budget; in the wizard a failure asks again. */
export function printProbe(cmd: Pick<Printer, 'log' | 'warn'>, probe: ProbeOutcome, o: { retry?: boolean } = {}): void {
  if (probe.ok) {
    cmd.log(`Bot answered in ${Math.round(probe.elapsedMs)} ms (Studio allows 10,000 ms).`);
    if (probe.warning) cmd.warn(probe.warning);
    return;
  }
  cmd.warn(`The bot endpoint ${probe.endpoint} failed the probe: ${probe.failure?.message ?? 'no answer'}`);
  if (o.retry) cmd.log('Enter the endpoint URL again (Ctrl-C stops without saving).');
}

export function printInitResult(cmd: Printer, result: RunInitResult): void {
  const setup = publicSetup(result);
  if (cmd.outputFormat === 'json') {
    cmd.outputJson({
      setup,
      changed: result.changed,
      file: result.file,
      probe: result.probe && {
        ok: result.probe.ok,
        elapsedMs: Math.round(result.probe.elapsedMs),
        budgetMs: 10000,
        warning: result.probe.warning,
        requestFormat: result.probe.requestFormat,
      },
      entryPoints: result.entryPoints,
    });
    return;
  }
  if (result.probe && !result.shown.probe) printProbe(cmd, result.probe);
  const flow = setup.flow.sid ? `${setup.flow.name} (${setup.flow.sid})` : `${setup.flow.name} (to be created by link-flow)`;
  const rows = [
    { setting: 'Account', value: setup.accountSid },
    { setting: 'Bot endpoint', value: `${setup.endpoint}${setup.testMode ? ' (test mode)' : ''}` },
    { setting: 'Bot request', value: setup.requestFormat === 'json' ? 'JSON body' : 'form parameters' },
    { setting: 'Channel model', value: setup.channelModel === 'conversations' ? 'Flex Conversations' : 'Legacy Flex messaging' },
    { setting: 'Workspace', value: `${setup.workspace?.name} (${setup.workspace?.sid})` },
    { setting: 'Workflow', value: `${setup.workflow?.name} (${setup.workflow?.sid})` },
    { setting: 'Task channel', value: `${setup.taskChannel?.name} (${setup.taskChannel?.sid})` },
    { setting: 'Studio flow', value: flow },
    { setting: 'Escalation key', value: setup.escalationKey },
    { setting: 'On bot failure', value: setup.onBotFailure === 'escalate' ? 'apologise and hand over to Flex' : 'apologise and end' },
  ];
  cmd.output(rows);
  if (result.entryPoints.length && !result.shown.entryPoints) {
    cmd.log('');
    printEntryPoints(cmd, result.entryPoints);
  }
  cmd.log(result.changed ? `\nSaved to ${result.file}` : `\nNothing changed: ${result.file} already holds this setup.`);
  cmd.log('Next: twilio cognigy:test-chat to talk to the bot through the flow, then twilio cognigy:link-flow to deploy it.');
}
