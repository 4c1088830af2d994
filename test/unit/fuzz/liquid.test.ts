import { describe, it } from 'mocha';
import { assert } from 'chai';
import fc from 'fast-check';
import { MAX_FOR_ITERATIONS, renderAsStudio, studioLiquid, TEMPLATE_ERROR_CODE, TemplateCache, TemplateError } from '../../../src/lib/runtime';
import { runs, SEED, template } from './arbitraries';

/** A scope shaped like Studio's, with the awkward values a bot answer can bring. */
const scope = {
  trigger: { message: { Body: 'hello "you"\n', From: '+15551234567', ChannelAttributes: { channel_type: 'sms' } } },
  flow: { variables: { x: 'yes', y: '' }, data: { n: 1, list: [1, 2, 3] }, channel: { address: '+15005550006' } },
  contact: { channel: { address: '+15551234567' } },
  widgets: {
    A: { status_code: 200, body: '{"text":"hi"}', parsed: { text: 'hi', data: { __proto__: 'x', escalation: true } } },
    B: { status_code: 500, body: '<html>', inbound: { Body: '  YES ' } },
    C: { parsed: { deep: { deeper: [null, { a: '\u{1F600}' }] } } },
  },
};

/** Raw Liquid soup: delimiters, quotes, filters, tags and unicode in any order. */
const soup = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.constantFrom('{{', '}}', '{%', '%}', '{{-', '-}}', '|', ':', ',', "'", '"', ' ', '\n', '..', '(', ')', '[', ']', '.', '-'),
      fc.constantFrom('for', 'endfor', 'if', 'endif', 'else', 'case', 'when', 'assign', 'capture', 'endcapture', 'raw', 'endraw', 'cycle', 'tablerow', 'increment', 'liquid', 'echo', 'include', 'render', 'layout', 'block'),
      fc.constantFrom('upcase', 'append', 'date', 'split', 'join', 'slice', 'truncate', 'to_json', 'nofilter', 'size', 'times', 'divided_by', 'modulo', 'sort', 'where', 'map', 'json', 'default', 'escape'),
      fc.constantFrom('x', 'flow.variables.x', 'widgets.A.parsed', 'i', '(1..5)', '(1..99999999999)', '1e308', '-0', 'nil', 'empty', 'blank', 'true', 'widgets["A"]', 'trigger.message.Body'),
    ),
    { maxLength: 16 },
  )
  .map((parts) => parts.join(''));

/** Renders a template; the result is a string or Studio's template error, nothing else. */
function renderOrTemplateError(cache: TemplateCache, source: string): { text?: string; error?: TemplateError } {
  try {
    return { text: cache.render(source, scope, 'W', 'body') };
  } catch (error) {
    assert.ok(error instanceof TemplateError, `render threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} for ${JSON.stringify(source)}`);
    assert.strictEqual(error.code, TEMPLATE_ERROR_CODE);
    assert.match(error.message, /^81018: template error in widget "W", property "body": /);
    return { error };
  }
}

describe('property: Studio Liquid renders a string or error 81018, never anything else', () => {
  it('random templates and Liquid soup', () => {
    const cache = new TemplateCache();
    fc.assert(
      fc.property(fc.oneof(template, soup), (source) => {
        const started = performance.now();
        const { text } = renderOrTemplateError(cache, source);
        if (text !== undefined) assert.strictEqual(typeof text, 'string');
        assert.ok(performance.now() - started < 3000, `rendering took ${Math.round(performance.now() - started)} ms`);
        // Parsed once, the same template renders the same way again.
        const again = renderOrTemplateError(cache, source);
        assert.strictEqual(again.text, text);
      }),
      { seed: SEED, numRuns: runs(500) },
    );
  });

  it('a for loop over any range, with any offset/limit/reversed, runs at most 15 times', () => {
    const cache = new TemplateCache();
    const bound = fc.oneof(fc.integer({ min: -20, max: 40 }), fc.constantFrom(1e6, 1e9, 1e12, 2 ** 31), fc.constantFrom('flow.data.n', 'nope', '"3"', '2.5'));
    fc.assert(
      fc.property(
        bound,
        bound,
        fc.option(fc.integer({ min: -3, max: 50 }), { nil: undefined }),
        fc.option(fc.integer({ min: -3, max: 50 }), { nil: undefined }),
        fc.boolean(),
        (low, high, offset, limit, reversed) => {
          const modifiers = `${offset !== undefined ? ` offset: ${offset}` : ''}${limit !== undefined ? ` limit: ${limit}` : ''}${reversed ? ' reversed' : ''}`;
          const source = `{% for i in (${low}..${high})${modifiers} %}[{{i}}]{% endfor %}`;
          const started = performance.now();
          const { text, error } = renderOrTemplateError(cache, source);
          assert.ok(performance.now() - started < 1000);
          if (error) return; // e.g. a negative limit: Liquid's own error, as 81018
          const items = text!.match(/\[[^\]]*\]/g) ?? [];
          assert.ok(items.length <= MAX_FOR_ITERATIONS, `${items.length} iterations for ${source}`);
          if (limit !== undefined && limit >= 0) assert.ok(items.length <= limit);
          // Below the cap, the loop runs exactly as Liquid would on the small range.
          const lo = Number(low);
          const hi = Number(high);
          if (Number.isInteger(lo) && Number.isInteger(hi) && offset === undefined && limit === undefined) {
            const expected = Math.min(MAX_FOR_ITERATIONS, Math.max(0, hi - lo + 1));
            assert.strictEqual(items.length, expected, source);
            if (expected > 0) assert.strictEqual(items[reversed ? expected - 1 : 0], `[${lo}]`);
          }
        },
      ),
      { seed: SEED, numRuns: runs(300) },
    );
  });
});

describe('property: a plain `{{ a.b.c }}` read gives exactly what the engine renders', () => {
  // The engine alone, for reference: the same parse and render the cache uses for any
  // template that is not a plain read.
  const engine = studioLiquid();
  const viaEngine = (source: string, data: object) => renderAsStudio(engine.renderSync(engine.parse(source), data));

  const name = fc.constantFrom('a', 'b', 'text', 'size', 'first', 'last', 'length', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'true', 'nil', 'empty', 'toLiquid', 'valueOf', 'x_1');
  const leaf = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(name, tie('node'), { maxKeys: 4 })),
  })).node;

  it('for random scopes and paths', () => {
    const cache = new TemplateCache();
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 5 }), fc.array(name, { minLength: 1, maxLength: 4 }), fc.constantFrom('', ' '), (data, path, pad) => {
        const source = `{{${pad}${path.join('.')}${pad}}}`;
        let expected: string | undefined;
        try {
          expected = viaEngine(source, data);
        } catch {
          expected = undefined;
        }
        let actual: string | undefined;
        try {
          actual = cache.render(source, data, 'W', 'body');
        } catch {
          actual = undefined;
        }
        assert.strictEqual(actual, expected, `${source} over ${JSON.stringify(data)}`);
      }),
      { seed: SEED, numRuns: runs(2000) },
    );
  });

  it('a string, an array or an object with toLiquid on the way is still read as Liquid reads it', () => {
    const cache = new TemplateCache();
    const data = { s: 'abc', list: [1, 2, 3], o: { toLiquid: () => ({ x: 'from toLiquid' }) }, t: true };
    for (const source of ['{{s.size}}', '{{s.length}}', '{{list.first}}', '{{list.last}}', '{{list.size}}', '{{list.length}}', '{{o.x}}', '{{true}}', '{{t}}', '{{nil}}']) {
      assert.strictEqual(cache.render(source, data, 'W', 'body'), viaEngine(source, data), source);
    }
  });
});
