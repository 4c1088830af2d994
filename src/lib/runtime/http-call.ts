import type { HttpResponse } from '../http/types';
import type { HttpCallDetails, HttpFailureReason } from './events';

/**
 * Form-encodes key/value pairs as Studio does for `parameters`: values are sent exactly
 * as rendered (quotes, backslashes, newlines, non-ASCII all survive a decode).
 */
export function formEncode(pairs: ReadonlyArray<readonly [string, string]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of pairs) params.append(key, value);
  return params.toString();
}

/** Appends form-encoded pairs to a URL's query (a GET has no body). */
export function appendQuery(url: string, encoded: string): string {
  if (encoded === '') return url;
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return base + sep + encoded + (hash === -1 ? '' : url.slice(hash));
}

/** What the driver fed back for an HTTP effect: an answer or a transport failure. */
export type HttpResult =
  /** `stub`: which stub answered, when one did. */
  | { kind: 'response'; response: HttpResponse; stub?: string }
  | { kind: 'failure'; reason: 'timeout' | 'network' | 'invalid-url'; message: string; elapsedMs: number }
  /** Nothing local can answer it (a Function without URL and no stub): the run stops, saying what to pass. */
  | { kind: 'unanswered'; message: string };

export interface HttpLimits {
  timeoutMs: number;
  maxBodyBytes: number;
}

/** The widget's view of a completed call: `widgets.X.*` and the event details. */
export interface ClassifiedCall {
  details: Omit<HttpCallDetails, 'method' | 'url' | 'contentType' | 'requestBody'>;
  /** What `widgets.X` exposes. */
  output: Record<string, unknown>;
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

/** `parsed` exists only for a JSON object body (not an array, not a scalar, not text). */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  // Only an object can be `parsed`: look at the first non-blank character before paying
  // for a parse (without copying the body to trim it).
  let i = 0;
  while (i < body.length && (body[i] === ' ' || body[i] === '\n' || body[i] === '\r' || body[i] === '\t')) i++;
  if (body[i] !== '{') return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const JSON_MEDIA_TYPE = /^\s*application\/json\s*(;|$)/i;

/** `application/json`, with or without parameters (`; charset=utf-8`), any case. */
export function isJsonMediaType(contentType: string): boolean {
  return JSON_MEDIA_TYPE.test(contentType);
}

/** A UTF-16 unit is at most 3 UTF-8 bytes: most bodies are cleared without counting them. */
function overLimit(body: string, maxBytes: number): boolean {
  return body.length * 3 > maxBytes && Buffer.byteLength(body, 'utf8') > maxBytes;
}

/**
 * Decides success or failure as Studio does: a 2xx answer within the time budget, with a
 * body within the size limit. A non-JSON body is still a success.
 */
export function classifyHttpResult(result: Exclude<HttpResult, { kind: 'unanswered' }>, limits: HttpLimits): ClassifiedCall {
  if (result.kind === 'failure') {
    return {
      details: {
        elapsedMs: result.elapsedMs,
        outcome: 'failed',
        failure: { reason: result.reason, message: result.message },
      },
      output: {},
    };
  }
  const { response } = result;
  const contentType = header(response.headers, 'content-type') ?? '';
  const base = {
    status: response.status,
    responseContentType: contentType,
    elapsedMs: response.elapsedMs,
  };
  const fail = (reason: HttpFailureReason, message: string, withBody: boolean): ClassifiedCall => ({
    details: {
      ...base,
      ...(withBody ? { responseBody: response.body } : {}),
      outcome: 'failed',
      failure: { reason, message },
    },
    output: withBody
      ? { status_code: response.status, content_type: contentType, body: response.body }
      : { status_code: response.status, content_type: contentType },
  });
  if (response.elapsedMs > limits.timeoutMs) {
    return fail('timeout', `no complete answer within ${limits.timeoutMs / 1000} s (took ${response.elapsedMs} ms)`, false);
  }
  if (response.tooLarge || overLimit(response.body, limits.maxBodyBytes)) {
    return fail('too-large', `response body over ${Math.round(limits.maxBodyBytes / 1024)} kB`, false);
  }
  if (response.status < 200 || response.status > 299) {
    return fail('status', `HTTP ${response.status}`, true);
  }
  const output: Record<string, unknown> = {
    status_code: response.status,
    content_type: contentType,
    body: response.body,
  };
  // Studio's page: `parsed` is there for an application/json answer that is an object.
  const parsed = isJsonMediaType(contentType) ? parseJsonObject(response.body) : undefined;
  if (parsed !== undefined) output.parsed = parsed;
  // Written out, not `{ ...base, … }`: V8 11 (Node 20) gives an object literal that spreads
  // and then adds properties a map of its own each time, which made every later read of the
  // call's details megamorphic (bench/README.md, "one map a turn").
  return { details: { status: base.status, responseContentType: base.responseContentType, elapsedMs: base.elapsedMs, responseBody: response.body, outcome: 'success' }, output };
}
