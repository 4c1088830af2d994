/**
 * What a printer needs from the command, so that every command honours the same output
 * flags: `print` and `outputJson` say nothing under `--silent` or `-o none`, `output`
 * renders rows as cli-core does (columns or tsv), `log`/`warn` go to stderr through
 * cli-core's logger (silenced with `--silent`).
 */
export interface Printer {
  /** One line of human output on stdout, redacted. */
  print(line: string): void;
  /** A value as JSON on stdout, redacted. */
  outputJson(data: unknown): void;
  /** Rows in the chosen format (columns, tsv), redacted. */
  output(data: unknown, properties?: string): void;
  log(message: string): void;
  warn(message: string): void;
  /** `columns` (the default), `json`, `tsv` or `none`. */
  readonly outputFormat: string;
  /** `--silent` or `-o none`: nothing on stdout, and no progress or notes on stderr. */
  readonly quiet: boolean;
}

/** A row of the `-o tsv` summary of a command that changes things: what, its SID, what was done. */
export interface SummaryRow {
  what: string;
  sid: string;
  action: string;
  detail: string;
}

/**
 * How a command's result reads in each output format. The base command picks the format
 * (once, for every command); a printer only says what each form holds.
 */
export interface ResultPrinter<R> {
  /** The `-o json` document; undefined: none (stdout stays empty). */
  json(result: R): unknown;
  /** The `-o tsv` rows; a command without them shows its text form. */
  rows?(result: R): object[];
  /** The default form, for people: lines on stdout, warnings on stderr in their place. */
  human(result: R, out: Printer): void;
  /** What goes to stderr after the `-o json` or `-o tsv` document. */
  notes?(result: R, out: Printer, format: 'json' | 'tsv'): void;
}
