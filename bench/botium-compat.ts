/**
 * The compatibility measure of `test-chat --script` (docs/scripts.md, "Compatibility with
 * botium-core"): every suite of ../shared/corpus/convos (one folder per source repository)
 * and the project's own Botium fixtures, run by botium-core 1.15.13 (bench/botium/compat.js:
 * SimpleRest set up as botium-connector-cognigy sets it up) and by the plugin through the
 * real `twilio` binary, against the same two local Cognigy-compatible bots:
 *
 * - echo: one output, `You said: <text>`;
 * - replay: answers each customer message with what the convos expect there, read from
 *   botium-core's own compilation of the suite (not from the plugin's reader): texts with
 *   `*` dropped, an utterance list's first utterance, BUTTONS as quick replies, CARDS as a
 *   gallery, MEDIA as an image, JSON_PATH values written at their `$.data…` path; the
 *   conversation is told apart by the customer's messages so far (first convo of the
 *   suite wins); each suite gets a replay bot of its own.
 *
 * Each conversation's verdict from both tools is compared: it agrees when both passed or
 * both did not (failed, script error, not checkable). Prints the table, the agreement
 * ratio (also the strict one: the plugin's "failed" against Botium's failures only) and
 * every disagreement with its reason.
 *
 *   npx tsc -p tsconfig.build.json && npm ci --prefix bench/botium
 *   node --import tsx bench/botium-compat.ts [--json FILE] [--corpus DIR]
 *
 * Loopback only: both bots listen on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBotServer, type BotBehaviour, type BotReplyOutput, type BotServer } from '../src/lib/demo/bot-server';

const ROOT = path.resolve(__dirname, '..');
const TWILIO = path.join(ROOT, 'node_modules', '.bin', 'twilio');
const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
/** `--corpus DIR` for a clone that does not sit next to shared/. */
const CORPUS = path.resolve(arg('--corpus') ?? path.join(ROOT, '..', 'shared', 'corpus', 'convos'));
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'scripts');
const COMPAT = path.join(__dirname, 'botium', 'compat.js');

interface BotiumStep {
  sender: string;
  messageText?: string | null;
  not: boolean;
  optional: boolean;
  asserters: { name: string; args: string[]; not?: boolean }[];
  userInputs: { name: string; args: string[] }[];
}
interface PlanSuite {
  dir: string;
  utterances: Record<string, string[]>;
  convos: { file: string; name: string; steps: BotiumStep[] }[];
}
interface BotiumVerdict {
  dir: string;
  file: string;
  name: string;
  passed: boolean;
  error?: string;
}
interface PluginReport {
  results: { name: string; file: string; status: string; error?: string; failures: { line: number; message: string; expected: string; actual: string }[]; notCheckable?: { name: string }[] }[];
  summary: { scriptErrors: { file: string; line: number; message: string }[] };
}

function run(argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const echo: BotBehaviour = (request) => [{ text: `You said: ${request.text ?? ''}` }];

/** Set `value` at a `$.data.a.b[0].c` path inside `data` (other paths cannot be produced by a bot's output). */
function setAtPath(data: Record<string, unknown>, jsonPath: string, value: string): void {
  const m = /^\$\.data((?:\.[A-Za-z_$][\w$]*|\[\d+\])+)$/.exec(jsonPath.trim());
  if (!m) return;
  const keys = [...m[1].matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]/g)].map((k) => (k[1] !== undefined ? k[1] : Number(k[2])));
  if (keys[keys.length - 1] === 'length') return;
  let node: any = data;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    if (node[key] === undefined || typeof node[key] !== 'object') node[key] = typeof keys[i + 1] === 'number' ? [] : {};
    node = node[key];
  });
}

/** One Cognigy output for a #bot step, as the convo expects it. */
function outputFor(step: BotiumStep, utterances: Record<string, string[]>): BotReplyOutput {
  const resolve = (text: string) => {
    const words = text.split(' ');
    return utterances[text]?.[0] ?? utterances[words[0]]?.[0] ?? text;
  };
  let text = step.messageText ? resolve(step.messageText).replace(/\*/g, '') : undefined;
  if (text !== undefined && step.not) text = 'Something else entirely.';
  const positive = step.asserters.filter((a) => !a.not);
  if (text === undefined) {
    const textAsserter = positive.find((a) => /^TEXT(_|$)/.test(a.name) && !/REGEXP/.test(a.name) && a.args.length);
    text = textAsserter ? resolve(textAsserter.args[0]).replace(/\*/g, '') : positive.some((a) => ['BUTTONS', 'CARDS', 'MEDIA'].includes(a.name)) ? 'Please choose.' : 'OK.';
  }
  const rich: Record<string, unknown> = {};
  for (const a of positive) {
    if (a.name === 'BUTTONS' && a.args.length) rich._quickReplies = { type: 'quick_replies', text, quickReplies: a.args.map((t, i) => ({ id: i + 1, contentType: 'postback', title: t, payload: t })) };
    if (a.name === 'CARDS' && a.args.length) rich._gallery = { type: 'carousel', items: a.args.map((t) => ({ title: t, subtitle: '', buttons: [] })) };
    if (a.name === 'MEDIA' && a.args.length) rich._image = { type: 'image', imageUrl: a.args[0] };
  }
  // Under both nestings: botium-connector-cognigy reads media and cards only from the legacy one.
  const data: Record<string, unknown> = Object.keys(rich).length ? { _cognigy: { _default: rich }, _data: { _cognigy: { _default: rich } } } : {};
  for (const a of positive) if (a.name === 'JSON_PATH' && a.args.length > 1) setAtPath(data, a.args[0], a.args[1]);
  return { text, data };
}

/** The replay table: the customer's messages so far (joined) → the outputs the convo expects next. */
function replayTable(plans: PlanSuite[]): Map<string, BotReplyOutput[]> {
  const table = new Map<string, BotReplyOutput[]>();
  for (const suite of plans) {
    for (const convo of suite.convos) {
      const histories: string[][] = [[]];
      let current: BotReplyOutput[] | undefined;
      const keys: string[] = [];
      for (const step of convo.steps) {
        if (step.sender === 'me') {
          const button = step.userInputs.find((u) => u.name === 'BUTTON');
          // Botium sends a BUTTON's first argument; the flow sends its title (the last).
          const said = button ? [...new Set([button.args[0], button.args[button.args.length - 1]])] : [step.messageText ?? ''];
          const next = histories.flatMap((h) => said.map((s) => [...h, s.trim()]));
          histories.splice(0, histories.length, ...next);
          keys.splice(0, keys.length, ...histories.map((h) => h.join('\u0000')));
          current = [];
          for (const key of keys) if (!table.has(key)) table.set(key, current);
        } else if (step.sender === 'bot' && current) {
          current.push(outputFor(step, suite.utterances));
        }
      }
    }
  }
  return table;
}

function replayBehaviour(table: Map<string, BotReplyOutput[]>): BotBehaviour {
  const sessions = new Map<string, string[]>();
  return (request) => {
    const history = sessions.get(request.sessionId) ?? [];
    history.push((request.text ?? '').trim());
    sessions.set(request.sessionId, history);
    const outputs = table.get(history.join('\u0000'));
    return outputs && outputs.length ? outputs : [{ text: `You said: ${request.text ?? ''}` }];
  };
}

type Ours = { status: string; detail: string };

async function pluginVerdicts(suites: { dir: string; bot: BotServer }[], env: NodeJS.ProcessEnv): Promise<Map<string, Ours>> {
  const verdicts = new Map<string, Ours>();
  for (const { dir, bot } of suites) {
    const r = await run([TWILIO, 'cognigy:test-chat', '--script', dir, '--endpoint-url', bot.url, '--concurrency', '8', '--timeout', '20', '-o', 'json'], env, 300_000);
    let report: PluginReport;
    try {
      report = JSON.parse(r.stdout) as PluginReport;
    } catch {
      throw new Error(`test-chat --script ${dir} gave no JSON report (exit ${r.code}): ${r.stderr.slice(0, 500)}`);
    }
    for (const result of report.results) {
      const f = result.failures[0];
      const detail =
        result.status === 'notCheckable'
          ? `not checkable: ${(result.notCheckable ?? []).map((c) => c.name).join(', ')}`
          : f
            ? `line ${f.line}: ${f.message}: expected ${f.expected}; actual ${f.actual}`
            : (result.error ?? '');
      verdicts.set(`${result.file}\u0000${result.name}`, { status: result.status, detail });
    }
    for (const e of report.summary.scriptErrors) verdicts.set(`${e.file}\u0000`, { status: 'script error', detail: `line ${e.line}: ${e.message}` });
  }
  return verdicts;
}

/** Why the two tools differ on a conversation, in a few words. */
function reason(ours: Ours, botium: BotiumVerdict): string {
  if (botium.error?.startsWith('suite not read')) return `botium-core refuses the whole suite (${botium.error.slice(16)}); test-chat reports only the convo at fault`;
  if (ours.status === 'script error' && /UPDATE_CUSTOM|SET_COGNIGY_CONTEXT/.test(ours.detail)) return 'connector-specific request changes (UPDATE_CUSTOM): the Studio flow decides what the bot receives';
  if (ours.status === 'script error' && /must start with a customer message/.test(ours.detail)) return 'the convo starts with #bot: a Studio messaging flow runs only when the customer writes';
  if (ours.status === 'script error' && /FORM in #me/.test(ours.detail)) return 'a form: the flow sends the bot only the text';
  if (ours.status === 'notCheckable') return 'NLU asserter: a Cognigy REST endpoint returns no intent or entities';
  if (ours.status === 'script error') return `not supported by test-chat: ${ours.detail}`;
  return `${ours.status} vs botium ${botium.passed ? 'passed' : 'failed'}: ${ours.detail || botium.error || ''}`;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('dist/ is missing: run "npx tsc -p tsconfig.build.json" first');
  if (!fs.existsSync(path.join(__dirname, 'botium', 'node_modules', 'botium-core'))) throw new Error('botium-core is missing: run "npm ci --prefix bench/botium"');
  const jsonOut = arg('--json');
  const dirs = [
    ...fs.readdirSync(CORPUS).filter((d) => fs.statSync(path.join(CORPUS, d)).isDirectory()).sort().map((d) => path.join(CORPUS, d)),
    ...['botium-pass', 'botium-fail', 'yaml'].map((d) => path.join(FIXTURES, d)),
  ];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-compat-'));
  const home = path.join(work, 'home');
  fs.mkdirSync(home);
  const env = { PATH: process.env.PATH, HOME: home, TWILIO_DISABLE_AUTOUPDATE: '1', TWILIO_SKIP_NEW_VERSION_CHECK: '1', NO_COLOR: '1' };
  const bots: BotServer[] = [];
  try {
    const link = await run([TWILIO, 'plugins:link', ROOT], env, 120_000);
    if (link.code !== 0) throw new Error(`twilio plugins:link failed: ${link.stderr.slice(0, 500)}`);
    const plan = await run([process.execPath, COMPAT, 'plan', ...dirs], process.env, 120_000);
    if (plan.code !== 0) throw new Error(`botium-core could not read the suites: ${plan.stderr.slice(0, 500)}`);
    const plans = JSON.parse(plan.stdout) as PlanSuite[];
    const rows: { bot: string; dir: string; name: string; botium: string; ours: string; agree: boolean; strict: boolean; why?: string }[] = [];
    for (const botName of ['echo', 'replay'] as const) {
      const suites: { dir: string; bot: BotServer }[] = [];
      for (const dir of dirs) {
        const behaviour = botName === 'echo' ? echo : replayBehaviour(replayTable(plans.filter((p) => p.dir === dir)));
        const bot = await startBotServer({ behaviour, record: false });
        bots.push(bot);
        suites.push({ dir, bot });
      }
      const b = await run([process.execPath, COMPAT, 'run', ...suites.flatMap((x) => [x.bot.url, x.dir])], process.env, 600_000);
      if (b.code !== 0) throw new Error(`botium-core run failed: ${b.stderr.slice(0, 500)}`);
      const botium = JSON.parse(b.stdout) as BotiumVerdict[];
      const ours = await pluginVerdicts(suites, env);
      // A suite botium-core refused as a whole: each conversation the plugin ran there counts as a Botium failure.
      const refused = botium.filter((v) => v.name === '(suite)');
      const compared: BotiumVerdict[] = botium.filter((v) => v.name !== '(suite)');
      for (const suite of refused) {
        for (const [key] of ours) {
          const [file, name] = key.split('\u0000');
          if (file.startsWith(`${suite.dir}${path.sep}`)) compared.push({ dir: suite.dir, file, name: name || `${path.basename(file)} (script error)`, passed: false, error: suite.error });
        }
      }
      const seen = new Set<string>();
      for (const v of compared) {
        const key = `${v.file}\u0000${v.name.endsWith(' (script error)') ? '' : v.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const mine = ours.get(key) ?? ours.get(`${v.file}\u0000`) ?? { status: 'missing', detail: 'test-chat did not report this conversation' };
        const agree = (mine.status === 'passed') === v.passed;
        const strict = v.passed ? mine.status === 'passed' : mine.status === 'failed' || mine.status === 'timeout' || mine.status === 'error';
        rows.push({ bot: botName, dir: path.basename(v.dir), name: v.name, botium: v.passed ? 'passed' : 'failed', ours: mine.status, agree, strict, ...(agree ? {} : { why: reason(mine, v) }) });
      }
      for (const { bot } of suites) await bot.close();
      bots.length = 0;
    }
    const width = Math.min(60, Math.max(...rows.map((r) => `${r.dir}/${r.name}`.length)));
    console.log(`${'bot'.padEnd(7)}${'conversation'.padEnd(width + 2)}${'botium'.padEnd(8)}${'test-chat'.padEnd(14)}same`);
    for (const r of rows) {
      const label = `${r.dir}/${r.name}`;
      console.log(`${r.bot.padEnd(7)}${(label.length > width ? `${label.slice(0, width - 1)}…` : label).padEnd(width + 2)}${r.botium.padEnd(8)}${r.ours.padEnd(14)}${r.agree ? 'yes' : 'NO'}`);
    }
    const agreeing = rows.filter((r) => r.agree).length;
    const strict = rows.filter((r) => r.strict).length;
    const pct = (n: number) => `${((100 * n) / rows.length).toFixed(1)}%`;
    console.log(`\nsame verdict (passed / not passed): ${agreeing} of ${rows.length} = ${pct(agreeing)}`);
    console.log(`same outcome, strict (a script error or not checkable never counted as Botium's failure): ${strict} of ${rows.length} = ${pct(strict)}`);
    const disagreements = rows.filter((r) => !r.agree);
    console.log(`\n${disagreements.length} disagreement${disagreements.length === 1 ? '' : 's'}:`);
    for (const r of disagreements) console.log(`- [${r.bot}] ${r.dir}/${r.name}: botium ${r.botium}, test-chat ${r.ours}: ${r.why}`);
    if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify({ rows, agreeing, strict, total: rows.length }, null, 2)}\n`);
  } finally {
    for (const bot of bots) await bot.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
