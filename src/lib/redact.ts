/**
 * Secrets never leave the process: the Cognigy endpoint URL (its last path segment is
 * the URL token), Twilio auth tokens and API secrets, and values that look like secrets
 * (long random tokens in a flow's URLs or on the command line). Every string the plugin
 * prints, logs or writes (other than the saved setup) passes through `redact()`.
 * Ordinary words are never cut: only what was registered is, and a short secret only
 * where it stands as a word of its own.
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

/**
 * Forget every registered secret. A process that runs several commands one after another
 * (the in-process command tests) starts each as a new process would, with none known.
 */
export function forgetSecrets(): void {
  registered.clear();
}

/** What is registered, for a worker thread of the run to register too (its module state is its own). */
export function registeredSecrets(): string[] {
  return [...registered];
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

/** Twilio SIDs (two letters, 32 hex digits) are identifiers the user needs to see. */
const TWILIO_SID = /^[A-Z]{2}[0-9a-f]{32}$/;

/**
 * Whether a value looks like a secret: a long random token, as Cognigy URL tokens, Twilio
 * auth tokens, API secrets and most API keys are (`sk_live_4eC39HqLy…`). Random means a
 * run of 16 or more letters and digits that switches between letters and digits at least
 * three times; words and identifiers (`validate_caller`, `escalation_v2_2024`,
 * `customerSupport2024`), SIDs, UUIDs and phone numbers do not.
 */
export function looksLikeSecret(value: string): boolean {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(value) || TWILIO_SID.test(value)) return false;
  return value.split(/[_-]/).some((part) => part.length >= 16 && (part.match(/[A-Za-z](?=[0-9])|[0-9](?=[A-Za-z])/g) ?? []).length >= 3);
}

/** The parts of a URL that are secrets: a password (Studio sends it as basic auth), and path segments and query values that look like secrets. */
export function secretsInUrl(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const parts = [...parsed.pathname.split('/').map(decode), ...[...parsed.searchParams.values()]].filter((part) => part && looksLikeSecret(part));
  const password = decode(parsed.password);
  return password ? [...parts, password] : parts;
}

/** Register what looks like a secret in a URL (a flow's HTTP widget may carry an API key in its path). */
export function registerUrlSecrets(url: string | undefined | null): void {
  if (!url) return;
  for (const secret of secretsInUrl(url)) registerSecret(secret);
}

/**
 * Register what looks like a secret among command-line arguments (`--flag=value` split),
 * so that a token passed to a misspelt flag, or without its flag, never shows in an error.
 * With `unparsed` (oclif could not parse them, so which flag a value was meant for is
 * unknown, and only an error will be printed), more counts as a token: the last path
 * segment of every URL, as in an endpoint URL, and any long value mixing letters and digits.
 */
export function registerArgumentSecrets(args: readonly string[], o: { unparsed?: boolean } = {}): void {
  for (const arg of args) {
    const value = /^--?[A-Za-z][\w-]*=/.test(arg) ? arg.slice(arg.indexOf('=') + 1) : arg;
    if (/^https?:\/\//i.test(value)) {
      const token = o.unparsed ? endpointToken(value) : undefined;
      if (token && /^[A-Za-z0-9_-]{8,}$/.test(token)) registerEndpointSecret(value);
      else if (secretsInUrl(value).length) {
        registerUrlSecrets(value);
        // The URL as a whole too, so it is shown with its host kept and its token cut.
        registerSecret(value);
      }
    } else if (looksLikeSecret(value) || (o.unparsed && mixesLettersAndDigits(value))) registerSecret(value);
  }
}

function mixesLettersAndDigits(value: string): boolean {
  return /^[A-Za-z0-9_-]{16,}$/.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value) && !TWILIO_SID.test(value);
}

/** A URL as it may be shown: registered secrets and the parts that look like secrets cut. */
export function redactUrl(url: string): string {
  let out = redact(url);
  for (const secret of secretsInUrl(url)) out = replaceSecret(out, secret);
  return out;
}

/** Replace every registered secret in `text`. Longest first, so a URL wins over its token. */
export function redact(text: string): string {
  if (registered.size === 0 || !text) return text;
  let out = text;
  const secrets = [...registered].sort((a, b) => b.length - a.length);
  for (const secret of secrets) {
    if (out.includes(secret)) out = replaceSecret(out, secret);
  }
  return out;
}

const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * A random-looking secret is cut wherever it appears (it cannot be part of a real word).
 * Anything shorter or word-like is cut only where it stands alone: `please validate my
 * number` keeps its words even when a URL's last segment is `validate`. A `%2F` (URL
 * encoding) before the secret counts as a separator.
 */
function replaceSecret(text: string, secret: string): string {
  if (looksLikeSecret(secret) || !/^[A-Za-z0-9_-]+$/.test(secret)) {
    return text.split(secret).join(mask(secret));
  }
  let out = '';
  let from = 0;
  for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + secret.length)) {
    const before = text[at - 1];
    const after = text[at + secret.length];
    const glued = (before !== undefined && WORD_CHAR.test(before) && !/%[0-9A-Fa-f]{2}$/.test(text.slice(Math.max(0, at - 3), at))) || (after !== undefined && WORD_CHAR.test(after));
    if (glued) continue;
    out += text.slice(from, at) + mask(secret);
    from = at + secret.length;
  }
  return out + text.slice(from);
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
