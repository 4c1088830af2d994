import { describe, it } from 'mocha';
import { assert } from 'chai';
import { evaluateCondition } from '../../../src/lib/runtime';
import { SPLIT_CONDITION_TYPES } from '../../../src/lib/domain/widgets';
import { fakeTransport, flowOf, response, session, trigger, widget } from './helpers';

// [type, input, value, holds] — each type has at least one case that holds and one that does not.
const cases: Array<[string, string, string, boolean]> = [
  ['equal_to', 'Yes', 'yes', true], // Studio: conditions ignore case
  ['equal_to', '  yes ', 'yes', true], // …and trim
  ['equal_to', 'yes', 'no', false],
  ['not_equal_to', 'yes', 'no', true],
  ['not_equal_to', 'YES', 'yes', false],
  ['matches_any_of', 'Maybe', 'yes, maybe ,no', true],
  ['matches_any_of', 'perhaps', 'yes,maybe,no', false],
  ['matches_any_of', '', 'yes,,no', false], // empty items do not match blank input
  ['does_not_match_any_of', 'perhaps', 'yes,maybe', true],
  ['does_not_match_any_of', 'YES', 'yes,maybe', false],
  ['is_blank', '   ', '', true],
  ['is_blank', 'x', '', false],
  ['is_not_blank', 'x', '', true],
  ['is_not_blank', '', '', false],
  // Studio: a regex must match the entire input, ignoring case (Split Based On widget page).
  ['regex', 'order 12345', '\\d{5}', false],
  ['regex', 'ORDER 12345', 'order \\d{5}', true],
  ['regex', '16', '[1-5]', false],
  ['regex', '3', '[1-5]', true],
  ['regex', 'no', 'yes|no', true],
  ['regex', 'ORDER', '^order$', true],
  ['regex', 'order 12', '\\d{5}', false],
  ['regex', 'anything', '([unclosed', false], // an invalid pattern never holds
  ['contains', 'I want an AGENT now', 'agent', true],
  ['contains', 'I want a bot', 'agent', false],
  ['does_not_contain', 'hello', 'agent', true],
  ['does_not_contain', 'agent please', 'Agent', false],
  ['starts_with', 'Stop it', 'stop', true],
  ['starts_with', 'please stop', 'stop', false],
  ['does_not_start_with', 'please stop', 'stop', true],
  ['does_not_start_with', 'STOP', 'stop', false],
  ['less_than', '9', '10', true], // numeric, not lexicographic
  ['less_than', '10', '9', false],
  ['less_than', 'abc', '10', false], // not a number: does not hold
  ['greater_than', '10.5', '9', true],
  ['greater_than', '-1', '0', false],
  ['is_before_time', '08:30', '09:00', true],
  ['is_before_time', '9:15 PM', '21:00', false],
  ['is_before_time', 'noon', '12:00', false],
  ['is_after_time', '17:01', '17:00', true],
  ['is_after_time', '12:00 AM', '00:01', false],
  ['is_before_date', '2024-01-31', '2024-02-01', true],
  ['is_before_date', '2024-02-01T23:59:00Z', '2024-02-01', false], // same day
  ['is_before_date', '2024-02-30', '2024-03-01', false], // not a date
  ['is_after_date', 'March 2, 2024', '2024-03-01', true],
  ['is_after_date', '2023-12-31', '2024-01-01', false],
];

describe('split conditions', () => {
  for (const [type, input, value, holds] of cases) {
    it(`${type}: ${JSON.stringify(input)} vs ${JSON.stringify(value)} → ${holds}`, () => {
      const verdict = evaluateCondition(type, input, value);
      assert.strictEqual(verdict.holds, holds, JSON.stringify(verdict));
      if (holds) assert.deepStrictEqual(verdict, { holds: true });
    });
  }

  it('all 17 types are covered, each with a true and a false case', () => {
    assert.strictEqual(SPLIT_CONDITION_TYPES.length, 17);
    for (const type of SPLIT_CONDITION_TYPES) {
      const results = cases.filter((c) => c[0] === type).map((c) => c[3]);
      assert.ok(results.includes(true) && results.includes(false), type);
    }
  });

  it('an unknown condition type does not hold', () => {
    assert.deepStrictEqual(evaluateCondition('sounds_like', 'a', 'a'), { holds: false, note: { code: 'unknown-type' } });
  });

  it('why a condition cannot hold is data: the side that is not a number, time or date; the regex error', () => {
    assert.deepStrictEqual(evaluateCondition('less_than', 'ten', '5'), { holds: false, note: { code: 'not-comparable', side: 'input', as: 'number' } });
    assert.deepStrictEqual(evaluateCondition('is_after_time', '10:00', 'noon'), { holds: false, note: { code: 'not-comparable', side: 'value', as: 'time-of-day' } });
    assert.deepStrictEqual(evaluateCondition('is_before_date', '2024-02-30', '2024-03-01'), { holds: false, note: { code: 'not-comparable', side: 'input', as: 'date' } });
    const bad = evaluateCondition('regex', 'a', '(');
    assert.strictEqual(bad.holds, false);
    assert.strictEqual(bad.note?.code, 'invalid-regex');
    assert.deepStrictEqual(evaluateCondition('equal_to', 'yes', 'no'), { holds: false });
  });
});

describe('split-based-on in a flow', () => {
  const escalationFlow = () =>
    flowOf(
      trigger('Bot'),
      widget('Bot', 'make-http-request', { method: 'GET', url: 'http://bot.test/x' }, [
        { event: 'success', next: 'Check' },
        { event: 'failed' },
      ]),
      widget('Check', 'split-based-on', { input: '{{widgets.Bot.parsed.escalate}}' }, [
        { event: 'noMatch', next: 'Stay' },
        {
          event: 'match',
          next: 'Escalate',
          conditions: [{ friendly_name: 'escalate', arguments: ['{{widgets.Bot.parsed.escalate}}'], type: 'equal_to', value: 'true' }],
        },
      ]),
      widget('Stay', 'send-message', { body: 'stay' }, [{ event: 'sent' }]),
      widget('Escalate', 'send-message', { body: 'escalate' }, [{ event: 'sent' }]),
    );

  for (const [body, expected] of [
    ['{"escalate": true}', 'escalate'],
    ['{"escalate": "true"}', 'escalate'],
    ['{"escalate": false}', 'stay'],
    ['{}', 'stay'],
  ] as const) {
    it(`equal_to "true" with ${body} → ${expected}`, async () => {
      const s = session(escalationFlow(), { http: fakeTransport(() => response(200, body)) });
      const turn = await s.start('hi');
      const message = turn.events.find((e) => e.type === 'message');
      assert.strictEqual(message?.type === 'message' && message.body, expected);
      const split = turn.events.find((e) => e.type === 'split');
      assert.ok(split && split.type === 'split');
      assert.strictEqual(split.matched === null, expected === 'stay');
      assert.strictEqual(split.next, expected === 'stay' ? 'Stay' : 'Escalate');
      assert.strictEqual(split.checked[0].friendlyName, 'escalate');
    });
  }

  it('conditions of one branch must all hold; the first matching branch wins', async () => {
    const cond = (type: string, value: string) => ({ friendly_name: `${type} ${value}`, arguments: [], type, value });
    const s = session(
      flowOf(
        trigger('Split'),
        widget('Split', 'split-based-on', { input: '{{trigger.message.Body}}' }, [
          { event: 'noMatch', next: 'None' },
          { event: 'match', next: 'A', conditions: [cond('contains', 'agent'), cond('contains', 'never')] },
          { event: 'match', next: 'B', conditions: [cond('contains', 'agent'), cond('starts_with', 'i')] },
          { event: 'match', next: 'C', conditions: [cond('contains', 'agent')] },
        ]),
        widget('None', 'send-message', { body: 'none' }, [{ event: 'sent' }]),
        widget('A', 'send-message', { body: 'A' }, [{ event: 'sent' }]),
        widget('B', 'send-message', { body: 'B' }, [{ event: 'sent' }]),
        widget('C', 'send-message', { body: 'C' }, [{ event: 'sent' }]),
      ),
    );
    const turn = await s.start('I want an agent');
    const split = turn.events.find((e) => e.type === 'split');
    assert.ok(split && split.type === 'split');
    assert.strictEqual(split.matched?.index, 2);
    assert.strictEqual(split.next, 'B');
    assert.deepStrictEqual(split.checked.map((c) => c.holds), [true, false, true, true]);
  });

  it('condition values are rendered with Liquid before comparing', async () => {
    const s = session(
      flowOf(
        trigger('Set'),
        widget('Set', 'set-variables', { variables: [{ key: 'expected', value: 'magic' }] }, [{ event: 'next', next: 'Split' }]),
        widget('Split', 'split-based-on', { input: '{{trigger.message.Body}}' }, [
          { event: 'noMatch' },
          { event: 'match', next: 'Yes', conditions: [{ friendly_name: 'x', arguments: [], type: 'equal_to', value: '{{flow.variables.expected}}' }] },
        ]),
        widget('Yes', 'send-message', { body: 'matched' }, [{ event: 'sent' }]),
      ),
    );
    const turn = await s.start('MAGIC');
    assert.ok(turn.events.some((e) => e.type === 'message' && e.body === 'matched'));
  });

  it('an unknown condition type stops the run with an error naming it', async () => {
    const s = session(
      flowOf(
        trigger('Split'),
        widget('Split', 'split-based-on', { input: 'x' }, [
          { event: 'noMatch' },
          { event: 'match', next: 'Split', conditions: [{ friendly_name: 'x', arguments: [], type: 'sounds_like', value: 'x' }] },
        ]),
      ),
    );
    const turn = await s.start('x');
    assert.strictEqual(turn.ended?.reason, 'error');
    assert.match(turn.ended?.message ?? '', /"sounds_like"/);
  });
});
