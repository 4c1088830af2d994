import { UsageError } from '../errors';
import { HttpFailure, HttpResponse, HttpTransport } from '../http/types';
import { STUDIO_HTTP_BUDGET_MS } from '../domain/studio';
import { redactEndpoint } from '../redact';
import { BotFailure, BotFailureError, classifyBotFailure } from './errors';
import { BotTurn, NormalizeOptions, normalizeResponse } from './normalize';

/** Limits of the REST endpoint's request (reference: cognigy-rest-endpoint.md). */
export const MAX_ID_LENGTH = 256;
export const MAX_TEXT_LENGTH = 10_000;
/** Larger answers are not worth reading; Studio itself would not pass them on usefully. */
export const DEFAULT_MAX_BODY_BYTES = 512 * 1024;

export interface BotMessage {
  userId: string;
  sessionId: string;
  text?: string;
  data?: Record<string, unknown>;
}

export interface SendOptions extends NormalizeOptions {
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** `json` (the documented encoding) or `form` (what a Studio HTTP widget with parameters sends). */
  encoding?: 'json' | 'form';
  /** The Content-Type header, when it must be exactly another sender's (the Studio widget's). */
  contentType?: string;
}

export type BotExchange =
  | { ok: true; turn: BotTurn; response: HttpResponse }
  | { ok: false; failure: BotFailure; response?: HttpResponse; elapsedMs: number };

/** Reject what the endpoint would reject, before sending: a clear local error beats an undocumented remote one. */
export function validateBotMessage(message: BotMessage): void {
  for (const field of ['userId', 'sessionId'] as const) {
    const value = message[field];
    if (typeof value !== 'string' || value === '') {
      throw new UsageError(`The bot message has no ${field}.`, `Cognigy requires ${field} (a non-empty string of at most ${MAX_ID_LENGTH} characters).`);
    }
    if (value.length > MAX_ID_LENGTH) {
      throw new UsageError(`The bot message's ${field} is ${value.length} characters long.`, `Cognigy accepts at most ${MAX_ID_LENGTH} characters.`);
    }
  }
  if (message.text !== undefined && typeof message.text !== 'string') {
    throw new UsageError('The bot message text must be a string.');
  }
  if (message.text !== undefined && message.text.length > MAX_TEXT_LENGTH) {
    throw new UsageError(`The bot message text is ${message.text.length} characters long.`, `Cognigy accepts at most ${MAX_TEXT_LENGTH.toLocaleString('en-US')} characters.`);
  }
  const { data } = message;
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) {
    throw new UsageError('The bot message data must be an object.', 'Pass data as a JSON object, like {"channel": "sms"}.');
  }
  if (message.text === undefined && data === undefined) {
    throw new UsageError('The bot message has neither text nor data.', 'Send a text, a data object, or both.');
  }
}

/** The request body, exactly as sent. Form encoding flattens data with bracket keys (`data[a][b]=x`). */
export function encodeBotMessage(message: BotMessage, encoding: 'json' | 'form' = 'json'): { contentType: string; body: string } {
  const fields: Record<string, unknown> = { userId: message.userId, sessionId: message.sessionId };
  if (message.text !== undefined) fields.text = message.text;
  if (message.data !== undefined) fields.data = message.data;
  if (encoding === 'json') return { contentType: 'application/json', body: JSON.stringify(fields) };
  const params = new URLSearchParams();
  const add = (key: string, value: unknown) => {
    if (value === undefined) return;
    if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      for (const [k, v] of entries) add(`${key}[${k}]`, v);
      return;
    }
    // Form bodies have only strings: true becomes "true", null becomes "".
    params.append(key, value === null ? '' : String(value));
  };
  for (const [key, value] of Object.entries(fields)) add(key, value);
  return { contentType: 'application/x-www-form-urlencoded', body: params.toString() };
}

/** One turn with the bot, never throwing for bot failures: they come back classified. */
export async function exchangeMessage(
  transport: HttpTransport,
  endpointUrl: string,
  message: BotMessage,
  options: SendOptions = {},
): Promise<BotExchange> {
  validateBotMessage(message);
  const { contentType, body } = encodeBotMessage(message, options.encoding);
  let response: HttpResponse;
  try {
    response = await transport({
      method: 'POST',
      url: endpointUrl,
      headers: { 'content-type': options.contentType ?? contentType, accept: 'application/json' },
      body,
      timeoutMs: options.timeoutMs ?? STUDIO_HTTP_BUDGET_MS,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    });
  } catch (error) {
    if (error instanceof HttpFailure) return { ok: false, failure: classifyBotFailure(error), elapsedMs: error.elapsedMs };
    throw error;
  }
  const failure = classifyBotFailure(response);
  if (failure) return { ok: false, failure, response, elapsedMs: response.elapsedMs };
  return { ok: true, turn: normalizeResponse(JSON.parse(response.body), options), response };
}

/** Send one message and return the bot's turn; a bot failure throws `BotFailureError`. */
export async function sendMessage(
  transport: HttpTransport,
  endpointUrl: string,
  message: BotMessage,
  options: SendOptions = {},
): Promise<BotTurn> {
  const result = await exchangeMessage(transport, endpointUrl, message, options);
  if (!result.ok) throw new BotFailureError(result.failure, redactEndpoint(endpointUrl));
  return result.turn;
}
