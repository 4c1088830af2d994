import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import { PROBE_TEXT, PROBE_USER_ID, probeEndpoint } from '../../../src/lib/setup/probe';
import { createTransport } from '../../../src/lib/http/transport';
import { BotServer, startBotServer } from '../../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../../stand-ins/cognigy-scripted';
import { clearSecrets } from '../../../src/lib/redact';

describe('probeEndpoint', () => {
  let bot: BotServer;
  const transport = createTransport();
  before(async () => {
    bot = await startBotServer({ behaviour: scriptedBehaviour });
  });
  after(async () => {
    transport.close();
    await bot.close();
    clearSecrets();
  });

  it('a healthy bot: ok, redacted endpoint, output count, no warning; one message in its own session', async () => {
    bot.requests.length = 0;
    const result = await probeEndpoint(transport, bot.url);
    assert.strictEqual(result.ok, true);
    assert.strictEqual(result.outputs, 1);
    assert.strictEqual(result.budgetMs, 10_000);
    assert.strictEqual(result.warning, undefined);
    assert.strictEqual(result.failure, undefined);
    assert.ok(result.elapsedMs > 0 && result.elapsedMs < 5000);
    assert.ok(!result.endpoint.includes(bot.token));
    assert.ok(result.endpoint.endsWith(`…${bot.token.slice(-4)}`));
    assert.strictEqual(bot.requests.length, 1);
    const body = bot.requests[0].body as Record<string, string>;
    assert.strictEqual(body.userId, PROBE_USER_ID);
    assert.strictEqual(body.text, PROBE_TEXT);
    assert.strictEqual(bot.requests[0].testMode, false);
    await probeEndpoint(transport, bot.url);
    assert.notStrictEqual((bot.requests[1].body as Record<string, string>).sessionId, body.sessionId);
  });

  it('test mode sends to /test/<token>', async () => {
    bot.requests.length = 0;
    const result = await probeEndpoint(transport, bot.url, { testMode: true });
    assert.strictEqual(result.ok, true);
    assert.strictEqual(bot.requests[0].testMode, true);
    assert.match(result.endpoint, /\/test\/…/);
  });

  it('a bot answering after 6 s (injected clock) is ok but warned about the 10 s budget', async () => {
    const ticks = [1_000, 7_200];
    const result = await probeEndpoint(transport, bot.url, { now: () => ticks.shift() ?? 7_200 });
    assert.strictEqual(result.ok, true);
    assert.strictEqual(result.elapsedMs, 6_200);
    assert.strictEqual(result.warning, "The bot took 6.2 s to answer, near Studio's 10 s HTTP budget: a slower turn will fail in Studio.");
  });

  it('a really slow bot trips a lowered threshold, and times out past timeoutMs', async () => {
    bot.setBehaviour(() => ({ delayMs: 150, then: [{ text: 'pong' }] }));
    try {
      const warned = await probeEndpoint(transport, bot.url, { warnAfterMs: 100 });
      assert.strictEqual(warned.ok, true);
      assert.ok(warned.elapsedMs >= 140);
      assert.match(warned.warning ?? '', /near Studio's 10 s HTTP budget/);
      const timedOut = await probeEndpoint(transport, bot.url, { timeoutMs: 50 });
      assert.strictEqual(timedOut.ok, false);
      assert.strictEqual(timedOut.failure?.kind, 'timeout');
    } finally {
      bot.setBehaviour(scriptedBehaviour);
    }
  });

  it('a failing endpoint is not ok and carries the classified failure', async () => {
    bot.setBehaviour(() => scriptedBehaviour({ userId: 'u', sessionId: 's', text: 'html', turn: 1, testMode: false }));
    try {
      const result = await probeEndpoint(transport, bot.url);
      assert.strictEqual(result.ok, false);
      assert.strictEqual(result.failure?.kind, 'html');
      assert.strictEqual(result.failure?.status, 502);
      assert.strictEqual(result.outputs, undefined);
    } finally {
      bot.setBehaviour(scriptedBehaviour);
    }
  });

  it('a bot that says nothing passes with a warning', async () => {
    bot.setBehaviour(() => []);
    try {
      const result = await probeEndpoint(transport, bot.url);
      assert.strictEqual(result.ok, true);
      assert.strictEqual(result.outputs, 0);
      assert.match(result.warning ?? '', /no output/);
    } finally {
      bot.setBehaviour(scriptedBehaviour);
    }
  });
});
