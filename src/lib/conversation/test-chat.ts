import { parseEndpointUrl } from '../cognigy/endpoint';
import { UsageError } from '../errors';
import { createTransport, closeTransport } from '../http/transport';
import type { HttpTransport } from '../http/types';
import { buildOptions, readFlowFile } from '../link-flow';
import { redactEndpoint, registerEndpointSecret } from '../redact';
import { resolveSetup, ResolvedSetup, SetupInput } from '../setup/resolve';
import type { Setup } from '../setup/types';
import { buildFlow } from '../studio';
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
}

export interface PreparedChat {
  definition: FlowDefinition;
  setup: ResolvedSetup;
  /** Where the flow came from, for the banner and -o json. */
  source: string;
  /** The bot endpoint, redacted. */
  endpoint: string;
  http: HttpTransport;
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

    const http = createTransport();
    return {
      definition,
      setup,
      source,
      endpoint: needsEndpoint ? redactEndpoint(setup.endpointUrl) : '(as the flow says)',
      http,
      newChat: (from) =>
        new ChatSession(definition, { http, from: from ?? o.from ?? DEFAULT_CUSTOMER_ADDRESS, channelModel: setup.channelModel }),
      close: async () => {
        closeTransport(http);
        await stopDemo?.();
      },
    };
  } catch (error) {
    await stopDemo?.();
    throw error;
  }
}

/** Every http(s) URL a flow calls may carry a token: keep them out of what is printed. */
function registerUrlsIn(definition: FlowDefinition): void {
  for (const state of definition.states ?? []) {
    const url = (state.properties as Record<string, unknown>)?.url;
    if (typeof url === 'string' && /^https?:\/\//.test(url) && !url.includes('{{')) registerEndpointSecret(url);
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
  };
}
