import { it } from 'mocha';
import { assert } from 'chai';
import { isEscalation, normalizeData, normalizeResponse } from '../../../src/lib/cognigy/normalize';

const entry = (text: string | null, data: unknown = {}) => ({ text, data, traceId: 'endpoint-httpIncomingMessage-1', disableSensitiveLogging: false, source: 'bot' });

it('every outputStack entry is one output; the turn text joins them with a space', () => {
  const turn = normalizeResponse({
    text: 'summary that differs',
    data: {},
    outputStack: [entry('Hello, this is the bot.'), entry('How can I help you?')],
    userId: 'u',
    sessionId: 's',
  });
  assert.deepStrictEqual(
    turn.outputs.map((o) => o.text),
    ['Hello, this is the bot.', 'How can I help you?'],
  );
  assert.strictEqual(turn.text, 'Hello, this is the bot. How can I help you?');
  assert.strictEqual(turn.outputs[0].source, 'bot');
  assert.strictEqual(turn.escalation, undefined);
});

it('data-only outputs (null or empty text) are kept with text null', () => {
  const turn = normalizeResponse({ outputStack: [entry('Hi'), entry(null, { a: 1 }), entry('', { b: 2 })] });
  assert.strictEqual(turn.outputs.length, 3);
  assert.deepStrictEqual(turn.outputs.map((o) => o.text), ['Hi', null, null]);
  assert.strictEqual(turn.text, 'Hi');
  assert.deepStrictEqual(turn.data, { a: 1, b: 2 });
});

it('data sent as a JSON string is parsed; other strings are kept under _raw', () => {
  const turn = normalizeResponse({
    outputStack: [entry('', '{"_cognigy":{"_messageId":"m1","_finishReason":"stop"}}'), entry('x', 'not json'), entry('y', '')],
  });
  assert.deepStrictEqual(turn.outputs[0].data, { _cognigy: { _messageId: 'm1', _finishReason: 'stop' } });
  assert.deepStrictEqual(turn.outputs[1].data, { _raw: 'not json' });
  assert.deepStrictEqual(turn.outputs[2].data, {});
  assert.deepStrictEqual(normalizeData('[1,2]'), { _raw: '[1,2]' });
});

it('the top-level data is merged over the outputs and the top-level text is used only without outputs', () => {
  const turn = normalizeResponse({ text: 'only summary', data: { escalation: true }, outputStack: [] });
  assert.strictEqual(turn.outputs.length, 0);
  assert.strictEqual(turn.text, 'only summary');
  const noStack = normalizeResponse({ text: 'no stack', data: '{"k":"v"}' });
  assert.deepStrictEqual(noStack.outputs, [{ text: 'no stack', data: { k: 'v' } }]);
});

it('rich content becomes kind, text, option titles and URLs, also in the legacy _data nesting', () => {
  const quick = {
    _cognigy: {
      _default: {
        _quickReplies: {
          type: 'quick_replies',
          text: 'Pick one',
          quickReplies: [
            { contentType: 'postback', title: 'Hours', payload: 'hours' },
            { contentType: 'postback', title: 'Agent', payload: 'agent', imageUrl: 'https://img.example/a.png' },
          ],
        },
      },
    },
  };
  const buttons = { _data: { _cognigy: { _default: { _buttons: { type: 'buttons', text: 'Choose', buttons: [{ title: 'Website', type: 'web_url', url: 'https://example.com' }, { title: 'Call', payload: 'call' }] } } } } };
  const gallery = { _cognigy: { _default: { _gallery: { type: 'carousel', items: [{ title: 'Red', imageUrl: 'https://img.example/r.png' }, { title: 'Blue' }] } } } };
  const image = { _cognigy: { _default: { _image: { type: 'image', imageUrl: 'https://img.example/i.png' } } } };
  const card = { _cognigy: { _default: { _adaptiveCard: { adaptiveCard: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Your order' }], actions: [{ type: 'Action.Submit', title: 'OK' }] } } } } };
  const turn = normalizeResponse({ outputStack: [entry('Pick one', quick), entry(null, buttons), entry(null, gallery), entry(null, image), entry(null, card), entry('plain')] });
  assert.deepStrictEqual(turn.outputs[0].rich, { kind: 'quickReplies', text: 'Pick one', options: ['Hours', 'Agent'], urls: ['https://img.example/a.png'] });
  assert.deepStrictEqual(turn.outputs[1].rich, { kind: 'buttons', text: 'Choose', options: ['Website', 'Call'], urls: ['https://example.com'] });
  assert.deepStrictEqual(turn.outputs[2].rich, { kind: 'gallery', options: ['Red', 'Blue'], urls: ['https://img.example/r.png'] });
  assert.deepStrictEqual(turn.outputs[3].rich, { kind: 'image', options: [], urls: ['https://img.example/i.png'] });
  assert.deepStrictEqual(turn.outputs[4].rich, { kind: 'adaptiveCard', text: 'Your order', options: ['OK'] });
  assert.strictEqual(turn.outputs[5].rich, undefined);
});

it('escalation: true and "true" (any case) count, on any output or the top-level data; other values do not', () => {
  const withData = (data: unknown, top: unknown = {}) => normalizeResponse({ data: top, outputStack: [entry('a'), entry('b', data)] }, { escalationKey: 'escalation' });
  assert.deepStrictEqual(withData({ escalation: true }).escalation, { key: 'escalation', outputIndex: 1 });
  assert.deepStrictEqual(withData({ escalation: ' TRUE ' }).escalation, { key: 'escalation', outputIndex: 1 });
  assert.deepStrictEqual(withData({}, { escalation: 'true' }).escalation, { key: 'escalation', outputIndex: null });
  for (const value of [false, 'false', 'yes', 1, null, 'truely']) {
    assert.strictEqual(withData({ escalation: value }).escalation, undefined, String(value));
    assert.strictEqual(isEscalation({ escalation: value }, 'escalation'), false, String(value));
  }
  assert.strictEqual(isEscalation(withData({ escalation: true }), 'escalation'), true);
  assert.strictEqual(isEscalation(withData({ handover: true }), 'escalation'), false);
  assert.strictEqual(isEscalation(withData({ handover: true }), 'handover'), true);
});

it('a dotted key reaches nested data, also when the nested part is a JSON string', () => {
  const turn = normalizeResponse({ outputStack: [entry('x', { flex: { escalate: 'True' } })] });
  assert.strictEqual(isEscalation(turn, 'flex.escalate'), true);
  assert.strictEqual(isEscalation(turn, 'flex.other'), false);
  assert.strictEqual(isEscalation({ flex: '{"escalate":true}' }, 'flex.escalate'), true);
  assert.strictEqual(isEscalation({ 'flex.escalate': true }, 'flex.escalate'), true);
  assert.strictEqual(isEscalation('{"escalation":"true"}' as never, 'escalation'), true);
  assert.strictEqual(isEscalation(null, 'escalation'), false);
});
