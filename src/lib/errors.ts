/**
 * The plugin's own errors. Every failure a user can cause or fix is one of these: the
 * base command prints `message` and `hint` (one or two lines, no stack trace unless
 * `-l debug`) and exits with `exitCode`. Anything else is a bug and is reported as such.
 */
export class CognigyError extends Error {
  readonly hint?: string;
  readonly exitCode: number;
  /** A short machine-readable code for `-o json` (`invalid-flag`, `bot-unreachable`…). */
  readonly code: string;
  /** Extra structured detail for `-o json`; never holds a secret. */
  readonly details?: Record<string, unknown>;
  /** The host already wrote `message` to stderr (cli-core logs some failures itself): print the hint only. */
  readonly logged: boolean;

  constructor(
    message: string,
    options: { hint?: string; exitCode?: number; code?: string; details?: Record<string, unknown>; logged?: boolean } = {},
  ) {
    super(message);
    this.name = 'CognigyError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
    this.code = options.code ?? 'error';
    this.details = options.details;
    this.logged = options.logged ?? false;
  }
}

/** Bad input: a flag, a file, a script. Exit code 2, as oclif uses for usage errors. */
export class UsageError extends CognigyError {
  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super(message, { hint, exitCode: 2, code: 'usage', details });
    this.name = 'UsageError';
  }
}

export function isCognigyError(error: unknown): error is CognigyError {
  return error instanceof CognigyError;
}

const WRITE_FAILURES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  // mkdir of a folder where a file of that name is
  EEXIST: 'a part of the path is a file, not a folder',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'over the disk quota',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * A file the plugin writes (a report, `--out`, a transcript, a backup) that could not be
 * written, even after its missing folders were created: what and where, and why in words.
 */
export function fileWriteError(what: string, file: string, error: unknown): CognigyError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const why = (code ? WRITE_FAILURES[code] : undefined) ?? (error as Error)?.message ?? String(error);
  return new CognigyError(`Could not write ${what} to ${file}: ${why}${code ? ` (${code})` : ''}.`, {
    hint: 'Check the path and its permissions, or give another file.',
    code: 'write-failed',
    details: { file, errno: code },
  });
}
