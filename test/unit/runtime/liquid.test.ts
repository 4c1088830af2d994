import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
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

  test('booleans render as true/false, numbers as digits', () => {
    assert.equal(render('{{flag}}|{{off}}|{{n}}'), 'true|false|42');
  });

  test('missing values render empty, at any depth, without an error', () => {
    assert.equal(render('[{{nope}}][{{nope.deeper.still}}][{{obj.missing}}]'), '[][][]');
  });

  test('to_json serialises objects and strings as JSON', () => {
    assert.equal(render('{{obj | to_json}}'), '{"a":1,"b":"x"}');
    assert.equal(render('{{ "He said \\"hi\\"" | to_json }}'), '"He said \\"hi\\""');
  });

  test('an object printed without a filter renders as JSON, not [object Object]', () => {
    assert.equal(render('{{obj}}'), '{"a":1,"b":"x"}');
  });

  test('nothing is escaped: quotes and ampersands stay as they are', () => {
    assert.equal(cache.render('{{v}}', { v: '"a" & <b>' }, 'W', 'body'), '"a" & <b>');
  });

  test('for loops stop after 15 iterations; a smaller limit still applies', () => {
    assert.equal(render('{% for i in list %}{{i}},{% endfor %}'), '0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,');
    assert.equal(render('{% for i in list limit: 2 %}{{i}},{% endfor %}'), '0,1,');
  });

  test('text without markup comes back untouched', () => {
    assert.equal(render('plain {not liquid}'), 'plain {not liquid}');
  });

  test('a template that does not parse is error 81018 naming widget and property', () => {
    assert.throws(
      () => cache.render('{{ x ', scope, 'ProcessUserInput', 'body'),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.code === 81018 &&
        e.message.startsWith('81018: template error in widget "ProcessUserInput", property "body":'),
    );
  });

  test('an unknown filter is error 81018 too', () => {
    assert.throws(() => render('{{ n | no_such_filter }}'), TemplateError);
  });

  test('each template is parsed once and reused', () => {
    const c = new TemplateCache();
    c.render('{{n}}', scope, 'W', 'p');
    c.render('{{n}}', { n: 1 }, 'W', 'p');
    assert.equal(c.size, 1);
    assert.equal(c.render('{{n}}', { n: 7 }, 'W', 'p'), '7');
  });
});

describe('template errors in a running flow', () => {
  test('stop the execution with an 81018 error event and end reason error', async () => {
    const s = session(
      flowOf(
        trigger('Reply'),
        widget('Reply', 'send-message', { body: 'Hello {% if %}' }, [{ event: 'sent' }]),
      ),
    );
    const turn = await s.start('hi');
    const error = turn.events.find((e) => e.type === 'error');
    assert.ok(error && error.type === 'error');
    assert.equal(error.code, 81018);
    assert.equal(error.widget, 'Reply');
    assert.equal(error.property, 'body');
    assert.match(error.message, /^81018: template error in widget "Reply", property "body"/);
    assert.equal(turn.ended?.reason, 'error');
    assert.equal(turn.events.some((e) => e.type === 'message'), false);
  });
});
