/**
 * BotiumScript read as botium-core 1.15 reads it (helper.linesToConvoStep, Convo,
 * ScriptingProvider._expandConvo, MatchFunctions), without a bot: the steps and checks a
 * script turns into, and the matching functions.
 */
import { describe, it } from 'mocha';
import { assert } from 'chai';
import { applyMemory, compileConvo, emptySuite, expandMemorySets, fillMemory, parseScriptingMemoryTxt, rawConvoTxt, readCaps, type BotiumSuite } from '../../../src/lib/conversation/botium';
import { botiumMatch, matchBot, normalizeText } from '../../../src/lib/conversation/match';
import type { Conversation, ScriptError } from '../../../src/lib/conversation/types';

const compile = (source: string, suite: BotiumSuite = emptySuite(), file = 'x.convo.txt') => compileConvo(rawConvoTxt(file, source), suite);
const one = (source: string, suite?: BotiumSuite): Conversation => {
  const [item] = compile(source, suite);
  assert.ok(!('kind' in item), (item as ScriptError).message);
  return item as Conversation;
};
const error = (source: string, suite?: BotiumSuite): ScriptError => {
  const [item] = compile(source, suite);
  assert.ok('kind' in item, 'expected a script error');
  return item as ScriptError;
};

describe('BotiumScript lines', () => {
  it('! negates, ? makes optional; ?? and !! keep one ? or ! as text, as Botium does', () => {
    const c = one('T\n#me\nhi\n#bot\n!No way\n#bot\n?Maybe\n#bot\n??Really\n#bot\n!!Loud');
    assert.deepStrictEqual(c.steps.slice(1), [
      { kind: 'bot', expect: [{ kind: 'botium', text: 'No way', not: true }], line: 4 },
      { kind: 'bot', expect: [{ kind: 'botium', text: 'Maybe' }], line: 6, optional: true },
      { kind: 'bot', expect: [{ kind: 'botium', text: '?Really' }], line: 8 },
      { kind: 'bot', expect: [{ kind: 'botium', text: '!Loud' }], line: 10 },
    ]);
  });

  it('asserters become checks, NLU ones not checkable, unknown upper-case words stay text', () => {
    const c = one('T\n#me\nhi\n#bot\nHello\nINTENT greet\n!BUTTONS a|b\nTEXT_CONTAINS_ANY x|y\nMYHOOK arg');
    const [bot] = c.steps.slice(1) as Extract<Conversation['steps'][number], { kind: 'bot' }>[];
    assert.deepStrictEqual(bot.expect.map((e) => [e.kind, 'name' in e ? e.name : (e as { text: string }).text]), [
      ['botium', 'Hello\nMYHOOK arg'],
      ['notCheckable', 'INTENT'],
      ['rich', 'BUTTONS'],
      ['text', 'TEXT_CONTAINS_ANY'],
    ]);
  });

  it('a custom asserter declared in botium.json, an unsupported hook, a mix of optional and not: script errors at their line', () => {
    const suite = emptySuite(readCaps({ botium: { Capabilities: { ASSERTERS: [{ ref: 'MYASSERT' }] } } }).caps);
    assert.deepStrictEqual([error('T\n#me\nhi\n#bot\nMYASSERT x', suite).line, error('T\n#me\nhi\n#bot\nok\nCONVO_STEP_PARAMETERS {}').line], [5, 6]);
    assert.match(error('T\n#me\nhi\n#bot\n?ok\nBUTTONS a').message, /optional/);
    assert.match(error('T\n#me\nhi\nUPDATE_CUSTOM SET|a|b\n#bot\nok').message, /Studio|flow decides/);
  });

  it('BUTTON in #me sends the title (its last argument); PAUSE is a step; WAITFORBOT changes nothing', () => {
    const c = one('T\n#me\nBUTTON PAYLOAD_1|Yes please\nPAUSE 20\n#bot\nok\nWAITFORBOT 1000');
    assert.deepStrictEqual(c.steps.map((s) => s.kind), ['user', 'pause', 'bot']);
    assert.strictEqual((c.steps[0] as { text: string }).text, 'Yes please');
  });
});

describe('suites: utterances and partial convos', () => {
  const suite = (): BotiumSuite => {
    const s = emptySuite();
    s.utterances.set('UTT_HI', ['hello', 'hi there', 'hey']);
    s.utterances.set('UTT_OK', ['fine', 'good']);
    s.partials.set('Login', rawConvoTxt('login.pconvo.txt', 'Login\n#begin\nPAUSE 5\n#me\nsecret\n#bot\nwelcome\n#end'));
    return s;
  };

  it('an utterance in #me makes one conversation each, named Name/UTT-L<n> with padding; in #bot any utterance matches', () => {
    const items = compile('Greet\n#me\nUTT_HI\n#bot\nUTT_OK', suite()) as Conversation[];
    assert.deepStrictEqual(items.map((c) => [c.name, (c.steps[0] as { text: string }).text]), [
      ['Greet/UTT_HI-L1', 'hello'],
      ['Greet/UTT_HI-L2', 'hi there'],
      ['Greet/UTT_HI-L3', 'hey'],
    ]);
    assert.deepStrictEqual((items[0].steps[1] as { expect: unknown[] }).expect, [{ kind: 'botium', text: 'fine', alternatives: ['fine', 'good'], utterance: 'UTT_OK' }]);
    const tenfold = emptySuite();
    tenfold.utterances.set('U', Array.from({ length: 10 }, (_, i) => `u${i}`));
    assert.deepStrictEqual((compile('N\n#me\nU\n#bot\nok', tenfold) as Conversation[]).map((c) => c.name).slice(0, 2), ['N/U-L01', 'N/U-L02']);
  });

  it('#include and INCLUDE insert the partial convo without its #begin/#end, with its own file and lines', () => {
    const c = one('Main\n#me\nstart\n#bot\nok\n#include Login\n#me\nagain\nINCLUDE Login', suite());
    assert.deepStrictEqual(c.steps.map((s) => [s.kind, s.line, s.file ?? 'main']), [
      ['user', 2, 'main'],
      ['bot', 4, 'main'],
      ['user', 4, 'login.pconvo.txt'],
      ['bot', 6, 'login.pconvo.txt'],
      ['user', 7, 'main'],
      ['user', 4, 'login.pconvo.txt'],
      ['bot', 6, 'login.pconvo.txt'],
    ]);
    assert.match(error('Main\n#me\nhi\n#include Nope', suite()).message, /no partial convo "Nope" \(known: Login\)/);
  });
});

describe('matching', () => {
  it("botium-core's modes on normalized text", () => {
    const t = normalizeText('<p>Your  order\n is <b>ready</b> &amp; paid</p>');
    assert.strictEqual(t, 'Your order is ready & paid');
    assert.ok(botiumMatch('wildcardIgnoreCase', t, 'your * ready'));
    assert.ok(!botiumMatch('wildcard', t, 'your * ready'));
    assert.ok(!botiumMatch('wildcardExact', t, 'order * ready'));
    assert.ok(botiumMatch('wildcardExact', t, 'Your * paid'));
    assert.ok(botiumMatch('regexpIgnoreCase', t, '^your order is \\w+'));
    assert.ok(botiumMatch('include', t, 'ready & paid'));
    assert.ok(!botiumMatch('equals', t, 'your order is ready & paid'));
    assert.ok(botiumMatch('equalsIgnoreCase', t, 'your order is ready & paid'));
    // SCRIPTING_NORMALIZE_TEXT false: the raw text, where `*` does not cross a line break.
    const raw = emptySuite(readCaps({ botium: { Capabilities: { SCRIPTING_NORMALIZE_TEXT: false } } }).caps);
    const [step] = (one('T\n#me\nhi\n#bot\nready*paid', raw).steps.slice(1) as { expect: Parameters<typeof matchBot>[0] }[]);
    assert.strictEqual(matchBot(step.expect, { text: 'ready and paid' }).ok, true);
    assert.strictEqual(matchBot(step.expect, { text: 'ready\nand paid' }).ok, false);
    assert.strictEqual(matchBot((one('T\n#me\nhi\n#bot\nready*paid').steps[1] as { expect: Parameters<typeof matchBot>[0] }).expect, { text: 'ready\nand paid' }).ok, true);
  });

  it('negation, utterance alternatives, TEXT_* all/any, BUTTONS by title or payload, JSON_PATH on the answer', () => {
    const msg = { text: 'Pick one', buttons: [{ text: 'Yes', payload: 'YES_1' }], source: { data: { order: { id: 'A-17' } } } };
    assert.strictEqual(matchBot({ kind: 'botium', text: 'pick', not: true }, msg).ok, false);
    assert.strictEqual(matchBot({ kind: 'botium', text: 'x', alternatives: ['nope', 'pick *'] }, msg).ok, true);
    const text = (args: string[], all: boolean, not = false) =>
      matchBot({ kind: 'text', name: 'T', args, mode: 'include', all, noArgIsJoker: false, not, line: 1 }, msg).ok;
    assert.deepStrictEqual([text(['Pick', 'zzz'], false), text(['Pick', 'zzz'], true), text(['zzz'], false, true)], [true, false, true]);
    const rich = (name: 'BUTTONS' | 'JSON_PATH', args: string[], not = false) => matchBot({ kind: 'rich', name, args, not, mode: 'wildcardIgnoreCase', line: 1 }, msg).ok;
    assert.deepStrictEqual([rich('BUTTONS', ['yes']), rich('BUTTONS', ['YES_1']), rich('BUTTONS', ['no']), rich('BUTTONS', ['no'], true)], [true, true, false, true]);
    const count = (name: 'BUTTONS_COUNT' | 'CARDS_COUNT', arg: string[], not = false) => matchBot({ kind: 'rich', name, args: arg, not, mode: 'wildcardIgnoreCase', line: 1 }, msg).ok;
    assert.deepStrictEqual([count('BUTTONS_COUNT', ['1']), count('BUTTONS_COUNT', ['>=2']), count('BUTTONS_COUNT', []), count('CARDS_COUNT', []), count('CARDS_COUNT', [], true)], [true, false, true, false, true]);
    assert.deepStrictEqual([rich('JSON_PATH', ['$.data.order.id', 'A-17']), rich('JSON_PATH', ['$.data.order.id', 'B']), rich('JSON_PATH', ['$.data.none'], true)], [true, false, true]);
  });

  it('scripting memory: variables longest first, functions, capture from the bot message', () => {
    const memory = new Map([['$name', 'Ann'], ['$names', 'Ann, Bo']]);
    assert.strictEqual(applyMemory('hi $names and $name', memory, 't'), 'hi Ann, Bo and Ann');
    assert.match(applyMemory('id $random(4) in $year', memory, 't'), /^id \d{4} in \d{4}$/);
    fillMemory('Your order number is $order.', 'Your order number is 4711.', memory);
    assert.strictEqual(memory.get('$order'), '4711');
  });

  it('scripting memory files: both table layouts; a conversation runs once per set of the variables it uses', () => {
    const byRow = parseScriptingMemoryTxt('|$city|$day\nvienna|Vienna|Monday\ngraz|Graz|\n');
    const byColumn = parseScriptingMemoryTxt('|vienna|graz\n$city|Vienna|Graz\n$day|Monday|\n');
    // As helper.linesToScriptingMemories leaves them: an empty cell is '' by row, null by column; both clear the variable.
    const sets = (empty: string | null) => [
      { name: 'vienna', values: { $city: 'Vienna', $day: 'Monday' } },
      { name: 'graz', values: { $city: 'Graz', $day: empty } },
    ];
    assert.deepStrictEqual([byRow, byColumn], [sets(''), sets(null)]);
    const suite = emptySuite(readCaps({ botium: { Capabilities: { SCRIPTING_ENABLE_MEMORY: true } } }).caps);
    suite.memories.push(...byRow);
    const [uses, not] = [one('C\n#me\nweather in $city\n#bot\nok', suite), one('D\n#me\nhi\n#bot\nok', suite)];
    const expanded = expandMemorySets(uses, suite);
    assert.deepStrictEqual(expanded.map((c) => [c.name, c.steps.slice(0, 2).map((st) => ('set' in st ? st.set : 'clear' in st ? `-${st.clear}` : st.kind))]), [
      ['C.vienna', ['$city', '$day']],
      ['C.graz', ['$city', '-$day']],
    ]);
    assert.deepStrictEqual(expandMemorySets(not, suite), [not]);
  });
});
