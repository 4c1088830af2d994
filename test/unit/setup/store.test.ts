import { it } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadSetup, saveSetup, setupFilePath } from '../../../src/lib/setup/store';
import type { Setup } from '../../../src/lib/domain/setup';

const setup: Setup = {
  endpointUrl: 'https://endpoint-trial.cognigy.ai/0123456789abcdef0123456789abcdef',
  testMode: false,
  flow: { name: 'Cognigy Bot Flow' },
  channelModel: 'conversations',
  escalationKey: 'escalation',
  onBotFailure: 'escalate',
};

it('the setup is saved per account, 0600 in a 0700 folder, and a same save changes nothing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-'));
  try {
    const file = setupFilePath(dir);
    assert.strictEqual(saveSetup(file, 'AC1', setup, 'default'), true);
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    assert.strictEqual(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    const before = fs.statSync(file).mtimeMs;
    assert.strictEqual(saveSetup(file, 'AC1', { ...setup }, 'default'), false);
    assert.strictEqual(fs.statSync(file).mtimeMs, before);
    assert.deepStrictEqual(loadSetup(file, 'AC1'), setup);
    assert.strictEqual(loadSetup(file, 'AC2'), undefined);
    saveSetup(file, 'AC2', { ...setup, escalationKey: 'handover' });
    assert.strictEqual(loadSetup(file, 'AC1')!.escalationKey, 'escalation', 'another account leaves this one alone');
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), ['setup.json'], 'no temporary file is left behind');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
