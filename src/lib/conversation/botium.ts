/**
 * BotiumScript, read the way botium-core 1.15 reads it (CompilerTxt, CompilerObjectBase,
 * helper.linesToConvoStep, Convo.expandPartialConvos, ScriptingProvider._expandConvo):
 * `.convo.txt`, `.pconvo.txt`, `.utterances.txt` and the steps of Botium's YAML/JSON convos,
 * then run through a Studio flow. What a Studio flow cannot show or Botium's semantics this
 * reader does not model is a script error naming the feature at its file:line, never text.
 */
import * as path from 'node:path';
import type { BotiumMatchMode, Conversation, Expectation, RichAsserter, ScriptError, ScriptStep, ScriptWarning, SuiteNote } from './types';
import { scriptError } from './types';

/** botium-core's built-in asserters (LogicHookConsts.DEFAULT_ASSERTERS). */
const TEXT_ASSERTERS: Record<string, { mode: BotiumMatchMode; all: boolean; noArgIsJoker?: boolean }> = {
  TEXT_CONTAINS_ANY: { mode: 'include', all: false },
  TEXT_CONTAINS_ANY_IC: { mode: 'includeIgnoreCase', all: false },
  TEXT_CONTAINS_ALL: { mode: 'include', all: true },
  TEXT_CONTAINS_ALL_IC: { mode: 'includeIgnoreCase', all: true },
  TEXT_WILDCARD_ANY: { mode: 'wildcard', all: false },
  TEXT_WILDCARD_ANY_IC: { mode: 'wildcardIgnoreCase', all: false },
  TEXT_WILDCARD_ALL: { mode: 'wildcard', all: true },
  TEXT_WILDCARD_ALL_IC: { mode: 'wildcardIgnoreCase', all: true },
  TEXT_WILDCARDEXACT_ANY: { mode: 'wildcardExact', all: false },
  TEXT_WILDCARDEXACT_ANY_IC: { mode: 'wildcardExactIgnoreCase', all: false },
  TEXT_WILDCARDEXACT_ALL: { mode: 'wildcardExact', all: true },
  TEXT_WILDCARDEXACT_ALL_IC: { mode: 'wildcardExactIgnoreCase', all: true },
  TEXT_REGEXP_ANY: { mode: 'regexp', all: false },
  TEXT_REGEXP_ANY_IC: { mode: 'regexpIgnoreCase', all: false },
  TEXT_REGEXP_ALL: { mode: 'regexp', all: true },
  TEXT_REGEXP_ALL_IC: { mode: 'regexpIgnoreCase', all: true },
  TEXT_EQUALS: { mode: 'equals', all: false, noArgIsJoker: true },
  TEXT_EQUALS_IC: { mode: 'equalsIgnoreCase', all: false, noArgIsJoker: true },
  TEXT: { mode: 'equals', all: false, noArgIsJoker: true },
  TEXT_IC: { mode: 'equalsIgnoreCase', all: false, noArgIsJoker: true },
};
/** Rich-content asserters checked against the message as botium-connector-cognigy maps it. */
const RICH_ASSERTERS = new Set([
  'BUTTONS', 'MEDIA', 'CARDS', 'JSON_PATH',
  'BUTTONS_COUNT', 'BUTTONS_COUNT_REC', 'MEDIA_COUNT', 'MEDIA_COUNT_REC', 'CARDS_COUNT', 'CARDS_COUNT_REC',
]);
/** Cognigy's REST endpoint returns no NLU result: these can never be checked here. */
const NLU_ASSERTERS = new Set(['INTENT', 'INTENT_CONFIDENCE', 'INTENT_UNIQUE', 'ENTITIES', 'ENTITY_VALUES', 'ENTITY_CONTENT']);
const OTHER_ASSERTERS = new Set([
  'PAUSE_ASSERTER', 'JSON_PATH_COUNT', 'RESPONSE_LENGTH', 'FORMS', 'TEXT_WER', 'BOT_CONSUMED', 'BOT_UNCONSUMED_COUNT',
]);
const LOGIC_HOOKS = new Set([
  'INCLUDE', 'PAUSE', 'WAITFORBOT', 'WAITFORBOTTIMEOUT', 'SET_SCRIPTING_MEMORY', 'CLEAR_SCRIPTING_MEMORY', 'ASSIGN_SCRIPTING_MEMORY',
  'UPDATE_CUSTOM', 'SET_COGNIGY_CONTEXT', 'SKIP_BOT_UNCONSUMED', 'CLEAR_QUEUE', 'CONDITIONAL_STEP_TIME_BASED',
  'CONDITIONAL_STEP_BUSINESS_HOURS', 'CONDITIONAL_STEP_CAPABILITY_VALUE_BASED', 'CONDITIONAL_STEP_JSON_PATH_BASED',
  'CONVO_STEP_PARAMETERS', 'ORDERED_LIST_TO_BUTTON',
]);
const USER_INPUTS = new Set(['BUTTON', 'MEDIA', 'FORM']);
/** Logic hooks that change the request Botium sends; in Studio the flow decides the request. */
const REQUEST_HOOKS = new Set(['UPDATE_CUSTOM', 'SET_COGNIGY_CONTEXT']);

export interface BotiumCaps {
  matchingMode: BotiumMatchMode;
  uttExpansionMode: 'all' | 'first' | 'random';
  uttExpansionRandomCount: number;
  namingMode: 'justLineTag' | 'utterance';
  namingUtteranceMax: number;
  enableMemory: boolean;
  /** SCRIPTING_NORMALIZE_TEXT: compare texts with HTML and whitespace runs normalized (Botium's default). */
  normalizeText: boolean;
  /** Asserters, logic hooks and user inputs botium.json declares (custom code this reader cannot run). */
  custom: Map<string, string>;
}

export const DEFAULT_CAPS: BotiumCaps = {
  matchingMode: 'wildcardIgnoreCase',
  uttExpansionMode: 'all',
  uttExpansionRandomCount: 1,
  namingMode: 'justLineTag',
  namingUtteranceMax: 16,
  enableMemory: false,
  normalizeText: true,
  custom: new Map(),
};

/** One line of a step: a text line of a `.convo.txt`, or an item of a YAML/JSON step. */
export type RawItem = { line: number } & ({ text: string } | { name: string; args: string[]; not: boolean; optional: boolean });

export interface RawStep {
  sender: string;
  /** `#bot CHANNEL`, `#include NAME`: the word after the sender. */
  channel?: string;
  file: string;
  line: number;
  items: RawItem[];
}

export interface RawConvo {
  name: string;
  file: string;
  line: number;
  steps: RawStep[];
}

/** One set of scripting memory values (a `.scriptingmemory.txt` row or column, a YAML `scriptingMemory` entry). */
export interface MemorySet {
  name: string;
  /** `$name` → value; null clears it. */
  values: Record<string, string | null>;
}

/** What a folder defines for every convo in it. */
export interface BotiumSuite {
  caps: BotiumCaps;
  utterances: Map<string, string[]>;
  partials: Map<string, RawConvo>;
  memories: MemorySet[];
}

export function emptySuite(caps: BotiumCaps = DEFAULT_CAPS): BotiumSuite {
  return { caps, utterances: new Map(), partials: new Map(), memories: [] };
}

/**
 * helper.linesToScriptingMemories: a `|` table, test case names down the first column
 * (header `|$a|$b`), or, when the second line starts with `$`, variable names down it.
 */
export function parseScriptingMemoryTxt(source: string): MemorySet[] {
  const lines = source.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (lines.length < 2) return [];
  const cells = (line: string) => line.split('|').map((c) => c.trim());
  const out: MemorySet[] = [];
  if (lines[1].trim().startsWith('$')) {
    const names = cells(lines[0]).slice(1);
    const rows = lines.slice(1).filter((l) => l).map(cells);
    names.forEach((name, i) => out.push({ name, values: Object.fromEntries(rows.map((r) => [r[0], r[i + 1] || null])) }));
  } else {
    const vars = cells(lines[0]).slice(1);
    for (const line of lines.slice(1)) {
      if (!line) continue;
      const row = cells(line);
      out.push({ name: row[0], values: Object.fromEntries(vars.map((v, i) => [v, row[i + 1] ?? null])) });
    }
  }
  return out;
}

/**
 * ScriptingProvider.ExpandScriptingMemoryToConvos: a conversation that uses variables of a
 * group of memory sets (sets with the same variable names) runs once per set, named
 * `Name.SetName`, the set's values given in #begin; without any, it runs as it is.
 */
export function expandMemorySets(conversation: Conversation, suite: BotiumSuite): Conversation[] {
  const used = new Set<string>();
  for (const step of conversation.steps) {
    const texts = step.kind === 'user' ? [step.text] : step.kind === 'bot' ? step.expect.flatMap((e) => (e.kind === 'botium' ? [e.text, ...(e.alternatives ?? [])] : [])) : [];
    for (const t of texts) for (const v of t.match(/\$[A-Za-z]\w+/g) ?? []) used.add(v);
  }
  const groups = new Map<string, MemorySet[]>();
  for (const set of suite.memories) {
    const key = JSON.stringify(Object.keys(set.values).sort());
    groups.set(key, [...(groups.get(key) ?? []), set]);
  }
  let out = [conversation];
  for (const [key, sets] of groups) {
    const names: string[] = JSON.parse(key);
    if (!names.some((n) => used.has(n))) continue;
    out = out.flatMap((c) =>
      sets.map((set) => ({
        ...c,
        name: `${c.name}.${set.name}`,
        steps: [
          ...names.map((n): ScriptStep => (set.values[n] ? { kind: 'memory', set: n, value: set.values[n] as string, line: c.line } : { kind: 'memory', clear: n, line: c.line })),
          ...c.steps,
        ],
      })),
    );
  }
  return out;
}

const SENDERS = new Set(['begin', 'include', 'me', 'bot', 'end']);

/** One `.convo.txt` read on its own (no utterances or partial convos around it): its first conversation. */
export function parseConvoTxt(file: string, source: string, suite: BotiumSuite = emptySuite()): Conversation | ScriptError {
  return compileConvo(rawConvoTxt(file, source), suite)[0];
}

/** A `.convo.txt` / `.pconvo.txt`: the first line names it (the file name when it starts with `#`). */
export function rawConvoTxt(file: string, source: string): RawConvo {
  const lines = source.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const steps: RawStep[] = [];
  let title: string | undefined;
  let current: RawStep | undefined;
  lines.forEach((line, index) => {
    // CompilerTxt: a tag line is `#` + a known sender; any other `#…` line is text.
    const tag = line.startsWith('#') ? line.slice(1).split(' ')[0] : undefined;
    if (tag !== undefined && SENDERS.has(tag)) {
      const rest = line.slice(1 + tag.length).trim();
      current = { sender: tag, file, line: index + 1, items: [] };
      if (rest) current.channel = rest;
      steps.push(current);
    } else if (current) {
      current.items.push({ text: line, line: index + 1 });
    } else if (index === 0) {
      title = line;
    }
  });
  // ReadScript: a convo without a name is named after its file.
  return { name: title || path.basename(file), file, line: 1, steps };
}

/** `NAME` then one utterance a line (CompilerTxt._compileUtterances). */
export function parseUtterancesTxt(source: string): { name: string; utterances: string[] } | undefined {
  const lines = source.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (!lines.length || !lines[0].trim()) return undefined;
  return { name: lines[0].trim(), utterances: lines.slice(1).map((l) => l.replace(/[\n\t\r]+$/, '')).filter((u) => u) };
}

interface Marked {
  name: string;
  args: string[];
  not: boolean;
  optional: boolean;
  line: number;
}

/** A step as linesToConvoStep leaves it. */
interface ParsedStep {
  sender: string;
  channel?: string;
  file: string;
  line: number;
  text: string | null;
  textLine: number;
  not: boolean;
  optional: boolean;
  asserters: Marked[];
  hooks: Marked[];
  inputs: Marked[];
  /** Begin/end text lines Botium ignores. */
  ignoredText?: boolean;
}

class BotiumScriptError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(message);
  }
}

function parseArgs(text: string): string[] {
  return text.length ? text.replace(/\\\|/g, '\u0000').split('|').map((s) => s.replace(/\u0000/g, '|').trim()) : [];
}

const KEYWORD = /^[A-Z][A-Z0-9_]*$/;

function kindOf(name: string, sender: string, caps: BotiumCaps): 'asserter' | 'hook' | 'input' | 'custom' | undefined {
  // Most lines are text: one cheap test before the lookups.
  if (!KEYWORD.test(name)) return undefined;
  if (caps.custom.size && caps.custom.has(name)) return 'custom';
  if (sender !== 'me' && (name in TEXT_ASSERTERS || RICH_ASSERTERS.has(name) || NLU_ASSERTERS.has(name) || OTHER_ASSERTERS.has(name))) return 'asserter';
  if (sender === 'me' && USER_INPUTS.has(name)) return 'input';
  if (LOGIC_HOOKS.has(name)) return 'hook';
  return undefined;
}

function take(step: ParsedStep, kind: ReturnType<typeof kindOf>, m: Marked, caps: BotiumCaps): void {
  if (kind === 'custom') {
    throw new BotiumScriptError(step.file, m.line, `"${m.name}" is a custom ${caps.custom.get(m.name)} declared in botium.json: its code cannot run here; remove it or check it another way`);
  }
  if (kind === 'asserter') step.asserters.push(m);
  else if (kind === 'input') step.inputs.push(m);
  else step.hooks.push(m);
}

function parseStep(raw: RawStep, caps: BotiumCaps): ParsedStep {
  const step: ParsedStep = {
    sender: raw.sender,
    channel: raw.channel,
    file: raw.file,
    line: raw.line,
    text: null,
    textLine: raw.line,
    not: false,
    optional: false,
    asserters: [],
    hooks: [],
    inputs: [],
  };
  let pending: { text: string; line: number }[] = [];
  const texts: { text: string; line: number }[] = [];
  // (items are pushed as they are: a text line's item is already { text, line })
  let textAccepted = true;
  for (const item of raw.items) {
    if ('name' in item) {
      let name = item.name;
      let { optional, not } = item;
      if (name.startsWith('?')) [optional, name] = [true, name.slice(1)];
      else if (name.startsWith('OPTIONAL_')) [optional, name] = [true, name.slice(9)];
      if (name.startsWith('!')) [not, name] = [true, name.slice(1)];
      else if (name.startsWith('NOT_')) [not, name] = [true, name.slice(4)];
      const kind = kindOf(name, raw.sender, caps);
      if (!kind) throw new BotiumScriptError(raw.file, item.line, `"${item.name}" is not a Botium asserter, logic hook or user input`);
      take(step, kind, { name, args: item.args, not, optional, line: item.line }, caps);
      continue;
    }
    const rawLine = item.text;
    let logic = rawLine;
    let optional = false;
    let not = false;
    if (logic.startsWith('?')) {
      optional = !logic.startsWith('??');
      logic = logic.slice(1);
    }
    if (logic.startsWith('!')) {
      not = !logic.startsWith('!!');
      logic = logic.slice(1);
    }
    const space = logic.indexOf(' ');
    const name = space < 0 ? logic : logic.slice(0, space);
    const kind = name ? kindOf(name, raw.sender, caps) : undefined;
    if (kind) {
      take(step, kind, { name, args: parseArgs(logic.length > name.length ? logic.slice(name.length + 1) : ''), not, optional, line: item.line }, caps);
      if (kind !== 'asserter') textAccepted = false;
    } else if (raw.sender === 'me' && !textAccepted) {
      if (rawLine.trim()) throw new BotiumScriptError(raw.file, item.line, `no text expected here (after a user input or logic hook): "${rawLine.trim()}"`);
    } else if (rawLine.trim()) {
      if (pending.length) {
        texts.push(...pending);
        pending = [];
      }
      texts.push(item);
    } else {
      pending.push(item);
    }
  }
  if (texts.length) {
    let first = texts[0].text;
    if (first.startsWith('?')) {
      step.optional = !first.startsWith('??');
      first = first.slice(1);
    }
    if (first.startsWith('!')) {
      step.not = !first.startsWith('!!');
      first = first.slice(1);
    }
    if (texts.length === 1) step.text = first;
    else {
      let joined = first;
      for (let i = 1; i < texts.length; i++) joined += `\n${texts[i].text}`;
      step.text = joined;
    }
    step.textLine = texts[0].line;
  }
  // linesToConvoStep: every element of a step is optional, or none is.
  const flags = new Set<boolean>();
  if (step.text) flags.add(step.optional);
  for (const a of step.asserters) flags.add(a.optional);
  if (flags.size > 1) throw new BotiumScriptError(raw.file, raw.line, 'every check of a step must be optional (?) or none: Botium refuses the mix');
  if (!step.text && step.asserters.length && step.asserters.every((a) => a.optional)) step.optional = true;
  return step;
}

/** Convo.expandPartialConvos: `#include NAME`, `include:` steps and the INCLUDE logic hook. */
function expandIncludes(steps: ParsedStep[], suite: BotiumSuite, parents: string[], root: boolean): ParsedStep[] {
  const out: ParsedStep[] = [];
  for (const step of steps) {
    if (step.hooks.length === 0 && step.sender !== 'include') {
      if (root || (step.sender !== 'begin' && step.sender !== 'end')) out.push(step);
      continue;
    }
    let names: string[] = [];
    if (step.sender === 'include') {
      if (step.channel) names.push(step.channel);
      if (step.text) names.push(...step.text.split('\n').map((s) => s.trim()).filter(Boolean));
    } else {
      names = step.hooks.filter((h) => h.name === 'INCLUDE').map((h) => {
        if (h.args.length !== 1) throw new BotiumScriptError(step.file, h.line, 'INCLUDE takes one partial convo name');
        return h.args[0];
      });
      const interacts = step.text || step.asserters.length || step.inputs.length || step.hooks.some((h) => h.name !== 'INCLUDE');
      if ((names.length === 0 || interacts) && (root || (step.sender !== 'begin' && step.sender !== 'end'))) {
        out.push(names.length ? { ...step, hooks: step.hooks.filter((h) => h.name !== 'INCLUDE') } : step);
      }
    }
    for (const name of names) {
      if (parents.includes(name)) throw new BotiumScriptError(step.file, step.line, `partial convos include each other in a circle: ${[...parents, name].join(' → ')}`);
      const partial = suite.partials.get(name);
      if (!partial) {
        const known = [...suite.partials.keys()];
        throw new BotiumScriptError(step.file, step.line, `no partial convo "${name}" (${known.length ? `known: ${known.join(', ')}` : 'the suite has no .pconvo.txt or partialConvos'})`);
      }
      const inner = partial.steps.map((s) => parseStep(s, suite.caps));
      out.push(...expandIncludes(inner, suite, [...parents, name], false));
    }
  }
  return out;
}

function resolveUtterance(suite: BotiumSuite, text: string): string[] | undefined {
  if (!suite.utterances.size) return undefined;
  const direct = suite.utterances.get(text);
  if (direct) return direct;
  const parts = text.split(' ');
  const named = suite.utterances.get(parts[0]);
  // util.format's %s/%d/%i with the words after the name, as Botium fills them.
  if (named) return named.map((u) => formatUtterance(u, parts.slice(1)));
  return undefined;
}

function formatUtterance(utterance: string, args: string[]): string {
  let i = 0;
  const filled = utterance.replace(/%[sdif%]/g, (m) => (m === '%%' ? '%' : i < args.length ? args[i++] : m));
  return i < args.length ? `${filled} ${args.slice(i).join(' ')}` : filled;
}

/** ScriptingProvider._expandConvo: one conversation per utterance of each `#me` that names an utterance list. */
function expandUtterances(name: string, steps: ParsedStep[], suite: BotiumSuite): { name: string; steps: ParsedStep[] }[] {
  let variants: { name: string; steps: ParsedStep[] }[] = [{ name, steps: [] }];
  for (const step of steps) {
    const utterances = step.sender === 'me' && step.text ? resolveUtterance(suite, step.text) : undefined;
    if (!utterances) {
      for (const v of variants) v.steps.push(step);
      continue;
    }
    const uttName = suite.utterances.has(step.text as string) ? (step.text as string) : (step.text as string).split(' ')[0];
    let chosen = utterances.map((u, i) => ({ u, i }));
    if (suite.caps.uttExpansionMode === 'first') chosen = chosen.slice(0, 1);
    else if (suite.caps.uttExpansionMode === 'random') {
      chosen = chosen.map((c) => ({ c, r: Math.random() })).sort((a, b) => a.r - b.r).map((x) => x.c).slice(0, suite.caps.uttExpansionRandomCount);
    }
    const next: typeof variants = [];
    for (const v of variants) {
      for (const { u, i } of chosen) {
        let label = v.name;
        if (chosen.length > 1) {
          const tag = `${i + 1}`.padStart(`${chosen.length}`.length, '0');
          const max = suite.caps.namingUtteranceMax;
          const postfix = suite.caps.namingMode === 'justLineTag' ? `L${tag}` : `L${tag}-${max > 3 && u.length > max ? `${u.slice(0, max - 3)}...` : u}`;
          label = `${v.name}/${uttName}-${postfix}`;
        }
        next.push({ name: label, steps: [...v.steps, { ...step, text: u }] });
      }
    }
    variants = next;
  }
  return variants;
}

const hasMemory = (text: string | null | undefined) => !!text && text.includes('$');

const NO_STEPS: ScriptStep[] = [];

/** A script line's hooks as steps; `where` names the block for messages. */
function hookSteps(step: ParsedStep, suite: BotiumSuite, where: string): ScriptStep[] {
  if (step.hooks.length === 0) return NO_STEPS;
  const out: ScriptStep[] = [];
  for (const h of step.hooks) {
    switch (h.name) {
      case 'PAUSE': {
        const ms = Number(h.args[0]);
        if (!Number.isFinite(ms) || ms < 0) throw new BotiumScriptError(step.file, h.line, 'PAUSE takes the milliseconds to wait');
        out.push({ kind: 'pause', ms, line: h.line, file: step.file });
        break;
      }
      case 'WAITFORBOT':
      case 'WAITFORBOTTIMEOUT':
        // Everything the bot says for a turn arrives in that turn's answer: nothing to wait for.
        break;
      case 'SET_SCRIPTING_MEMORY':
      case 'CLEAR_SCRIPTING_MEMORY': {
        if (!suite.caps.enableMemory) break; // Botium sets it, and without SCRIPTING_ENABLE_MEMORY never reads it.
        if (!h.args[0]) throw new BotiumScriptError(step.file, h.line, `${h.name} takes a variable name`);
        const variable = h.args[0].startsWith('$') ? h.args[0] : `$${h.args[0]}`;
        out.push(h.name === 'SET_SCRIPTING_MEMORY' ? { kind: 'memory', set: variable, value: h.args[1] ?? '', line: h.line, file: step.file } : { kind: 'memory', clear: variable, line: h.line, file: step.file });
        break;
      }
      default:
        if (REQUEST_HOOKS.has(h.name)) {
          throw new BotiumScriptError(step.file, h.line, `${h.name} changes the request Botium sends to the bot; through Studio the flow decides what the bot receives (the customer's text), so it cannot be applied`);
        }
        throw new BotiumScriptError(step.file, h.line, `Botium logic hook ${h.name} in ${where} is not supported`);
    }
  }
  return out;
}

function botExpectations(step: ParsedStep, suite: BotiumSuite): Expectation[] {
  const expect: Expectation[] = [];
  if (step.text) {
    const c = step.text.trimStart().charCodeAt(0);
    if ((c === 0x5b || c === 0x7b) && isJson(step.text)) {
      throw new BotiumScriptError(step.file, step.textLine, 'a JSON #bot text (Botium compares it with the message\'s raw data) is not supported: use JSON_PATH');
    }
    const alternatives = resolveUtterance(suite, step.text);
    const e: Expectation = { kind: 'botium', text: alternatives ? alternatives[0] : step.text };
    if (alternatives && alternatives.length > 1) e.alternatives = alternatives;
    if (alternatives) e.utterance = step.text;
    if (step.not) e.not = true;
    if (suite.caps.matchingMode !== 'wildcardIgnoreCase' || !suite.caps.normalizeText) e.mode = suite.caps.matchingMode;
    if (!suite.caps.normalizeText) e.raw = true;
    if (suite.caps.enableMemory && (alternatives ?? [step.text]).some(hasMemory)) e.memory = true;
    expect.push(e);
  }
  for (const a of step.asserters) {
    if (NLU_ASSERTERS.has(a.name)) {
      expect.push({ kind: 'notCheckable', name: a.name, line: a.line, reason: 'no-nlu' });
      continue;
    }
    const text = TEXT_ASSERTERS[a.name];
    if (text) {
      const args = a.args.flatMap((arg) => resolveUtterance(suite, arg) ?? [arg]);
      if (text.mode.startsWith('regexp')) {
        for (const arg of args) {
          try {
            new RegExp(arg);
          } catch (error) {
            throw new BotiumScriptError(step.file, a.line, `${a.name}: invalid regular expression ${JSON.stringify(arg)}: ${(error as Error).message}`);
          }
        }
      }
      expect.push({ kind: 'text', name: a.name, args, mode: text.mode, all: text.all, noArgIsJoker: text.noArgIsJoker ?? false, not: a.not, line: a.line, ...(suite.caps.normalizeText ? {} : { raw: true }) });
      continue;
    }
    if (RICH_ASSERTERS.has(a.name)) {
      if (a.name === 'JSON_PATH' && !a.args[0]) throw new BotiumScriptError(step.file, a.line, 'JSON_PATH takes a path, and optionally | the expected value');
      expect.push({ kind: 'rich', name: a.name as RichAsserter, args: a.args, not: a.not, mode: suite.caps.matchingMode, line: a.line, ...(suite.caps.normalizeText ? {} : { raw: true }) });
      continue;
    }
    throw new BotiumScriptError(step.file, a.line, `Botium asserter ${a.name} is not supported`);
  }
  if (expect.length === 0) expect.push({ kind: 'any' });
  return expect;
}

function isJson(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}

function toSteps(steps: ParsedStep[], suite: BotiumSuite, warnings: ScriptWarning[], convoFile: string): ScriptStep[] {
  const out: ScriptStep[] = [];
  for (const step of steps) {
    // A step names its file only when it comes from another one (a partial convo).
    const file = step.file === convoFile ? undefined : step.file;
    const where = `#${step.sender}`;
    if (step.sender === 'begin' || step.sender === 'end') {
      if (step.asserters.length) throw new BotiumScriptError(step.file, step.asserters[0].line, `asserters in ${where} (checked at the end of the convo) are not supported`);
      if (step.text) warnings.push({ line: step.textLine, code: 'ignored-text', where });
      out.push(...hookSteps(step, suite, where));
      continue;
    }
    if (step.sender === 'me') {
      let text = step.text;
      const media: string[] = [];
      for (const input of step.inputs) {
        if (input.name === 'MEDIA') {
          // The customer sends media (an MMS, a chat attachment): URLs separated by | or one a line.
          const urls = input.args.filter((u) => u !== '');
          if (!urls.length) throw new BotiumScriptError(step.file, input.line, 'MEDIA in #me needs a URL');
          media.push(...urls);
        } else if (input.name === 'BUTTON') {
          if (!input.args.length || input.args.length > 2) throw new BotiumScriptError(step.file, input.line, 'BUTTON takes a payload and optionally | its text');
          // A tapped quick reply reaches Studio as an inbound message whose Body is the
          // button's title; with one argument Botium sends that argument.
          text = input.args[input.args.length - 1];
        } else {
          throw new BotiumScriptError(
            step.file,
            input.line,
            `${input.name} in #me is not supported: the flow sends the bot only the text of the customer's message (inbound Body)`,
          );
        }
      }
      const hooks = hookSteps(step, suite, where);
      if ((text === null || text.trim() === '') && !media.length) throw new BotiumScriptError(step.file, step.line, '#me without text: the customer must say something');
      // Each line trimmed: what the customer types, without the script's indentation.
      const typed = text === null ? '' : step.inputs.length && !media.length ? text : text.includes('\n') ? text.split('\n').map((l) => l.trim()).join('\n').trim() : text.trim();
      const user: ScriptStep = file ? { kind: 'user', text: typed, line: step.line, file } : { kind: 'user', text: typed, line: step.line };
      if (media.length) user.media = media;
      if (suite.caps.enableMemory && hasMemory(text)) user.memory = true;
      out.push(user, ...hooks);
      continue;
    }
    // #bot
    const expect = botExpectations(step, suite);
    const bot: ScriptStep = file ? { kind: 'bot', expect, line: step.line, file } : { kind: 'bot', expect, line: step.line };
    if (step.optional) bot.optional = true;
    if (expect.some((e) => e.kind === 'botium' && e.memory)) bot.memory = true;
    out.push(bot);
    out.push(...hookSteps(step, suite, where));
  }
  return out;
}

/**
 * A convo as the runner takes it: partial convos included, one conversation per
 * utterance expansion (named `Name/UTT-L1`… as Botium names them), every line checked.
 */
export function compileConvo(raw: RawConvo, suite: BotiumSuite): (Conversation | ScriptError)[] {
  try {
    const parsed = raw.steps.map((s) => parseStep(s, suite.caps));
    const expanded = expandIncludes(parsed, suite, [], true);
    const convos: Conversation[] = [];
    for (const variant of expandUtterances(raw.name, expanded, suite)) {
      const warnings: ScriptWarning[] = [];
      const steps = toSteps(variant.steps, suite, warnings, raw.file);
      if (!steps.some((s) => s.kind === 'user')) {
        return [scriptError(raw.file, raw.line, 'no #me block: a conversation needs at least one customer message')];
      }
      const conversation: Conversation = { name: variant.name, file: raw.file, line: raw.line, steps };
      if (warnings.length) conversation.warnings = warnings;
      convos.push(conversation);
    }
    return convos;
  } catch (error) {
    if (error instanceof BotiumScriptError) return [scriptError(error.file, error.line, error.message)];
    throw error;
  }
}

/**
 * Capabilities from a botium.json (`{ "botium": { "Capabilities": { … } } }`) that change
 * how scripts are read and matched; the others configure Botium's connector and are
 * named once in `notes`.
 */
export function readCaps(json: unknown): { caps: BotiumCaps; notes: SuiteNote[]; errors: string[] } {
  const caps: BotiumCaps = { ...DEFAULT_CAPS, custom: new Map() };
  const notes: SuiteNote[] = [];
  const errors: string[] = [];
  const root = (json ?? {}) as Record<string, any>;
  const all: Record<string, unknown> = { ...(root.botium?.Capabilities ?? {}) };
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(all)) {
    switch (key) {
      case 'SCRIPTING_MATCHING_MODE': {
        const known: BotiumMatchMode[] = ['wildcard', 'wildcardIgnoreCase', 'wildcardLowerCase', 'wildcardExact', 'wildcardExactIgnoreCase', 'include', 'includeIgnoreCase', 'includeLowerCase', 'regexp', 'regexpIgnoreCase', 'equals', 'equalsIgnoreCase'];
        if (value === 'wer') errors.push('SCRIPTING_MATCHING_MODE "wer" (word error rate) is not supported');
        // getMatchFunction: an unknown mode compares equal, case-sensitive.
        else caps.matchingMode = known.includes(value as BotiumMatchMode) ? (value as BotiumMatchMode) : 'equals';
        break;
      }
      case 'SCRIPTING_UTTEXPANSION_MODE':
        if (value === 'all' || value === 'first' || value === 'random') caps.uttExpansionMode = value;
        else errors.push(`SCRIPTING_UTTEXPANSION_MODE "${String(value)}" is not supported (all, first or random)`);
        break;
      case 'SCRIPTING_UTTEXPANSION_RANDOM_COUNT':
        caps.uttExpansionRandomCount = Math.max(1, Number(value) || 1);
        break;
      case 'SCRIPTING_UTTEXPANSION_NAMING_MODE':
        caps.namingMode = value === 'utterance' ? 'utterance' : 'justLineTag';
        break;
      case 'SCRIPTING_UTTEXPANSION_NAMING_UTTERANCE_MAX':
        caps.namingUtteranceMax = Number(value) || 0;
        break;
      case 'SCRIPTING_ENABLE_MEMORY':
        caps.enableMemory = value === true || value === 'true';
        break;
      case 'SCRIPTING_NORMALIZE_TEXT':
        caps.normalizeText = !(value === false || value === 'false');
        break;
      case 'ASSERTERS':
      case 'LOGIC_HOOKS':
      case 'USER_INPUTS':
        for (const entry of Array.isArray(value) ? value : []) {
          const ref = (entry as { ref?: unknown })?.ref;
          if (typeof ref === 'string') caps.custom.set(ref, key === 'ASSERTERS' ? 'asserter' : key === 'LOGIC_HOOKS' ? 'logic hook' : 'user input');
        }
        break;
      default:
        ignored.push(key);
    }
  }
  if (ignored.length) notes.push({ code: 'connector-capabilities-ignored', names: ignored });
  return { caps, notes, errors };
}

/** Scripting memory: `$name` → value. Keys keep their `$`, as Botium's do. */
export type ScriptingMemory = Map<string, string>;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The common functions of botium-core's ScriptingMemory (the safe ones). */
const MEMORY_FUNCTIONS: Record<string, (arg?: string) => string> = {
  $now: () => new Date().toLocaleString(),
  $now_EN: () => new Date().toLocaleString('en-EN'),
  $now_ISO: () => new Date().toISOString(),
  $date: () => new Date().toLocaleDateString(),
  $date_EN: () => new Date().toLocaleDateString('en-EN'),
  $date_ISO: () => {
    const d = new Date();
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  },
  $time: () => new Date().toLocaleTimeString(),
  $time_EN: () => new Date().toLocaleTimeString('en-EN'),
  $time_HH_MM: () => {
    const d = new Date();
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  },
  $timestamp: () => String(Date.now()),
  $year: () => String(new Date().getFullYear()),
  $day_of_month: () => String(new Date().getDate()),
  $random: (length) => {
    const n = Number(length);
    if (!Number.isInteger(n) || n < 1) throw new Error('$random takes the number of digits: $random(5)');
    return Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
  },
  $random10: () => Array.from({ length: 10 }, () => Math.floor(Math.random() * 10)).join(''),
  $uniqid: () => require('node:crypto').randomUUID(),
};
const FUNCTION_NAMES = Object.keys(MEMORY_FUNCTIONS);

/** ScriptingMemory.apply: variables first (longest name first), then functions. */
export function applyMemory(text: string, memory: ScriptingMemory, testcase: string): string {
  const keys = [...FUNCTION_NAMES, ...memory.keys(), '$testcasename'].sort((a, b) => b.length - a.length);
  let out = text;
  for (const key of keys) {
    if (!out.includes(key)) continue;
    const value = memory.get(key);
    if (value !== undefined) {
      out = out.split(key).join(value);
    } else if (key === '$testcasename') {
      out = out.split(key).join(testcase);
    } else {
      const fn = MEMORY_FUNCTIONS[key];
      out = out.replace(new RegExp(`\\${key}(\\((.+?)(?<!\\\\)\\))?`, 'g'), (_m, _p, arg?: string) => fn(arg?.trim().replace(/^"(.*)"$/, '$1')));
    }
  }
  return out;
}

/** ScriptingMemory.fill: `$name`s in the expected text not yet known take what stands there in the bot's message. */
export function fillMemory(expected: string, response: string, memory: ScriptingMemory): void {
  const names = expected.match(/\$[A-Za-z]\w+/g);
  if (!names) return;
  let pattern = expected.replace(/[-\\^$*+?.()|[\]{}]/g, '\\$&').replace(/\\\$/g, '$');
  for (const name of names) pattern = pattern.split(name).join('(\\S+)');
  const found = new RegExp(pattern).exec(response);
  if (!found) return;
  names.forEach((name, i) => {
    if (!FUNCTION_NAMES.includes(name) && found[i + 1] !== undefined) memory.set(name, found[i + 1]);
  });
}
