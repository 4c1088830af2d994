import { randomBytes } from 'node:crypto';
import { HttpTransport } from '../http/types';
import { redactEndpoint } from '../redact';
import { STUDIO_HTTP_BUDGET_MS, exchangeMessage } from './client';
import { testModeUrl } from './endpoint';
import { BotFailure } from './errors';

export interface ProbeOptions {
  /** Send to `/test/<token>` (Cognigy test mode: not billed). */
  testMode?: boolean;
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
  elapsedMs: number;
  budgetMs: typeof STUDIO_HTTP_BUDGET_MS;
  warning?: string;
  outputs?: number;
  failure?: BotFailure;
}

/** The probe's own identity, so that the bot's logs and analytics can tell it apart. */
export const PROBE_USER_ID = 'twilio-cognigy-probe';
/** What the probe says: short and harmless for any flow. */
export const PROBE_TEXT = 'ping';
const DEFAULT_WARN_AFTER_MS = 5_000;

/**
 * Send one real message ("ping", as user `twilio-cognigy-probe`, in a fresh session) and
 * report whether a usable answer came back within Studio's budget, and how fast.
 */
export async function probeEndpoint(transport: HttpTransport, endpointUrl: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const now = options.now ?? (() => performance.now());
  const url = options.testMode ? testModeUrl(endpointUrl) : endpointUrl;
  const endpoint = redactEndpoint(url);
  const warnAfterMs = options.warnAfterMs ?? DEFAULT_WARN_AFTER_MS;
  const started = now();
  const result = await exchangeMessage(
    transport,
    url,
    { userId: PROBE_USER_ID, sessionId: `${PROBE_USER_ID}-${randomBytes(6).toString('hex')}`, text: PROBE_TEXT },
    { timeoutMs: options.timeoutMs ?? STUDIO_HTTP_BUDGET_MS },
  );
  const elapsedMs = now() - started;
  const base = { endpoint, elapsedMs, budgetMs: STUDIO_HTTP_BUDGET_MS } as const;
  if (!result.ok) return { ok: false, ...base, failure: result.failure };

  const outputs = result.turn.outputs.length;
  const probe: ProbeResult = { ok: true, ...base, outputs };
  if (elapsedMs > warnAfterMs) {
    probe.warning = `The bot took ${(elapsedMs / 1000).toFixed(1)} s to answer, near Studio's 10 s HTTP budget: a slower turn will fail in Studio.`;
  } else if (outputs === 0) {
    probe.warning = `The bot answered "${PROBE_TEXT}" with no output: check that the flow says something on every turn.`;
  }
  return probe;
}
