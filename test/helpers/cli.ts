import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assertNoSecret, assertNoSecretInFiles } from './secrets';

/**
 * Runs the real `twilio` binary (twilio-cli from the npm registry) with this plugin
 * linked, under a throw-away HOME, so the user's ~/.twilio-cli is never touched.
 */
export const ROOT = path.resolve(__dirname, '..', '..');
export const TWILIO_BIN = path.join(ROOT, 'node_modules', '.bin', 'twilio');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Everything the run printed, for secret scans. */
  all: string;
}

export interface CliHome {
  home: string;
  configDir: string;
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  cleanup(): void;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  /** Run bin/run (the plugin alone) instead of the twilio host. */
  standalone?: boolean;
  /** Run this Node script (e.g. scripts/demo.js) instead of the twilio host. */
  script?: string;
  /** The working folder (default: HOME). */
  cwd?: string;
}

/** A fresh HOME with the plugin linked through `twilio plugins:link`. */
export async function linkedHome(): Promise<CliHome> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-e2e-'));
  const cli: CliHome = {
    home,
    configDir: path.join(home, '.twilio-cli'),
    run: (args, options = {}) => runCli(home, args, options),
    cleanup: () => {
      // The saved setup is the one file allowed to hold the endpoint URL.
      const files = filesUnder(home).filter((f) => path.basename(f.file) !== 'setup.json');
      fs.rmSync(home, { recursive: true, force: true });
      assertNoSecretInFiles(files);
    },
  };
  const linked = await cli.run(['plugins:link', ROOT], { timeoutMs: 60_000 });
  if (linked.code !== 0) throw new Error(`plugins:link failed: ${linked.all}`);
  return cli;
}

/** The environment a CI job would have: no profile, nothing inherited from the developer. */
export function baseEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    TWILIO_DISABLE_AUTOUPDATE: '1',
    TWILIO_SKIP_NEW_VERSION_CHECK: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    LANG: 'C.UTF-8',
  };
  return env;
}

/** A run's environment: the CI-like base, with `overrides` set (or, when undefined, removed). */
export function runEnv(home: string, overrides: RunOptions['env'] = {}): Record<string, string> {
  const env: Record<string, string> = { ...baseEnv(home) };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runCli(home: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env = runEnv(home, options.env);
  const command = options.script ?? (options.standalone ? path.join(ROOT, 'bin', 'run') : TWILIO_BIN);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [command, ...args], { env, cwd: options.cwd ?? home, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`twilio ${args.join(' ')} did not finish in ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        assertNoSecret(stdout + stderr, `the output of twilio ${args.join(' ')}`);
      } catch (error) {
        reject(error);
        return;
      }
      resolve({ code: code ?? 1, stdout, stderr, all: stdout + stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Files under a folder, with their text, for secret scans. */
export function filesUnder(dir: string): { file: string; text: string; mode: number }[] {
  const out: { file: string; text: string; mode: number }[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(p);
      }
      else if (entry.isFile() && fs.statSync(p).size < 5_000_000) out.push({ file: p, text: fs.readFileSync(p, 'utf8'), mode: fs.statSync(p).mode & 0o777 });
    }
  };
  walk(dir);
  return out;
}
