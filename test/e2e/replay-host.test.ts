/**
 * Record once, replay in every build (issue 20), through the real twilio binary: a suite
 * recorded against the Cognigy-compatible stand-in, the bot stopped, the suite replayed
 * green from the file alone; a flow that now sends another `data` fails with the
 * difference; `--replay-mode new-only` asks the bot (up again) for what changed and the
 * changed flow replays green. The recording lives under the test HOME, so the secret scan
 * at close covers it. Every flag and message of the cycle: test/commands/replay.test.ts.
 */
import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoBehaviour, startBotServer } from '../../src/lib/demo/bot-server';
import { writeFlows } from '../helpers/flows';
import { secretsIn, startWorld, type World } from '../helpers/stand-ins';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'scripts');

describe('record and replay through the real twilio binary', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('record, stop the bot, replay green; another data fails with the difference; new-only fills it in', async () => {
    let bot = await startBotServer({ behaviour: demoBehaviour });
    const { port } = new URL(bot.url);
    const work = fs.mkdtempSync(path.join(world.cli.home, 'replay-'));
    const { flowFile, changedFlow } = writeFlows(bot.url, work);
    const recording = path.join(work, 'bot.yaml');
    const script = (flow: string, ...args: string[]) => world.run(['cognigy:test-chat', '--script', path.join(FIXTURES, 'botium-pass'), '--flow-file', flow, '--endpoint-url', bot.url, ...args]);
    try {
      const recorded = await script(flowFile, '--record', recording);
      assert.strictEqual(recorded.code, 0, recorded.all);
      assert.match(recorded.stderr, /Recorded the bot's answers for 4 conversations/);
      await bot.close();

      const replayed = await script(flowFile, '--replay', recording, '-o', 'json');
      assert.strictEqual(replayed.code, 0, replayed.all);
      assert.strictEqual(JSON.parse(replayed.stdout).summary.passed, 4);

      const differs = await script(changedFlow, '--replay', recording);
      assert.strictEqual(differs.code, 1, differs.all);
      assert.match(differs.stdout, /the flow's call to the bot in turn 1 differs from the recording/);
      assert.ok(differs.stdout.includes('params["data[channel]"]: "twilio-web"'), differs.stdout);

      bot = await startBotServer({ behaviour: demoBehaviour, port: Number(port), token: bot.token });
      const filled = await script(changedFlow, '--replay', recording, '--replay-mode', 'new-only');
      assert.strictEqual(filled.code, 0, filled.all);
      await bot.close();
      const green = await script(changedFlow, '--replay', recording);
      assert.strictEqual(green.code, 0, green.all);
      assert.match(green.stdout, /^4 passed, 0 failed$/m);
      const text = fs.readFileSync(recording, 'utf8');
      assert.deepStrictEqual(secretsIn(world, text), [], 'the recording holds no secret');
      assert.notInclude(text, bot.token, "nor this bot's URL token");
      assert.notInclude(text, bot.url);
    } finally {
      await bot.close();
    }
  });
});
