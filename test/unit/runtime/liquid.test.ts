import { describe, it } from 'mocha';
import { assert, expect } from 'chai';
import { TemplateCache, TemplateError } from '../../../src/lib/runtime';
import { flowOf, session, trigger, widget } from './helpers';

const scope = {
  flag: true,
  off: false,
  n: 42,
  text: 'true',
  obj: { a: 1, b: 'x' },
  list: Array.from({ length: 40 }, (_, i) => i),
};

describe('Liquid as Studio renders it', () => {
  const cache = new TemplateCache();
  const render = (t: string) => cache.render(t, scope, 'W', 'body');

  it('booleans render as true/false, numbers as digits', () => {
    assert.strictEqual(render('{{flag}}|{{off}}|{{n}}'), 'true|false|42');
  });

  it('missing values render empty, at any depth, without an error', () => {
    assert.strictEqual(render('[{{nope}}][{{nope.deeper.still}}][{{obj.missing}}]'), '[][][]');
  });

  it('to_json serialises objects and strings as JSON', () => {
    assert.strictEqual(render('{{obj | to_json}}'), '{"a":1,"b":"x"}');
    assert.strictEqual(render('{{ "He said \\"hi\\"" | to_json }}'), '"He said \\"hi\\""');
  });

  it('an object printed without a filter renders as JSON, not [object Object]', () => {
    assert.strictEqual(render('{{obj}}'), '{"a":1,"b":"x"}');
  });

  it('nothing is escaped: quotes and ampersands stay as they are', () => {
    assert.strictEqual(cache.render('{{v}}', { v: '"a" & <b>' }, 'W', 'body'), '"a" & <b>');
  });

  it('for loops stop after 15 iterations; a smaller limit still applies', () => {
    assert.strictEqual(render('{% for i in list %}{{i}},{% endfor %}'), '0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,');
    assert.strictEqual(render('{% for i in list limit: 2 %}{{i}},{% endfor %}'), '0,1,');
  });

  it('text without markup comes back untouched', () => {
    assert.strictEqual(render('plain {not liquid}'), 'plain {not liquid}');
  });

  it('a template that does not parse is error 81018 naming widget and property', () => {
    expect(() => cache.render('{{ x ', scope, 'ProcessUserInput', 'body')).to.throw().that.satisfies((e: unknown) =>
        e instanceof TemplateError &&
        e.code === 81018 &&
        e.message.startsWith('81018: template error in widget "ProcessUserInput", property "body":'));
  });

  it('an unknown filter is error 81018 too', () => {
    assert.throws(() => render('{{ n | no_such_filter }}'), TemplateError);
  });

  it('each template is parsed once and reused', () => {
    const c = new TemplateCache();
    c.render('{{n}}', scope, 'W', 'p');
    c.render('{{n}}', { n: 1 }, 'W', 'p');
    assert.strictEqual(c.size, 1);
    assert.strictEqual(c.render('{{n}}', { n: 7 }, 'W', 'p'), '7');
  });
});

describe('template errors in a running flow', () => {
  it('stop the execution with an 81018 error event and end reason error', async () => {
    const s = session(
      flowOf(
        trigger('Reply'),
        widget('Reply', 'send-message', { body: 'Hello {% if %}' }, [{ event: 'sent' }]),
      ),
    );
    const turn = await s.start('hi');
    const error = turn.events.find((e) => e.type === 'error');
    assert.ok(error && error.type === 'error');
    assert.strictEqual(error.code, 81018);
    assert.strictEqual(error.widget, 'Reply');
    assert.strictEqual(error.property, 'body');
    assert.match(error.message, /^81018: template error in widget "Reply", property "body"/);
    assert.strictEqual(turn.ended?.reason, 'error');
    assert.strictEqual(turn.events.some((e) => e.type === 'message'), false);
  });
});
