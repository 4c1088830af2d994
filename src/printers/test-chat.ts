import type { ChatReport, PreparedChat } from '../lib/conversation/test-chat';
import { formatEntry, formatHandover } from './transcript';

export function banner(prepared: PreparedChat): string[] {
  return [
    `Running ${prepared.source}.`,
    `Bot endpoint: ${prepared.endpoint}. You are the customer ${'(channel: ' + prepared.setup.channelModel + ')'}.`,
  ];
}

/** A one-shot run, as the REPL would have shown it. */
export function printReport(report: ChatReport, write: (line: string) => void): void {
  for (const entry of report.transcript) write(formatEntry(entry));
  if (report.escalation) write(formatHandover(report.escalation));
  write(
    report.escalated
      ? 'Escalated to Flex.'
      : report.ended
        ? `Ended: ${report.ended}.`
        : 'The flow waits for the customer\'s next message.',
  );
}
