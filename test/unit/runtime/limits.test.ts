import { describe, it } from 'mocha';
import { assert } from 'chai';
import { flowOf, session, trigger, widget } from './helpers';

describe('Studio limits', () => {
  it('a widget looping on itself stops after 10 runs in a row, naming it', async () => {
    const s = session(
      flowOf(
        trigger('Count'),
        widget('Count', 'set-variables', { variables: [{ key: 'n', value: '{{flow.variables.n | plus: 1}}' }] }, [{ event: 'next', next: 'Count' }]),
      ),
    );
    const turn = await s.start('x');
    assert.strictEqual(turn.events.filter((e) => e.type === 'variables').length, 10);
    assert.strictEqual(s.variables.n, 10, 'a counter is a number (set-variables)');
    assert.strictEqual(turn.ended?.reason, 'limit');
    assert.strictEqual(turn.ended?.widget, 'Count');
    assert.match(turn.ended?.message ?? '', /"Count" ran 10 times in a row/);
  });

  it('a loop through two widgets is not "in a row": it runs to 1,000 steps', async () => {
    const s = session(
      flowOf(
        trigger('A'),
        widget('A', 'set-variables', { variables: [{ key: 'a', value: '{{flow.variables.a | plus: 1}}' }] }, [{ event: 'next', next: 'B' }]),
        widget('B', 'set-variables', { variables: [{ key: 'b', value: '{{flow.variables.b | plus: 1}}' }] }, [{ event: 'next', next: 'A' }]),
      ),
    );
    const turn = await s.start('x');
    assert.strictEqual(turn.ended?.reason, 'limit');
    assert.match(turn.ended?.message ?? '', /1000 steps/);
    // 1,000 steps = the trigger + 999 widget runs, alternating A and B.
    assert.strictEqual(turn.events.filter((e) => e.type === 'variables').length, 999);
    assert.deepStrictEqual([s.variables.a, s.variables.b], [500, 499]);
  });

  it('steps accumulate across turns; limits are configurable', async () => {
    const s = session(
      flowOf(
        trigger('Ask'),
        widget('Ask', 'send-and-wait-for-reply', { body: 'again?' }, [{ event: 'incomingMessage', next: 'Note' }, { event: 'timeout' }]),
        widget('Note', 'set-variables', { variables: [{ key: 'last', value: '{{widgets.Ask.inbound.Body}}' }] }, [{ event: 'next', next: 'Ask' }]),
      ),
      { limits: { maxSteps: 5 } },
    );
    await s.start('go'); // Trigger, Ask
    await s.reply('1'); // Note, Ask
    const third = await s.reply('2'); // Note, then the limit before Ask
    assert.strictEqual(third.ended?.reason, 'limit');
    assert.strictEqual(s.variables.last, 2);
  });
});
