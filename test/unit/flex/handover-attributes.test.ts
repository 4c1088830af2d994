import { describe, it } from 'mocha';
import { assert } from 'chai';
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
  it('a short conversation goes in whole, with the keys Flex and the flow use', () => {
    const built = buildHandoverAttributes(facts([{ from: 'customer', text: 'hi' }, { from: 'bot', text: 'Hello, how can I help?' }]));
    const a = built.attributes as any;
    assert.strictEqual(a.name, 'Ada');
    assert.strictEqual(a.from, '+15551234567');
    assert.strictEqual(a.conversationSid, CH);
    assert.strictEqual(a.channelType, 'sms');
    assert.strictEqual(a.cognigy.sessionId, CH);
    assert.strictEqual(a.cognigy.userId, '+15551234567');
    assert.strictEqual(a.cognigy.reason, 'asked twice');
    assert.strictEqual(a.cognigy.lastAnswer, 'Hello, how can I help?');
    assert.deepStrictEqual(a.cognigy.transcript, [{ from: 'customer', text: 'hi' }, { from: 'bot', text: 'Hello, how can I help?' }]);
    assert.strictEqual(a.cognigy.transcriptNote, undefined);
    assert.strictEqual(built.note, undefined);
    assert.deepStrictEqual(JSON.parse(built.text), built.attributes, 'the text sent is the attributes');
    assert.strictEqual(built.bytes, utf8Bytes(built.text));
  });

  it('legacy messaging names the channel, not a conversation', () => {
    const a = buildHandoverAttributes(facts([], { channelModel: 'legacy', sessionId: 'KC123' })).attributes as any;
    assert.strictEqual(a.channelSid, CH);
    assert.strictEqual(a.conversationSid, undefined);
    assert.strictEqual(a.cognigy.sessionId, 'KC123');
  });

  it('a long conversation keeps its newest messages within the budget and says it was cut', () => {
    const messages = chat(200, 200);
    const built = buildHandoverAttributes(facts(messages));
    assert.ok(built.bytes <= MAX_ATTRIBUTES_BYTES, `${built.bytes} bytes`);
    assert.ok(built.shown > 0 && built.shown < 200, `${built.shown} shown`);
    const transcript = (built.attributes as any).cognigy.transcript;
    assert.deepStrictEqual(transcript, messages.slice(200 - built.shown), 'the newest, in order');
    assert.match((built.attributes as any).cognigy.transcriptNote, new RegExp(`the last ${built.shown} of 200 messages`));
    // One more message would not have fit: the cut is as small as it can be.
    const oneMore = JSON.stringify(messages[200 - built.shown - 1]).length;
    assert.ok(built.bytes + oneMore > MAX_ATTRIBUTES_BYTES);
  });

  it('the budget counts bytes, not characters', () => {
    const emoji = chat(100, 10).map((m) => ({ ...m, text: `${m.text}${'€'.repeat(60)}` }));
    const built = buildHandoverAttributes(facts(emoji), 4000);
    assert.ok(built.bytes <= 4000);
    assert.ok(built.text.length < built.bytes, 'multi-byte characters were counted as bytes');
    assert.ok(built.shown < 100);
  });

  it('finds the largest fit for every budget (checked against the attributes with one more message)', () => {
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

  it('one huge message is shortened, not dropped; older messages unread are mentioned', () => {
    const built = buildHandoverAttributes(facts([{ from: 'customer', text: 'y'.repeat(50_000) }], { olderUnread: true }));
    const [only] = (built.attributes as any).cognigy.transcript;
    assert.strictEqual(Array.from(only.text).length, MAX_MESSAGE_CHARS);
    assert.ok(only.text.endsWith('…'));
    assert.match(built.note ?? '', /of more than 1 messages/);
  });

  it('an oversized reason or name cannot push the transcript out', () => {
    const built = buildHandoverAttributes(
      facts(chat(3), { reason: 'r'.repeat(100_000), customer: { address: '+1555', name: 'n'.repeat(100_000) } }),
    );
    assert.ok(built.bytes <= MAX_ATTRIBUTES_BYTES);
    assert.strictEqual(built.shown, 3);
  });

  it('empty messages (media only) are left out; a missing reason gets the default', () => {
    const built = buildHandoverAttributes(facts([{ from: 'customer', text: '  ' }, { from: 'bot', text: 'ok' }], { reason: undefined }));
    assert.strictEqual(built.total, 1);
    assert.strictEqual((built.attributes as any).cognigy.reason, 'manual-escalation');
  });

  it('cut never splits a character pair', () => {
    assert.strictEqual(cut('😀😀😀', 2), '😀…');
    assert.strictEqual(cut('abc', 3), 'abc');
  });
});
