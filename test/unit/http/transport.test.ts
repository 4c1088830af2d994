import { describe, it, before, after } from 'mocha';
import { assert, expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createTransport } from '../../../src/lib/http/transport';
import { matchesNoProxy, proxyFor } from '../../../src/lib/http/proxy';
import { HttpFailure } from '../../../src/lib/http/types';
import { BotServer, startBotServer } from '../../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../../stand-ins/cognigy-scripted';

const TOKEN = '0123456789abcdef0123456789abcdef';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}
function closeServer(server: net.Server & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
function post(url: string, text: string) {
  return {
    method: 'POST' as const,
    url,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'u1', sessionId: 's1', text }),
  };
}

describe('transport', () => {
  let bot: BotServer;
  const transport = createTransport();
  before(async () => {
    bot = await startBotServer({ token: TOKEN, behaviour: scriptedBehaviour });
  });
  after(async () => {
    transport.close();
    await bot.close();
  });

  it('posts the body and returns status, lower-case headers, body and elapsed time', async () => {
    const res = await transport(post(bot.url, 'hello'));
    assert.strictEqual(res.status, 200);
    assert.match(res.headers['content-type'], /application\/json/);
    assert.strictEqual(JSON.parse(res.body).text, 'You said: hello');
    assert.ok(res.elapsedMs > 0 && res.elapsedMs < 5000);
    assert.strictEqual(res.tooLarge, undefined);
  });

  it('reuses one connection for consecutive calls (keep-alive)', async () => {
    let connections = 0;
    const server = http.createServer((req, res) => req.resume().on('end', () => res.end('ok')));
    server.keepAliveTimeout = 10_000;
    server.on('connection', () => connections++);
    const port = await listen(server);
    const own = createTransport();
    try {
      for (let i = 0; i < 3; i++) assert.strictEqual((await own({ method: 'GET', url: `http://127.0.0.1:${port}/x` })).body, 'ok');
      assert.strictEqual(connections, 1);
    } finally {
      own.close();
      await closeServer(server);
    }
  });

  it('gives up after timeoutMs with a timeout failure that says how long it waited', async () => {
    await expect(transport({ ...post(bot.url, 'slow:1500'), timeoutMs: 150 })).to.be.rejected.and.eventually.satisfy((error: unknown) => {
      assert.ok(error instanceof HttpFailure);
      assert.strictEqual(error.kind, 'timeout');
      assert.ok(error.elapsedMs >= 140 && error.elapsedMs < 1400, String(error.elapsedMs));
      assert.match(error.message, /0\.1[5] s|0\.2 s|0\.1 s/);
      return true;
    });
  });

  it('stops reading past maxBodyBytes and reports tooLarge', async () => {
    const started = Date.now();
    const res = await transport({ ...post(bot.url, 'huge'), maxBodyBytes: 4096 });
    assert.strictEqual(res.tooLarge, true);
    assert.strictEqual(Buffer.byteLength(res.body), 4096);
    assert.ok(res.body.startsWith('{'));
    assert.ok(Date.now() - started < 5000);
    // The same answer without a limit is complete JSON over a megabyte.
    const full = await transport(post(bot.url, 'huge'));
    assert.ok(full.body.length > 1024 * 1024);
    assert.strictEqual(JSON.parse(full.body).outputStack.length, 1);
  });

  describe('redirects', () => {
    let server: http.Server;
    let base: string;
    before(async () => {
      // /r/<status>/<n> redirects n times with <status>, then echoes method and body.
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const m = /^\/r\/(\d+)\/(\d+)$/.exec(req.url ?? '');
          if (m && Number(m[2]) > 0) {
            res.writeHead(Number(m[1]), { location: `/r/${m[1]}/${Number(m[2]) - 1}` }).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] ?? null }));
        });
      });
      base = `http://127.0.0.1:${await listen(server)}`;
    });
    after(() => closeServer(server));

    it('follows up to 5 redirects; 307 repeats the POST with its body', async () => {
      const res = await transport({ method: 'POST', url: `${base}/r/307/5`, headers: { 'content-type': 'text/plain' }, body: 'payload' });
      assert.strictEqual(res.status, 200);
      assert.deepStrictEqual(JSON.parse(res.body), { method: 'POST', body: 'payload', type: 'text/plain' });
    });

    it('302 turns a POST into a GET without body', async () => {
      const res = await transport({ method: 'POST', url: `${base}/r/302/1`, headers: { 'content-type': 'text/plain' }, body: 'payload' });
      assert.deepStrictEqual(JSON.parse(res.body), { method: 'GET', body: '', type: null });
    });

    it('a sixth redirect is a network failure', async () => {
      await expect(transport({ method: 'GET', url: `${base}/r/302/6` })).to.be.rejected.and.eventually.satisfy((error: unknown) => {
        assert.ok(error instanceof HttpFailure);
        assert.strictEqual(error.kind, 'network');
        assert.match(error.message, /more than 5 redirects/);
        return true;
      });
    });
  });

  it('a refused connection is a network failure whose message has no token', async () => {
    const server = http.createServer();
    const port = await listen(server);
    await closeServer(server);
    const secret = 'feedfacecafebeef0011223344556677';
    await expect(transport(post(`http://127.0.0.1:${port}/${secret}`, 'x'))).to.be.rejected.and.eventually.satisfy((error: unknown) => {
      assert.ok(error instanceof HttpFailure);
      assert.strictEqual(error.kind, 'network');
      assert.match(error.message, /ECONNREFUSED/);
      assert.ok(!error.message.includes(secret), error.message);
      assert.ok(!error.message.includes(secret.slice(0, 10)), error.message);
      return true;
    });
  });

  it('an unsupported or broken URL is an invalid-url failure without the token', async () => {
    await expect(transport({ method: 'GET', url: `ftp://127.0.0.1/${TOKEN}` })).to.be.rejected.and.eventually.satisfy((error: unknown) => {
      assert.ok(error instanceof HttpFailure);
      assert.strictEqual(error.kind, 'invalid-url');
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
  });

  describe('proxy', () => {
    let proxy: http.Server;
    let proxyUrl: string;
    const seen: string[] = [];
    before(async () => {
      // A forward proxy: absolute-URI requests are sent on to the bot server whatever their host.
      proxy = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url} host=${req.headers.host}`);
        const target = new URL(req.url ?? '/');
        const upstream = http.request(
          { hostname: '127.0.0.1', port: new URL(bot.url).port, path: target.pathname, method: req.method, headers: req.headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        req.pipe(upstream);
      });
      proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
    });
    after(() => closeServer(proxy));

    it('an http target goes to HTTP_PROXY as an absolute-URI request', async () => {
      seen.length = 0;
      const viaProxy = createTransport({ env: { HTTP_PROXY: proxyUrl } });
      try {
        const res = await viaProxy(post(`http://bot.example.test/${TOKEN}`, 'through the proxy'));
        assert.strictEqual(JSON.parse(res.body).text, 'You said: through the proxy');
        assert.deepStrictEqual(seen, [`POST http://bot.example.test/${TOKEN} host=bot.example.test`]);
      } finally {
        viaProxy.close();
      }
    });

    it('lower-case http_proxy wins; loopback targets bypass the proxy', async () => {
      seen.length = 0;
      const viaProxy = createTransport({ env: { http_proxy: proxyUrl, HTTP_PROXY: 'http://127.0.0.1:1' } });
      try {
        await viaProxy(post(`http://bot.example.test/${TOKEN}`, 'a'));
        assert.strictEqual(seen.length, 1);
        const direct = await viaProxy(post(bot.url, 'direct'));
        assert.strictEqual(JSON.parse(direct.body).text, 'You said: direct');
        assert.strictEqual(seen.length, 1);
      } finally {
        viaProxy.close();
      }
    });

    it('NO_PROXY and the loopback rule decide which targets are proxied', () => {
      const env = { HTTPS_PROXY: 'proxy.corp:3128', HTTP_PROXY: 'http://p:8080', NO_PROXY: '.internal.example, cognigy.ai:8443' };
      assert.strictEqual(proxyFor(new URL('https://endpoint-trial.cognigy.ai/x'), env)?.href, 'http://proxy.corp:3128/');
      assert.strictEqual(proxyFor(new URL('https://endpoint-trial.cognigy.ai:8443/x'), env), undefined);
      assert.strictEqual(proxyFor(new URL('http://bot.internal.example/x'), env), undefined);
      assert.strictEqual(proxyFor(new URL('http://other.example/x'), env)?.host, 'p:8080');
      for (const host of ['127.0.0.1', 'localhost', '[::1]', '127.3.4.5']) assert.strictEqual(proxyFor(new URL(`http://${host}:9/x`), env), undefined);
      assert.strictEqual(matchesNoProxy('*', 'anything', '80'), true);
      assert.strictEqual(matchesNoProxy('example.com', 'notexample.com', '80'), false);
    });

    it('an https target is tunnelled with CONNECT through HTTPS_PROXY', async function () {
      const dir = mkdtempSync(join(tmpdir(), 'cognigy-tls-'));
      try {
        try {
          execFileSync('openssl', [
            'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
            '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
            '-subj', '/CN=bot.example.test', '-addext', 'subjectAltName=DNS:bot.example.test',
          ], { stdio: 'ignore', timeout: 10_000 });
        } catch {
          // No openssl, no test certificate.
          this.skip();
        }
        const cert = readFileSync(join(dir, 'cert.pem'));
        const target = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, host: req.headers.host }));
        });
        const targetPort = await listen(target);
        const connects: string[] = [];
        const tunnelProxy = http.createServer();
        tunnelProxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
          connects.push(req.url ?? '');
          const upstream = net.connect(targetPort, '127.0.0.1', () => {
            client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
            upstream.write(head);
            upstream.pipe(client);
            client.pipe(upstream);
          });
          // The server socket is half-open after CONNECT: tear both sides down together.
          const teardown = () => {
            client.destroy();
            upstream.destroy();
          };
          for (const socket of [client, upstream]) for (const event of ['end', 'close', 'error']) socket.on(event, teardown);
        });
        const tunnelPort = await listen(tunnelProxy);
        const viaTunnel = createTransport({ env: { HTTPS_PROXY: `http://127.0.0.1:${tunnelPort}` }, ca: cert });
        try {
          const res = await viaTunnel({ method: 'GET', url: `https://bot.example.test/${TOKEN}` });
          assert.deepStrictEqual(JSON.parse(res.body), { path: `/${TOKEN}`, host: 'bot.example.test' });
          assert.deepStrictEqual(connects, ['bot.example.test:443']);
        } finally {
          viaTunnel.close();
          await closeServer(tunnelProxy);
          await closeServer(target);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('a process that used the transport exits promptly without close()', async () => {
    const server = http.createServer((req, res) => req.resume().on('end', () => res.end('ok')));
    server.keepAliveTimeout = 60_000; // the server would hold the socket open for a minute
    const port = await listen(server);
    try {
      const script = `
        const { createTransport } = require(${JSON.stringify(join(process.cwd(), 'src/lib/http/transport.ts'))});
        createTransport()({ method: 'GET', url: 'http://127.0.0.1:${port}/x' }).then((r) => console.log(r.body));
      `;
      const started = Date.now();
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      const code = await new Promise<number | null>((resolve) => {
        const kill = setTimeout(() => child.kill(), 15_000);
        child.on('exit', (c) => {
          clearTimeout(kill);
          resolve(c);
        });
      });
      assert.strictEqual(code, 0);
      assert.strictEqual(out.trim(), 'ok');
      // Loading tsx takes a moment; a kept-alive socket would hold the process for 60 s.
      assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    } finally {
      await closeServer(server);
    }
  });
});
