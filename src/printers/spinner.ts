import * as readline from 'readline';
import type { BusyTask } from '../lib/domain/busy';

/** What a long operation is called while the spinner turns. */
export function busyText(task: BusyTask): string {
  switch (task.kind) {
    case 'probe':
      return `Probing ${task.endpoint}${task.testMode ? ' (test mode)' : ''} with the flow's ${task.requestFormat === 'json' ? 'JSON' : 'form-encoded'} body`;
    case 'discovery':
      return 'Reading the Flex account (workspaces, flows, entry points)';
    case 'setup':
      return 'Reading the setup from the account';
    case 'deploy':
      return task.dryRun ? `Comparing "${task.flow}" with what Twilio holds` : `Deploying "${task.flow}"`;
    case 'wiring':
      return 'Pointing the entry point at the flow';
  }
}

/**
 * Whether a spinner may turn: only for a person watching stderr on a terminal, never in
 * CI (`CI` set, as the host's ux reads it), never when the output is for a program
 * (`-o json`, `-o tsv`) or is silenced.
 */
export function spinnerWanted(o: { quiet: boolean; outputFormat: string }): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI && process.env.TERM !== 'dumb' && !o.quiet && o.outputFormat === 'columns';
}

/**
 * The host's own spinner (oclif's `ux.action`, on stderr) while `work` runs. The ux holds
 * back what is written to stdout and stderr while it turns and writes it once it stops.
 */
export async function withSpinner<T>(text: string, work: () => Promise<T>): Promise<T> {
  const { CliUx } = await import('@oclif/core');
  const action = CliUx.ux.action;
  action.start(text);
  try {
    const result = await work();
    action.stop();
    return result;
  } catch (error) {
    action.stop('failed');
    throw error;
  }
}

/** A progress line on stderr, rewritten in place (cursor control through readline, not colour). */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): { show(text: string): void; clear(): void } {
  const clear = () => {
    readline.clearLine(stream, 0);
    readline.cursorTo(stream, 0);
  };
  return {
    show(text) {
      clear();
      stream.write(text);
    },
    clear,
  };
}
