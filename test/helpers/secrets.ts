import * as fs from 'fs';

/**
 * The secret scan behind every end-to-end test: each run of the CLI and each file the
 * plugin wrote under a test HOME (other than the saved setup) is searched for every
 * secret the tests know of: Twilio auth tokens, API secrets, Cognigy URL tokens.
 * A find fails the test that made it; the counts go to COGNIGY_SECRET_STATS for the
 * summary `npm test` prints.
 */
const known = new Set<string>();

export function registerTestSecret(secret: string): void {
  if (secret && secret.length >= 8) known.add(secret);
}

/** Forgets a secret registered only for a test of the scan itself. */
export function forgetTestSecret(secret: string): void {
  known.delete(secret);
}

/** Forgets every secret: mocha workers run file after file in one process. */
export function forgetTestSecrets(): void {
  known.clear();
}

export function secretsFoundIn(text: string): string[] {
  return [...known].filter((s) => text.includes(s));
}

function record(kind: 'outputs' | 'files', count: number, leaks: number): void {
  const file = process.env.COGNIGY_SECRET_STATS;
  if (!file) return;
  fs.appendFileSync(file, `${JSON.stringify({ kind, count, leaks, secrets: known.size })}\n`);
}

/** Throws when `text` holds a known secret; `what` names where it was seen. */
export function assertNoSecret(text: string, what: string): void {
  const found = secretsFoundIn(text);
  record('outputs', 1, found.length);
  if (found.length) {
    throw new Error(`secret leaked in ${what}: …${found.map((s) => s.slice(-4)).join(', …')}`);
  }
}

/** Every file under `dir` except those `keep` accepts. */
export function assertNoSecretInFiles(files: { file: string; text: string }[]): void {
  let leaks = 0;
  const bad: string[] = [];
  for (const f of files) {
    if (secretsFoundIn(f.text).length) {
      leaks++;
      bad.push(f.file);
    }
  }
  record('files', files.length, leaks);
  if (bad.length) throw new Error(`secret leaked in files: ${bad.join(', ')}`);
}
