import type { ChatTurn, HandoverSummary, TranscriptEntry } from '../lib/conversation/chat';
import { nameAndSid } from '../lib/domain/setup';
import { STUDIO_HTTP_BUDGET_MS } from '../lib/domain/studio';
import { redact } from '../lib/redact';

const paint = (on: boolean | undefined, code: number, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/** One transcript entry as a terminal line (or lines). Everything passes through redaction. */
export function formatEntry(entry: TranscriptEntry, o: { color?: boolean } = {}): string {
  const text = redact(entry.text);
  switch (entry.from) {
    case 'customer':
      return `you › ${text}`;
    case 'bot': {
      const lines = text.split('\n');
      const note = entry.outputs && entry.outputs > 1 ? paint(o.color, 2, `  (${entry.outputs} bot outputs, sent as one message)`) : '';
      const media = entry.mediaUrl ? `\n      ${paint(o.color, 2, `[media ${redact(entry.mediaUrl)}]`)}` : '';
      return `${paint(o.color, 36, 'bot ›')} ${lines.join('\n      ')}${note}${media}`;
    }
    default: {
      const media = entry.mediaUrl ? ` [media ${redact(entry.mediaUrl)}]` : '';
      return paint(o.color, entry.kind === 'bot-failure' || entry.kind === 'call-failure' || entry.kind === 'error' ? 33 : 2, `  ⋯ ${text}${media}`);
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
  return paint(o.color, warn ? 33 : 2, `  (${ms} ms${bot})`);
}
