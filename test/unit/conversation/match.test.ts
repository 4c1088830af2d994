import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { matchBot, matchHandover, subsetMismatch, wildcardMatch } from '../../../src/lib/conversation/match';

const msg = (text: string, extra: { data?: Record<string, unknown>; quickReplies?: string[] } = {}) => ({ text, ...extra });

describe('Botium text matching', () => {
  test('case-insensitive by default, found anywhere in the message', () => {
    assert.equal(matchBot({ kind: 'botium', text: 'how can i help' }, msg('Hi! How can I help you?')).ok, true);
    assert.equal(matchBot({ kind: 'botium', text: 'refund' }, msg('Hi! How can I help you?')).ok, false);
  });

  test('* stands for any run of characters; other regex characters are literal', () => {
    assert.equal(wildcardMatch('Order * has shipped', 'Order 12345 has shipped today'), true);
    assert.equal(wildcardMatch('Order * has shipped', 'Order 12345 is pending'), false);
    assert.equal(wildcardMatch('costs $10 (a month)?', 'Basic costs $10 (a month)?'), true);
    assert.equal(wildcardMatch('a.c', 'abc'), false);
    assert.equal(wildcardMatch('*', ''), true);
  });

  test('case-sensitive and whole-message options', () => {
    assert.equal(matchBot({ kind: 'botium', text: 'hello' }, msg('Hello'), { caseSensitive: true }).ok, false);
    assert.equal(matchBot({ kind: 'botium', text: 'hello', caseSensitive: true }, msg('Hello')).ok, false);
    assert.equal(matchBot({ kind: 'botium', text: 'Hello' }, msg('Hello there'), { wholeMessage: true }).ok, false);
    assert.equal(matchBot({ kind: 'botium', text: 'Hello*' }, msg('Hello there'), { wholeMessage: true }).ok, true);
  });

  test('whitespace runs (line breaks included) compare as one space', () => {
    assert.equal(wildcardMatch('first line\nsecond', 'first  line second'), true);
  });
});

describe('other expectations', () => {
  test('exact is the whole text, case-sensitive; contains is a substring', () => {
    assert.equal(matchBot({ kind: 'exact', text: 'You said: hi' }, msg('You said: hi')).ok, true);
    assert.equal(matchBot({ kind: 'exact', text: 'You said: hi' }, msg('You said: hi!')).ok, false);
    assert.equal(matchBot({ kind: 'exact', text: 'you said: hi' }, msg('You said: hi')).ok, false);
    assert.equal(matchBot({ kind: 'contains', text: 'Monday' }, msg('Open Monday to Friday')).ok, true);
    assert.equal(matchBot({ kind: 'contains', text: 'monday' }, msg('Open Monday to Friday')).ok, false);
  });

  test('regex with and without flags', () => {
    assert.equal(matchBot({ kind: 'regex', pattern: '^Order \\d+ ' }, msg('Order 42 has shipped')).ok, true);
    assert.equal(matchBot({ kind: 'regex', pattern: '^order' }, msg('Order 42')).ok, false);
    assert.equal(matchBot({ kind: 'regex', pattern: '^order', flags: 'i' }, msg('Order 42')).ok, true);
  });

  test('data is a deep subset match with a path to the first difference', () => {
    const data = { escalation: true, order: { id: 7, items: [{ sku: 'a', qty: 1 }] }, extra: 'x' };
    assert.equal(matchBot({ kind: 'data', subset: { escalation: true } }, msg('', { data })).ok, true);
    assert.equal(matchBot({ kind: 'data', subset: { order: { items: [{ sku: 'a' }] } } }, msg('', { data })).ok, true);
    const wrong = matchBot({ kind: 'data', subset: { order: { id: 8 } } }, msg('', { data }));
    assert.equal(wrong.ok, false);
    assert.equal(wrong.actual, 'data.order.id: expected 8, got 7');
    assert.equal(subsetMismatch({ a: 1 }, {}, 'data'), 'data.a: missing');
    assert.match(subsetMismatch([1, 2], [1], 'data') ?? '', /expected 2 element/);
    assert.equal(matchBot({ kind: 'data', subset: { escalation: 'true' } }, msg('', { data })).ok, false);
    assert.equal(matchBot({ kind: 'data', subset: { a: 1 } }, msg('no data')).ok, false);
  });

  test('quick replies: exact list in order, or Botium-style inclusion ignoring case', () => {
    const offered = msg('Pick one', { quickReplies: ['Opening hours', 'Pricing'] });
    assert.equal(matchBot({ kind: 'quickReplies', values: ['Opening hours', 'Pricing'], mode: 'exact' }, offered).ok, true);
    assert.equal(matchBot({ kind: 'quickReplies', values: ['Pricing', 'Opening hours'], mode: 'exact' }, offered).ok, false);
    assert.equal(matchBot({ kind: 'quickReplies', values: ['pricing'], mode: 'includes' }, offered).ok, true);
    assert.equal(matchBot({ kind: 'quickReplies', values: ['Refunds'], mode: 'includes' }, offered).ok, false);
  });

  test('all expectations of a step must hold; the failing one is reported', () => {
    const result = matchBot(
      [
        { kind: 'exact', text: 'Let me connect you to a human agent.' },
        { kind: 'data', subset: { escalation: true } },
      ],
      msg('Let me connect you to a human agent.', { data: { escalation: false } }),
    );
    assert.deepEqual(result, { ok: false, expected: 'data including {"escalation":true}', actual: 'data.escalation: expected true, got false' });
  });

  test('no message at all fails with a readable actual; "any" needs a message', () => {
    assert.deepEqual(matchBot({ kind: 'exact', text: 'Hi' }, undefined), { ok: false, expected: 'Hi', actual: '(no message)' });
    assert.equal(matchBot({ kind: 'any' }, undefined).ok, false);
    assert.equal(matchBot([], msg('anything')).ok, true);
  });
});

describe('handover matching', () => {
  test('workflow, channel and attributes (also as a JSON string)', () => {
    const observed = { workflow: 'WW1', channel: 'chat', attributes: JSON.stringify({ escalation: true, name: 'x' }) };
    assert.equal(matchHandover(undefined, observed).ok, true);
    assert.equal(matchHandover({ workflow: 'WW1', channel: 'chat', attributes: { escalation: true } }, observed).ok, true);
    assert.equal(matchHandover({ workflow: 'WW2' }, observed).ok, false);
    assert.equal(matchHandover({ attributes: { escalation: false } }, observed).actual, 'attributes.escalation: expected false, got true');
    assert.deepEqual(matchHandover({}, undefined), { ok: false, expected: 'handover', actual: '(no handover)' });
  });
});
