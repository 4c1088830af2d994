/**
 * Scripted conversation tests, three ways, against the same local Cognigy-compatible bot
 * (bench/scripts-bot.ts, its own process, recording off) and the same BotiumScript files
 * (generated into a temp folder: CONVERSATIONS conversations of TURNS customer turns):
 *
 *   botium  botium-core's SimpleRest container, configured for a Cognigy REST endpoint
 *           (bench/botium/run.js; needs `npm install --prefix bench/botium` once)
 *   plugin  twilio cognigy:test-chat --script DIR --endpoint-url URL --concurrency N -o json,
 *           the real twilio binary with the plugin linked, start-up included
 *   floor   the same HTTP calls the plugin's flow makes, in a bare loop (bench/scripts-floor.js)
 *
 * Each contender is a child process timed from spawn to exit; the order rotates every
 * round and the figures are medians over rounds, reported as ratios. Memory: the max RSS
 * of the plugin process (GNU time's %M, else /proc/<pid>/status VmHWM polled) for
 * CONVERSATIONS and for BIG conversations.
 *
 * Usage: npx tsc -p tsconfig.build.json && node --import tsx bench/scripts-bench.ts
 *          [--conversations 2000] [--turns 5] [--concurrency 16] [--rounds 3] [--big 20000]
 *          [--scale 10000] [--scale-rounds 1] [--budget 900] [--no-botium]
 *
 * --scale N runs the three once more on N conversations: the `twilio` host's own start-up
 * (~1 s, paid once per run) weighs on 2,000 conversations, and a suite grows; 0 skips it.
 * --scale-rounds R races them R times there (medians; botium takes ~1.5 min a round).
 * Prints one JSON line and a few human lines. Every child is killed past its time limit,
 * and no round starts after --budget seconds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measure, median, option, ROOT, startBot, TWILIO, writeEchoSuite, type Measured } from './common';

const CONVERSATIONS = option('conversations', 2_000, 10, 100_000);
const TURNS = option('turns', 5, 1, 50);
const CONCURRENCY = option('concurrency', 16, 1, 256);
const ROUNDS = option('rounds', 3, 1, 21);
const BIG = option('big', 20_000, 0, 200_000);
const SCALE = option('scale', 10_000, 0, 200_000);
const SCALE_ROUNDS = option('scale-rounds', 1, 1, 9);
const BUDGET_MS = option('budget', 900, 30, 3_600) * 1000;
const WITH_BOTIUM = !process.argv.includes('--no-botium');

const generate = (dir: string, count: number): void => writeEchoSuite(dir, count, TURNS);

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'cognigy', 'test-chat.js'))) {
    throw new Error('dist/ is missing: run "npx tsc -p tsconfig.build.json" first');
  }
  const botiumReady = fs.existsSync(path.join(__dirname, 'botium', 'node_modules', 'botium-core'));
  const botium = WITH_BOTIUM && botiumReady;
  if (WITH_BOTIUM && !botiumReady) console.warn('note: botium-core is not installed: run "npm install --prefix bench/botium" (skipping it)');

  const deadline = performance.now() + BUDGET_MS;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-bench-scripts-'));
  const home = path.join(work, 'home');
  fs.mkdirSync(home);
  const env = { PATH: process.env.PATH, HOME: home, TWILIO_DISABLE_AUTOUPDATE: '1', TWILIO_SKIP_NEW_VERSION_CHECK: '1', NO_COLOR: '1' };
  const bot = await startBot();
  try {
    await measure([TWILIO, 'plugins:link', ROOT], env, 120_000);
    const suite = path.join(work, 'suite');
    generate(suite, CONVERSATIONS);

    /** The three contenders on one suite, each checked to have passed every conversation. */
    const contendersFor = (dir: string, count: number): Record<string, () => Promise<Measured>> => {
      const limit = 60_000 + count * TURNS * 20;
      const checked = (run: () => Promise<Measured>, passed: (out: string) => boolean, who: string) => async () => {
        const m = await run();
        assertAll(passed(m.stdout), who, m.stdout.slice(-600));
        return m;
      };
      return {
        floor: checked(
          () => measure([path.join(__dirname, 'scripts-floor.js'), bot.url, String(count), String(TURNS), String(CONCURRENCY)], env, limit),
          (out) => JSON.parse(out).failed === 0,
          'floor',
        ),
        plugin: checked(
          () => measure([TWILIO, 'cognigy:test-chat', '--script', dir, '--endpoint-url', bot.url, '--concurrency', String(CONCURRENCY), '-o', 'json'], env, limit),
          (out) => JSON.parse(out).summary.passed === count,
          'plugin',
        ),
        ...(botium
          ? {
              botium: checked(
                () => measure([path.join(__dirname, 'botium', 'run.js'), bot.url, dir, String(CONCURRENCY)], env, limit * 5),
                (out) => JSON.parse(out).passed === count,
                'botium',
              ),
            }
          : {}),
      };
    };
    /** `rounds` rounds, the order rotating each round; wall times per contender. */
    const race = async (contenders: Record<string, () => Promise<Measured>>, rounds: number, label: string) => {
      const names = Object.keys(contenders);
      const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
      const rss: number[] = [];
      for (let round = 0; round < rounds && performance.now() < deadline; round++) {
        const order = names.map((_, i) => names[(i + round) % names.length]);
        for (const name of order) {
          const m = await contenders[name]();
          times[name].push(m.wallMs);
          if (name === 'plugin' && m.maxRssKb) rss.push(m.maxRssKb);
        }
        process.stderr.write(`${label} round ${round + 1}: ${order.map((n) => `${n} ${Math.round(times[n][times[n].length - 1])} ms`).join(', ')}\n`);
      }
      return { names, times, rss };
    };

    const contenders = contendersFor(suite, CONVERSATIONS);
    // Warm the file cache and the bot's JIT once, untimed.
    await contenders.floor();
    const { names, times, rss: pluginRss } = await race(contenders, ROUNDS, `${CONVERSATIONS}`);

    // At scale: the same race on SCALE conversations, SCALE_ROUNDS times (botium alone takes minutes).
    let scale: { conversations: number; rounds: number; medianMs: Record<string, number>; pluginVsBotiumThroughput: number | null; pluginVsFloorTime: number } | null = null;
    if (SCALE > 0 && performance.now() < deadline) {
      const dir = path.join(work, 'scale');
      generate(dir, SCALE);
      const run = await race(contendersFor(dir, SCALE), SCALE_ROUNDS, `${SCALE}`);
      const ms = Object.fromEntries(run.names.map((n) => [n, Math.round(median(run.times[n]))]));
      scale = {
        conversations: SCALE,
        rounds: run.times.plugin.length,
        medianMs: ms,
        pluginVsBotiumThroughput: botium ? Number((ms.botium / ms.plugin).toFixed(1)) : null,
        pluginVsFloorTime: Number((ms.plugin / ms.floor).toFixed(2)),
      };
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // Memory: the same run with BIG conversations must not need more than CONVERSATIONS do.
    let bigRss: number[] = [];
    let bigMs: number | undefined;
    if (BIG > 0 && performance.now() < deadline) {
      const big = path.join(work, 'big');
      generate(big, BIG);
      const plugin = contendersFor(big, BIG).plugin;
      for (let i = 0; i < Math.min(2, ROUNDS) && performance.now() < deadline; i++) {
        const m = await plugin();
        if (m.maxRssKb) bigRss = [...bigRss, m.maxRssKb];
        bigMs = m.wallMs;
      }
    }

    const ms = Object.fromEntries(names.map((n) => [n, Math.round(median(times[n]))]));
    const result = {
      conversations: CONVERSATIONS,
      turns: TURNS,
      concurrency: CONCURRENCY,
      rounds: times.plugin.length,
      cpus: os.cpus().length,
      medianMs: ms,
      conversationsPerSecond: Object.fromEntries(names.map((n) => [n, Math.round((CONVERSATIONS / ms[n]) * 1000)])),
      pluginVsBotiumThroughput: botium ? Number((ms.botium / ms.plugin).toFixed(1)) : null,
      pluginVsFloorTime: Number((ms.plugin / ms.floor).toFixed(2)),
      pluginMaxRssMb: pluginRss.length ? Math.round(median(pluginRss) / 1024) : null,
      scale,
      big: BIG ? { conversations: BIG, wallMs: bigMs && Math.round(bigMs), maxRssMb: bigRss.length ? Math.round(median(bigRss) / 1024) : null } : null,
      goals: { pluginVsBotiumThroughput: '≥ 10', pluginVsFloorTime: '≤ 1.5', bigRss: '≤ the RSS of the smaller run' },
    };
    console.log(JSON.stringify(result));
    console.log(
      `${CONVERSATIONS} conversations × ${TURNS} turns, concurrency ${CONCURRENCY}, median of ${result.rounds}: ` +
        names.map((n) => `${n} ${ms[n]} ms (${result.conversationsPerSecond[n]}/s)`).join(', '),
    );
    if (botium) console.log(`plugin throughput = ${result.pluginVsBotiumThroughput}× botium-core's (goal ≥ 10×)`);
    console.log(`plugin time = ${result.pluginVsFloorTime}× the bare HTTP loop (goal ≤ 1.5×)`);
    if (scale) {
      console.log(
        `${SCALE} conversations: ` + Object.entries(scale.medianMs).map(([n, v]) => `${n} ${v} ms`).join(', ') +
          `: plugin throughput = ${scale.pluginVsBotiumThroughput ?? '–'}× botium-core's, plugin time = ${scale.pluginVsFloorTime}× the bare loop`,
      );
    }
    if (result.big) console.log(`plugin max RSS: ${result.pluginMaxRssMb} MB for ${CONVERSATIONS}, ${result.big.maxRssMb} MB for ${BIG}`);
  } finally {
    await bot.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function assertAll(ok: boolean, who: string, detail: string): void {
  if (!ok) throw new Error(`${who}: not every conversation passed, so its time means nothing: ${detail}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
