import { describe, it } from 'mocha';
import { assert } from 'chai';
import type { FlowDefinition, WidgetState } from '../../../src/lib/domain/flow';
import { MODELLED_WIDGET_TYPES, WIDGET_TYPES, widgetType } from '../../../src/lib/domain/widgets';
import { FlowSession } from '../../../src/lib/runtime';
import { lintFlow, toMermaid } from '../../../src/lib/studio';
import { lintFindingText } from '../../../src/printers/lint';

/*
 * The one widget registry: what the lint accepts, what the interpreter runs and how the
 * diagram draws a widget all come from domain/widgets.ts, so the three agree on every type.
 */

/** A trigger wired to one widget of `type`, each of its events wired to nothing. */
function flowWith(type: string, events: readonly string[]): FlowDefinition {
  const widget: WidgetState = { name: 'W', type, properties: {}, transitions: events.map((event) => ({ event })) };
  return {
    description: '',
    initial_state: 'Trigger',
    states: [{ name: 'Trigger', type: 'trigger', properties: {}, transitions: [{ event: 'incomingMessage', next: 'W' }] }, widget],
  };
}

const lintOn = (def: FlowDefinition, widget: string) => lintFlow(def).filter((i) => i.widget === widget);

describe('the widget registry', () => {
  it('own keys only: a type named like an Object member is not modelled', () => {
    for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) assert.strictEqual(widgetType(type), undefined, type);
  });

  for (const type of MODELLED_WIDGET_TYPES.filter((t) => t !== 'trigger')) {
    it(`${type}: the lint accepts its events and only those, the diagram draws it by its shape`, () => {
      const { events, shape } = WIDGET_TYPES[type];
      const issues = lintOn(flowWith(type, events), 'W');
      assert.notMatch(issues.map((i) => lintFindingText(i)).join('\n'), /not modelled|is not an event of/);
      const wrong = lintOn(flowWith(type, ['noSuchEvent']), 'W').map((i) => lintFindingText(i));
      assert.include(wrong, `event "noSuchEvent" is not an event of ${type} (${events.join(', ')})`);
      const node = toMermaid(flowWith(type, events)).split('\n').find((l) => l.includes('W<br/>'));
      const brackets = { start: ['([', '])'], decision: ['{', '}'], step: ['[', ']'] }[shape];
      assert.ok(node?.startsWith(`  w1${brackets[0]}"`) && node.endsWith(`"${brackets[1]}`), `${type} drawn as ${node}`);
    });
  }

  it('a type not in the registry: the lint warns, the diagram draws a step, the interpreter stops at it naming it', async () => {
    const def = flowWith('say-play', ['audioComplete']);
    assert.deepStrictEqual(
      lintOn(def, 'W').map((i) => [i.severity, lintFindingText(i)]),
      [['warning', 'widget type "say-play" is not modelled by test-chat']],
    );
    assert.match(toMermaid(def), /\n {2}w1\["W<br\/>say-play"\]\n/);
    const turn = await new FlowSession(def, { http: async () => ({ status: 200, headers: {}, body: '{}', elapsedMs: 0 }) }).start('hi');
    assert.match(JSON.stringify(turn.events.filter((e) => e.type === 'end')), /W.*say-play/);
  });
});
