/**
 * Script discovery and reading. A folder is walked recursively in a fixed order (entries
 * sorted by code point, folders descended where they sort), and files are read one at a
 * time as the consumer pulls: a suite of 20,000 conversations never sits in memory.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';
import {
  compileConvo,
  DEFAULT_CAPS,
  emptySuite,
  expandMemorySets,
  parseScriptingMemoryTxt,
  parseUtterancesTxt,
  rawConvoTxt,
  readCaps,
  type BotiumCaps,
  type BotiumSuite,
} from './botium';
import type { BotiumObjectScript } from './yaml-format';
import type { Conversation, ScriptError, SuiteNote } from './types';
import type { OtherStartEvent } from '../runtime/flow';
import { isScriptError, scriptError } from './types';

/** The YAML reader (and the `yaml` package, ~60 ms to load) only when a YAML or JSON script is met. */
function yamlFormat(): typeof import('./yaml-format') {
  return require('./yaml-format') as typeof import('./yaml-format');
}

export type ScriptFormat = 'botium-txt' | 'botium-pconvo' | 'botium-utterances' | 'botium-memory' | 'yaml' | 'json';

/** The format a file name says it holds, or undefined when it is not a script (botium-core's glob). */
export function scriptFormat(file: string): ScriptFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.convo.txt')) return 'botium-txt';
  if (lower.endsWith('.pconvo.txt')) return 'botium-pconvo';
  if (lower.endsWith('.utterances.txt')) return 'botium-utterances';
  if (lower.endsWith('.scriptingmemory.txt')) return 'botium-memory';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

export interface ReadOptions {
  /** `--botium-config FILE`; otherwise a `botium.json` in the suite's folder is used when there is one. */
  botiumConfig?: string;
  /** Things worth one line before the results (capabilities ignored…). */
  onNote?: (note: SuiteNote) => void;
  /**
   * How the run starts each execution when not with the customer's message (`--param`, or a
   * flow that wires only the REST API): the flow speaks first, so a conversation may open
   * with the bot's steps.
   */
  start?: OtherStartEvent;
}

/**
 * Every conversation under `target` (a script file or a folder), with malformed scripts
 * yielded as ScriptErrors in their place. In a folder, files that are not scripts and
 * hidden entries (`.git`…) and `node_modules` are skipped. Botium's definitions
 * (`.utterances.txt`, `.pconvo.txt`, the utterances and partialConvos of YAML/JSON files)
 * are read first, for the whole folder (for a single file: its folder), as botium-core
 * reads them; the convos are then read one file at a time as the consumer pulls.
 */
export async function* readScripts(target: string, options: ReadOptions = {}): AsyncGenerator<Conversation | ScriptError> {
  let stat;
  try {
    stat = await fs.stat(target);
  } catch {
    throw new UsageError(`No script file or folder at ${target}`, 'Pass a .convo.txt or .yaml file, or a folder of them, to --script.');
  }
  const dir = stat.isDirectory() ? target : path.dirname(target);
  if (!stat.isDirectory() && !scriptFormat(target)) {
    yield scriptError(target, 1, 'not a conversation script: expected a .convo.txt, .yaml, .yml or .json file');
    return;
  }
  // For one file: the definitions of its own folder only, not of every folder below it.
  const files: string[] = [];
  for await (const file of walk(dir, stat.isDirectory())) files.push(file);
  const suite = emptySuite(readBotiumConfig(dir, options));
  const botiumObjects = new Map<string, BotiumObjectScript>();
  for (const item of readDefinitions(files, suite, botiumObjects, options)) yield item;
  const convoFiles = stat.isDirectory() ? files : [target];
  for (const file of convoFiles) yield* readFile(file, suite, botiumObjects, options.start);
}

async function* walk(dir: string, recursive = true): AsyncGenerator<string> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) yield* walk(full);
    }
    else if (entry.isFile() && scriptFormat(entry.name)) yield full;
  }
}

function readBotiumConfig(dir: string, options: ReadOptions): BotiumCaps {
  const file = options.botiumConfig ?? path.join(dir, 'botium.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (options.botiumConfig) throw new UsageError(`Cannot read the Botium configuration ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return DEFAULT_CAPS;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`, 'Fix it, or pass another file with --botium-config.');
  }
  const { caps, notes, errors } = readCaps(json);
  if (errors.length) throw new UsageError(`${file}: ${errors.join('; ')}.`, 'Change the capability, or run the suite without it.');
  for (const note of notes) options.onNote?.(note);
  return caps;
}

/** Botium's definitions, registered in `suite`; the Botium YAML/JSON files read are kept for their convos. */
function* readDefinitions(
  files: string[],
  suite: BotiumSuite,
  botiumObjects: Map<string, BotiumObjectScript>,
  options: ReadOptions,
): Generator<ScriptError> {
  for (const file of files) {
    const format = scriptFormat(file);
    if (format === 'botium-txt') continue;
    const source = readText(file);
    if (typeof source !== 'string') {
      if (format !== 'yaml') yield source;
      continue;
    }
    if (format === 'botium-pconvo') {
      const raw = rawConvoTxt(file, source);
      suite.partials.set(raw.name, raw);
    } else if (format === 'botium-utterances') {
      const utt = parseUtterancesTxt(source);
      if (utt) suite.utterances.set(utt.name, utt.utterances);
    } else if (format === 'botium-memory') {
      if (suite.caps.enableMemory) suite.memories.push(...parseScriptingMemoryTxt(source));
      else memoryIgnored(file, 1, options);
    } else if (format === 'json' ? /"(convos|partialConvos|utterances|scriptingMemory)"\s*:/.test(source) : /^(convos|partialConvos|utterances|scriptingMemory)\s*:/m.test(source)) {
      const script = yamlFormat().readBotiumObjectScript(file, source);
      if (!script) continue;
      if ('kind' in script) {
        yield script;
        continue;
      }
      for (const partial of script.partials) suite.partials.set(partial.name, partial);
      for (const [name, list] of script.utterances) suite.utterances.set(name, list);
      if (script.scriptingMemoryLine !== undefined) {
        if (suite.caps.enableMemory) suite.memories.push(...script.memories);
        else memoryIgnored(file, script.scriptingMemoryLine, options);
      }
      botiumObjects.set(file, script);
    }
  }
}

function memoryIgnored(file: string, line: number, options: ReadOptions): void {
  options.onNote?.({ code: 'memory-off', file, line });
}

const UTF8 = { encoding: 'utf8' } as const;

function readText(file: string): string | ScriptError {
  try {
    // Read in one go on the main thread: a script is small, and the promise API's four
    // thread-pool round trips per file (open, stat, read, close) cost more than the read.
    // An options object, not 'utf8': for a string node spreads its defaults into a new
    // object, which V8 11 gives a map of its own each time (bench/README.md).
    return readFileSync(file, UTF8);
  } catch (error) {
    return scriptError(file, 1, `cannot read the script: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function* readFile(file: string, suite: BotiumSuite, botiumObjects: Map<string, BotiumObjectScript>, start: OtherStartEvent | undefined): Generator<Conversation | ScriptError> {
  const format = scriptFormat(file);
  let items: (Conversation | ScriptError)[];
  if (format === 'botium-txt') {
    const source = readText(file);
    if (typeof source !== 'string') {
      yield source;
      return;
    }
    items = compileConvo(rawConvoTxt(file, source), suite);
  } else if (botiumObjects.has(file)) {
    items = (botiumObjects.get(file) as BotiumObjectScript).convos.flatMap((raw) => compileConvo(raw, suite));
  } else if (format === 'yaml') {
    const source = readText(file);
    if (typeof source !== 'string') {
      yield source;
      return;
    }
    items = yamlFormat().parseYamlScript(file, source);
  } else {
    return;
  }
  for (const item of items) {
    if (isScriptError(item)) yield item;
    else if (suite.memories.length) for (const c of expandMemorySets(item, suite)) yield checkConversation(c, start) ?? c;
    else yield checkConversation(item, start) ?? item;
  }
}

/**
 * Rules every format shares. A flow the customer's message starts cannot speak first, so
 * its conversations must open with the customer's step: one that opens by expecting the
 * bot could never pass (Botium would wait for a message that never comes, and time out).
 * When the run starts executions itself (`start`: the REST API, or a subflow on its own),
 * the flow speaks first and the opening bot steps are matched against what it sends, as
 * Botium matches a convo's opening `#bot` against the bot's unprompted messages.
 */
export function checkConversation(conversation: Conversation, start?: OtherStartEvent): ScriptError | undefined {
  const first = conversation.steps.find((s) => s.kind !== 'pause' && s.kind !== 'memory');
  if (!first) return scriptError(conversation.file, conversation.line, `conversation "${conversation.name}" has no steps`);
  if (first.kind !== 'user' && !start) {
    return scriptError(
      first.file ?? conversation.file,
      first.line,
      `conversation "${conversation.name}" opens with the bot, but a flow the customer's message starts cannot speak first: ` +
        "open it with a customer message (#me / user), or wire the trigger's REST API event (incomingRequest) and run with --param KEY=VALUE",
    );
  }
  return undefined;
}
