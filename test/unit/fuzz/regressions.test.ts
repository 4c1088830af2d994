/**
 * One example per crash the property tests found, so each stays fixed even if the
 * generators change.
 */
import { describe, it } from 'mocha';
import { assert } from 'chai';
import { isEscalation, normalizeResponse } from '../../../src/lib/cognigy/normalize';
import { CognigyError } from '../../../src/lib/errors';
import { lintFlow, patchFlow } from '../../../src/lib/studio';
import type { FlowDefinition } from '../../../src/lib/domain/flow';
import { MAX_RENDERED_CHARS, TemplateCache, TemplateError } from '../../../src/lib/runtime';
import { flowOf, response, session, trigger, widget } from '../runtime/helpers';
import { fixture, options } from '../studio/helpers';
import { lintFindingText } from '../../../src/printers/lint';

const cache = new TemplateCache();
const render = (source: unknown) => cache.render(source, { flow: { variables: { x: 'v' } } }, 'W', 'body');

function templateError(source: string): TemplateError {
  try {
    render(source);
  } catch (error) {
    assert.ok(error instanceof TemplateError, String(error));
    assert.strictEqual(error.code, 81018);
    return error;
  }
  assert.fail(`${source} rendered without an error`);
}

describe('regressions found by the property tests', () => {
  it('a for loop over a huge range runs 15 times instead of allocating the range (was a fatal V8 error)', () => {
    assert.strictEqual(render('{% for i in (1..1000000000) %}{{i}},{% endfor %}'), '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,');
    assert.strictEqual(render('{% for i in (1..1000000000) offset: 3 limit: 2 %}{{i}},{% endfor %}'), '4,5,');
    assert.strictEqual(render('{% for i in (1..1000000000) reversed %}{{i}},{% endfor %}'), '15,14,13,12,11,10,9,8,7,6,5,4,3,2,1,');
    assert.strictEqual(render('{% for i in (1..3) %}{{i}}{% endfor %}|{% for i in (1..3) offset: continue %}{{i}}{% endfor %}'), '123|');
    assert.strictEqual(render('{% for i in (5..1) %}x{% else %}none{% endfor %}'), 'none');
  });

  it('a huge range outside a for loop is error 81018, not a crash', () => {
    assert.match(templateError('{{ (1..1000000000) | join: "," }}').message, /limit exceeded/);
    assert.match(templateError('{% assign r = (1..1000000000) %}{{ r | size }}').message, /limit exceeded/);
  });

  it('nested loops are stopped by the render time bound (81018) instead of running for hours', () => {
    const nested = `${'{% for i in (1..15) %}'.repeat(8)}x${'{% endfor %}'.repeat(8)}`;
    const started = performance.now();
    assert.match(templateError(nested).message, /limit exceeded/);
    assert.ok(performance.now() - started < 5000);
  });

  it('include, render and layout never read local files', () => {
    for (const tag of ['{% include "package.json" %}', '{% render "package.json" %}', '{% layout "package.json" %}x']) {
      assert.match(templateError(tag).message, /is not available in Studio templates/);
    }
  });

  it('a flow whose template includes a file stops with 81018 and sends nothing', async () => {
    const s = session(
      flowOf(trigger('Say'), widget('Say', 'send-message', { body: '{% include "package.json" %}' }, [{ event: 'sent' }])),
    );
    const turn = await s.start('hi');
    assert.strictEqual(turn.ended?.reason, 'error');
    assert.ok(!turn.events.some((e) => e.type === 'message'));
    assert.ok(turn.events.some((e) => e.type === 'error' && e.code === 81018));
  });

  it('a property value whose JSON shadows toString renders as JSON (was a TypeError)', async () => {
    assert.strictEqual(render({ toString: null }), '{"toString":null}');
    const s = session(
      flowOf(
        trigger('Say'),
        widget('Say', 'send-message', { body: 'hi', to: { toString: null } }, [{ event: 'sent', next: 'Call' }]),
        widget('Call', 'make-http-request', { method: { toString: null }, url: 'https://example.com' }, [{ event: 'success' }]),
      ),
    );
    const turn = await s.start('hi');
    const message = turn.events.find((e) => e.type === 'message');
    assert.strictEqual(message?.type === 'message' && message.to, '{"toString":null}');
    assert.match(turn.ended?.message ?? '', /uses HTTP method "\{"TOSTRING":NULL\}"/);
  });

  it('a variable doubled in a loop stops at the render bound; the events stay printable as JSON', async () => {
    const s = session(
      flowOf(
        trigger('Grow'),
        widget('Grow', 'set-variables', { variables: [{ key: 'x', value: 'ab{{flow.variables.x}}{{flow.variables.x}}' }] }, [{ event: 'next', next: 'Again' }]),
        widget('Again', 'set-variables', { variables: [{ key: 'y', value: '1' }] }, [{ event: 'next', next: 'Grow' }]),
      ),
    );
    const turn = await s.start('hi');
    assert.strictEqual(turn.ended?.reason, 'error');
    assert.match(turn.ended?.message ?? '', new RegExp(`over the local runner's bound of ${MAX_RENDERED_CHARS}`));
    assert.ok(JSON.stringify(s.events).length < 4 * MAX_RENDERED_CHARS);
  });

  it('widget types named like Object.prototype members are unmodelled types, not handlers (was a TypeError)', async () => {
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const def = flowOf(trigger('Odd'), widget('Odd', type, {}, [{ event: 'next' }]));
      const turn = await session(def, { http: async () => response(200, '{}') }).start('hi');
      assert.strictEqual(turn.ended?.reason, 'error', type);
      assert.match(turn.ended?.message ?? '', /which the local runner does not model/);
      const issues = lintFlow(def);
      assert.ok(issues.some((i) => i.widget === 'Odd' && i.severity === 'warning' && /not modelled/.test(lintFindingText(i))), type);
    }
  });

  it('lint names a non-string transition target or condition type without calling its toString', () => {
    const def = flowOf(
      trigger('Split'),
      widget('Split', 'split-based-on', { input: 'x' }, [
        { event: 'noMatch', next: { toString: null } as unknown as string },
        { event: 'match', conditions: [{ friendly_name: 'c', arguments: [], type: { toString: null } as unknown as string, value: 'v' }] },
      ]),
    );
    const messages = lintFlow(def).map((i) => lintFindingText(i));
    assert.ok(messages.includes('next "{"toString":null}" names no widget of the flow'), messages.join('\n'));
    assert.ok(messages.includes('type "{"toString":null}" is not a split condition type'), messages.join('\n'));
  });

  it('patchFlow reports a reused send-to-flex whose routing is not text (was a TypeError)', () => {
    const existing: FlowDefinition = fixture('flex-messaging-flow.json');
    const flex = existing.states.find((s) => s.type === 'send-to-flex')!;
    flex.properties.workflow = { toString: null };
    let result;
    try {
      result = patchFlow(existing, options({ channelModel: 'legacy' }));
    } catch (error) {
      assert.ok(error instanceof CognigyError);
      assert.fail(`patchFlow refused the flow: ${error.message}`);
    }
    assert.strictEqual(result.reused.workflow, '{"toString":null}');
    assert.ok(result.warnings.some((w) => w.code === 'own-routing' && w.workflow === '{"toString":null}'));
  });

  it('a "__proto__" key in the bot\'s data stays a key and does not become the merged data\'s prototype', () => {
    const turn = normalizeResponse({ outputStack: [{ text: 'hi', data: '{"__proto__": {"escalation": true}}' }] }, { escalationKey: 'escalation' });
    assert.strictEqual(Object.getPrototypeOf(turn.data), Object.prototype);
    assert.deepStrictEqual(Object.keys(turn.data), ['__proto__']);
    assert.strictEqual(turn.escalation, undefined);
    assert.strictEqual(isEscalation(turn.data, 'escalation'), false);
    assert.strictEqual(isEscalation(turn, 'escalation'), false);
  });
});
