import type { RunInitResult } from '../lib/tasks/init';
import type { Asker, ChoiceLabel, ProbeOutcome, Question, WizardNote } from '../lib/setup/init';
import { STUDIO_HTTP_BUDGET_MS } from '../lib/domain/studio';
import { redactEndpoint } from '../lib/redact';
import type { EntryPoint } from '../lib/flex/discovery';
import type { Printer, ResultPrinter } from './printer';

/** The saved setup as shown to people and scripts: the endpoint is always redacted. */
export function publicSetup(result: RunInitResult) {
  const s = result.setup;
  return {
    accountSid: result.accountSid,
    endpoint: redactEndpoint(s.endpointUrl),
    testMode: s.testMode,
    requestFormat: s.requestFormat ?? 'form',
    channelModel: s.channelModel,
    workspace: s.workspace,
    workflow: s.workflow,
    taskChannel: s.taskChannel,
    flow: s.flow,
    escalationKey: s.escalationKey,
    onBotFailure: s.onBotFailure,
  };
}

/** A flow an entry point starts that is not among the account's flows has no name: this stands for it. */
const UNKNOWN_FLOW = '(unknown flow)';

/** The entry points as -o json shows them: a flow without a name named as the text says it. */
function entryPointsJson(points: EntryPoint[]): EntryPoint[] {
  return points.map((p) => (p.flow && p.flow.name === undefined ? { ...p, flow: { sid: p.flow.sid, name: UNKNOWN_FLOW } } : p));
}

/** Which Studio flow each number (Conversations address, legacy Flex Flow) starts today. */
export function printEntryPoints(cmd: Pick<Printer, 'log'>, points: EntryPoint[]): void {
  cmd.log('Entry points today:');
  for (const p of points) {
    const where = `${p.kind === 'flex-flow' ? 'Flex Flow' : 'Conversations address'} ${p.name ? `"${p.name}" ` : ''}${p.sid}`;
    cmd.log(`  ${p.address || '(any)'} [${p.channel}] → ${p.flow ? `"${p.flow.name ?? UNKNOWN_FLOW}" (${p.flow.sid})` : 'no Studio flow'}  (${where})`);
  }
}

/** What a successful probe found worth saying, in words (also the `warning` of -o json). */
export function probeWarning(probe: ProbeOutcome): string | undefined {
  const switched = probe.switchedToJson
    ? 'The bot endpoint refused the form-encoded body and answered JSON: the setup now says --request-format json, so link-flow builds a flow that sends a JSON body.'
    : undefined;
  const n = probe.notice;
  const notice = !n
    ? undefined
    : n.code === 'slow'
      ? `The bot took ${(n.elapsedMs / 1000).toFixed(1)} s to answer, near Studio's ${STUDIO_HTTP_BUDGET_MS / 1000} s HTTP budget: a slower turn will fail in Studio.`
      : n.code === 'reshaped-answer'
        ? 'The bot answered without an outputStack (an Execution Finished transformer may reshape the answer): the flow sends its "text" and reads the escalation flag from its top-level "data" only; rich content and other outputs are not seen.'
        : `The bot answered "${n.text}" with no output: check that the flow says something on every turn.`;
  return [switched, notice].filter(Boolean).join(' ') || undefined;
}

/** The probe's round trip against Studio's budget; in the wizard a failure asks again. */
export function printProbe(cmd: Pick<Printer, 'log' | 'warn'>, probe: ProbeOutcome, o: { retry?: boolean } = {}): void {
  if (probe.ok) {
    cmd.log(`Bot answered in ${Math.round(probe.elapsedMs)} ms (Studio allows 10,000 ms).`);
    const warning = probeWarning(probe);
    if (warning) cmd.warn(warning);
    return;
  }
  cmd.warn(`The bot endpoint ${probe.endpoint} failed the probe: ${probe.failure?.message ?? 'no answer'}`);
  if (o.retry) cmd.log('Enter the endpoint URL again (Ctrl-C stops without saving).');
}

/**
 * The saved setup: `-o json` the document; otherwise the probe, a setting/value table
 * (columns, or rows with `-o tsv`) and where it was saved.
 */
export const initPrinter: ResultPrinter<RunInitResult> = {
  json: (result) => ({
    setup: publicSetup(result),
    changed: result.changed,
    file: result.file,
    probe: result.probe && {
      ok: result.probe.ok,
      elapsedMs: Math.round(result.probe.elapsedMs),
      budgetMs: STUDIO_HTTP_BUDGET_MS,
      warning: probeWarning(result.probe),
      requestFormat: result.probe.requestFormat,
    },
    entryPoints: entryPointsJson(result.entryPoints),
  }),
  human: printInitResult,
};

function printInitResult(result: RunInitResult, cmd: Printer): void {
  const setup = publicSetup(result);
  if (result.probe && !result.shown.probe) printProbe(cmd, result.probe);
  const flow = setup.flow.sid ? `${setup.flow.name} (${setup.flow.sid})` : `${setup.flow.name} (to be created by link-flow)`;
  const rows = [
    { setting: 'Account', value: setup.accountSid },
    { setting: 'Bot endpoint', value: `${setup.endpoint}${setup.testMode ? ' (test mode)' : ''}` },
    { setting: 'Bot request', value: setup.requestFormat === 'json' ? 'JSON body' : 'form parameters' },
    { setting: 'Channel model', value: setup.channelModel === 'conversations' ? 'Flex Conversations' : 'Legacy Flex messaging' },
    { setting: 'Workspace', value: `${setup.workspace?.name} (${setup.workspace?.sid})` },
    { setting: 'Workflow', value: `${setup.workflow?.name} (${setup.workflow?.sid})` },
    { setting: 'Task channel', value: `${setup.taskChannel?.name} (${setup.taskChannel?.sid})` },
    { setting: 'Studio flow', value: flow },
    { setting: 'Escalation key', value: setup.escalationKey },
    { setting: 'On bot failure', value: setup.onBotFailure === 'escalate' ? 'apologise and hand over to Flex' : 'apologise and end' },
  ];
  cmd.output(rows);
  if (result.entryPoints.length && !result.shown.entryPoints) {
    cmd.log('');
    printEntryPoints(cmd, result.entryPoints);
  }
  cmd.log(result.changed ? `\nSaved to ${result.file}` : `\nNothing changed: ${result.file} already holds this setup.`);
  cmd.log('Next: twilio cognigy:test-chat to talk to the bot through the flow, then twilio cognigy:link-flow to deploy it.');
}

/** A question of the init wizard, in words. */
export function questionText(q: Question): string {
  switch (q.id) {
    case 'endpoint-url':
      return 'Cognigy REST endpoint URL';
    case 'json-instead':
      return `The bot endpoint ${q.endpoint} refused the form-encoded body the flow sends (${q.failure}), but answered the same message as JSON. Send the bot a JSON body instead?`;
    case 'channel-model':
      return 'Which Flex messaging model do your customers come in on?';
    case 'resource':
      return `Which ${q.kind}?`;
    case 'flow':
      return 'Which Studio flow should hold the bot loop?';
  }
}

/** An answer the wizard offers, in words. */
export function choiceText(c: ChoiceLabel): string {
  switch (c.id) {
    case 'json-yes':
      return 'Yes: the flow sends a JSON body (--request-format json)';
    case 'json-no':
      return 'No: stop here';
    case 'channel-model':
      return c.model === 'conversations' ? 'Flex Conversations (SMS, WhatsApp, chat through Conversations)' : 'Legacy Flex messaging (Programmable Chat, Flex Flows)';
    case 'resource':
      return `${c.name} (${c.sid})`;
    case 'new-flow':
      return `Create a new flow "${c.name}"`;
    case 'patch-messaging-flow':
      return `Patch "${c.name}" (${c.sid}): insert the bot before its hand-over to Flex`;
    case 'patch-flow':
      return `Patch or update "${c.name}" (${c.sid})`;
  }
}

function wizardNoteText(n: WizardNote): string {
  return `The saved ${n.kind} "${n.name}" (${n.sid}) no longer exists in this account.`;
}

/** The wizard through cli-core's inquirer: the questions and answers in words. */
export function inquirerAsker(inquirer: any, say: (message: string) => void): Asker {
  return {
    async input(question, o) {
      const { value } = await inquirer.prompt([
        {
          type: 'input',
          name: 'value',
          message: questionText(question),
          default: o.default,
          validate: o.validate,
          transformer: o.shownAfterEntry && ((v: string, _answers: unknown, flags?: { isFinal?: boolean }) => (flags?.isFinal ? o.shownAfterEntry!(v) : v)),
        },
      ]);
      return value;
    },
    async choose(question, choices, defaultValue) {
      const named = choices.map((c) => ({ name: choiceText(c.label), value: c.value }));
      const { value } = await inquirer.prompt([{ type: 'list', name: 'value', message: questionText(question), choices: named, default: defaultValue }]);
      return value;
    },
    say: (note) => say(wizardNoteText(note)),
  };
}
