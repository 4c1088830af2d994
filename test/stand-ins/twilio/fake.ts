/**
 * The HTTP side of the fake: `<base>/<product>/<path>` on 127.0.0.1, Basic auth, faults,
 * the OpenAPI contract on every request and every answer, and a log of what came in.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { checkRequest, checkResponse, contractFor, isProduct, Product, PRODUCTS } from './contract';
import { chatHandlers } from './chat';
import { conversationsHandlers } from './conversations';
import { errorBody, FakeHttpError, isTwilioErrorBody } from './errors';
import { FaultInjector, FaultKind } from './faults';
import { flexHandlers } from './flex';
import { HandlerContext, HandlerTable, Reply } from './handler';
import { parsePairs } from './form';
import { hex32, seededRandom } from './ids';
import { seedFlexAccount } from './seed';
import { FakeState } from './state';
import { studioHandlers } from './studio';
import { taskrouterHandlers } from './taskrouter';

// Fixed credentials so a manual run and a test can share them; they open nothing real.
const credentialRandom = seededRandom(20003);
export const FAKE_ACCOUNT_SID = `AC${hex32(credentialRandom)}`;
export const FAKE_AUTH_TOKEN = hex32(credentialRandom);
export const FAKE_API_KEY = `SK${hex32(credentialRandom)}`;
export const FAKE_API_SECRET = hex32(credentialRandom);

const HANDLERS: Record<Product, HandlerTable> = {
  studio: studioHandlers,
  taskrouter: taskrouterHandlers,
  'flex-api': flexHandlers,
  conversations: conversationsHandlers,
  chat: chatHandlers,
};

const MAX_BODY_BYTES = 1024 * 1024;

export interface TwilioFakeOptions {
  accountSid?: string;
  authToken?: string;
  apiKey?: string;
  apiSecret?: string;
  /** Seed a fresh Flex account (default true). */
  seed?: boolean;
  /** Seed of the PRNG behind SIDs and fault probabilities (default 42). */
  randomSeed?: number;
  /**
   * Host of the URLs in answers (`url`, `links`, paging `meta`): `fake` (default) points at
   * this server; `twilio` writes real hosts (https://studio.twilio.com/…) as Twilio does, for
   * clients that rewrite every URI (needed when TWILIO_REGION/TWILIO_EDGE is set, as the
   * twilio library then re-hosts next_page_url, which breaks a 127.0.0.1 host).
   */
  publicUrls?: 'fake' | 'twilio';
  port?: number;
}

export interface RecordedRequest {
  method: string;
  /** Full path on the fake, product included, e.g. /studio/v2/Flows/FW… */
  path: string;
  product: string;
  query: Record<string, string | string[]>;
  body: Record<string, string | string[]>;
  /** Date.now() when the request arrived. */
  time: number;
  /** The Basic auth user (an account SID or an API key SID, never the secret): whose credentials were used. */
  credential?: string;
  /** Status answered; undefined when the socket was reset. */
  status?: number;
  operationId?: string;
}

export interface Violation {
  method: string;
  path: string;
  reason: string;
}

export interface TwilioFake {
  /** http://127.0.0.1:PORT */
  url: string;
  state: FakeState;
  requests: RecordedRequest[];
  violations: Violation[];
  faults: FaultInjector;
  credentials: { accountSid: string; authToken: string; apiKey: string; apiSecret: string };
  /** Writes (POST and DELETE) received, optionally only those whose path matches. */
  writes(path?: RegExp | string): RecordedRequest[];
  /** Empties state (and re-seeds), requests, violations and faults. */
  reset(): void;
  close(): Promise<void>;
}

function basicAuth(header: string | undefined): { user: string; pass: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new FakeHttpError(413, 20001, 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startTwilioFake(options: TwilioFakeOptions = {}): Promise<TwilioFake> {
  const credentials = {
    accountSid: options.accountSid ?? FAKE_ACCOUNT_SID,
    authToken: options.authToken ?? FAKE_AUTH_TOKEN,
    apiKey: options.apiKey ?? FAKE_API_KEY,
    apiSecret: options.apiSecret ?? FAKE_API_SECRET,
  };
  const randomSeed = options.randomSeed ?? 42;
  const state = new FakeState(credentials.accountSid, randomSeed);
  const seed = options.seed !== false;
  if (seed) seedFlexAccount(state);
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const faults = new FaultInjector(randomSeed);
  // Load every contract before the first request, so no request pays for it.
  await Promise.all(PRODUCTS.map(contractFor));

  let base = '';
  const publicUrl = (product: Product, path: string) =>
    options.publicUrls === 'twilio' ? `https://${product}.twilio.com${path}` : `${base}/${product}${path}`;

  const violation = (method: string, path: string, reason: string) => violations.push({ method, path, reason });

  function authorized(req: http.IncomingMessage): boolean {
    const auth = basicAuth(req.headers.authorization);
    if (!auth) return false;
    return (
      (auth.user === credentials.accountSid && auth.pass === credentials.authToken) ||
      (auth.user === credentials.apiKey && auth.pass === credentials.apiSecret)
    );
  }

  async function answer(req: http.IncomingMessage, record: RecordedRequest, rawBody: string): Promise<Reply & { headers?: Record<string, string> }> {
    const method = record.method;
    const [, product, ...rest] = record.path.split('/');
    const innerPath = `/${rest.join('/')}`;
    if (!isProduct(product)) {
      violation(method, record.path, `unknown product "${product}"`);
      return { status: 400, body: errorBody(400, 20001, `Unknown API "${product}"`) };
    }
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (rawBody.length > 0 && contentType !== 'application/x-www-form-urlencoded') {
      violation(method, record.path, `body sent as "${contentType || 'no content type'}", Twilio takes form-encoded bodies`);
      return { status: 400, body: errorBody(400, 20001, 'Request body must be application/x-www-form-urlencoded') };
    }
    const checked = await checkRequest(product, {
      method,
      path: innerPath,
      query: record.query,
      headers: req.headers,
      body: record.body,
      hasBody: rawBody.length > 0,
    });
    if (!checked.ok) {
      violation(method, record.path, checked.reason);
      return { status: 400, body: errorBody(400, 20001, checked.reason) };
    }
    const { operation } = checked.request;
    const operationId = operation.operationId ?? '';
    record.operationId = operationId;
    const handler = HANDLERS[product][operationId];
    if (!handler) {
      violation(method, record.path, `${operationId} is in Twilio's contract but not implemented by the fake`);
      return { status: 400, body: errorBody(400, 20001, `${operationId} is not implemented by the fake`) };
    }
    const ctx: HandlerContext = {
      state,
      params: checked.request.params,
      query: checked.request.query,
      body: checked.request.body,
      url: (path) => publicUrl(product, path),
      urlOf: publicUrl,
      path: innerPath,
    };
    let reply: Reply;
    try {
      reply = handler(ctx);
    } catch (err) {
      if (err instanceof FakeHttpError) return { status: err.status, body: err.body };
      violation(method, record.path, `the fake crashed in ${operationId}: ${(err as Error).stack ?? err}`);
      return { status: 500, body: errorBody(500, 20500, 'Internal Server Error') };
    }
    const problem = await checkResponse(product, operation, reply.status, reply.body);
    if (problem) violation(method, record.path, problem);
    return reply;
  }

  function send(res: http.ServerResponse, record: RecordedRequest, reply: Reply & { headers?: Record<string, string> }) {
    record.status = reply.status;
    if (reply.status >= 400 && !isTwilioErrorBody(reply.body)) {
      violation(record.method, record.path, `error answer not in Twilio's shape: ${JSON.stringify(reply.body)}`);
    }
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (reply.status === 204) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    headers['Content-Type'] = 'application/json; charset=utf-8';
    headers['Content-Length'] = String(Buffer.byteLength(text));
    res.writeHead(reply.status, headers);
    res.end(text);
  }

  function faultReply(fault: FaultKind): Reply & { headers?: Record<string, string> } {
    if (fault.kind === '429') {
      const retryAfter = fault.retryAfter ?? 1;
      return {
        status: 429,
        body: errorBody(429, 20429, 'Too Many Requests'),
        headers: { 'Retry-After': String(retryAfter) },
      };
    }
    return { status: 503, body: errorBody(503, 20503, 'Service Unavailable') };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      product: url.pathname.split('/')[1] ?? '',
      query: parsePairs(url.search),
      body: parsePairs(rawBody),
      time: Date.now(),
      credential: basicAuth(req.headers.authorization)?.user,
    };
    requests.push(record);

    const fault = faults.pick(method, url.pathname);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === '429' || fault?.kind === '503') {
      send(res, record, faultReply(fault));
      return;
    }
    if (fault?.kind === 'slow') await sleep(fault.delayMs);

    if (!authorized(req)) {
      send(res, record, { status: 401, body: errorBody(401, 20003, 'Authenticate') });
      return;
    }
    const reply = await answer(req, record, rawBody);
    if (fault?.kind === 'succeed-then-503') {
      // the write is already applied to the state; the client only sees a failure
      send(res, record, faultReply({ kind: '503' }));
      return;
    }
    send(res, record, reply);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      const status = err instanceof FakeHttpError ? err.status : 500;
      const body = err instanceof FakeHttpError ? err.body : errorBody(500, 20500, 'Internal Server Error');
      if (!(err instanceof FakeHttpError)) {
        violations.push({ method: req.method ?? '', path: req.url ?? '', reason: `the fake crashed: ${err?.stack ?? err}` });
      }
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      }
    });
  });
  // Keep-alive sockets would hold close() open; the fake is short-lived anyway.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    state,
    requests,
    violations,
    faults,
    credentials,
    writes(path?: RegExp | string) {
      return requests.filter((r) => {
        if (r.method !== 'POST' && r.method !== 'DELETE') return false;
        if (path === undefined) return true;
        return typeof path === 'string' ? r.path === path : path.test(r.path);
      });
    },
    reset() {
      state.clear();
      if (seed) seedFlexAccount(state);
      requests.length = 0;
      violations.length = 0;
      faults.clear();
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
