import { it } from 'mocha';
import { assert, expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadSetup, saveSetup, setupFilePath } from '../../../src/lib/setup/store';
import type { Setup } from '../../../src/lib/domain/setup';
import { CognigyError } from '../../../src/lib/errors';

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

it('a saved setup that cannot be used is a CognigyError naming the file and what to do, never a bare exception', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-'));
  try {
    const file = setupFilePath(dir);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const refused = (content: string | null, why: RegExp) => {
      if (content === null) fs.mkdirSync(file);
      else fs.writeFileSync(file, content);
      expect(() => loadSetup(file, 'AC1'))
        .to.throw(CognigyError)
        .that.satisfies((e: CognigyError) => {
          assert.strictEqual(e.code, 'setup-unreadable');
          assert.strictEqual(e.exitCode, 1);
          assert.include(e.message, file);
          assert.match(e.message, why);
          assert.match(e.hint ?? '', /cognigy:init/);
          return true;
        });
      fs.rmSync(file, { recursive: true, force: true });
    };
    refused('{ "version": 1, "accounts": {', /not JSON/);
    refused('[]', /not a saved setup/);
    refused('{"version": 1}', /not a saved setup/);
    refused(null, /could not be read \(EISDIR\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
