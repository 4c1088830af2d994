import { Config, CliUx } from '@oclif/core';
import SimpleAction from '@oclif/core/lib/cli-ux/action/simple';
import { logger as cliCoreLogger, LoggingLevel } from '@twilio/cli-core/src/services/messaging/logging';
import { Readable } from 'stream';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { forgetSecrets } from '../../src/lib/redact';
import { filesUnder, ROOT, runEnv, TWILIO_BIN, type CliHome, type CliResult, type RunOptions } from './cli';
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

const ux = CliUx.ux;

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

  const fresh = freshProcess(home, args, runEnv(home, options.env), options.cwd);
  let stdout = '';
  let stderr = '';
  const capture = (append: (text: string) => void) =>
    ((chunk: any, ...rest: any[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const done = rest.find((r) => typeof r === 'function');
      if (done) done();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture((t) => (stdout += t));
  process.stderr.write = capture((t) => (stderr += t));
  // What the host's bin/run does before oclif starts.
  require('@twilio/cli-core').configureEnv();
  hostConfig(cfg, home);
  const input = Readable.from(options.input ? [options.input] : []);
  Object.defineProperty(process, 'stdin', { configurable: true, enumerable: fresh.stdinEnumerable, get: () => input });
  let timer: NodeJS.Timeout | undefined;
  let code: number;
  try {
    const timeoutMs = options.timeoutMs ?? 60_000;
    code = await Promise.race([
      new Command(argv, cfg)._run(argv).then(
        () => (typeof process.exitCode === 'number' ? process.exitCode : 0),
        (error: any) => hostHandles(error),
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`twilio ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    fresh.restore();
  }
  assertNoSecret(stdout + stderr, `the output of twilio ${args.join(' ')}`);
  return { code, stdout, stderr, all: stdout + stderr };
}

/**
 * What `@oclif/core/handle` (the host's bin/run ends with it) does with an error that
 * escaped the command's own catch: print it unless it is an exit, exit with its code or 1.
 */
function hostHandles(error: any): number {
  const { ExitError } = require('@oclif/core/lib/errors');
  if (!(error instanceof ExitError)) {
    const pretty = require('@oclif/core/lib/errors/errors/pretty-print').default(error);
    process.stderr.write(`${pretty || error?.stack || String(error)}\n`);
  }
  const exit = error?.oclif?.exit;
  return exit !== undefined && exit !== false ? exit : 1;
}

/**
 * The Config is loaded once, from this plugin; what oclif derives from the environment
 * at load time is set again for each run's HOME, and it names itself as the host does
 * (cli-core puts the first word of the user agent into every Twilio request's).
 */
function hostConfig(cfg: Config, home: string): void {
  cfg.home = home;
  cfg.configDir = process.env.TWILIO_CONFIG_DIR!;
  cfg.cacheDir = process.env.TWILIO_CACHE_DIR!;
  cfg.dataDir = process.env.TWILIO_DATA_DIR!;
  cfg.errlog = path.join(cfg.cacheDir, 'error.log');
  cfg.userAgent = `twilio-cli/${HOST_VERSION} ${cfg.platform}-${cfg.arch} node-${process.version}`;
}

const HOST_VERSION: string = require('twilio-cli/package.json').version;

/** The process-wide events a command may listen to; a listener it leaves goes with the run. */
const PROCESS_EVENTS = ['SIGINT', 'SIGTERM', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'warning'] as const;
/** What a terminal gives a stream and a pipe does not. */
const TTY_PROPERTIES = ['isTTY', 'columns', 'rows'] as const;

/**
 * Makes this process look, for one run, like the `twilio` process the end-to-end layer
 * starts: that run's environment (in place, so os.homedir() sees it too), argv, working
 * folder (HOME), pipes rather than terminals on stdout and stderr (so colour, spinners,
 * progress lines and prompts decide as in CI, whatever the terminal mocha runs in), the
 * colour level chalk would compute from that environment, cli-core's logger at its
 * starting level, no secret registered yet and no exit code. `restore()` puts the test
 * process back, and removes what the run left listening on the process.
 *
 * A `process.exit()` inside a run would end the mocha worker: it fails the run instead.
 */
function freshProcess(home: string, args: string[], env: Record<string, string>, cwd = home) {
  const saved = {
    env: { ...process.env },
    argv: process.argv,
    cwd: process.cwd(),
    exit: process.exit,
    exitCode: process.exitCode,
    out: process.stdout.write,
    err: process.stderr.write,
    stdin: Object.getOwnPropertyDescriptor(process, 'stdin')!,
    tty: [process.stdout, process.stderr].map((stream) => TTY_PROPERTIES.map((p) => [p, Object.getOwnPropertyDescriptor(stream, p)] as const)),
    listeners: new Map(PROCESS_EVENTS.map((e) => [e, new Set(process.listeners(e as any))])),
    chalks: chalkLevels(),
    action: ux.config.action,
    logLevel: cliCoreLogger.config.level,
  };
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);
  process.argv = [process.execPath, TWILIO_BIN, ...args];
  process.chdir(cwd);
  for (const stream of [process.stdout, process.stderr]) {
    // A pipe has no isTTY at all (undefined, not false), nor a size.
    Object.defineProperty(stream, 'isTTY', { configurable: true, writable: true, value: undefined });
    for (const p of ['columns', 'rows']) Object.defineProperty(stream, p, { configurable: true, writable: true, value: undefined });
  }
  for (const { chalk, file } of saved.chalks) {
    const level = pipeColourLevel(file);
    chalk.level = level;
    if (chalk.stderr) chalk.stderr.level = level;
  }
  // oclif picks spinner or plain "Doing... done" once, when it is first loaded.
  ux.config.action = new SimpleAction();
  cliCoreLogger.config.level = LoggingLevel.info;
  forgetSecrets();
  process.exitCode = undefined;
  process.exit = ((exitCode?: number) => {
    throw new Error(`process.exit(${exitCode ?? ''}) during an in-process run of twilio ${args.join(' ')}: this path needs a real process (test/e2e)`);
  }) as typeof process.exit;

  return {
    stdinEnumerable: saved.stdin.enumerable,
    restore(): void {
      process.stdout.write = saved.out;
      process.stderr.write = saved.err;
      Object.defineProperty(process, 'stdin', saved.stdin);
      [process.stdout, process.stderr].forEach((stream, i) => {
        for (const [p, descriptor] of saved.tty[i]) {
          if (descriptor) Object.defineProperty(stream, p, descriptor);
          else delete (stream as any)[p];
        }
      });
      for (const [event, before] of saved.listeners) {
        for (const l of process.listeners(event as any)) if (!before.has(l)) process.removeListener(event, l);
      }
      for (const { chalk, level, stderrLevel } of saved.chalks) {
        chalk.level = level;
        if (chalk.stderr) chalk.stderr.level = stderrLevel;
      }
      ux.config.action = saved.action;
      cliCoreLogger.config.level = saved.logLevel;
      for (const k of Object.keys(process.env)) delete process.env[k];
      Object.assign(process.env, saved.env);
      process.argv = saved.argv;
      process.chdir(saved.cwd);
      process.exit = saved.exit;
      process.exitCode = saved.exitCode;
    },
  };
}

/**
 * Every chalk loaded so far (the host's chalk 4 under cli-core's logger, any other copy):
 * each computed its level when it was loaded, from the test process's terminal.
 */
function chalkLevels(): { chalk: any; file: string; level: number; stderrLevel?: number }[] {
  const found: { chalk: any; file: string; level: number; stderrLevel?: number }[] = [];
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]node_modules[\\/]chalk[\\/]/.test(file)) continue;
    const chalk = mod?.exports?.default ?? mod?.exports;
    if (!chalk || typeof chalk.level !== 'number' || found.some((f) => f.chalk === chalk)) continue;
    found.push({ chalk, file, level: chalk.level, stderrLevel: chalk.stderr?.level });
  }
  return found;
}

/**
 * The level the supports-color beside a chalk gives a pipe in this run's environment
 * (FORCE_COLOR, TERM, CI…, --color in argv): a fresh copy of it, as a new process loads
 * it, since it reads FORCE_COLOR once, when loaded.
 */
function pipeColourLevel(chalkFile: string): number {
  const file = require.resolve('supports-color', { paths: [path.dirname(chalkFile)] });
  const cached = require.cache[file];
  delete require.cache[file];
  try {
    const found = require(file).supportsColor({ isTTY: false });
    return found ? found.level : 0;
  } finally {
    if (cached) require.cache[file] = cached;
    else delete require.cache[file];
  }
}
