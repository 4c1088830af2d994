/**
 * The run-wide pacer and the 429-waiting transport, on a virtual clock: no test here
 * depends on real time.
 */
import { describe, it } from 'mocha';
import { assert, expect } from 'chai';
import { formatRate, MAX_WAITS_PER_CALL, Pacer, pacedTransport, parseRate, type PacerClock } from '../../../src/lib/conversation/pacing';
import type { ConversationClock, ConversationContext } from '../../../src/lib/conversation/runner';
import { testModeWarning } from '../../../src/printers/script-report';
import { flowDriverFactory } from '../../../src/lib/conversation/driver';
import { runConversations, type ConversationResult } from '../../../src/lib/conversation/runner';
import { parseConvoTxt } from '../../../src/lib/conversation/botium';
import { buildFlow } from '../../../src/lib/studio';
import { HttpFailure, type HttpRequest, type HttpResponse } from '../../../src/lib/http/types';

/** Time moves only when something sleeps. */
function virtualClock(): PacerClock & { slept: number[]; stall(ms: number): void } {
  let t = 10_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms, signals) => {
      if (signals.some((s) => s?.aborted)) throw new Error('aborted');
      slept.push(ms);
      t += ms;
    },
    waitFor: async (promise, signals) => {
      if (signals.some((s) => s?.aborted)) throw new Error('aborted');
      await promise;
    },
    stall: (ms) => {
      t += ms;
    },
  };
}

function clockRecorder(remaining = 60_000): ConversationClock & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    remainingMs: () => remaining,
    pause: () => log.push('pause'),
    resume: () => log.push('resume'),
    rateLimited: (ms) => log.push(`waited ${Math.round(ms)}`),
    giveUp: (reason) => log.push(`gave up: ${reason}`),
    interrupted: () => log.push('interrupted'),
  };
}

const request: HttpRequest = { method: 'POST', url: 'http://127.0.0.1:1/t', body: 'x', timeoutMs: 10_000 };
const answer = (status: number, headers: Record<string, string> = {}): HttpResponse => ({ status, headers, body: status === 200 ? '{"text":"hi"}' : '{}', elapsedMs: 5 });

describe('parseRate', () => {
  it('reads N/s, N/min and N/h as requests a second', () => {
    assert.strictEqual(parseRate('3/s'), 3);
    assert.strictEqual(parseRate('120/min'), 2);
    assert.strictEqual(parseRate('600/h'), 600 / 3600);
    assert.strictEqual(parseRate('2.5 / sec'), 2.5);
  });
  it('refuses what is not a rate, saying how to write one', () => {
    for (const bad of ['3', 'fast', '0/s', '-1/s', '3/day', '20000/s']) {
      expect(() => parseRate(bad)).to.throw().that.satisfies((e: Error) => e.message === `--rate ${bad} is not a rate.`);
    }
  });
  it('formats rates for the progress line', () => {
    assert.strictEqual(formatRate(50), '50/s');
    assert.strictEqual(formatRate(2.5), '2.5/s');
    assert.strictEqual(formatRate(1 / 6), '10/min');
    assert.strictEqual(formatRate(Infinity), 'unpaced');
  });
});

describe('Pacer', () => {
  it('with a cap, requests are spaced at the cap, in call order', async () => {
    const clock = virtualClock();
    const pacer = new Pacer(4, clock);
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      await pacer.acquire();
      times.push(clock.now());
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    assert.deepStrictEqual(gaps, Array(8).fill(250));
  });

  it('requests queued together leave one at a time, also after the event loop stalled', async () => {
    const clock = virtualClock();
    const pacer = new Pacer(10, clock);
    await pacer.acquire();
    clock.stall(1000);
    // Five queued at once after a stall of ten intervals: they leave spaced, not as a burst.
    const times: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => pacer.acquire().then(() => times.push(clock.now()))));
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    for (const gap of gaps) assert.ok(gap >= 75, `at least 3/4 of the 100 ms interval apart: ${gaps}`);
  });

  it('a request stopped while queued does not hold up the ones behind it', async () => {
    const pacer = new Pacer(10);
    await pacer.acquire();
    const stop = new AbortController();
    const first = pacer.acquire([stop.signal]);
    const second = pacer.acquire();
    stop.abort();
    await assert.isRejected(first);
    await second;
  });

  it('without a cap nothing waits until the bot answers 429; then it paces at what the bot answered', async () => {
    const clock = virtualClock();
    const pacer = new Pacer(undefined, clock);
    assert.strictEqual(pacer.rate(), Infinity);
    // 40 answers in one second, then a 429 in the next.
    for (let i = 0; i < 40; i++) {
      await pacer.acquire();
      pacer.succeeded();
    }
    assert.deepStrictEqual(clock.slept, []);
    await clock.sleep(1000 - (clock.now() % 1000), []);
    pacer.rateLimited();
    assert.strictEqual(pacer.rate(), 40, 'the 40 a second the bot answered');
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pacer.acquire();
      times.push(clock.now());
    }
    assert.deepStrictEqual(times.slice(1).map((t, i) => Math.round(t - times[i])), [25, 25, 25, 25]);
  });

  it('a bot that refuses before it ever answered leaves the run unpaced: Retry-After alone paces the waits', () => {
    const pacer = new Pacer(undefined, virtualClock());
    pacer.rateLimited();
    assert.strictEqual(pacer.rate(), Infinity);
  });

  it('a 429 at the rate the bot answers keeps that rate (its limit)', async () => {
    const clock = virtualClock();
    const pacer = new Pacer(50, clock);
    for (let i = 0; i < 50; i++) {
      await pacer.acquire();
      pacer.succeeded();
    }
    pacer.rateLimited();
    assert.strictEqual(pacer.rate(), 50, 'the bot answered 50 in the last second: 50 is its limit');
  });

  it('slows down once per burst of 429s, then speeds up again without them (AIMD)', async () => {
    const clock = virtualClock();
    const pacer = new Pacer(100, clock);
    pacer.rateLimited();
    pacer.rateLimited();
    pacer.rateLimited();
    assert.strictEqual(pacer.rate(), 90, 'one decrease for 429s arriving together');
    await clock.sleep(1000, []);
    pacer.rateLimited();
    assert.ok(Math.abs(pacer.rate() - 90 * 1.02 * 0.9) < 1e-9, 'a second later, another 429 is another decrease');
    await clock.sleep(5000, []);
    assert.ok(pacer.rate() > 80 && pacer.rate() <= 100, `grows back: ${pacer.rate()}`);
    await clock.sleep(60_000, []);
    assert.strictEqual(pacer.rate(), 100, 'never past --rate');
  });
});

describe('pacedTransport', () => {
  const context = (clock: ConversationClock, signal = new AbortController().signal, interrupt?: AbortSignal): ConversationContext => ({ signal, interrupt, clock });

  it('a 429 waits Retry-After and is sent again; the flow sees only the final answer', async () => {
    const clock = virtualClock();
    const conversation = clockRecorder();
    const answers = [answer(429, { 'retry-after': '2' }), answer(429, { 'retry-after': '1' }), answer(200)];
    const sent: HttpRequest[] = [];
    const http = pacedTransport(async (r) => (sent.push(r), answers.shift()!), new Pacer(undefined, clock), context(conversation), { clock, random: () => 0 });
    const response = await http(request);
    assert.strictEqual(response.status, 200);
    assert.strictEqual(sent.length, 3);
    assert.deepStrictEqual(sent.map((r) => r.timeoutMs), [10_000, 10_000, 10_000], "each attempt has Studio's own 10 s budget");
    assert.ok(conversation.log.includes('waited 2000') && conversation.log.includes('waited 1000'), conversation.log.join(', '));
  });

  it('without Retry-After the back-off grows and stays bounded', async () => {
    const clock = virtualClock();
    let calls = 0;
    const http = pacedTransport(async () => (++calls <= 8 ? answer(429) : answer(200)), new Pacer(undefined, clock), context(clockRecorder(Infinity)), { clock, random: () => 1 });
    await http(request);
    const waits = clock.slept.filter((ms) => ms >= 900);
    assert.deepStrictEqual(waits.slice(0, 5).map((ms) => Math.round(ms - 100)), [1000, 2000, 4000, 8000, 16000]);
    assert.ok(Math.max(...waits) <= 30_100, 'no wait past 30 s');
  });

  it('past its bound of waits, the 429 goes to the flow (Studio would take failed)', async () => {
    const clock = virtualClock();
    let calls = 0;
    const http = pacedTransport(async () => (calls++, answer(429, { 'retry-after': '0' })), new Pacer(undefined, clock), context(clockRecorder(Infinity)), { clock, random: () => 0 });
    assert.strictEqual((await http(request)).status, 429);
    assert.strictEqual(calls, MAX_WAITS_PER_CALL);
  });

  it('a Retry-After past what --timeout leaves gives the conversation up at once, naming the rate limit', async () => {
    const clock = virtualClock();
    const conversation = clockRecorder(5_000);
    const http = pacedTransport(async () => answer(429, { 'retry-after': '120' }), new Pacer(undefined, clock), context(conversation), { clock, random: () => 0 });
    await assert.isRejected(http(request), HttpFailure);
    assert.deepStrictEqual(clock.slept, [], 'it did not wait');
    assert.match(conversation.log.join('\n'), /gave up: rate limited: the bot asks to wait 120 s \(Retry-After\) and --timeout leaves 5 s for this conversation/);
  });

  it('the queue for --rate pauses the time-out; the 429 wait does not', async () => {
    const clock = virtualClock();
    const conversation = clockRecorder();
    const pacer = new Pacer(1, clock);
    await pacer.acquire();
    const answers = [answer(429, { 'retry-after': '1' }), answer(200)];
    await pacedTransport(async () => answers.shift()!, pacer, context(conversation), { clock, random: () => 0 })(request);
    assert.deepStrictEqual(conversation.log, ['pause', 'resume', 'waited 1000', 'pause', 'resume']);
  });

  it('an interrupted run stops a waiting conversation at once and says it was interrupted', async () => {
    const interrupt = new AbortController();
    const conversation = clockRecorder();
    const clock: PacerClock = {
      now: () => 0,
      waitFor: (promise) => promise,
      sleep: (_ms, signals) =>
        new Promise((_resolve, reject) => {
          interrupt.abort();
          if (signals.some((s) => s?.aborted)) reject(new Error('aborted'));
        }),
    };
    const http = pacedTransport(async () => answer(429, { 'retry-after': '30' }), new Pacer(undefined, clock), context(conversation, new AbortController().signal, interrupt.signal), { clock });
    await assert.isRejected(http(request), HttpFailure);
    assert.ok(conversation.log.includes('interrupted'), conversation.log.join(', '));
  });
});

describe('a scripted conversation through the flow against a bot that answers 429', () => {
  it('passes: the flow sees one answer, the final one, and the result counts the waits', async () => {
    const flow = buildFlow({ endpointUrl: 'https://endpoint.example.test/0123456789abcdef', channelModel: 'conversations', escalationKey: 'escalation', onBotFailure: 'escalate', workflowSid: `WW${'2'.repeat(32)}`, taskChannelSid: `TC${'3'.repeat(32)}` });
    const clock = virtualClock();
    let calls = 0;
    const inner = async (r: HttpRequest): Promise<HttpResponse> => {
      calls++;
      if (calls <= 2) return answer(429, { 'retry-after': '3' });
      const text = new URLSearchParams(r.body).get('text') ?? JSON.parse(r.body ?? '{}').text;
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `You said: ${text}`, data: {}, outputStack: [] }), elapsedMs: 4 };
    };
    const pacer = new Pacer(undefined, clock);
    const results: ConversationResult[] = [];
    const summary = await runConversations(
      (async function* () {
        yield parseConvoTxt('hi.convo.txt', 'hi\n\n#me\nhello\n\n#bot\nYou said: hello\n');
      })(),
      flowDriverFactory(flow, { http: inner, perConversation: (http, context) => pacedTransport(http, pacer, context, { clock, random: () => 0 }), channelModel: 'conversations' }),
      { concurrency: 1, timeoutMs: 60_000, onResult: (r) => results.push(r) },
    );
    assert.strictEqual(results[0].status, 'passed', JSON.stringify(results[0]));
    assert.strictEqual(calls, 3);
    assert.deepStrictEqual(results[0].rateLimit, { waits: 2, waitedMs: 6000 });
    assert.deepStrictEqual(summary.rateLimit, { waits: 2, waitedMs: 6000, conversations: 1 });
  });
});

describe('testModeWarning', () => {
  it('warns when the suite sends more than ~600 test-mode messages in the hour, with the estimate', () => {
    const text = testModeWarning(2000, 8);
    assert.match(text ?? '', /^This run sends 2000 messages to Cognigy's test mode in about 75 s at --concurrency 8 \(assuming ~300 ms a turn\): ~2000 in an hour, over the ~600 an hour test mode allows/);
    assert.match(text ?? '', /--rate 600\/h \(about 3\.3 h\)/);
  });
  it('stays quiet within the allowance, also for a long run that spreads its messages', () => {
    assert.strictEqual(testModeWarning(600, 8), undefined);
    assert.strictEqual(testModeWarning(50, 1), undefined);
  });
});
