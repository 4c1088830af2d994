import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BrowserContext } from 'playwright-core';
import { baseEnv, ROOT, TWILIO_BIN } from './cli';
import { assertNoSecret } from './secrets';

/**
 * The browser tests' tools: Debian's headless Chromium (never a downloaded browser),
 * driven by playwright-core, with a fresh profile each time; and a command that keeps
 * running (test-chat --web) while the browser talks to it.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the tests leave their screenshots (a CI artefact; git-ignored). */
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'screenshots');

export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium), or set CHROMIUM_PATH.`);
  }
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1500, height: 860 },
    acceptDownloads: false,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function screenshotFile(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}

export interface Running {
  /** The first URL the command printed. */
  url: string;
  child: ChildProcess;
  /** Ctrl-C, then what it printed and its exit code (scanned for secrets). */
  stop(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** The real twilio binary, left running until `stop`, once it printed a URL. */
export function startCommand(home: string, args: string[], o: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Running> {
  const child = spawn(process.execPath, [TWILIO_BIN, ...args], { env: { ...baseEnv(home), ...o.env }, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`twilio ${args.join(' ')} printed no URL in ${o.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, o.timeoutMs ?? 60_000);
    const look = () => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\S+\//.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve({
        url: m[0],
        child,
        stop: async () => {
          child.kill('SIGINT');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          const code = await exited;
          clearTimeout(killer);
          assertNoSecret(stdout + stderr, `the output of twilio ${args.join(' ')}`);
          return { code, stdout, stderr };
        },
      });
    };
    child.stdout!.on('data', look);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`twilio ${args.join(' ')} ended (${code}) before printing a URL\n${stdout}\n${stderr}`));
    });
  });
}
