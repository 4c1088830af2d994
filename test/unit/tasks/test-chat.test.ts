import { describe, it } from 'mocha';
import { assert } from 'chai';
import { buildFlow } from '../../../src/lib/studio';
import { checkFlow } from '../../../src/lib/tasks/test-chat';
import { preparedWarningText } from '../../../src/printers/test-chat';
import { options } from '../studio/helpers';

/** A built flow with one change applied. */
function built(change: (states: Array<{ name: string; type: string; properties: Record<string, unknown> }>) => void) {
  const def = buildFlow(options());
  change(def.states as never);
  return def;
}

describe('checkFlow: what the run says before it starts, as data with codes', () => {
  it('what Studio accepts and the run takes as Studio does is a warning, by its flag, not its words; the printer words it', () => {
    const def = built((states) => {
      delete states.find((s) => s.type === 'make-http-request')!.properties.content_type;
    });
    const { warnings } = checkFlow(def, 'the flow', { strict: true });
    assert.deepStrictEqual(
      warnings.map((w) => [w.code, w.code === 'lenient-property' && w.issue.asStudio]),
      [['lenient-property', true]],
    );
    assert.match(preparedWarningText(warnings[0]), /^Widget "[^"]+" content_type: is missing: the run sends the parameters as a form \(the Console default\)\.$/);
  });

  it('a widget type the run does not model: its code, the widget and the type', () => {
    const def = built((states) => {
      states.push({ name: 'Voice', type: 'say-play', properties: {}, transitions: [] } as never);
    });
    const { warnings } = checkFlow(def, 'the flow', { strict: true });
    assert.deepStrictEqual(warnings, [{ code: 'unmodelled-type', widget: 'Voice', type: 'say-play' }]);
    assert.strictEqual(preparedWarningText(warnings[0]), 'Widget "Voice" has a type test-chat does not model (say-play): a run that reaches it stops there.');
  });
});
