import * as path from 'path';
import { baseEnv, ROOT, TWILIO_BIN } from './cli';
import { assertNoSecret } from './secrets';

/**
 * The real twilio binary in a pseudo-terminal, for the wizard and the REPL: what a
 * person sees and types. Every wait is bounded.
 */
export interface PtySession {
  output(): string;
  write(data: string): void;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited(timeoutMs?: number): Promise<number>;
  kill(): void;
}

/**
 * `echoes`: what the person types at a prompt whose typing the terminal shows (a URL
 * typed in clear). Only its echo right after that prompt is exempt from the secret scan;
 * anywhere else (an error, the summary, the prompt's final, redacted rendering) it still
 * counts as a leak.
 */
export function spawnTwilio(
  home: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { echoes?: { prompt: string; typed: string }[] } = {},
): PtySession {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const pty = require('node-pty');
  const fullEnv: Record<string, string> = { ...baseEnv(home), TERM: 'xterm-256color' };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete fullEnv[k];
    else fullEnv[k] = v;
  }
  const child = pty.spawn(process.execPath, [TWILIO_BIN, ...args], { cols: 120, rows: 40, cwd: home, env: fullEnv });
  let buffer = '';
  let exitCode: number | undefined;
  const exitWaiters: ((code: number) => void)[] = [];
  child.onData((d: string) => (buffer += d));
  child.onExit(({ exitCode: code }: { exitCode: number }) => {
    exitCode = code;
    exitWaiters.forEach((w) => w(code));
  });
  const plain = () => buffer.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  return {
    output: plain,
    write: (data) => child.write(data),
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = () => {
          if (pattern.test(plain())) return resolve();
          if (exitCode !== undefined) return reject(new Error(`exited (${exitCode}) before ${pattern}:\n${plain()}`));
          if (Date.now() - started > timeoutMs) return reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${plain()}`));
          setTimeout(poll, 50);
        };
        poll();
      }),
    exited: (timeoutMs = 20_000) =>
      new Promise<number>((resolve, reject) => {
        if (exitCode !== undefined) return resolve(exitCode);
        const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${plain()}`)), timeoutMs);
        exitWaiters.push((code) => {
          clearTimeout(timer);
          resolve(code);
        });
      }).then((code) => {
        let seen = plain();
        for (const e of options.echoes ?? []) seen = seen.split(`${e.prompt} ${e.typed}`).join(`${e.prompt} <typed>`);
        assertNoSecret(seen, `the terminal of twilio ${args.join(' ')}`);
        return code;
      }),
    kill: () => {
      if (exitCode === undefined) child.kill();
    },
  };
}

export const REPO = path.resolve(ROOT);
