import { UsageError } from '../errors';

/** Worker threads a replay may use (`--jobs`). */
export const MAX_JOBS = 16;

/*
 * The test-chat command's rules, apart from the command: which flags go together (and so
 * what one run does), which exit code a run ends with, and what Ctrl-C does. The command
 * parses the flags and hands them here; nothing here prints or exits.
 *
 * Exit codes: 0 every conversation passed (or the REPL ended); 1 a conversation failed, a
 * problem was reported, or a merge found failures; 2 bad input (UsageError, as oclif's
 * own parse errors); 130 interrupted (Ctrl-C), as a shell reports it. A script run's code
 * is scriptExitCode (tasks/run-scripts.ts).
 */

/** The flags the rules read (oclif's parsed names). */
export interface TestChatFlags {
  message?: string[];
  script?: string;
  'merge-junit'?: string[];
  'merge-json'?: string[];
  'merge-recordings'?: string[];
  record?: string;
  replay?: string;
  'replay-mode'?: string;
  'replay-latency'?: boolean;
  rate?: string;
  shard?: string;
  junit?: string;
  web?: boolean;
  report?: string;
  'min-coverage'?: number;
  concurrency: number;
  jobs?: number;
  timeout: number;
  silent?: boolean;
}

/** What the flags do not say: whether a person is there, and how output is asked for. */
export interface RunContext {
  interactive: boolean;
  /** `-o`: columns, json, tsv or none. */
  format: string;
  /** `--silent` or `-o none`. */
  quiet: boolean;
}

export type TestChatMode =
  | { kind: 'merge-recordings' }
  | { kind: 'merge-reports' }
  | { kind: 'script'; recording?: RecordingFlags }
  | { kind: 'messages'; recording?: RecordingFlags }
  | { kind: 'web' }
  | { kind: 'repl' };

export interface RecordingFlags {
  record?: string;
  replay?: string;
  mode: 'strict' | 'new-only';
  latency?: boolean;
}

type FlagName = keyof TestChatFlags;

/** A flag that means nothing without another (oclif's `dependsOn`, with a sentence that says what to do). */
interface DependsOn {
  flag: FlagName;
  on: FlagName;
  message: string;
  hint?: string;
}

/** Flags that cannot go together (oclif's `exclusive`, with a sentence that says what to do). */
interface Exclusive {
  flags: FlagName[];
  message: string;
  hint?: string;
}

/*
 * Declared here rather than as oclif's `exclusive`/`dependsOn` on the flags: oclif 1 words
 * every failure alike ("--x=VALUE cannot also be provided when using --y", no hint), and
 * its `dependsOn` fires for a flag set from its default, so `--replay-mode` (default
 * strict) would refuse every run without --replay. Same shape, checked by one function.
 */
const EXCLUSIVE: readonly Exclusive[] = [
  {
    flags: ['record', 'replay'],
    message: 'Pass either --record (ask the bot) or --replay (answer from a recording), not both.',
    hint: 'To add what a recording lacks, use --replay FILE --replay-mode new-only.',
  },
];

const DEPENDS_ON: readonly DependsOn[] = [
  { flag: 'replay-latency', on: 'replay', message: '--replay-latency only applies with --replay FILE.' },
  { flag: 'replay-mode', on: 'replay', message: '--replay-mode only applies with --replay FILE.' },
  {
    flag: 'jobs',
    on: 'replay',
    message: '--jobs spreads a replayed suite over worker threads; a live run is bound by the bot, not the CPU.',
    hint: 'Raise --concurrency instead, or record the suite once (--record FILE) and run it with --replay FILE.',
  },
];

/** The run modes: at most one per run; none is the REPL. */
const MODES: ReadonlyArray<{ name: string; flags: FlagName[] }> = [
  { name: '--message', flags: ['message'] },
  { name: '--script', flags: ['script'] },
  { name: '--web', flags: ['web'] },
  { name: '--merge-junit/--merge-json', flags: ['merge-junit', 'merge-json'] },
];

/** Checked once the mode is known: flags of one mode only. */
const MODE_DEPENDS_ON: readonly DependsOn[] = [
  { flag: 'rate', on: 'script', message: '--rate applies to --script runs only.' },
  { flag: 'shard', on: 'script', message: '--shard applies to --script runs only.' },
  { flag: 'report', on: 'script', message: '--report applies to --script runs only.' },
  { flag: 'jobs', on: 'script', message: '--jobs applies to --script runs only.' },
  { flag: 'merge-junit', on: 'junit', message: '--merge-junit writes the merged report to --junit FILE.', hint: 'Add --junit FILE (e.g. --junit reports/all.xml).' },
];

/** Flags whose default is a value: given only when the user chose another. */
const DEFAULTS: Partial<Record<FlagName, unknown>> = { 'replay-mode': 'strict' };

function given(f: TestChatFlags, name: FlagName): boolean {
  const value = f[name];
  if (value === undefined || value === false || (Array.isArray(value) && value.length === 0)) return false;
  return !(name in DEFAULTS) || value !== DEFAULTS[name];
}

function checkDependsOn(f: TestChatFlags, rules: readonly DependsOn[]): void {
  for (const r of rules) if (given(f, r.flag) && !given(f, r.on)) throw new UsageError(r.message, r.hint);
}

/**
 * What one run does, from its flags, or the UsageError (exit 2) that says which flags do
 * not go together and what to pass instead.
 */
export function chooseMode(f: TestChatFlags, ctx: RunContext): TestChatMode {
  if (f.concurrency < 1 || f.concurrency > 256) throw new UsageError(`--concurrency ${f.concurrency} is out of range.`, 'Use 1 to 256.');
  if (f.jobs !== undefined && (f.jobs < 1 || f.jobs > MAX_JOBS)) throw new UsageError(`--jobs ${f.jobs} is out of range.`, `Use 1 to ${MAX_JOBS} (worker threads; one per CPU is the default).`);
  if (f.timeout < 1) throw new UsageError(`--timeout ${f.timeout} is out of range.`, 'Give the seconds one conversation may take (at least 1).');
  // Merging recordings runs nothing: the other flags do not apply.
  if (given(f, 'merge-recordings')) {
    if (!given(f, 'record')) throw new UsageError('--merge-recordings needs --record FILE: the merged recording is written there.');
    return { kind: 'merge-recordings' };
  }
  for (const r of EXCLUSIVE) if (r.flags.filter((flag) => given(f, flag)).length > 1) throw new UsageError(r.message, r.hint);
  checkDependsOn(f, DEPENDS_ON);
  if (given(f, 'replay') && !given(f, 'script') && !given(f, 'message')) {
    throw new UsageError('--replay works with --script or --message.', 'To replay a REPL session, /save it as FILE.yaml with --record, then run --script FILE.yaml --replay.');
  }
  const modes = MODES.filter((m) => m.flags.some((flag) => given(f, flag))).map((m) => m.name);
  if (modes.length > 1) throw new UsageError(modes.length === 2 ? `Pass either ${modes[0]} or ${modes[1]}, not both.` : `Pass only one of ${modes.join(', ')}.`);
  checkDependsOn(f, MODE_DEPENDS_ON);
  // A shard's coverage is part of the suite's: the merge of the -o json reports is where the whole is known.
  if (given(f, 'min-coverage') && !given(f, 'script') && !given(f, 'merge-json')) {
    throw new UsageError(
      '--min-coverage applies to --script runs and to --merge-json (the flow coverage of the merged -o json reports).',
      given(f, 'merge-junit') ? 'JUnit reports hold no flow coverage: merge the shards\' -o json reports with --merge-json too.' : undefined,
    );
  }
  if (given(f, 'jobs') && f['replay-mode'] === 'new-only') {
    throw new UsageError('--jobs runs a strict replay; --replay-mode new-only asks the bot and updates the recording from one thread.', 'Drop --jobs for the new-only run, then replay with --jobs.');
  }
  if (given(f, 'jobs') && given(f, 'rate')) throw new UsageError('--rate paces the calls to the bot, and a strict replay makes none: drop --rate (or --jobs).');
  const recording: RecordingFlags | undefined =
    f.record || f.replay ? { record: f.record, replay: f.replay, mode: f['replay-mode'] === 'new-only' ? 'new-only' : 'strict', latency: f['replay-latency'] } : undefined;

  const minCoverage = f['min-coverage'];
  if (minCoverage !== undefined && (minCoverage < 0 || minCoverage > 100)) throw new UsageError(`--min-coverage ${minCoverage} is out of range.`, 'Give a percentage from 0 to 100.');
  if (f.report && !/\.html?$/i.test(f.report)) throw new UsageError(`--report ${f.report}: the report is an HTML file.`, 'Give a file name ending in .html.');
  if (f.web && (ctx.quiet || ctx.format !== 'columns')) {
    throw new UsageError(`--web shows the conversation in a browser; -o ${ctx.format}${ctx.quiet ? ' / --silent' : ''} has nothing to print there.`);
  }

  if (given(f, 'merge-junit') || given(f, 'merge-json')) return { kind: 'merge-reports' };
  if (given(f, 'script')) {
    if (ctx.format === 'tsv') throw new UsageError('--script reports as text, -o json or --junit FILE; -o tsv has no table for it.');
    return { kind: 'script', recording };
  }
  if (given(f, 'message')) return { kind: 'messages', recording };
  if (given(f, 'web')) return { kind: 'web' };
  if (!ctx.interactive) {
    throw new UsageError('Nothing to do without a terminal.', 'Pass --message TEXT (repeatable) or --script PATH, or run it in a terminal for the REPL.');
  }
  if (ctx.quiet || ctx.format === 'tsv') {
    throw new UsageError(`The REPL shows the conversation as it goes; with ${f.silent ? '--silent' : `-o ${ctx.format}`} it would show nothing, so pass --message or --script.`);
  }
  return { kind: 'repl' };
}

/** --message: the transcript shows what happened; a problem (bot unreachable, flow error) fails the run for CI. */
export function messagesExitCode(report: { problems: readonly unknown[] }): number {
  return report.problems.length ? 1 : 0;
}

/** --merge-junit/--merge-json: as the whole run would have exited, 0 only when every conversation passed. */
export function mergeExitCode(t: { passed: number; run: number; scriptErrors: number; notRun: number; duplicates: readonly unknown[] }): number {
  return t.passed !== t.run || t.scriptErrors || t.notRun || t.run === 0 || t.duplicates.length ? 1 : 0;
}

/**
 * Runs `work` with Ctrl-C turned into an abort of `signal`: a script run then stops, says
 * what it ran and ends with 130 (scriptExitCode). The listener leaves with the work.
 */
export async function abortOnInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
