import { describe, it } from 'mocha';
import { assert } from 'chai';
import { addToPath, countedTransitions, CoverageCounter, coveragePercent, emptyPath, pathReader } from '../../../src/lib/conversation/coverage';
import { coverageLine } from '../../../src/printers/coverage';
import type { Turn } from '../../../src/lib/runtime';
import type { FlowDefinition } from '../../../src/lib/domain/flow';
import { buildFlow } from '../../../src/lib/studio';
import { fakeTransport, flowOf, response, session, trigger, widget } from '../runtime/helpers';
import { options } from '../studio/helpers';

const cond = (type: string, value: string) => ({ friendly_name: `${type} ${value}`, arguments: [], type, value });

/** A split with three branches (two of them `match`), a wait, and an unwired failure branch. */
const flow = flowOf(
  trigger('Split'),
  widget('Split', 'split-based-on', { input: '{{trigger.message.Body}}' }, [
    { event: 'noMatch', next: 'Ask' },
    { event: 'match', next: 'Agent', conditions: [cond('contains', 'agent')] },
    { event: 'match', next: 'Bye', conditions: [cond('contains', 'bye')] },
  ]),
  widget('Ask', 'send-and-wait-for-reply', { body: 'What else?' }, [{ event: 'incomingMessage', next: 'Bye' }, { event: 'timeout' }, { event: 'deliveryFailure' }]),
  widget('Agent', 'send-message', { body: 'An agent comes.' }, [{ event: 'sent' }, { event: 'failed' }]),
  widget('Bye', 'send-message', { body: 'Bye.' }, [{ event: 'sent' }, { event: 'failed' }]),
);

/** A traced session (the interpreter reports its transitions) and the root flow's path of a turn. */
const traced = (definition: FlowDefinition, o: Parameters<typeof session>[1] = {}) => session(definition, { trace: true, ...o });
const pathOf = (definition: FlowDefinition, turn: Turn) => pathReader(definition)()(turn.events);

describe('the path a traced run takes (pathReader over transition events)', () => {
  it('names each widget left, the event, its place in the transitions and where it led, in order', async () => {
    const s = traced(flow);
    const first = await s.start('hello');
    assert.deepStrictEqual(pathOf(flow, first), [
      { widget: 'Trigger', event: 'incomingMessage', index: 0, next: 'Split' },
      { widget: 'Split', event: 'noMatch', index: 0, next: 'Ask' },
    ]);
    const second = await s.reply('ok');
    assert.deepStrictEqual(pathOf(flow, second), [
      { widget: 'Ask', event: 'incomingMessage', index: 0, next: 'Bye' },
      { widget: 'Bye', event: 'sent', index: 0 },
    ]);
  });

  it('tells two match branches of one split apart by their index', async () => {
    assert.deepStrictEqual(pathOf(flow, await traced(flow).start('bye')).slice(1), [
      { widget: 'Split', event: 'match', index: 2, next: 'Bye' },
      { widget: 'Bye', event: 'sent', index: 0 },
    ]);
  });

  it('an HTTP failure branch and the silence time-out are transitions too', async () => {
    const built = buildFlow(options());
    const s = traced(built, { http: fakeTransport(() => response(500, 'down')) });
    const path = pathOf(built, await s.start('hi')).map((p) => `${p.widget}.${p.event}`);
    assert.deepStrictEqual(path.slice(0, 3), ['Trigger.incomingConversationMessage', 'SetUserText.next', 'ProcessUserInput.failed']);
    const waits = traced(flow);
    await waits.start('hello');
    assert.deepStrictEqual(pathOf(flow, await waits.silence()), [{ widget: 'Ask', event: 'timeout', index: 1 }]);
  });
});

describe('the path of a flow that runs a subflow', () => {
  const CHILD = `FW${'c'.repeat(32)}`;
  const child = flowOf(
    trigger('Ask', 'incomingParent'),
    widget('Ask', 'send-and-wait-for-reply', { body: 'Your name?', timeout: 60 }, [{ event: 'incomingMessage', next: 'Keep' }]),
    widget('Keep', 'set-variables', { variables: [{ key: 'answer', value: '{{widgets.Ask.inbound.Body}}' }] }, [{ event: 'next' }]),
  );
  const parent = flowOf(
    trigger('Sub'),
    widget('Sub', 'run-subflow', { flow_sid: CHILD, parameters: [] }, [{ event: 'completed', next: 'Done' }, { event: 'failed' }]),
    widget('Done', 'send-message', { body: 'thanks' }, [{ event: 'sent' }, { event: 'failed' }]),
  );

  it('skips the child\'s own transitions, also in a later turn while the child waits for the customer', async () => {
    const s = traced(parent, { subflows: new Map([[CHILD, child]]) });
    const read = pathReader(parent)();
    assert.deepStrictEqual(read((await s.start('hi')).events), [{ widget: 'Trigger', event: 'incomingMessage', index: 0, next: 'Sub' }]);
    assert.deepStrictEqual(read((await s.reply('Ana')).events), [
      { widget: 'Sub', event: 'completed', index: 0, next: 'Done' },
      { widget: 'Done', event: 'sent', index: 0 },
    ]);
  });
});

describe('flow coverage', () => {
  it('an untraced run reports no path (what a script run without coverage would pay nothing for)', async () => {
    assert.deepStrictEqual(pathOf(flow, await session(flow).start('hello')), []);
  });

  it('counts every transition except the trigger\'s unwired events, each match branch by its condition', () => {
    assert.deepStrictEqual(
      countedTransitions(flow).map((t) => t.label),
      ['Trigger.incomingMessage', 'Split.noMatch', 'Split.match (contains agent)', 'Split.match (contains bye)', 'Ask.incomingMessage', 'Ask.timeout', 'Ask.deliveryFailure', 'Agent.sent', 'Agent.failed', 'Bye.sent', 'Bye.failed'],
    );
  });

  it('counts conversations (not visits) per widget and transition, and lists what none reached', async () => {
    const counter = new CoverageCounter(flow);
    for (const messages of [['hello', 'ok'], ['bye'], ['bye']]) {
      const s = traced(flow);
      const path = emptyPath();
      addToPath(path, pathOf(flow, await s.start(messages[0])), flow.initial_state);
      for (const m of messages.slice(1)) addToPath(path, pathOf(flow, await s.reply(m)), flow.initial_state);
      counter.add(path);
    }
    const c = counter.result();
    assert.strictEqual(c.conversations, 3);
    assert.deepStrictEqual(c.widgets.counts, { Trigger: 3, Split: 3, Ask: 1, Agent: 0, Bye: 3 });
    assert.deepStrictEqual(c.widgets.never, ['Agent']);
    assert.deepStrictEqual([c.widgets.reached, c.widgets.total, c.widgets.percent], [4, 5, 80]);
    assert.strictEqual(c.transitions.counts['Split.match (contains bye)'], 2);
    assert.deepStrictEqual(c.transitions.never, ['Split.match (contains agent)', 'Ask.timeout', 'Ask.deliveryFailure', 'Agent.sent', 'Agent.failed', 'Bye.failed']);
    // 5 of 11, rounded down so that 99.96% never reads as 100%.
    assert.strictEqual(c.transitions.percent, 45.4);
    assert.strictEqual(coveragePercent(c), 45.4);
    assert.strictEqual(coverageLine(c), 'Flow coverage: 4 of 5 widgets (80%), 5 of 11 transitions (45.4%).');
  });

  it('a run of nothing covers nothing; a flow with nothing to count is fully covered', () => {
    const none = new CoverageCounter(flow).result();
    assert.deepStrictEqual([none.widgets.percent, none.transitions.percent], [0, 0]);
    const empty = new CoverageCounter({ description: '', states: [], initial_state: 'Trigger' }).result();
    assert.deepStrictEqual([empty.widgets.percent, empty.transitions.percent], [100, 100]);
  });
});
