/**
 * Printers for scripted runs: a human one (a line per conversation, failures with
 * expected/actual aligned, and a closing `N passed, N failed` line that CI tools read),
 * and JSON. JUnit XML lives in junit.ts.
 */
import type { ConversationResult, Failure, RunSummary } from './runner';
import type { ScriptError } from './types';
import type { Chalk } from 'chalk';

export interface Reporter {
  onResult(result: ConversationResult): void;
  onScriptError(error: ScriptError): void;
}

/**
 * Expected and actual, one above the other with their texts aligned; continuation lines
 * of multi-line texts are indented to the same column.
 */
export function formatExpectedActual(expected: string, actual: string, indent = ''): string {
  const block = (label: string, text: string) => {
    const pad = ' '.repeat(label.length);
    return visible(text)
      .split('\n')
      .map((line, i) => `${indent}${i === 0 ? label : pad}${line}`)
      .join('\n');
  };
  return `${block('expected: ', expected)}\n${block('actual:   ', actual)}`;
}

/**
 * The run's one summary, the same numbers in the text report, `-o json` and JUnit:
 * conversations run = passed + failed (failed expectations, errors, time-outs) + not
 * checkable; script errors are the scripts (or conversations of them) that could not run.
 */
export interface RunTotals {
  run: number;
  passed: number;
  failed: number;
  notCheckable: number;
  scriptErrors: number;
  notRun: number;
}

export function runTotals(summary: RunSummary): RunTotals {
  const c = summary.counts;
  return {
    run: summary.total,
    passed: c.passed,
    failed: c.failed + c.error + c.timeout,
    notCheckable: c.notCheckable,
    scriptErrors: summary.scriptErrors.length,
    notRun: summary.notRun,
  };
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

export interface HumanReporter extends Reporter {
  onNote(note: string): void;
  /** `lines` (the flow coverage) come just before the closing line, which stays last. */
  finish(summary: RunSummary, lines?: string[]): void;
}

export function createHumanReporter(options: HumanReporterOptions): HumanReporter {
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
          out(`    ${failureLocation(failure)}: ${visible(failure.message)}`);
          out(formatExpectedActual(failure.expected, failure.actual, '      '));
        }
        if (result.error) {
          const label = result.status === 'timeout' ? 'timeout' : 'error';
          out(`    ${result.file}:${result.line}: ${label}: ${visible(result.error)}`);
        }
      }
      for (const check of result.notCheckable ?? []) {
        out(`    ${check.file}:${check.line}: ${check.name} not checked: ${visible(check.reason)}`);
      }
      for (const warning of result.warnings ?? []) {
        out(`    note: ${result.file}:${warning.line}: ${visible(warning.message)}`);
      }
    },
    onScriptError(error) {
      out(`${mark('red', '✖')} ${error.file}:${error.line}: script error: ${visible(error.message)}`);
    },
    onNote(note) {
      out(`note: ${visible(note)}`);
    },
    finish(summary, lines = []) {
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
      for (const line of lines) out(line);
      out(closingLine(summary));
    },
  };
}

/** HTTP 429 answers are not the bot's answers: the turns waited and were sent again. */
export function rateLimitLine(summary: RunSummary): string {
  const { waits, waitedMs, conversations } = summary.rateLimit;
  return `Rate limited: the bot answered 429 ${waits} time${waits === 1 ? '' : 's'} in ${conversations} conversation${conversations === 1 ? '' : 's'}; their turns waited ${(waitedMs / 1000).toFixed(1)} s in all and were sent again.`;
}

export interface JsonReport {
  /** `total` (conversations run) = passed + failed + notCheckable; `error` and `timeout` are among the failed. */
  summary: {
    passed: number;
    failed: number;
    error: number;
    timeout: number;
    notCheckable: number;
    total: number;
    notRun: number;
    /** Of notRun: stopped by Ctrl-C while waiting on the bot's rate limit or --rate. */
    interrupted: number;
    aborted: boolean;
    elapsedMs: number;
    /** HTTP 429 waits of the run (turns waited and were sent again). */
    rateLimit: { waits: number; waitedMs: number; conversations: number };
    /** `--shard`: the part of the suite this report holds. */
    shard?: { index: number; total: number };
    jobs?: number;
    scriptErrors: ScriptError[];
    notes: string[];
  };
  results: ConversationResult[];
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

/** Collects every result (JSON output is one document) and builds `{ summary, results }`. */
export function createJsonReporter(): Reporter & { onNote(note: string): void; finish(summary: RunSummary): JsonReport } {
  const results: ConversationResult[] = [];
  const notes: string[] = [];
  return {
    onNote(note) {
      notes.push(note);
    },
    onResult(result) {
      results.push(result);
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
 * not grow with the suite: `{ "results": [ … ], "summary": { … } }`, one result per line
 * (handy for grep and jq), the summary last because it is only known at the end. Each
 * value goes through `serialise` (redaction happens there).
 */
export function createStreamingJsonReporter(
  write: (text: string) => void,
  serialise: (value: unknown, indent?: number) => string = (v, i) => JSON.stringify(v, null, i),
): Reporter & { onNote(note: string): void; finish(summary: RunSummary, extra?: Record<string, unknown>): void } {
  let count = 0;
  const notes: string[] = [];
  return {
    onNote(note) {
      notes.push(note);
    },
    onResult(result) {
      write(`${count++ === 0 ? '{\n  "results": [\n' : ',\n'}    ${serialise(result)}`);
    },
    onScriptError() {
      // Script errors are in the summary.
    },
    finish(summary, extra = {}) {
      const summaryText = serialise(jsonSummary(summary, notes), 2).replace(/\n/g, '\n  ');
      const more = Object.entries(extra).map(([key, value]) => `,\n  ${JSON.stringify(key)}: ${serialise(value, 2).replace(/\n/g, '\n  ')}`).join('');
      write(`${count === 0 ? '{\n  "results": [' : '\n  '}],\n  "summary": ${summaryText}${more}\n}\n`);
    },
  };
}

/**
 * Bot text reaches the terminal: control characters (ANSI escapes, bells) are shown as
 * `\uXXXX` instead of acting on it; newlines and tabs stay.
 */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
