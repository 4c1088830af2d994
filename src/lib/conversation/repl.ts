import * as path from 'path';
import * as readline from 'readline';
import type { Readable, Writable } from 'stream';
import type { ChatSession, ChatTurn, HandoverSummary, TranscriptEntry } from './chat';
import { redact, redactDeep } from '../redact';
import { writeFileAtomic } from '../files';
import type { CallStartedEvent } from './events';
import type { SavedScript } from './repl-record';

/**
 * Everything the REPL shows, in words: injected (src/printers/repl.ts), so the REPL itself
 * only reads lines, drives the chat and writes what the view renders.
 */
export interface ReplView {
  entry(entry: TranscriptEntry): string;
  handover(handover: HandoverSummary): string;
  timing(turn: ChatTurn): string;
  /** The transcript as `/save FILE.json` writes it. */
  transcriptJson(entries: readonly TranscriptEntry[]): unknown;
  help(withEscalate: boolean): string[];
  /** Fixed lines, by what they answer. */
  line(what: 'intro' | 'reset' | 'with-agent' | 'nothing-yet' | 'media-usage' | 'save-usage'): string;
  saved(entries: number, file: string): string;
  /** `/save FILE.yaml`: what was written, or (undefined) that nothing was. */
  savedScript(saved: SavedScript | undefined): string;
  unknownCommand(command: string): string;
}

export interface ReplOptions {
  input: Readable;
  output: Writable;
  /** A fresh chat (a new customer session) for /reset. */
  newChat: () => ChatSession;
  /** What `/escalate` would send for this conversation, if the command is available. */
  describeEscalate?: (chat: ChatSession) => string;
  banner: string[];
  view: ReplView;
  /**
   * Shows the call the flow waits for while it runs (the host's spinner), when it takes a
   * while; absent where nobody watches a terminal.
   */
  waiting?: { start(call: CallStartedEvent): void; stop(): void };
  /** Show the call the flow waits for when it takes longer than this. */
  waitingAfterMs?: number;
  /** `/save FILE.yaml` (or FILE.convo.txt): the conversation as a script (and its answers, with --record); undefined when nothing was said yet. */
  saveScript?: (chat: ChatSession, file: string) => SavedScript | undefined;
}

const PROMPT = 'you › ';

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
  const view = options.view;
  /**
   * On a terminal, a call that takes a while is said while it runs ("calling the bot at
   * ProcessUserInput"), from the conversation's own events, and erased when it ends.
   */
  const watch = (c: ChatSession): ChatSession => {
    const waiting = options.waiting;
    if (!waiting) return c;
    let timer: NodeJS.Timeout | undefined;
    let shown = false;
    const done = () => {
      clearTimeout(timer);
      if (shown) waiting.stop();
      shown = false;
    };
    c.conversation.subscribe({
      'call-started': (e) => {
        timer = setTimeout(() => {
          if (closed) return;
          shown = true;
          waiting.start(e);
        }, options.waitingAfterMs ?? 400);
      },
      'call-ended': done,
      'turn-ended': done,
    });
    return c;
  };
  let chat = watch(options.newChat());
  const rl = readline.createInterface({ input: options.input, output: options.output, terminal: true, prompt: PROMPT });
  for (const line of options.banner) out(line);
  out(view.line('intro'));

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
      for (const e of entries) if (e.from !== 'customer') out(view.entry(e));
    };

    const report = (turn: ChatTurn, timing = true) => {
      show(turn.entries);
      if (turn.handover) out(view.handover(turn.handover));
      if (timing) out(view.timing(turn));
    };

    const handle = async (line: string): Promise<void> => {
      const text = line.trim();
      if (text.startsWith('/')) {
        const [command, ...rest] = text.split(/\s+/);
        switch (command) {
          case '/help':
            view.help(Boolean(options.describeEscalate)).forEach((l) => out(l));
            return;
          case '/quit':
          case '/exit':
            finish();
            return;
          case '/reset':
            chat = watch(options.newChat());
            out(view.line('reset'));
            if (chat.startsWithoutMessage) report(await chat.begin());
            return;
          case '/data':
            out(JSON.stringify(redactDeep(chat.botData), null, 2));
            return;
          case '/transcript':
            if (!chat.transcript.length) out(view.line('nothing-yet'));
            for (const e of chat.transcript) out(view.entry(e));
            return;
          case '/media': {
            // `/media URL[,URL…] [text]`: the customer sends media, with or without text.
            const [urls = '', ...words] = rest;
            const media = urls.split(',').filter(Boolean);
            if (!media.length) {
              out(view.line('media-usage'));
              return;
            }
            if (chat.withAgent) {
              out(view.line('with-agent'));
              return;
            }
            report(await chat.send(words.join(' '), media));
            return;
          }
          case '/silence': {
            const turn = await chat.silence();
            report(turn, turn.events.length > 0);
            return;
          }
          case '/escalate':
            if (options.describeEscalate) {
              out(options.describeEscalate(chat));
              return;
            }
            break;
          case '/save': {
            const file = rest.join(' ');
            if (!file) {
              out(view.line('save-usage'));
              return;
            }
            const target = path.resolve(file);
            if (options.saveScript && /\.(ya?ml|convo\.txt)$/i.test(target)) {
              out(view.savedScript(options.saveScript(chat, target)));
              return;
            }
            writeFileAtomic(target, `${JSON.stringify(redactDeep({ transcript: view.transcriptJson(chat.transcript) }), null, 2)}\n`, 'the transcript');
            out(view.saved(chat.transcript.length, target));
            return;
          }
          default:
            break;
        }
        out(view.unknownCommand(command));
        return;
      }
      if (!text) return;
      if (chat.withAgent) {
        out(view.line('with-agent'));
        return;
      }
      report(await chat.send(line));
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
    if (chat.startsWithoutMessage) enqueue(async () => report(await chat.begin()));
    else rl.prompt();
  });
}
