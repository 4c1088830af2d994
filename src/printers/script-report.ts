/**
 * The reporters of a scripted run (`test-chat --script`): a human one (a line per
 * conversation, failures with expected/actual aligned, and a closing `N passed, N failed`
 * line that CI tools read) and `-o json`, streamed. JUnit XML is in junit.ts. The run
 * (`tasks/run-scripts.ts`) hands them data with codes; the words are all here.
 */
import type { Chalk } from 'chalk';
import { coverageLine } from './coverage';
import { MEDIA_ON_CONVERSATIONS } from './transcript';
import { replayFailureText, sideText } from './failure';
import { runTotals, type JsonReport, type ReportedFailure, type ReportedResult, type RunTotals, type ScriptReporter } from '../lib/conversation/report';
import type { FlowCoverage } from '../lib/conversation/coverage';
import type { ConversationResult, Failure, RunSummary } from '../lib/conversation/runner';
import type { FailureSide, ScriptWarning, SuiteNote, UncheckedReason } from '../lib/conversation/types';
import { formatRate, testModeEstimate, type TestModeEstimate } from '../lib/conversation/pacing';
import type { ScriptProgress } from '../lib/tasks/run-scripts';

/**
 * Expected and actual, one above the other with their texts aligned; continuation lines
 * of multi-line texts are indented to the same column.
 */
export function formatExpectedActual(expected: FailureSide, actual: FailureSide, indent = ''): string {
  const block = (label: string, text: string) => {
    const pad = ' '.repeat(label.length);
    return visible(text)
      .split('\n')
      .map((line, i) => `${indent}${i === 0 ? label : pad}${line}`)
      .join('\n');
  };
  return `${block('expected: ', sideText(expected))}\n${block('actual:   ', sideText(actual))}`;
}

/** Why a step failed, in words (with the init probe's diagnosis of an earlier failed bot call). */
export function failureMessage(failure: Failure): string {
  const message = failureSentence(failure);
  return failure.botFailure ? `${message} (${failure.botFailure})` : message;
}

function failureSentence(failure: Failure): string {
  switch (failure.code) {
    case 'bot-mismatch':
      return 'bot message does not match';
    case 'handover-mismatch':
      return 'handover does not match';
    case 'ended-before-step':
      return 'the flow ended before this customer step';
    case 'unexpected-messages':
      return `the bot sent ${failure.count ?? 0} message(s) the script does not expect`;
    case 'not-ended':
      return 'the flow did not end';
    case 'ended-differently':
      return 'the flow ended differently';
    case 'handover-refused':
      return 'Studio would refuse this hand-over: the customer would not reach Flex';
    case 'turn-failed':
      return failure.replay ? replayFailureText(failure.replay) : 'the turn failed';
  }
}

/** A warning beside a conversation's result, in words. */
export function warningMessage(warning: ScriptWarning): string {
  switch (warning.code) {
    case 'ignored-text':
      return `text in ${warning.where} is ignored, as Botium ignores it`;
    case 'media-on-conversations':
      return MEDIA_ON_CONVERSATIONS;
    case 'flow-warning':
      return `"${warning.widget}": ${warning.warning}`;
  }
}

/** Why a check could not be made, in words. */
export function uncheckedText(reason: UncheckedReason): string {
  switch (reason) {
    case 'no-nlu':
      return 'a Cognigy REST endpoint returns no NLU result (intent, confidence, entities)';
  }
}

/** What the reading of the suite tells once, in words. */
export function suiteNoteText(note: SuiteNote): string {
  switch (note.code) {
    case 'memory-off':
      return `${note.file}:${note.line}: scripting memory ignored, as Botium ignores it, because SCRIPTING_ENABLE_MEMORY is off`;
    case 'connector-capabilities-ignored': {
      const n = note.names.length;
      return `botium.json: ${n} capabilit${n === 1 ? 'y' : 'ies'} that only configure Botium's own connector ignored (${note.names.slice(0, 5).join(', ')}${n > 5 ? ', …' : ''})`;
    }
  }
}

/**
 * The closing line, alone on its line: `N passed, N failed`, then the not checkable,
 * the script errors and the skipped (not run after an abort) when there are any.
 */
export function closingLine(summary: RunSummary): string {
  return totalsLine(runTotals(summary));
}

/** The closing line of these totals (also of merged shard reports). */
export function totalsLine(t: RunTotals): string {
  let line = `${t.passed} passed, ${t.failed} failed`;
  if (t.notCheckable) line += `, ${t.notCheckable} not checkable`;
  if (t.scriptErrors) line += `, ${t.scriptErrors} script error${t.scriptErrors === 1 ? '' : 's'}`;
  if (t.notRun) line += `, ${t.notRun} skipped`;
  return line;
}

export function failureLocation(failure: Failure): string {
  return `${failure.file}:${failure.line}, turn ${failure.turn}`;
}

export interface HumanReporterOptions {
  write: (text: string) => void;
  /** Print a line per passed conversation too (default). Off: only failures, then the counts. */
  showPassed?: boolean;
  /** The colours, as the printer chose them (none when absent). */
  paint?: Chalk;
}

export function createHumanReporter(options: HumanReporterOptions): Required<ScriptReporter> {
  const showPassed = options.showPassed ?? true;
  const mark = (colour: 'green' | 'yellow' | 'red', text: string) => (options.paint ? options.paint[colour](text) : text);
  const out = (text: string) => options.write(`${text}\n`);
  return {
    onResult(result) {
      const waited = result.rateLimit ? `, ${(result.rateLimit.waitedMs / 1000).toFixed(1)} s of it waiting on 429 × ${result.rateLimit.waits}` : '';
      const stats = `(${result.turns} turn${result.turns === 1 ? '' : 's'}, ${Math.round(result.elapsedMs)} ms${waited})`;
      if (result.status === 'passed') {
        if (showPassed) out(`${mark('green', '✔')} ${visible(result.name)} ${stats}`);
      } else if (result.status === 'notCheckable') {
        out(`${mark('yellow', '?')} ${visible(result.name)} ${stats}: not checkable`);
      } else {
        out(`${mark('red', '✖')} ${visible(result.name)} ${stats}`);
        for (const failure of result.failures) {
          out(`    ${failureLocation(failure)}: ${visible(failureMessage(failure))}`);
          out(formatExpectedActual(failure.expected, failure.actual, '      '));
        }
        if (result.error) {
          const label = result.status === 'timeout' ? 'timeout' : 'error';
          out(`    ${result.file}:${result.line}: ${label}: ${visible(result.error)}`);
        }
      }
      for (const check of result.notCheckable ?? []) {
        out(`    ${check.file}:${check.line}: ${check.name} not checked: ${visible(uncheckedText(check.reason))}`);
      }
      for (const warning of result.warnings ?? []) {
        out(`    note: ${result.file}:${warning.line}: ${visible(warningMessage(warning))}`);
      }
    },
    onScriptError(error) {
      out(`${mark('red', '✖')} ${error.file}:${error.line}: script error: ${visible(error.message)}`);
    },
    onNote(note) {
      out(`note: ${visible(suiteNoteText(note))}`);
    },
    /** The flow coverage comes just before the closing line, which stays last. */
    finish(summary, coverage?: FlowCoverage) {
      const details: string[] = [];
      if (summary.counts.failed) details.push(`${summary.counts.failed} with failed expectations`);
      if (summary.counts.error) details.push(`${summary.counts.error} with errors`);
      if (summary.counts.timeout) details.push(`${summary.counts.timeout} timed out`);
      if (summary.scriptErrors.length) details.push(`${summary.scriptErrors.length} script error${summary.scriptErrors.length === 1 ? '' : 's'}`);
      if (summary.aborted) {
        const waiting = summary.interrupted ? ` ${summary.interrupted} of them stopped while waiting on the bot's rate limit or the run's --rate.` : '';
        out(`Aborted: ${summary.notRun} conversation${summary.notRun === 1 ? '' : 's'} not run.${waiting}`);
      }
      if (summary.rateLimit.waits) out(rateLimitLine(summary));
      if (details.length) out(`Failed: ${details.join(', ')}.`);
      if (coverage) out(coverageLine(coverage));
      out(closingLine(summary));
    },
  };
}

/** HTTP 429 answers are not the bot's answers: the turns waited and were sent again. */
export function rateLimitLine(summary: RunSummary): string {
  const { waits, waitedMs, conversations } = summary.rateLimit;
  return `Rate limited: the bot answered 429 ${waits} time${waits === 1 ? '' : 's'} in ${conversations} conversation${conversations === 1 ? '' : 's'}; their turns waited ${(waitedMs / 1000).toFixed(1)} s in all and were sent again.`;
}

function jsonSummary(summary: RunSummary, notes: string[]): JsonReport['summary'] {
  const t = runTotals(summary);
  return {
    passed: t.passed,
    failed: t.failed,
    error: summary.counts.error,
    timeout: summary.counts.timeout,
    notCheckable: t.notCheckable,
    total: t.run,
    notRun: summary.notRun,
    interrupted: summary.interrupted,
    aborted: summary.aborted,
    elapsedMs: Math.round(summary.elapsedMs),
    rateLimit: { ...summary.rateLimit, waitedMs: Math.round(summary.rateLimit.waitedMs) },
    ...(summary.shard ? { shard: summary.shard } : {}),
    ...(summary.jobs ? { jobs: summary.jobs } : {}),
    scriptErrors: summary.scriptErrors,
    notes,
  };
}

/**
 * A result as `-o json` shows it: each failure and warning keeps its code and fields and
 * gets its sentence as `message` (the field scripts read). A passed result without
 * warnings is the runner's own object.
 */
export function reportedResult(result: ConversationResult): ReportedResult {
  if (!result.failures.length && !result.warnings?.length && !result.notCheckable?.length) return result as ReportedResult;
  const { failures, warnings, notCheckable, ...rest } = result;
  return {
    ...rest,
    failures: failures.map(reportedFailure),
    ...(warnings ? { warnings: warnings.map((w) => ({ ...w, message: warningMessage(w) })) } : {}),
    ...(notCheckable ? { notCheckable: notCheckable.map((c) => ({ ...c, code: c.reason, reason: uncheckedText(c.reason) })) } : {}),
  };
}

/**
 * A failure as `-o json` shows it: `expected`/`actual` (and a replayed turn's `detail`) in
 * the words they always had, each with its code beside it when it is a state
 * (`expectedCode`, `actualCode`, `detailCode`).
 */
function reportedFailure(f: Failure): ReportedFailure {
  const { expected, actual, replay, ...rest } = f;
  return {
    ...rest,
    expected: sideText(expected),
    ...(typeof expected === 'string' ? {} : { expectedCode: expected.code }),
    actual: sideText(actual),
    ...(typeof actual === 'string' ? {} : { actualCode: actual.code }),
    ...(replay ? { detail: replayFailureText(replay), detailCode: replay.code } : {}),
    message: failureMessage(f),
  };
}

/** Collects every result (JSON output is one document) and builds `{ summary, results }`. */
export function createJsonReporter(): Required<Omit<ScriptReporter, 'finish'>> & { finish(summary: RunSummary): JsonReport } {
  const results: ReportedResult[] = [];
  const notes: string[] = [];
  return {
    onNote(note) {
      notes.push(suiteNoteText(note));
    },
    onResult(result) {
      results.push(reportedResult(result));
    },
    onScriptError() {
      // Script errors are in the summary.
    },
    finish(summary) {
      return { summary: jsonSummary(summary, notes), results };
    },
  };
}

/**
 * The same document as createJsonReporter, written as results arrive so that memory does
 * not grow with the suite: `{ "results": [ … ], "summary": { … }, "coverage": { … } }`, one
 * result per line (handy for grep and jq), the summary last because it is only known at
 * the end. Each value goes through `serialise` (redaction happens there).
 */
export function createStreamingJsonReporter(
  write: (text: string) => void,
  serialise: (value: unknown, indent?: number) => string = (v, i) => JSON.stringify(v, null, i),
): Required<ScriptReporter> {
  let count = 0;
  const notes: string[] = [];
  return {
    onNote(note) {
      notes.push(suiteNoteText(note));
    },
    onResult(result) {
      write(`${count++ === 0 ? '{\n  "results": [\n' : ',\n'}    ${serialise(reportedResult(result))}`);
    },
    onScriptError() {
      // Script errors are in the summary.
    },
    finish(summary, coverage?: FlowCoverage) {
      const summaryText = serialise(jsonSummary(summary, notes), 2).replace(/\n/g, '\n  ');
      const more = coverage ? `,\n  "coverage": ${serialise(coverage, 2).replace(/\n/g, '\n  ')}` : '';
      write(`${count === 0 ? '{\n  "results": [' : '\n  '}],\n  "summary": ${summaryText}${more}\n}\n`);
    },
  };
}

/** `  12/40 conversations, 1 failed, 6/s, bot 30 req/s (paced at 3/s), 2 × 429, ~5 s left `. */
export function progressText(p: ScriptProgress): string {
  const parts = [`${p.done}${p.total !== undefined ? `/${p.total}` : ''} conversations`, `${p.failed} failed`, `${(p.done / Math.max(0.001, p.elapsedMs / 1000)).toFixed(0)}/s`];
  if (p.botPerSecond !== undefined) parts.push(`bot ${p.botPerSecond} req/s${p.pacedAt !== undefined ? ` (paced at ${formatRate(p.pacedAt)})` : ''}`);
  if (p.refused) parts.push(`${p.refused} × 429`);
  if (p.total !== undefined && p.done > 0 && p.done < p.total) parts.push(`~${duration(((p.total - p.done) * p.elapsedMs) / p.done)} left`);
  return `  ${parts.join(', ')} `;
}

/** The warning for a test-mode run past test mode's allowance, with the estimate it is based on. */
export function testModeText(e: TestModeEstimate): string {
  return (
    `This run sends ${e.messages} messages to Cognigy's test mode in about ${duration(e.runMs)} at --concurrency ${e.concurrency} (assuming ~${e.assumedTurnMs} ms a turn): ` +
    `~${e.perHour} in an hour, over the ~${e.allowedPerHour} an hour test mode allows (Cognigy may treat more as misuse). ` +
    `Pace it with --rate ${e.allowedPerHour}/h (about ${duration(e.pacedMs)}), or split it across machines with --shard.`
  );
}

/** The test-mode warning for this many messages at this concurrency; undefined when the run stays within the allowance. */
export function testModeWarning(messages: number, concurrency: number): string | undefined {
  const estimate = testModeEstimate(messages, concurrency);
  return estimate && testModeText(estimate);
}

/**
 * Bot text reaches the terminal: control characters (ANSI escapes, bells) are shown as
 * `\uXXXX` instead of acting on it; newlines and tabs stay.
 */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `40 s`, `12 min`, `3.5 h`. */
export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1).replace(/\.0$/, '')} h`;
}
