import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyBotFailure, BotFailure, BotFailureError } from '../../../src/lib/cognigy/errors';
import { sendMessage } from '../../../src/lib/cognigy/client';
import { createTransport } from '../../../src/lib/http/transport';
import { HttpFailure, HttpRequest } from '../../../src/lib/http/types';
import { BotServer, scriptedBehaviour, startBotServer } from '../../../src/lib/demo/bot-server';
import { clearSecrets, registerEndpointSecret } from '../../../src/lib/redact';

describe('classifyBotFailure on real answers', () => {
  let bot: BotServer;
  const transport = createTransport();
  before(async () => {
    bot = await startBotServer();
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

  test('a Cognigy answer is no failure', async () => {
    assert.equal(await classify('hello'), undefined);
    assert.equal(await classify('dataonly'), undefined);
  });

  test('unreachable: nothing listens', async () => {
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
    assert.equal(failure?.kind, 'unreachable');
    assert.match(failure!.message, /could not be reached .*ECONNREFUSED.*: check/);
    oneLineWithoutToken(failure);
  });

  test('timeout: the bot is slower than the budget', async () => {
    const failure = await classify('slow:1000', { timeoutMs: 100 });
    assert.equal(failure?.kind, 'timeout');
    assert.match(failure!.message, /did not answer within 0\.1 s.*10 s/);
  });

  test('http-error: status and a short excerpt of the JSON error', async () => {
    const failure = await classify('status:503');
    assert.equal(failure?.kind, 'http-error');
    assert.equal(failure?.status, 503);
    assert.match(failure!.excerpt!, /Scripted status 503/);
    assert.match(failure!.message, /answered status 503 .*check the flow's logs/);
    oneLineWithoutToken(failure);
    const notFound = classifyBotFailure(await ask('x', {}, bot.url.replace(bot.token, 'f'.repeat(64))));
    assert.equal(notFound?.kind, 'http-error');
    assert.equal(notFound?.status, 404);
    assert.match(notFound!.message, /URL token/);
  });

  test('html: an error page says so, with the page text as excerpt', async () => {
    const failure = await classify('html');
    assert.equal(failure?.kind, 'html');
    assert.equal(failure?.status, 502);
    assert.equal(
      failure?.message,
      'The bot endpoint answered an HTML page (status 502), not JSON: check the endpoint URL and that the endpoint is enabled.',
    );
    assert.match(failure!.excerpt!, /^502 Bad Gateway 502 Bad Gateway The server returned/);
    assert.ok(!failure!.excerpt!.includes('<') && !failure!.excerpt!.includes('font-family'));
  });

  test('not-json, wrong-shape (array, no outputStack) and too-large', async () => {
    const notJson = await classify('notjson');
    assert.equal(notJson?.kind, 'not-json');
    assert.match(notJson!.message, /status 200 with text\/plain, not JSON/);
    assert.equal(notJson?.excerpt, 'OK');
    const array = await classify('array');
    assert.equal(array?.kind, 'wrong-shape');
    assert.match(array!.message, /a JSON array/);
    // An Execution Finished transformer may reshape the answer: a text is all the flow needs.
    assert.equal(await classify('nostack'), undefined);
    bot.setBehaviour(() => ({ status: 200, body: { reply: 'reshaped without a text' } }));
    try {
      const noText = await classify('anything');
      assert.equal(noText?.kind, 'wrong-shape');
      assert.match(noText!.message, /without an outputStack/);
    } finally {
      bot.setBehaviour(scriptedBehaviour);
    }
    const huge = await classify('huge');
    assert.equal(huge?.kind, 'too-large');
    assert.match(huge!.message, /larger than the 512 KB limit/);
  });

  test('an excerpt never shows the endpoint token, even when the bot echoes its URL', async () => {
    bot.setBehaviour(() => ({ status: 500, body: `failed for ${bot.url}    and\n\ntoken ${bot.token} ${'z'.repeat(300)}` }));
    try {
      const failure = await classify('x');
      assert.equal(failure?.kind, 'http-error');
      oneLineWithoutToken(failure);
      assert.match(failure!.excerpt!, /…$/);
      assert.match(failure!.excerpt!, /^failed for http:\/\/127\.0\.0\.1:\d+\/…[0-9a-f]{4} and token …[0-9a-f]{4} z/);
    } finally {
      bot.setBehaviour(scriptedBehaviour);
    }
  });

  test('sendMessage throws a BotFailureError with the kind as code and the redacted endpoint', async () => {
    await assert.rejects(sendMessage(transport, bot.url, { userId: 'u', sessionId: 's', text: 'html' }), (error: unknown) => {
      assert.ok(error instanceof BotFailureError);
      assert.equal(error.code, 'bot-html');
      assert.equal(error.failure.status, 502);
      assert.ok(!JSON.stringify(error.details).includes(bot.token));
      assert.ok(!error.hint!.includes(bot.token));
      return true;
    });
  });
});
