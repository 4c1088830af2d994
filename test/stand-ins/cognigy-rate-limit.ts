/**
 * A rate limit in front of any behaviour of the Cognigy-compatible stand-in: at most
 * `limit` requests in any `windowMs` (a sliding window, as a per-IP limit such as the
 * shared SaaS endpoint's "1,000 requests per 5 minutes" is), past it `429 Too Many
 * Requests` with `Retry-After` in whole seconds (RFC 9110), when the oldest counted request
 * leaves the window. Cognigy does not document its rate-limit answer (see
 * /work/shared/reference/cognigy-rest-endpoint.md): 429 with Retry-After is the likely one.
 * Refused requests are not counted against the window. A fault behaviour for tests and the
 * benchmark only, so it lives here and not in the shipped demo bot.
 */
import type { BotBehaviour } from '../../src/lib/demo/bot-server';

export interface RateLimitStats {
  /** Requests passed on to the behaviour. */
  accepted: number;
  /** Requests answered 429. */
  refused: number;
  /** When each accepted request arrived (ms, performance.now()), when `record` is on. */
  acceptedAt: number[];
}

export interface RateLimited {
  behaviour: BotBehaviour;
  stats: RateLimitStats;
  /** Forget the window and the counts (between runs of one test file). */
  reset(): void;
}

export function rateLimited(inner: BotBehaviour, o: { limit: number; windowMs?: number; record?: boolean; now?: () => number }): RateLimited {
  const windowMs = o.windowMs ?? 1000;
  const now = o.now ?? (() => performance.now());
  // Arrival times of the requests in the window, oldest first; a ring of `limit` slots.
  const ring = new Float64Array(o.limit);
  let head = 0;
  let size = 0;
  const stats: RateLimitStats = { accepted: 0, refused: 0, acceptedAt: [] };
  const behaviour: BotBehaviour = (request) => {
    const t = now();
    while (size > 0 && ring[head] <= t - windowMs) {
      head = (head + 1) % o.limit;
      size--;
    }
    if (size >= o.limit) {
      stats.refused++;
      const seconds = Math.max(1, Math.ceil((ring[head] + windowMs - t) / 1000));
      return {
        status: 429,
        headers: { 'retry-after': String(seconds) },
        body: { statusCode: 429, error: 'Too Many Requests', message: `Rate limit exceeded: at most ${o.limit} requests in ${windowMs / 1000} s.` },
      };
    }
    ring[(head + size) % o.limit] = t;
    size++;
    stats.accepted++;
    if (o.record) stats.acceptedAt.push(t);
    return inner(request);
  };
  return {
    behaviour,
    stats,
    reset() {
      head = 0;
      size = 0;
      stats.accepted = 0;
      stats.refused = 0;
      stats.acceptedAt = [];
    },
  };
}
