import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadSetup, saveSetup, setupFilePath } from '../../../src/lib/setup/store';
import type { Setup } from '../../../src/lib/setup/types';

const setup: Setup = {
  endpointUrl: 'https://endpoint-trial.cognigy.ai/0123456789abcdef0123456789abcdef',
  testMode: false,
  flow: { name: 'Cognigy Bot Flow' },
  channelModel: 'conversations',
  escalationKey: 'escalation',
  onBotFailure: 'escalate',
};

test('the setup is saved per account, 0600 in a 0700 folder, and a same save changes nothing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-'));
  try {
    const file = setupFilePath(dir);
    assert.equal(saveSetup(file, 'AC1', setup, 'default'), true);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    const before = fs.statSync(file).mtimeMs;
    assert.equal(saveSetup(file, 'AC1', { ...setup }, 'default'), false);
    assert.equal(fs.statSync(file).mtimeMs, before);
    assert.deepEqual(loadSetup(file, 'AC1'), setup);
    assert.equal(loadSetup(file, 'AC2'), undefined);
    saveSetup(file, 'AC2', { ...setup, escalationKey: 'handover' });
    assert.equal(loadSetup(file, 'AC1')!.escalationKey, 'escalation', 'another account leaves this one alone');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['setup.json'], 'no temporary file is left behind');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
