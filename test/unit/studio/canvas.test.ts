import { describe, it } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { flowCanvas, WIDGET_HEIGHT, WIDGET_WIDTH } from '../../../src/lib/studio/canvas';
import type { FlowDefinition } from '../../../src/lib/domain/flow';
import { buildFlow } from '../../../src/lib/studio';
import { flowSvg } from '../../../src/printers/flow-svg';
import { options } from './helpers';

const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'flows');

function corpusFlows(): Array<{ file: string; definition: FlowDefinition }> {
  if (!fs.existsSync(CORPUS)) return [];
  return fs
    .readdirSync(CORPUS)
    .filter((f) => f.endsWith('.json'))
    .flatMap((file) => {
      try {
        const raw = JSON.parse(fs.readFileSync(path.join(CORPUS, file), 'utf8'));
        const definition = raw.definition ?? raw;
        return Array.isArray(definition.states) ? [{ file, definition }] : [];
      } catch {
        return []; // a corpus file that is not JSON is the lint's business
      }
    });
}

describe('the flow canvas', () => {
  it('puts each widget at its Studio offset, and each transition port under its widget', () => {
    const def = buildFlow(options());
    const canvas = flowCanvas(def);
    assert.strictEqual(canvas.layout, 'offsets');
    for (const s of def.states) {
      const w = canvas.widgets.find((x) => x.name === s.name)!;
      assert.deepStrictEqual([w.x, w.y], [s.properties.offset!.x, s.properties.offset!.y], s.name);
    }
    const escalate = canvas.transitions.find((t) => t.from === 'CheckEscalation' && t.event === 'match')!;
    assert.strictEqual(escalate.to, 'SendEscalationMessage');
    const box = canvas.widgets.find((w) => w.name === 'CheckEscalation')!;
    assert.ok(escalate.port.x > box.x && escalate.port.x < box.x + box.width && escalate.port.y > box.y + box.height, JSON.stringify(escalate.port));
    // The trigger's unwired channels are not drawn; an unwired branch elsewhere is (it ends the execution).
    assert.deepStrictEqual(canvas.transitions.filter((t) => t.from === 'Trigger').map((t) => t.event), ['incomingConversationMessage']);
    assert.ok(canvas.transitions.some((t) => t.from === 'SendToFlexAgent' && t.event === 'callComplete' && t.to === undefined));
  });

  it('lays out a flow without offsets with dagre: no two widgets overlap, and a transition leads down', () => {
    const def = buildFlow(options());
    for (const s of def.states) delete s.properties.offset;
    const canvas = flowCanvas(def);
    assert.strictEqual(canvas.layout, 'dagre');
    for (const a of canvas.widgets) {
      for (const b of canvas.widgets) {
        if (a === b) continue;
        const apart = a.x + WIDGET_WIDTH <= b.x || b.x + WIDGET_WIDTH <= a.x || a.y + WIDGET_HEIGHT <= b.y || b.y + WIDGET_HEIGHT <= a.y;
        assert.ok(apart, `${a.name} and ${b.name} overlap`);
      }
    }
    const y = (name: string) => canvas.widgets.find((w) => w.name === name)!.y;
    assert.ok(y('Trigger') < y('SetUserText') && y('SetUserText') < y('ProcessUserInput'));
  });

  it('draws every corpus flow, with one box per widget and every name escaped', function () {
    const flows = corpusFlows();
    if (!flows.length) this.skip();
    for (const { file, definition } of flows) {
      const canvas = flowCanvas(definition);
      const svg = flowSvg(canvas);
      assert.strictEqual((svg.match(/data-widget="/g) ?? []).length, definition.states.length, file);
      assert.notMatch(svg, /NaN|undefined/, file);
    }
    assert.ok(flows.some(({ definition }) => flowCanvas(definition).layout === 'dagre'), 'the corpus has a flow without offsets');
  });

  it('a widget name that is markup stays text', () => {
    const def = buildFlow(options());
    def.states[1].name = '<script>alert(1)</script>&"\'';
    def.states[0].transitions = def.states[0].transitions.map((t) => (t.next === 'SetUserText' ? { ...t, next: def.states[1].name } : t));
    const svg = flowSvg(flowCanvas(def));
    assert.notInclude(svg, '<script>');
    assert.include(svg, '&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;');
  });

  it('with coverage, colours never-reached widgets and transitions apart from the reached ones', () => {
    const def = buildFlow(options());
    const canvas = flowCanvas(def);
    const svg = flowSvg(canvas, {
      coverage: { widgets: new Map([['Trigger', 2], ['SetUserText', 1]]), transitions: new Map([['Trigger#2', 2]]), conversations: 2 },
    });
    assert.match(svg, /<g class="widget type-trigger reached" data-widget="Trigger" data-type="trigger" data-count="2"/);
    assert.match(svg, /<g class="widget type-make-http-request never" data-widget="ProcessUserInput"[^>]*data-count="0"/);
    assert.match(svg, /data-transition="Trigger#2"[^>]*data-count="2"/);
    assert.match(svg, /<title>SetUserText \(set-variables\): 1 of 2 conversations<\/title>/);
  });
});
