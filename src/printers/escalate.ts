import { describeHandover, EscalationResult, FLOW_SOURCE_WORDS } from '../lib/flex/escalate';
import type { Printer, SummaryRow } from './printer';
import { nameAndSid as named } from '../lib/domain/setup';

/** The result to stdout (the SIDs are what the command is for); notes to stderr. */
export function printEscalationResult(cmd: Printer, r: EscalationResult): void {
  if (cmd.outputFormat === 'json') {
    cmd.outputJson(r);
    return;
  }
  if (cmd.outputFormat === 'tsv') {
    cmd.output(summaryRows(r));
    warnAbout(cmd, r);
    return;
  }
  const say = (line: string) => cmd.print(line);
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
  }

  if (r.flow) say(`Bot flow: ${named(r.flow)}, as named by ${FLOW_SOURCE_WORDS[r.flow.source]}.`);
  const where = r.target.kind === 'channel' ? "chat channel's" : "conversation's";
  for (const w of r.studioWebhooks) {
    const of = w.flowSid ? ` (flow ${w.flowSid})` : '';
    if (w.action === 'removed') say(`Removed the ${where} Studio webhook ${w.sid}${of}: new messages no longer start the bot.`);
    else if (w.action === 'would-remove') say(`Would remove the ${where} Studio webhook ${w.sid}${of}.`);
    else say(`The ${where} Studio webhook ${w.sid} was already gone.`);
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
    say(JSON.stringify(r.attributes, null, 2));
  }
  warnAbout(cmd, r);
}

function warnAbout(cmd: Printer, r: EscalationResult): void {
  if (r.recovered) cmd.warn('Twilio answered the create with an error, but the hand-over was found created: no second one was made.');
  for (const n of r.notes) cmd.warn(n);
  if (r.alsoOpen?.length) cmd.warn(`--force: ${r.alsoOpen.length} open hand-over(s) already existed (${r.alsoOpen.map((h) => h.taskSid).join(', ')}).`);
}

/** `-o tsv`: the hand-over and each execution, one row each. */
function summaryRows(r: EscalationResult): SummaryRow[] {
  const h = r.handover;
  const action = r.action === 'already-escalated' ? 'already-open' : r.action;
  const rows: SummaryRow[] = [
    {
      what: h?.kind ?? (r.channelModel === 'legacy' ? 'task' : 'interaction'),
      sid: h?.interactionSid ?? h?.taskSid ?? '',
      action,
      detail: `${r.target.kind} ${r.target.sid} (${r.customer.address}); workflow ${named(r.routing.workflow)}, task channel ${r.routing.taskChannel.name}`,
    },
  ];
  if (h?.interactionSid && h.taskSid) rows.push({ what: 'task', sid: h.taskSid, action, detail: h.assignmentStatus ?? '' });
  for (const w of r.studioWebhooks) rows.push({ what: 'studio-webhook', sid: w.sid, action: w.action, detail: w.flowSid ?? '' });
  for (const e of r.executions) rows.push({ what: 'execution', sid: e.sid, action: e.action, detail: e.why ?? (r.flow ? `"${r.flow.name}"` : '') });
  return rows;
}
