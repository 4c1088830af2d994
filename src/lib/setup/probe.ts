import { randomBytes } from 'node:crypto';
import { HttpTransport } from '../http/types';
import { redactEndpoint } from '../redact';
import type { ChannelModel, RequestFormat } from '../domain/setup';
import { botParameters } from '../studio/loop';
import { BotMessage, BotExchange, exchangeMessage } from '../cognigy/client';
import { testModeUrl } from '../cognigy/endpoint';
import { BotFailure, reshapedAnswer } from '../cognigy/errors';
import { FORM_CONTENT_TYPE, JSON_CONTENT_TYPE, STUDIO_HTTP_BUDGET_MS } from '../domain/studio';

export interface ProbeOptions {
  /** Send to `/test/<token>` (Cognigy test mode: not billed). */
  testMode?: boolean;
  /** The body the flow will send (default form), so the probe tells whether the endpoint reads it. */
  requestFormat?: RequestFormat;
  /** The channel model the flow is built for: its `data[channel]`. */
  channelModel?: ChannelModel;
  /** Give up after this long (default: Studio's 10 s budget, so a pass means Studio would get an answer). */
  timeoutMs?: number;
  /** Warn above this many milliseconds (default 5,000). */
  warnAfterMs?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

export interface ProbeResult {
  ok: boolean;
  /** Redacted. */
  endpoint: string;
  /** The body format probed. */
  requestFormat: RequestFormat;
  elapsedMs: number;
  budgetMs: typeof STUDIO_HTTP_BUDGET_MS;
  /** Answered, but something the person should know (a printer says it). */
  notice?: ProbeNotice;
  outputs?: number;
  failure?: BotFailure;
  /**
   * The form body failed but the same message as JSON was answered: the endpoint does not
   * read what a form-encoded flow would send, and `--request-format json` would work.
   */
  jsonWorks?: boolean;
}

/**
 * What a successful probe found worth saying: the answer came near Studio's budget, came
 * reshaped (no outputStack: only its top-level text and data reach the flow), or said nothing.
 */
export type ProbeNotice = { code: 'slow'; elapsedMs: number } | { code: 'reshaped-answer' } | { code: 'no-output'; text: string };

/** The probe's own identity, so that the bot's logs and analytics can tell it apart. */
export const PROBE_USER_ID = 'twilio-cognigy-probe';
/** What the probe says: short and harmless for any flow. */
export const PROBE_TEXT = 'ping';
const DEFAULT_WARN_AFTER_MS = 5_000;

/**
 * The message the flow sends, with the flow's own fields (`botParameters`): its `data[…]`
 * keys as form keys, or `data` as an object in JSON, and the Studio widget's Content-Type.
 * Fixed values are the flow's; values the flow takes from the conversation are empty here.
 */
function flowLikeMessage(model: ChannelModel): BotMessage {
  const data: Record<string, string> = {};
  for (const { key, value } of botParameters(model)) {
    const name = /^data\[(.+)\]$/.exec(key)?.[1];
    if (name) data[name] = value.includes('{{') ? '' : value;
  }
  return { userId: PROBE_USER_ID, sessionId: `${PROBE_USER_ID}-${randomBytes(6).toString('hex')}`, text: PROBE_TEXT, data };
}

/**
 * Send one real message ("ping", as user `twilio-cognigy-probe`, in a fresh session) in
 * exactly the body the flow will send, and report whether a usable answer came back within
 * Studio's budget, and how fast. When the form body fails for a reason other than the
 * network, the same message goes once more as JSON, so the user learns which body works.
 */
export async function probeEndpoint(transport: HttpTransport, endpointUrl: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const now = options.now ?? (() => performance.now());
  const url = options.testMode ? testModeUrl(endpointUrl) : endpointUrl;
  const endpoint = redactEndpoint(url);
  const warnAfterMs = options.warnAfterMs ?? DEFAULT_WARN_AFTER_MS;
  const requestFormat = options.requestFormat ?? 'form';
  const model = options.channelModel ?? 'conversations';
  const send = (format: RequestFormat): Promise<BotExchange> =>
    exchangeMessage(transport, url, flowLikeMessage(model), {
      encoding: format,
      contentType: format === 'form' ? FORM_CONTENT_TYPE : JSON_CONTENT_TYPE,
      timeoutMs: options.timeoutMs ?? STUDIO_HTTP_BUDGET_MS,
    });
  const started = now();
  const result = await send(requestFormat);
  const elapsedMs = now() - started;
  const base = { endpoint, requestFormat, elapsedMs, budgetMs: STUDIO_HTTP_BUDGET_MS } as const;
  if (!result.ok) {
    const failed: ProbeResult = { ok: false, ...base, failure: result.failure };
    const network = result.failure.kind === 'unreachable' || result.failure.kind === 'timeout';
    if (requestFormat === 'form' && !network && (await send('json')).ok) failed.jsonWorks = true;
    return failed;
  }

  const outputs = result.turn.outputs.length;
  const probe: ProbeResult = { ok: true, ...base, outputs };
  const answer = JSON.parse(result.response.body) as Record<string, unknown>;
  if (elapsedMs > warnAfterMs) probe.notice = { code: 'slow', elapsedMs };
  else if (reshapedAnswer(answer)) probe.notice = { code: 'reshaped-answer' };
  else if (outputs === 0) probe.notice = { code: 'no-output', text: PROBE_TEXT };
  return probe;
}
