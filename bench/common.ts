/** What the benchmarks share: the bench bot in its own process, and timed child processes. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const TWILIO = path.join(ROOT, 'node_modules', '.bin', 'twilio');
const GNU_TIME = '/usr/bin/time';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface Measured {
  wallMs: number;
  maxRssKb?: number;
  stdout: string;
}

/** Run a node script as a child, timed from spawn to exit, with its peak memory. */
/** `anyExit`: a non-zero exit (conversations failed) still resolves; a kill never does. */
export function measure(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, o: { anyExit?: boolean } = {}): Promise<Measured> {
  const useTime = fs.existsSync(GNU_TIME);
  const rssFile = path.join(os.tmpdir(), `cognigy-bench-rss-${process.pid}-${Date.now()}`);
  const command = useTime ? GNU_TIME : process.execPath;
  const argv = useTime ? ['-f', '%M', '-o', rssFile, process.execPath, ...args] : args;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hwm = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d.toString().slice(0, 4_000)));
    // Without GNU time: poll the high-water mark the kernel keeps for the process.
    const poll = useTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwm = Math.max(hwm, Number(m[1]));
          } catch {
            // exited between two polls
          }
        }, 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let maxRssKb: number | undefined = hwm || undefined;
      if (useTime && fs.existsSync(rssFile)) {
        // GNU time writes "Command exited with non-zero status N" before %M on failure.
        const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
        maxRssKb = Number(lines[lines.length - 1]) || undefined;
        fs.rmSync(rssFile, { force: true });
      }
      if (code !== 0 && !(o.anyExit && code !== null)) reject(new Error(`${path.basename(args[0])} ${signal ? `killed (${signal}, past ${timeoutMs} ms)` : `exited ${code}`}: ${stderr}`));
      else resolve({ wallMs, maxRssKb, stdout });
    });
  });
}

/** The bench bot (bench/scripts-bot.ts) in its own process; `stop` resolves with its 429 counts (with --limit). */
export async function startBot(args: string[] = []): Promise<{ url: string; stop(): Promise<{ accepted?: number; refused?: number }> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'scripts-bot.ts'), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench bot did not start within 20 s')), 20_000);
    const look = () => {
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        child.stdout.off('data', look);
        resolve(JSON.parse(line).url);
      }
    };
    child.stdout.on('data', look);
    child.on('exit', (code) => reject(new Error(`the bench bot exited (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    url,
    stop: async () => {
      child.stdin.end();
      await exited;
      const stats = out.split('\n').find((l) => l.startsWith('{"accepted"'));
      return stats ? JSON.parse(stats) : {};
    },
  };
}

/** A numeric `--name N` option, clamped to [min, max]. */
export function option(name: string, fallback: number, min: number, max: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) ? Math.max(min, Math.min(max, Math.floor(value))) : fallback;
}

/** One conversation per file, as BotiumScript has it: the bot echoes, one output per turn. */
export function writeEchoSuite(dir: string, count: number, turns: number): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    let text = `conversation ${i}\n`;
    for (let t = 1; t <= turns; t++) {
      const message = `message ${t} of conversation ${i}`;
      text += `\n#me\n${message}\n\n#bot\nYou said: ${message}\n`;
    }
    fs.writeFileSync(path.join(dir, `c${String(i).padStart(6, '0')}.convo.txt`), text);
  }
}
