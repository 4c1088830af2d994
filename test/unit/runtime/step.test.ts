import { describe, it } from 'mocha';
import { assert } from 'chai';
import { createRunState, sequentialIds, sidFactory, step, StepInputError } from '../../../src/lib/runtime';
import { flowOf, response, trigger, widget } from './helpers';

const flow = flowOf(
  trigger('Call'),
  widget('Call', 'make-http-request', { method: 'POST', url: 'https://bot.test/', parameters: [{ key: 'text', value: '{{trigger.message.Body}}' }] }, [
    { event: 'success', next: 'Keep' },
    { event: 'failed' },
  ]),
  widget('Keep', 'set-variables', { variables: [{ key: 'reply', value: '{{widgets.Call.parsed.text}}' }] }, [{ event: 'next' }]),
);

describe('the pure step core', () => {
  it('asks for I/O as an effect and never performs it', () => {
    const s0 = createRunState(flow, { sid: sidFactory(sequentialIds()) });
    const r1 = step(s0, { type: 'start', body: 'hi', at: 1 });
    assert.strictEqual(r1.state.status, 'waiting-http');
    assert.strictEqual(r1.effect?.type, 'http');
    assert.ok(r1.effect?.type === 'http');
    assert.strictEqual(r1.effect.request.body, 'text=hi');
    assert.strictEqual(r1.effect.widget, 'Call');
    assert.deepStrictEqual(r1.events.map((e) => e.at), [1]);
  });

  it('the same state and input give the same result; the old state is left as it was', () => {
    const s0 = createRunState(flow, { sid: sidFactory(sequentialIds()) });
    const r1 = step(s0, { type: 'start', body: 'hi', at: 1 });
    const snapshot = JSON.stringify(r1.state.context);
    const input = { type: 'http-result' as const, result: { kind: 'response' as const, response: response(200, '{"text":"yo"}') }, at: 2 };
    const a = step(r1.state, input);
    const b = step(r1.state, input);
    assert.deepStrictEqual(a.events, b.events);
    assert.deepStrictEqual(a.state.context, b.state.context);
    assert.strictEqual(a.state.context.flow.variables.reply, 'yo');
    assert.strictEqual(JSON.stringify(r1.state.context), snapshot);
    assert.strictEqual(r1.state.status, 'waiting-http');
    assert.strictEqual(a.state.status, 'ended');
    assert.strictEqual(a.effect, undefined);
    // Unchanged parts of the context are shared, not copied.
    assert.strictEqual(a.state.context.trigger, r1.state.context.trigger);
  });

  it('an input that does not fit the state is a driver bug and throws', () => {
    const s0 = createRunState(flow);
    assert.throws(() => step(s0, { type: 'reply', body: 'x', at: 0 }), StepInputError);
    const r1 = step(s0, { type: 'start', body: 'hi', at: 0 });
    assert.throws(() => step(r1.state, { type: 'start', body: 'again', at: 0 }), StepInputError);
    assert.throws(() => step(r1.state, { type: 'silence', at: 0 }), StepInputError);
  });
});
