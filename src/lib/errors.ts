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

  constructor(
    message: string,
    options: { hint?: string; exitCode?: number; code?: string; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'CognigyError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
    this.code = options.code ?? 'error';
    this.details = options.details;
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
