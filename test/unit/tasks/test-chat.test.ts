import { describe, it } from 'mocha';
import { assert, expect } from 'chai';
import { buildFlow } from '../../../src/lib/studio';
import { checkFlow } from '../../../src/lib/tasks/test-chat';
import { flowSourceText, preparedWarningText } from '../../../src/printers/test-chat';
import type { FlowSource } from '../../../src/lib/conversation/prepared';
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
    const { warnings } = checkFlow(def, { kind: 'built', demo: false }, { strict: true });
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
    const { warnings } = checkFlow(def, { kind: 'built', demo: false }, { strict: true });
    assert.deepStrictEqual(warnings, [{ code: 'unmodelled-type', widget: 'Voice', type: 'say-play' }]);
    assert.strictEqual(preparedWarningText(warnings[0]), 'Widget "Voice" has a type test-chat does not model (say-play): a run that reaches it stops there.');
  });

  it('where the flow comes from is data: the banner and -o json say it, a flow that cannot run names it the same way', () => {
    const phoneOnly = built((states) => {
      const trigger = states.find((s) => s.type === 'trigger') as unknown as { transitions: Array<{ event: string; next?: string }> };
      const next = trigger.transitions.find((t) => t.next)!.next;
      trigger.transitions = [{ event: 'incomingCall', next }];
    });
    const sources: Array<[FlowSource, string]> = [
      [{ kind: 'flow-file', file: 'my/flow.json' }, 'flow file my/flow.json'],
      [{ kind: 'deployed', name: 'Bot', sid: 'FW0123', revision: 7 }, 'deployed flow "Bot" (FW0123, revision 7)'],
      [{ kind: 'built', demo: true }, 'the flow link-flow builds, against the embedded demo bot'],
      [{ kind: 'built', demo: false }, 'the flow link-flow would deploy'],
      [{ kind: 'subflow', sid: 'FW0456' }, 'subflow FW0456'],
    ];
    assert.deepStrictEqual(
      sources.map(([source]) => flowSourceText(source)),
      sources.map(([, text]) => text),
    );
    for (const [source, text] of sources) {
      expect(() => checkFlow(phoneOnly, source, { strict: true }))
        .to.throw()
        .that.satisfies((e: Error) => e.message === `${text[0].toUpperCase()}${text.slice(1)} starts only with "incomingCall": Studio runs it for a phone call, which test-chat does not model.`);
    }
  });
});
