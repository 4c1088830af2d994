import { CliUx } from '@oclif/core';
import type { CallStartedEvent } from '../lib/conversation/events';
import { redact } from '../lib/redact';
import type { ReplView } from '../lib/conversation/repl';
import { replCommandLines } from './repl-commands';
import { formatEntry, formatHandover, formatTurnTiming, transcriptJson } from './transcript';

const LINES: Record<Parameters<ReplView['line']>[0], string> = {
  intro: 'Type /help for commands.',
  reset: 'New session: the next message starts a new conversation with the bot.',
  'with-agent': 'The conversation is with a Flex agent now: the bot no longer answers. /reset starts over.',
  'nothing-yet': 'Nothing said yet.',
  'media-usage': 'Usage: /media URL[,URL…] [text]',
  'save-usage': 'Usage: /save FILE',
};

/** The REPL's words and colours (`color`: a terminal that shows them). */
export function replView(o: { color?: boolean } = {}): ReplView {
  return {
    entry: (entry) => formatEntry(entry, o),
    handover: formatHandover,
    timing: (turn) => formatTurnTiming(turn, o),
    transcriptJson,
    help: (withEscalate) => ['Type a message as the customer would. Commands:', ...replCommandLines(withEscalate)],
    line: (what) => LINES[what],
    saved: (entries, file) => `Saved ${entries} entries to ${file}`,
    savedScript: (saved) => {
      if (!saved) return 'Nothing said yet: no script to save.';
      const lines = [`Saved the conversation as a script (${saved.steps} steps) to ${saved.file}`];
      const params = Object.entries(saved.params ?? {}).map(([k, v]) => ` --param ${shellWord(`${k}=${v}`)}`).join('');
      if (saved.recording) lines.push(`  and the bot's answers to ${saved.recording}: replay it with --script ${saved.file} --replay ${saved.recording}${params}`);
      else if (params) lines.push(`  Run it with --script ${saved.file}${params}: the flow's REST API start.`);
      if (saved.leftOut > 0) lines.push(`  The turns after the flow ended are left out: a script's conversation ends with the flow.`);
      if (saved.notInBotium) lines.push(`  ${saved.notInBotium} hand-over and end step${saved.notInBotium === 1 ? ' is' : 's are'} not in it: BotiumScript has no step for them (a .yaml script keeps them).`);
      return lines.join('\n');
    },
    unknownCommand: (command) => `Unknown command ${command}; /help lists them.`,
  };
}

/** The call the flow waits for, as the host's spinner names it. */
export function waitingText(call: CallStartedEvent): string {
  return `${call.bot ? 'Calling the bot' : `Waiting for ${call.host}`} at ${call.widget}`;
}

/** The host's spinner (oclif's ux.action, on stderr) while the REPL waits on a call. */
export function replSpinner(): { start(call: CallStartedEvent): void; stop(): void } {
  return {
    start: (call) => CliUx.ux.action.start(redact(waitingText(call))),
    stop: () => CliUx.ux.action.stop(),
  };
}

/** A value as one word of a POSIX shell, to paste: as it is when the shell reads nothing in it, else single-quoted. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
