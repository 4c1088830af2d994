import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { CognigyError } from '../errors';
import { redact } from '../redact';
import type { LiveChat, LiveMessage } from './live-chat';
import { esc } from '../../printers/flow-svg';

/**
 * The web view's server. The security model (docs/web-view.md):
 * - it listens on 127.0.0.1 only, on a port the system picks, and answers loopback peers only;
 * - every request (page, assets, API, event stream) carries the random token of this run in
 *   its path (`/TOKEN/…`), compared in constant time; anything else is refused (403);
 * - the `Host` header must name this server (127.0.0.1:PORT or localhost:PORT) and an
 *   `Origin`, when sent, must be this server's: a page of another site (DNS rebinding, a
 *   form posted from elsewhere) is refused (403);
 * - API calls are POSTs with a JSON body, so no plain link or form can trigger them;
 * - every answer forbids caching, framing and referrers, and the page may load its own
 *   scripts and styles only (Content-Security-Policy);
 * - what it sends holds no secret: the conversation's views are redacted (live-chat.ts), and
 *   every text answer passes through `redact` once more.
 */
export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface WebServerOptions {
  chat: LiveChat;
  /** What the page shows above the flow (source, endpoint redacted). */
  banner: string[];
  /** The flow drawn (SVG markup). */
  svg: string;
  /** Widgets the run does not model, marked on the canvas from the start. */
  unmodelled: string[];
  /** For tests: the host to listen on (always a loopback address). */
  host?: string;
}

const ASSETS = path.join(__dirname, 'assets');
const ASSET_TYPES: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' };
const MAX_BODY = 64 * 1024;
const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

export async function startWebServer(o: WebServerOptions): Promise<WebServer> {
  const token = randomBytes(24).toString('base64url');
  const host = o.host ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) throw new CognigyError(`the web view listens on loopback only, not ${host}`);
  const streams = new Set<http.ServerResponse>();
  let port = 0;

  const refuse = (res: http.ServerResponse, status: number, why: string) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${why}\n`);
  };
  const send = (res: http.ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type });
    res.end(redact(body));
  };
  const json = (res: http.ServerResponse, status: number, value: unknown) => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

  const server = http.createServer((req, res) => {
    const why = refusal(req, port, token);
    if (why) return refuse(res, why.status, why.message);
    const route = (req.url ?? '/').slice(token.length + 1).split('?')[0];
    if (req.method === 'GET') {
      if (route === '/') return send(res, 200, 'text/html; charset=utf-8', page(o.banner));
      const asset = route.slice(1);
      if (Object.hasOwn(ASSET_TYPES, asset)) return send(res, 200, ASSET_TYPES[asset], fs.readFileSync(path.join(ASSETS, asset), 'utf8'));
      if (route === '/state') return json(res, 200, { ...o.chat.snapshot(), svg: o.svg, unmodelled: o.unmodelled, banner: o.banner });
      if (route === '/events') {
        res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      return refuse(res, 404, 'Not found.');
    }
    if (req.method !== 'POST') return refuse(res, 405, 'Method not allowed.');
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return refuse(res, 415, 'API calls send JSON.');
    readBody(req)
      .then(async (body) => {
        switch (route) {
          case '/send': {
            const text = typeof body.text === 'string' ? body.text : '';
            if (!text.trim()) return json(res, 400, { error: 'Type what the customer says.' });
            return json(res, 200, { turn: await o.chat.send(text) });
          }
          case '/silence':
            return json(res, 200, { turn: await o.chat.silence() });
          case '/reset':
            await o.chat.reset();
            return json(res, 200, { ok: true });
          case '/escalate':
            return json(res, 200, { text: o.chat.escalatePreview() });
          case '/save':
            return json(res, 200, { text: await o.chat.save(typeof body.file === 'string' ? body.file : '') });
          default:
            return refuse(res, 404, 'Not found.');
        }
      })
      .catch((error: Error) => {
        if (res.headersSent) return;
        json(res, error instanceof CognigyError ? 400 : 500, { error: [error.message, (error as CognigyError).hint].filter(Boolean).join(' ') });
      });
  });

  const unsubscribe = o.chat.subscribe((m: LiveMessage) => {
    const frame = redact(`event: ${m.type}\ndata: ${JSON.stringify(m)}\n\n`);
    for (const s of streams) s.write(frame);
  });
  // The event stream stays open: a comment now and then keeps proxies and the browser from timing it out.
  const keepAlive = setInterval(() => {
    for (const s of streams) s.write(': ping\n\n');
  }, 15_000);
  keepAlive.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shown = host === '::1' ? '[::1]' : '127.0.0.1';
  return {
    url: `http://${shown}:${port}/${token}/`,
    port,
    token,
    close: async () => {
      clearInterval(keepAlive);
      unsubscribe();
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Why a request is refused, or undefined when it may go on. */
export function refusal(req: Pick<http.IncomingMessage, 'headers' | 'url' | 'socket'>, port: number, token: string): { status: number; message: string } | undefined {
  const peer = req.socket.remoteAddress ?? '';
  if (!isLoopback(peer)) return { status: 403, message: 'Only this computer may use the web view.' };
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!hosts.includes(String(req.headers.host ?? '').toLowerCase())) return { status: 403, message: 'Wrong Host header: open the URL test-chat printed.' };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.map((h) => `http://${h}`).includes(String(origin).toLowerCase())) return { status: 403, message: 'Requests from other sites are refused.' };
  const url = req.url ?? '/';
  const given = url.slice(1, 1 + token.length);
  const rest = url.slice(1 + token.length);
  if (!sameToken(given, token) || !rest.startsWith('/')) return { status: 403, message: 'Missing or wrong token: open the URL test-chat printed.' };
  return undefined;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isLoopback(address: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/.test(address);
}

function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new CognigyError('the request is too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        const value = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        resolve(value && typeof value === 'object' && !Array.isArray(value) ? value : {});
      } catch {
        reject(new CognigyError('the request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function page(banner: string[]): string {
  return fs.readFileSync(path.join(ASSETS, 'page.html'), 'utf8').replace('{{banner}}', banner.map((l) => `<div>${esc(l)}</div>`).join(''));
}
