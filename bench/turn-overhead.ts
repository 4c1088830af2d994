/**
 * Per-turn overhead of the Studio interpreter (`FlowSession`) over the HTTP call it makes.
 *
 * A stand-in bot listens on 127.0.0.1. Each round plays N customer turns through the flow
 * link-flow builds (one bot call per turn), and N direct calls of the same transport with
 * the very request the flow sent (same URL, headers and form body). Rounds alternate the
 * order, so drift hits both sides; the overhead is the median over rounds of
 * (flow − direct) / N. A second figure runs the flow against an in-memory transport: the
 * interpreter alone, no network.
 *
 * Usage: node --import tsx bench/turn-overhead.ts [turns=300] [rounds=9]
 * Prints one JSON line and one human line. Bounded: stops after 60 s whatever it reached.
 */
import { performance } from 'node:perf_hooks';
import { startBotServer } from '../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../test/stand-ins/cognigy-scripted';
import { createTransport, closeTransport } from '../src/lib/http/transport';
import type { HttpRequest, HttpResponse, HttpTransport } from '../src/lib/http/types';
import { FlowSession } from '../src/lib/runtime';
import { buildFlow } from '../src/lib/studio';
import { buildOptions } from '../src/lib/tasks/link-flow';

const TURNS = Math.max(10, Math.min(5_000, Number(process.argv[2]) || 300));
const ROUNDS = Math.max(3, Math.min(51, Number(process.argv[3]) || 9));
const BUDGET_MS = 60_000;
const GOAL_MS = 0.2;
const TURNS_PER_EXECUTION = 100;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const bot = await startBotServer({ behaviour: scriptedBehaviour });
  const http = createTransport();
  const deadline = performance.now() + BUDGET_MS;
  try {
    const definition = buildFlow(
      buildOptions({
        endpointUrl: bot.url,
        testMode: false,
        channelModel: 'conversations',
        escalationKey: 'escalation',
        onBotFailure: 'escalate',
        flow: { name: 'bench' },
      }),
    );

    // The request the flow makes on a reply turn, captured once and replayed directly.
    let captured: HttpRequest | undefined;
    const capturing: HttpTransport = (request) => {
      captured = request;
      return http(request);
    };

    let conversation = 0;
    /**
     * N turns through the interpreter: a first message starts an execution, the rest
     * reply. Studio stops an execution after 1,000 steps (5 per turn in this flow), so a
     * new conversation starts every TURNS_PER_EXECUTION turns, as a new customer would.
     */
    const flowRound = async (transport: HttpTransport, n: number): Promise<number> => {
      const t0 = performance.now();
      let session: FlowSession | undefined;
      for (let i = 0; i < n; i++) {
        if (i % TURNS_PER_EXECUTION === 0) {
          session = new FlowSession(definition, { http: transport, from: `+1555${String(++conversation).padStart(7, '0')}` });
          const turn = await session.start('hello');
          if (!turn.waiting) throw new Error(`the flow did not wait after the first message: ${JSON.stringify(turn.events.at(-1))}`);
        } else {
          const turn = await session!.reply('how are you');
          if (!turn.waiting) throw new Error(`the flow stopped waiting at turn ${i}: ${JSON.stringify(turn.events.at(-1))}`);
        }
      }
      return performance.now() - t0;
    };
    const directRound = async (request: HttpRequest, n: number): Promise<number> => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const response = await http(request);
        if (response.status !== 200) throw new Error(`the bot answered ${response.status}`);
      }
      return performance.now() - t0;
    };

    // Warm up sockets, JIT and the template cache; capture the reply turn's request.
    await flowRound(capturing, 50);
    if (!captured) throw new Error('the flow made no HTTP call');
    const request = captured;
    await directRound(request, 50);

    const overheads: number[] = [];
    const flowPerTurn: number[] = [];
    const directPerTurn: number[] = [];
    for (let r = 0; r < ROUNDS && performance.now() < deadline; r++) {
      let flow: number;
      let direct: number;
      if (r % 2 === 0) {
        flow = await flowRound(http, TURNS);
        direct = await directRound(request, TURNS);
      } else {
        direct = await directRound(request, TURNS);
        flow = await flowRound(http, TURNS);
      }
      flowPerTurn.push(flow / TURNS);
      directPerTurn.push(direct / TURNS);
      overheads.push((flow - direct) / TURNS);
    }

    // The interpreter alone: the bot's answer served from memory.
    const canned = await http(request);
    const memory: HttpTransport = async (): Promise<HttpResponse> => ({ ...canned, elapsedMs: 0 });
    await flowRound(memory, 200);
    const alone: number[] = [];
    for (let r = 0; r < ROUNDS && performance.now() < deadline; r++) alone.push((await flowRound(memory, TURNS)) / TURNS);

    const result = {
      bench: 'turn-overhead',
      turns: TURNS,
      rounds: overheads.length,
      overheadMsPerTurn: round(median(overheads)),
      flowMsPerTurn: round(median(flowPerTurn)),
      directMsPerTurn: round(median(directPerTurn)),
      interpreterAloneMsPerTurn: round(median(alone)),
      goalMs: GOAL_MS,
      withinGoal: median(overheads) < GOAL_MS,
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.stdout.write(
      `Interpreter overhead: ${result.overheadMsPerTurn} ms per turn (median of ${result.rounds} rounds × ${TURNS} turns; ` +
        `flow ${result.flowMsPerTurn} ms vs direct HTTP ${result.directMsPerTurn} ms; interpreter alone ${result.interpreterAloneMsPerTurn} ms) — ` +
        `goal < ${GOAL_MS} ms: ${result.withinGoal ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    closeTransport(http);
    await bot.close();
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

main().catch((error) => {
  process.stderr.write(`turn-overhead: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
