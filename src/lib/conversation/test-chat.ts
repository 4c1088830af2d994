import { parseEndpointUrl } from '../cognigy/endpoint';
import { UsageError } from '../errors';
import { createTransport, closeTransport } from '../http/transport';
import { withDebugLog } from '../http/debug-log';
import type { HttpTransport } from '../http/types';
import { buildOptions, readFlowFile, PLACEHOLDER_TASK_CHANNEL, PLACEHOLDER_WORKFLOW } from '../link-flow';
import { redactEndpoint, registerEndpointSecret, registerUrlSecrets } from '../redact';
import { resolveSetup, ResolvedSetup, SetupInput } from '../setup/resolve';
import type { Setup } from '../setup/types';
import { buildFlow, lintFlow, type LintIssue } from '../studio';
import { revealEndpointToken } from '../studio/endpoint-token';
import type { FlowDefinition } from '../studio/types';
import { TwilioApi } from '../twilio/api';
import { ChatSession } from './chat';

export interface PrepareOptions {
  input: SetupInput;
  saved?: Setup;
  /** Run against the embedded demo bot on 127.0.0.1. */
  demo: boolean;
  flowFile?: string;
  /** `--flow`: the flow deployed in Twilio (SID or name), read with this client. */
  deployedFlow?: { client: any; flow: string };
  from?: string;
  /** `-l debug`: log each HTTP call the flow makes (absent otherwise, and nothing is wrapped). */
  debug?: (line: string) => void;
}

export interface PreparedChat {
  definition: FlowDefinition;
  setup: ResolvedSetup;
  /** Where the flow came from, for the banner and -o json. */
  source: string;
  /** The bot endpoint, redacted. */
  endpoint: string;
  http: HttpTransport;
  /** Worth knowing before the first message (placeholder SIDs…): the banner and reports show them. */
  notes: string[];
  /** Lint findings that do not stop the run (unmodelled widget types…): for stderr. */
  warnings: string[];
  newChat(from?: string): ChatSession;
  close(): Promise<void>;
}

export const DEFAULT_CUSTOMER_ADDRESS = '+15551234567';

/**
 * What test-chat runs: the flow link-flow would deploy (built from the setup and flags),
 * an exported flow file, or the flow deployed in Twilio, and the bot it calls: the real
 * endpoint, or the embedded demo bot.
 */
export async function prepareChat(o: PrepareOptions): Promise<PreparedChat> {
  if (o.demo && (o.flowFile || o.deployedFlow)) {
    throw new UsageError('--demo runs the built flow against the demo bot; it cannot be combined with --flow-file or --flow.');
  }
  let stopDemo: (() => Promise<void>) | undefined;
  let input = o.input;
  if (o.demo) {
    const { startBotServer, demoBehaviour } = await import('../demo/bot-server');
    const server = await startBotServer({ behaviour: demoBehaviour });
    stopDemo = () => server.close();
    input = { ...input, endpointUrl: server.url };
  }
  try {
    const needsEndpoint = !o.flowFile && !o.deployedFlow;
    const setup = await resolveSetup(
      needsEndpoint ? input : { ...input, endpointUrl: input.endpointUrl ?? o.saved?.endpointUrl ?? 'https://endpoint.invalid/none' },
      o.saved,
      { requireFlex: false },
    );
    if (needsEndpoint) {
      parseEndpointUrl(setup.endpointUrl);
      registerEndpointSecret(setup.endpointUrl);
    }

    let definition: FlowDefinition;
    let source: string;
    if (o.flowFile) {
      const knownEndpoint = input.endpointUrl ?? o.saved?.endpointUrl;
      definition = revealEndpointToken(readFlowFile(o.flowFile).definition, knownEndpoint);
      source = `flow file ${o.flowFile}`;
    } else if (o.deployedFlow) {
      const api = new TwilioApi(o.deployedFlow.client);
      const wanted = o.deployedFlow.flow;
      let sid = wanted;
      if (!/^FW[0-9a-f]{32}$/.test(wanted)) {
        const flows = await api.listFlows();
        const found = flows.find((f) => f.name === wanted) ?? flows.find((f) => f.name.toLowerCase() === wanted.toLowerCase());
        if (!found) {
          throw new UsageError(`No Studio flow "${wanted}" in this account.`, `Existing flows: ${flows.map((f) => `"${f.name}" (${f.sid})`).join(', ') || 'none'}.`);
        }
        sid = found.sid;
      }
      const flow = await api.fetchFlow(sid);
      definition = flow.definition as FlowDefinition;
      source = `deployed flow "${flow.name}" (${flow.sid}, revision ${flow.revision})`;
    } else {
      definition = buildFlow(buildOptions(setup));
      source = o.demo ? 'the flow link-flow builds, against the embedded demo bot' : 'the flow link-flow would deploy';
    }
    registerUrlsIn(definition);
    // A deployed flow passed Studio's own validation: the linter's doubts are only warnings.
    const { warnings } = checkFlow(definition, source, { strict: !o.deployedFlow });
    const notes: string[] = [];
    if (!o.flowFile && !o.deployedFlow && (!setup.workflow || !setup.taskChannel)) {
      notes.push(
        `The hand-over uses placeholder SIDs (${PLACEHOLDER_WORKFLOW.slice(0, 5)}…, ${PLACEHOLDER_TASK_CHANNEL.slice(0, 5)}…): "twilio cognigy:init" fills in the real workflow and task channel.`,
      );
    }

    const transport = createTransport();
    const http = o.debug ? withDebugLog(transport, o.debug) : transport;
    return {
      definition,
      setup,
      source,
      endpoint: needsEndpoint ? redactEndpoint(setup.endpointUrl) : '(as the flow says)',
      http,
      notes,
      warnings,
      newChat: (from) =>
        new ChatSession(definition, {
          http,
          from: from ?? o.from ?? DEFAULT_CUSTOMER_ADDRESS,
          channelModel: setup.channelModel,
          escalationKey: setup.escalationKey,
        }),
      close: async () => {
        closeTransport(transport);
        await stopDemo?.();
      },
    };
  } catch (error) {
    await stopDemo?.();
    throw error;
  }
}

/**
 * Lint before running: a flow Studio would reject (a transition to a widget that does not
 * exist, a missing property…) is refused up front with the first problems named, rather
 * than failing halfway through a conversation. A widget type the runner does not model is
 * only a warning: the run stops if and when it reaches it, as the flow may never go there.
 */
export function checkFlow(definition: FlowDefinition, source: string, o: { strict: boolean }): { warnings: string[] } {
  const issues = lintFlow(definition);
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues
    .filter((i) => i.severity === 'warning' && i.property === 'type' && i.widget)
    .map((i) => `Widget "${i.widget}" has a type test-chat does not model (${describeType(definition, i.widget!)}): a run that reaches it stops there.`);
  if (errors.length && o.strict) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw new UsageError(
      `${source[0].toUpperCase()}${source.slice(1)} is not a valid Studio flow: ${describeIssue(errors[0])}${more}.`,
      'Studio would reject it; fix the flow (or export it again from the Studio Console) and retry.',
      { issues: errors },
    );
  }
  for (const e of errors) warnings.push(`Studio accepted this flow, but: ${describeIssue(e)}.`);
  return { warnings };
}

function describeIssue(i: LintIssue): string {
  const where = [i.widget ? `"${i.widget}"` : '', i.property ?? ''].filter(Boolean).join(' ');
  return where ? `${where}: ${i.message}` : i.message;
}

function describeType(definition: FlowDefinition, widget: string): string {
  return definition.states.find((s) => s.name === widget)?.type ?? 'unknown';
}

/**
 * A URL a flow calls may carry a token (an API key in its path or query): what looks like
 * one is kept out of what is printed. Its other segments (`/validate`) are ordinary words.
 */
function registerUrlsIn(definition: FlowDefinition): void {
  for (const state of definition.states ?? []) {
    const url = (state.properties as Record<string, unknown>)?.url;
    if (typeof url === 'string' && /^https?:\/\//.test(url)) registerUrlSecrets(url);
  }
}

export interface ChatReport {
  flow: string;
  endpoint: string;
  transcript: ChatSession['transcript'];
  escalated: boolean;
  escalation: ChatSession['handover'] | null;
  ended: string | null;
  turns: { elapsedMs: number; slowestCallMs: number }[];
  /** Why this run should fail (bot unreachable, flow error); empty when all went as Studio would. */
  problems: ChatSession['problems'];
  notes: string[];
}

/** `--message` (repeatable): play the customer's messages in order. */
export async function playMessages(prepared: PreparedChat, messages: string[]): Promise<ChatReport> {
  const chat = prepared.newChat();
  const turns: ChatReport['turns'] = [];
  for (const message of messages) {
    if (chat.withAgent) break;
    const turn = await chat.send(message);
    turns.push({ elapsedMs: Math.round(turn.elapsedMs), slowestCallMs: Math.round(turn.slowestCallMs) });
  }
  return report(prepared, chat, turns);
}

export function report(prepared: PreparedChat, chat: ChatSession, turns: ChatReport['turns'] = []): ChatReport {
  return {
    flow: prepared.source,
    endpoint: prepared.endpoint,
    transcript: chat.transcript,
    escalated: chat.handover !== undefined,
    escalation: chat.handover ?? null,
    ended: chat.ended?.reason ?? null,
    turns,
    problems: chat.problems,
    notes: chat.handover ? prepared.notes : [],
  };
}
