/**
 * What a scripted run reports, as data: the totals every report shows, the `-o json`
 * document's shape, and the interface of a reporter. The reporters themselves (the text
 * report, `-o json`, JUnit XML) are printers (`src/printers/script-report.ts`,
 * `src/printers/junit.ts`): the run hands them results and they put them in words.
 */
import type { FlowCoverage } from './coverage';
import type { ConversationResult, RunSummary, UncheckedCheck } from './runner';
import type { FailureState, ReplayFailure, ScriptError, SuiteNote } from './types';

/** What the command hands the run to report with; each is told everything, in order. */
export interface ScriptReporter {
  /** Something the reading of the suite tells once (not about one conversation). */
  onNote?(note: SuiteNote): void;
  onResult(result: ConversationResult): void;
  onScriptError?(error: ScriptError): void;
  /** After the last result; a reporter that cannot finish (a file it cannot write) throws here. */
  finish(summary: RunSummary, coverage?: FlowCoverage): void;
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

/** A failure as `-o json` shows it: the runner's data with its sentence (`message`) filled in. */
/** A failure as `-o json` shows it: its sides and a replayed turn's `detail` in words, each state's code beside them. */
export type ReportedFailure = Omit<ConversationResult['failures'][number], 'expected' | 'actual' | 'replay'> & {
  expected: string;
  expectedCode?: FailureState['code'];
  actual: string;
  actualCode?: FailureState['code'];
  detail?: string;
  detailCode?: ReplayFailure['code'];
  message: string;
};

/** A result as `-o json` shows it: failures and warnings with their `message`, checks not made with their `reason` in words (and its `code`). */
export type ReportedResult = Omit<ConversationResult, 'failures' | 'warnings' | 'notCheckable'> & {
  failures: ReportedFailure[];
  warnings?: (NonNullable<ConversationResult['warnings']>[number] & { message: string })[];
  notCheckable?: (Omit<UncheckedCheck, 'reason'> & { code: UncheckedCheck['reason']; reason: string })[];
};

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
    /** `--jobs`: the worker threads the run was spread over, when more than one. */
    jobs?: number;
    scriptErrors: ScriptError[];
    /** The suite's notes, in words (as the text report says them). */
    notes: string[];
  };
  results: ReportedResult[];
  /** What the conversations went through of the flow (a scripted run always says it; a merge of reports that say it). */
  coverage?: FlowCoverage;
}
