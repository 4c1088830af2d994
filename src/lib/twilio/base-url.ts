import { UsageError } from '../errors';

/**
 * The local API hook. The `twilio` library has no base-URL option, so every request's
 * final URI is rewritten: `https://<product>[.<edge>.<region>].twilio.com/<path>` becomes
 * `<base>/<product>/<path>`. Region and edge are dropped, so the hook works whatever
 * TWILIO_REGION / TWILIO_EDGE say.
 */
const TWILIO_HOST = /^([a-z0-9-]+)(?:\.[a-z0-9-]+)*\.twilio\.com$/i;

export function rewriteTwilioUrl(uri: string, base: string): string {
  const parsed = new URL(uri);
  const match = TWILIO_HOST.exec(parsed.hostname);
  if (!match) return uri;
  const product = match[1].toLowerCase();
  return `${base.replace(/\/+$/, '')}/${product}${parsed.pathname}${parsed.search}`;
}

const BASE_URL_HINT = 'Set it to the local API to use instead of Twilio (e.g. http://127.0.0.1:3000), or unset it.';

/** The base URL from the environment, validated, or undefined when the hook is off. */
export function apiBaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = env.TWILIO_API_BASE_URL;
  if (!base) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new UsageError(`TWILIO_API_BASE_URL is not a URL: "${base}".`, BASE_URL_HINT);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`TWILIO_API_BASE_URL must be an http(s) URL, not "${parsed.protocol}".`, BASE_URL_HINT);
  }
  return base.replace(/\/+$/, '');
}
