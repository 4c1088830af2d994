/**
 * Secrets never leave the process: the Cognigy endpoint URL (its last path segment is
 * the URL token), Twilio auth tokens and API secrets. Every string the plugin prints,
 * logs or writes (other than the saved setup) passes through `redact()`.
 */
const registered = new Set<string>();

/** Shortest secret worth scrubbing; shorter strings would mangle ordinary text. */
const MIN_SECRET_LENGTH = 6;

/** Remember a secret so that `redact()` removes it from any later text. */
export function registerSecret(secret: string | undefined | null): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH) return;
  registered.add(secret);
  // Form and URL encodings of the same secret appear in request logs.
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) registered.add(encoded);
}

/** Register an endpoint URL: the whole URL, its token and its encodings. */
export function registerEndpointSecret(url: string | undefined | null): void {
  if (!url) return;
  registerSecret(url);
  const token = endpointToken(url);
  if (token) registerSecret(token);
}

/** The URL token: the last non-empty path segment of an endpoint URL. */
export function endpointToken(url: string): string | undefined {
  try {
    const segments = new URL(url).pathname.split('/').filter(Boolean);
    return segments[segments.length - 1];
  } catch {
    return undefined;
  }
}

/** `https://endpoint-trial.cognigy.ai/…9f3a`: host kept, token cut to its last 4 characters. */
export function redactEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    const segments = parsed.pathname.split('/').filter(Boolean);
    const token = segments.pop();
    if (!token) return `${parsed.protocol}//${parsed.host}/`;
    const prefix = segments.length ? `${segments.join('/')}/` : '';
    return `${parsed.protocol}//${parsed.host}/${prefix}…${token.slice(-4)}`;
  } catch {
    return '…';
  }
}

/** Replace every registered secret in `text`. Longest first, so a URL wins over its token. */
export function redact(text: string): string {
  if (registered.size === 0 || !text) return text;
  let out = text;
  const secrets = [...registered].sort((a, b) => b.length - a.length);
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(mask(secret));
  }
  return out;
}

function mask(secret: string): string {
  if (/^https?:\/\//i.test(secret)) return redactEndpoint(secret);
  return `…${secret.slice(-4)}`;
}

/** Redact every string inside a JSON-like value (for `-o json` and written reports). */
export function redactDeep<T>(value: T): T {
  if (registered.size === 0) return value;
  return JSON.parse(redact(JSON.stringify(value))) as T;
}

/** Tests only: forget what was registered. */
export function clearSecrets(): void {
  registered.clear();
}
