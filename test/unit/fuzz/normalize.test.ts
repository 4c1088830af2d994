import { describe, it } from 'mocha';
import { assert } from 'chai';
import fc from 'fast-check';
import { isEscalation, normalizeResponse, type BotTurn } from '../../../src/lib/cognigy/normalize';
import { runs, SEED } from './arbitraries';

const RICH_KINDS = ['quickReplies', 'buttons', 'gallery', 'list', 'image', 'audio', 'video', 'adaptiveCard'];

const key = fc.oneof(
  fc.constantFrom('escalation', 'handover.requested', 'a.b.c', '_cognigy', '__proto__', 'constructor', 'toString', '.', '', 'a..b'),
  fc.string({ maxLength: 8 }),
);

/** `data` as Cognigy sends it: an object, a JSON string (LLM outputs), or anything else. */
const data = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  // Keys that are special to JavaScript objects, as JSON.parse delivers them (own keys).
  fc.constantFrom('{"__proto__": {"escalation": true}}', '{"constructor": {"prototype": 1}}', '{"__proto__": null, "toString": "x"}'),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record(
    {
      escalation: fc.constantFrom<unknown>(true, 'true', ' TRUE ', 'false', 1, null, { toString: null }),
      handover: fc.oneof(fc.constant('{"requested": true}'), fc.record({ requested: fc.constantFrom<unknown>(true, 'True', '{') })),
      _cognigy: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({
          _default: fc.oneof(
            fc.jsonValue({ maxDepth: 2 }),
            fc.dictionary(fc.constantFrom(...RICH_KINDS.map((k) => `_${k}`)), fc.jsonValue({ maxDepth: 4 })),
            fc.constantFrom(
              { _quickReplies: { text: 'Pick', quickReplies: [{ title: 'A' }, 'B', null, { payload: 'c' }] } },
              { _gallery: { items: { length: 3 } } },
              { _adaptiveCard: { adaptiveCard: { body: [{ type: 'TextBlock', text: 7 }], actions: 'x' } } },
              { _image: { imageUrl: 'https://x/y.png', nested: { deep: [{ linkUrl: 'http://a' }] } } },
            ),
          ),
        }),
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify({ _default: v })),
      ),
      _data: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  ),
);

const output = fc.oneof(
  fc.record({ text: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })), data, source: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 2 }),
);

const answer = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      text: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
      data,
      outputStack: fc.oneof(fc.array(output, { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })),
      userId: fc.string(),
      sessionId: fc.string(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

function checkShape(turn: BotTurn): void {
  assert.ok(Array.isArray(turn.outputs));
  assert.strictEqual(typeof turn.text, 'string');
  assert.ok(turn.data !== null && typeof turn.data === 'object' && !Array.isArray(turn.data));
  assert.strictEqual(Object.getPrototypeOf(turn.data), Object.prototype, 'merged data got a foreign prototype');
  for (const o of turn.outputs) {
    assert.ok(o.text === null || (typeof o.text === 'string' && o.text !== ''), 'output text is a non-empty string or null');
    assert.ok(o.data !== null && typeof o.data === 'object' && !Array.isArray(o.data));
    if (o.source !== undefined) assert.strictEqual(typeof o.source, 'string');
    if (o.rich) {
      assert.ok(RICH_KINDS.includes(o.rich.kind));
      assert.ok(Array.isArray(o.rich.options) && o.rich.options.every((t) => typeof t === 'string'));
      if (o.rich.text !== undefined) assert.strictEqual(typeof o.rich.text, 'string');
      if (o.rich.urls !== undefined) assert.ok(o.rich.urls.every((u) => typeof u === 'string' && /^https?:\/\//i.test(u)));
    }
  }
  const texts = turn.outputs.map((o) => o.text).filter((t): t is string => t !== null);
  if (texts.length) assert.strictEqual(turn.text, texts.join(' '));
  if (turn.escalation) {
    assert.strictEqual(typeof turn.escalation.key, 'string');
    const i = turn.escalation.outputIndex;
    assert.ok(i === null || (Number.isInteger(i) && i >= 0 && i < turn.outputs.length));
  }
}

describe('property: any bot answer normalises to the documented shape', () => {
  it('normalizeResponse and isEscalation never throw', () => {
    fc.assert(
      fc.property(answer, fc.option(key, { nil: undefined }), key, (body, escalationKey, probe) => {
        const turn = normalizeResponse(body, escalationKey === undefined ? {} : { escalationKey });
        checkShape(turn);
        assert.strictEqual(typeof isEscalation(turn, probe), 'boolean');
        assert.strictEqual(typeof isEscalation(turn.data, probe), 'boolean');
        if (escalationKey) assert.strictEqual(isEscalation(turn, escalationKey), turn.escalation !== undefined);
        // The raw answer is also accepted where a turn or data is expected.
        assert.strictEqual(typeof isEscalation(body as Record<string, unknown>, probe), 'boolean');
      }),
      { seed: SEED, numRuns: runs(500) },
    );
  });
});
