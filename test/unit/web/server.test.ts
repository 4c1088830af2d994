import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import { prepareChat } from '../../../src/lib/tasks/test-chat';
import type { PreparedChat } from '../../../src/lib/conversation/prepared';
import { replSessions } from '../../../src/lib/conversation/repl-record';
import { LiveChat } from '../../../src/lib/web/live-chat';
import { isLoopback, startWebServer, type WebServer } from '../../../src/lib/web/server';

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One raw request, headers as given (no client library fills in Host or Origin). */
function request(o: { port: number; path: string; method?: string; headers?: Record<string, string>; body?: string; host?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: o.host ?? '127.0.0.1', port: o.port, path: o.path, method: o.method ?? 'GET', headers: o.headers, setHost: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('no answer in 5 s')));
    req.end(o.body);
  });
}

describe('the web view server', () => {
  let prepared: PreparedChat;
  let server: WebServer;
  let host: string;

  before(async () => {
    prepared = await prepareChat({ input: {}, demo: true });
    const sessions = replSessions(prepared, {});
    server = await startWebServer({ chat: new LiveChat(prepared, { sessions, cwd: os.tmpdir() }), banner: ['banner'], svg: '<svg></svg>', unmodelled: [] });
    host = `127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server?.close();
    await prepared?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => request({ port: server.port, path, headers: { Host: host, ...headers } });

  it('serves the page, its script and the state with the token, on 127.0.0.1 and a random port', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/$/);
    assert.notStrictEqual(server.port, 0);
    const page = await get(`/${server.token}/`);
    assert.strictEqual(page.status, 200);
    assert.match(page.body, /<script src="app.js"><\/script>/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'; script-src 'self'/);
    assert.strictEqual(page.headers['referrer-policy'], 'no-referrer');
    assert.strictEqual((await get(`/${server.token}/app.js`)).status, 200);
    assert.strictEqual(JSON.parse((await get(`/${server.token}/state`)).body).svg, '<svg></svg>');
  });

  it('refuses a request without the token, with a wrong one, or with the token as a prefix of the path', async () => {
    for (const path of ['/', '/app.js', '/state', '/events', `/${server.token.slice(0, -1)}x/`, `/${server.token}x/state`, `/${server.token}`, `/../${server.token}/`]) {
      const r = await get(path);
      assert.strictEqual(r.status, 403, path);
      assert.match(r.body, /token/, path);
    }
  });

  it('refuses another Host (DNS rebinding) and another Origin (a page of another site), also for the event stream and API calls', async () => {
    for (const h of ['evil.example:80', `attacker.test:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`]) {
      const r = await request({ port: server.port, path: `/${server.token}/state`, headers: { Host: h } });
      assert.strictEqual(r.status, 403, h);
      assert.match(r.body, /Host/);
    }
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null', `https://127.0.0.1:${server.port}`]) {
      const events = await get(`/${server.token}/events`, { Origin: origin });
      assert.strictEqual(events.status, 403, origin);
      const send = await request({ port: server.port, path: `/${server.token}/send`, method: 'POST', headers: { Host: host, Origin: origin, 'Content-Type': 'application/json' }, body: '{"text":"hi"}' });
      assert.strictEqual(send.status, 403, origin);
      assert.match(send.body, /other sites/);
    }
    // Its own origin, and localhost, are fine.
    const own = await get(`/${server.token}/state`, { Origin: `http://127.0.0.1:${server.port}` });
    assert.strictEqual(own.status, 200);
    assert.strictEqual((await request({ port: server.port, path: `/${server.token}/state`, headers: { Host: `localhost:${server.port}` } })).status, 200);
  });

  it('takes API calls as JSON POSTs only: a form post or a GET does nothing', async () => {
    const form = await request({ port: server.port, path: `/${server.token}/reset`, method: 'POST', headers: { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    assert.strictEqual(form.status, 415);
    assert.strictEqual((await get(`/${server.token}/reset`)).status, 404);
    const bad = await request({ port: server.port, path: `/${server.token}/save`, method: 'POST', headers: { Host: host, 'Content-Type': 'application/json' }, body: '{"file":"../escape.yaml"}' });
    assert.strictEqual(bad.status, 400);
    assert.match(JSON.parse(bad.body).error, /not a file name this page may write/);
  });

  it('is not reachable from another address than loopback', async function () {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) this.skip(); // a machine with loopback only has no other address to try
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: external!.address, port: server.port });
      socket.setTimeout(3000, () => {
        socket.destroy();
        resolve('timeout');
      });
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    assert.strictEqual(refused, 'ECONNREFUSED', `connecting to ${external!.address}:${server.port}`);
  });

  it('answers loopback peers only, whatever reaches the socket', () => {
    for (const a of ['127.0.0.1', '127.3.4.5', '::1', '::ffff:127.0.0.1']) assert.isTrue(isLoopback(a), a);
    for (const a of ['10.0.0.2', '192.168.1.4', '::ffff:10.0.0.1', 'fe80::1', '']) assert.isFalse(isLoopback(a), a);
  });

  it('will not listen on another interface than loopback', async () => {
    await assert.isRejected(startWebServer({ chat: {} as LiveChat, banner: [], svg: '', unmodelled: [], host: '0.0.0.0' }), /loopback only/);
  });
});
