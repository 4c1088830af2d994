import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideHandover, OpenHandover } from '../../../src/lib/flex/handover-decision';

const task = (assignmentStatus: string, n = 1): OpenHandover => ({ taskSid: `WT${String(n).padStart(32, '0')}`, assignmentStatus });

describe('whether an escalation creates a hand-over', () => {
  test('nothing open: create', () => {
    assert.deepEqual(decideHandover([], false), { action: 'create', existing: [] });
  });

  for (const status of ['pending', 'reserved']) {
    test(`a ${status} task: already escalated, nothing to create`, () => {
      const d = decideHandover([task(status)], false);
      assert.equal(d.action, 'already-escalated');
      assert.equal((d as any).existing.taskSid, task(status).taskSid);
    });
  }

  for (const status of ['assigned', 'wrapping']) {
    test(`an ${status} task: with an agent, even beside a queued one`, () => {
      const d = decideHandover([task('pending', 1), task(status, 2)], false);
      assert.equal(d.action, 'with-agent');
      assert.equal((d as any).existing.taskSid, task(status, 2).taskSid);
    });
  }

  test('completed or canceled tasks do not count', () => {
    assert.equal(decideHandover([task('completed'), task('canceled', 2)], false).action, 'create');
  });

  test('--force creates whatever is open, and lists what was open', () => {
    const d = decideHandover([task('assigned'), task('completed', 2)], true);
    assert.equal(d.action, 'create');
    assert.deepEqual(d.existing.map((h) => h.assignmentStatus), ['assigned']);
  });
});
