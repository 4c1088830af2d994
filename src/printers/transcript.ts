import type { RichContent } from '../lib/cognigy/normalize';
import type { ChatTurn, HandoverSummary, TranscriptEntry, TranscriptNote } from '../lib/conversation/chat';
import type { AnswerProblem, ChatProblem } from '../lib/conversation/events';
import { replayFailureText, sideText } from './failure';
import { nameAndSid } from '../lib/domain/setup';
import { STUDIO_HTTP_BUDGET_MS } from '../lib/domain/studio';
import { redact } from '../lib/redact';
import { paint } from './style';

/** What a run does not model of media on a Flex Conversations flow (the transcript and the script report say it). */
export const MEDIA_ON_CONVERSATIONS =
  "media sent to a Flex Conversations flow: Studio's documentation does not say how trigger.conversation exposes it, so the local run does not (legacy messaging gets NumMedia and MediaUrlN)";

/** A transcript entry's words: what was said, or (a system entry) what happened. Not redacted. */
export function entryText(entry: TranscriptEntry): string {
  return entry.from === 'system' ? noteText(entry.note) : entry.text;
}

/** One sentence for what a conversation note (or transcript note) says happened. */
export function noteText(note: TranscriptNote): string {
  switch (note.code) {
    case 'new-execution': {
      if (note.trigger === 'message') return 'A new execution starts, as Studio does for the next message after an end.';
      const params = Object.entries(note.data ?? {})
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ');
      return note.trigger === 'incomingRequest'
        ? `A REST API execution starts (incomingRequest)${params ? ` with flow.data ${params}` : ''}.`
        : `The subflow runs on its own (incomingParent)${params ? ` with parameters ${params}` : ''}.`;
    }
    case 'no-messaging-trigger':
      return "No execution is waiting, and the flow's trigger wires no messaging event: Studio starts nothing for this message.";
    case 'media-on-conversations':
      return `${MEDIA_ON_CONVERSATIONS[0].toUpperCase()}${MEDIA_ON_CONVERSATIONS.slice(1)}.`;
    case 'not-waiting':
      return 'The flow is not waiting for the customer.';
    case 'silence':
      return 'The customer stays silent: the wait times out.';
    case 'slow-call':
      return `${note.widget} waited ${(note.elapsedMs / 1000).toFixed(1)} s for its answer: Studio fails the widget past ${note.budgetMs / 1000} s.`;
    case 'send-failed':
      return `"${note.widget}" sends nothing: ${note.failure}; the widget takes "failed".`;
    case 'other-recipient':
      return `"${note.widget}" sends to ${note.to}, not the customer: ${note.text}`;
    case 'empty-message':
      return `"${note.widget}" sends an empty message: the channel may reject it, and the customer sees nothing.`;
    case 'rich-content': {
      const r = note.rich;
      const options = r.options.length ? `: ${r.options.join(' | ')}` : '';
      const how = note.listed
        ? 'listed as text above: a Studio message carries only text, on SMS and every other channel'
        : 'an SMS customer receives only the text';
      return `The bot also sent ${describeRich(r)}${options} (${how}).`;
    }
    case 'handover-refused':
      return `Flex would refuse the task (${note.problems.join('; ')}): the flow takes "failedToEnqueue".`;
    case 'handover': {
      const h = note.handover;
      return `Handed over to Flex: workflow ${nameAndSid({ sid: h.workflow, name: h.workflowName })}, task channel ${nameAndSid({ sid: h.channel, name: h.channelName })}.`;
    }
    case 'variables-warning':
      return `"${note.widget}": ${note.warning}.`;
    case 'flow-error':
      return note.stopped ? `The flow stopped with an error: ${note.message}` : note.message;
    case 'subflow-started':
      return `"${note.widget}" runs the subflow ${note.flowSid}.`;
    case 'subflow-returned':
      return `The subflow ${note.flowSid} ${note.outcome === 'completed' ? 'completed' : `failed (${note.message})`}: "${note.widget}" takes "${note.outcome}".`;
    case 'ended-after-handover':
      return `The flow ended after the hand-over: ${note.message}`;
    case 'ended':
      return note.reason === 'flow-ended' ? `The flow ended: ${note.message}` : `The flow ended (${note.reason}): ${note.message}`;
    case 'call-refused':
      return `"${note.widget}" sends nothing: ${note.message}.`;
    case 'bot-failure':
      return note.failed
        ? `The call to the bot failed: ${note.message} The flow takes "${note.branch}".`
        : `"${note.widget}": ${note.message} Studio takes "success", with no bot answer in widgets.${note.widget}.parsed.`;
    case 'call-failed':
      return `"${note.widget}" → ${note.host} failed (${note.failure ?? `HTTP ${note.status}`}): the flow takes "${note.branch}".`;
    case 'not-json': {
      const what = note.jsonObject ? `is a JSON object sent as "${note.contentType ?? ''}", not application/json` : 'is not a JSON object';
      return `The answer to "${note.widget}" ${what}, so widgets.${note.widget}.parsed is empty.`;
    }
    case 'parsed-keys-missing':
      return `The answer to "${note.widget}" has no ${note.missing.map((k) => `"${k}"`).join(', ')}, which its previous answer had: here widgets.${note.widget}.parsed.${note.missing[0]} is empty. Studio's documentation does not say whether Make HTTP Request merges parsed across runs (Run Function merges); if it did, the flow would still see the previous value.`;
    case 'answer-not-sent': {
      const why = note.text.trim()
        ? `its text ("${clip(note.text)}") is not sent by the flow`
        : note.rich.length
          ? `it holds only ${note.rich.map(describeRich).join(', ')}, with no text the flow can send`
          : `it has no text (${note.outputs} output${note.outputs === 1 ? '' : 's'})`;
      return `"${note.widget}": this answer sends the customer nothing: ${why}.`;
    }
    case 'handover-node':
    case 'escalation-missed':
      return answerProblemText(note.widget, note.answer).message;
  }
}

/** What is wrong with a bot answer the flow took, and what to do about it. */
export function answerProblemText(widget: string, a: AnswerProblem): { message: string; hint: string } {
  if (a.code === 'handover-node') {
    return {
      message: `"${widget}": output ${a.output} comes from Cognigy's Handover to Agent node (status "${a.status}"${a.reason !== undefined ? `, reason "${a.reason}"` : ''}): a REST endpoint is not handover-capable, so no agent is connected.`,
      hint: `Hand over through the flow instead: set "${a.key}": true in that output's data (the Say node's Data field).`,
    };
  }
  const why =
    a.why === 'json-string'
      ? 'in data sent as a JSON string, which Studio does not parse'
      : a.why === 'past-loop-limit'
        ? `past the first ${a.limit} outputs, which is all a Studio Liquid loop reads`
        : 'where the flow does not look for it';
  const where = a.output === null ? 'the top-level data' : `output ${a.output}`;
  return {
    message: `"${widget}": the bot asked for an agent (${a.key}) ${why} (${where}), so the flow did not hand over.`,
    hint:
      a.why === 'json-string'
        ? "Make the bot send data as a JSON object (in Cognigy, the Say node's Data field), not as a string."
        : `Put "${a.key}": true in one of the first ${a.limit} outputs' data, or rebuild the flow with link-flow.`,
  };
}

/** A problem's message and hint: its own, or (a bot answer's) in the printer's words. */
export function problemWords(p: ChatProblem): { message: string; hint?: string } {
  if (p.answer) return answerProblemText(p.widget, p.answer);
  if (p.replay) {
    const indent = (text: string) => text.split('\n').join('\n             ');
    return { message: `${replayFailureText(p.replay)}:\n   recorded: ${indent(sideText(p.replay.expected))}\n   now:      ${indent(sideText(p.replay.actual))}` };
  }
  return { message: p.message ?? '', ...(p.hint !== undefined ? { hint: p.hint } : {}) };
}

/** A transcript as `-o json` and `/save FILE.json` write it: each entry with its words, as before the entries were data. */
export function transcriptJson(entries: readonly TranscriptEntry[]): Array<Record<string, unknown>> {
  return entries.map((entry) => {
    if (entry.from !== 'system') return entry as unknown as Record<string, unknown>;
    // The words where they always stood: after the widget and the address, before the details.
    const { note, at, from, kind, widget, to, ...details } = entry;
    return { at, from, kind, ...(widget !== undefined ? { widget } : {}), ...(to !== undefined ? { to } : {}), text: noteText(note), ...details };
  });
}

/** One transcript entry as a terminal line (or lines). Everything passes through redaction. */
export function formatEntry(entry: TranscriptEntry, o: { color?: boolean } = {}): string {
  const text = redact(entryText(entry));
  switch (entry.from) {
    case 'customer':
      return `you › ${text}`;
    case 'bot': {
      const lines = text.split('\n');
      const note = entry.outputs && entry.outputs > 1 ? paint(o.color).dim(`  (${entry.outputs} bot outputs, sent as one message)`) : '';
      const media = entry.mediaUrl ? `\n      ${paint(o.color).dim(`[media ${redact(entry.mediaUrl)}]`)}` : '';
      return `${paint(o.color).cyan('bot ›')} ${lines.join('\n      ')}${note}${media}`;
    }
    default: {
      const media = entry.mediaUrl ? ` [media ${redact(entry.mediaUrl)}]` : '';
      const trouble = entry.kind === 'bot-failure' || entry.kind === 'call-failure' || entry.kind === 'error';
      return (trouble ? paint(o.color).yellow : paint(o.color).dim)(`  ⋯ ${text}${media}`);
    }
  }
}

export function formatHandover(h: HandoverSummary): string {
  const attrs = h.attributes !== undefined ? JSON.stringify(h.attributes, null, 2) : h.attributesRaw;
  return redact(
    [`  Flex would receive (${h.widget}):`, `    workflow      ${nameAndSid({ sid: h.workflow, name: h.workflowName })}`, `    task channel  ${nameAndSid({ sid: h.channel, name: h.channelName })}`, `    attributes    ${attrs.split('\n').join('\n                  ')}`].join(
      '\n',
    ),
  );
}

/** The timing line after a turn: the whole turn, and the slowest bot call against Studio's 10 s budget. */
export function formatTurnTiming(turn: ChatTurn, o: { color?: boolean } = {}): string {
  const ms = Math.round(turn.elapsedMs);
  // Past half of Studio's budget a bot call is worth a look before it becomes a time-out.
  const warn = turn.slowestCallMs > STUDIO_HTTP_BUDGET_MS / 2;
  const bot = turn.slowestCallMs ? `; slowest bot call ${Math.round(turn.slowestCallMs)} ms of Studio's ${STUDIO_HTTP_BUDGET_MS / 1000} s` : '';
  return (warn ? paint(o.color).yellow : paint(o.color).dim)(`  (${ms} ms${bot})`);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function describeRich(r: RichContent): string {
  const names: Record<string, string> = {
    quickReplies: 'quick replies',
    buttons: 'buttons',
    gallery: 'a gallery',
    list: 'a list',
    image: 'an image',
    audio: 'audio',
    video: 'a video',
    adaptiveCard: 'an adaptive card',
  };
  return names[r.kind] ?? r.kind;
}
