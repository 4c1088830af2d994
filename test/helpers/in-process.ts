import { Config } from '@oclif/core';
import { Readable } from 'stream';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { forgetSecrets } from '../../src/lib/redact';
import { baseEnv, filesUnder, ROOT, type CliHome, type CliResult, type RunOptions } from './cli';
import { assertNoSecret, assertNoSecretInFiles } from './secrets';

/**
 * The in-process command layer: a plugin command runs inside the test process, as the
 * `twilio` host would run it (oclif's Config for this plugin, cli-core's environment
 * set-up, the command's own init/run/catch), against the same loopback stand-ins as the
 * end-to-end layer, from src/ through tsx: no build, no host start-up (about a second a
 * run). Same interface as `linkedHome()` (test/helpers/cli.ts), so a test is moved
 * between layers by changing which one it asks for.
 *
 * What only the host shows (plugins:link, install, profiles:* commands, help, start-up,
 * real signals, a terminal) stays in test/e2e.
 */
const COMMANDS: Record<string, () => Promise<{ default: any }>> = {
  'cognigy:init': () => import('../../src/commands/cognigy/init'),
  'cognigy:link-flow': () => import('../../src/commands/cognigy/link-flow'),
  'cognigy:test-chat': () => import('../../src/commands/cognigy/test-chat'),
  'cognigy:escalate': () => import('../../src/commands/cognigy/escalate'),
};

let config: Promise<any> | undefined;
/** One command at a time: a run owns process.env, stdout, stderr and stdin while it lasts. */
let queue: Promise<unknown> = Promise.resolve();

export async function inProcessHome(): Promise<CliHome> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-cmd-'));
  return {
    home,
    configDir: path.join(home, '.twilio-cli'),
    run: (args, options = {}) => {
      const next = queue.then(() => runInProcess(home, args, options));
      queue = next.catch(() => undefined);
      return next;
    },
    cleanup: () => {
      // The saved setup is the one file allowed to hold the endpoint URL.
      const files = filesUnder(home).filter((f) => path.basename(f.file) !== 'setup.json');
      fs.rmSync(home, { recursive: true, force: true });
      assertNoSecretInFiles(files);
    },
  };
}

export async function runInProcess(home: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  if (options.standalone || options.script) throw new Error('bin/run and scripts start a process: use linkedHome() (test/e2e)');
  const [id, ...argv] = args;
  const load = COMMANDS[id];
  if (!load) throw new Error(`${id} is not one of this plugin's commands: host commands run in test/e2e`);
  const Command = (await load()).default;
  Command.id = id;
  config ??= Config.load(ROOT);
  const cfg: Config = await config;

  const env: Record<string, string> = { ...baseEnv(home) };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const savedEnv = { ...process.env };
  const savedStdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  const savedWrites = { out: process.stdout.write, err: process.stderr.write };
  const sigintBefore = new Set(process.listeners('SIGINT'));
  // As the host runs under the end-to-end layer: argv as `twilio` would see it (the error
  // printer reads -l=debug from it), and stdout and stderr pipes, not the terminal mocha
  // may run on (a terminal gets colours and a progress line).
  const savedArgv = process.argv;
  const savedTty = { out: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'), err: Object.getOwnPropertyDescriptor(process.stderr, 'isTTY') };
  let stdout = '';
  let stderr = '';
  // In place, so that what reads the real environment (os.homedir()) sees it too.
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);
  // What the host's bin/run does before oclif starts.
  require('@twilio/cli-core').configureEnv();
  cfg.configDir = process.env.TWILIO_CONFIG_DIR!;
  cfg.cacheDir = process.env.TWILIO_CACHE_DIR!;
  cfg.dataDir = process.env.TWILIO_DATA_DIR!;
  forgetSecrets();
  process.exitCode = undefined;
  process.argv = [process.execPath, path.join(ROOT, 'node_modules', '.bin', 'twilio'), ...args];
  for (const stream of [process.stdout, process.stderr]) Object.defineProperty(stream, 'isTTY', { configurable: true, writable: true, value: undefined });
  const input = Readable.from(options.input ? [options.input] : []);
  Object.defineProperty(process, 'stdin', { configurable: true, enumerable: savedStdin.enumerable, get: () => input });
  process.stdout.write = ((chunk: any, ...rest: any[]) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const done = rest.find((r) => typeof r === 'function');
    if (done) done();
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: any, ...rest: any[]) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const done = rest.find((r) => typeof r === 'function');
    if (done) done();
    return true;
  }) as typeof process.stderr.write;
  let timer: NodeJS.Timeout | undefined;
  let code: number;
  try {
    const timeoutMs = options.timeoutMs ?? 60_000;
    await Promise.race([
      new Command(argv, cfg)._run(argv),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`twilio ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`)), timeoutMs);
      }),
    ]);
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } finally {
    clearTimeout(timer);
    process.stdout.write = savedWrites.out;
    process.stderr.write = savedWrites.err;
    Object.defineProperty(process, 'stdin', savedStdin);
    process.argv = savedArgv;
    for (const [stream, saved] of [[process.stdout, savedTty.out], [process.stderr, savedTty.err]] as const) {
      if (saved) Object.defineProperty(stream, 'isTTY', saved);
      else delete (stream as { isTTY?: boolean }).isTTY;
    }
    for (const l of process.listeners('SIGINT')) if (!sigintBefore.has(l)) process.removeListener('SIGINT', l);
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    process.exitCode = undefined;
  }
  assertNoSecret(stdout + stderr, `the output of twilio ${args.join(' ')}`);
  return { code, stdout, stderr, all: stdout + stderr };
}
