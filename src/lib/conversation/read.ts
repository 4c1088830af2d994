/**
 * Script discovery and reading. A folder is walked recursively in a fixed order (entries
 * sorted by code point, folders descended where they sort), and files are read one at a
 * time as the consumer pulls: a suite of 20,000 conversations never sits in memory.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { parseConvoTxt } from './botium';
import type { Conversation, ScriptError } from './types';
import { isScriptError, scriptError } from './types';

/** The YAML reader (and the `yaml` package, ~60 ms to load) only when a YAML script is met. */
function parseYamlScript(file: string, source: string): ReturnType<typeof import('./yaml-format').parseYamlScript> {
  return (require('./yaml-format') as typeof import('./yaml-format')).parseYamlScript(file, source);
}

export type ScriptFormat = 'botium-txt' | 'yaml';

/** The format a file name says it holds, or undefined when it is not a script. */
export function scriptFormat(file: string): ScriptFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.convo.txt')) return 'botium-txt';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return undefined;
}

/**
 * Every conversation under `target` (a script file or a folder), with malformed scripts
 * yielded as ScriptErrors in their place. In a folder, files that are not scripts and
 * hidden entries (`.git`…) and `node_modules` are skipped.
 */
export async function* readScripts(target: string): AsyncGenerator<Conversation | ScriptError> {
  let stat;
  try {
    stat = await fs.stat(target);
  } catch {
    throw new UsageError(`No script file or folder at ${target}`, 'Pass a .convo.txt or .yaml file, or a folder of them, to --script.');
  }
  if (stat.isDirectory()) {
    for await (const file of walk(target)) yield* readFile(file);
    return;
  }
  if (!scriptFormat(target)) {
    yield scriptError(target, 1, 'not a conversation script: expected a .convo.txt, .yaml or .yml file');
    return;
  }
  yield* readFile(target);
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile() && scriptFormat(entry.name)) yield full;
  }
}

function* readFile(file: string): Generator<Conversation | ScriptError> {
  let source: string;
  try {
    // Read in one go on the main thread: a script is small, and the promise API's four
    // thread-pool round trips per file (open, stat, read, close) cost more than the read.
    source = readFileSync(file, 'utf8');
  } catch (error) {
    yield scriptError(file, 1, `cannot read the script: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return;
  }
  const items = scriptFormat(file) === 'botium-txt' ? [parseConvoTxt(file, source)] : parseYamlScript(file, source);
  for (const item of items) yield isScriptError(item) ? item : (checkConversation(item) ?? item);
}

/**
 * Rules every format shares. A Studio flow only runs when the customer writes, so the
 * first step must be the customer's; a script that starts by expecting the bot can never pass.
 */
export function checkConversation(conversation: Conversation): ScriptError | undefined {
  const first = conversation.steps[0];
  if (!first) return scriptError(conversation.file, conversation.line, `conversation "${conversation.name}" has no steps`);
  if (first.kind !== 'user') {
    return scriptError(
      conversation.file,
      first.line,
      `conversation "${conversation.name}" must start with a customer message (#me / user): the flow only runs when the customer writes`,
    );
  }
  return undefined;
}
