import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { redact, redactUrl } from '../redact';
import { ProxyEnv, proxyAuthorization, proxyFor } from './proxy';
import { HttpFailure, HttpRequest, HttpResponse, HttpTransport } from './types';

export interface TransportOptions {
  /** Where proxy settings are read from (default: `process.env`, read on each call). */
  env?: ProxyEnv;
  /** Extra trust for TLS (a corporate CA, or a test's self-signed certificate). */
  ca?: string | Buffer;
  /** Default time-out when a request sets none (ms). Studio's HTTP budget is 10 s. */
  timeoutMs?: number;
  /** At most this many redirects are followed (default 5). */
  maxRedirects?: number;
  /** Sent as `User-Agent` unless the request sets one. */
  userAgent?: string;
}

/** An HttpTransport that can also drop its pooled connections. */
export interface ClosableTransport extends HttpTransport {
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Node's http/https with keep-alive agents: the runtime calls the bot on every turn of
 * many conversations, and a new TLS handshake per call would dominate the timings.
 * Node unrefs pooled idle sockets, and the short idle `timeout` closes them, so a CLI
 * command exits promptly even without `close()`.
 */
export function createTransport(options: TransportOptions = {}): ClosableTransport {
  // As many sockets as conversations may run at once (--concurrency, at most 256).
  const agentOptions = { keepAlive: true, keepAliveMsecs: 1_000, timeout: 5_000, maxSockets: 256, maxFreeSockets: 256 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent({ ...agentOptions, ca: options.ca });
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;

  const transport = (async (request: HttpRequest): Promise<HttpResponse> => {
    const started = performance.now();
    const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = started + timeoutMs;
    const elapsed = () => performance.now() - started;
    let current: HttpRequest = request;

    // Studio follows redirects; the time-out covers the whole chain, as Studio's budget does.
    for (let hop = 0; ; hop++) {
      const target = parseTarget(current.url, elapsed());
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw new HttpFailure('timeout', timeoutMessage(timeoutMs), elapsed());
      const hopResponse = await sendOnce(current, target, {
        remainingMs: remaining,
        timeoutMs,
        started,
        env: options.env ?? process.env,
        httpAgent,
        httpsAgent,
        ca: options.ca,
        userAgent: options.userAgent ?? 'twilio-plugin-cognigy',
      });
      const location = hopResponse.headers.location;
      if (!REDIRECTS.has(hopResponse.status) || !location) return hopResponse;
      if (hop >= maxRedirects) {
        throw new HttpFailure('network', `more than ${maxRedirects} redirects from ${redactUrl(request.url)}`, elapsed());
      }
      current = redirectRequest(current, hopResponse.status, new URL(location, target).toString());
    }
  }) as ClosableTransport;

  transport.close = () => {
    httpAgent.destroy();
    httpsAgent.destroy();
  };
  return transport;
}

/** Drop a transport's pooled connections (no-op for transports without a pool). */
export function closeTransport(transport: HttpTransport): void {
  const closable = transport as Partial<ClosableTransport>;
  if (typeof closable.close === 'function') closable.close();
}

function timeoutMessage(timeoutMs: number): string {
  return `no answer within ${formatSeconds(timeoutMs)}`;
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * A flow calls the same bot URL on every turn: the parsed URL is kept (read-only: nothing
 * here changes a target) for the last few URLs seen.
 */
const parsedTargets = new Map<string, URL>();
const PARSED_TARGETS_KEPT = 32;

function parseTarget(url: string, elapsedMs: number): URL {
  const known = parsedTargets.get(url);
  if (known) return known;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new HttpFailure('invalid-url', `not a valid URL: ${redactUrl(url)}`, elapsedMs);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new HttpFailure('invalid-url', `only http and https URLs are supported, not ${target.protocol}`, elapsedMs);
  }
  if (parsedTargets.size >= PARSED_TARGETS_KEPT) parsedTargets.clear();
  parsedTargets.set(url, target);
  return target;
}

/**
 * 307/308 repeat the request as it was; 301/302/303 turn a POST into a GET without a
 * body, as browsers, curl -L and axios do (what Studio does there is not documented).
 */
function redirectRequest(previous: HttpRequest, status: number, url: string): HttpRequest {
  if (status === 307 || status === 308 || previous.method === 'GET') return { ...previous, url };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(previous.headers ?? {})) {
    if (!/^content-(type|length)$/i.test(name)) headers[name] = value;
  }
  return { ...previous, method: 'GET', url, headers, body: undefined };
}

interface SendContext {
  remainingMs: number;
  timeoutMs: number;
  started: number;
  env: ProxyEnv;
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  ca?: string | Buffer;
  userAgent: string;
}

/** Network error text without the URL's secrets (Node's messages name host:port only, but be sure). */
function networkMessage(error: unknown, url: string): string {
  const err = error as NodeJS.ErrnoException;
  return redact((err?.message || String(error)).split(url).join(redactUrl(url)));
}

function sendOnce(request: HttpRequest, target: URL, ctx: SendContext): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const elapsed = () => performance.now() - ctx.started;
    let settled = false;
    let req: http.ClientRequest | undefined;
    let tunnel: http.ClientRequest | undefined;
    // A TLS socket does not close the raw tunnel socket it wraps: that is ours to close.
    let tunnelSocket: Duplex | undefined;

    const fail = (failure: HttpFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      tunnel?.destroy();
      tunnelSocket?.destroy();
      reject(failure);
    };
    const timer = setTimeout(
      () => fail(new HttpFailure('timeout', timeoutMessage(ctx.timeoutMs), elapsed())),
      Math.max(1, ctx.remainingMs),
    );
    const onError = (error: unknown) => fail(new HttpFailure('network', networkMessage(error, request.url), elapsed()));

    const headers: Record<string, string> = {};
    let hasUserAgent = false;
    let hasHost = false;
    if (request.headers) {
      for (const name of Object.keys(request.headers)) {
        headers[name] = request.headers[name];
        const lower = name.toLowerCase();
        if (lower === 'user-agent') hasUserAgent = true;
        else if (lower === 'host') hasHost = true;
      }
    }
    if (!hasUserAgent) headers['user-agent'] = ctx.userAgent;
    // The body stays a string: Node then sends the head and a small body in one write.
    const body = request.body;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body, 'utf8'));
    // As a browser would send it: no default port (Node adds :443 when it has no agent to ask).
    if (!hasHost) headers.host = target.host;

    const proxy = proxyFor(target, ctx.env);

    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      const limit = request.maxBodyBytes;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        tunnelSocket?.destroy();
        resolve({
          status: res.statusCode ?? 0,
          headers: flattenHeaders(res.headers),
          body: Buffer.concat(chunks).toString('utf8'),
          elapsedMs: elapsed(),
          ...(tooLarge ? { tooLarge: true } : {}),
        });
      };
      res.on('data', (chunk: Buffer) => {
        if (settled || tooLarge) return;
        if (limit !== undefined && size + chunk.length > limit) {
          chunks.push(chunk.subarray(0, Math.max(0, limit - size)));
          size = limit;
          tooLarge = true;
          finish();
          // Stop reading: the rest of a huge body is not worth the time or memory.
          res.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', finish);
      res.on('error', onError);
      res.on('aborted', () => onError(new Error('connection closed before the answer was complete')));
    };

    const start = (createConnection?: () => Duplex) => {
      const isHttps = target.protocol === 'https:';
      const requestOptions: https.RequestOptions = {
        method: request.method,
        headers,
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || (isHttps ? 443 : 80),
        path: `${target.pathname}${target.search}`,
        agent: isHttps ? ctx.httpsAgent : ctx.httpAgent,
      };
      if (createConnection) {
        // No agent: a ClientRequest uses createConnection only without one.
        requestOptions.agent = undefined;
        requestOptions.createConnection = createConnection as never;
      } else if (proxy && !isHttps) {
        // Plain http through a proxy: absolute-URI request to the proxy.
        requestOptions.protocol = proxy.protocol === 'https:' ? 'https:' : 'http:';
        requestOptions.hostname = proxy.hostname;
        requestOptions.port = proxy.port || (proxy.protocol === 'https:' ? 443 : 80);
        requestOptions.path = target.toString();
        const auth = proxyAuthorization(proxy);
        if (auth) headers['proxy-authorization'] = auth;
        requestOptions.agent = proxy.protocol === 'https:' ? ctx.httpsAgent : ctx.httpAgent;
      }
      const mod = requestOptions.protocol === 'https:' ? https : http;
      req = mod.request(requestOptions, onResponse);
      req.on('error', onError);
      if (body === undefined) req.end();
      else req.end(body, 'utf8');
    };

    if (proxy && target.protocol === 'https:') {
      // https through a proxy: CONNECT tunnel, then TLS to the target inside it.
      const authority = `${target.hostname}:${target.port || 443}`;
      const connectHeaders: Record<string, string> = { host: authority };
      const auth = proxyAuthorization(proxy);
      if (auth) connectHeaders['proxy-authorization'] = auth;
      tunnel = (proxy.protocol === 'https:' ? https : http).request({
        method: 'CONNECT',
        hostname: proxy.hostname,
        port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
        path: authority,
        headers: connectHeaders,
        agent: false,
      });
      tunnel.on('error', onError);
      tunnel.on('connect', (res, socket) => {
        if (res.statusCode !== 200) {
          socket.destroy();
          onError(new Error(`the proxy ${proxy.host} refused the tunnel (status ${res.statusCode})`));
          return;
        }
        tunnelSocket = socket;
        start(() => tls.connect({ socket, servername: target.hostname, ca: ctx.ca }));
      });
      tunnel.end();
      return;
    }
    start();
  });
}

/** Node already lower-cases the names; only repeated headers (set-cookie) come as arrays. */
function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
