import { classifyBotFailure, type BotFailure } from '../cognigy/errors';
import { HttpFailure } from '../http/types';
import type { FunctionEvent, HttpEvent, MessageEvent } from '../runtime/events';

/**
 * The init probe's diagnosis (one place: `classifyBotFailure`) of a bot call the flow
 * made: a failed call, or a 2xx answer no Cognigy REST endpoint gives (an HTML page, not
 * JSON, no outputStack), which Studio takes as `success` with nothing in `parsed`.
 */
/** `parsed`: the answer's body as already parsed (a JSON object), when it was. */
export function botFailureOf(event: HttpEvent | FunctionEvent, parsed?: Record<string, unknown>): BotFailure | undefined {
  const failure = event.failure;
  if (failure && (failure.reason === 'network' || failure.reason === 'invalid-url' || (failure.reason === 'timeout' && event.status === undefined))) {
    return classifyBotFailure(new HttpFailure(failure.reason === 'timeout' ? 'timeout' : 'network', failure.message, event.elapsedMs));
  }
  if (failure?.reason === 'timeout') return classifyBotFailure(new HttpFailure('timeout', failure.message, event.elapsedMs));
  return classifyBotFailure({
    status: event.status ?? 0,
    headers: event.responseContentType ? { 'content-type': event.responseContentType } : {},
    body: event.responseBody ?? '',
    elapsedMs: event.elapsedMs,
    ...(failure?.reason === 'too-large' ? { tooLarge: true } : {}),
  }, parsed);
}

/** `host[:port]` of a URL a widget called, safe to show; the URL itself may hold a token. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url.split('/')[0];
  } catch {
    return url ? 'an invalid URL' : 'no URL';
  }
}

/** A failed call to one of the flow's own services, by widget and host: `"lookup" → api.example.com failed (HTTP 404)`. */
export function callFailureText(event: HttpEvent | FunctionEvent): string {
  const why = event.failure?.message ?? `HTTP ${event.status}`;
  return `"${event.widget}" → ${hostOf(event.url)} failed (${why})`;
}

/**
 * What the recipient gets from a message widget, as one text: the body, or for a content
 * template the template and its variables (Twilio renders it; its text is not in the flow).
 */
export function sentText(event: MessageEvent): string {
  if (!event.content) return event.body;
  const vars = Object.entries(event.content.variables).map(([k, v]) => `{{${k}}}=${JSON.stringify(v)}`);
  return `[content template ${event.content.sid}${vars.length ? ` with ${vars.join(', ')}` : ''}]`;
}
