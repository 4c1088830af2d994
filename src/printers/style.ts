import chalk = require('chalk');

const COLOURED = new chalk.Instance({ level: 1 });
const PLAIN = new chalk.Instance({ level: 0 });

/**
 * Whether what this plugin writes to `stream` is coloured. FORCE_COLOR decides when set
 * (as chalk reads it: "0" and "false" turn colour off, anything else on); otherwise
 * NO_COLOR (https://no-color.org) or a stream that is not a terminal turns it off, and
 * on a terminal chalk's own reading of it (TERM=dumb, --no-color, CI) decides. Read at
 * each call, not once at start-up, so one process can run several commands.
 */
export function colourFor(stream: NodeJS.WriteStream): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (process.env.NO_COLOR || !stream.isTTY) return false;
  return Boolean(stream === process.stderr ? chalk.stderr.supportsColor : chalk.supportsColor);
}

/** chalk, painting only when `on`: the printers decide once, then style with it. */
export function paint(on: boolean | undefined): chalk.Chalk {
  return on ? COLOURED : PLAIN;
}

export type Paint = chalk.Chalk;
