import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildHandoverAttributes,
  cut,
  HandoverFacts,
  MAX_ATTRIBUTES_BYTES,
  MAX_MESSAGE_CHARS,
  utf8Bytes,
} from '../../../src/lib/flex/handover-attributes';

const CH = `CH${'a'.repeat(32)}`;

function facts(messages: HandoverFacts['messages'], extra: Partial<HandoverFacts> = {}): HandoverFacts {
  return {
    channelModel: 'conversations',
    sid: CH,
    customer: { address: '+15551234567', name: 'Ada' },
    channelType: 'sms',
    sessionId: CH,
    reason: 'asked twice',
    messages,
    ...extra,
  };
}

const chat = (n: number, size = 100) =>
  Array.from({ length: n }, (_, i) => ({ from: i % 2 ? ('bot' as const) : ('customer' as const), text: `${i}:${'x'.repeat(size)}` }));

describe('hand-over attributes', () => {
  test('a short conversation goes in whole, with the keys Flex and the flow use', () => {
    const built = buildHandoverAttributes(facts([{ from: 'customer', text: 'hi' }, { from: 'bot', text: 'Hello, how can I help?' }]));
    const a = built.attributes as any;
    assert.equal(a.name, 'Ada');
    assert.equal(a.from, '+15551234567');
    assert.equal(a.conversationSid, CH);
    assert.equal(a.channelType, 'sms');
    assert.equal(a.cognigy.sessionId, CH);
    assert.equal(a.cognigy.userId, '+15551234567');
    assert.equal(a.cognigy.reason, 'asked twice');
    assert.equal(a.cognigy.lastAnswer, 'Hello, how can I help?');
    assert.deepEqual(a.cognigy.transcript, [{ from: 'customer', text: 'hi' }, { from: 'bot', text: 'Hello, how can I help?' }]);
    assert.equal(a.cognigy.transcriptNote, undefined);
    assert.equal(built.note, undefined);
    assert.deepEqual(JSON.parse(built.text), built.attributes, 'the text sent is the attributes');
    assert.equal(built.bytes, utf8Bytes(built.text));
  });

  test('legacy messaging names the channel, not a conversation', () => {
    const a = buildHandoverAttributes(facts([], { channelModel: 'legacy', sessionId: 'KC123' })).attributes as any;
    assert.equal(a.channelSid, CH);
    assert.equal(a.conversationSid, undefined);
    assert.equal(a.cognigy.sessionId, 'KC123');
  });

  test('a long conversation keeps its newest messages within the budget and says it was cut', () => {
    const messages = chat(200, 200);
    const built = buildHandoverAttributes(facts(messages));
    assert.ok(built.bytes <= MAX_ATTRIBUTES_BYTES, `${built.bytes} bytes`);
    assert.ok(built.shown > 0 && built.shown < 200, `${built.shown} shown`);
    const transcript = (built.attributes as any).cognigy.transcript;
    assert.deepEqual(transcript, messages.slice(200 - built.shown), 'the newest, in order');
    assert.match((built.attributes as any).cognigy.transcriptNote, new RegExp(`the last ${built.shown} of 200 messages`));
    // One more message would not have fit: the cut is as small as it can be.
    const oneMore = JSON.stringify(messages[200 - built.shown - 1]).length;
    assert.ok(built.bytes + oneMore > MAX_ATTRIBUTES_BYTES);
  });

  test('the budget counts bytes, not characters', () => {
    const emoji = chat(100, 10).map((m) => ({ ...m, text: `${m.text}${'€'.repeat(60)}` }));
    const built = buildHandoverAttributes(facts(emoji), 4000);
    assert.ok(built.bytes <= 4000);
    assert.ok(built.text.length < built.bytes, 'multi-byte characters were counted as bytes');
    assert.ok(built.shown < 100);
  });

  test('finds the largest fit for every budget (checked against the attributes with one more message)', () => {
    const messages = chat(60, 37);
    for (const budget of [700, 1000, 1500, 2222, 3000, 4096]) {
      const built = buildHandoverAttributes(facts(messages), budget);
      assert.ok(built.bytes <= budget, `budget ${budget}: ${built.bytes}`);
      assert.ok(built.shown < messages.length);
      // The same attributes with the next older message put back (and the note's count
      // raised) must not fit, else the cut was larger than needed.
      const more = structuredClone(built.attributes) as any;
      more.cognigy.transcript = messages.slice(messages.length - built.shown - 1);
      more.cognigy.transcriptNote = more.cognigy.transcriptNote.replace(`last ${built.shown} of`, `last ${built.shown + 1} of`);
      assert.ok(utf8Bytes(JSON.stringify(more)) > budget, `budget ${budget}: ${built.shown + 1} messages would fit`);
    }
  });

  test('one huge message is shortened, not dropped; older messages unread are mentioned', () => {
    const built = buildHandoverAttributes(facts([{ from: 'customer', text: 'y'.repeat(50_000) }], { olderUnread: true }));
    const [only] = (built.attributes as any).cognigy.transcript;
    assert.equal(Array.from(only.text).length, MAX_MESSAGE_CHARS);
    assert.ok(only.text.endsWith('…'));
    assert.match(built.note ?? '', /of more than 1 messages/);
  });

  test('an oversized reason or name cannot push the transcript out', () => {
    const built = buildHandoverAttributes(
      facts(chat(3), { reason: 'r'.repeat(100_000), customer: { address: '+1555', name: 'n'.repeat(100_000) } }),
    );
    assert.ok(built.bytes <= MAX_ATTRIBUTES_BYTES);
    assert.equal(built.shown, 3);
  });

  test('empty messages (media only) are left out; a missing reason gets the default', () => {
    const built = buildHandoverAttributes(facts([{ from: 'customer', text: '  ' }, { from: 'bot', text: 'ok' }], { reason: undefined }));
    assert.equal(built.total, 1);
    assert.equal((built.attributes as any).cognigy.reason, 'manual-escalation');
  });

  test('cut never splits a character pair', () => {
    assert.equal(cut('😀😀😀', 2), '😀…');
    assert.equal(cut('abc', 3), 'abc');
  });
});
