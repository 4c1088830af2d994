import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { startBotServer, BotServer } from '../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../stand-ins/cognigy-scripted';
import type { CliHome } from '../helpers/cli';
import { inProcessHome } from '../helpers/in-process';
import { registerTestSecret } from '../helpers/secrets';

/**
 * A forward proxy on 127.0.0.1 that knows one made-up host, `bot.test`, and sends it to
 * the local bot: a request for `http://bot.test/<token>` can only succeed through it.
 */
async function startProxy(target: URL) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/');
    if (url.hostname !== 'bot.test') {
      res.writeHead(502).end('unknown host');
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: url.pathname + url.search, method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('HTTP_PROXY is honoured by the calls to the bot', () => {
  let bot: BotServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let cli: CliHome;
  before(async () => {
    bot = await startBotServer({ behaviour: scriptedBehaviour });
    registerTestSecret(bot.token);
    proxy = await startProxy(new URL(bot.url));
    cli = await inProcessHome();
  });
  after(async () => {
    await bot.close();
    await proxy.close();
    cli.cleanup();
  });

  for (const variable of ['HTTP_PROXY', 'http_proxy']) {
    it(`test-chat reaches the bot through ${variable}`, async () => {
      const endpoint = `http://bot.test/${bot.token}`;
      const before = proxy.seen.length;
      const r = await cli.run(['cognigy:test-chat', '--endpoint-url', endpoint, '-m', 'proxied hello', '-o', 'json'], {
        env: { [variable]: proxy.url },
      });
      assert.strictEqual(r.code, 0, r.all);
      const report = JSON.parse(r.stdout);
      const answer = report.transcript.find((e: any) => e.from === 'bot');
      assert.strictEqual(answer?.text, 'You said: proxied hello');
      assert.strictEqual(proxy.seen.length - before, 1, 'one request went through the proxy');
      assert.match(proxy.seen.at(-1)!, /^POST http:\/\/bot\.test\//);
      assert.ok(!r.all.includes(bot.token), 'the token is not shown');
    });
  }

  it('without the proxy the made-up host cannot be reached: the flow takes "failed" and says why', async () => {
    const r = await cli.run(['cognigy:test-chat', '--endpoint-url', `http://bot.test/${bot.token}`, '-m', 'hi', '-o', 'json', '--on-bot-failure', 'end']);
    // The transcript shows what Studio would do; the exit code says the bot was never reached.
    assert.strictEqual(r.code, 1, r.all);
    assert.match(r.stderr, /The bot endpoint could not be reached \(getaddrinfo ENOTFOUND bot\.test\)/);
    const report = JSON.parse(r.stdout);
    assert.ok(report.transcript.some((e: any) => e.from === 'system' && /failed/.test(e.text)), r.stdout);
    assert.ok(!r.all.includes(bot.token), 'the token is not shown');
  });
});
