import { describe, it } from 'mocha';
import { assert, expect } from 'chai';
import { buildFlow } from '../../../src/lib/studio';
import { checkFlow, FlowRefusedError } from '../../../src/lib/tasks/test-chat';
import { UsageError } from '../../../src/lib/errors';
import { wordedError } from '../../../src/printers/errors';
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
        .to.throw(FlowRefusedError)
        .that.satisfies((e: FlowRefusedError) => {
          assert.deepStrictEqual(e.refusal, { source, why: 'phone-only', events: ['incomingCall'] });
          const worded = wordedError(e) as UsageError;
          assert.strictEqual(worded.message, `${text[0].toUpperCase()}${text.slice(1)} starts only with "incomingCall": Studio runs it for a phone call, which test-chat does not model.`);
          return worded instanceof UsageError && worded.exitCode === 2;
        });
    }
  });

  it('a flow Studio would reject: the refusal holds the findings with codes, the printer words the first and counts the rest', () => {
    const def = built((states) => {
      delete states.find((s) => s.type === 'send-message')!.properties.body;
      states.find((s) => s.type === 'make-http-request')!.properties.method = 'PUT';
    });
    expect(() => checkFlow(def, { kind: 'flow-file', file: 'f.json' }, { strict: true }))
      .to.throw(FlowRefusedError)
      .that.satisfies((e: FlowRefusedError) => {
        assert.strictEqual(e.refusal.why, 'not-valid');
        const issues = e.refusal.why === 'not-valid' ? e.refusal.issues : [];
        assert.deepStrictEqual(issues.map((i) => [i.code, i.property]).sort(), [['method', 'method'], ['required', 'body']]);
        const worded = wordedError(e) as UsageError;
        assert.match(worded.message, /^Flow file f\.json is not a valid Studio flow: "[^"]+" (method: must be GET or POST|body: is required \(a non-empty string\)) \(and 1 more\)\.$/);
        assert.strictEqual(worded.hint, 'Studio would reject it; fix the flow (or export it again from the Studio Console) and retry.');
        // -o json: each finding keeps its code and gets its words as `message`.
        const listed = (worded.details as { issues: Array<{ code: string; message: string }> }).issues;
        return listed.every((i) => typeof i.message === 'string' && i.message.length > 0 && typeof i.code === 'string');
      });
    // A deployed flow passed Studio's validation: the same findings are warnings, worded by the printer.
    const { warnings } = checkFlow(def, { kind: 'deployed', name: 'B', sid: 'FW1', revision: 1 }, { strict: false });
    const say = def.states.find((st) => st.type === 'send-message')!.name;
    const call = def.states.find((st) => st.type === 'make-http-request')!.name;
    assert.deepStrictEqual(
      warnings.flatMap((w) => (w.code === 'studio-accepted' ? [preparedWarningText(w)] : [])).sort(),
      [`Studio accepted this flow, but: "${call}" method: must be GET or POST.`, `Studio accepted this flow, but: "${say}" body: is required (a non-empty string).`].sort(),
    );
  });
});
