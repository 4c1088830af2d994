import { describe, it } from 'mocha';
import { assert } from 'chai';
import { buildFlow, toMermaid, WIDGET } from '../../../src/lib/studio';
import type { FlowDefinition } from '../../../src/lib/domain/flow';
import { options } from './helpers';

describe('toMermaid', () => {
  it('a built flow: every widget a node with its type, every wired transition an edge with its event', () => {
    const def = buildFlow(options());
    const text = toMermaid(def);
    const lines = text.trim().split('\n');
    assert.strictEqual(lines[0], 'flowchart TD');
    const ids = new Map<string, string>();
    for (const s of def.states) {
      const node = lines.find((l) => l.includes(`"${s.name}<br/>${s.type}"`));
      assert.ok(node, `node for ${s.name}`);
      ids.set(s.name, node.trim().match(/^(w\d+)/)![1]);
    }
    const edge = (from: string, event: string, to: string) =>
      assert.ok(lines.some((l) => l.trim() === `${ids.get(from)} -->|"${event}"| ${ids.get(to)}`), `${from} -${event}-> ${to}`);
    edge(WIDGET.trigger, 'incomingConversationMessage', WIDGET.setText);
    edge(WIDGET.setReply, 'next', WIDGET.callBot);
    edge(WIDGET.checkEscalation, 'match: equal_to true', WIDGET.tellEscalation);
    edge(WIDGET.callBot, 'success', WIDGET.readAnswer);
    edge(WIDGET.readAnswer, 'next', WIDGET.checkEscalation);
    edge(WIDGET.checkEscalation, 'noMatch', WIDGET.checkReply);
    edge(WIDGET.checkReply, 'noMatch', WIDGET.reply);
    assert.ok(lines.some((l) => l.trim() === `${ids.get(WIDGET.reply)} -.->|"timeout"| flowEnd`));
    // Unwired trigger events are not drawn.
    assert.ok(!lines.some((l) => l.includes('incomingCall')));
    assert.match(lines[lines.length - 1], /flowEnd\(\(end\)\)/);
  });

  it('labels cannot break the diagram', () => {
    const def: FlowDefinition = {
      description: 'x',
      initial_state: 'T',
      states: [
        { name: 'T', type: 'trigger', properties: {}, transitions: [{ event: 'incomingMessage', next: 'Weird"]|<b>' }] },
        {
          name: 'Weird"]|<b>',
          type: 'split-based-on',
          properties: { input: '{{x}}' },
          transitions: [{ event: 'match', next: 'T', conditions: [{ friendly_name: 'q', arguments: ['{{x}}'], type: 'regex', value: '^a|"b"]$' }] }],
        },
      ],
    };
    const text = toMermaid(def);
    for (const line of text.trim().split('\n').slice(1)) {
      // Inside each quoted label, no quote, bracket, pipe or angle bracket survives.
      for (const labelText of line.match(/"[^"]*"/g) ?? []) {
        assert.ok(!/[\]|<>[]/.test(labelText.replace(/<br\/>/g, '')), line);
      }
      assert.strictEqual((line.match(/"/g) ?? []).length % 2, 0, line);
    }
    assert.match(text, /Weird#quot;#93;#124;#lt;b#gt;/);
    assert.match(text, /match: regex \^a#124;#quot;b#quot;#93;\$/);
  });
});
