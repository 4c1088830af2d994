import { describe, it } from 'mocha';
import { assert } from 'chai';
import fc from 'fast-check';
import { MAX_FOR_ITERATIONS, renderAsStudio, studioLiquid, TEMPLATE_ERROR_CODE, TemplateCache, TemplateError } from '../../../src/lib/runtime';
import { syncCompiler, type ForTagClass } from '../../../src/lib/runtime/liquid-sync';
import { escalationTemplate, mediaTemplate, replyTemplate, triggerBodyTemplate } from '../../../src/lib/studio/templates';
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

describe('property: the plain-function render (liquid-sync) gives exactly what the engine renders', () => {
  const engine = studioLiquid();
  const compiler = syncCompiler(engine, [engine.tags.for as unknown as ForTagClass]);

  /** Names a bot answer or a flow brings, names Liquid reads specially, names every object inherits. */
  const name = fc.constantFrom('a', 'b', 'text', 'data', 'outputStack', 'title', 'size', 'first', 'last', 'length', 'constructor', '__proto__', 'toString', 'forloop', 'x');
  const leaf = fc.oneof(
    fc.constantFrom('', ' ', 'true', 'TRUE ', 'false', 'a,b', '0', 'x', '\u00e9\u{1F600}', ' \n'),
    fc.string({ maxLength: 4 }),
    fc.integer({ min: -3, max: 20 }),
    fc.constantFrom(0, -0, 1.5, NaN, Infinity),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  );
  const data = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(name, tie('node'), { maxKeys: 4 })),
  })).node;
  /** Values a JSON parse cannot give: the engine's own paths for them must be taken too. */
  const odd = fc.constantFrom<unknown>({ toLiquid: () => ({ text: 'liquid' }) }, new Date(0), new Map([['a', 1]]), 'abc', [[1, 2], []]);
  const scope = fc.record({ a: data, b: data, w: fc.dictionary(name, fc.oneof(data, odd), { maxKeys: 3 }), s: fc.constantFrom<unknown>('abc', '', [1, 'a', null], { text: 'hi' }), l: fc.constantFrom<unknown>([], [1], ['a', null], [[]]), m: fc.constantFrom<unknown>([], [1], ['a', null], [[]]) });

  const path = fc.oneof(
    fc.array(name, { minLength: 1, maxLength: 3 }).map((p) => p.join('.')),
    fc.tuple(fc.constantFrom('a', 'b', 'w', 's', 'l', 'm', 'item', 'x'), fc.array(fc.oneof(name.map((n) => `.${n}`), name.map((n) => `["${n}"]`), fc.integer({ min: -2, max: 3 }).map((i) => `[${i}]`), fc.constantFrom('[a.text]', '[x]')), { maxLength: 3 })).map(([h, rest]) => h + rest.join('')),
  );
  const literal = fc.constantFrom('nil', 'null', 'empty', 'blank', 'true', 'false', '""', '"x"', "'true'", '0', '1', '2.5', '-1');
  const operand = fc.oneof({ weight: 3, arbitrary: path }, { weight: 2, arbitrary: literal }, { weight: 1, arbitrary: fc.constantFrom('l', 'm', 's', 'l[0]', 'm.first') });
  const comparison = fc.tuple(operand, fc.constantFrom('==', '!=', '>', '<', '>=', '<=', 'contains'), operand).map(([l, op, r]) => `${l} ${op} ${r}`);
  const condition = fc.array(fc.oneof(operand, comparison, operand.map((o) => `not ${o}`)), { minLength: 1, maxLength: 3 }).chain((parts) =>
    fc.array(fc.constantFrom('and', 'or'), { minLength: parts.length - 1, maxLength: parts.length - 1 }).map((ops) => parts.map((p, i) => (i ? `${ops[i - 1]} ${p}` : p)).join(' ')),
  );
  const filter = fc.constantFrom('', ' | downcase', ' | strip', ' | downcase | strip', ' | plus: 1', ' | append: x', ' | append: "!"', ' | default: "d"', ' | size', ' | first', ' | join: "-"', ' | to_json', ' | upcase', ' | split: ","', ' | json', ' | nofilter_never_parsed' as const).filter((f) => !f.includes('nofilter'));
  const modifiers = fc.constantFrom('', ' limit: 2', ' limit: 99', ' offset: 1', ' reversed', ' limit: 1 offset: 1', ' offset: continue', ' limit: x');
  const body = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('t', ' ', '\n', '-'),
      fc.tuple(operand, filter).map(([o, f]) => `{{ ${o}${f} }}`),
      fc.tuple(fc.constantFrom('x', 'y', 'a'), operand, filter).map(([v, o, f]) => `{% assign ${v} = ${o}${f} %}`),
      fc.tuple(fc.constantFrom('x', 'y'), tie('list')).map(([v, b]) => `{% capture ${v} %}${b}{% endcapture %}`),
      fc.tuple(fc.constantFrom('if', 'unless'), condition, tie('list'), fc.option(fc.tuple(condition, tie('list'))), fc.option(tie('list'))).map(
        ([tag, c, yes, elsif, no]) => `{% ${tag} ${c} %}${yes}${elsif ? `{% elsif ${elsif[0]} %}${elsif[1]}` : ''}${no !== null ? `{% else %}${no}` : ''}{% end${tag} %}`,
      ),
      fc.tuple(fc.constantFrom('item', 'x'), path, modifiers, tie('list'), fc.option(tie('list'))).map(
        ([v, c, m, b, e]) => `{% for ${v} in ${c}${m} %}${b}{{ ${v} }}{% if forloop.last %}L{{ forloop.index }}{% endif %}${e !== null ? `{% else %}${e}` : ''}{% endfor %}`,
      ),
      fc.constantFrom('{% break %}', '{% continue %}', '{% comment %}c{% endcomment %}', '{{ forloop.index0 }}', '{{ forloop }}'),
    ),
    list: fc.array(tie('node'), { maxLength: 3 }).map((parts) => parts.join('')),
  }));

  /** What the cache answers when the plain functions throw: the engine's render, or its error. */
  function both(source: string, data: object): { engine: string | Error; fast: string | Error | undefined; compiled: boolean } {
    let parsed;
    try {
      parsed = engine.parse(source);
    } catch (error) {
      return { engine: error as Error, fast: undefined, compiled: false };
    }
    let expected: string | Error;
    try {
      expected = renderAsStudio(engine.renderSync(parsed, data));
    } catch (error) {
      expected = error as Error;
    }
    const fast = compiler.compile(parsed);
    if (!fast) return { engine: expected, fast: undefined, compiled: false };
    try {
      return { engine: expected, fast: fast(data), compiled: true };
    } catch (error) {
      return { engine: expected, fast: error as Error, compiled: true };
    }
  }

  it('random templates of the tags it renders, over random scopes', () => {
    let compiled = 0;
    fc.assert(
      fc.property(body.list, scope, (source, data) => {
        const r = both(source, data);
        if (r.compiled) compiled++;
        // It may give up (throw) where the engine renders: the cache then asks the engine.
        // What it renders must be the engine's text, and it never renders what the engine refuses.
        if (typeof r.fast === 'string') assert.strictEqual(r.fast, r.engine, `${source} over ${JSON.stringify(data)}`);
      }),
      { seed: SEED, numRuns: runs(3000) },
    );
    assert.ok(compiled > runs(3000) * 0.9, `only ${compiled} templates compiled`);
  });

  it('the cases a random draw seldom meets, as the engine renders them', () => {
    const data = { big: Array.from({ length: 20 }, (_, i) => i), l: [1, 'a', [2]], m: [1, 'a', [2]], n: [1, 'a', [3]], e: [], s: 'abc', o: { a: 1 }, z: 0, t: ' ', d: new Date(0), liquid: { toLiquid: () => ['x'] } };
    const cases = [
      '{% if l == m %}same{% endif %}', '{% if l == n %}same{% else %}differ{% endif %}', '{% if l contains 1 %}1{% endif %}{% if l contains "1" %}"1"{% endif %}',
      '{% if s contains "b" %}b{% endif %}', '{% if e == empty %}e{% endif %}{% if o == empty %}o{% endif %}{% if t == blank %}t{% endif %}{% if z == blank %}z{% endif %}',
      '{% if nil == nothing %}nil{% endif %}{% if z > nil %}gt{% endif %}{% if empty < 1 %}lt{% endif %}', '{% for c in o %}{{ c[0] }}={{ c[1] }}{% endfor %}',
      '{% for c in s %}[{{ c }}]{% endfor %}', '{% for c in liquid %}[{{ c }}]{% endfor %}', '{{ d }}|{{ liquid }}|{{ l }}|{{ o }}',
      '{% for i in l reversed %}{{ i }}{% endfor %}', '{% for i in l limit: 2 %}{{ i }}{% endfor %}{% for i in l offset: continue %}{{ i }}{% endfor %}',
      '{% unless z %}never{% elsif s %}s{% else %}else{% endunless %}', '{% for i in big %}{{ i }},{% endfor %}', '{% for i in big limit: 30 offset: 2 %}{{ i }},{% endfor %}', '{% if not z %}not{% else %}is{% endif %}',
    ];
    for (const source of cases) {
      const fast = compiler.compile(engine.parse(source));
      assert.ok(fast, source);
      assert.strictEqual(fast(data), renderAsStudio(engine.renderSync(engine.parse(source), data)), source);
    }
  });

  it('random templates and soup, through the cache, read as the engine reads them', () => {
    const cache = new TemplateCache();
    const data = { a: { text: 'hi', n: 2, list: [1, 'x', null] }, trigger: { message: { Body: ' Yes ' } } };
    fc.assert(
      fc.property(fc.oneof(template, soup, body.list), (source) => {
        const r = both(source, data);
        let actual: string | undefined;
        try {
          actual = cache.render(source, data, 'W', 'body');
        } catch (error) {
          assert.ok(error instanceof TemplateError, String(error));
          actual = undefined;
        }
        assert.strictEqual(actual, typeof r.engine === 'string' ? r.engine : undefined, source);
      }),
      { seed: SEED, numRuns: runs(1500) },
    );
  });

  it("renders the built flow's per-turn templates itself, as the engine does, on random bot answers", () => {
    const sources = [replyTemplate('P'), escalationTemplate('P', 'handover.requested'), escalationTemplate('P', 'escalation'), triggerBodyTemplate('conversations'), triggerBodyTemplate('legacy'), mediaTemplate('legacy', 'trigger.message')!];
    for (const source of sources) assert.ok(compiler.compile(engine.parse(source)) || source.includes('(0..'), `not rendered by liquid-sync: ${source.slice(0, 80)}`);
    const output = fc.record(
      {
        text: fc.oneof(leaf, fc.constantFrom('You said: hi', 'Pick one')),
        data: fc.oneof(
          data,
          fc.record({ escalation: leaf, handover: fc.record({ requested: leaf }), _cognigy: fc.record({ _default: fc.record({ _quickReplies: fc.record({ text: leaf, quickReplies: fc.array(fc.record({ title: leaf }), { maxLength: 3 }) }), _buttons: fc.record({ text: leaf, buttons: fc.oneof(data, fc.array(fc.record({ title: leaf }), { maxLength: 3 })) }) }, { requiredKeys: [] }) }) }, { requiredKeys: [] }),
        ),
      },
      { requiredKeys: [] },
    );
    const answer = fc.record({ text: leaf, data, outputStack: fc.oneof(fc.array(output, { maxLength: 17 }), data) }, { requiredKeys: [] });
    let rendered = 0;
    fc.assert(
      fc.property(answer, leaf, (parsed, body) => {
        const data = { widgets: { P: { parsed } }, trigger: { conversation: { Body: body }, message: { Body: body, MediaUrl0: body, MediaUrl3: 'u' } } };
        for (const source of sources) {
          const r = both(source, data);
          if (typeof r.fast === 'string') {
            rendered++;
            assert.strictEqual(r.fast, r.engine, `${source.slice(0, 60)} over ${JSON.stringify(data)}`);
          }
        }
      }),
      { seed: SEED, numRuns: runs(1500) },
    );
    // Random answers make some renders fail (an object where a number is compared): the
    // engine's error then. Nearly all of them render here.
    assert.ok(rendered > runs(1500) * 5 * 0.8, `only ${rendered} renders`);
  });
});
