import { describe, it } from 'mocha';
import { assert } from 'chai';
import { execFileSync } from 'node:child_process';
import { sidFactory, uniqueHex32 } from '../../../src/lib/runtime/sids';

const SID = /^CH[0-9a-f]{32}$/;

describe('SIDs the interpreter mints', () => {
  it('the scripted runs\' ids are 32 hex digits and never repeat within a run', () => {
    const sid = sidFactory(uniqueHex32);
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const s = sid('CH');
      assert.match(s, SID);
      seen.add(s);
    }
    assert.strictEqual(seen.size, 5_000);
  });

  it('two runs against the same bot get different ids (the channel SID is the bot session)', () => {
    const script = "const { uniqueHex32 } = require('./src/lib/runtime/sids'); process.stdout.write(uniqueHex32());";
    const run = () => execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: `${__dirname}/../../..`, encoding: 'utf8' });
    const first = run();
    const second = run();
    assert.match(first, /^[0-9a-f]{32}$/);
    assert.notStrictEqual(first, second);
  });

  it('ids of other shapes are still put into shape', () => {
    assert.match(sidFactory(() => 'not hex at all')('CH'), SID);
    assert.match(sidFactory(() => 'ABC')('CH'), SID);
  });
});
