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
import type { EndReason, FlowEvent } from '../runtime/events';
import type { ChatSession } from './chat';
import type { ConversationActor } from './conversation';
import { observedMessages } from './driver';
import type { CallReading } from './events';
import { recordedFileName, saveConversationInto, SILENCE_TURN, tapFor, type BotTap, type ConversationTap } from './recording';
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
  /** The session's `--param`s: the flow's REST API start, which a replay of the script needs too. */
  params?: Record<string, string>;
}

export function replSessions(prepared: PreparedChat, o: { record?: string }): ReplSessions {
  const tap: BotTap | undefined = o.record ? tapFor(prepared, { record: o.record }) : undefined;
  const sessions = new WeakMap<ChatSession, Session>();
  let count = 0;
  return {
    newChat() {
      count++;
      const session: Session = { steps: [], turns: 0, media: false };
      // A provisional name: the conversation is named when it is saved.
      session.tap = tap?.forConversation({ name: `REPL session ${count}`, from: prepared.from });
      const chat = prepared.newChat(prepared.from, session.tap ? { http: session.tap.http } : undefined);
      follow(chat.conversation, session);
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
      const params = prepared.run.start && Object.keys(prepared.run.data ?? {}).length ? { params: prepared.run.data! } : {};
      return { file, steps: session.steps.length - (notInBotium ?? 0), ...(recording ? { recording } : {}), leftOut: session.turns - kept, ...(notInBotium ? { notInBotium } : {}), ...params };
    },
    close() {
      tap?.close();
    },
  };
}

/**
 * The recorder is one more view of the conversation's event stream: each customer turn
 * (a message or a silence) opens a turn of the recording and a script step, and when the
 * turn ends what the customer received, the hand-over and the end become the steps the
 * script expects. A turn the flow starts itself (a REST API start) is a turn of its own
 * in the recording, with no customer step.
 */
function follow(conversation: ConversationActor, session: Session): void {
  let seen: { begin: boolean; events: FlowEvent[]; calls: CallReading[] } | undefined;
  conversation.subscribe({
    'turn-started': (e) => {
      seen = { begin: e.input.kind === 'begin', events: [], calls: [] };
      if (e.input.kind === 'begin') return;
      session.turns++;
      const media = e.input.kind === 'message' ? e.input.media : [];
      if (media.length) session.media = true;
      session.tap?.beginTurn(e.input.kind === 'message' ? e.input.text : SILENCE_TURN);
      if (session.endedAtTurn === undefined) session.steps.push(e.input.kind === 'silence' ? { silence: true } : { user: e.input.text });
    },
    'flow-event': (e) => {
      seen?.events.push(e.event);
      if (e.call) seen?.calls.push(e.call);
    },
    'turn-ended': (e) => {
      const turn = seen;
      seen = undefined;
      // A turn that stopped on an error of the local run said nothing the script could expect.
      if (!turn || e.error) return;
      // The flow's own turn opens no recording turn (the tap opens one at its first bot call): it counts once it has run.
      if (turn.begin) session.turns++;
      if (session.endedAtTurn !== undefined) return;
      session.steps.push(...stepsOf(turn.events, turn.calls, e.ended?.reason));
      if (e.ended) session.endedAtTurn = session.turns;
    },
  });
}

/** What a script expects after one turn: each message, then the hand-over, then the end. */
function stepsOf(events: readonly FlowEvent[], calls: readonly CallReading[], ended: EndReason | undefined): YamlStep[] {
  const steps: YamlStep[] = observedMessages(events, calls).map((m) => ({ bot: m.text }));
  for (const event of events) {
    if (event.type === 'handover') steps.push({ handover: event.created ? true : 'refused' });
  }
  if (ended) steps.push({ end: ended });
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
