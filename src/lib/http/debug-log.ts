import { redactUrl } from '../redact';
import { HttpFailure, HttpTransport } from './types';

/**
 * `-l debug` for calls cli-core does not see (the bot, a flow's other HTTP widgets): one
 * line per call with the method, the URL with its secrets cut, the status and the time.
 * Bodies are never logged: they hold what customers wrote and what the bot knows.
 * Callers wrap a transport only when debug is on, so a normal run pays nothing.
 */
export function withDebugLog(transport: HttpTransport, log: (line: string) => void, label = 'bot call'): HttpTransport {
  return async (request) => {
    const what = `${label}: ${request.method} ${redactUrl(request.url)}`;
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      const response = await transport(request);
      log(`${what} → ${response.status}${response.tooLarge ? ' (body over the size limit)' : ''} in ${ms()} ms`);
      return response;
    } catch (error) {
      const why = error instanceof HttpFailure ? `${error.kind}: ${error.message}` : (error as Error)?.message ?? String(error);
      log(`${what} → failed (${why}) after ${ms()} ms`);
      throw error;
    }
  };
}
