import * as path from 'path';
import * as readline from 'readline';
import type { Readable, Writable } from 'stream';
import { ChatSession, ChatTurn, TranscriptEntry } from './chat';
import { formatEntry, formatHandover, formatTurnTiming } from '../../printers/transcript';
import { redact, redactDeep } from '../redact';
import { writeFileAtomic } from '../files';
import { replCommandLines } from './repl-commands';

export interface ReplOptions {
  input: Readable;
  output: Writable;
  /** A fresh chat (a new customer session) for /reset. */
  newChat: () => ChatSession;
  /** What `/escalate` would send for this conversation, if the command is available. */
  describeEscalation?: (chat: ChatSession) => string;
  banner: string[];
  color?: boolean;
  /** Show "waiting for the bot…" when a turn takes longer than this (TTY only). */
  waitingAfterMs?: number;
  /** `/save FILE.yaml`: the conversation as a script (and its answers, with --record); says what was written. */
  saveScript?: (chat: ChatSession, file: string) => string;
}

const PROMPT = 'you › ';

function helpLines(withEscalate: boolean): string[] {
  return ['Type a message as the customer would. Commands:', ...replCommandLines(withEscalate)];
}

/**
 * The interactive chat: the customer's side of the flow in a terminal. Returns the last
 * chat when the user leaves, so the caller can print a summary.
 *
 * Lines are handled one at a time, in order. Input is never paused, so Ctrl-C ends the
 * REPL at once even while the bot is answering (the caller closes the transport, which
 * aborts the call); Ctrl-D (end of input) lets queued lines finish first.
 */
export function runRepl(options: ReplOptions): Promise<ChatSession> {
  let closed = false;
  const write = (text: string): void => void options.output.write(text);
  const out = (line = ''): void => {
    if (!closed) write(`${redact(line)}\n`);
  };
  let chat = options.newChat();
  const rl = readline.createInterface({ input: options.input, output: options.output, terminal: true, prompt: PROMPT });
  for (const line of options.banner) out(line);
  out('Type /help for commands.');

  return new Promise((resolve) => {
    let pending = 0;
    let inputEnded = false;
    const finish = () => {
      if (closed) return;
      write('\n');
      closed = true;
      rl.close();
      resolve(chat);
    };
    rl.on('close', () => {
      inputEnded = true;
      if (pending === 0) finish();
    });
    rl.on('SIGINT', finish);

    const show = (entries: TranscriptEntry[]) => {
      for (const e of entries) if (e.from !== 'customer') out(formatEntry(e, { color: options.color }));
    };

    const report = (turn: ChatTurn, timing = true) => {
      show(turn.entries);
      if (turn.handover) out(formatHandover(turn.handover));
      if (timing) out(formatTurnTiming(turn, { color: options.color }));
    };

    /** A turn with the bot: on a terminal, say that we wait when it takes a while. */
    const withWaiting = async <T>(work: Promise<T>): Promise<T> => {
      if (!options.color) return work;
      let shown = false;
      const timer = setTimeout(() => {
        shown = true;
        write('\u001b[2m  … waiting for the bot\u001b[0m');
      }, options.waitingAfterMs ?? 400);
      try {
        return await work;
      } finally {
        clearTimeout(timer);
        if (shown && !closed) write('\r\u001b[2K');
      }
    };

    const handle = async (line: string): Promise<void> => {
      const text = line.trim();
      if (text.startsWith('/')) {
        const [command, ...rest] = text.split(/\s+/);
        switch (command) {
          case '/help':
            helpLines(Boolean(options.describeEscalation)).forEach((l) => out(l));
            return;
          case '/quit':
          case '/exit':
            finish();
            return;
          case '/reset':
            chat = options.newChat();
            out('New session: the next message starts a new conversation with the bot.');
            if (chat.startsWithoutMessage) report(await withWaiting(chat.begin()));
            return;
          case '/data':
            out(JSON.stringify(redactDeep(chat.botData), null, 2));
            return;
          case '/transcript':
            if (!chat.transcript.length) out('Nothing said yet.');
            for (const e of chat.transcript) out(formatEntry(e, { color: options.color }));
            return;
          case '/media': {
            // `/media URL[,URL…] [text]`: the customer sends media, with or without text.
            const [urls = '', ...words] = rest;
            const media = urls.split(',').filter(Boolean);
            if (!media.length) {
              out('Usage: /media URL[,URL…] [text]');
              return;
            }
            if (chat.withAgent) {
              out('The conversation is with a Flex agent now: the bot no longer answers. /reset starts over.');
              return;
            }
            report(await withWaiting(chat.send(words.join(' '), media)));
            return;
          }
          case '/silence': {
            const turn = await withWaiting(chat.silence());
            report(turn, turn.events.length > 0);
            return;
          }
          case '/escalate':
            if (options.describeEscalation) {
              out(options.describeEscalation(chat));
              return;
            }
            break;
          case '/save': {
            const file = rest.join(' ');
            if (!file) {
              out('Usage: /save FILE');
              return;
            }
            const target = path.resolve(file);
            if (options.saveScript && /\.ya?ml$/i.test(target)) {
              out(options.saveScript(chat, target));
              return;
            }
            writeFileAtomic(target, `${JSON.stringify(redactDeep({ transcript: chat.transcript }), null, 2)}\n`, 'the transcript');
            out(`Saved ${chat.transcript.length} entries to ${target}`);
            return;
          }
          default:
            break;
        }
        out(`Unknown command ${command}; /help lists them.`);
        return;
      }
      if (!text) return;
      if (chat.withAgent) {
        out('The conversation is with a Flex agent now: the bot no longer answers. /reset starts over.');
        return;
      }
      report(await withWaiting(chat.send(line)));
    };

    // One line at a time: a turn finishes before the next line is handled.
    let queue = Promise.resolve();
    const enqueue = (work: () => Promise<void>) => {
      pending++;
      queue = queue
        .then(() => (closed ? undefined : work()))
        .catch((error) => {
          out(`error: ${(error as Error).message}`);
          if ((error as { hint?: string }).hint) out(`  ${(error as { hint: string }).hint}`);
        })
        .finally(() => {
          pending--;
          if (closed) return;
          if (inputEnded && pending === 0) finish();
          else if (pending === 0) rl.prompt();
        });
    };
    rl.on('line', (line) => enqueue(() => handle(line)));
    // A REST API execution (or a subflow on its own) speaks first: the customer answers it.
    if (chat.startsWithoutMessage) enqueue(async () => report(await withWaiting(chat.begin())));
    else rl.prompt();
  });
}
