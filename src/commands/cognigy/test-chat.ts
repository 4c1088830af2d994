import { Flags } from '@oclif/core';
import { CognigyCommand } from '../../base-command';
import { docLink, setupFlags, setupInputFromFlags } from '../../flags';
import { UsageError } from '../../lib/errors';
import { replCommandLines } from '../../lib/conversation/repl-commands';

// A flow to create means nothing to a command that only runs a flow.
const { 'new-flow': _newFlow, ...chatSetupFlags } = setupFlags;

export default class TestChat extends CognigyCommand {
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
  ];

  static flags = {
    ...CognigyCommand.flags,
    ...chatSetupFlags,
    flow: Flags.string({ description: 'Run the flow deployed in Twilio (SID FW… or name) instead of the one link-flow would build.' }),
    'flow-file': Flags.string({ description: 'Run this exported Studio flow definition (JSON).' }),
    demo: Flags.boolean({ description: 'Talk to an embedded demo bot on 127.0.0.1: no Cognigy or Twilio account needed.' }),
    from: Flags.string({ description: "The customer's address (contact.channel.address).", default: '+15551234567' }),
    message: Flags.string({ char: 'm', description: 'A customer message; repeat the flag for several, played in order.', multiple: true }),
    script: Flags.string({ description: 'Run the conversations in this file or folder (BotiumScript .convo.txt/.pconvo.txt/.utterances.txt, Botium YAML/JSON, the project YAML).' }),
    'botium-config': Flags.string({ description: "With --script: read Botium capabilities (matching mode, utterance expansion, scripting memory) from this botium.json instead of the suite folder's." }),
    concurrency: Flags.integer({ description: 'Conversations run at once with --script.', default: 8 }),
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
    'merge-json': Flags.string({ description: 'Merge the -o json reports of --shard runs (a file or a quoted pattern; repeatable); prints the merged report with -o json.', multiple: true }),
  };

  /** `--merge-junit` / `--merge-json`: the reports of a suite's shards as one run's. */
  private async merge(): Promise<void> {
    const f = this.flags;
    const { expandFiles, mergeJUnit, mergeJson } = await import('../../lib/conversation/merge');
    const { totalsLine } = await import('../../lib/conversation/reporters');
    const totals = [];
    if (f['merge-junit']?.length) {
      if (!f.junit) throw new UsageError('--merge-junit writes the merged report to --junit FILE.', 'Add --junit FILE (e.g. --junit reports/all.xml).');
      const files = expandFiles(f['merge-junit'], '--merge-junit');
      totals.push({ what: `${files.length} JUnit reports into ${f.junit}`, ...mergeJUnit(files, f.junit) });
    }
    if (f['merge-json']?.length) {
      const files = expandFiles(f['merge-json'], '--merge-json');
      const { report, totals: jsonTotals } = mergeJson(files);
      if (this.jsonOutput) this.outputJson(report);
      totals.push({ what: `${files.length} JSON reports`, ...jsonTotals });
    }
    for (const t of totals) {
      if (t.duplicates.length) {
        this.warn(`${t.duplicates.length} conversation${t.duplicates.length === 1 ? ' is' : 's are'} in more than one report, e.g. ${t.duplicates.slice(0, 3).join('; ')}.`);
      }
      if (!this.jsonOutput) this.print(`Merged ${t.what}${t.shards.length ? ` (shards ${t.shards.join(', ')})` : ''}.\n${totalsLine(t)}`);
      // As the whole run would exit: 0 only when every conversation passed.
      if (t.passed !== t.run || t.scriptErrors || t.notRun || t.run === 0 || t.duplicates.length) process.exitCode = 1;
    }
  }

  /** The REPL leaves on Ctrl-C; a script run stops and reports what it ran (exit 130). */
  protected static handlesInterrupt = true;

  protected needsTwilio(flags: Record<string, any>): boolean {
    return Boolean(flags.flow);
  }

  async run(): Promise<void> {
    await super.run();
    const f = this.flags;
    if (f.concurrency < 1 || f.concurrency > 256) throw new UsageError(`--concurrency ${f.concurrency} is out of range.`, 'Use 1 to 256.');
    if (f.timeout < 1) throw new UsageError(`--timeout ${f.timeout} is out of range.`, 'Give the seconds one conversation may take (at least 1).');
    if (f['merge-recordings']?.length) {
      if (!f.record) throw new UsageError('--merge-recordings needs --record FILE: the merged recording is written there.');
      const { mergeRecordings } = await import('../../lib/conversation/recording');
      const { expandFiles } = await import('../../lib/conversation/merge');
      const files = expandFiles(f['merge-recordings'], '--merge-recordings');
      const merged = mergeRecordings(f.record, files);
      if (!this.quiet) process.stderr.write(`Merged ${files.length} recordings into ${f.record}: ${merged.conversations} conversations.\n`);
      return;
    }
    if (f.record && f.replay) throw new UsageError('Pass either --record (ask the bot) or --replay (answer from a recording), not both.', 'To add what a recording lacks, use --replay FILE --replay-mode new-only.');
    if ((f['replay-latency'] || f['replay-mode'] !== 'strict') && !f.replay) throw new UsageError(`--${f['replay-latency'] ? 'replay-latency' : 'replay-mode'} only applies with --replay FILE.`);
    if (f.replay && !f.script && !f.message?.length) throw new UsageError('--replay works with --script or --message.', 'To replay a REPL session, /save it as FILE.yaml with --record, then run --script FILE.yaml --replay.');
    const recording = f.record || f.replay ? { record: f.record, replay: f.replay, mode: f['replay-mode'] as 'strict' | 'new-only', latency: f['replay-latency'] } : undefined;
    const merging = Boolean(f['merge-junit']?.length || f['merge-json']?.length);
    const modes = [f.message?.length ? '--message' : '', f.script ? '--script' : '', merging ? '--merge-junit/--merge-json' : ''].filter(Boolean);
    if (modes.length > 1) throw new UsageError(modes.length === 2 ? `Pass either ${modes[0]} or ${modes[1]}, not both.` : `Pass only one of ${modes.join(', ')}.`);
    if (!f.script && (f.rate || f.shard)) throw new UsageError(`${f.rate ? '--rate' : '--shard'} applies to --script runs only.`);
    if (merging) return this.merge();
    if (!modes.length && !this.interactive) {
      throw new UsageError('Nothing to do without a terminal.', 'Pass --message TEXT (repeatable) or --script PATH, or run it in a terminal for the REPL.');
    }
    if (f.script && this.outputFormat === 'tsv') {
      throw new UsageError('--script reports as text, -o json or --junit FILE; -o tsv has no table for it.');
    }
    if (!modes.length && (this.quiet || this.outputFormat === 'tsv')) {
      throw new UsageError(`The REPL shows the conversation as it goes; with ${f.silent ? '--silent' : `-o ${this.outputFormat}`} it would show nothing, so pass --message or --script.`);
    }

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
    for (const warning of prepared.warnings) this.warn(warning);
    try {
      if (f.script) {
        const { runScripts, scriptExitCode } = await import('../../lib/tasks/run-scripts');
        const controller = new AbortController();
        const onSigint = () => controller.abort();
        process.once('SIGINT', onSigint);
        try {
          const { parseRate } = await import('../../lib/conversation/pacing');
          const { parseShard } = await import('../../lib/conversation/shard');
          const result = await runScripts(prepared, {
            path: f.script,
            rate: f.rate === undefined ? undefined : parseRate(f.rate),
            shard: f.shard === undefined ? undefined : parseShard(f.shard),
            testMode: prepared.setup.testMode,
            warn: (t) => this.warn(t),
            botiumConfig: f['botium-config'],
            concurrency: f.concurrency,
            timeoutMs: f.timeout * 1000,
            junit: f.junit,
            json: this.jsonOutput,
            write: (t) => {
              if (this.quiet) return;
              if (this.jsonOutput) this.printedJson = true;
              process.stdout.write(t);
            },
            progress: process.stderr.isTTY && !this.jsonOutput ? (t) => process.stderr.write(t) : undefined,
            signal: controller.signal,
            color: Boolean(process.stdout.isTTY),
            recording,
          });
          process.exitCode = scriptExitCode(result.summary);
          if (result.recorded && !this.quiet) process.stderr.write(`${recordedLine(result.recorded, Boolean(f.record))}\n`);
        } finally {
          process.removeListener('SIGINT', onSigint);
        }
      } else if (f.message?.length) {
        const { playMessages } = await import('../../lib/tasks/test-chat');
        const report = await playMessages(prepared, f.message, recording);
        if (this.jsonOutput) this.outputJson(printers.reportJson(report));
        else if (this.outputFormat === 'tsv') this.output(printers.transcriptRows(report));
        else printers.printReport(report, (l) => this.print(l));
        // The bot unreachable or the flow stopped by an error: the transcript shows what
        // happened, the exit code makes CI notice.
        for (const line of printers.problemLines(report)) process.stderr.write(`${line}\n`);
        if (report.problems.length) process.exitCode = 1;
        if (report.recorded && !this.quiet) process.stderr.write(`${recordedLine(report.recorded, Boolean(f.record))}\n`);
      } else {
        const { runRepl } = await import('../../lib/conversation/repl');
        const { describeEscalationPreview } = await import('../../lib/flex/preview');
        const { replSessions } = await import('../../lib/conversation/repl-record');
        const { replView } = await import('../../printers/repl');
        const sessions = replSessions(prepared, { record: f.record });
        const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.FORCE_COLOR !== '0';
        await runRepl({
          input: process.stdin,
          output: process.stdout,
          newChat: () => sessions.newChat(),
          saveScript: (chat, file) => sessions.saveScript(chat, file),
          describeEscalation: (chat) => describeEscalationPreview(chat, prepared.setup, { customer: f.from }),
          banner: printers.banner(prepared, { demo: f.demo }),
          view: replView({ color }),
          color,
        });
        sessions.close();
      }
    } finally {
      await prepared.close();
    }
  }
}

function recordedLine(r: { file: string; conversations: number; changed: number }, full: boolean): string {
  return full
    ? `Recorded the bot's answers for ${r.conversations} conversation${r.conversations === 1 ? '' : 's'} to ${r.file}.`
    : `Recorded ${r.changed} new or changed conversation${r.changed === 1 ? '' : 's'} into ${r.file} (${r.conversations} in all).`;
}
