/**
 * How many real Studio flows test-chat runs: every export in the corpus
 * (`../shared/corpus/flows/`, 31 flows from public repositories, see its SOURCES.md),
 * through the same library calls `twilio cognigy:test-chat --flow-file … -m …` makes.
 *
 * Each flow may have a run file `bench/corpus-flows/<flow file name>.yaml` with what a
 * user would pass on the command line: `messages` (-m, default ["hi"]), `params`
 * (--param), `subflows` (--subflow FW…=FILE, files relative to the corpus folder),
 * `functions` (--function) and `stubs` (--stub: answers for the flow's own services).
 * Nothing goes to the network: a call no stub answers fails as unreachable and is counted.
 *
 * Prints a table (one row per flow: runs / refused, and why) and totals.
 *
 * Usage: node --import tsx bench/corpus-flows.ts [--corpus DIR] [--json]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../src/lib/errors';
import { HttpFailure, type HttpRequest, type HttpTransport } from '../src/lib/http/types';
import { playMessages, prepareChat, type ChatReport } from '../src/lib/tasks/test-chat';
import { TRIGGER_EVENT } from '../src/lib/domain/studio';
import { wiredEvents } from '../src/lib/runtime/flow';
import { printReport } from '../src/printers/test-chat';
import { wordedError } from '../src/printers/errors';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const corpusAt = args.indexOf('--corpus');
const CORPUS = path.resolve(ROOT, corpusAt >= 0 ? args[corpusAt + 1] : '../shared/corpus/flows');
const JSON_OUT = args.includes('--json');
const onlyAt = args.indexOf('--only');
/** `--only 08`: the flows whose file name starts so, each with its transcript (to write a run file). */
const ONLY = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
const RUNS = path.join(ROOT, 'bench', 'corpus-flows');
/** Each flow's run is bounded (a stub's delay, a loop): past this it counts as stuck. */
const FLOW_BUDGET_MS = 20_000;

interface RunFile {
  messages?: string[];
  params?: Record<string, string>;
  subflows?: Record<string, string>;
  functions?: Record<string, string>;
  stubs?: unknown[];
}

interface Row {
  file: string;
  kind: string;
  result: 'runs' | 'refused';
  why: string;
  unstubbed: string[];
}

function kindOf(file: string): string {
  let def: any;
  try {
    def = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return 'not JSON';
  }
  if (!def?.initial_state) return 'v1 format';
  const wired = wiredEvents(def);
  const kinds = [
    Object.values(TRIGGER_EVENT).some((e) => wired.has(e)) ? 'messaging' : '',
    wired.has('incomingCall') ? 'voice' : '',
    wired.has('incomingRequest') ? 'REST' : '',
    wired.has('incomingParent') ? 'subflow' : '',
  ].filter(Boolean);
  return kinds.join('+') || 'no trigger';
}

/** What the flow calls that no stub answered: refused here, named in the table. */
function offline(unstubbed: string[]): HttpTransport {
  return async (request: HttpRequest) => {
    let host = request.url;
    try {
      host = new URL(request.url).host;
    } catch {
      // keep the text
    }
    unstubbed.push(`${request.method} ${host}`);
    throw new HttpFailure('network', `no stub for ${request.method} ${host} (the benchmark makes no network calls)`, 0);
  };
}

function summarise(report: ChatReport): string {
  const bot = report.transcript.filter((e) => e.from === 'bot').length;
  const others = report.transcript.filter((e) => e.from === 'system' && e.kind === 'other-recipient').length;
  const end = report.handedOver ? 'hands over to Flex' : report.ended ? `ends (${report.ended})` : 'waits for the customer';
  const problems = report.problems.map((p) => `${p.kind}: ${p.message}`);
  return [`${bot} message(s) to the customer${others ? `, ${others} to others` : ''}, ${end}`, ...problems].join('; ');
}

async function runOne(file: string): Promise<Row> {
  const name = path.basename(file);
  const kind = kindOf(file);
  const unstubbed: string[] = [];
  const runFile = path.join(RUNS, `${name}.yaml`);
  const run: RunFile = fs.existsSync(runFile) ? (parseYaml(fs.readFileSync(runFile, 'utf8')) ?? {}) : {};
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-flows-'));
  try {
    const stubFiles: string[] = [];
    if (run.stubs?.length) {
      const stubFile = path.join(tmp, 'stubs.json');
      fs.writeFileSync(stubFile, JSON.stringify({ stubs: run.stubs }));
      stubFiles.push(stubFile);
    }
    const prepared = await prepareChat({
      input: {},
      demo: false,
      flowFile: file,
      from: '+15551234567',
      transport: offline(unstubbed),
      stubFiles,
      params: Object.entries(run.params ?? {}).map(([k, v]) => `${k}=${v}`),
      subflows: Object.entries(run.subflows ?? {}).map(([sid, f]) => `${sid}=${path.resolve(CORPUS, f)}`),
      functions: Object.entries(run.functions ?? {}).map(([k, v]) => `${k}=${v}`),
    });
    try {
      let timer: NodeJS.Timeout | undefined;
      const report = await Promise.race([
        playMessages(prepared, run.messages ?? ['hi']),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no end within ${FLOW_BUDGET_MS / 1000} s`)), FLOW_BUDGET_MS);
        }),
      ]).finally(() => clearTimeout(timer));
      // What only the local run cannot do (a type it does not model, an unloaded subflow,
      // a Function without URL) stops it: that flow is refused, with the runner's words.
      const stopped = report.problems.find((p) => p.kind === 'not-modelled' || (p.kind === 'flow-error' && /not loaded|has not loaded|URL the export leaves empty|starts no messaging execution/.test(p.message ?? '')));
      if (ONLY) printReport(report, (line) => console.log(line));
      if (stopped) return { file: name, kind, result: 'refused', why: `at "${stopped.widget}": ${stopped.message}`, unstubbed };
      return { file: name, kind, result: 'runs', why: summarise(report), unstubbed };
    } finally {
      await prepared.close();
    }
  } catch (thrown) {
    // A refused flow is data until a printer words it, as the base command does.
    const error = wordedError(thrown);
    const message = error instanceof UsageError ? error.message : `crashed: ${(error as Error).stack ?? error}`;
    return { file: name, kind, result: 'refused', why: message.split('\n')[0], unstubbed };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(CORPUS)) {
    console.error(`No corpus at ${CORPUS}: pass --corpus DIR (the folder of flow exports).`);
    process.exit(2);
  }
  const files = fs
    .readdirSync(CORPUS)
    .filter((f) => f.endsWith('.json') && (!ONLY || f.startsWith(ONLY)))
    .sort()
    .map((f) => path.join(CORPUS, f));
  const rows: Row[] = [];
  for (const file of files) rows.push(await runOne(file));
  const messaging = rows.filter((r) => r.kind.includes('messaging'));
  const totals = {
    flows: rows.length,
    runs: rows.filter((r) => r.result === 'runs').length,
    refused: rows.filter((r) => r.result === 'refused').length,
    messaging: messaging.length,
    messagingRuns: messaging.filter((r) => r.result === 'runs').length,
    unstubbedCalls: rows.reduce((n, r) => n + r.unstubbed.length, 0),
  };
  if (JSON_OUT) {
    console.log(JSON.stringify({ rows, totals }, null, 2));
    return;
  }
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  console.log('| flow | trigger | result | why / what the run did | unstubbed calls |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.file} | ${r.kind} | ${r.result} | ${cell(r.why)} | ${r.unstubbed.length ? cell([...new Set(r.unstubbed)].join(', ')) : ''} |`);
  console.log();
  console.log(
    `${totals.flows} flows: ${totals.runs} run, ${totals.refused} refused; messaging flows: ${totals.messagingRuns} of ${totals.messaging} run; ${totals.unstubbedCalls} call(s) no stub answered.`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
