import { describeHandover, type EscalateNote, type EscalateResult, type FlowSource } from '../lib/flex/escalate';
import type { Printer, ResultPrinter, SummaryRow } from './printer';
import { PREVIEW_SID, type EscalatePreview } from '../lib/flex/preview';
import type { NamedResource } from '../lib/domain/setup';
import { nameAndSid as named } from '../lib/domain/setup';

/** The result to stdout (the SIDs are what the command is for); notes to stderr. */
export const escalatePrinter: ResultPrinter<EscalateResult> = {
  json: (r) => ({ ...r, notes: r.notes.map(noteText) }),
  rows: (r) => summaryRows(r),
  human: printEscalateResult,
  notes: (r, out, format) => {
    if (format === 'tsv') warnAbout(out, r);
  },
};

function printEscalateResult(r: EscalateResult, cmd: Printer): void {
  const say = (line: string) => cmd.print(line);
  const what = `${r.target.kind === 'channel' ? 'chat channel' : 'conversation'} ${r.target.sid} (${r.customer.address}, ${r.customer.channelType})`;
  const routing = `workflow ${named(r.routing.workflow)}, task channel ${r.routing.taskChannel.name}`;
  const flowName = r.flow ? `"${r.flow.name}"` : 'the flow';

  if (r.action === 'already-handed-over') {
    const h = r.handover!;
    say(`Already with Flex: ${what} has ${describeHandover(h)} (${h.assignmentStatus}${h.madeBy ? `, made by ${h.madeBy}` : ''}).`);
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

function warnAbout(cmd: Printer, r: EscalateResult): void {
  if (r.recovered) cmd.warn('Twilio answered the create with an error, but the hand-over was found created: no second one was made.');
  for (const n of r.notes) cmd.warn(noteText(n));
  if (r.alsoOpen?.length) cmd.warn(`--force: ${r.alsoOpen.length} open hand-over(s) already existed (${r.alsoOpen.map((h) => h.taskSid).join(', ')}).`);
}

/** Where a flow was found, in words. */
const FLOW_SOURCE_WORDS: Record<FlowSource, string> = {
  'conversation-webhook': "the conversation's Studio webhook",
  'channel-webhook': "the chat channel's Studio webhook",
  'flex-flow': "the Flex Flow of the channel's chat service",
  flag: '--flow',
  setup: 'the saved setup',
};

/** One note of the result, in words (stderr, and the `notes` of -o json). */
export function noteText(n: EscalateNote): string {
  switch (n.code) {
    case 'flex-flow-without-webhook':
      return `The chat channel has no Studio webhook to remove; its Flex Flow sends to flow "${n.flow}", so if new messages still reach Studio the bot may answer again.`;
    case 'bot-not-running':
      return `No active execution of flow "${n.flow}" for ${n.customer}: the bot was not running, so there was nothing to end.`;
    case 'session-unknown':
      return 'The Cognigy session is unknown: the channel has no proxySession attribute and no bot execution names one.';
    case 'flow-differs':
      return `The ${n.kind} is served by flow "${n.serving.name}" (${n.serving.sid}), named by ${FLOW_SOURCE_WORDS[n.serving.source]}; ${FLOW_SOURCE_WORDS[n.configured.source]} names "${n.configured.name}": "${n.serving.name}" was used.`;
    case 'serving-flow-missing': {
      const source = FLOW_SOURCE_WORDS[n.source];
      const used = n.configured ? `; "${n.configured.name}" (${FLOW_SOURCE_WORDS[n.configured.source]}) was used` : '';
      return `${source.charAt(0).toUpperCase()}${source.slice(1)} names flow ${n.flowSid}, which is not in this account${used}.`;
    }
    case 'no-flow':
      return `No Studio flow "${n.name}" in this account and the ${n.kind} names none, so no bot execution to end (pass --flow to name the bot's flow).`;
    case 'executions-capped':
      return `Flow "${n.flow}" has more than ${n.limit} executions in the last 30 days; only ${n.limit} were searched.`;
    case 'execution-elsewhere':
      return `Execution ${n.execution} for ${n.contact} serves ${n.serves}, not ${n.target}: it was left running.`;
  }
}

/** `-o tsv`: the hand-over and each execution, one row each. */
function summaryRows(r: EscalateResult): SummaryRow[] {
  const h = r.handover;
  const action = r.action;
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

/** test-chat's `/escalate`: what escalate would do for this conversation, step by step. */
export function formatEscalatePreview(p: EscalatePreview): string {
  const named = (r: NamedResource | undefined, what: string) =>
    r ? (r.name && r.name !== r.sid ? `${what} "${r.name}" (${r.sid})` : `${what} ${r.sid}`) : `${what} (none in the setup: run twilio cognigy:init)`;
  const legacy = p.channelModel === 'legacy';
  const routing = `${named(p.workspace, 'workspace')}, ${named(p.workflow, 'workflow')}, task channel ${p.taskChannel?.name ?? '(none in the setup)'}`;
  const lines = ['What "twilio cognigy:escalate" would do for this conversation:'];
  if (p.alreadyWithAgent) {
    lines.push('  The flow already handed it to Flex: escalate would find that open task, say so and create nothing (--force creates another).');
  }
  lines.push(`  1. create ${legacy ? `a TaskRouter task for chat channel ${p.sid}` : `a Flex Interaction on conversation ${p.sid}`}`);
  lines.push(`     routed to ${routing};`);
  lines.push(`  2. remove the ${legacy ? "chat channel's" : "conversation's"} Studio webhook, so new messages no longer start the bot;`);
  lines.push(`  3. end the flow's active execution for ${p.customer}, so the bot stops answering.`);
  if (p.placeholderSid) lines.push(`  (${PREVIEW_SID} stands for the live ${legacy ? 'channel' : 'conversation'}'s SID.)`);
  lines.push(`  Task attributes (${p.attributesBytes} of ${p.attributesBudget} bytes):`);
  for (const line of JSON.stringify(p.attributes, null, 2).split('\n')) lines.push(`    ${line}`);
  if (p.note) lines.push(`  ${p.note}`);
  return lines.join('\n');
}
