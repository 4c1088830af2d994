import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { filesUnder, ROOT, runCli } from '../helpers/cli';
import { assertNoSecretInFiles } from '../helpers/secrets';

/**
 * The plugin without the twilio host: `bin/run`, and the README's first command,
 * `npm run demo` (scripts/demo.js), as CI runs it (no terminal). Both on the embedded
 * demo bot, so no account and no network beyond 127.0.0.1.
 */
describe('bin/run and npm run demo, without the twilio host', () => {
  let home: string;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-standalone-'));
  });
  after(() => {
    const files = filesUnder(home);
    fs.rmSync(home, { recursive: true, force: true });
    assertNoSecretInFiles(files);
  });

  it('bin/run cognigy:test-chat --demo -m hi -m agent -o json: the whole loop and the hand-over, as JSON', async () => {
    const r = await runCli(home, ['cognigy:test-chat', '--demo', '-m', 'hi', '-m', 'agent', '-o', 'json'], { standalone: true, timeoutMs: 30_000 });
    assert.strictEqual(r.code, 0, r.all);
    const out = JSON.parse(r.stdout);
    assert.deepStrictEqual(
      out.transcript.filter((e: any) => e.from === 'customer').map((e: any) => e.text),
      ['hi', 'agent'],
    );
    const bot = out.transcript.filter((e: any) => e.from === 'bot').map((e: any) => e.text);
    assert.match(bot[0], /^Hi, I'm the demo bot/);
    assert.strictEqual(bot[1], 'Let me connect you to a human agent.');
    assert.strictEqual(out.handedOver, true);
    assert.strictEqual(out.ended, 'handover');
    assert.strictEqual(out.handover.attributes.cognigy.reason, 'bot-escalation');
  });

  it('node scripts/demo.js with no terminal plays a short conversation and prints the transcript with the hand-over', async () => {
    const r = await runCli(home, [], { script: path.join(ROOT, 'scripts', 'demo.js'), timeoutMs: 30_000 });
    assert.strictEqual(r.code, 0, r.all);
    const lines = r.stdout.split('\n');
    const said = (prefix: string) => lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
    assert.deepStrictEqual(said('you › '), ['hi', 'What are your opening hours?', 'I want to talk to a human']);
    const bot = said('bot › ');
    assert.strictEqual(bot.length, 3, r.stdout);
    assert.match(bot[1], /Monday to Friday/);
    assert.strictEqual(bot[2], 'Let me connect you to a human agent.');
    assert.match(r.stdout, /Flex would receive \(SendToFlexAgent\):\s+workflow\s+WW0{32}\s+task channel\s+TC0{32}/);
    assert.match(r.stdout, /"reason": "bot-escalation"/);
    assert.match(r.stdout, /Handed over to Flex\.\s*$/);
    assert.strictEqual(r.stderr.trim(), '', 'nothing on stderr for the demo');
  });
});
