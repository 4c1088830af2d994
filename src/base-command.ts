import TwilioClientCommand = require('@twilio/cli-core/src/base-commands/twilio-client-command');
import BaseCommand = require('@twilio/cli-core/src/base-commands/base-command');
import { logger as cliCoreLogger } from '@twilio/cli-core/src/services/messaging/logging';
import { CognigyError } from './lib/errors';
import { checkArguments, outputFormatIn } from './flags';
import { redact, redactDeep, registerArgumentSecrets, registerEndpointSecret, registerSecret } from './lib/redact';
import { explainAuthFailure } from './lib/twilio/credentials';
import type { Busy } from './lib/domain/busy';
import { busyText, spinnerWanted, withSpinner } from './printers/spinner';
import type { ResultPrinter } from './printers/printer';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

function flattenCells<T>(rows: T): T {
  const flat = (row: unknown) =>
    row && typeof row === 'object'
      ? Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[\t\r\n]+/g, ' ') : v]))
      : row;
  return (Array.isArray(rows) ? rows.map(flat) : flat(rows)) as T;
}

function safeHost(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * cli-core logs some failures itself before it throws (`Could not find profile "…"`, with
 * whatever was passed to `-p`): its one logger passes through redaction too.
 */
function redactCliCoreLogger(): void {
  const target = cliCoreLogger as unknown as { log: (msg: unknown, level?: number) => void; redacted?: boolean };
  if (target.redacted) return;
  const log = target.log.bind(target);
  target.log = (msg, level) => log(typeof msg === 'string' ? redact(msg) : redactDeep(msg), level);
  target.redacted = true;
}

/**
 * The plugin's base command. It adds to cli-core's TwilioClientCommand what every
 * command of this plugin needs: secrets registered for redaction before anything is
 * printed, Twilio calls routed through the local API hook with bounded retries, Twilio
 * credentials resolved only when a command really calls Twilio, and errors printed as
 * one or two lines with the right exit code (no stack trace unless `-l debug`, no
 * `EEXIT` noise from the host).
 */
export abstract class CognigyCommand<R = unknown> extends TwilioClientCommand {
  static flags = { ...TwilioClientCommand.flags };

  /** Whether this invocation calls Twilio (and so needs credentials). */
  protected needsTwilio(_flags: Record<string, any>): boolean {
    return true;
  }

  /** True when a person can answer prompts: both ends are terminals. */
  protected get interactive(): boolean {
    return Boolean(process.stdin.isTTY && process.stdout.isTTY);
  }

  /**
   * Commands that end their own work on Ctrl-C (test-chat: the REPL leaves, a script run
   * reports what it ran) set this; every other command exits 130 at once.
   */
  protected static handlesInterrupt = false;

  /** What Ctrl-C leaves behind, said when it ends the command. */
  protected interruptedMessage = 'Interrupted.';

  /**
   * The command's own work, after `init()`: returns what it did, as data, which the base
   * command prints in the chosen format (see `printer`). A command that prints as it goes
   * (the REPL, a script run) returns nothing.
   */
  abstract run(): Promise<R | void>;

  /**
   * How `run()`'s result reads, in each format (imported when needed, to keep start-up
   * light); commands that return nothing need none.
   */
  protected async printer(_result: R): Promise<ResultPrinter<R> | undefined> {
    return undefined;
  }

  /** After the result is printed: what still fails the command (an --out file not written). */
  protected afterOutput(_result: R): void {}

  /**
   * oclif's, with the result printed inside the error handling: a failure to print, or
   * one that `afterOutput` reports, ends the command as any other does.
   */
  async _run<T>(): Promise<T | undefined> {
    let err: Error | undefined;
    let result: R | void = undefined;
    try {
      delete process.env[this.config.scopedEnvVarKey('REDIRECTED')];
      await this.init();
      result = await this.run();
      if (result !== undefined) {
        const printer = await this.printer(result);
        if (printer) this.printResult(printer, result);
        this.afterOutput(result);
      }
    } catch (error) {
      err = error as Error;
      await this.catch(error);
    } finally {
      await this.finally(err);
    }
    return result as unknown as T;
  }

  /**
   * The one place the format is chosen: `-o json` prints the printer's document, `-o tsv`
   * its rows (where it has a table), anything else its text for people; `--silent` and
   * `-o none` print nothing on stdout (see `quiet`).
   */
  private printResult(printer: ResultPrinter<R>, result: R): void {
    const format = this.outputFormat;
    if (format === 'json') {
      const document = printer.json(result);
      // A command may have no document to give (test-chat merging JUnit reports only).
      if (document !== undefined) this.outputJson(document);
      printer.notes?.(result, this, 'json');
    } else if (format === 'tsv' && printer.rows) {
      this.output(printer.rows(result));
      printer.notes?.(result, this, 'tsv');
    } else {
      printer.human(result, this);
    }
  }

  /**
   * What every command needs before its own work, run by oclif before `run()`: secrets
   * registered, flags parsed, cli-core's set-up (logger, config; the Twilio client when
   * the command calls Twilio).
   */
  protected async init(): Promise<void> {
    await super.init();
    if (!(this.constructor as typeof CognigyCommand).handlesInterrupt) this.exitOnInterrupt();
    redactCliCoreLogger();
    // Register what the command line and env hold before any output can happen.
    registerEndpointSecret(process.env.COGNIGY_ENDPOINT_URL);
    registerSecret(process.env.TWILIO_AUTH_TOKEN);
    registerSecret(process.env.TWILIO_API_SECRET);
    const ctor = this.constructor as any;
    checkArguments(this.argv, ctor.flags, `${this.config.bin} ${this.id} --help`, ctor.refusedFlags);
    const { flags } = await this.parse(ctor);
    registerEndpointSecret((flags as any)['endpoint-url']);
    // A token given to the wrong flag is still a token; customer messages are content.
    const messages = new Set<string>((flags as any).message ?? []);
    registerArgumentSecrets(this.argv.filter((a) => !messages.has(a)));

    if (this.needsTwilio(flags)) {
      try {
        await TwilioClientCommand.prototype.run.call(this);
      } catch (error) {
        throw this.missingProfile(error) ?? error;
      }
      registerSecret(this.currentProfile.apiSecret);
      this.httpClient = (await import('./lib/twilio/client')).createCliHttpClient(this);
    } else {
      await BaseCommand.prototype.run.call(this);
    }
    this.routeLogsThroughRedaction();
  }

  /**
   * cli-core's "no usable profile" failure as the plugin's own error. cli-core throws a
   * TwilioCliError with neither a code nor data for it, so it is recognised by the state
   * cli-core leaves behind (no profile found, or one without an API key), never by its
   * words; cli-core has already logged which profile is missing, so only the hint is added.
   */
  private missingProfile(error: any): CognigyError | undefined {
    if (error?.name !== 'TwilioCliError') return undefined;
    const profile = this.currentProfile;
    if (profile?.apiKey && profile.apiSecret) return undefined;
    const named = this.flags?.profile;
    // cli-core's own "Missing required flag: --profile" (requireProfileInput) is not this.
    if (!profile && !named && this.userConfig?.requireProfileInput) return undefined;
    const others = Object.keys(this.userConfig?.profiles ?? {}).length > 0;
    const message = profile
      ? `Could not get credentials for profile "${profile.id}".`
      : named
        ? `Could not find profile "${named}".`
        : others
          ? 'There is no active profile set.'
          : 'Could not find profile.';
    const command = !profile && !named && others ? 'use' : 'create';
    const hint = `Run: twilio profiles:${command}${named ? ` --profile "${named}"` : ''}  (or set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET)`;
    return new CognigyError(message, { hint, code: 'no-credentials', logged: true });
  }

  /**
   * Ctrl-C ends the command with 130, as a shell reports a command it interrupted, so
   * `twilio cognigy:init && next-step` stops there. Writes are atomic (temporary file,
   * then rename), so exiting here leaves nothing half-written.
   */
  private exitOnInterrupt(): void {
    process.once('SIGINT', () => this.exitInterrupted());
  }

  private exitInterrupted(): never {
    process.stderr.write(`\n » ${this.interruptedMessage}\n`);
    process.exit(130);
  }

  /**
   * cli-core's inquirer, whose prompts end the command with 130 on Ctrl-C. Inquirer
   * answers the key by closing its prompt and signalling the process; with another SIGINT
   * listener present (its own cursor restorer's) nothing then remained to run, and the
   * process ended with 0 before the signal arrived.
   */
  protected interruptibleInquirer(): any {
    const real = this.inquirer;
    return {
      ...real,
      prompt: (questions: unknown, answers?: unknown) => {
        const pending = real.prompt(questions, answers);
        pending.ui?.rl?.on('SIGINT', () => this.exitInterrupted());
        return pending;
      },
    };
  }

  /** cli-core's logger writes to stderr; every line passes through redaction first. */
  private routeLogsThroughRedaction(): void {
    const wrap = (fn: (msg: unknown) => void) => (msg: unknown) =>
      fn(redact(typeof msg === 'string' ? msg : msg instanceof Error ? msg.message : JSON.stringify(msg)));
    this.log = wrap(this.logger.info.bind(this.logger)) as any;
    this.warn = wrap(this.logger.warn.bind(this.logger)) as any;
    (this as any).error = wrap(this.logger.error.bind(this.logger));
    (this as any).debug = wrap(this.logger.debug.bind(this.logger));
  }

  /** Log at debug level (stderr, redacted). */
  protected debugLog(message: string): void {
    this.logger?.debug(redact(message));
  }

  /**
   * A debug logger for library code that makes its own HTTP calls (the bot), or undefined
   * unless `-l debug`: callers then skip the logging wrapper altogether.
   */
  protected get debugLogger(): ((message: string) => void) | undefined {
    if (this.flags?.['cli-log-level'] !== 'debug' || this.flags?.silent) return undefined;
    return (message) => this.debugLog(message);
  }

  /**
   * How the library's long operations show: the host's spinner for a person at a
   * terminal (see spinnerWanted), a debug line otherwise.
   */
  protected busy(): Busy {
    return (task, work) => {
      const text = busyText(task);
      if (spinnerWanted({ quiet: this.quiet, outputFormat: this.outputFormat })) return withSpinner(redact(text), work);
      this.debugLog(`${text}…`);
      return work();
    };
  }

  protected get jsonOutput(): boolean {
    return this.outputFormat === 'json';
  }

  /** The chosen format; read from the command line itself when oclif could not parse it. */
  get outputFormat(): string {
    return this.flags?.['cli-output-format'] ?? outputFormatIn(this.argv) ?? 'columns';
  }

  /**
   * `--silent` or `-o none`: stdout stays empty, as cli-core's own `output()` does. Errors
   * still reach stderr (see `catch`) and the exit code still tells.
   */
  get quiet(): boolean {
    return Boolean(this.flags?.silent) || this.outputFormat === 'none';
  }

  /** One line of human output on stdout, redacted. */
  print(line: string): void {
    if (!this.quiet) process.stdout.write(`${redact(line)}\n`);
  }

  /** Print to stdout in the chosen format, redacted. */
  output(data: unknown, properties?: string, options?: Record<string, unknown>): void {
    let rows = redactDeep(data);
    // cli-core's tsv writer escapes nothing: a tab or newline in a value would shift columns.
    if (this.outputFormat === 'tsv') rows = flattenCells(rows);
    super.output(rows, properties, options);
  }

  /** JSON on stdout for `-o json`, whatever the data's shape (cli-core wraps objects in arrays). */
  outputJson(data: unknown): void {
    if (this.quiet) return;
    this.printedJson = true;
    process.stdout.write(`${JSON.stringify(redactDeep(data), null, 2)}\n`);
  }

  /**
   * Set once stdout holds the command's JSON document: a failure after it (a report file
   * that could not be written) goes to stderr only, so stdout stays one JSON document.
   */
  protected printedJson = false;

  async catch(error: any): Promise<any> {
    // Before the flags were parsed nothing says which argument is a secret: any
    // token-shaped one is, whatever flag it was (mis)typed for.
    if (!this.flags) registerArgumentSecrets(this.argv, { unparsed: true });
    // A refused login (20003) names the credentials this run used, whichever command
    // made the call; the host's hint about regional resources rarely applies.
    if (this.currentProfile) {
      const { id, accountSid, apiKey, region } = this.currentProfile;
      error = explainAuthFailure(error, { id, accountSid, apiKey, region });
    }
    // A refused flow is data until here: its words are the printers' (loaded only then).
    if (error instanceof CognigyError && (error.name === 'FlowLintError' || error.name === 'FlowRefusedError')) {
      error = (await import('./printers/errors')).wordedError(error);
    }
    const debugOn = this.flags?.['cli-log-level'] === 'debug' || process.argv.includes('-l=debug');
    const write = (line: string) => process.stderr.write(`${redact(line)}\n`);
    let code = 1;
    let payload: Record<string, unknown>;

    if (error instanceof CognigyError) {
      code = error.exitCode;
      if (!error.logged) write(` » ${error.message}`);
      if (error.hint) write(`   ${error.hint}`);
      payload = { code: error.code, message: error.message, hint: error.hint, ...error.details };
    } else if (error?.name === 'TwilioCliError') {
      // API errors mapped by cli-core: "Error code 20404 from Twilio: …". Exit codes follow
      // cli-core: the first two digits of the Twilio error code.
      const twilioCode = error.exitCode ?? error.data?.code;
      code = twilioCode ? parseInt(String(twilioCode).substring(0, 2), 10) || 1 : 1;
      write(` » ${error.message}`);
      payload = { code: twilioCode ?? 'twilio-error', message: error.message, status: error.data?.status };
    } else if (NETWORK_CODES.has(error?.code) && (error?.config?.url || error?.isAxiosError)) {
      // A Twilio call that never got an answer (cli-core maps only time-outs).
      const host = safeHost(error.config?.url);
      write(` » Could not reach the Twilio API${host ? ` at ${host}` : ''}: ${error.code}.`);
      write('   Check the network, HTTP_PROXY, or TWILIO_API_BASE_URL; nothing was changed by the request that failed.');
      payload = { code: 'twilio-unreachable', message: `${error.code}` };
    } else if (error?.oclif?.exit !== undefined && /EEXIT/.test(error.message ?? '')) {
      process.exitCode = error.oclif.exit;
      return;
    } else if (error?.oclif || error?.name === 'CLIError' || /flag|argument/i.test(error?.constructor?.name ?? '')) {
      // Parse errors from oclif (unknown flag, bad enum value…): usage errors.
      code = 2;
      // oclif puts the reason on a second line ("Parsing --x" / "Expected an integer…"),
      // and its own "See more help with --help", said once below.
      const reason = String(error.message)
        .split('\n')
        .map((l) => l.trim().replace(/:?\s*See more help with --help$/, ''))
        .filter(Boolean)
        .slice(0, 2)
        .join(': ');
      const hint = `See: ${this.config.bin} ${this.id} --help`;
      write(` » ${reason}`);
      write(`   ${hint}`);
      payload = { code: 'usage', message: reason, hint };
    } else {
      write(` » Unexpected error: ${error?.message ?? String(error)}`);
      write('   This is a bug in twilio-plugin-cognigy; run again with -l debug and report the output.');
      payload = { code: 'unexpected', message: String(error?.message ?? error) };
    }
    if (debugOn && error?.stack) write(error.stack);
    if (this.jsonOutput && !this.printedJson) this.outputJson({ error: payload });
    process.exitCode = code;
  }
}
