/**
 * Scripted runs against the bot a user really faces: slow and rate limited. In one run,
 * against local Cognigy-compatible bots (bench/scripts-bot.ts, each in its own process):
 *
 *   latency  a bot answering in LATENCY ms; CONVERSATIONS × TURNS at --concurrency 64.
 *            Ideal = turns × latency / concurrency + the host's start-up (`twilio
 *            --version`, measured here). botium-core at the best of the concurrencies
 *            it is tried at, on the same suite.
 *   rate     a bot allowing LIMIT requests a second (429 + Retry-After past it);
 *            RATE_CONVERSATIONS × TURNS, without --rate (adapting to the 429s) and with
 *            --rate LIMIT/s: conversations failed, throughput against the allowance.
 *            botium-core on the same (how many of its conversations fail).
 *   shards   the latency suite in 4 shards one after another: every conversation exactly
 *            once, and the merged JUnit equal in content (test cases and totals, without
 *            the times) to the single run's.
 *
 * Usage: npx tsc -p tsconfig.build.json && node --import tsx bench/scale-bench.ts
 *          [--conversations 2000] [--turns 5] [--latency 150] [--concurrency 64]
 *          [--rate-conversations 1000] [--limit 50] [--shards 4] [--no-botium]
 * Prints one JSON line and a few human lines.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measure, median, option, ROOT, startBot, TWILIO, writeEchoSuite, type Measured } from './common';
import { junitCases as testcases, junitTotals as totals } from '../test/helpers/junit';

const CONVERSATIONS = option('conversations', 2_000, 10, 100_000);
const TURNS = option('turns', 5, 1, 50);
const LATENCY = option('latency', 150, 0, 10_000);
const CONCURRENCY = option('concurrency', 64, 1, 256);
const RATE_CONVERSATIONS = option('rate-conversations', 1_000, 10, 100_000);
const LIMIT = option('limit', 50, 1, 10_000);
const SHARDS = option('shards', 4, 2, 64);
const WITH_BOTIUM = !process.argv.includes('--no-botium');
const BOTIUM_CONCURRENCIES = [64, 128];

const generate = (dir: string, count: number): void => writeEchoSuite(dir, count, TURNS);

interface Summary {
  passed: number;
  failed: number;
  error: number;
  timeout: number;
  total: number;
  rateLimit: { waits: number; waitedMs: number; conversations: number };
}


async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'cognigy', 'test-chat.js'))) throw new Error('dist/ is missing: run "npx tsc -p tsconfig.build.json" first');
  const botium = WITH_BOTIUM && fs.existsSync(path.join(__dirname, 'botium', 'node_modules', 'botium-core'));
  if (WITH_BOTIUM && !botium) console.warn('note: botium-core is not installed: run "npm ci --prefix bench/botium" (skipping it)');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-bench-scale-'));
  const home = path.join(work, 'home');
  fs.mkdirSync(home);
  const env = { PATH: process.env.PATH, HOME: home, TWILIO_DISABLE_AUTOUPDATE: '1', TWILIO_SKIP_NEW_VERSION_CHECK: '1', NO_COLOR: '1' };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const plugin = (dir: string, url: string, extra: string[], limitMs: number): Promise<Measured> =>
    // A run that failed conversations exits 1: its report is still what is measured.
    measure([TWILIO, 'cognigy:test-chat', '--script', dir, '--endpoint-url', url, '--concurrency', String(CONCURRENCY), '-o', 'json', ...extra], env, limitMs, { anyExit: true });
  try {
    await measure([TWILIO, 'plugins:link', ROOT], env, 120_000);
    const startups: number[] = [];
    for (let i = 0; i < 3; i++) startups.push((await measure([TWILIO, '--version'], env, 60_000)).wallMs);
    const startupMs = median(startups);
    log(`host start-up (twilio --version): ${Math.round(startupMs)} ms`);

    // 1. Latency.
    const suite = path.join(work, 'suite');
    generate(suite, CONVERSATIONS);
    const latencyBot = await startBot(['--latency', String(LATENCY)]);
    const turns = CONVERSATIONS * TURNS;
    const idealMs = (turns * LATENCY) / CONCURRENCY + startupMs;
    const singleXml = path.join(work, 'single.xml');
    let latency: Record<string, unknown>;
    let shards: Record<string, unknown>;
    const botiumLatency: { concurrency: number; wallMs: number; passed: number; failed: number }[] = [];
    try {
      const run = await plugin(suite, latencyBot.url, ['--junit', singleXml], 600_000);
      const summary = (JSON.parse(run.stdout) as { summary: Summary }).summary;
      latency = {
        conversations: CONVERSATIONS,
        turns: TURNS,
        latencyMs: LATENCY,
        concurrency: CONCURRENCY,
        wallMs: Math.round(run.wallMs),
        idealMs: Math.round(idealMs),
        vsIdeal: Number((run.wallMs / idealMs).toFixed(3)),
        passed: summary.passed,
        maxRssMb: run.maxRssKb ? Math.round(run.maxRssKb / 1024) : null,
      };
      log(`latency: plugin ${Math.round(run.wallMs)} ms, ideal ${Math.round(idealMs)} ms (${latency.vsIdeal}×), ${summary.passed}/${CONVERSATIONS} passed`);
      if (botium) {
        for (const c of BOTIUM_CONCURRENCIES) {
          const b = await measure([path.join(__dirname, 'botium', 'run.js'), latencyBot.url, suite, String(c)], env, 900_000, { anyExit: true });
          const out = JSON.parse(b.stdout) as { passed: number; failed: number };
          botiumLatency.push({ concurrency: c, wallMs: Math.round(b.wallMs), passed: out.passed, failed: out.failed });
          log(`latency: botium-core at ${c}: ${Math.round(b.wallMs)} ms, ${out.passed} passed, ${out.failed} failed`);
        }
      }

      // 3. Shards, one after another, against the same bot and suite.
      const names: string[] = [];
      const xmls: string[] = [];
      const shardMs: number[] = [];
      for (let i = 1; i <= SHARDS; i++) {
        const xml = path.join(work, `shard-${i}.xml`);
        const r = await plugin(suite, latencyBot.url, ['--shard', `${i}/${SHARDS}`, '--junit', xml], 600_000);
        shardMs.push(Math.round(r.wallMs));
        for (const result of (JSON.parse(r.stdout) as { results: { file: string; name: string }[] }).results) names.push(`${result.file}\0${result.name}`);
        xmls.push(xml);
      }
      const merged = path.join(work, 'merged.xml');
      await measure([TWILIO, 'cognigy:test-chat', ...xmls.flatMap((x) => ['--merge-junit', x]), '--junit', merged], env, 60_000);
      const unique = new Set(names);
      const mergedXml = fs.readFileSync(merged, 'utf8');
      const singleText = fs.readFileSync(singleXml, 'utf8');
      const a = testcases(mergedXml);
      const b = testcases(singleText);
      shards = {
        shards: SHARDS,
        wallMs: shardMs,
        conversationsRun: names.length,
        distinct: unique.size,
        everyConversationOnce: names.length === CONVERSATIONS && unique.size === CONVERSATIONS,
        mergedEqualsSingle: totals(mergedXml) === totals(singleText) && a.length === b.length && a.every((x, i) => x === b[i]),
      };
      log(`shards: ${shardMs.join(' + ')} ms; ${names.length} conversations run, ${unique.size} distinct; merged JUnit equals the single run's: ${shards.mergedEqualsSingle}`);
    } finally {
      await latencyBot.stop();
    }

    // 2. Rate limit.
    const rateSuite = path.join(work, 'rate-suite');
    generate(rateSuite, RATE_CONVERSATIONS);
    const rateTurns = RATE_CONVERSATIONS * TURNS;
    const rate: Record<string, unknown>[] = [];
    for (const [label, extra] of [
      ['adaptive (no --rate)', []],
      [`--rate ${LIMIT}/s`, ['--rate', `${LIMIT}/s`]],
    ] as const) {
      const bot = await startBot(['--limit', String(LIMIT)]);
      let m: Measured;
      let stats: { accepted?: number; refused?: number } = {};
      try {
        m = await plugin(rateSuite, bot.url, [...extra, '--timeout', '600'], 1_200_000);
      } finally {
        stats = await bot.stop();
      }
      const summary = (JSON.parse(m.stdout) as { summary: Summary }).summary;
      const runMs = m.wallMs - startupMs;
      const entry = {
        mode: label,
        conversations: RATE_CONVERSATIONS,
        failed: summary.total - summary.passed,
        wallMs: Math.round(m.wallMs),
        requestsPerSecond: Number(((rateTurns / m.wallMs) * 1000).toFixed(1)),
        ofAllowance: Number((rateTurns / m.wallMs / (LIMIT / 1000)).toFixed(3)),
        ofAllowanceWithoutStartup: Number((rateTurns / runMs / (LIMIT / 1000)).toFixed(3)),
        waits: summary.rateLimit.waits,
        botRefused: stats.refused,
        botAccepted: stats.accepted,
      };
      rate.push(entry);
      log(`rate ${label}: ${Math.round(m.wallMs)} ms, ${entry.failed} failed, ${entry.requestsPerSecond} req/s = ${entry.ofAllowance} of ${LIMIT}/s (${entry.ofAllowanceWithoutStartup} without start-up), ${entry.waits} waits`);
    }
    let botiumRate: Record<string, unknown> | null = null;
    if (botium) {
      const bot = await startBot(['--limit', String(LIMIT)]);
      try {
        const b = await measure([path.join(__dirname, 'botium', 'run.js'), bot.url, rateSuite, '16'], env, 1_200_000, { anyExit: true });
        const out = JSON.parse(b.stdout) as { passed: number; failed: number; firstError?: string };
        botiumRate = { concurrency: 16, wallMs: Math.round(b.wallMs), passed: out.passed, failed: out.failed, firstError: out.firstError };
        log(`rate: botium-core at 16: ${Math.round(b.wallMs)} ms, ${out.passed} passed, ${out.failed} failed (${out.firstError ?? ''})`);
      } finally {
        await bot.stop();
      }
    }

    const bestBotium = botiumLatency.length ? botiumLatency.reduce((x, y) => (y.wallMs < x.wallMs ? y : x)) : null;
    const result = {
      cpus: os.cpus().length,
      startupMs: Math.round(startupMs),
      latency: { ...latency, botium: botiumLatency, pluginVsBestBotium: bestBotium ? Number((bestBotium.wallMs / (latency.wallMs as number)).toFixed(2)) : null },
      rate: { limitPerSecond: LIMIT, turns: rateTurns, runs: rate, botium: botiumRate },
      shards,
      goals: { latencyVsIdeal: '≤ 1.1', rateFailed: 0, rateOfAllowance: '≥ 0.9', shards: 'every conversation once, merged JUnit equal to a single run' },
    };
    console.log(JSON.stringify(result));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
