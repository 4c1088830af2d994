/**
 * A designer's REPL session as a test: `/save FILE.yaml` writes the conversation as a
 * script of the project's YAML (what the customer said, each message the flow sent, the
 * hand-over, the end), and with `--record REC` the bot's answers of that conversation go
 * into the recording too, so `test-chat --script FILE.yaml --replay REC` replays it.
 */
import * as path from 'node:path';
import { UsageError } from '../errors';
import { redact } from '../redact';
import { writeFileAtomic } from '../files';
import type { ChatObserver, ChatSession, ChatTurn } from './chat';
import { observedMessages } from './driver';
import { recordedFileName, saveConversationInto, tapFor, type BotTap, type ConversationTap } from './recording';
import type { PreparedChat } from './prepared';

/** A script step (conversation/types.ts `ScriptStep`) as the project's YAML writes it. */
type YamlStep = { user: string } | { silence: true } | { bot: string } | { handover: true | 'refused' } | { end: string };

interface Session {
  steps: YamlStep[];
  /** Customer turns taken; the script stops at the first end, as a script's conversation does. */
  turns: number;
  endedAtTurn?: number;
  media: boolean;
  tap?: ConversationTap;
}

export interface ReplSessions {
  newChat(): ChatSession;
  /** `/save FILE.yaml`: what was written, for the REPL's view to tell (undefined: nothing said yet, nothing written). */
  saveScript(chat: ChatSession, file: string): SavedScript | undefined;
  close(): void;
}

/** What `/save FILE.yaml` wrote. */
export interface SavedScript {
  file: string;
  steps: number;
  /** With --record: the recording the bot's answers went into. */
  recording?: string;
  /** Customer turns after the flow ended, left out of the script. */
  leftOut: number;
  /** A `.convo.txt`: the hand-over and end steps it cannot hold (BotiumScript has no step for them). */
  notInBotium?: number;
}

export function replSessions(prepared: PreparedChat, o: { record?: string }): ReplSessions {
  const tap: BotTap | undefined = o.record ? tapFor(prepared, { record: o.record }) : undefined;
  const sessions = new WeakMap<ChatSession, Session>();
  let count = 0;
  return {
    newChat() {
      count++;
      const session: Session = { steps: [], turns: 0, media: false };
      let customerSpoke = false;
      // A provisional name: the conversation is named when it is saved.
      session.tap = tap?.forConversation({ name: `REPL session ${count}`, from: prepared.from });
      const observer: ChatObserver = {
        beforeTurn(customer, media) {
          customerSpoke = true;
          session.turns++;
          if (media.length) session.media = true;
          session.tap?.beginTurn(customer);
          if (session.endedAtTurn === undefined) session.steps.push(customer === '(silence)' && !media.length ? { silence: true } : { user: customer });
        },
        afterTurn(turn) {
          // The flow spoke first (a REST API start): a turn of its own in the recording too.
          if (!customerSpoke) session.turns++;
          customerSpoke = false;
          if (session.endedAtTurn !== undefined) return;
          session.steps.push(...stepsOf(turn));
          if (turn.ended) session.endedAtTurn = session.turns;
        },
      };
      const chat = prepared.newChat(prepared.from, { http: session.tap?.http, observer });
      sessions.set(chat, session);
      return chat;
    },
    saveScript(chat, file) {
      const session = sessions.get(chat);
      if (!session || !session.turns) return undefined;
      if (session.media) {
        throw new UsageError('This conversation sent media (/media): the project\'s YAML scripts have no media step.', 'Save it as JSON (/save FILE.json) instead.');
      }
      const botium = /\.convo\.txt$/i.test(file);
      const name = path.basename(file).replace(/\.(ya?ml|convo\.txt)$/i, '');
      let notInBotium: number | undefined;
      if (botium) {
        const convo = botiumConvo(name, session.steps);
        notInBotium = convo.left;
        writeFileAtomic(file, redact(convo.text), 'the script');
      } else {
        const { stringify } = require('yaml') as typeof import('yaml');
        const script = { from: prepared.from, ...(prepared.setup.channelModel ? { channelModel: prepared.setup.channelModel } : {}), conversations: [{ name, steps: session.steps }] };
        writeFileAtomic(file, redact(stringify(script, { lineWidth: 0 })), 'the script');
      }
      const kept = session.endedAtTurn ?? session.turns;
      let recording: string | undefined;
      if (tap && session.tap && o.record) {
        const turns = session.tap.recordedTurns().slice(0, kept);
        saveConversationInto(o.record, { name, file: recordedFileName(file, o.record), turns });
        recording = o.record;
      }
      return { file, steps: session.steps.length - (notInBotium ?? 0), ...(recording ? { recording } : {}), leftOut: session.turns - kept, ...(notInBotium ? { notInBotium } : {}) };
    },
    close() {
      tap?.close();
    },
  };
}

/** What a script expects after one turn: each message, then the hand-over, then the end. */
function stepsOf(turn: ChatTurn): YamlStep[] {
  const steps: YamlStep[] = observedMessages(turn.events, turn.calls).map((m) => ({ bot: m.text }));
  for (const event of turn.events) {
    if (event.type === 'handover') steps.push({ handover: event.created ? true : 'refused' });
  }
  if (turn.ended) steps.push({ end: turn.ended.reason });
  return steps;
}

/**
 * The conversation as a BotiumScript `.convo.txt`: `#me` and `#bot` blocks. BotiumScript has
 * no step for a hand-over or the end (they are counted and said, not dropped silently), nor
 * for a silence, and reads a line starting with `#` as a sender and a text starting with `!`
 * as a negation: such a conversation is refused, to be saved as YAML.
 */
function botiumConvo(name: string, steps: readonly YamlStep[]): { text: string; left: number } {
  const blocks: string[] = [];
  let left = 0;
  for (const step of steps) {
    if ('silence' in step) throw new UsageError('A silence has no BotiumScript step.', 'Save this conversation as YAML (FILE.yaml) instead.');
    const [sender, text] = 'user' in step ? ['#me', step.user] : 'bot' in step ? ['#bot', step.bot] : [undefined, ''];
    if (!sender) {
      left++;
      continue;
    }
    if (/^\s*!/.test(text) || text.split('\n').some((line) => line.startsWith('#'))) {
      throw new UsageError(`"${text.split('\n')[0]}" would read as BotiumScript syntax (a negation or a sender line).`, 'Save this conversation as YAML (FILE.yaml) instead.');
    }
    blocks.push(`${sender}\n${text}\n`);
  }
  return { text: `${name}\n\n${blocks.join('\n')}`, left };
}
