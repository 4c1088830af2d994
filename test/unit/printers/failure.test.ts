import { describe, it } from 'mocha';
import { assert } from 'chai';
import { replayFailureText, sideText } from '../../../src/printers/failure';
import type { FailureState, ReplayFailure } from '../../../src/lib/conversation/types';

/*
 * The words of a failed step's sides and of a replayed turn's failure: the runner and the
 * matcher return codes, these are the texts the reports always showed (pinned here).
 */
describe("a failure's sides, in words", () => {
  it('a text is shown as it is; every state in the words the report always had', () => {
    const said: Array<[FailureState | string, string]> = [
      ['We are open 24/7.', 'We are open 24/7.'],
      [{ code: 'customer-says', text: 'hi "you"' }, 'customer says "hi \\"you\\""'],
      [{ code: 'customer-silent' }, 'customer stays silent'],
      [{ code: 'nothing-before', step: { code: 'customer-silent' } }, 'no further bot message before: customer stays silent'],
      [{ code: 'already-ended', reason: 'handover' }, 'conversation already ended (handover)'],
      [{ code: 'flow-ended' }, 'flow ended'],
      [{ code: 'flow-ended', reason: 'flow-ended' }, 'flow ended (flow-ended)'],
      [{ code: 'flow-ended', reason: 'failed', detail: 'Liquid error' }, 'flow ended (failed: Liquid error)'],
      [{ code: 'flow-running' }, '(flow still running)'],
      [{ code: 'flex-accepts' }, 'Flex accepted the task (callComplete)'],
      [{ code: 'flex-refuses' }, 'Flex refuses the task (failedToEnqueue)'],
      [{ code: 'no-handover' }, '(no handover)'],
      [{ code: 'no-handover', ended: 'flow-ended' }, '(no handover; flow ended: flow-ended)'],
      [{ code: 'no-handover-attempted' }, '(no hand-over was attempted)'],
      [{ code: 'studio-accepts' }, 'a hand-over Studio accepts'],
      [{ code: 'studio-refuses', problems: ['attributes are not valid JSON', 'no workflow'] }, 'attributes are not valid JSON; no workflow'],
      [{ code: 'no-message' }, '(no message)'],
      [{ code: 'quick-replies', values: ['Yes', 'No'] }, 'quick replies ["Yes","No"]'],
      [{ code: 'rich', what: 'buttons', values: ['Yes', { p: 1 }] }, 'buttons ["Yes",{"p":1}]'],
      [{ code: 'rich', what: 'media', values: [] }, 'media []'],
      [{ code: 'rich-count', what: 'cards', count: 2 }, 'cards count 2'],
      [{ code: 'json-path', path: '$.a', values: ['1', 'x'] }, '$.a = 1, x'],
      [{ code: 'json-path', path: '$.b', values: [] }, '$.b = (nothing)'],
      [{ code: 'bot-message', expect: [{ kind: 'any' }, { kind: 'botium', text: 'hi', not: true }] }, 'any message; text NOT like "hi" (ignoring case)'],
      [{ code: 'handover', workflow: 'WW1', channel: 'chat' }, 'handover (workflow WW1, channel chat)'],
      [{ code: 'invalid-regex', error: 'Unterminated group' }, '(invalid regular expression: Unterminated group)'],
      [{ code: 'invalid-json-path', path: '$..[', error: 'bad' }, '(invalid JSON path $..[: bad)'],
      [{ code: 'attributes-not-json', attributes: '{x' }, 'attributes (not JSON): {x'],
      [{ code: 'subset-mismatch', path: 'data.a', want: 'array', got: '1' }, 'data.a: expected an array, got 1'],
      [{ code: 'subset-mismatch', path: 'data.a', want: 'object', got: 'null' }, 'data.a: expected an object, got null'],
      [{ code: 'subset-mismatch', path: 'data.a', want: 'present' }, 'data.a: missing'],
      [{ code: 'subset-mismatch', path: 'data', want: 'length', length: 2, count: 1, got: '[1]' }, 'data: expected 2 element(s), got 1: [1]'],
      [{ code: 'subset-mismatch', path: 'data.id', want: 'value', value: '8', got: '7' }, 'data.id: expected 8, got 7'],
      [{ code: 'recorded-conversation' }, 'a recorded conversation'],
      [{ code: 'not-recorded', turn: 1, call: 1, method: 'POST', url: 'https://x/y' }, '(not recorded) turn 1: POST https://x/y'],
      [{ code: 'not-recorded', turn: 2, call: 3, method: 'POST', url: 'https://x/y' }, '(not recorded) turn 2, call 3: POST https://x/y'],
      [{ code: 'no-call-recorded' }, '(no call recorded)'],
    ];
    assert.deepStrictEqual(
      said.map(([side]) => sideText(side)),
      said.map(([, text]) => text),
    );
  });

  it("a replayed turn's failure: which recording, conversation and call", () => {
    const at = { turn: 2, call: 1, expected: '', actual: '' };
    const failures: Array<[ReplayFailure, string]> = [
      [{ code: 'conversation-not-recorded', recording: 'r.yaml', conversation: 'Greeting', file: 'a.convo.txt', ...at }, 'the recording r.yaml holds no conversation "Greeting" of a.convo.txt'],
      [{ code: 'conversation-not-recorded', recording: 'r.yaml', conversation: 'test-chat --message', ...at }, 'the recording r.yaml holds no conversation "test-chat --message"'],
      [{ code: 'call-not-recorded', ...at, call: 2 }, 'the flow called the bot in turn 2, call 2, which the recording does not hold'],
      [{ code: 'call-differs', ...at }, "the flow's call to the bot in turn 2 differs from the recording (expected: recorded, actual: now)"],
    ];
    assert.deepStrictEqual(
      failures.map(([f]) => replayFailureText(f)),
      failures.map(([, text]) => text),
    );
  });
});
