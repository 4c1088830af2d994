/**
 * Record once, replay in every build (issue 20): a suite replayed from a recording against
 * the same suite live through botium-core, on the local zero-latency bot
 * (bench/scripts-bot.ts in its own process) and the generated BotiumScript suite of
 * bench/scripts-bench.ts (one `.convo.txt` per conversation, TURNS customer turns):
 *
 *   botium   botium-core's SimpleRest container against the bot (bench/botium/run.js)
 *   replay   twilio cognigy:test-chat --script DIR --replay FILE -o json, the real twilio
 *            binary, start-up included, answered from the recording made beforehand, as a
 *            user runs it (worker threads: one per CPU, the default from 200 conversations)
 *   replay1  the same with --jobs 1 (one thread: what the runner costs without the CPUs)
 *   live     the same plugin run against the bot (for reference, once)
 *
 * Then, with the bot stopped: one replay (it must pass every conversation without the
 * bot), the peak memory of replaying SMALL and BIG conversations, and the runner's cost per
 * turn, measured in this process (runScripts from dist/ on the replayed suite, twice: the
 * first run pays the JIT's warm-up).
 *
 * Usage: npx tsc -p tsconfig.build.json && npm ci --prefix bench/botium
 *        node --import tsx bench/replay-bench.ts [--conversations 10000] [--rounds 3]
 *          [--small 2000] [--big 20000] [--concurrency 16] [--no-botium]
 * Prints one JSON line and a few human lines. Children are killed past their time limit.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measure, median, option, ROOT, startBot, TWILIO, writeEchoSuite, type Measured } from './common';

const CONVERSATIONS = option('conversations', 10_000, 10, 100_000);
const SMALL = option('small', 2_000, 10, 100_000);
const BIG = option('big', 20_000, 10, 200_000);
const ROUNDS = option('rounds', 3, 1, 9);
const CONCURRENCY = option('concurrency', 16, 1, 256);
const TURNS = option('turns', 5, 1, 50);
const WITH_BOTIUM = !process.argv.includes('--no-botium');

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'conversation', 'recording.js'))) {
    throw new Error('dist/ is missing or old: run "npx tsc -p tsconfig.build.json" first');
  }
  const botium = WITH_BOTIUM && fs.existsSync(path.join(__dirname, 'botium', 'node_modules', 'botium-core'));
  if (WITH_BOTIUM && !botium) console.warn('note: botium-core is not installed: run "npm ci --prefix bench/botium" (skipping it)');

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-bench-replay-'));
  const home = path.join(work, 'home');
  fs.mkdirSync(home);
  const env = { PATH: process.env.PATH, HOME: home, TWILIO_DISABLE_AUTOUPDATE: '1', TWILIO_SKIP_NEW_VERSION_CHECK: '1', NO_COLOR: '1' };
  let bot: Awaited<ReturnType<typeof startBot>> | undefined = await startBot();
  const url = bot.url;
  try {
    await measure([TWILIO, 'plugins:link', ROOT], env, 120_000);
    const suites = { main: CONVERSATIONS, small: SMALL, big: BIG };
    const dirs: Record<string, string> = {};
    const recordings: Record<string, string> = {};
    for (const [name, count] of Object.entries(suites)) {
      dirs[name] = path.join(work, name);
      writeEchoSuite(dirs[name], count, TURNS);
      recordings[name] = path.join(work, `${name}.yaml`);
    }
    const limit = (count: number) => 60_000 + count * TURNS * 20;
    const plugin = (name: string, count: number, extra: string[]) => async (): Promise<Measured> => {
      const m = await measure([TWILIO, 'cognigy:test-chat', '--script', dirs[name], '--endpoint-url', url, '--concurrency', String(CONCURRENCY), '-o', 'json', ...extra], env, limit(count));
      const passed = JSON.parse(m.stdout).summary.passed;
      if (passed !== count) throw new Error(`plugin ${extra.join(' ')}: ${passed} of ${count} passed, so its time means nothing`);
      return m;
    };
    const botiumRun = async (): Promise<Measured> => {
      const m = await measure([path.join(__dirname, 'botium', 'run.js'), url, dirs.main, String(CONCURRENCY)], env, limit(CONVERSATIONS) * 5);
      if (JSON.parse(m.stdout).passed !== CONVERSATIONS) throw new Error(`botium: not every conversation passed: ${m.stdout.slice(-400)}`);
      return m;
    };

    // Record each suite once, live.
    const recordMs: Record<string, number> = {};
    for (const [name, count] of Object.entries(suites)) {
      recordMs[name] = Math.round((await plugin(name, count, ['--record', recordings[name]])()).wallMs);
      process.stderr.write(`recorded ${count}: ${recordMs[name]} ms, ${(fs.statSync(recordings[name]).size / 1e6).toFixed(1)} MB\n`);
    }

    // Rounds: botium live, then the replay, alternating (the machine's load drifts).
    const times: { botium: number[]; replay: number[]; replay1: number[] } = { botium: [], replay: [], replay1: [] };
    const replayRss: number[] = [];
    const replayMain = plugin('main', CONVERSATIONS, ['--replay', recordings.main]);
    const replayOne = plugin('main', CONVERSATIONS, ['--replay', recordings.main, '--jobs', '1']);
    for (let round = 0; round < ROUNDS; round++) {
      if (botium) times.botium.push((await botiumRun()).wallMs);
      const m = await replayMain();
      times.replay.push(m.wallMs);
      if (m.maxRssKb) replayRss.push(m.maxRssKb);
      times.replay1.push((await replayOne()).wallMs);
      process.stderr.write(`round ${round + 1}: ${botium ? `botium ${Math.round(times.botium[round])} ms, ` : ''}replay ${Math.round(m.wallMs)} ms, --jobs 1 ${Math.round(times.replay1[round])} ms\n`);
    }
    const liveMs = Math.round((await plugin('main', CONVERSATIONS, [])()).wallMs);

    // Without the bot: the replay must still pass everything; then memory and per-turn cost.
    await bot.stop();
    bot = undefined;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const offline = await replayMain();
    const rss: Record<string, number[]> = { small: [], big: [] };
    for (let i = 0; i < 2; i++) {
      for (const name of ['small', 'big'] as const) {
        const m = await plugin(name, suites[name], ['--replay', recordings[name]])();
        if (m.maxRssKb) rss[name].push(m.maxRssKb);
      }
    }
    const perTurnUs = await inProcessPerTurn(dirs.main, recordings.main, url);

    const ms = { botium: botium ? Math.round(median(times.botium)) : null, replay: Math.round(median(times.replay)), replayOneThread: Math.round(median(times.replay1)), live: liveMs, replayWithoutBot: Math.round(offline.wallMs) };
    const mb = (xs: number[]) => (xs.length ? Math.round(median(xs) / 1024) : null);
    const result = {
      conversations: CONVERSATIONS,
      turns: TURNS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))),
      medianMs: ms,
      timesMs: { botium: times.botium.map(Math.round), replay: times.replay.map(Math.round), replayOneThread: times.replay1.map(Math.round) },
      botiumVsReplayTime: ms.botium ? Number((ms.botium / ms.replay).toFixed(1)) : null,
      botiumVsOneThreadTime: ms.botium ? Number((ms.botium / ms.replayOneThread).toFixed(1)) : null,
      liveVsReplayTime: Number((ms.live / ms.replay).toFixed(1)),
      recordMs,
      recordingMb: Object.fromEntries(Object.entries(recordings).map(([n, f]) => [n, Number((fs.statSync(f).size / 1e6).toFixed(1))])),
      replayMaxRssMb: { [CONVERSATIONS]: mb(replayRss), [SMALL]: mb(rss.small), [BIG]: mb(rss.big) },
      runnerPerTurnUs: perTurnUs,
      goals: { botiumVsReplayTime: '≥ 20', memory: `${BIG} ≈ ${SMALL}` },
    };
    console.log(JSON.stringify(result));
    console.log(`${CONVERSATIONS} conversations × ${TURNS} turns, concurrency ${CONCURRENCY}, median of ${ROUNDS}: replay ${ms.replay} ms (--jobs 1: ${ms.replayOneThread} ms)${ms.botium ? `, botium-core live ${ms.botium} ms: ${result.botiumVsReplayTime}× less time (goal ≥ 20×; one thread ${result.botiumVsOneThreadTime}×)` : ''}; the plugin live ${liveMs} ms`);
    console.log(`replay max RSS: ${result.replayMaxRssMb[SMALL]} MB for ${SMALL}, ${result.replayMaxRssMb[BIG]} MB for ${BIG} conversations`);
    console.log(`runner per turn (in process, replayed): ${perTurnUs.first} µs on the first run, ${perTurnUs.second} µs on the second`);
  } finally {
    await bot?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The whole runner (reading, interpreter, replay, matching, JSON report) per turn, in this process, in one thread. */
async function inProcessPerTurn(dir: string, recording: string, url: string): Promise<{ first: number; second: number }> {
  /* eslint-disable @typescript-eslint/no-var-requires */
  const { prepareChat } = require(path.join(ROOT, 'dist', 'lib', 'tasks', 'test-chat')) as typeof import('../src/lib/tasks/test-chat');
  const { runScripts } = require(path.join(ROOT, 'dist', 'lib', 'tasks', 'run-scripts')) as typeof import('../src/lib/tasks/run-scripts');
  const { scriptReporters } = require(path.join(ROOT, 'dist', 'printers', 'test-chat')) as typeof import('../src/printers/test-chat');
  const prepared = await prepareChat({ input: { endpointUrl: url }, demo: false });
  const us: number[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      const { summary } = await runScripts(prepared, { path: dir, concurrency: CONCURRENCY, timeoutMs: 60_000, write: () => undefined, reporters: scriptReporters({ json: true }), recording: { replay: recording }, jobs: 1 });
      const elapsed = performance.now() - started;
      if (summary.counts.passed !== CONVERSATIONS) throw new Error(`in-process replay: ${summary.counts.passed} of ${CONVERSATIONS} passed`);
      us.push(Number(((elapsed * 1000) / (CONVERSATIONS * TURNS)).toFixed(1)));
    }
  } finally {
    await prepared.close();
  }
  return { first: us[0], second: us[1] };
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
