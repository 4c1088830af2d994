/**
 * The words of a failed step's sides (expected, actual) and of a replayed turn that
 * failed: the runner and the matcher hand over texts and states with codes
 * (`FailureSide`, `ReplayFailure` in lib/conversation/types.ts); the text report, JUnit,
 * the HTML report, `-o json` and the REPL say them through here.
 */
import type { Expectation, FailureSide, FailureState, ReplayFailure } from '../lib/conversation/types';
import { stringify } from '../lib/conversation/match';

/** A side as the report shows it: a text as it is, a state in words. */
export function sideText(side: FailureSide): string {
  return typeof side === 'string' ? side : stateText(side);
}

function stateText(s: FailureState): string {
  switch (s.code) {
    case 'bot-message':
      return s.expect.map(describeExpectation).join('; ');
    case 'handover':
      return describeHandover(s);
    case 'customer-says':
      return `customer says ${JSON.stringify(s.text)}`;
    case 'customer-silent':
      return 'customer stays silent';
    case 'nothing-before':
      return `no further bot message before: ${stateText(s.step)}`;
    case 'already-ended':
      return `conversation already ended (${s.reason})`;
    case 'flow-ended':
      return s.reason === undefined ? 'flow ended' : `flow ended (${s.reason}${s.detail ? `: ${s.detail}` : ''})`;
    case 'flow-running':
      return '(flow still running)';
    case 'flex-accepts':
      return 'Flex accepted the task (callComplete)';
    case 'flex-refuses':
      return 'Flex refuses the task (failedToEnqueue)';
    case 'no-handover':
      return s.ended === undefined ? '(no handover)' : `(no handover; flow ended: ${s.ended})`;
    case 'no-handover-attempted':
      return '(no hand-over was attempted)';
    case 'studio-accepts':
      return 'a hand-over Studio accepts';
    case 'studio-refuses':
      return s.problems.join('; ');
    case 'no-message':
      return '(no message)';
    case 'quick-replies':
      return `quick replies ${stringify(s.values)}`;
    case 'rich':
      return `${s.what} ${JSON.stringify(s.values)}`;
    case 'rich-count':
      return `${s.what} count ${s.count}`;
    case 'json-path':
      return `${s.path} = ${s.values.length ? s.values.join(', ') : '(nothing)'}`;
    case 'invalid-regex':
      return `(invalid regular expression: ${s.error})`;
    case 'invalid-json-path':
      return `(invalid JSON path ${s.path}: ${s.error})`;
    case 'attributes-not-json':
      return `attributes (not JSON): ${s.attributes}`;
    case 'subset-mismatch':
      switch (s.want) {
        case 'array':
        case 'object':
          return `${s.path}: expected an ${s.want}, got ${s.got}`;
        case 'present':
          return `${s.path}: missing`;
        case 'length':
          return `${s.path}: expected ${s.length} element(s), got ${s.count}: ${s.got}`;
        case 'value':
          return `${s.path}: expected ${s.value}, got ${s.got}`;
      }
    // eslint-disable-next-line no-fallthrough -- the inner switch returns for every want
    case 'recorded-conversation':
      return 'a recorded conversation';
    case 'not-recorded':
      return `(not recorded) ${callWhere(s)}: ${s.method} ${s.url}`;
    case 'no-call-recorded':
      return '(no call recorded)';
  }
}

/** `turn 2`, `turn 2, call 3`: where in a replayed conversation. */
function callWhere(at: { turn: number; call: number }): string {
  return `turn ${at.turn}${at.call > 1 ? `, call ${at.call}` : ''}`;
}

/** Why a replayed turn failed, in words (the failure's message; the REPL's problem). */
export function replayFailureText(f: ReplayFailure): string {
  switch (f.code) {
    case 'conversation-not-recorded':
      return `the recording ${f.recording} holds no conversation "${f.conversation}"${f.file ? ` of ${f.file}` : ''}`;
    case 'call-not-recorded':
      return `the flow called the bot in ${callWhere(f)}, which the recording does not hold`;
    case 'call-differs':
      return `the flow's call to the bot in ${callWhere(f)} differs from the recording (expected: recorded, actual: now)`;
  }
}

/** A check of a `#bot` step as the report names it. */
export function describeExpectation(expect: Expectation): string {
  switch (expect.kind) {
    case 'any':
      return 'any message';
    case 'botium': {
      const what = expect.alternatives ? `one of ${stringify(expect.alternatives)}${expect.utterance ? ` (utterances ${expect.utterance})` : ''}` : stringify(expect.text);
      const how = expect.mode ? ` (${expect.mode})` : expect.caseSensitive ? '' : ' (ignoring case)';
      return `${expect.not ? 'text NOT like' : 'text like'} ${what}${how}`;
    }
    case 'text':
    case 'rich':
      return `${expect.not ? '!' : ''}${expect.name} ${expect.args.join('|')}`.trim();
    case 'notCheckable':
      // Why it cannot be checked is the report's to say (printers/script-report.ts uncheckedText).
      return `${expect.name} (not checkable)`;
    case 'exact':
      return expect.text;
    case 'contains':
      return `text containing ${stringify(expect.text)}`;
    case 'regex':
      return `text matching /${expect.pattern}/${expect.flags ?? ''}`;
    case 'data':
      return `data including ${stringify(expect.subset)}`;
    case 'quickReplies':
      return `quick replies ${expect.mode === 'exact' ? '' : 'including '}${stringify(expect.values)}`;
  }
}

function describeHandover(expect: Omit<Extract<FailureState, { code: 'handover' }>, 'code'>): string {
  const parts: string[] = [];
  if (expect.workflow !== undefined) parts.push(`workflow ${expect.workflow}`);
  if (expect.channel !== undefined) parts.push(`channel ${expect.channel}`);
  if (expect.attributes !== undefined) parts.push(`attributes including ${stringify(expect.attributes)}`);
  return parts.length ? `handover (${parts.join(', ')})` : 'handover';
}

