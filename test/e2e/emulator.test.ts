import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { baseEnv, filesUnder, ROOT } from '../helpers/cli';
import { assertNoSecret, assertNoSecretInFiles, registerTestSecret } from '../helpers/secrets';

/**
 * The README's "Testing against a local API emulator" section, run as written: `npm run
 * emulator` as a child process, its export block parsed, then the second terminal's
 * block run by `sh` line by line in a fresh HOME (the real `twilio` binary from the
 * devDependencies, the plugin linked with `twilio plugins:link .`). One step is not run:
 * `npm run build` (the test run built dist/ already, and rebuilding it would pull dist/
 * from under the other end-to-end tests running beside this one).
 */
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const STEP_TIMEOUT_MS = 120_000;
const SKIPPED = new Set(['npm run build']);

function emulatorSection(): { start: string[]; steps: string[] } {
  const from = README.indexOf('## Testing against a local API emulator');
  assert.ok(from >= 0, 'the README has the section');
  const to = README.indexOf('\n## ', from + 3);
  const section = README.slice(from, to < 0 ? undefined : to);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].split('\n').filter((l) => l.trim() !== ''));
  assert.strictEqual(blocks.length, 2, 'one block per terminal');
  return { start: blocks[0], steps: blocks[1] };
}

/** `export NAME=value` lines, as the emulator prints them. */
function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^export ([A-Z_]+)=(\S+)$/gm)) env[m[1]] = m[2];
  return env;
}

describe('the README emulator section, step by step', () => {
  let emulator: ChildProcess;
  let printed = '';
  let exports: Record<string, string> = {};
  let home: string;
  const { start, steps } = emulatorSection();

  before(async () => {
    assert.deepStrictEqual(start, ['npm run emulator']);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-emulator-'));
    // Free ports, so parallel runs never collide; the README's default ports are the same code path.
    emulator = spawn('npm', ['run', '--silent', 'emulator', '--', '--twilio-port', '0', '--bot-port', '0'], {
      cwd: ROOT,
      env: baseEnv(home),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    emulator.stdout!.on('data', (d) => (printed += d));
    emulator.stderr!.on('data', (d) => (printed += d));
    const started = Date.now();
    while (!/Ctrl-C stops\./.test(printed)) {
      if (emulator.exitCode !== null || Date.now() - started > 60_000) throw new Error(`the emulator did not start:\n${printed}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    exports = parseExports(printed);
    registerTestSecret(new URL(exports.COGNIGY_ENDPOINT_URL).pathname.split('/').pop()!);
  });

  after(() => {
    if (emulator?.pid && emulator.exitCode === null) process.kill(-emulator.pid, 'SIGTERM');
    if (home) {
      const files = filesUnder(home).filter((f) => path.basename(f.file) !== 'setup.json');
      fs.rmSync(home, { recursive: true, force: true });
      assertNoSecretInFiles(files);
    }
  });

  /** The emulator's API, as the curl step reaches it. */
  const api = async (p: string) => {
    const auth = Buffer.from(`${exports.TWILIO_ACCOUNT_SID}:${exports.TWILIO_AUTH_TOKEN}`).toString('base64');
    const response = await fetch(`${exports.TWILIO_API_BASE_URL}${p}`, { headers: { authorization: `Basic ${auth}` } });
    assert.strictEqual(response.status, 200, p);
    return response.json() as Promise<any>;
  };

  /** One line of the block, run by sh with what the terminal would hold by then. */
  const run = (line: string, env: Record<string, string>) =>
    new Promise<{ code: number; out: string; env: Record<string, string> }>((resolve, reject) => {
      // `env` afterwards carries an `export` of this line into the next ones, as in one terminal.
      const child = spawn('sh', ['-c', `${line}\nstatus=$?\necho "@@ENV@@"; env; exit $status`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`"${line}" did not finish in ${STEP_TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
      }, STEP_TIMEOUT_MS);
      child.on('close', (code) => {
        clearTimeout(timer);
        const [out, envText = ''] = stdout.split('@@ENV@@\n');
        const after: Record<string, string> = {};
        for (const kv of envText.split('\n')) {
          const eq = kv.indexOf('=');
          if (eq > 0) after[kv.slice(0, eq)] = kv.slice(eq + 1);
        }
        resolve({ code: code ?? 1, out: out + stderr, env: after });
      });
    });

  it('the emulator prints a ready-to-paste export block and the next commands', () => {
    for (const key of ['TWILIO_API_BASE_URL', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'COGNIGY_ENDPOINT_URL', 'EMULATOR_CONVERSATION', 'EMULATOR_CUSTOMER']) {
      assert.ok(exports[key], `${key} in the export block:\n${printed}`);
    }
    assert.match(exports.TWILIO_API_BASE_URL, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(exports.EMULATOR_CONVERSATION, /^CH[0-9a-f]{32}$/);
    for (const step of steps.filter((s) => s.startsWith('twilio cognigy:'))) assert.ok(printed.includes(step), `the emulator names "${step}"`);
  });

  it('every step of the second terminal works as written, and the customer\'s next message starts no execution', async () => {
    const conversation = exports.EMULATOR_CONVERSATION;
    const customer = exports.EMULATOR_CUSTOMER;
    const seeded = await api(`/conversations/v1/Conversations/${conversation}/Webhooks`);
    assert.strictEqual(seeded.webhooks.length, 1, 'seeded with its Studio webhook');
    const flowSid = seeded.webhooks[0].configuration.flow_sid;
    const active = async () =>
      (await api(`/studio/v2/Flows/${flowSid}/Executions?PageSize=50`)).executions.filter((e: any) => e.contact_channel_address === customer && e.status === 'active');
    assert.strictEqual((await active()).length, 1, 'seeded with an active execution');
    const participants = await api(`/conversations/v1/Conversations/${conversation}/Participants`);
    assert.strictEqual(participants.participants[0].messaging_binding.address, customer);

    let env: Record<string, string> = { ...baseEnv(home) };
    const outputs: Record<string, string> = {};
    for (const line of steps) {
      if (SKIPPED.has(line)) continue;
      if (line.startsWith('# paste')) {
        env = { ...env, ...exports };
        continue;
      }
      const r = await run(line, env);
      assert.strictEqual(r.code, 0, `"${line}" exited ${r.code}:\n${r.out}`);
      assertNoSecret(r.out, `the output of "${line}"`);
      outputs[line] = r.out;
      env = r.env;
    }
    const say = (prefix: string) => Object.entries(outputs).filter(([l]) => l.startsWith(prefix)).map(([, o]) => o).join('\n');
    assert.match(say('twilio cognigy:test-chat'), /Let me connect you to a human agent/);
    assert.match(say('twilio cognigy:escalate --conversation "$EMULATOR_CONVERSATION" --dry-run'), /Would remove the conversation's Studio webhook/);
    const escalated = say('twilio cognigy:escalate --conversation "$EMULATOR_CONVERSATION" --reason');
    assert.match(escalated, /Handed conversation CH[0-9a-f]{32} .* to Flex: interaction KD/);
    assert.match(escalated, /Bot flow: "Messaging Flow" .*the conversation's Studio webhook/);
    assert.notMatch(escalated, /No Studio flow/);

    assert.deepStrictEqual((await api(`/conversations/v1/Conversations/${conversation}/Webhooks`)).webhooks, [], 'the webhook is gone');
    assert.deepStrictEqual(await active(), [], 'the bot does not start again');
    const messages = (await api(`/conversations/v1/Conversations/${conversation}/Messages`)).messages;
    assert.strictEqual(messages.at(-1).body, 'Still there?', 'the curl step added the message');
    await new Promise((resolve) => setTimeout(resolve, 600)); // two of the emulator's 250 ms looks
    assert.notMatch(printed, /execution FN[0-9a-f]{32} of .* started/, 'the emulator saw no execution start');
    assert.notMatch(printed, /VIOLATION/);
  });
});
