import { UsageError } from '../errors';
import { redactEndpoint, registerEndpointSecret, registerSecret } from '../redact';

export interface EndpointUrl {
  /** The URL as given (trimmed); a secret. */
  url: string;
  /** `host[:port]`, safe to show. */
  host: string;
  /** The URL token (last path segment); a secret. */
  token: string;
}

const EXAMPLE = 'https://endpoint-trial.cognigy.ai/<URLToken>';
/** Cognigy's tokens are long hex strings; other hosts may differ, so only URL-safe and not tiny. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{8,}$/;
const TOKEN_RULE = 'at least 8 letters, digits, - or _; Cognigy gives a long hex string';

/**
 * Validate a Cognigy REST endpoint URL. Every accepted URL is registered as a secret so
 * that nothing printed afterwards contains it; error messages show only the redacted form.
 */
export function parseEndpointUrl(input: string): EndpointUrl {
  const url = (input ?? '').trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Even a mistyped URL may hold the real token: keep it out of every later message.
    registerSecret(url);
    throw new UsageError('The Cognigy endpoint URL is not a valid URL.', `Copy the endpoint URL from Cognigy (Endpoint → Config), like ${EXAMPLE}.`);
  }
  // A URL with no path holds no token; registering it would make every mention of the
  // host print as its redacted form (`…:4020/` for `…:4020`).
  if (parsed.pathname.split('/').some(Boolean)) registerSecret(url);
  const shown = redactEndpoint(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(`The Cognigy endpoint URL ${shown} must start with https://.`, `Use the REST endpoint URL, like ${EXAMPLE}.`);
  }
  if (parsed.username || parsed.password) {
    throw new UsageError(`The Cognigy endpoint URL ${shown} must not contain a user name or password.`, `Use the REST endpoint URL, like ${EXAMPLE}.`);
  }
  if (parsed.search || parsed.hash) {
    throw new UsageError(`The Cognigy endpoint URL ${shown} must not have a query (?…) or fragment (#…).`, `Use the REST endpoint URL as Cognigy shows it, like ${EXAMPLE}.`);
  }
  const segments = parsed.pathname.split('/').filter(Boolean);
  const token = segments[segments.length - 1];
  if (!token) {
    throw new UsageError(`The Cognigy endpoint URL ${url} has no URL token.`, `The URL ends with the endpoint's token (${TOKEN_RULE}), like ${EXAMPLE}.`);
  }
  if (!TOKEN_PATTERN.test(token)) {
    throw new UsageError(
      `The Cognigy endpoint URL ${shown} does not end with a URL token.`,
      `The last path segment must be the endpoint's token: ${TOKEN_RULE}, like ${EXAMPLE}.`,
    );
  }
  registerEndpointSecret(url);
  return { url, host: parsed.host, token };
}

/** Whether the URL already points at the `/test/<token>` path. */
export function isTestModeUrl(url: string): boolean {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  return segments.length >= 2 && segments[segments.length - 2] === 'test';
}

/**
 * The test-mode URL (Cognigy 4.27+, not billed): `test/` goes right before the token.
 * Scheme and port are kept so the local demo bot (plain http) works the same way.
 */
export function testModeUrl(url: string): string {
  const { token } = parseEndpointUrl(url);
  if (isTestModeUrl(url)) return url.trim();
  const parsed = new URL(url.trim());
  const segments = parsed.pathname.split('/').filter(Boolean);
  segments.pop();
  const result = `${parsed.protocol}//${parsed.host}/${[...segments, 'test', token].join('/')}`;
  registerEndpointSecret(result);
  return result;
}

const COGNIGY_HOST = /(^|\.)cognigy\.(ai|cloud)$/i;

/**
 * Whether a URL a flow calls is the Cognigy bot: the known endpoint (its host and URL
 * token, test mode included), or any Cognigy-hosted endpoint. Other calls are the flow's
 * own services and are named by their widget and host, never "the bot".
 */
export function isBotUrl(url: string, known?: string): boolean {
  // Asked for every call of every turn with the same few URLs: two URL parses each time
  // were ~2% of a scripted run. Bounded: a flow whose URLs change per call would grow it.
  const key = `${known ?? ''}\u0000${url}`;
  let bot = botUrls.get(key);
  if (bot === undefined) {
    bot = readBotUrl(url, known);
    if (botUrls.size >= 64) botUrls.clear();
    botUrls.set(key, bot);
  }
  return bot;
}

const botUrls = new Map<string, boolean>();

function readBotUrl(url: string, known?: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (COGNIGY_HOST.test(target.hostname)) return true;
  if (!known) return false;
  try {
    const endpoint = new URL(known.trim());
    const token = endpoint.pathname.split('/').filter(Boolean).pop();
    return target.host === endpoint.host && Boolean(token) && target.pathname.split('/').filter(Boolean).pop() === token;
  } catch {
    return false;
  }
}
