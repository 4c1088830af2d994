import { describe, it, afterEach } from 'mocha';
import { assert } from 'chai';
import { colourFor, paint } from '../../../src/printers/style';

/** The colour decision, read from the environment at each call. */
describe('colourFor', () => {
  const saved = { FORCE_COLOR: process.env.FORCE_COLOR, NO_COLOR: process.env.NO_COLOR };
  const set = (env: { FORCE_COLOR?: string; NO_COLOR?: string }) => {
    for (const k of ['FORCE_COLOR', 'NO_COLOR'] as const) {
      if (env[k] === undefined) delete process.env[k];
      else process.env[k] = env[k];
    }
  };
  afterEach(() => set(saved));
  const terminal = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;

  it('FORCE_COLOR=1 colours even a pipe; FORCE_COLOR=0 or false never, even a terminal', () => {
    set({ FORCE_COLOR: '1' });
    assert.strictEqual(colourFor(pipe), true);
    set({ FORCE_COLOR: '1', NO_COLOR: '1' });
    assert.strictEqual(colourFor(pipe), true, 'FORCE_COLOR wins over NO_COLOR, as in node');
    for (const off of ['0', 'false']) {
      set({ FORCE_COLOR: off });
      assert.strictEqual(colourFor(terminal), false, off);
    }
  });

  it('NO_COLOR turns a terminal plain; a pipe is plain without FORCE_COLOR', () => {
    set({ NO_COLOR: '1' });
    assert.strictEqual(colourFor(terminal), false);
    set({});
    assert.strictEqual(colourFor(pipe), false);
  });

  it('paints with chalk when on, not at all when off', () => {
    assert.strictEqual(paint(true).cyan('bot ›'), '\u001b[36mbot ›\u001b[39m');
    assert.strictEqual(paint(false).cyan('bot ›'), 'bot ›');
  });
});
