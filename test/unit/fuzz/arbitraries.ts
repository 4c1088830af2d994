/**
 * Generators shared by the property tests: Studio definitions that are well-typed but
 * otherwise random (modelled and unmodelled widgets, dangling transitions, valid and
 * broken Liquid), bot answers, and customer actions. Widgets are named A to E (the trigger
 * `Trigger`) so random transitions mostly meet a widget and flows run on; `Ghost` and
 * `weird name!` make transitions dangle.
 */
import fc from 'fast-check';
import { MODELLED_WIDGET_TYPES, widgetType as registryEntry } from '../../../src/lib/domain/widgets';
import type { FlowDefinition, SplitCondition, Transition, WidgetState } from '../../../src/lib/domain/flow';
import type { HttpResponse } from '../../../src/lib/http/types';
import { SPLIT_CONDITION_TYPES } from '../../../src/lib/domain/widgets';

/**
 * Every property runs with a fixed seed (fast-check prints seed and path on failure, to
 * replay). FUZZ_SEED and FUZZ_RUNS override both for a longer hunt, e.g.
 * `FUZZ_SEED=$RANDOM FUZZ_RUNS=5000 node --import tsx --test test/unit/fuzz/*.test.ts`.
 */
export const SEED = Number(process.env.FUZZ_SEED) || 20240601;

export function runs(n: number): number {
  return Number(process.env.FUZZ_RUNS) || n;
}


const MODELLED: readonly string[] = MODELLED_WIDGET_TYPES;
/** Real types the runner does not model, an empty one, and names every JS object inherits. */
const UNMODELLED = ['run-subflow', 'connect-virtual-agent', 'capture-payments', 'add-twiml-redirect', 'say-play', '', 'constructor', 'toString', '__proto__', 'hasOwnProperty'];

const text = fc.string({ unit: 'grapheme', maxLength: 12 });

/** Pieces a template is glued from: sound Liquid, broken Liquid, stray delimiters, text. */
const liquidPiece = fc.oneof(
  { weight: 3, arbitrary: text },
  {
    weight: 2,
    arbitrary: fc.constantFrom('{{', '}}', '{%', '%}', '|', "'", '"', ' ', '\n', ':', ',', '.', '..', '(', ')', '[', ']', '-', '\u00e9', '\u{1F600}', '\\'),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '{{ trigger.message.Body }}',
      '{{trigger.conversation.Body | upcase}}',
      '{{ flow.variables.x }}',
      '{{ flow.variables.y | default: "none" }}',
      '{{ widgets.A.parsed.text }}',
      '{{ widgets.B.body | to_json }}',
      '{{ widgets.C.parsed | to_json }}',
      '{{ widgets.D.inbound.Body | strip | downcase }}',
      '{{ widgets.A.status_code | plus: 1 }}',
      '{{ nope | nofilter }}',
      '{{ 1 | divided_by: 0 }}',
      '{{ "a,b" | split: "," | join: "-" }}',
      '{{ x | truncate: -5 }}',
      '{{ contact.channel.address | slice: 2, 3 }}',
      '{{ flow.data | to_json }}',
      '{{ "now" | date: "%Y-%m-%d" }}',
      '{{ "x" | date: "%Q%k" }}',
      '{% for i in (1..100000) %}{{i}},{% endfor %}',
      '{% for i in (1..1000000000) offset: 3 %}{{i}}{% endfor %}',
      '{% for i in (5..1) %}{{i}}{% else %}none{% endfor %}',
      '{% for w in widgets %}{{ w[0] }}{% endfor %}',
      '{% for i in (1..99) %}',
      '{% endfor %}',
      '{% if flow.variables.x == "a" %}yes{% else %}no{% endif %}',
      '{% if %}',
      '{% case flow.variables.x %}{% when "1" %}one{% else %}other{% endcase %}',
      '{% assign y = "z" | append: flow.variables.x %}{{y}}',
      '{% raw %}{{x}}{% endraw %}',
      '{% comment %}c{% endcomment %}',
      '{% unknowntag %}',
      '{% include "package.json" %}',
      '{% render "x" %}',
      '{%- if true -%} trimmed {%- endif -%}',
      '{{ (1..5) | join: "," }}',
    ),
  },
);

const soundPiece = fc.oneof(
  text,
  fc.constantFrom(
    '{{ trigger.message.Body }}',
    '{{ trigger.conversation.Body }}',
    '{{ flow.variables.x }}',
    '{{ widgets.A.parsed.text }}',
    '{{ widgets.B.inbound.Body }}',
    '{{ widgets.C.body }}',
    '{{ widgets.D.parsed | to_json }}',
    '{% if flow.variables.x == "yes" %}yes{% endif %}',
  ),
);

/** Mostly templates that parse (so flows run on), some that do not. */
export const template = fc.oneof(
  { weight: 3, arbitrary: fc.array(soundPiece, { maxLength: 4 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.array(liquidPiece, { maxLength: 8 }).map((parts) => parts.join('')) },
);

/** A property value: mostly a template, sometimes a value of the wrong type. */
const propertyValue = fc.oneof(
  { weight: 6, arbitrary: template },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  // JSON objects whose keys shadow Object.prototype: String(value) would throw on these.
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ toString: null }, { valueOf: 1, toString: 'x' }, { __proto__: null }, [], {}, null, true, 12.5) },
);

const keyValues = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ key: fc.constantFrom('x', 'y', 'text', '', 'a b', '__proto__', 'constructor'), value: template }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  ),
  { maxLength: 4 },
);

/** Values a split condition compares against: numbers, times, dates, regexes, lists, templates. */
const conditionValue = fc.oneof(
  template,
  fc.constantFrom(
    '42', '-1.5e3', '.5', 'abc', 'yes, no ,,maybe', '', '  ',
    '9:30', '09:30:59', '12:00 AM', '11:59 pm', '25:00', '13:00 PM',
    '2024-02-29', '2023-02-29', 'March 2, 2024', 'not a date', '0000-00-00',
    '^a.*$', '(', '[a-', '\\', '(?<n>x)', '.*', 'a{2,1}',
  ),
  fc.double({ noNaN: false }).map(String),
  fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
);

const condition: fc.Arbitrary<SplitCondition> = fc.record({
  friendly_name: text,
  arguments: fc.array(template, { maxLength: 2 }),
  type: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...SPLIT_CONDITION_TYPES) }, { weight: 1, arbitrary: fc.constantFrom('unknown_type', '') }),
  value: conditionValue,
});

const target: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('A', 'B', 'C', 'D', 'E') },
  { weight: 1, arbitrary: fc.constantFrom('Trigger', 'Ghost', 'weird name!') },
  { weight: 3, arbitrary: fc.constant(undefined) },
);

const transition = (event: fc.Arbitrary<string>, conditions: fc.Arbitrary<SplitCondition[] | undefined>): fc.Arbitrary<Transition> =>
  fc.record({ event, next: target, conditions }).map(({ event, next, conditions }) => ({
    event,
    ...(next !== undefined ? { next } : {}),
    ...(conditions !== undefined ? { conditions } : {}),
  }));

/** The type's own events, each usually present, in random order, sometimes a bogus one. */
function transitionsFor(type: string): fc.Arbitrary<Transition[]> {
  const events = registryEntry(type)?.events ?? ['next', 'success'];
  const own = events.map((e) =>
    fc.option(transition(fc.constant(e), e === 'match' ? fc.array(condition, { minLength: 1, maxLength: 3 }) : fc.constant(undefined)), { nil: undefined, freq: 5 }),
  );
  const matches = type === 'split-based-on' ? fc.array(transition(fc.constant('match'), fc.option(fc.array(condition, { maxLength: 3 }), { nil: undefined, freq: 6 })), { maxLength: 3 }) : fc.constant([]);
  const bogus = fc.array(transition(fc.constantFrom('bogusEvent', 'next', 'match'), fc.constant(undefined)), { maxLength: 1 });
  return fc
    .tuple(fc.tuple(...own), matches, bogus)
    .map(([o, m, b]) => [...o.filter((t): t is Transition => t !== undefined), ...m, ...b])
    .chain((list) => fc.shuffledSubarray(list, { minLength: list.length }));
}

const PROPERTY_KEYS = ['body', 'url', 'method', 'content_type', 'timeout', 'input', 'attributes', 'workflow', 'channel', 'from', 'to', 'priority'] as const;

function propertiesFor(type: string): fc.Arbitrary<Record<string, unknown>> {
  const optional = Object.fromEntries(PROPERTY_KEYS.map((k) => [k, propertyValue]));
  const special = {
    method: fc.constantFrom('GET', 'POST', 'get', 'PUT', ''),
    content_type: fc.constantFrom('application/json;charset=utf-8', 'application/x-www-form-urlencoded;charset=utf-8', 'text/plain', ''),
    timeout: fc.oneof(fc.constantFrom('3600', '0', '-5', 'abc', '1e999', ' 12 '), fc.integer().map(String)),
    url: fc.oneof(template, fc.constantFrom('https://example.com/x?a=1#frag', 'http://127.0.0.1:1/', 'not a url')),
  };
  return fc
    .record(
      {
        ...optional,
        ...special,
        variables: keyValues,
        parameters: keyValues,
        offset: fc.record({ x: fc.integer({ min: -2000, max: 2000 }), y: fc.integer({ min: -2000, max: 2000 }) }),
      },
      { requiredKeys: [] },
    )
    .map((p) => (type === 'set-variables' && p.variables === undefined ? { ...p, variables: [] } : p));
}

const widgetType = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...MODELLED.filter((t) => t !== 'trigger')) },
  { weight: 3, arbitrary: fc.constantFrom('send-and-wait-for-reply', 'make-http-request', 'split-based-on') },
  { weight: 1, arbitrary: fc.constantFrom('trigger', ...UNMODELLED) },
);

export const widgetState = (names: fc.Arbitrary<string>): fc.Arbitrary<WidgetState> =>
  fc.tuple(names, widgetType).chain(([name, type]) =>
    fc.record({ name: fc.constant(name), type: fc.constant(type), properties: propertiesFor(type), transitions: transitionsFor(type) }),
  );

/** The trigger wires one or both messaging events (or none, or a voice call). */
const triggerState: fc.Arbitrary<WidgetState> = fc
  .record({
    message: fc.option(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'Ghost'), { nil: undefined, freq: 3 }),
    conversation: fc.option(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'Ghost'), { nil: undefined, freq: 3 }),
    call: fc.option(fc.constantFrom('A', 'B'), { nil: undefined }),
    offset: fc.record({ x: fc.integer({ min: -500, max: 500 }), y: fc.integer({ min: -500, max: 500 }) }),
  })
  .map(({ message, conversation, call, offset }) => ({
    name: 'Trigger',
    type: 'trigger',
    properties: { offset },
    transitions: [
      { event: 'incomingMessage', ...(message ? { next: message } : {}) },
      { event: 'incomingConversationMessage', ...(conversation ? { next: conversation } : {}) },
      { event: 'incomingCall', ...(call ? { next: call } : {}) },
    ],
  }));

export const definition: fc.Arbitrary<FlowDefinition> = fc
  .record({
    trigger: fc.option(triggerState, { nil: undefined, freq: 15 }),
    // A to E each usually present, so random transitions mostly meet a widget.
    states: fc.tuple(...['A', 'B', 'C', 'D', 'E'].map((n) => fc.option(widgetState(fc.constant(n)), { nil: undefined, freq: 8 }))),
    extras: fc.array(widgetState(fc.constantFrom('A', 'Trigger', 'weird name!')), { maxLength: 1 }),
    initial: fc.oneof({ weight: 15, arbitrary: fc.constant('Trigger') }, { weight: 1, arbitrary: fc.constantFrom('A', 'Ghost', '') }),
    description: text,
    flags: fc.option(fc.record({ allow_concurrent_calls: fc.boolean() }), { nil: undefined }),
  })
  .map(({ trigger, states, extras, initial, description, flags }) => ({
    description,
    states: [...(trigger ? [trigger] : []), ...states.filter((s): s is WidgetState => s !== undefined), ...extras],
    initial_state: initial,
    ...(flags ? { flags } : {}),
  }));

/** What the injected transport does with one request. */
export type Answer =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'failure'; failure: 'timeout' | 'network' | 'invalid-url'; elapsedMs: number }
  | { kind: 'throw'; value: unknown };

const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.dictionary(fc.constantFrom('text', 'data', 'outputStack', '__proto__', 'constructor', 'toString', 'a'), fc.jsonValue({ maxDepth: 2 })).map((v) => JSON.stringify(v)),
  fc.array(fc.jsonValue({ maxDepth: 1 })).map((v) => JSON.stringify(v)),
  text,
  fc.constantFrom('<html><body>Bad Gateway</body></html>', '', '{', '{"a":', 'null', '  {"text":"hi"}  ', '\uFEFF{"a":1}'),
  fc.integer({ min: 60_000, max: 70_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 20_000, max: 24_000 }).map((n) => '\u00e9\u{1F600}'.repeat(n)),
);

export const answer: fc.Arbitrary<Answer> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        status: fc.oneof(fc.constantFrom(200, 201, 204, 299, 300, 404, 500, 503), fc.integer({ min: 0, max: 999 })),
        headers: fc.oneof(
          fc.constant({}),
          fc.constantFrom('application/json', 'text/html; charset=utf-8', 'text/plain', '').map((t) => ({ 'content-type': t })),
          fc.constantFrom('application/json', 'APPLICATION/JSON').map((t) => ({ 'Content-Type': t })),
        ),
        body,
        elapsedMs: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.double({ min: -1, max: 1e6, noNaN: true })),
        tooLarge: fc.option(fc.boolean(), { nil: undefined }),
      })
      .map(({ tooLarge, ...response }) => ({ kind: 'response' as const, response: { ...response, ...(tooLarge !== undefined ? { tooLarge } : {}) } })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('failure' as const),
      failure: fc.constantFrom('timeout' as const, 'network' as const, 'invalid-url' as const),
      elapsedMs: fc.integer({ min: 0, max: 20_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('throw' as const),
      value: fc.constantFrom(new TypeError('fetch failed'), 'a string', undefined, null, 42, { message: 'plain object' }),
    }),
  },
);

/** What the customer does next. `misuse` calls something the session is not ready for. */
export type Action = { kind: 'reply'; text: string } | { kind: 'silence' } | { kind: 'misuse'; call: 'start' | 'reply' | 'silence' };

export const customerText = fc.oneof(
  text,
  fc.constantFrom('', ' ', 'yes', 'NO', '42', '9:30', '2024-02-29', '{{ flow.variables.x }}', '"quoted"\nnewline', 'a'.repeat(5000)),
);

export const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: customerText.map((t) => ({ kind: 'reply' as const, text: t })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'silence' as const }) },
  { weight: 1, arbitrary: fc.constantFrom('start' as const, 'reply' as const, 'silence' as const).map((call) => ({ kind: 'misuse' as const, call })) },
);

/** Throws when a value is not plain JSON data (no undefined in arrays, no NaN, no cycles). */
export function assertJsonData(value: unknown, path = '$'): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path} is ${value}, which JSON cannot carry`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertJsonData(v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
      throw new Error(`${path} is a ${value.constructor?.name ?? 'non-plain'} object`);
    }
    for (const [k, v] of Object.entries(value)) if (v !== undefined) assertJsonData(v, `${path}.${k}`);
    return;
  }
  throw new Error(`${path} is a ${typeof value}`);
}
