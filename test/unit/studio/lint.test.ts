import { describe, it } from 'mocha';
import { assert } from 'chai';
import { buildFlow, LintIssue, lintFlow, patchFlow, WIDGET } from '../../../src/lib/studio';
import type { FlowDefinition } from '../../../src/lib/domain/flow';
import { fixture, FIXTURES, options, state } from './helpers';
import type { KeyValue } from '../../../src/lib/domain/flow';
import { MAX_TASK_ATTRIBUTES_CHARS } from '../../../src/lib/domain/studio';
import { lintFindingText } from '../../../src/printers/lint';

const errors = (issues: LintIssue[]) => issues.filter((i) => i.severity === 'error');
/** A built flow with one change applied. */
function broken(change: (def: FlowDefinition) => void): LintIssue[] {
  const def = buildFlow(options());
  change(def);
  return lintFlow(def);
}
function has(issues: LintIssue[], severity: LintIssue['severity'], widget: string | undefined, pattern: RegExp): void {
  assert.ok(
    issues.some((i) => i.severity === severity && i.widget === widget && pattern.test(`${i.property ?? ''} ${lintFindingText(i)}`)),
    `expected ${severity} on ${widget ?? '(flow)'} matching ${pattern}; got ${JSON.stringify(issues)}`,
  );
}

describe('lintFlow', () => {
  for (const channelModel of ['conversations', 'legacy'] as const) {
    for (const onBotFailure of ['escalate', 'end'] as const) {
      it(`a built flow is clean (${channelModel}, ${onBotFailure})`, () => {
        assert.deepStrictEqual(lintFlow(buildFlow(options({ channelModel, onBotFailure, testMode: true }))), []);
      });
    }
  }

  it('the fixtures have no errors; voice widgets are warned about, not rejected', () => {
    for (const name of FIXTURES) assert.deepStrictEqual(errors(lintFlow(fixture(name))), [], name);
    const voice = lintFlow(fixture('voice-and-messaging.json'));
    has(voice, 'warning', 'Greeting', /say-play.*not modelled by test-chat/);
    has(voice, 'warning', 'MainMenu', /gather-input-on-call.*not modelled/);
  });

  it('top-level shape', () => {
    has(lintFlow(null as unknown as FlowDefinition), 'error', undefined, /not a JSON object/);
    has(lintFlow({ description: 'x', initial_state: 'Trigger' } as unknown as FlowDefinition), 'error', undefined, /states/);
    has(broken((d) => delete (d as Partial<FlowDefinition>).initial_state), 'error', undefined, /initial_state/);
    has(broken((d) => (d.flags = 'yes' as never)), 'error', undefined, /flags/);
  });

  it('exactly one trigger, and it is the initial state', () => {
    has(broken((d) => (d.initial_state = WIDGET.setText)), 'error', undefined, /initial_state.*not the trigger/);
    has(broken((d) => d.states.push({ ...state(d, WIDGET.trigger), name: 'Trigger2', transitions: [] })), 'error', undefined, /exactly one trigger.*2/);
    has(broken((d) => (d.states = d.states.filter((s) => s.type !== 'trigger'))), 'error', undefined, /exactly one trigger.*0/);
  });

  it('unique names and transitions to existing widgets', () => {
    has(broken((d) => d.states.push(structuredClone(state(d, WIDGET.reply)))), 'error', WIDGET.reply, /2 widgets share this name/);
    has(broken((d) => (state(d, WIDGET.setText).transitions[0].next = 'Nowhere')), 'error', WIDGET.setText, /Nowhere.*names no widget/);
  });

  it('unreachable widgets are a warning', () => {
    const issues = broken((d) => d.states.push({ name: 'Orphan', type: 'send-message', properties: { body: 'hi' }, transitions: [] }));
    has(issues, 'warning', 'Orphan', /not reachable/);
    assert.deepStrictEqual(errors(issues), []);
  });

  it('unknown widget types are a warning', () => {
    has(broken((d) => (state(d, WIDGET.setReply).type = 'connect-virtual-agent')), 'warning', WIDGET.setReply, /not modelled by test-chat/);
  });

  it('required properties per type', () => {
    has(broken((d) => delete state(d, WIDGET.callBot).properties.url), 'error', WIDGET.callBot, /^url is required/);
    has(broken((d) => (state(d, WIDGET.callBot).properties.method = 'PUT')), 'error', WIDGET.callBot, /method/);
    has(broken((d) => (state(d, WIDGET.callBot).properties.content_type = 'text/plain')), 'error', WIDGET.callBot, /content_type/);
    has(broken((d) => (state(d, WIDGET.setText).properties.variables = [{ value: 'x' }])), 'error', WIDGET.setText, /variables\[0\]/);
    has(broken((d) => delete state(d, WIDGET.checkEscalation).properties.input), 'error', WIDGET.checkEscalation, /^input is required/);
    has(broken((d) => (state(d, WIDGET.reply).properties.timeout = 'soon')), 'error', WIDGET.reply, /timeout/);
    has(broken((d) => delete state(d, WIDGET.tellEscalation).properties.body), 'error', WIDGET.tellEscalation, /^body is required/);
    has(broken((d) => (state(d, WIDGET.toFlex).properties.workflow = 'Assign to Anyone')), 'error', WIDGET.toFlex, /workflow/);
    has(broken((d) => (state(d, WIDGET.toFlex).properties.attributes = 42)), 'error', WIDGET.toFlex, /attributes must be a string/);
  });

  it('what Studio accepts is accepted: numeric timeout, content type without charset, no attributes, a URL-less Function, no content type', () => {
    const errorsOf = (mutate: (d: FlowDefinition) => void) => errors(broken(mutate));
    assert.deepStrictEqual(errorsOf((d) => (state(d, WIDGET.reply).properties.timeout = 3600)), []);
    assert.deepStrictEqual(errorsOf((d) => (state(d, WIDGET.callBot).properties.content_type = 'application/json')), []);
    assert.deepStrictEqual(errorsOf((d) => (state(d, WIDGET.callBot).properties.content_type = 'application/x-www-form-urlencoded')), []);
    assert.deepStrictEqual(errorsOf((d) => delete state(d, WIDGET.toFlex).properties.attributes), []);
    assert.deepStrictEqual(
      errorsOf((d) => d.states.push({ name: 'Fn', type: 'run-function', properties: { url: '', function_sid: `ZH${'1'.repeat(32)}`, service_sid: `ZS${'1'.repeat(32)}` }, transitions: [] })),
      [],
    );
    has(broken((d) => delete state(d, WIDGET.callBot).properties.content_type), 'warning', WIDGET.callBot, /form/);
    has(broken((d) => d.states.push({ name: 'Fn', type: 'run-function', properties: { url: '' }, transitions: [] })), 'error', 'Fn', /^url is required/);
  });

  it('a Studio v1 export is one error saying so and how to get a v2 export', () => {
    const v1 = { description: 'A New Flow', states: [{ type: 'InitialState', name: 'Trigger', properties: {}, transitions: [{ event: 'incomingMessage', next: `FF${'a'.repeat(32)}` }] }] };
    const issues = lintFlow(v1 as unknown as FlowDefinition);
    assert.strictEqual(issues.length, 1);
    assert.strictEqual(issues[0].code, 'studio-v1');
    assert.match(lintFindingText(issues[0]), /Studio v1 flow export.*Export to JSON/);
  });

  it('event names per type', () => {
    has(broken((d) => (state(d, WIDGET.callBot).transitions[1].event = 'fail')), 'error', WIDGET.callBot, /"fail" is not an event of make-http-request/);
    has(broken((d) => state(d, WIDGET.reply).transitions.push({ event: 'timeout' })), 'error', WIDGET.reply, /appears twice/);
    has(
      broken((d) => d.states.push({ name: 'Fn', type: 'run-function', properties: { url: 'https://x.twil.io/f' }, transitions: [{ event: 'failed' }] })),
      'error',
      'Fn',
      /"failed" is not an event of run-function/,
    );
  });

  it('Liquid that does not parse', () => {
    // Studio stores such a flow and fails the widget with 81018 when it runs, as the runtime does: a warning.
    has(broken((d) => (state(d, WIDGET.reply).properties.body = '{{widgets.ProcessUserInput.parsed.text')), 'warning', WIDGET.reply, /^body Liquid does not parse.*81018/);
    has(broken((d) => ((state(d, WIDGET.callBot).properties.parameters as { value: string }[])[2].value = '{% if x %}')), 'warning', WIDGET.callBot, /parameters\[2\]\.value Liquid/);
    has(broken((d) => (state(d, WIDGET.checkEscalation).transitions[1].conditions![0].arguments = ['{{ a '])), 'warning', WIDGET.checkEscalation, /arguments\[0\] Liquid/);
  });

  it('split conditions: one of the 17 types, and a match needs conditions', () => {
    has(broken((d) => (state(d, WIDGET.checkEscalation).transitions[1].conditions![0].type = 'equals')), 'error', WIDGET.checkEscalation, /"equals" is not a split condition type/);
    has(broken((d) => delete state(d, WIDGET.checkEscalation).transitions[1].conditions), 'error', WIDGET.checkEscalation, /needs conditions/);
  });

  it('at most 2,000 widgets (Studio FAQ): 1,500 pass, 2,001 do not', () => {
    const extra = (n: number) => (d: FlowDefinition) => {
      for (let i = 0; i < n; i++) d.states.push({ name: `Extra${i}`, type: 'send-message', properties: { body: 'x' }, transitions: [] });
    };
    const fine = broken(extra(1500 - 12));
    assert.ok(!fine.some((i) => i.code === 'too-many-widgets'), 'a flow of 1,500 widgets publishes in Studio');
    has(broken(extra(2001)), 'error', undefined, /at most 2000/);
  });

  it('send-to-flex timeout: 1 to 1,209,600 s; make-http-request reserved "method" and add_twilio_auth off Twilio warn', () => {
    has(broken((d) => (state(d, WIDGET.toFlex).properties.timeout = '1209601')), 'error', WIDGET.toFlex, /timeout.*1209600/);
    const ok = broken((d) => (state(d, WIDGET.toFlex).properties.timeout = '1209600'));
    assert.ok(!ok.some((i) => i.property === 'timeout'));
    has(broken((d) => (state(d, WIDGET.callBot).properties.parameters as KeyValue[]).push({ key: 'method', value: 'x' })), 'warning', WIDGET.callBot, /reserved word/);
    has(broken((d) => (state(d, WIDGET.callBot).properties.add_twilio_auth = true)), 'warning', WIDGET.callBot, /not a Twilio API/);
    has(broken((d) => ((state(d, WIDGET.setText).properties.variables as Array<Record<string, unknown>>)[0].type = 'number')), 'warning', WIDGET.setText, /"number" is not a variable type/);
  });

  it('send-to-flex attributes over the 1,024 characters once merged by a patch are an error', () => {
    const existing = fixture('flex-messaging-flow.json');
    const flex = state(existing, 'SendMessageToAgent');
    // The user's own attributes fit; with the merged cognigy block they no longer do.
    const notes = 'n'.repeat(MAX_TASK_ATTRIBUTES_CHARS - 50);
    flex.properties.attributes = `{"name": "{{trigger.message.ChannelAttributes.from}}", "notes": "${notes}"}`;
    assert.deepStrictEqual(lintFlow(existing).filter((i) => i.property === 'attributes'), [], 'under budget before the patch');
    const patched = patchFlow(existing, options({ channelModel: 'legacy' })).definition;
    has(lintFlow(patched), 'error', 'SendMessageToAgent', /^attributes render to at least \d+ characters, over Studio's 1024/);
    // Text inside {% if %} may not render: a warning only.
    state(patched, 'SendMessageToAgent').properties.attributes = `{"name": "x"{% if flow.data.vip %}, "notes": "${notes.repeat(2)}"{% endif %}}`;
    has(lintFlow(patched), 'warning', 'SendMessageToAgent', /at least \d+ characters/);
  });

  it('a built flow is within the attributes budget', () => {
    for (const channelModel of ['conversations', 'legacy'] as const) {
      assert.deepStrictEqual(lintFlow(buildFlow(options({ channelModel }))).filter((i) => i.property === 'attributes'), [], channelModel);
    }
  });
});
