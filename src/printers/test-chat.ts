import type { PreparedChat } from '../lib/conversation/prepared';
import type { ChatReport } from '../lib/tasks/test-chat';
import { redact } from '../lib/redact';
import { entryText, formatEntry, formatHandover, transcriptJson } from './transcript';

const DEMO_HINT = 'The demo bot knows: hello, opening hours, order 12345, pricing; "agent" hands you over to Flex.';

export function banner(prepared: PreparedChat, o: { demo?: boolean } = {}): string[] {
  return [
    `Running ${prepared.source}.`,
    `Bot endpoint: ${prepared.endpoint}. You are the customer (channel: ${prepared.setup.channelModel}).`,
    ...(o.demo ? [DEMO_HINT] : []),
    ...prepared.notes.map((n) => `Note: ${n}`),
  ].map(redact);
}

/** A one-shot run, as the REPL would have shown it. */
export function printReport(report: ChatReport, write: (line: string) => void): void {
  for (const entry of report.transcript) write(formatEntry(entry));
  if (report.escalation) write(formatHandover(report.escalation));
  for (const note of report.notes) write(redact(`Note: ${note}`));
  write(
    report.escalated
      ? 'Escalated to Flex.'
      : report.ended === 'error' || report.ended === 'limit'
        ? 'The flow stopped with an error.'
        : report.ended
          ? 'The flow ended.'
          : "The flow waits for the customer's next message.",
  );
}

/** `-o tsv`: the transcript, one row per entry (a hand-over's details stay in -o json). */
export function transcriptRows(report: ChatReport): { from: string; text: string }[] {
  return report.transcript.map((e) => ({ from: e.from, text: entryText(e) }));
}

/** `-o json`: the report with each transcript entry in words (`text`), as the REPL shows it. */
export function reportJson(report: ChatReport): Omit<ChatReport, 'transcript'> & { transcript: Array<Record<string, unknown>> } {
  return { ...report, transcript: transcriptJson(report.transcript) };
}

/** Why a one-shot run exits non-zero: one line each, for stderr. */
export function problemLines(report: ChatReport): string[] {
  return report.problems.flatMap((p) =>
    [
      p.kind === 'bot-failure'
        ? ` » "${p.widget}": ${p.message}`
        : p.kind === 'unreachable'
        ? ` » ${p.message}.`
        : p.kind === 'handover'
          ? ` » "${p.widget}" would not create the Flex task in Studio: ${p.message}.`
          : p.kind === 'bot-answer'
            ? ` » ${p.message}`
            : p.kind === 'http-refused'
              ? ` » "${p.widget}" would send nothing in Studio: ${p.message}.`
              : ` » The flow stopped at "${p.widget}": ${p.message}`,
      ...(p.hint ? [`   ${p.hint}`] : []),
    ].map(redact),
  );
}
