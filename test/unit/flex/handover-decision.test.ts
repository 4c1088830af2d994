import { describe, it } from 'mocha';
import { assert } from 'chai';
import { decideHandover, OpenHandover } from '../../../src/lib/flex/handover-decision';

const task = (assignmentStatus: string, n = 1): OpenHandover => ({ taskSid: `WT${String(n).padStart(32, '0')}`, assignmentStatus });

describe('whether an escalation creates a hand-over', () => {
  it('nothing open: create', () => {
    assert.deepStrictEqual(decideHandover([], false), { action: 'create', existing: [] });
  });

  for (const status of ['pending', 'reserved']) {
    it(`a ${status} task: already escalated, nothing to create`, () => {
      const d = decideHandover([task(status)], false);
      assert.strictEqual(d.action, 'already-handed-over');
      assert.strictEqual((d as any).existing.taskSid, task(status).taskSid);
    });
  }

  for (const status of ['assigned', 'wrapping']) {
    it(`an ${status} task: with an agent, even beside a queued one`, () => {
      const d = decideHandover([task('pending', 1), task(status, 2)], false);
      assert.strictEqual(d.action, 'with-agent');
      assert.strictEqual((d as any).existing.taskSid, task(status, 2).taskSid);
    });
  }

  it('completed or canceled tasks do not count', () => {
    assert.strictEqual(decideHandover([task('completed'), task('canceled', 2)], false).action, 'create');
  });

  it('--force creates whatever is open, and lists what was open', () => {
    const d = decideHandover([task('assigned'), task('completed', 2)], true);
    assert(d.action === 'create', d.action);
    assert.deepStrictEqual(d.existing.map((h) => h.assignmentStatus), ['assigned']);
  });
});
