import * as fs from 'fs';
import * as path from 'path';
import { CognigyError } from '../errors';
import { writeFileAtomic } from '../files';
import { Setup } from '../domain/setup';

/**
 * The saved setup: one JSON file under the CLI's config directory, keyed by Twilio
 * account SID, so every profile (and env credentials) of one account share what init
 * decided. It holds the endpoint URL in clear, so it is written atomically with mode
 * 0600 in a 0700 folder, and nothing else the plugin writes may hold that URL.
 */
export interface SetupFile {
  version: 1;
  accounts: Record<string, { profile?: string; savedAt: string; setup: Setup }>;
}

export const PLUGIN_DIR_NAME = 'twilio-plugin-cognigy';

export function setupFilePath(configDir: string): string {
  return path.join(configDir, 'plugins', PLUGIN_DIR_NAME, 'setup.json');
}

/**
 * The saved setup file, or an empty one when there is none yet. A file that cannot be read
 * or is not a saved setup is the user's to fix (a hand edit, a permission): a CognigyError
 * that names the file and says what to do, never a bare exception.
 */
export function readSetupFile(file: string): SetupFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { version: 1, accounts: {} };
    throw unreadableSetup(file, `it could not be read (${code ?? (error as Error).message})`, 'Check its permissions, or move it away and run "twilio cognigy:init" again.');
  }
  let parsed: SetupFile;
  try {
    parsed = JSON.parse(text) as SetupFile;
  } catch {
    throw unreadableSetup(file, 'it is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || !parsed.accounts || typeof parsed.accounts !== 'object') {
    throw unreadableSetup(file, 'it is not a saved setup');
  }
  return parsed;
}

function unreadableSetup(file: string, why: string, hint = 'Move it away and run "twilio cognigy:init" again.'): CognigyError {
  return new CognigyError(`The saved setup ${file} cannot be used: ${why}.`, { hint, code: 'setup-unreadable', details: { file } });
}

export function loadSetup(file: string, accountSid: string): Setup | undefined {
  return readSetupFile(file).accounts[accountSid]?.setup;
}

/** Saves the setup of one account. Returns false when it was already saved as is. */
export function saveSetup(file: string, accountSid: string, setup: Setup, profile?: string): boolean {
  const current = readSetupFile(file);
  const previous = current.accounts[accountSid];
  if (previous && stableJson(previous.setup) === stableJson(setup) && previous.profile === profile) return false;
  current.accounts[accountSid] = { profile, savedAt: new Date().toISOString(), setup };
  writeFileAtomic(file, `${JSON.stringify(current, null, 2)}\n`, 'the setup');
  return true;
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
      : v,
  );
}
