import { describe, it } from 'mocha';
import { assert } from 'chai';
import { buildFlow, diffFlows, endpointRedactor, formatDiff, sameFlow, WIDGET } from '../../../src/lib/studio';
import type { FlowDefinition } from '../../../src/lib/domain/flow';
import { clearSecrets, registerEndpointSecret } from '../../../src/lib/redact';
import { fixture, options, state, TOKEN } from './helpers';

/** The same flow with every object's keys in reverse order. */
function reorderKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reorderKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reorderKeys(v)])) as T;
  }
  return value;
}

describe('diffFlows', () => {
  it('canvas offsets, key order and widget order are not changes', () => {
    const before = fixture('voice-and-messaging.json');
    const after = reorderKeys(structuredClone(before));
    after.states.reverse();
    for (const s of after.states) s.properties.offset = { x: s.properties.offset!.x + 37, y: -s.properties.offset!.y };
    assert.deepStrictEqual(diffFlows(before, after), []);
    assert.ok(sameFlow(before, after));
  });

  it('reports added and removed widgets, property and transition changes', () => {
    const before = fixture('voice-and-messaging.json');
    const after = structuredClone(before);
    after.states = after.states.filter((s) => s.name !== 'Greeting');
    after.states.push({ name: 'Goodbye', type: 'send-message', properties: { body: 'Bye' }, transitions: [] });
    state(after, 'MainMenu').properties.say = 'Press 1 for orders.';
    state(after, 'Trigger').transitions.find((t) => t.event === 'incomingCall')!.next = 'MainMenu';
    state(after, 'RouteDigits').transitions[2].conditions![0].value = '3';
    after.description = 'New description';

    const changes = diffFlows(before, after);
    const find = (kind: string, widget?: string) => changes.filter((c) => c.kind === kind && c.widget === widget);
    assert.deepStrictEqual(find('widget-removed', 'Greeting').map((c) => c.path), ['say-play']);
    assert.deepStrictEqual(find('widget-added', 'Goodbye').map((c) => c.path), ['send-message']);
    assert.deepStrictEqual(find('property', 'MainMenu'), [
      { kind: 'property', widget: 'MainMenu', path: 'say', before: 'Press 1 for orders, 2 for returns.', after: 'Press 1 for orders.' },
    ]);
    assert.deepStrictEqual(find('transition', 'Trigger'), [
      { kind: 'transition', widget: 'Trigger', path: 'transitions.incomingCall', before: { next: 'Greeting' }, after: { next: 'MainMenu' } },
    ]);
    // The second match branch of the split, by rank.
    assert.deepStrictEqual(find('transition', 'RouteDigits').map((c) => c.path), ['transitions.match#2']);
    assert.deepStrictEqual(find('flow'), [{ kind: 'flow', path: 'description', before: 'Voice IVR and messaging to Flex', after: 'New description' }]);
    assert.strictEqual(changes.length, 6);
    assert.ok(!sameFlow(before, after));
  });

  it('variables and parameters are compared by key; task attributes by content', () => {
    const before = buildFlow(options());
    const after = structuredClone(before);
    const http = state(after, WIDGET.callBot).properties;
    (http.parameters as unknown[]).reverse();
    assert.deepStrictEqual(diffFlows(before, after), [], 'parameter order means nothing');
    (http.parameters as Array<{ key: string; value: string }>).find((p) => p.key === 'sessionId')!.value = '{{trigger.conversation.From}}';
    const flex = state(after, WIDGET.toFlex).properties;
    // Re-spaced (not a change) and the answer cut shorter (a change).
    flex.attributes = (flex.attributes as string).split('","').join('", "').split('":"').join('": "').replace('truncate: 200', 'truncate: 100');
    const changes = diffFlows(before, after);
    assert.deepStrictEqual(changes.map((c) => c.path).sort(), ['attributes.cognigy.lastAnswer', 'parameters[sessionId].value']);
  });

  it('an endpoint change is shown through the redact function', () => {
    const before = buildFlow(options());
    const after = buildFlow(options({ testMode: true }));
    const changes = diffFlows(before, after);
    assert.deepStrictEqual(changes.map((c) => `${c.widget} ${c.path}`), [`${WIDGET.callBot} url`]);
    const text = formatDiff(changes, endpointRedactor(options().endpointUrl));
    assert.ok(!text.includes(TOKEN), text);
    assert.match(text, /^~ ProcessUserInput url\n {4}- "https:\/\/endpoint-trial\.cognigy\.ai\/…[0-9a-f]{4}"\n {4}\+ "https:\/\/endpoint-trial\.cognigy\.ai\/test\/…[0-9a-f]{4}"$/);
  });

  it('without a redact function, registered secrets are still hidden', () => {
    clearSecrets();
    registerEndpointSecret(options().endpointUrl);
    try {
      const text = formatDiff(diffFlows(buildFlow(options()), buildFlow(options({ testMode: true }))));
      assert.ok(!text.includes(TOKEN), text);
    } finally {
      clearSecrets();
    }
  });

  it('formatDiff marks added, removed and changed lines', () => {
    const before = fixture('flex-messaging-flow.json');
    const after: FlowDefinition = structuredClone(before);
    after.states.push({ name: 'Extra', type: 'send-message', properties: { body: 'hi' }, transitions: [] });
    after.states = after.states.filter((s) => s.name !== 'SendMessageToAgent');
    state(after, 'Trigger').transitions[0].next = 'Extra';
    const lines = formatDiff(diffFlows(before, after), (t) => t).split('\n');
    assert.ok(lines.includes('- SendMessageToAgent (send-to-flex)'));
    assert.ok(lines.includes('+ Extra (send-message)'));
    const at = lines.indexOf('~ Trigger transitions.incomingMessage');
    assert.deepStrictEqual(lines.slice(at, at + 3), ['~ Trigger transitions.incomingMessage', '    - → SendMessageToAgent', '    + → Extra']);
  });

  it('a bare {{… | to_json}} value is not the same as the quoted "{{…}}": flows deployed before the fix get updated', () => {
    const now = buildFlow(options());
    const before = structuredClone(now);
    const flex = state(before, WIDGET.toFlex).properties;
    // The attributes as link-flow wrote them before: the answer quoted, so a backslash broke the JSON.
    flex.attributes = (flex.attributes as string).replace(/"lastAnswer":(\{\{[^}]*\}\})/, (_m, block: string) => `"lastAnswer":"${block.replace(' | to_json', '')}"`);
    assert.notStrictEqual(flex.attributes, state(now, WIDGET.toFlex).properties.attributes, 'the test changed something');
    const changes = diffFlows(before, now);
    assert.deepStrictEqual(changes.map((c) => `${c.widget} ${c.path}`), [`${WIDGET.toFlex} attributes.cognigy.lastAnswer`]);
    assert.match(formatDiff(changes), /\+ \{\{flow\.variables\.botReply \| default: '' \| truncate: 200 \| to_json\}\}/);
  });
});
