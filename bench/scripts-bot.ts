/**
 * The bot every contender of bench/scripts-bench.ts talks to, in a process of its own so
 * that no contender shares an event loop with it: the demo server's Cognigy contract
 * (JSON and form bodies, outputStack answers) with a fast echo behaviour and request
 * recording off. Prints `{"url": …}` on stdout once listening; exits when stdin closes.
 *
 *   --latency MS   answer each request after MS milliseconds (a real bot's answer time)
 *   --limit N      at most N requests a second (sliding window), 429 + Retry-After past it
 *
 * On stdin closing it prints `{"accepted": …, "refused": …}` (with --limit) before exiting.
 */
import { startBotServer, type BotBehaviour } from '../src/lib/demo/bot-server';
import { rateLimited } from '../test/stand-ins/cognigy-rate-limit';

function option(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : undefined;
}

/** One output per turn, so Botium (one message per outputStack entry) and the flow see the same. */
const echo: BotBehaviour = (request) => [{ text: `You said: ${request.text ?? ''}` }];

async function main(): Promise<void> {
  const latency = option('latency') ?? 0;
  const limit = option('limit');
  const answering: BotBehaviour = latency > 0 ? (request) => ({ delayMs: latency, then: echo(request) as never }) : echo;
  const limited = limit ? rateLimited(answering, { limit }) : undefined;
  const bot = await startBotServer({ behaviour: limited?.behaviour ?? answering, record: false });
  process.stdout.write(`${JSON.stringify({ url: bot.url, testUrl: bot.testUrl })}\n`);
  const stop = () =>
    void bot.close().then(() => {
      if (limited) process.stdout.write(`${JSON.stringify({ accepted: limited.stats.accepted, refused: limited.stats.refused })}\n`);
      process.exit(0);
    });
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.on('SIGTERM', stop);
  process.stdin.resume();
}

void main();
