import { describe, it } from 'mocha';
import { assert, expect } from 'chai';
import {
  BareLiquid,
  buildFlow,
  diffFlows,
  lintFlow,
  parseTemplate,
  patchFlow,
  PatchOptions,
  VARIABLE,
  WIDGET,
} from '../../../src/lib/studio';
import type { FlowDefinition, KeyValue } from '../../../src/lib/domain/flow';
import { CognigyError } from '../../../src/lib/errors';
import { studioLiquid } from '../../../src/lib/runtime/liquid';
import { fixture, nextOf, options, state, TASK_CHANNEL, WORKFLOW } from './helpers';
import type { ChannelModel } from '../../../src/lib/domain/setup';
import { TRIGGER_EVENT } from '../../../src/lib/domain/studio';

const cases: Array<{ file: string; model: ChannelModel; flex: string }> = [
  { file: 'flex-messaging-flow.json', model: 'legacy', flex: 'SendMessageToAgent' },
  { file: 'voice-and-messaging.json', model: 'legacy', flex: 'SendMessageToAgent' },
  { file: 'both-triggers.json', model: 'legacy', flex: 'SendMessageToAgent' },
  { file: 'both-triggers.json', model: 'conversations', flex: 'SendConversationToAgent' },
  { file: 'conversations-flow.json', model: 'conversations', flex: 'SendToFlexAgent' },
];

function patchOptions(model: ChannelModel, overrides: Partial<PatchOptions> = {}): PatchOptions {
  return options({ channelModel: model, ...overrides });
}

/** Every widget the loop walks through from the trigger event, ending at the send-to-flex. */
function loopPath(def: FlowDefinition, model: ChannelModel): string[] {
  const trigger = def.states.find((s) => s.type === 'trigger')!;
  const setText = state(def, nextOf(trigger, TRIGGER_EVENT[model])!);
  const callBot = state(def, nextOf(setText, 'next')!);
  const read = state(def, nextOf(callBot, 'success')!);
  const split = state(def, nextOf(read, 'next')!);
  const tell = state(def, nextOf(split, 'match')!);
  return [setText.name, callBot.name, read.name, split.name, tell.name, nextOf(tell, 'sent')!];
}

/** The template of one variable the loop's ReadBotAnswer sets. */
function readVariable(def: FlowDefinition, key: string): string {
  const variables = state(def, WIDGET.readAnswer).properties.variables as { key: string; value: string }[];
  return variables.find((v) => v.key === key)!.value;
}

function noOverlap(def: FlowDefinition): void {
  const boxes = def.states.map((s) => ({ name: s.name, ...s.properties.offset! }));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      assert.ok(!(Math.abs(a.x - b.x) < 400 && Math.abs(a.y - b.y) < 200), `${a.name} overlaps ${b.name}`);
    }
  }
}

describe('patchFlow', () => {
  for (const { file, model, flex } of cases) {
    it(`${file} (${model}): loop goes in front of ${flex}, everything else untouched`, () => {
      const existing = fixture(file);
      const frozen = structuredClone(existing);
      const result = patchFlow(existing, patchOptions(model));
      const out = result.definition;
      assert.deepStrictEqual(existing, frozen, 'the input is not modified');
      assert.strictEqual(result.changed, true);
      assert.strictEqual(result.reused.loop, false);
      assert.strictEqual(result.reused.sendToFlex, flex);
      assert.strictEqual(result.reused.attributesMerged, true);

      const event = TRIGGER_EVENT[model];
      for (const before of existing.states) {
        const after = state(out, before.name);
        if (before.type === 'trigger') {
          assert.deepStrictEqual(after.properties, before.properties);
          assert.deepStrictEqual(
            after.transitions.filter((t) => t.event !== event),
            before.transitions.filter((t) => t.event !== event),
          );
        } else if (before.name === flex) {
          const { attributes: a1, ...rest1 } = after.properties;
          const { attributes: a0, ...rest0 } = before.properties;
          assert.deepStrictEqual(rest1, rest0, 'routing and offset kept');
          // Wired events are kept; an unwired Flex failure now reaches an apology that ends.
          const apology = WIDGET.flexFailed;
          const expected = before.transitions.map((t) =>
            (t.event === 'failedToEnqueue' || t.event === 'callFailure') && !t.next ? { ...t, next: apology } : t,
          );
          assert.deepStrictEqual(after.transitions.slice(0, expected.length), expected);
          for (const t of after.transitions.slice(expected.length)) assert.strictEqual(t.next, apology);
          assert.strictEqual(state(out, apology).type, 'send-message');
          assert.ok(state(out, apology).transitions.every((t) => !t.next));
          const merged = parseTemplate(a1 as string)!;
          const original = parseTemplate(a0 as string)!;
          for (const [key, value] of Object.entries(original)) assert.deepStrictEqual(merged[key], value, `attribute ${key} kept`);
          assert.ok(merged.cognigy && typeof merged.cognigy === 'object');
        } else {
          assert.deepStrictEqual(after, before, `${before.name} untouched`);
        }
      }
      assert.strictEqual(out.initial_state, existing.initial_state);
      assert.deepStrictEqual(out.flags, existing.flags);
      assert.strictEqual(out.description, existing.description);

      const path = loopPath(out, model);
      assert.strictEqual(path[path.length - 1], flex);
      assert.deepStrictEqual(lintFlow(out).filter((i) => i.severity === 'error'), []);
      assert.ok(!lintFlow(out).some((i) => i.code === 'unreachable'));
      noOverlap(out);
    });

    it(`${file} (${model}): patching again changes nothing`, () => {
      const once = patchFlow(fixture(file), patchOptions(model));
      const twice = patchFlow(once.definition, patchOptions(model));
      assert.deepStrictEqual(twice.definition, once.definition);
      assert.strictEqual(twice.changed, false);
      assert.strictEqual(twice.reused.loop, true);
      assert.deepStrictEqual(twice.added, []);
    });
  }

  it('a re-patch with other options updates the loop in place, keeping positions the user chose', () => {
    const once = patchFlow(fixture('flex-messaging-flow.json'), patchOptions('legacy', { onBotFailure: 'end' }));
    const moved = structuredClone(once.definition);
    state(moved, WIDGET.reply).properties.offset = { x: 5000, y: 5000 };
    const again = patchFlow(moved, patchOptions('legacy', { onBotFailure: 'escalate', escalationKey: 'handover', testMode: true }));
    const out = again.definition;
    assert.strictEqual(again.changed, true);
    assert.deepStrictEqual(again.added, [WIDGET.markBotFailure]);
    assert.strictEqual(out.states.filter((s) => s.type === 'make-http-request').length, 1);
    assert.strictEqual(out.states.filter((s) => s.type === 'send-to-flex').length, 1);
    assert.match(readVariable(out, VARIABLE.escalate), /widgets\.ProcessUserInput\.parsed\.data\["handover"\]/);
    assert.match(state(out, WIDGET.callBot).properties.url as string, /\/test\//);
    assert.deepStrictEqual(state(out, WIDGET.reply).properties.offset, { x: 5000, y: 5000 });
    assert.strictEqual(nextOf(state(out, WIDGET.botFailed), 'sent'), 'SendMessageToAgent');
    assert.deepStrictEqual(lintFlow(out).filter((i) => i.severity === 'error'), []);
  });

  it('widget names already taken get a suffix, and templates use the new names', () => {
    // conversations-flow.json has a run-function called ProcessUserInput.
    const out = patchFlow(fixture('conversations-flow.json'), patchOptions('conversations')).definition;
    assert.strictEqual(state(out, 'ProcessUserInput').type, 'run-function');
    const callBot = state(out, 'ProcessUserInput_2');
    assert.strictEqual(callBot.type, 'make-http-request');
    assert.strictEqual(nextOf(state(out, WIDGET.setText), 'next'), 'ProcessUserInput_2');
    assert.match(readVariable(out, VARIABLE.escalate), /widgets\.ProcessUserInput_2\.parsed\.data\["escalation"\]/);
    assert.match(readVariable(out, VARIABLE.reply), /widgets\.ProcessUserInput_2\.parsed\.outputStack/);
    assert.notMatch(readVariable(out, VARIABLE.reply), /widgets\.ProcessUserInput\./);
    assert.strictEqual(nextOf(callBot, 'success'), WIDGET.readAnswer);
    const attributes = parseTemplate(state(out, 'SendToFlexAgent').properties.attributes as string)!;
    // The agent reads the reply the loop built from the renamed call, not a widget of the user's flow.
    assert.match((attributes.cognigy as Record<string, BareLiquid>).lastAnswer.liquid, new RegExp(`flow\\.variables\\.${VARIABLE.reply} `));
    assert.strictEqual(new Set(out.states.map((s) => s.name)).size, out.states.length);
  });

  it('an unwired trigger event gets the loop and a new send-to-flex with the setup\'s routing', () => {
    const existing = fixture('flex-messaging-flow.json');
    const result = patchFlow(existing, patchOptions('conversations'));
    const out = result.definition;
    assert.strictEqual(result.reused.sendToFlex, undefined);
    assert.ok(result.added.includes(WIDGET.toFlex));
    const flex = state(out, WIDGET.toFlex);
    assert.strictEqual(flex.properties.workflow, WORKFLOW);
    assert.strictEqual(flex.properties.channel, TASK_CHANNEL);
    assert.deepStrictEqual(state(out, 'SendMessageToAgent'), state(existing, 'SendMessageToAgent'));
    assert.strictEqual(nextOf(state(out, 'Trigger'), 'incomingMessage'), 'SendMessageToAgent');
    assert.strictEqual(loopPath(out, 'conversations').at(-1), WIDGET.toFlex);
    noOverlap(out);
    assert.deepStrictEqual(patchFlow(out, patchOptions('conversations')).definition, out);
  });

  it('a trigger event wired to something other than send-to-flex is refused with a hint', () => {
    const existing = fixture('conversations-flow.json');
    existing.states.find((s) => s.type === 'trigger')!.transitions.find((t) => t.event === 'incomingConversationMessage')!.next = 'SetLanguage';
    expect(() => patchFlow(existing, patchOptions('conversations'))).to.throw().that.satisfies((error: unknown) => error instanceof CognigyError && error.code === 'flow-not-patchable' && /SetLanguage.*set-variables/.test(error.message) && !!error.hint);
  });

  it('the reused widget keeps its own routing unless asked, and says so', () => {
    const kept = patchFlow(fixture('flex-messaging-flow.json'), patchOptions('legacy'));
    assert.strictEqual(state(kept.definition, 'SendMessageToAgent').properties.workflow, 'WW3f9c1a7e52b84d6e9a0c17b2d4e6f801');
    assert.ok(kept.warnings.some((w) => w.code === 'own-routing'));
    const moved = patchFlow(fixture('flex-messaging-flow.json'), patchOptions('legacy', { overrideFlexTarget: true }));
    assert.strictEqual(state(moved.definition, 'SendMessageToAgent').properties.workflow, WORKFLOW);
    assert.strictEqual(state(moved.definition, 'SendMessageToAgent').properties.channel, TASK_CHANNEL);
  });

  it('a bare {{… | to_json}} value is kept as it is while cognigy is merged in', () => {
    const existing = fixture('flex-messaging-flow.json');
    state(existing, 'SendMessageToAgent').properties.attributes = '{"name": "{{trigger.message.From}}", "extra": {{flow.data | to_json}}}';
    const result = patchFlow(existing, patchOptions('legacy'));
    const merged = state(result.definition, 'SendMessageToAgent').properties.attributes as string;
    assert.strictEqual(result.reused.attributesMerged, true);
    assert.ok(merged.startsWith('{"name":"{{trigger.message.From}}","extra":{{flow.data | to_json}},"customerName":"{{trigger.message.ChannelAttributes.from}}","customerAddress":"{{trigger.message.ChannelAttributes.from}}","cognigy":{'), merged);
    const rendered = studioLiquid().parseAndRenderSync(merged, { flow: { data: { a: 'x"y' } }, trigger: { message: { From: '+1' } } }) as string;
    assert.deepStrictEqual(JSON.parse(rendered).extra, { a: 'x"y' });
  });

  it('attributes that are not a JSON template are left alone, with a warning', () => {
    const existing = fixture('flex-messaging-flow.json');
    const odd = '{"name": "{{trigger.message.From}}"{% if flow.data.vip %}, "vip": true{% endif %}}';
    state(existing, 'SendMessageToAgent').properties.attributes = odd;
    const result = patchFlow(existing, patchOptions('legacy'));
    assert.strictEqual(state(result.definition, 'SendMessageToAgent').properties.attributes, odd);
    assert.strictEqual(result.reused.attributesMerged, false);
    assert.ok(result.warnings.some((w) => w.code === 'attributes-not-json'));
  });

  it('patching a built flow with the same options changes nothing', () => {
    for (const model of ['conversations', 'legacy'] as const) {
      const built = buildFlow(options({ channelModel: model }));
      const result = patchFlow(built, patchOptions(model));
      assert.strictEqual(result.changed, false, model);
      assert.deepStrictEqual(result.definition, built);
    }
  });

  it('the variables of a patched loop read the channel model\'s trigger', () => {
    const out = patchFlow(fixture('both-triggers.json'), patchOptions('conversations')).definition;
    const text = (state(out, WIDGET.setText).properties.variables as KeyValue[])[0].value;
    assert.strictEqual(studioLiquid().parseAndRenderSync(text, { trigger: { conversation: { Body: 'hi' }, message: { Body: 'wrong' } } }), 'hi');
  });
});

describe('patchFlow on malformed input', () => {
  it('a flow without a usable trigger or with broken widgets is refused, not crashed on', () => {
    const noTrigger = fixture('flex-messaging-flow.json');
    noTrigger.states = noTrigger.states.filter((s) => s.type !== 'trigger');
    const broken = fixture('flex-messaging-flow.json');
    delete (broken.states[1] as Partial<FlowDefinition['states'][number]>).transitions;
    for (const def of [noTrigger, broken, { description: 'x', initial_state: 'Trigger' } as unknown as FlowDefinition]) {
      expect(() => patchFlow(def, patchOptions('legacy'))).to.throw().that.satisfies((e: unknown) => e instanceof CognigyError && e.code === 'flow-not-patchable');
    }
  });

  it('a loop deployed before the fix gets valid attributes and a way out of a refused task', () => {
    const old = buildFlow(options());
    old.states = old.states.filter((s) => s.name !== WIDGET.flexFailed);
    const flex = state(old, WIDGET.toFlex);
    flex.transitions = [{ event: 'callComplete' }, { event: 'failedToEnqueue' }, { event: 'callFailure' }];
    flex.properties.attributes = (flex.properties.attributes as string).replace(' | to_json}}', '}}').replace(/"lastAnswer":(\{\{[^}]*\}\})/, '"lastAnswer":"$1"');
    const result = patchFlow(old, options());
    assert.strictEqual(result.changed, true);
    assert.deepStrictEqual(result.added, [WIDGET.flexFailed]);
    assert.deepStrictEqual(diffFlows(result.definition, buildFlow(options())), [], 'the same as a flow built today');
    const patched = state(result.definition, WIDGET.toFlex);
    assert.strictEqual(nextOf(patched, 'failedToEnqueue'), WIDGET.flexFailed);
    assert.strictEqual(nextOf(patched, 'callFailure'), WIDGET.flexFailed);
    assert.match(patched.properties.attributes as string, /"lastAnswer":\{\{[^}]*\| to_json\}\}/);
    assert.strictEqual(patchFlow(result.definition, options()).changed, false, 'and then stays as it is');
  });
});
