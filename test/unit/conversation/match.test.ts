import { describe, it } from 'mocha';
import { assert } from 'chai';
import { matchBot, matchHandover, subsetMismatch, wildcardMatch } from '../../../src/lib/conversation/match';
import { sideText } from '../../../src/printers/failure';

const msg = (text: string, extra: { data?: Record<string, unknown>; quickReplies?: string[] } = {}) => ({ text, ...extra });

describe('Botium text matching', () => {
  it('case-insensitive by default, found anywhere in the message', () => {
    assert.strictEqual(matchBot({ kind: 'botium', text: 'how can i help' }, msg('Hi! How can I help you?')).ok, true);
    assert.strictEqual(matchBot({ kind: 'botium', text: 'refund' }, msg('Hi! How can I help you?')).ok, false);
  });

  it('* stands for any run of characters; other regex characters are literal', () => {
    assert.strictEqual(wildcardMatch('Order * has shipped', 'Order 12345 has shipped today'), true);
    assert.strictEqual(wildcardMatch('Order * has shipped', 'Order 12345 is pending'), false);
    assert.strictEqual(wildcardMatch('costs $10 (a month)?', 'Basic costs $10 (a month)?'), true);
    assert.strictEqual(wildcardMatch('a.c', 'abc'), false);
    assert.strictEqual(wildcardMatch('*', ''), true);
  });

  it('case-sensitive and whole-message options', () => {
    assert.strictEqual(matchBot({ kind: 'botium', text: 'hello' }, msg('Hello'), { caseSensitive: true }).ok, false);
    assert.strictEqual(matchBot({ kind: 'botium', text: 'hello', caseSensitive: true }, msg('Hello')).ok, false);
    assert.strictEqual(matchBot({ kind: 'botium', text: 'Hello' }, msg('Hello there'), { wholeMessage: true }).ok, false);
    assert.strictEqual(matchBot({ kind: 'botium', text: 'Hello*' }, msg('Hello there'), { wholeMessage: true }).ok, true);
  });

  it('whitespace runs (line breaks included) compare as one space', () => {
    assert.strictEqual(wildcardMatch('first line\nsecond', 'first  line second'), true);
  });
});

describe('other expectations', () => {
  it('exact is the whole text, case-sensitive; contains is a substring', () => {
    assert.strictEqual(matchBot({ kind: 'exact', text: 'You said: hi' }, msg('You said: hi')).ok, true);
    assert.strictEqual(matchBot({ kind: 'exact', text: 'You said: hi' }, msg('You said: hi!')).ok, false);
    assert.strictEqual(matchBot({ kind: 'exact', text: 'you said: hi' }, msg('You said: hi')).ok, false);
    assert.strictEqual(matchBot({ kind: 'contains', text: 'Monday' }, msg('Open Monday to Friday')).ok, true);
    assert.strictEqual(matchBot({ kind: 'contains', text: 'monday' }, msg('Open Monday to Friday')).ok, false);
  });

  it('regex with and without flags', () => {
    assert.strictEqual(matchBot({ kind: 'regex', pattern: '^Order \\d+ ' }, msg('Order 42 has shipped')).ok, true);
    assert.strictEqual(matchBot({ kind: 'regex', pattern: '^order' }, msg('Order 42')).ok, false);
    assert.strictEqual(matchBot({ kind: 'regex', pattern: '^order', flags: 'i' }, msg('Order 42')).ok, true);
  });

  it('data is a deep subset match with a path to the first difference', () => {
    const data = { escalation: true, order: { id: 7, items: [{ sku: 'a', qty: 1 }] }, extra: 'x' };
    assert.strictEqual(matchBot({ kind: 'data', subset: { escalation: true } }, msg('', { data })).ok, true);
    assert.strictEqual(matchBot({ kind: 'data', subset: { order: { items: [{ sku: 'a' }] } } }, msg('', { data })).ok, true);
    const wrong = matchBot({ kind: 'data', subset: { order: { id: 8 } } }, msg('', { data }));
    assert.strictEqual(wrong.ok, false);
    assert.deepStrictEqual(wrong.actual, { code: 'subset-mismatch', path: 'data.order.id', want: 'value', value: '8', got: '7' });
    assert.strictEqual(sideText(wrong.actual), 'data.order.id: expected 8, got 7');
    assert.strictEqual(sideText(subsetMismatch({ a: 1 }, {}, 'data')!), 'data.a: missing');
    assert.strictEqual(sideText(subsetMismatch([1, 2], [1], 'data')!), 'data: expected 2 element(s), got 1: [1]');
    assert.strictEqual(sideText(subsetMismatch([1], { 0: 1 }, 'data')!), 'data: expected an array, got {"0":1}');
    assert.strictEqual(sideText(subsetMismatch({ a: 1 }, [1], 'data')!), 'data: expected an object, got [1]');
    assert.strictEqual(matchBot({ kind: 'data', subset: { escalation: 'true' } }, msg('', { data })).ok, false);
    assert.strictEqual(matchBot({ kind: 'data', subset: { a: 1 } }, msg('no data')).ok, false);
  });

  it('quick replies: exact list in order, or Botium-style inclusion ignoring case', () => {
    const offered = msg('Pick one', { quickReplies: ['Opening hours', 'Pricing'] });
    assert.strictEqual(matchBot({ kind: 'quickReplies', values: ['Opening hours', 'Pricing'], mode: 'exact' }, offered).ok, true);
    assert.strictEqual(matchBot({ kind: 'quickReplies', values: ['Pricing', 'Opening hours'], mode: 'exact' }, offered).ok, false);
    assert.strictEqual(matchBot({ kind: 'quickReplies', values: ['pricing'], mode: 'includes' }, offered).ok, true);
    assert.strictEqual(matchBot({ kind: 'quickReplies', values: ['Refunds'], mode: 'includes' }, offered).ok, false);
  });

  it('all expectations of a step must hold; the failing one is reported', () => {
    const result = matchBot(
      [
        { kind: 'exact', text: 'Let me connect you to a human agent.' },
        { kind: 'data', subset: { escalation: true } },
      ],
      msg('Let me connect you to a human agent.', { data: { escalation: false } }),
    );
    assert.deepStrictEqual(result.expected, { code: 'bot-message', expect: [{ kind: 'data', subset: { escalation: true } }] }, 'the failing check, as it is');
    assert.deepStrictEqual([sideText(result.expected), sideText(result.actual)], ['data including {"escalation":true}', 'data.escalation: expected true, got false']);
  });

  it('no message at all fails with a readable actual; "any" needs a message', () => {
    assert.deepStrictEqual(matchBot({ kind: 'exact', text: 'Hi' }, undefined), { ok: false, expected: { code: 'bot-message', expect: [{ kind: 'exact', text: 'Hi' }] }, actual: { code: 'no-message' } });
    // No message at all: every check of the step is named.
    assert.strictEqual(sideText(matchBot([{ kind: 'contains', text: 'a' }, { kind: 'regex', pattern: 'b', flags: 'i' }], undefined).expected), 'text containing "a"; text matching /b/i');
    assert.strictEqual(matchBot({ kind: 'any' }, undefined).ok, false);
    assert.strictEqual(matchBot([], msg('anything')).ok, true);
  });
});

describe('handover matching', () => {
  it('workflow, channel and attributes (also as a JSON string)', () => {
    const observed = { workflow: 'WW1', channel: 'chat', attributes: JSON.stringify({ escalation: true, name: 'x' }) };
    assert.strictEqual(matchHandover(undefined, observed).ok, true);
    assert.strictEqual(matchHandover({ workflow: 'WW1', channel: 'chat', attributes: { escalation: true } }, observed).ok, true);
    const other = matchHandover({ workflow: 'WW2' }, observed);
    assert.deepStrictEqual([other.ok, other.expected, other.actual], [false, { code: 'handover', workflow: 'WW2' }, { code: 'handover', workflow: 'WW1', channel: 'chat' }]);
    assert.deepStrictEqual([sideText(other.expected), sideText(other.actual)], ['handover (workflow WW2)', 'handover (workflow WW1, channel chat)']);
    assert.strictEqual(sideText(matchHandover({ channel: 'sms', attributes: { a: 1 } }, observed).expected), 'handover (channel sms, attributes including {"a":1})');
    assert.strictEqual(sideText(matchHandover({ attributes: { escalation: false } }, observed).actual), 'attributes.escalation: expected false, got true');
    assert.deepStrictEqual(matchHandover({}, undefined), { ok: false, expected: { code: 'handover' }, actual: { code: 'no-handover' } });
    assert.strictEqual(sideText({ code: 'handover' }), 'handover');
  });
});
