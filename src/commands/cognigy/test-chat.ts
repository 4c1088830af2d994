import { Flags } from '@oclif/core';
import { CognigyCommand } from '../../base-command';
import { docLink, setupFlags, setupInputFromFlags, type RefusedFlag } from '../../flags';
import { DEFAULT_CUSTOMER_ADDRESS } from '../../lib/domain/studio';
import { replCommandLines } from '../../printers/repl-commands';
import type { ChatReport } from '../../lib/tasks/test-chat';
import type { ResultPrinter } from '../../printers/printer';
import type { MergeResult } from '../../printers/test-chat';
import type { FlowCoverage } from '../../lib/conversation/coverage';
import type { TestChatFlags } from '../../lib/tasks/test-chat-policy';

// A flow to create means nothing to a command that only runs a flow; a workspace helps
// nothing when the run reads nothing from TaskRouter.
const { 'new-flow': _newFlow, workspace: _workspace, ...chatSetupFlags } = setupFlags;

export default class TestChat extends CognigyCommand<ChatReport | MergeResult> {
  static description = [
    'Talk to the Cognigy bot through the Studio flow, run locally as Studio would: a REPL on a terminal, --message for one-shot runs, --script for conversation tests in CI',
    '',
    'In the REPL, type what the customer says, or one of these commands:',
    ...replCommandLines(),
  ].join('\n');

  static docLink = docLink('test-chat');

  static examples = [
    '$ twilio cognigy:test-chat --demo',
    '$ twilio cognigy:test-chat --endpoint-url "$COGNIGY_URL" --message "hi" --message "agent" -o json',
    '$ twilio cognigy:test-chat --flow-file flows/messaging.json --from +4915112345678',
    '$ twilio cognigy:test-chat --script tests/convos --junit reports/convos.xml --concurrency 16',
    '$ twilio cognigy:test-chat --demo --web',
    '$ twilio cognigy:test-chat --script tests/convos --report reports/convos.html --min-coverage 80',
  ];

  /** Setup flags the other commands take and this one does not: refused with the reason. */
  static refusedFlags: Record<string, RefusedFlag> = {
    workspace: {
      message: 'test-chat takes no --workspace: it runs the flow locally and reads nothing from TaskRouter.',
      hint: "The hand-over uses the saved setup's workflow and task channel, or --workflow WW… and --task-channel TC… (SIDs).",
    },
    'new-flow': {
      message: 'test-chat takes no --new-flow: it runs a flow and creates none.',
      hint: 'Run the flow link-flow would build (no flag), an exported one (--flow-file FILE) or a deployed one (--flow FW…|NAME).',
    },
  };

  static flags = {
    ...CognigyCommand.flags,
    ...chatSetupFlags,
    flow: Flags.string({ description: 'Run the flow deployed in Twilio (SID FW… or name) instead of the one link-flow would build.' }),
    'flow-file': Flags.string({ description: 'Run this exported Studio flow definition (JSON).' }),
    demo: Flags.boolean({ description: 'Talk to an embedded demo bot on 127.0.0.1: no Cognigy or Twilio account needed.' }),
    from: Flags.string({ description: "The customer's address (contact.channel.address).", default: DEFAULT_CUSTOMER_ADDRESS }),
    message: Flags.string({ char: 'm', description: 'A customer message; repeat the flag for several, played in order.', multiple: true }),
    script: Flags.string({ description: 'Run the conversations in this file or folder (BotiumScript .convo.txt/.pconvo.txt/.utterances.txt, Botium YAML/JSON, the project YAML).' }),
    'botium-config': Flags.string({ description: "With --script: read Botium capabilities (matching mode, utterance expansion, scripting memory) from this botium.json instead of the suite folder's." }),
    concurrency: Flags.integer({ description: 'Conversations run at once with --script.', default: 8 }),
    jobs: Flags.integer({ description: 'With --script --replay: worker threads that run the conversations (default: one per CPU from 200 conversations on; 1 with -l debug).' }),
    junit: Flags.string({ description: 'Write a JUnit XML report of a --script run to this file.' }),
    timeout: Flags.integer({ description: 'Seconds one scripted conversation may take.', default: 60 }),
    record: Flags.string({ description: "Write every call to the bot and its answer to this file (YAML), per conversation and turn, to --replay later (with --script or --message)." }),
    replay: Flags.string({ description: "Answer the flow's calls to the bot from this recording, without the bot; a request that differs from the recorded one fails the conversation." }),
    'replay-mode': Flags.string({ description: 'strict: a request not in the recording fails; new-only: it goes to the bot and the recording is updated.', options: ['strict', 'new-only'], default: 'strict' }),
    'replay-latency': Flags.boolean({ description: 'With --replay: answer after the time the bot took when it was recorded.' }),
    'merge-recordings': Flags.string({ description: 'Merge these recordings (a file or a quoted pattern; repeat the flag; e.g. one per --shard) into the --record file, and run nothing.', multiple: true }),
    stub: Flags.string({ description: "Answer the flow's HTTP and Function calls from this YAML/JSON file (by widget name or URL pattern); other calls go out. Repeatable.", multiple: true }),
    subflow: Flags.string({ description: 'FW…=FILE: the exported child flow a run-subflow widget runs (with --flow, children are read from Twilio). Repeatable.', multiple: true }),
    function: Flags.string({ description: 'NAME=URL or ZH…=URL: the URL of a run-function widget exported without one. Repeatable.', multiple: true }),
    param: Flags.string({ description: 'KEY=VALUE: start a REST API execution (incomingRequest) with this flow.data. Repeatable.', multiple: true }),
    rate: Flags.string({ description: 'With --script: at most this many requests to the bot for the whole run (N/s, N/min or N/h, e.g. 3/s).' }),
    shard: Flags.string({ description: 'With --script: run part INDEX of TOTAL of the suite (e.g. 2/4), split by conversation; merge the reports with --merge-junit/--merge-json.' }),
    'merge-junit': Flags.string({ description: 'Merge the --junit reports of --shard runs into the --junit FILE: a file or a quoted pattern ("reports/shard-*.xml"); repeatable.', multiple: true }),
    web: Flags.boolean({ description: 'Chat in a local web page instead of the terminal: the flow drawn and lit up as the conversation runs, the chat, an inspector (127.0.0.1 only, a random token in the URL; Ctrl-C stops it).' }),
    open: Flags.boolean({ description: 'With --web: open the browser on the page (--no-open only prints its URL).', default: true, allowNo: true }),
    report: Flags.string({ description: 'With --script: write a self-contained HTML report (summary, each conversation beside its failures, flow coverage) to this file.' }),
    'min-coverage': Flags.integer({ description: 'With --script (or --merge-json, for a sharded suite): exit 1 when fewer than PCT percent of the widgets or of the transitions were reached.' }),
    'merge-json': Flags.string({ description: 'Merge the -o json reports of --shard runs (a file or a quoted pattern; repeatable); prints the merged report with -o json.', multiple: true }),
  };

  /** `--merge-junit` / `--merge-json`: the reports of a suite's shards as one run's. */
  private async merge(): Promise<MergeResult> {
    const f = this.flags;
    const { mergeExitCode } = await import('../../lib/tasks/test-chat-policy');
    const { expandFiles, mergeJUnit, mergeJson } = await import('../../lib/conversation/merge');
    const result: MergeResult = { merged: [] };
    if (f['merge-junit']?.length) {
      const files = expandFiles(f['merge-junit'], '--merge-junit');
      result.merged.push({ reports: files.length, format: 'junit', into: f.junit, totals: mergeJUnit(files, f.junit) });
    }
    if (f['merge-json']?.length) {
      const files = expandFiles(f['merge-json'], '--merge-json');
      const { report, totals } = mergeJson(files, { coverage: f['min-coverage'] !== undefined });
      result.report = report;
      result.merged.push({ reports: files.length, format: 'json', totals, ...(report.coverage ? { coverage: report.coverage } : {}) });
      if (f['min-coverage'] !== undefined && report.coverage) await this.minCoverage(report.coverage, f['min-coverage']);
    }
    for (const { totals: t } of result.merged) {
      if (mergeExitCode(t)) process.exitCode = mergeExitCode(t);
    }
    return result;
  }

  /** `--min-coverage`, for a run and for merged reports alike: below it, says so and exits 1 (unless the run fails already). */
  private async minCoverage(coverage: FlowCoverage, min: number): Promise<void> {
    const { coveragePercent } = await import('../../lib/conversation/coverage');
    if (coveragePercent(coverage) >= min) return;
    const { belowMinCoverageLine } = await import('../../printers/coverage');
    process.stderr.write(`${belowMinCoverageLine(coverage, min)}\n`);
    if (!process.exitCode) process.exitCode = 1;
  }

  /** A `--message` run's report, or what `--merge-junit`/`--merge-json` merged. */
  protected async printer(result: ChatReport | MergeResult): Promise<ResultPrinter<any>> {
    const printers = await import('../../printers/test-chat');
    return 'merged' in result ? printers.mergePrinter : printers.messagesPrinter({ fullRecording: Boolean(this.flags.record) });
  }

  /** The REPL leaves on Ctrl-C; a script run stops and reports what it ran (exit 130). */
  protected static handlesInterrupt = true;

  protected needsTwilio(flags: Record<string, any>): boolean {
    return Boolean(flags.flow);
  }

  /** A `--message` run returns its report, printed by the base command; the others print as they go. */
  async run(): Promise<ChatReport | MergeResult | void> {
    const f = this.flags;
    const { abortOnInterrupt, chooseMode, messagesExitCode } = await import('../../lib/tasks/test-chat-policy');
    const mode = chooseMode(f as TestChatFlags, { interactive: this.interactive, format: this.outputFormat, quiet: this.quiet });
    if (mode.kind === 'merge-recordings') {
      const { mergeRecordings } = await import('../../lib/conversation/recording');
      const { expandFiles } = await import('../../lib/conversation/merge');
      const files = expandFiles(f['merge-recordings']!, '--merge-recordings');
      const merged = mergeRecordings(f.record!, files);
      if (!this.quiet) process.stderr.write(`Merged ${files.length} recordings into ${f.record}: ${merged.conversations} conversations.\n`);
      return;
    }
    if (mode.kind === 'merge-reports') return this.merge();
    const recording = mode.kind === 'script' || mode.kind === 'messages' ? mode.recording : undefined;

    const { loadSavedSetupFor } = await import('../../lib/setup/saved');
    const { prepareChat } = await import('../../lib/tasks/test-chat');
    const prepared = await prepareChat({
      input: setupInputFromFlags(f),
      saved: f.demo ? undefined : loadSavedSetupFor(this.config.configDir, this.currentProfile?.accountSid ?? this.userConfig.getProfileById(f.profile)?.accountSid),
      demo: f.demo,
      flowFile: f['flow-file'],
      deployedFlow: f.flow ? { client: this.twilioClient, flow: f.flow } : undefined,
      from: f.from,
      debug: this.debugLogger,
      stubFiles: f.stub,
      subflows: f.subflow,
      functions: f.function,
      params: f.param,
    });
    const printers = await import('../../printers/test-chat');
    const { colourFor, paint } = await import('../../printers/style');
    for (const warning of prepared.warnings) this.warn(printers.preparedWarningText(warning));
    try {
      if (mode.kind === 'script') {
        const { runScripts, scriptExitCode } = await import('../../lib/tasks/run-scripts');
        await abortOnInterrupt(async (signal) => {
          const { parseRate } = await import('../../lib/conversation/pacing');
          const { parseShard } = await import('../../lib/conversation/shard');
          const shard = f.shard === undefined ? undefined : parseShard(f.shard);
          const result = await runScripts(prepared, {
            path: f.script,
            rate: f.rate === undefined ? undefined : parseRate(f.rate),
            shard,
            testMode: prepared.setup.testMode,
            warn: (estimate) => this.warn(printers.testModeWarning(estimate)),
            botiumConfig: f['botium-config'],
            concurrency: f.concurrency,
            jobs: f.jobs,
            debug: Boolean(this.debugLogger),
            timeoutMs: f.timeout * 1000,
            write: (t) => {
              if (this.quiet) return;
              if (this.jsonOutput) this.printedJson = true;
              process.stdout.write(t);
            },
            reporters: printers.scriptReporters({ json: this.jsonOutput, paint: paint(colourFor(process.stdout)), junit: f.junit, shard }),
            progress: process.stderr.isTTY && !this.jsonOutput ? printers.scriptProgress(process.stderr) : undefined,
            signal,
            recording,
            transcripts: Boolean(f.report),
          });
          process.exitCode = scriptExitCode(result.summary);
          if (f.report) {
            const { writeHtmlReport } = await import('../../printers/report-html');
            writeHtmlReport(f.report, prepared, result, f['min-coverage']);
            if (!this.quiet) process.stderr.write(`Wrote the HTML report to ${f.report}.\n`);
          }
          if (f['min-coverage'] !== undefined && !result.summary.aborted) await this.minCoverage(result.coverage, f['min-coverage']);
          if (result.recorded && !this.quiet) process.stderr.write(`${printers.recordedLine(result.recorded, Boolean(f.record))}\n`);
        });
      } else if (mode.kind === 'messages') {
        const { playMessages } = await import('../../lib/tasks/test-chat');
        const report = await playMessages(prepared, f.message!, recording);
        if (messagesExitCode(report)) process.exitCode = messagesExitCode(report);
        return report;
      } else if (f.web) {
        const { runWebView } = await import('../../lib/web/run-web');
        const { previewEscalate } = await import('../../lib/flex/preview');
        const { formatEscalatePreview } = await import('../../printers/escalate');
        // Ctrl-C (or a TERM from a supervisor) stops the server; the run ends normally.
        let stop: () => void = () => undefined;
        const stopped = new Promise<void>((resolve) => (stop = resolve));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await runWebView(prepared, {
            record: f.record,
            banner: printers.banner(prepared, { demo: f.demo }),
            describeEscalate: (chat) => formatEscalatePreview(previewEscalate(chat, prepared.setup, { customer: f.from })),
            open: f.open && Boolean(process.stdout.isTTY),
            cwd: process.cwd(),
            ready: (url, opened) => this.print(`The web view is at ${url}${opened ? ' (opening your browser)' : ''}\nOnly this computer can open it, with the token in the URL. Ctrl-C stops it.`),
            stopped,
          });
        } finally {
          process.removeListener('SIGINT', stop);
          process.removeListener('SIGTERM', stop);
        }
      } else {
        const { runRepl } = await import('../../lib/conversation/repl');
        const { previewEscalate } = await import('../../lib/flex/preview');
        const { formatEscalatePreview } = await import('../../printers/escalate');
        const { replSessions } = await import('../../lib/conversation/repl-record');
        const { replSpinner, replView } = await import('../../printers/repl');
        const { spinnerWanted } = await import('../../printers/spinner');
        const sessions = replSessions(prepared, { record: f.record });
        await runRepl({
          input: process.stdin,
          output: process.stdout,
          newChat: () => sessions.newChat(),
          saveScript: (chat, file) => sessions.saveScript(chat, file),
          describeEscalate: (chat) => formatEscalatePreview(previewEscalate(chat, prepared.setup, { customer: f.from })),
          banner: printers.banner(prepared, { demo: f.demo }),
          view: replView({ color: colourFor(process.stdout) }),
          waiting: spinnerWanted({ quiet: this.quiet, outputFormat: this.outputFormat }) ? replSpinner() : undefined,
        });
        sessions.close();
      }
    } finally {
      await prepared.close();
    }
  }
}

