import type { FlowSource, PreparedChat, PreparedNote, PreparedWarning } from '../lib/conversation/prepared';
import { describeIssue, lintFindingText } from './lint';
import type { ChatReport } from '../lib/tasks/test-chat';
import { redact } from '../lib/redact';
import { entryText, formatEntry, formatHandover, problemWords, transcriptJson } from './transcript';
import { colourFor } from './style';
import type { Printer, ResultPrinter } from './printer';
import type { MergedTotals } from '../lib/conversation/merge';
import type { FlowCoverage } from '../lib/conversation/coverage';
import { coverageLine } from './coverage';
import type { Chalk } from 'chalk';
import type { ScriptReporter } from '../lib/conversation/report';
import type { Shard } from '../lib/conversation/shard';
import type { ScriptProgress } from '../lib/tasks/run-scripts';
import type { TestModeEstimate } from '../lib/conversation/pacing';
import { JUnitWriter } from './junit';
import { createHumanReporter, createStreamingJsonReporter, progressText, testModeText, totalsLine } from './script-report';
import { progressLine } from './spinner';

const DEMO_HINT = 'The demo bot knows: hello, opening hours, order 12345, pricing; "agent" hands you over to Flex.';

/** The endpoint shown when the run calls only the URLs the flow holds. */
const AS_THE_FLOW_SAYS = '(as the flow says)';

/** What the run tells before the first message, in words. */
export function preparedNoteText(note: PreparedNote): string {
  switch (note.code) {
    case 'placeholder-sids':
      return `The hand-over uses placeholder SIDs (${note.workflow.slice(0, 5)}…, ${note.taskChannel.slice(0, 5)}…): "twilio cognigy:init" fills in the real workflow and task channel.`;
  }
}

/** What the run cannot do as the flow stands, in words (stderr, before the run). */
export function preparedWarningText(w: PreparedWarning): string {
  switch (w.code) {
    case 'subflow-unreadable':
      return `The subflow ${w.sid} could not be read from Twilio (${w.error}).`;
    case 'subflow-not-loaded':
      return `Widget "${w.widget}" runs the subflow ${w.sid}, which is not loaded: pass --subflow ${w.sid}=FILE, or run with --flow to read it from Twilio.`;
    case 'function-without-url':
      return `Widget "${w.widget}" runs the Function ${w.functionSid} with no URL in the export: pass --function ${w.widget}=URL (or ${w.functionSid}=URL), or a stub for it.`;
    case 'unmodelled-type':
      return `Widget "${w.widget}" has a type test-chat does not model (${w.type}): a run that reaches it stops there.`;
    case 'lenient-property':
      return `Widget "${w.issue.widget}" ${w.issue.property}: ${lintFindingText(w.issue)}.`;
    case 'studio-accepted':
      return `Studio accepted this flow, but: ${describeIssue(w.issue)}.`;
  }
}

/** Where the flow comes from, for the banner, -o json's `flow` and the HTML report (its errors say it in lib/tasks/test-chat.ts). */
export function flowSourceText(source: FlowSource): string {
  switch (source.kind) {
    case 'flow-file':
      return `flow file ${source.file}`;
    case 'deployed':
      return `deployed flow "${source.name}" (${source.sid}, revision ${source.revision})`;
    case 'subflow':
      return `subflow ${source.sid}`;
    case 'built':
      return source.demo ? 'the flow link-flow builds, against the embedded demo bot' : 'the flow link-flow would deploy';
  }
}

export function banner(prepared: PreparedChat, o: { demo?: boolean } = {}): string[] {
  return [
    `Running ${flowSourceText(prepared.source)}.`,
    `Bot endpoint: ${prepared.endpoint ?? AS_THE_FLOW_SAYS}. You are the customer (channel: ${prepared.setup.channelModel}).`,
    ...(o.demo ? [DEMO_HINT] : []),
    ...prepared.notes.map((n) => `Note: ${preparedNoteText(n)}`),
  ].map(redact);
}

/**
 * The reporters of a `--script` run: the text report (or, with `-o json`, the JSON
 * document, streamed) on `write`, and the `--junit` file, which finishes last.
 */
export function scriptReporters(o: { json: boolean; paint?: Chalk; junit?: string; shard?: Shard }): (write: (text: string) => void) => ScriptReporter[] {
  return (write) => [
    o.json ? createStreamingJsonReporter(write) : createHumanReporter({ write, showPassed: true, paint: o.paint }),
    ...(o.junit ? [new JUnitWriter(o.junit, undefined, o.shard ? { shard: `${o.shard.index}/${o.shard.total}` } : {})] : []),
  ];
}

/** A `--script` run's progress line on a terminal stream, rewritten in place. */
export function scriptProgress(stream: NodeJS.WriteStream): { show(progress: ScriptProgress): void; clear(): void } {
  const line = progressLine(stream);
  return { show: (p) => line.show(progressText(p)), clear: () => line.clear() };
}

/** The warning before a test-mode run past test mode's allowance. */
export function testModeWarning(estimate: TestModeEstimate): string {
  return testModeText(estimate);
}

/** A one-shot run, as the REPL would have shown it. */
export function printReport(report: ChatReport, write: (line: string) => void, o: { color?: boolean } = {}): void {
  for (const entry of report.transcript) write(formatEntry(entry, o));
  if (report.handover) write(formatHandover(report.handover));
  for (const note of report.notes) write(redact(`Note: ${preparedNoteText(note)}`));
  write(
    report.handedOver
      ? 'Handed over to Flex.'
      : report.ended === 'error' || report.ended === 'limit'
        ? 'The flow stopped with an error.'
        : report.ended
          ? 'The flow ended.'
          : "The flow waits for the customer's next message.",
  );
}

/**
 * A `--message` run: the transcript on stdout (JSON, one row per entry, or as the REPL
 * shows it), then on stderr why it fails and what was recorded. `fullRecording`: --record
 * wrote the whole file (rather than --replay-mode new-only adding to it).
 */
export function messagesPrinter(o: { fullRecording: boolean }): ResultPrinter<ChatReport> {
  const after = (report: ChatReport, out: Printer) => {
    // The bot unreachable or the flow stopped by an error: the transcript shows what
    // happened, the exit code makes CI notice.
    for (const line of problemLines(report)) process.stderr.write(`${line}\n`);
    if (report.recorded && !out.quiet) process.stderr.write(`${recordedLine(report.recorded, o.fullRecording)}\n`);
  };
  return {
    json: reportJson,
    rows: transcriptRows,
    human: (report, out) => {
      printReport(report, (l) => out.print(l), { color: colourFor(process.stdout) });
      after(report, out);
    },
    notes: after,
  };
}

/** What `--merge-junit` / `--merge-json` merged: per format its totals; the merged -o json report. */
export interface MergeResult {
  /** `coverage`: the flow coverage of the merged -o json reports, when they hold it. */
  merged: { reports: number; format: 'junit' | 'json'; into?: string; totals: MergedTotals; coverage?: FlowCoverage }[];
  report?: unknown;
}

/** The merged report as `-o json` (nothing when only JUnit reports were merged); otherwise a line and the totals per format. */
export const mergePrinter: ResultPrinter<MergeResult> = {
  json: (r) => r.report,
  human: (r, out) => {
    for (const m of r.merged) {
      duplicatesWarning(m.totals, out);
      const what = m.format === 'junit' ? `${m.reports} JUnit reports into ${m.into}` : `${m.reports} JSON reports`;
      const coverage = m.coverage ? `\n${coverageLine(m.coverage)}` : '';
      out.print(`Merged ${what}${m.totals.shards.length ? ` (shards ${m.totals.shards.join(', ')})` : ''}.${coverage}\n${totalsLine(m.totals)}`);
    }
  },
  notes: (r, out) => r.merged.forEach((m) => duplicatesWarning(m.totals, out)),
};

function duplicatesWarning(t: MergedTotals, out: Printer): void {
  const n = t.duplicates.length;
  if (n) out.warn(`${n} conversation${n === 1 ? ' is' : 's are'} in more than one report, e.g. ${t.duplicates.slice(0, 3).join('; ')}.`);
}

/** What --record or --replay-mode new-only wrote. */
export function recordedLine(r: { file: string; conversations: number; changed: number }, full: boolean): string {
  return full
    ? `Recorded the bot's answers for ${r.conversations} conversation${r.conversations === 1 ? '' : 's'} to ${r.file}.`
    : `Recorded ${r.changed} new or changed conversation${r.changed === 1 ? '' : 's'} into ${r.file} (${r.conversations} in all).`;
}

/** `-o tsv`: the transcript, one row per entry (a hand-over's details stay in -o json). */
export function transcriptRows(report: ChatReport): { from: string; text: string }[] {
  return report.transcript.map((e) => ({ from: e.from, text: entryText(e) }));
}

/** `-o json`: the report with each transcript entry in words (`text`), as the REPL shows it. */
export function reportJson(report: ChatReport): Omit<ChatReport, 'flow' | 'transcript' | 'notes'> & { flow: string; transcript: Array<Record<string, unknown>>; notes: string[] } {
  // The keys in the order they always had: flow, endpoint, then the rest.
  const { flow, endpoint, ...rest } = report;
  return {
    flow: flowSourceText(flow),
    endpoint: endpoint ?? AS_THE_FLOW_SAYS,
    ...rest,
    transcript: transcriptJson(report.transcript),
    // A bot answer's problem is data (`answer`, with its code): its words as every problem has them.
    problems: report.problems.map((p) => {
      if (p.answer) return { ...p, ...problemWords(p) };
      if (!p.replay) return p;
      // A replayed turn's failure: its words as before, its code beside them.
      const { replay, ...rest } = p;
      return { ...rest, ...problemWords(p), replayCode: replay.code };
    }),
    notes: report.notes.map(preparedNoteText),
  };
}

/** Why a one-shot run exits non-zero: one line each, for stderr. */
export function problemLines(report: ChatReport): string[] {
  return report.problems.flatMap((p) => {
    const { message, hint } = problemWords(p);
    return [
      p.kind === 'bot-failure'
        ? ` » "${p.widget}": ${message}`
        : p.kind === 'unreachable'
        ? ` » ${message}.`
        : p.kind === 'handover'
          ? ` » "${p.widget}" would not create the Flex task in Studio: ${message}.`
          : p.kind === 'bot-answer'
            ? ` » ${message}`
            : p.kind === 'http-refused'
              ? ` » "${p.widget}" would send nothing in Studio: ${message}.`
              : ` » The flow stopped at "${p.widget}": ${message}`,
      ...(hint ? [`   ${hint}`] : []),
    ].map(redact);
  });
}
