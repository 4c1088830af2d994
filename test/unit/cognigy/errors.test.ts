import { describe, it, before, after } from 'mocha';
import { assert, expect } from 'chai';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyBotFailure, BotFailure, BotFailureError } from '../../../src/lib/cognigy/errors';
import { sendMessage } from '../../../src/lib/cognigy/client';
import { createTransport } from '../../../src/lib/http/transport';
import { HttpFailure, HttpRequest } from '../../../src/lib/http/types';
import { BotServer, startBotServer } from '../../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../../stand-ins/cognigy-scripted';
import { clearSecrets, registerEndpointSecret } from '../../../src/lib/redact';

describe('classifyBotFailure on real answers', () => {
  let bot: BotServer;
  const transport = createTransport();
  before(async () => {
    bot = await startBotServer({ behaviour: scriptedBehaviour });
    registerEndpointSecret(bot.url);
  });
  after(async () => {
    transport.close();
    await bot.close();
    clearSecrets();
  });

  const ask = (text: string, extra: Partial<HttpRequest> = {}, url = bot.url) =>
    transport({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u', sessionId: 's', text }),
      maxBodyBytes: 512 * 1024,
      ...extra,
    });

  async function classify(text: string, extra: Partial<HttpRequest> = {}): Promise<BotFailure | undefined> {
    try {
      return classifyBotFailure(await ask(text, extra));
    } catch (error) {
      assert.ok(error instanceof HttpFailure);
      return classifyBotFailure(error);
    }
  }

  function oneLineWithoutToken(failure: BotFailure | undefined) {
    assert.ok(failure);
    assert.ok(!failure.message.includes('\n'));
    assert.ok(!failure.message.includes(bot.token));
    if (failure.excerpt) {
      assert.ok(failure.excerpt.length <= 120);
      assert.ok(!failure.excerpt.includes(bot.token));
      assert.ok(!/\s\s/.test(failure.excerpt));
    }
  }

  it('a Cognigy answer is no failure', async () => {
    assert.strictEqual(await classify('hello'), undefined);
    assert.strictEqual(await classify('dataonly'), undefined);
  });

  it('unreachable: nothing listens', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    let failure: BotFailure | undefined;
    try {
      await ask('x', {}, `http://127.0.0.1:${port}/${bot.token}`);
    } catch (error) {
      failure = classifyBotFailure(error as HttpFailure);
    }
    assert.strictEqual(failure?.kind, 'unreachable');
    assert.match(failure!.message, /could not be reached .*ECONNREFUSED.*: check/);
    oneLineWithoutToken(failure);
  });

  it('timeout: the bot is slower than the budget', async () => {
    const failure = await classify('slow:1000', { timeoutMs: 100 });
    assert.strictEqual(failure?.kind, 'timeout');
    assert.match(failure!.message, /did not answer within 0\.1 s.*10 s/);
  });

  it('http-error: status and a short excerpt of the JSON error', async () => {
    const failure = await classify('status:503');
    assert.strictEqual(failure?.kind, 'http-error');
    assert.strictEqual(failure?.status, 503);
    assert.match(failure!.excerpt!, /Scripted status 503/);
    assert.match(failure!.message, /answered status 503 .*check the flow's logs/);
    oneLineWithoutToken(failure);
    const notFound = classifyBotFailure(await ask('x', {}, bot.url.replace(bot.token, 'f'.repeat(64))));
    assert.strictEqual(notFound?.kind, 'http-error');
    assert.strictEqual(notFound?.status, 404);
    assert.match(notFound!.message, /URL token/);
  });

  it('html: an error page says so, with the page text as excerpt', async () => {
    const failure = await classify('html');
    assert.strictEqual(failure?.kind, 'html');
    assert.strictEqual(failure?.status, 502);
    assert.strictEqual(
      failure?.message,
      'The bot endpoint answered an HTML page (status 502), not JSON: check the endpoint URL and that the endpoint is enabled.',
    );
    assert.match(failure!.excerpt!, /^502 Bad Gateway 502 Bad Gateway The server returned/);
    assert.ok(!failure!.excerpt!.includes('<') && !failure!.excerpt!.includes('font-family'));
  });

  it('not-json, wrong-shape (array, no outputStack) and too-large', async () => {
    const notJson = await classify('notjson');
    assert.strictEqual(notJson?.kind, 'not-json');
    assert.match(notJson!.message, /status 200 with text\/plain, not JSON/);
    assert.strictEqual(notJson?.excerpt, 'OK');
    const array = await classify('array');
    assert.strictEqual(array?.kind, 'wrong-shape');
    assert.match(array!.message, /a JSON array/);
    // An Execution Finished transformer may reshape the answer: a text is all the flow needs.
    assert.strictEqual(await classify('nostack'), undefined);
    bot.setBehaviour(() => ({ status: 200, body: { reply: 'reshaped without a text' } }));
    try {
      const noText = await classify('anything');
      assert.strictEqual(noText?.kind, 'wrong-shape');
      assert.match(noText!.message, /without an outputStack/);
    } finally {
      bot.setBehaviour(scriptedBehaviour);
    }
    const huge = await classify('huge');
    assert.strictEqual(huge?.kind, 'too-large');
    assert.match(huge!.message, /larger than the 512 KB limit/);
  });

  it('an excerpt never shows the endpoint token, even when the bot echoes its URL', async () => {
    bot.setBehaviour(() => ({ status: 500, body: `failed for ${bot.url}    and\n\ntoken ${bot.token} ${'z'.repeat(300)}` }));
    try {
      const failure = await classify('x');
      assert.strictEqual(failure?.kind, 'http-error');
      oneLineWithoutToken(failure);
      assert.match(failure!.excerpt!, /…$/);
      assert.match(failure!.excerpt!, /^failed for http:\/\/127\.0\.0\.1:\d+\/…[0-9a-f]{4} and token …[0-9a-f]{4} z/);
    } finally {
      bot.setBehaviour(scriptedBehaviour);
    }
  });

  it('sendMessage throws a BotFailureError with the kind as code and the redacted endpoint', async () => {
    await expect(sendMessage(transport, bot.url, { userId: 'u', sessionId: 's', text: 'html' })).to.be.rejected.and.eventually.satisfy((error: unknown) => {
      assert.ok(error instanceof BotFailureError);
      assert.strictEqual(error.code, 'bot-html');
      assert.strictEqual(error.failure.status, 502);
      assert.ok(!JSON.stringify(error.details).includes(bot.token));
      assert.ok(!error.hint!.includes(bot.token));
      return true;
    });
  });
});
