import { parseEndpointUrl } from '../cognigy/endpoint';
import { UsageError } from '../errors';
import { createTransport, closeTransport } from '../http/transport';
import { withDebugLog } from '../http/debug-log';
import type { HttpTransport } from '../http/types';
import { buildOptions, readFlowFile, PLACEHOLDER_TASK_CHANNEL, PLACEHOLDER_WORKFLOW } from './link-flow';
import { redactEndpoint, registerEndpointSecret, registerUrlSecrets } from '../redact';
import { resolveSetup, type SetupInput } from '../setup/resolve';
import type { Setup } from '../domain/setup';
import { buildFlow, lintFlow, type LintIssue } from '../studio';
import { isStudioV1Export } from '../studio/lint';
import { revealEndpointToken } from '../studio/endpoint-token';
import type { FlowDefinition } from '../domain/flow';
import { TwilioApi } from '../twilio/api';
import { startEventFor, wiredEvents } from '../runtime/flow';
import { DEFAULT_CUSTOMER_ADDRESS, TRIGGER_EVENT } from '../domain/studio';
import { readStubFile } from '../runtime/stubs';
import { ChatSession } from '../conversation/chat';
import type { FlowSource, PreparedChat, PreparedNote, PreparedWarning } from '../conversation/prepared';
import { tapFor, type RecordingOptions } from '../conversation/recording';
import type { RunOptions } from '../conversation/run-options';

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
  /** `--stub FILE` (repeatable): local answers for the flow's HTTP and Function calls. */
  stubFiles?: string[];
  /** `--subflow FW…=FILE` (repeatable): child flows for run-subflow. */
  subflows?: string[];
  /** `--function NAME|ZH…=URL` (repeatable): URLs for run-function widgets exported without one. */
  functions?: string[];
  /** `--param KEY=VALUE` (repeatable): flow.data of a REST API execution. */
  params?: string[];
  /** Instead of the network (benchmarks): every call the flow makes and no stub answers. */
  transport?: HttpTransport;
}


/** `KEY=VALUE` flags: the first `=` splits (values may hold `=`). */
function pairs(values: string[] | undefined, flag: string, shape: string): Array<[string, string]> {
  return (values ?? []).map((v) => {
    const at = v.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} ${JSON.stringify(v)} is not ${shape}.`, `Write ${flag} ${shape}.`);
    return [v.slice(0, at).trim(), v.slice(at + 1)];
  });
}

/** Every run-subflow's flow SID in a definition. */
function subflowSids(definition: FlowDefinition): string[] {
  return (definition.states ?? [])
    .filter((s) => s?.type === 'run-subflow' && typeof s.properties?.flow_sid === 'string')
    .map((s) => s.properties.flow_sid as string);
}

/**
 * The child flows the run may enter: from `--subflow` files first, else (with `--flow`)
 * from Twilio by the SID the widget names; children of children too, each once.
 */
async function loadSubflows(root: FlowDefinition, files: Array<[string, string]>, api: TwilioApi | undefined, warnings: PreparedWarning[]): Promise<Map<string, FlowDefinition>> {
  const loaded = new Map<string, FlowDefinition>();
  for (const [sid, file] of files) {
    if (!/^FW[0-9a-fA-F]{32}$/.test(sid)) throw new UsageError(`--subflow ${sid}=${file}: ${sid} is not a flow SID.`, 'Write --subflow FW…=FILE with the SID the run-subflow widget names (its flow_sid).');
    loaded.set(sid, readFlowFile(file).definition);
  }
  const queue = subflowSids(root);
  for (let i = 0; i < queue.length && i < 100; i++) {
    const sid = queue[i];
    if (!loaded.has(sid) && api && /^FW[0-9a-fA-F]{32}$/.test(sid)) {
      try {
        loaded.set(sid, (await api.fetchFlow(sid)).definition as FlowDefinition);
      } catch (error) {
        // Said once here; the run stops at the widget if it gets there.
        warnings.push({ code: 'subflow-unreadable', sid, error: (error as Error).message.split('\n')[0] });
      }
    }
    const child = loaded.get(sid);
    if (child) for (const next of subflowSids(child)) if (!queue.includes(next)) queue.push(next);
  }
  return loaded;
}

/** What the run cannot answer as it stands, said before the first message (the run stops there if it gets there). */
function unansweredWarnings(definitions: FlowDefinition[], run: RunOptions): PreparedWarning[] {
  const warnings: PreparedWarning[] = [];
  for (const definition of definitions) {
    for (const s of definition.states ?? []) {
      const p = (s?.properties ?? {}) as Record<string, unknown>;
      if (s?.type === 'run-subflow' && typeof p.flow_sid === 'string' && !run.subflows.has(p.flow_sid)) {
        warnings.push({ code: 'subflow-not-loaded', widget: s.name, sid: p.flow_sid });
      }
      const urlless = s?.type === 'run-function' && (typeof p.url !== 'string' || !p.url.trim()) && typeof p.function_sid === 'string' && p.function_sid;
      if (urlless && !run.functions.has(s.name) && !run.functions.has(p.function_sid as string) && !run.stubs.some((st) => st.widget === s.name)) {
        warnings.push({ code: 'function-without-url', widget: s.name, functionSid: p.function_sid as string });
      }
    }
  }
  return warnings;
}

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
    let source: FlowSource;
    if (o.flowFile) {
      const knownEndpoint = input.endpointUrl ?? o.saved?.endpointUrl;
      definition = revealEndpointToken(readFlowFile(o.flowFile).definition, knownEndpoint);
      source = { kind: 'flow-file', file: o.flowFile };
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
      source = { kind: 'deployed', name: flow.name, sid: flow.sid, revision: flow.revision };
    } else {
      definition = buildFlow(buildOptions(setup));
      source = { kind: 'built', demo: Boolean(o.demo) };
    }
    registerUrlsIn(definition);
    // A deployed flow passed Studio's own validation: the linter's doubts are only warnings.
    const { warnings } = checkFlow(definition, source, { strict: !o.deployedFlow });
    const params = pairs(o.params, '--param', 'KEY=VALUE');
    const start = startEventFor(definition, params.length > 0);
    if (params.length && !start) {
      throw new UsageError('--param sets flow.data of a REST API execution, but this flow\'s trigger wires neither "incomingRequest" nor "incomingParent".', 'Drop --param, or wire the trigger\'s REST API event in Studio.');
    }
    const functions = new Map(pairs(o.functions, '--function', 'NAME=URL (a widget name or function SID ZH…, and the URL)'));
    const subflows = await loadSubflows(definition, pairs(o.subflows, '--subflow', 'FW…=FILE'), o.deployedFlow ? new TwilioApi(o.deployedFlow.client) : undefined, warnings);
    for (const [sid, child] of subflows) {
      registerUrlsIn(child);
      warnings.push(...checkFlow(child, { kind: 'subflow', sid }, { strict: true }).warnings);
    }
    const run: RunOptions = {
      botEndpoint: needsEndpoint ? setup.endpointUrl : input.endpointUrl ?? o.saved?.endpointUrl,
      stubs: (o.stubFiles ?? []).flatMap(readStubFile),
      subflows,
      functions,
      ...(start ? { start } : {}),
      data: Object.fromEntries(params),
    };
    warnings.push(...unansweredWarnings([definition, ...subflows.values()], run));
    const notes: PreparedNote[] = [];
    if (!o.flowFile && !o.deployedFlow && (!setup.workflow || !setup.taskChannel)) {
      notes.push({ code: 'placeholder-sids', workflow: PLACEHOLDER_WORKFLOW, taskChannel: PLACEHOLDER_TASK_CHANNEL });
    }

    const transport = o.transport ? undefined : createTransport();
    const base = o.transport ?? transport!;
    const http = o.debug ? withDebugLog(base, o.debug) : base;
    return {
      definition,
      setup,
      source,
      ...(needsEndpoint ? { endpoint: redactEndpoint(setup.endpointUrl) } : {}),
      http,
      from: o.from ?? DEFAULT_CUSTOMER_ADDRESS,
      run,
      notes,
      warnings,
      newChat: (from, extra) =>
        new ChatSession(definition, {
          http: extra?.http ?? http,
          from: from ?? o.from ?? DEFAULT_CUSTOMER_ADDRESS,
          channelModel: setup.channelModel,
          escalationKey: setup.escalationKey,
          names: resourceNames(setup),
          ...run,
        }),
      close: async () => {
        if (transport) closeTransport(transport);
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
export function checkFlow(definition: FlowDefinition, source: FlowSource, o: { strict: boolean }): { warnings: PreparedWarning[] } {
  if (isStudioV1Export(definition)) throw new FlowRefusedError({ source, why: 'studio-v1' });
  // A flow only a phone call starts is refused for that, whatever else the lint would say.
  const wired = [...wiredEvents(definition).keys()];
  if (wired.length && !wired.some((e) => RUNNABLE_STARTS.includes(e))) throw new FlowRefusedError({ source, why: 'phone-only', events: wired });
  const issues = lintFlow(definition);
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues
    .filter((i) => i.severity === 'warning' && i.widget && (i.code === 'unmodelled-type' || i.asStudio))
    .map((i): PreparedWarning => (i.code === 'unmodelled-type' ? { code: 'unmodelled-type', widget: i.widget!, type: i.type } : { code: 'lenient-property', issue: i }));
  if (errors.length && o.strict) throw new FlowRefusedError({ source, why: 'not-valid', issues: errors });
  for (const e of errors) warnings.push({ code: 'studio-accepted', issue: e });
  return { warnings };
}

/**
 * Why test-chat cannot run a flow, and where it comes from: a Studio v1 export, a flow
 * only a phone call starts (its trigger's `events`), or one Studio would reject (its lint
 * errors).
 */
export type FlowRefusal = { source: FlowSource } & ({ why: 'studio-v1' } | { why: 'phone-only'; events: string[] } | { why: 'not-valid'; issues: LintIssue[] });

/** A flow test-chat refuses before it runs: a usage error the printers word (printers/lint.ts), `issues` for -o json. */
export class FlowRefusedError extends UsageError {
  constructor(readonly refusal: FlowRefusal) {
    super('flow-refused', undefined, refusal.why === 'not-valid' ? { issues: refusal.issues } : undefined);
    this.name = 'FlowRefusedError';
  }
}

const RUNNABLE_STARTS = [...Object.values(TRIGGER_EVENT), 'incomingRequest', 'incomingParent'];

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
  flow: FlowSource;
  /** Absent when the run calls only the URLs the flow holds. */
  endpoint?: string;
  transcript: ChatSession['transcript'];
  /** True once the flow handed the conversation over to Flex. */
  handedOver: boolean;
  /** What Flex would receive (the task), once handed over. */
  handover: ChatSession['handover'] | null;
  ended: string | null;
  turns: { elapsedMs: number; slowestCallMs: number }[];
  /** Why this run should fail (bot unreachable, flow error); empty when all went as Studio would. */
  problems: ChatSession['problems'];
  notes: PreparedNote[];
  /** What `--record` (or `--replay-mode new-only`) wrote. */
  recorded?: { file: string; conversations: number; changed: number };
}

/** The one conversation of `--message` in a recording. */
export const MESSAGES_CONVERSATION = 'test-chat --message';

/** `--message` (repeatable): play the customer's messages in order. */
export async function playMessages(prepared: PreparedChat, messages: string[], recording?: RecordingOptions): Promise<ChatReport> {
  const tap = recording ? tapFor(prepared, recording) : undefined;
  try {
    const from = prepared.from;
    const conversation = tap?.forConversation({ name: MESSAGES_CONVERSATION, from });
    const chat = prepared.newChat(from, { http: conversation?.http });
    const turns: ChatReport['turns'] = [];
    const replayFailed = (): boolean => {
      const failure = conversation?.takeFailure();
      if (!failure) return false;
      chat.problems.push({ kind: 'bot-answer', widget: '', replay: failure });
      return true;
    };
    // A REST API execution (or a subflow on its own) starts before the customer writes: the messages answer it.
    if (chat.startsWithoutMessage) {
      const turn = await chat.begin();
      turns.push({ elapsedMs: Math.round(turn.elapsedMs), slowestCallMs: Math.round(turn.slowestCallMs) });
    }
    if (!replayFailed()) {
      for (const message of messages) {
        if (chat.withAgent) break;
        conversation?.beginTurn(message);
        const turn = await chat.send(message);
        turns.push({ elapsedMs: Math.round(turn.elapsedMs), slowestCallMs: Math.round(turn.slowestCallMs) });
        if (replayFailed()) break;
      }
    }
    conversation?.finish();
    const recorded = tap?.save();
    return { ...report(prepared, chat, turns), ...(recorded ? { recorded } : {}) };
  } finally {
    tap?.close();
  }
}

export function report(prepared: PreparedChat, chat: ChatSession, turns: ChatReport['turns'] = []): ChatReport {
  return {
    flow: prepared.source,
    ...(prepared.endpoint !== undefined ? { endpoint: prepared.endpoint } : {}),
    transcript: chat.transcript,
    handedOver: chat.handover !== undefined,
    handover: chat.handover ?? null,
    ended: chat.ended?.reason ?? null,
    turns,
    problems: chat.problems,
    notes: chat.handover ? prepared.notes : [],
  };
}

/** The setup's workflow and task channel by SID, so a hand-over can name them as init found them. */
function resourceNames(setup: { workflow?: { sid: string; name: string }; taskChannel?: { sid: string; name: string } }): Map<string, string> {
  const names = new Map<string, string>();
  for (const r of [setup.workflow, setup.taskChannel]) if (r?.sid && r.name) names.set(r.sid, r.name);
  return names;
}
