/**
 * The bot every contender of bench/scripts-bench.ts talks to, in a process of its own so
 * that no contender shares an event loop with it: the demo server's Cognigy contract
 * (JSON and form bodies, outputStack answers) with a fast echo behaviour and request
 * recording off. Prints `{"url": …}` on stdout once listening; exits when stdin closes.
 */
import { startBotServer, type BotBehaviour } from '../src/lib/demo/bot-server';

/** One output per turn, so Botium (one message per outputStack entry) and the flow see the same. */
const echo: BotBehaviour = (request) => [{ text: `You said: ${request.text ?? ''}` }];

async function main(): Promise<void> {
  const bot = await startBotServer({ behaviour: echo, record: false });
  process.stdout.write(`${JSON.stringify({ url: bot.url, testUrl: bot.testUrl })}\n`);
  const stop = () => void bot.close().then(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.on('SIGTERM', stop);
  process.stdin.resume();
}

void main();
