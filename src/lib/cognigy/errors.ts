import { STUDIO_HTTP_BUDGET_MS } from '../domain/studio';
import { CognigyError } from '../errors';
import { HttpFailure, HttpResponse } from '../http/types';
import { redact } from '../redact';

export type BotFailureKind = 'unreachable' | 'timeout' | 'http-error' | 'html' | 'not-json' | 'wrong-shape' | 'too-large';

export interface BotFailure {
  kind: BotFailureKind;
  /** One line: what is wrong and what to do. Never holds the endpoint token. */
  message: string;
  status?: number;
  /** At most 120 characters of the body, tags stripped, whitespace collapsed, redacted. */
  excerpt?: string;
}

const EXCERPT_LENGTH = 120;

/** A short, safe excerpt of an answer body for messages and reports. */
export function bodyExcerpt(body: string, html = false): string | undefined {
  let text = body;
  if (html) {
    text = text
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  }
  text = redact(text.replace(/\s+/g, ' ').trim());
  if (!text) return undefined;
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1)}…` : text;
}

function looksLikeHtml(response: HttpResponse): boolean {
  const type = response.headers['content-type'] ?? '';
  if (/text\/html|application\/xhtml/i.test(type)) return true;
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(response.body);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function statusAdvice(status: number): string {
  if (status === 404) return 'check the URL token and that the endpoint is enabled in Cognigy';
  if (status === 401 || status === 403) return 'check the endpoint URL and that the endpoint is enabled in Cognigy';
  if (status === 429) return 'the endpoint is rate limited (1,000 requests per 5 minutes per IP on shared SaaS): wait, then retry';
  if (status >= 500) return "the bot or the endpoint failed: check the flow's logs in Cognigy and retry";
  if (status >= 400) return 'the endpoint rejected the request: check userId, sessionId, text and data';
  return 'check the endpoint URL';
}

/**
 * Why a bot call failed, or undefined when the answer is usable: a 2xx JSON object with
 * an `outputStack` array. Every message says what is wrong and what to do next.
 */
export function classifyBotFailure(input: HttpFailure): BotFailure;
export function classifyBotFailure(input: HttpResponse | HttpFailure, parsedBody?: Record<string, unknown>): BotFailure | undefined;
/** `parsedBody`: the body as the caller already parsed it (a JSON object), not parsed again. */
export function classifyBotFailure(input: HttpResponse | HttpFailure, parsedBody?: Record<string, unknown>): BotFailure | undefined {
  if (input instanceof HttpFailure) {
    if (input.kind === 'timeout') {
      return {
        kind: 'timeout',
        message: `The bot endpoint did not answer within ${seconds(input.elapsedMs)}: Studio gives up after ${STUDIO_HTTP_BUDGET_MS / 1000} s; check the bot's flow for slow HTTP, AI or lookup nodes.`,
      };
    }
    return {
      kind: 'unreachable',
      message: `The bot endpoint could not be reached (${redact(input.message)}): check the endpoint URL's host and your network or proxy settings.`,
    };
  }
  const response = input;
  const { status } = response;
  if (response.tooLarge) {
    return {
      kind: 'too-large',
      status,
      message: `The bot endpoint's answer is larger than the ${Math.round(response.body.length / 1024)} KB limit: check the flow for outputs that send large data.`,
    };
  }
  const html = looksLikeHtml(response);
  if (html) {
    return {
      kind: 'html',
      status,
      excerpt: bodyExcerpt(response.body, true),
      message: `The bot endpoint answered an HTML page (status ${status}), not JSON: check the endpoint URL and that the endpoint is enabled.`,
    };
  }
  if (status < 200 || status > 299) {
    const excerpt = bodyExcerpt(response.body);
    return {
      kind: 'http-error',
      status,
      excerpt,
      message: `The bot endpoint answered status ${status}${excerpt ? ` (${excerpt})` : ''}: ${statusAdvice(status)}.`,
    };
  }
  let parsed: unknown = parsedBody;
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(response.body);
    } catch {
      const type = (response.headers['content-type'] ?? 'no content type').split(';')[0];
      return {
        kind: 'not-json',
        status,
        excerpt: bodyExcerpt(response.body),
        message: `The bot endpoint answered status ${status} with ${type}, not JSON: check that the URL is a Cognigy REST endpoint.`,
      };
    }
  }
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  // An Execution Finished transformer may reshape the answer (Cognigy: "There is no
  // validation of the execution finished transformer return value"); Studio needs only a
  // JSON object, and the flow only its `text`. Such an answer is usable: see `reshapedAnswer`.
  if (isObject && reshapedAnswer(parsed as Record<string, unknown>)) return undefined;
  if (!isObject || !Array.isArray((parsed as Record<string, unknown>).outputStack)) {
    const what = Array.isArray(parsed) ? 'a JSON array' : isObject ? 'JSON without an outputStack' : `a JSON ${parsed === null ? 'null' : typeof parsed}`;
    return {
      kind: 'wrong-shape',
      status,
      excerpt: bodyExcerpt(response.body),
      message: `The bot endpoint answered ${what}, not a Cognigy REST answer: check that the URL is a Cognigy REST endpoint (not a socket or webhook endpoint).`,
    };
  }
  return undefined;
}

/** A JSON object answer without `outputStack` but with a string `text`: what the flow can still send. */
export function reshapedAnswer(answer: Record<string, unknown>): boolean {
  return !Array.isArray(answer.outputStack) && typeof answer.text === 'string';
}

/** A failed bot call as the plugin's error: message and hint for people, details for `-o json`. */
export class BotFailureError extends CognigyError {
  constructor(
    readonly failure: BotFailure,
    readonly endpoint: string,
  ) {
    super(failure.message, {
      code: `bot-${failure.kind}`,
      hint: `Endpoint: ${endpoint}. Run \`twilio cognigy:init\` again to probe it.`,
      details: { kind: failure.kind, status: failure.status, excerpt: failure.excerpt, endpoint },
    });
    this.name = 'BotFailureError';
  }
}
