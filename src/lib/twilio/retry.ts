/**
 * Retries for Twilio API calls, bounded in count and time. A 429 is always retried
 * (Twilio did not process the request); a 5xx or a dropped connection is retried only
 * when repeating the request cannot create a second resource: reads, deletes, and
 * updates of one named resource. A create that fails that way is left to the caller,
 * which looks the resource up before creating again ("never create twice").
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Never wait longer than this for one Retry-After. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  maxRetryAfterMs: 30_000,
};

// A path whose last segment is a Twilio SID (two letters + 32 hex) names one resource;
// Validate is a pure check. Anything else a POST reaches is a collection (a create).
const INSTANCE_PATH = /\/[A-Z]{2}[0-9a-f]{32}(?:\/Context)?$|\/Flows\/Validate$/;

export function isRepeatable(method: string, url: string): boolean {
  const verb = method.toUpperCase();
  if (verb === 'GET' || verb === 'DELETE' || verb === 'HEAD') return true;
  if (verb !== 'POST') return false;
  try {
    return INSTANCE_PATH.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNREFUSED']);

export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  if (code && RESET_CODES.has(code)) return true;
  return /socket hang up/i.test((error as Error)?.message ?? '');
}

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  // Full jitter keeps parallel commands from retrying in lock-step.
  return Math.round(exp / 2 + random() * (exp / 2));
}
