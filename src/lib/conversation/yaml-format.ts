/**
 * YAML scripts: the project's own format (see FORMAT.md) and Botium's YAML convos
 * (`convos:`). Every node keeps its line so an error or a failure points into the file.
 */
import * as path from 'node:path';
import { LineCounter, parseDocument, visit, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { UsageError } from '../errors';
import { parseStubs, type Stub } from '../runtime/stubs';
import type { MemorySet, RawConvo, RawItem, RawStep } from './botium';
import { CHANNEL_MODELS, type ChannelModel } from '../domain/setup';
import type { Conversation, Expectation, HandoverExpectation, ScriptError, ScriptStep } from './types';
import { scriptError } from './types';

/** Thrown inside this module only; turned into a ScriptError for the conversation at hand. */
class YamlScriptError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

const FILE_KEYS = ['conversations', 'from', 'channelModel', 'stubs'];
const CONVERSATION_KEYS = ['name', 'from', 'channelModel', 'steps'];
const STEP_KINDS = ['user', 'bot', 'handover', 'end', 'silence'];
const BOT_KEYS = ['text', 'contains', 'regex', 'data', 'quickReplies'];
const HANDOVER_KEYS = ['workflow', 'channel', 'attributes'];
const END_KEYS = ['reason'];

/**
 * A mapping as plain data. YAML aliases (`*name`) are refused here: `toJSON` would not
 * resolve them, and resolving them opens the door to alias bombs.
 */
function plainMapping(node: YAMLMap, key: string, lineOf: (node: unknown) => number): Record<string, unknown> {
  let alias: unknown;
  visit(node, {
    Alias: (_key, found) => {
      alias = found;
      return visit.BREAK;
    },
  });
  if (alias) throw new YamlScriptError(lineOf(alias), `"${key}" uses a YAML alias (*name); write the values out`);
  return node.toJSON() as Record<string, unknown>;
}

/** Read one YAML file; each conversation in it is yielded or reported on its own. */
export function parseYamlScript(file: string, source: string): (Conversation | ScriptError)[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.replace(/^\uFEFF/, ''), { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const first = doc.errors[0];
    const line = first.pos ? lineCounter.linePos(unclosedQuoteStart(doc, first.pos[0]) ?? first.pos[0]).line : 1;
    return [scriptError(file, line, `invalid YAML: ${first.message.split('\n')[0]}`)];
  }
  const lineOf = (node: unknown): number => {
    const range = (node as Node | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  const root = doc.contents;
  try {
    if (isMap(root) && root.has('conversations')) {
      checkKeys(root, FILE_KEYS, 'file', lineOf);
      const defaults = {
        from: optionalString(root, 'from', lineOf),
        channelModel: optionalChannelModel(root, lineOf),
        stubs: readStubs(file, root, lineOf),
      };
      const list = root.get('conversations', true);
      if (!isSeq(list)) throw new YamlScriptError(lineOf(list ?? root), '"conversations" must be a list');
      return list.items.map((item, index) => readOne(file, item, index, defaults, lineOf));
    }
    if (isSeq(root)) return root.items.map((item, index) => readOne(file, item, index, {}, lineOf));
    if (isMap(root) && root.has('steps')) return [readOne(file, root, 0, {}, lineOf)];
    throw new YamlScriptError(
      lineOf(root),
      'not a conversation script: expected "conversations:" (a list), a single conversation with "steps:", or Botium "convos:"',
    );
  } catch (error) {
    if (error instanceof YamlScriptError) return [scriptError(file, error.line, error.message)];
    throw error;
  }
}

type LineOf = (node: unknown) => number;

/** The file's `stubs:` list (the `--stub` format): local answers for this file's conversations. */
function readStubs(file: string, root: YAMLMap, lineOf: LineOf): Stub[] | undefined {
  const node = root.get('stubs', true);
  if (node === undefined) return undefined;
  let alias: unknown;
  visit(node as Node, {
    Alias: (_key, found) => {
      alias = found;
      return visit.BREAK;
    },
  });
  if (alias) throw new YamlScriptError(lineOf(alias), '"stubs" uses a YAML alias (*name); write the values out');
  try {
    return parseStubs((node as Node).toJSON(), `${path.basename(file)}:${lineOf(node)}`);
  } catch (error) {
    if (error instanceof UsageError) throw new YamlScriptError(lineOf(node), `"stubs": ${error.message}`);
    throw error;
  }
}

/**
 * A quote left open swallows the rest of the file, and the parser notices only at its
 * end: point at where the quoted text starts, which is where the typo is.
 */
function unclosedQuoteStart(doc: Document, errorAt: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range && node.range[0] < errorAt && errorAt <= node.range[2]) start = node.range[0];
    },
  });
  return start;
}

function readOne(
  file: string,
  node: unknown,
  index: number,
  defaults: { from?: string; channelModel?: ChannelModel; stubs?: Stub[] },
  lineOf: LineOf,
): Conversation | ScriptError {
  try {
    if (!isMap(node)) throw new YamlScriptError(lineOf(node), 'a conversation must be a mapping with "name" and "steps"');
    checkKeys(node, CONVERSATION_KEYS, 'conversation', lineOf);
    const name = optionalString(node, 'name', lineOf) ?? `${path.basename(file)} #${index + 1}`;
    const stepsNode = node.get('steps', true);
    if (!isSeq(stepsNode)) throw new YamlScriptError(lineOf(stepsNode ?? node), `conversation "${name}": "steps" must be a list`);
    const steps = stepsNode.items.map((item) => readStep(item, lineOf));
    const conversation: Conversation = { name, file, line: lineOf(node), steps };
    const from = optionalString(node, 'from', lineOf) ?? defaults.from;
    if (from !== undefined) conversation.from = from;
    const channelModel = optionalChannelModel(node, lineOf) ?? defaults.channelModel;
    if (channelModel !== undefined) conversation.channelModel = channelModel;
    if (defaults.stubs?.length) conversation.stubs = defaults.stubs;
    return conversation;
  } catch (error) {
    if (error instanceof YamlScriptError) return scriptError(file, error.line, error.message);
    throw error;
  }
}

function readStep(node: unknown, lineOf: LineOf): ScriptStep {
  const line = lineOf(node);
  if (!isMap(node) || node.items.length !== 1) {
    throw new YamlScriptError(line, `a step is a mapping with one key: ${STEP_KINDS.join(', ')}`);
  }
  const pair = node.items[0] as Pair<unknown, unknown>;
  const kind = scalarString(pair.key);
  const value = pair.value;
  switch (kind) {
    case 'user': {
      if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
        throw new YamlScriptError(line, '"user" takes the customer\'s text');
      }
      return { kind: 'user', text: String(value.value), line };
    }
    case 'silence':
      requireTrue(value, 'silence', line);
      return { kind: 'silence', line };
    case 'bot':
      return { kind: 'bot', expect: readBotExpectation(value, line, lineOf), line };
    case 'handover': {
      if (isMap(value)) {
        checkKeys(value, HANDOVER_KEYS, 'handover', lineOf);
        const expect: HandoverExpectation = {};
        const workflow = optionalString(value, 'workflow', lineOf);
        const channel = optionalString(value, 'channel', lineOf);
        if (workflow !== undefined) expect.workflow = workflow;
        if (channel !== undefined) expect.channel = channel;
        const attributes = value.get('attributes', true);
        if (attributes !== undefined) {
          if (!isMap(attributes)) throw new YamlScriptError(lineOf(attributes), '"attributes" must be a mapping');
          expect.attributes = plainMapping(attributes, 'attributes', lineOf);
        }
        return { kind: 'handover', expect, line };
      }
      if (isScalar(value) && value.value === 'refused') return { kind: 'handover', refused: true, line };
      requireTrue(value, 'handover', line);
      return { kind: 'handover', line };
    }
    case 'end': {
      if (isMap(value)) {
        checkKeys(value, END_KEYS, 'end', lineOf);
        const reason = optionalString(value, 'reason', lineOf);
        return reason === undefined ? { kind: 'end', line } : { kind: 'end', reason, line };
      }
      if (isScalar(value) && typeof value.value === 'string') return { kind: 'end', reason: value.value, line };
      requireTrue(value, 'end', line);
      return { kind: 'end', line };
    }
    default:
      throw new YamlScriptError(lineOf(pair.key), `unknown step "${kind}": expected one of ${STEP_KINDS.join(', ')}`);
  }
}

function readBotExpectation(value: unknown, line: number, lineOf: LineOf): Expectation[] {
  if (isScalar(value) && value.value === true) return [{ kind: 'any' }];
  if (isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number')) {
    return [{ kind: 'exact', text: String(value.value) }];
  }
  if (!isMap(value)) throw new YamlScriptError(line, '"bot" takes the exact text, true (any message) or a mapping of expectations');
  checkKeys(value, BOT_KEYS, 'bot', lineOf);
  const expect: Expectation[] = [];
  const text = optionalString(value, 'text', lineOf);
  if (text !== undefined) expect.push({ kind: 'exact', text });
  const contains = optionalString(value, 'contains', lineOf);
  if (contains !== undefined) expect.push({ kind: 'contains', text: contains });
  const regex = optionalString(value, 'regex', lineOf);
  if (regex !== undefined) expect.push(readRegex(regex, lineOf(value.get('regex', true))));
  const data = value.get('data', true);
  if (data !== undefined) {
    if (!isMap(data)) throw new YamlScriptError(lineOf(data), '"data" must be a mapping');
    expect.push({ kind: 'data', subset: plainMapping(data, 'data', lineOf) });
  }
  const quickReplies = value.get('quickReplies', true);
  if (quickReplies !== undefined) {
    if (!isSeq(quickReplies) || !quickReplies.items.every((i) => isScalar(i) && i.value !== null)) {
      throw new YamlScriptError(lineOf(quickReplies), '"quickReplies" must be a list of texts');
    }
    expect.push({ kind: 'quickReplies', values: quickReplies.items.map((i) => String((i as { value: unknown }).value)), mode: 'exact' });
  }
  if (expect.length === 0) expect.push({ kind: 'any' });
  return expect;
}

/** `regex: "^Hi"` or `regex: "/^hi/i"`; checked now so a typo is a script error, not a failed run. */
function readRegex(source: string, line: number): Expectation {
  const slashed = /^\/(.*)\/([a-z]*)$/s.exec(source);
  const pattern = slashed ? slashed[1] : source;
  const flags = slashed ? slashed[2] : undefined;
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    throw new YamlScriptError(line, `invalid regular expression: ${(error as Error).message}`);
  }
  return flags ? { kind: 'regex', pattern, flags } : { kind: 'regex', pattern };
}

/** What a Botium YAML/JSON file holds (CompilerObjectBase): each section is optional. */
export interface BotiumObjectScript {
  convos: RawConvo[];
  partials: RawConvo[];
  utterances: [string, string[]][];
  /** Line of a `scriptingMemory` section, when there is one, and its sets. */
  scriptingMemoryLine?: number;
  memories: MemorySet[];
}

const BOTIUM_SECTIONS = ['convos', 'partialConvos', 'utterances', 'scriptingMemory'];

/** Whether a YAML/JSON root is a Botium script (rather than the project's format). */
export function isBotiumRoot(root: unknown): root is YAMLMap {
  return isMap(root) && BOTIUM_SECTIONS.some((k) => root.has(k));
}

/** Read a Botium YAML/JSON script; undefined when it is not one (a JSON file with none of its sections: botium.json, package.json). */
export function readBotiumObjectScript(file: string, source: string): BotiumObjectScript | ScriptError | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.replace(/^\uFEFF/, ''), { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const first = doc.errors[0];
    const line = first.pos ? lineCounter.linePos(first.pos[0]).line : 1;
    return scriptError(file, line, `invalid ${file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${first.message.split('\n')[0]}`);
  }
  const lineOf = (node: unknown): number => {
    const range = (node as Node | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  if (!isBotiumRoot(doc.contents)) return undefined;
  try {
    return readBotiumObject(file, doc.contents, lineOf);
  } catch (error) {
    if (error instanceof YamlScriptError) return scriptError(file, error.line, error.message);
    throw error;
  }
}

function readBotiumObject(file: string, root: YAMLMap, lineOf: LineOf): BotiumObjectScript {
  const out: BotiumObjectScript = { convos: [], partials: [], utterances: [], memories: [] };
  for (const [section, into] of [['convos', out.convos], ['partialConvos', out.partials]] as const) {
    const list = root.get(section, true);
    if (list === undefined) continue;
    if (!isSeq(list)) throw new YamlScriptError(lineOf(list), `"${section}" must be a list`);
    list.items.forEach((node, index) => into.push(readBotiumConvo(file, node, index, lineOf)));
  }
  const utterances = root.get('utterances', true);
  if (utterances !== undefined) {
    if (!isMap(utterances)) throw new YamlScriptError(lineOf(utterances), '"utterances" must be a mapping of names to lists');
    for (const pair of utterances.items) {
      const name = scalarString(pair.key);
      if (!isSeq(pair.value)) throw new YamlScriptError(lineOf(pair.value ?? pair.key), `The '${name}' utterance has to be a list`);
      out.utterances.push([name, pair.value.items.map((i) => (isScalar(i) ? String(i.value ?? '') : '')).filter((u) => u)]);
    }
  }
  const memory = root.get('scriptingMemory', true);
  if (memory !== undefined) {
    out.scriptingMemoryLine = lineOf(memory);
    // CompilerObjectBase: a list of { header: { name }, values: { $name: value } }.
    if (!isSeq(memory)) throw new YamlScriptError(lineOf(memory), '"scriptingMemory" must be a list of { header: { name }, values }');
    for (const entry of memory.items) {
      const json = (isMap(entry) ? entry.toJSON() : undefined) as { header?: { name?: unknown }; values?: Record<string, unknown> } | undefined;
      if (!json || typeof json.header?.name !== 'string' || !json.values || typeof json.values !== 'object') {
        throw new YamlScriptError(lineOf(entry), 'a scripting memory entry needs header.name and values');
      }
      out.memories.push({ name: json.header.name, values: Object.fromEntries(Object.entries(json.values).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])) });
    }
  }
  return out;
}

function readBotiumConvo(file: string, node: unknown, index: number, lineOf: LineOf): RawConvo {
  if (!isMap(node)) throw new YamlScriptError(lineOf(node), 'a Botium convo must be a mapping with "name" and "steps"');
  const name = optionalString(node, 'name', lineOf) ?? `${path.basename(file)} #${index + 1}`;
  const stepsNode = node.get('steps', true);
  if (!isSeq(stepsNode)) throw new YamlScriptError(lineOf(stepsNode ?? node), `convo "${name}": "steps" must be a list`);
  const steps: RawStep[] = stepsNode.items.map((stepNode) => {
    if (!isMap(stepNode) || stepNode.items.length !== 1) {
      throw new YamlScriptError(lineOf(stepNode), 'a Botium step is a mapping with one key: begin, include, me, bot or end');
    }
    const pair = stepNode.items[0] as Pair<unknown, unknown>;
    const sender = scalarString(pair.key);
    if (!['begin', 'include', 'me', 'bot', 'end'].includes(sender)) {
      throw new YamlScriptError(lineOf(pair.key), `unknown Botium step "${sender}": expected begin, include, me, bot or end`);
    }
    const values = isSeq(pair.value) ? pair.value.items : pair.value == null || (isScalar(pair.value) && pair.value.value === null) ? [] : [pair.value];
    return { sender, file, line: lineOf(stepNode), items: values.map((item) => readBotiumItem(item, sender, lineOf)) };
  });
  return { name, file, line: lineOf(node), steps };
}

/** A step item: a text line, or `{ NAME: args }`, `{ asserter|logichook|userinput: NAME, args }`. */
function readBotiumItem(item: unknown, sender: string, lineOf: LineOf): RawItem {
  const line = lineOf(item);
  if (isScalar(item)) return { text: String(item.value ?? ''), line };
  if (!isMap(item)) throw new YamlScriptError(line, `Botium "${sender}" lines must be texts or mappings`);
  const args = (node: unknown): string[] => {
    if (node === undefined || node === null) return [];
    if (isSeq(node)) return node.items.map((i) => (isScalar(i) ? String(i.value ?? '') : JSON.stringify((i as YAMLMap).toJSON())));
    if (isScalar(node)) return node.value === null ? [] : [String(node.value)];
    return [JSON.stringify((node as YAMLMap).toJSON())];
  };
  for (const key of ['asserter', 'logichook', 'logicHook', 'userinput', 'userInput']) {
    if (!item.has(key)) continue;
    const named = item.get(key, true);
    return {
      name: scalarString(named),
      args: args(item.get('args', true)),
      not: isScalar(item.get('not', true)) && (item.get('not', true) as { value: unknown }).value === true,
      optional: isScalar(item.get('optional', true)) && (item.get('optional', true) as { value: unknown }).value === true,
      line,
    };
  }
  const pair = item.items[0] as Pair<unknown, unknown>;
  return { name: scalarString(pair.key), args: args(pair.value), not: false, optional: false, line };
}

function checkKeys(map: YAMLMap, allowed: string[], where: string, lineOf: LineOf): void {
  for (const pair of map.items) {
    const key = scalarString(pair.key);
    if (!allowed.includes(key)) {
      throw new YamlScriptError(lineOf(pair.key), `unknown key "${key}" in ${where}: expected one of ${allowed.join(', ')}`);
    }
  }
}

function scalarString(node: unknown): string {
  return isScalar(node) ? String(node.value) : String(node);
}

function optionalString(map: YAMLMap, key: string, lineOf: LineOf): string | undefined {
  const node = map.get(key, true);
  if (node === undefined) return undefined;
  if (!isScalar(node) || node.value === null || typeof node.value === 'object' || typeof node.value === 'boolean') {
    throw new YamlScriptError(lineOf(node), `"${key}" must be a text`);
  }
  return String(node.value);
}

function optionalChannelModel(map: YAMLMap, lineOf: LineOf): ChannelModel | undefined {
  const value = optionalString(map, 'channelModel', lineOf);
  if (value === undefined) return undefined;
  if (!CHANNEL_MODELS.includes(value as ChannelModel)) {
    throw new YamlScriptError(lineOf(map.get('channelModel', true)), `"channelModel" must be one of ${CHANNEL_MODELS.join(', ')}`);
  }
  return value as ChannelModel;
}

function requireTrue(value: unknown, key: string, line: number): void {
  if (!(isScalar(value) && value.value === true)) throw new YamlScriptError(line, `"${key}" takes true or a mapping`);
}
