import { describeHandover, EscalationResult } from '../lib/flex/escalate';
import { redact, redactDeep } from '../lib/redact';

interface Printer {
  warn(message: string): void;
  flags: Record<string, any>;
}

/** The result to stdout (the SIDs are what the command is for); notes to stderr. */
export function printEscalationResult(cmd: Printer, r: EscalationResult): void {
  if (cmd.flags['cli-output-format'] === 'json') {
    process.stdout.write(`${JSON.stringify(redactDeep(r), null, 2)}\n`);
    return;
  }
  const say = (line: string) => process.stdout.write(`${redact(line)}\n`);
  const what = `${r.target.kind === 'channel' ? 'chat channel' : 'conversation'} ${r.target.sid} (${r.customer.address}, ${r.customer.channelType})`;
  const routing = `workflow ${named(r.routing.workflow)}, task channel ${r.routing.taskChannel.name}`;
  const flowName = r.flow ? `"${r.flow.name}"` : 'the flow';

  if (r.action === 'already-escalated') {
    const h = r.handover!;
    say(`Already with Flex: ${what} has ${describeHandover(h)} (${h.assignmentStatus}${h.escalatedBy ? `, made by ${h.escalatedBy}` : ''}).`);
    say('Nothing was created (--force creates another hand-over).');
  } else if (r.action === 'would-create') {
    say(`Dry run: nothing was written.`);
    say(`Would hand ${what} to Flex: ${r.handover?.kind === 'task' ? 'a TaskRouter task' : 'a Flex Interaction'} in workspace ${named(r.routing.workspace)}, ${routing}.`);
  } else {
    say(`Handed ${what} to Flex: ${describeHandover(r.handover!)} (${routing}).`);
    if (r.recovered) cmd.warn('Twilio answered the create with an error, but the hand-over was found created: no second one was made.');
  }

  for (const e of r.executions) {
    if (e.action === 'ended') say(`Ended the bot: execution ${e.sid} of ${flowName}.`);
    else if (e.action === 'would-end') say(`Would end the bot: execution ${e.sid} of ${flowName}.`);
    else say(`Left execution ${e.sid} running (${e.why}).`);
  }
  if (r.transcript) {
    const t = r.transcript;
    say(`Transcript: ${t.shown === t.total && !t.note ? `${t.total} message${t.total === 1 ? '' : 's'}` : `the last ${t.shown} of ${t.total} messages (cut to fit)`}; attributes ${r.attributesBytes} of ${r.attributesBudget} bytes.`);
  }
  if (r.sessionId) say(`Cognigy session: ${r.sessionId}`);
  if (r.action === 'would-create' && r.attributes) {
    say('Task attributes:');
    process.stdout.write(`${redact(JSON.stringify(r.attributes, null, 2))}\n`);
  }
  for (const n of r.notes) cmd.warn(n);
  if (r.alsoOpen?.length) cmd.warn(`--force: ${r.alsoOpen.length} open hand-over(s) already existed (${r.alsoOpen.map((h) => h.taskSid).join(', ')}).`);
}

function named(r: { sid: string; name: string }): string {
  return r.name && r.name !== r.sid ? `"${r.name}" (${r.sid})` : r.sid;
}
