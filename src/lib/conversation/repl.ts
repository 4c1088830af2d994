import * as readline from 'readline';
import type { Readable, Writable } from 'stream';
import { ChatSession, ChatTurn, TranscriptEntry } from './chat';
import { formatEntry, formatHandover, formatTurnTiming } from '../../printers/transcript';
import { redactDeep } from '../redact';
import { writeFileAtomic } from '../setup/store';

export interface ReplOptions {
  input: Readable;
  output: Writable;
  /** A fresh chat (a new customer session) for /reset. */
  newChat: () => ChatSession;
  /** What `/escalate` would send for this conversation, if the command is available. */
  describeEscalation?: (chat: ChatSession) => string;
  banner: string[];
  color?: boolean;
}

const HELP = [
  'Type a message as the customer would. Commands:',
  '  /help             this list',
  '  /data             the data of the bot\'s last answer',
  '  /transcript       the conversation so far',
  '  /silence          the customer stays silent (the wait widget times out)',
  '  /escalate         what "twilio cognigy:escalate" would send to Flex for this conversation',
  '  /reset            start over with a new session',
  '  /save FILE        save the transcript as JSON',
  '  /quit             leave (Ctrl-D or Ctrl-C also do)',
];

/**
 * The interactive chat: the customer's side of the flow in a terminal. Returns the last
 * chat when the user leaves, so the caller can print a summary.
 */
export function runRepl(options: ReplOptions): Promise<ChatSession> {
  const out = (line = ''): void => void options.output.write(`${line}\n`);
  let chat = options.newChat();
  const rl = readline.createInterface({ input: options.input, output: options.output, terminal: true, prompt: 'you › ' });
  for (const line of options.banner) out(line);
  out('Type /help for commands.');

  return new Promise((resolve) => {
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      out();
      rl.close();
      resolve(chat);
    };
    rl.on('close', finish);
    rl.on('SIGINT', finish);

    const show = (entries: TranscriptEntry[]) => {
      for (const e of entries) if (e.from !== 'user') out(formatEntry(e, { color: options.color }));
    };

    const handle = async (line: string): Promise<void> => {
      const text = line.trim();
      if (text.startsWith('/')) {
        const [command, ...rest] = text.split(/\s+/);
        switch (command) {
          case '/help':
            HELP.forEach((l) => out(l));
            return;
          case '/quit':
          case '/exit':
            finish();
            return;
          case '/reset':
            chat = options.newChat();
            out('New session: the next message starts a new conversation with the bot.');
            return;
          case '/data':
            out(JSON.stringify(redactDeep(chat.botData), null, 2));
            return;
          case '/transcript':
            for (const e of chat.transcript) out(formatEntry(e, { color: options.color }));
            return;
          case '/silence':
            report(await chat.silence());
            return;
          case '/escalate':
            out(options.describeEscalation ? options.describeEscalation(chat) : 'Not available.');
            return;
          case '/save': {
            const file = rest.join(' ');
            if (!file) {
              out('Usage: /save FILE');
              return;
            }
            writeFileAtomic(file, `${JSON.stringify(redactDeep({ transcript: chat.transcript }), null, 2)}\n`);
            out(`Saved ${chat.transcript.length} entries to ${file}`);
            return;
          }
          default:
            out(`Unknown command ${command}; /help lists them.`);
            return;
        }
      }
      if (!text) return;
      if (chat.withAgent) {
        out('The conversation is with a Flex agent now: the bot no longer answers. /reset starts over.');
        return;
      }
      report(await chat.send(line));
    };

    const report = (turn: ChatTurn) => {
      show(turn.entries);
      if (turn.handover) out(formatHandover(turn.handover));
      out(formatTurnTiming(turn, { color: options.color }));
    };

    // One line at a time: a turn finishes before the next line is read.
    let queue = Promise.resolve();
    rl.on('line', (line) => {
      rl.pause();
      queue = queue
        .then(() => handle(line))
        .catch((error) => void out(`error: ${(error as Error).message}`))
        .finally(() => {
          if (!closed) {
            rl.resume();
            rl.prompt();
          }
        });
    });
    rl.prompt();
  });
}
