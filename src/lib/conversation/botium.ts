/**
 * BotiumScript: `.convo.txt` files (and the steps of Botium's YAML convos), read the way
 * botium-core's text compiler reads them, restricted to what a Studio flow can show:
 * customer text, bot text, and `BUTTONS` (quick replies).
 */
import * as path from 'node:path';
import type { Conversation, Expectation, ScriptError, Step } from './types';
import { scriptError } from './types';

/** One `#me`/`#bot` block: the header's line and the text lines after it. */
export interface BotiumBlock {
  sender: string;
  line: number;
  lines: { text: string; line: number }[];
}

/**
 * Botium's logic hooks, asserters and user inputs. A block line that starts with one of
 * these is an instruction, not text; only `BUTTONS` is understood here, the rest are
 * reported as unsupported rather than silently compared as text.
 */
const BOTIUM_KEYWORDS = new Set([
  'BUTTON', 'BUTTONS', 'BUTTONS_COUNT', 'BUTTONS_COUNT_REC', 'MEDIA', 'MEDIA_COUNT', 'MEDIA_COUNT_REC',
  'CARDS', 'CARDS_COUNT', 'CARDS_COUNT_REC', 'FORM', 'FORMS', 'PAUSE', 'PAUSE_ASSERTER', 'WAITFORBOT',
  'INTENT', 'INTENT_CONFIDENCE', 'INTENT_UNIQUE', 'ENTITIES', 'ENTITY_VALUES', 'ENTITY_CONTENT',
  'JSON_PATH', 'JSON_PATH_COUNT', 'RESPONSE_LENGTH', 'WER', 'TEXT', 'TEXT_CONTAINS_ANY', 'TEXT_CONTAINS_ANY_IC',
  'TEXT_CONTAINS_ALL', 'TEXT_CONTAINS_ALL_IC', 'TEXT_WILDCARD_ANY', 'TEXT_WILDCARD_ANY_IC', 'TEXT_WILDCARD_ALL',
  'TEXT_WILDCARD_ALL_IC', 'TEXT_WILDCARDEXACT_ANY', 'TEXT_WILDCARDEXACT_ANY_IC', 'TEXT_WILDCARDEXACT_ALL',
  'TEXT_WILDCARDEXACT_ALL_IC', 'TEXT_REGEXP_ANY', 'TEXT_REGEXP_ANY_IC', 'TEXT_REGEXP_ALL', 'TEXT_REGEXP_ALL_IC',
  'TEXT_EQUALS_ANY', 'TEXT_EQUALS_ANY_IC', 'BOT_CONSUMED', 'BOT_UNCONSUMED_COUNT', 'SKIP_BOT_UNCONSUMED',
  'CLEAR_QUEUE', 'INCLUDE', 'SET_SCRIPTING_MEMORY', 'CLEAR_SCRIPTING_MEMORY', 'ASSIGN_SCRIPTING_MEMORY',
  'UPDATE_CUSTOM', 'UPDATE_CONTEXT', 'CONVO_STEP_PARAMETERS', 'ORDERED_LIST_TO_BUTTON',
  'CONDITIONAL_STEP_TIME_BASED', 'CONDITIONAL_STEP_BUSINESS_HOURS', 'CONDITIONAL_STEP_CAPABILITY_VALUE_BASED',
  'CONDITIONAL_STEP_JSON_PATH_BASED',
]);

/** Blocks that hold only logic hooks around the conversation; their content is not run. */
const HOOK_BLOCKS = new Set(['begin', 'end']);

function keywordOf(line: string): string | undefined {
  const m = /^[!?]?([A-Z][A-Z0-9_]*)(?:\s|$)/.exec(line);
  return m && BOTIUM_KEYWORDS.has(m[1]) ? m[1] : undefined;
}

/** Text of a block: trimmed lines, outer blank lines dropped, joined with `\n`. */
function blockText(lines: { text: string }[]): string {
  const texts = lines.map((l) => l.text.trim());
  while (texts.length && texts[0] === '') texts.shift();
  while (texts.length && texts[texts.length - 1] === '') texts.pop();
  return texts.join('\n');
}

/** Turn one `#me`/`#bot` block into a step, or explain why it cannot run. */
export function blockToStep(file: string, block: BotiumBlock): Step | ScriptError {
  if (block.sender === 'me') {
    // Botium's `MEDIA <url>` in #me: the customer sends media (MMS, a chat attachment).
    const media: string[] = [];
    const textLines: typeof block.lines = [];
    for (const l of block.lines) {
      const trimmed = l.text.trim();
      const keyword = keywordOf(trimmed);
      if (keyword === 'MEDIA') {
        const urls = trimmed.slice('MEDIA'.length).split('|').map((u) => u.trim()).filter(Boolean);
        if (!urls.length) return scriptError(file, l.line, 'MEDIA in #me needs a URL');
        media.push(...urls);
        continue;
      }
      if (keyword) return scriptError(file, l.line, `Botium "${keyword}" in #me is not supported; write the customer's text`);
      textLines.push(l);
    }
    const text = blockText(textLines);
    if (!text && !media.length) return scriptError(file, block.line, '#me without text: the customer must say something');
    return { kind: 'user', text, ...(media.length ? { media } : {}), line: block.line };
  }
  // #bot
  const expect: Expectation[] = [];
  const textLines: { text: string; line: number }[] = [];
  for (const l of block.lines) {
    const trimmed = l.text.trim();
    const keyword = keywordOf(trimmed);
    if (!keyword) {
      textLines.push(l);
      continue;
    }
    if (keyword === 'BUTTONS' && !/^[!?]/.test(trimmed)) {
      const values = trimmed
        .slice('BUTTONS'.length)
        .split('|')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      expect.push({ kind: 'quickReplies', values, mode: 'includes' });
      continue;
    }
    return scriptError(file, l.line, `Botium asserter "${trimmed.split(/\s/)[0]}" is not supported (only text and BUTTONS are)`);
  }
  const text = blockText(textLines);
  // Botium: a #bot block without text waits for any bot message.
  if (text) expect.unshift({ kind: 'botium', text });
  if (expect.length === 0) expect.push({ kind: 'any' });
  return { kind: 'bot', expect, line: block.line };
}

/** Read one `.convo.txt` file's text into a conversation (not yet validated, see `validateConversation`). */
export function parseConvoTxt(file: string, source: string): Conversation | ScriptError {
  const lines = source.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const preamble: string[] = [];
  const blocks: BotiumBlock[] = [];
  let current: BotiumBlock | undefined;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#')) {
      // `#me`, `#bot`, and Botium's `#bot <channel>`: the channel is not used by a Studio flow.
      const sender = line.slice(1).trim().split(/\s+/)[0].toLowerCase();
      current = { sender, line: index + 1, lines: [] };
      blocks.push(current);
    } else if (current) {
      current.lines.push({ text: raw, line: index + 1 });
    } else {
      preamble.push(line);
    }
  });

  const title = preamble.find((l) => l !== '');
  const name = title ?? path.basename(file).replace(/\.convo\.txt$/i, '');
  const steps: Step[] = [];
  const warnings: { line: number; message: string }[] = [];
  for (const block of blocks) {
    if (HOOK_BLOCKS.has(block.sender)) {
      if (block.lines.some((l) => l.text.trim() !== '')) {
        warnings.push({ line: block.line, message: `#${block.sender} block ignored: Botium logic hooks are not run` });
      }
      continue;
    }
    if (block.sender !== 'me' && block.sender !== 'bot') {
      return scriptError(file, block.line, `unknown block "#${block.sender}": expected #me or #bot`);
    }
    const step = blockToStep(file, block);
    if (step.kind === 'script-error') return step;
    steps.push(step);
  }
  if (!steps.some((s) => s.kind === 'user')) {
    return scriptError(file, 1, 'no #me block: a conversation needs at least one customer message');
  }
  const conversation: Conversation = { name, file, line: 1, steps };
  if (warnings.length) conversation.warnings = warnings;
  return conversation;
}
