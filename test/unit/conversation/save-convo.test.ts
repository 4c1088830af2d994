import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { prepareChat } from '../../../src/lib/tasks/test-chat';
import type { PreparedChat } from '../../../src/lib/conversation/prepared';
import { replSessions } from '../../../src/lib/conversation/repl-record';

/** A conversation saved as BotiumScript (the web view's "save as test" with FILE.convo.txt). */
describe('saving a conversation as a .convo.txt', () => {
  let prepared: PreparedChat;
  let dir: string;
  before(async () => {
    prepared = await prepareChat({ input: {}, demo: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-convo-'));
  });
  after(async () => {
    await prepared?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes #me and #bot blocks, and counts the hand-over and end steps it cannot hold', async () => {
    const sessions = replSessions(prepared, {});
    const chat = sessions.newChat();
    await chat.send('opening hours');
    await chat.send('agent');
    const file = path.join(dir, 'hours.convo.txt');
    const saved = sessions.saveScript(chat, file)!;
    assert.deepStrictEqual({ steps: saved.steps, notInBotium: saved.notInBotium }, { steps: 5, notInBotium: 2 });
    assert.strictEqual(
      fs.readFileSync(file, 'utf8'),
      'hours\n\n#me\nopening hours\n\n#bot\nHi, I\'m the demo bot of twilio-plugin-cognigy.\n\n#bot\nWe are open Monday to Friday, 9:00 to 17:00.\n\n#me\nagent\n\n#bot\nLet me connect you to a human agent.\n',
    );
  });

  it('refuses a silence, which BotiumScript has no step for, and says to save YAML', async () => {
    const sessions = replSessions(prepared, {});
    const chat = sessions.newChat();
    await chat.send('hi');
    await chat.silence();
    assert.throws(() => sessions.saveScript(chat, path.join(dir, 'silent.convo.txt')), /A silence has no BotiumScript step/);
    assert.isFalse(fs.existsSync(path.join(dir, 'silent.convo.txt')));
    assert.strictEqual(sessions.saveScript(chat, path.join(dir, 'silent.yaml'))!.notInBotium, undefined);
  });
});
