import { rewriteTwilioUrl } from './base-url';
import {
  DEFAULT_RETRY_POLICY,
  RetryPolicy,
  backoffDelay,
  isConnectionFailure,
  isRepeatable,
  parseRetryAfter,
} from './retry';

/**
 * The axios-compatible function handed to cli-core's CliRequestClient. CliRequestClient
 * keeps its logging, proxy support and error mapping; this layer adds the local API hook
 * (TWILIO_API_BASE_URL) and bounded retries, below it, so every Twilio call gets both.
 */
export interface TwilioHttpOptions {
  baseUrl?: string;
  policy?: RetryPolicy;
  debug?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  /** The function that really sends (axios in production). */
  send: ((options: any) => Promise<any>) & { defaults?: unknown };
}

export interface TwilioHttp {
  (options: any): Promise<any>;
  defaults: unknown;
  /** Number of retries made so far, for summaries and tests. */
  retries: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createTwilioHttp(options: TwilioHttpOptions): TwilioHttp {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? defaultSleep;
  const debug = options.debug ?? (() => undefined);

  const http = (async (request: any) => {
    const url = options.baseUrl ? rewriteTwilioUrl(request.url, options.baseUrl) : request.url;
    if (url !== request.url) debug(`local API hook: ${request.method} ${url}`);
    const repeatable = isRepeatable(request.method, url);

    for (let attempt = 0; ; attempt++) {
      const last = attempt >= policy.maxAttempts - 1;
      let response: any;
      try {
        response = await options.send({ ...request, url });
      } catch (error) {
        if (last || !repeatable || !isConnectionFailure(error)) throw error;
        const wait = backoffDelay(attempt, policy);
        debug(`connection failed (${(error as Error).message}); retry ${attempt + 1} in ${wait} ms`);
        http.retries++;
        await sleep(wait);
        continue;
      }
      const status: number = response.status;
      const retry = status === 429 || (status >= 500 && repeatable);
      if (!retry || last) return response;
      const retryAfter = parseRetryAfter(response.headers?.['retry-after']);
      const wait = Math.min(policy.maxRetryAfterMs, retryAfter ?? backoffDelay(attempt, policy));
      debug(`HTTP ${status} from ${request.method} ${new URL(url).pathname}; retry ${attempt + 1} in ${wait} ms`);
      http.retries++;
      await sleep(wait);
    }
  }) as TwilioHttp;
  http.defaults = options.send.defaults;
  http.retries = 0;
  return http;
}
