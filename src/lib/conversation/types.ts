/**
 * The one model every script format is read into: a *conversation* is a list of steps
 * the customer takes (`user`, `silence`) and expectations about what comes back (`bot`,
 * `handover`, `end`). Line numbers are 1-based and point at the step in its file, so a
 * failure can say `file:line`.
 */

import type { ChannelModel } from '../domain/setup';
import type { Stub } from '../runtime/stubs';

/** botium-core's matching modes (MatchFunctions.getMatchFunction). */
export type BotiumMatchMode =
  | 'wildcard'
  | 'wildcardIgnoreCase'
  | 'wildcardLowerCase'
  | 'wildcardExact'
  | 'wildcardExactIgnoreCase'
  | 'include'
  | 'includeIgnoreCase'
  | 'includeLowerCase'
  | 'regexp'
  | 'regexpIgnoreCase'
  | 'equals'
  | 'equalsIgnoreCase';

export type RichAsserter =
  | 'BUTTONS'
  | 'MEDIA'
  | 'CARDS'
  | 'JSON_PATH'
  | 'BUTTONS_COUNT'
  | 'BUTTONS_COUNT_REC'
  | 'MEDIA_COUNT'
  | 'MEDIA_COUNT_REC'
  | 'CARDS_COUNT'
  | 'CARDS_COUNT_REC';

/** One check against one message the customer received. */
export type Expectation =
  /**
   * BotiumScript text. Default (no `mode`): Botium's wildcardIgnoreCase, `*` wildcards,
   * found anywhere in the message. `alternatives`: an utterance list, any one matches.
   * `not`: the message must not match. `memory`: `$variables` are filled in at run time.
   * `raw` (here and below): SCRIPTING_NORMALIZE_TEXT is off, texts are compared as they are.
   */
  | { kind: 'botium'; text: string; caseSensitive?: boolean; not?: boolean; alternatives?: string[]; utterance?: string; mode?: BotiumMatchMode; memory?: boolean; raw?: boolean }
  /** Botium TEXT_* asserters: any (or all) of `args` match the text in `mode`; no args with `noArgIsJoker`: any non-empty text. */
  | { kind: 'text'; name: string; args: string[]; mode: BotiumMatchMode; all: boolean; noArgIsJoker: boolean; not: boolean; line: number; raw?: boolean }
  /** Botium BUTTONS / MEDIA / CARDS / JSON_PATH (and their _COUNT forms) on the message as botium-connector-cognigy maps Cognigy's rich output. */
  | { kind: 'rich'; name: RichAsserter; args: string[]; not: boolean; mode: BotiumMatchMode; line: number; raw?: boolean }
  /** A check that cannot be made against this bot (NLU asserters): counted and listed, never passed. */
  | { kind: 'notCheckable'; name: string; line: number; reason: UncheckedReason }
  /** Any message at all (an empty `#bot` block, `bot: true`). */
  | { kind: 'any' }
  /** The whole message text, exactly (case-sensitive). */
  | { kind: 'exact'; text: string }
  /** The message text contains this substring (case-sensitive). */
  | { kind: 'contains'; text: string }
  /** The message text matches this regular expression (unanchored unless the pattern anchors). */
  | { kind: 'regex'; pattern: string; flags?: string }
  /** The message's data holds these keys with these values (deep subset; arrays compared element by element). */
  | { kind: 'data'; subset: Record<string, unknown> }
  /**
   * Quick replies: `exact` = the same list in the same order (our YAML); `includes` = each
   * expected one is offered, case-insensitive, any order, extras allowed (Botium `BUTTONS`).
   */
  | { kind: 'quickReplies'; values: string[]; mode: 'exact' | 'includes' };

export interface HandoverExpectation {
  workflow?: string;
  channel?: string;
  /** Subset match against the task attributes (parsed when they arrive as a JSON string). */
  attributes?: Record<string, unknown>;
}

/** `file`: where the step was written when not the conversation's file (a Botium partial convo). */
export type ScriptStep =
  /** `media`: URLs the customer sends with the text (Botium's `MEDIA` in `#me`). */
  | { kind: 'user'; text: string; media?: string[]; line: number; file?: string; memory?: boolean }
  /** The customer stays silent: the flow's wait widget times out. */
  | { kind: 'silence'; line: number; file?: string }
  /**
   * All expectations hold for the next message the customer receives. `optional` (Botium
   * `?`): when it does not hold and the next step expects a bot message too, the message
   * is left for that step; when no message is left, the step is skipped.
   */
  | { kind: 'bot'; expect: Expectation[]; line: number; file?: string; optional?: boolean; memory?: boolean }
  /** `refused`: Flex refuses the task (the flow takes send-to-flex's failedToEnqueue). */
  | { kind: 'handover'; expect?: HandoverExpectation; refused?: boolean; line: number; file?: string }
  | { kind: 'end'; reason?: string; line: number; file?: string }
  /** Botium PAUSE: wait before the next step. */
  | { kind: 'pause'; ms: number; line: number; file?: string }
  /** Botium SET_SCRIPTING_MEMORY / CLEAR_SCRIPTING_MEMORY. */
  | { kind: 'memory'; set?: string; value?: string; clear?: string; line: number; file?: string };

export interface Conversation {
  name: string;
  file: string;
  /** Line where the conversation starts (1 for a `.convo.txt`). */
  line: number;
  /** Customer address to use; the driver factory picks one when absent. */
  from?: string;
  channelModel?: ChannelModel;
  /** Local answers for the flow's calls (the file's `stubs:`), tried before `--stub` ones. */
  stubs?: Stub[];
  steps: ScriptStep[];
  /** Parts of the script that were read but are not acted on (e.g. a BotiumScript `#begin` block). */
  warnings?: ScriptWarning[];
}

/**
 * What a conversation's script or run holds that the run does not act on as the script
 * means it: said beside the conversation's result, never a failure. Data with a code; the
 * printers put it in words (`-o json` adds the words as `message`).
 */
export type ScriptWarning = { line: number } & TurnWarning;

/** A warning as the run meets it in a turn (the runner adds the step's line). */
export type TurnWarning =
  /** Text in a BotiumScript `#begin`/`#end` block (`where`), which Botium ignores too. */
  | { code: 'ignored-text'; where: string }
  /** Media sent to a Flex Conversations flow: how trigger.conversation exposes it is not documented. */
  | { code: 'media-on-conversations' }
  /** A Set Variables widget's warning, in the interpreter's words. */
  | { code: 'flow-warning'; widget: string; warning: string };

/** Something the reading of a suite tells once, not about one conversation: data with a code, printers say it. */
export type SuiteNote =
  /** Scripting memory in the suite (a file, or a YAML's `scriptingMemory`) while SCRIPTING_ENABLE_MEMORY is off: ignored, as Botium ignores it. */
  | { code: 'memory-off'; file: string; line: number }
  /** botium.json capabilities that only configure Botium's own connector (`names`, all of them). */
  | { code: 'connector-capabilities-ignored'; names: string[] };

/** Why a check cannot be made (printers word it): `no-nlu`, the REST endpoint returns no NLU result. */
export type UncheckedReason = 'no-nlu';

/** A script that cannot be read; reported, and the other scripts still run. */
export interface ScriptError {
  kind: 'script-error';
  file: string;
  line: number;
  message: string;
}

export function isScriptError(item: Conversation | ScriptError): item is ScriptError {
  return (item as ScriptError).kind === 'script-error';
}

export function scriptError(file: string, line: number, message: string): ScriptError {
  return { kind: 'script-error', file, line, message };
}

/**
 * One side (expected or actual) of a failed step: a text shown as it is (what the script
 * or the bot said, a check described by its asserter), or a state the printers word
 * (printers/failure.ts `sideText`), by its code and values.
 */
export type FailureSide = string | FailureState;

export type FailureState =
  /** A `#bot` step's checks (the one that failed; all of them when no message came). */
  | { code: 'bot-message'; expect: Expectation[] }
  /** A hand-over, as a step expects it or as it happened (the fields known). */
  | { code: 'handover'; workflow?: string; channel?: string; attributes?: Record<string, unknown> }
  /** The customer's step: a message, or silence. */
  | { code: 'customer-says'; text: string }
  | { code: 'customer-silent' }
  /** No bot message may wait before this customer step. */
  | { code: 'nothing-before'; step: FailureState }
  | { code: 'already-ended'; reason: string }
  /** The flow's execution ended (for `reason`, with its `detail`), or is expected to. */
  | { code: 'flow-ended'; reason?: string; detail?: string }
  | { code: 'flow-running' }
  /** Flex takes the task (callComplete), or refuses it (failedToEnqueue). */
  | { code: 'flex-accepts' }
  | { code: 'flex-refuses' }
  /** No hand-over: none tried, or none because the flow ended (`reason`). */
  | { code: 'no-handover'; ended?: string }
  | { code: 'no-handover-attempted' }
  /** A hand-over Studio would accept, or Studio's `problems` with this one. */
  | { code: 'studio-accepts' }
  | { code: 'studio-refuses'; problems: string[] }
  | { code: 'no-message' }
  /** What the message offered: quick replies, buttons/media/cards (their texts, payloads, URLs), how many, a JSON path's values. */
  | { code: 'quick-replies'; values: string[] }
  | { code: 'rich'; what: 'buttons' | 'media' | 'cards'; values: unknown[] }
  | { code: 'rich-count'; what: 'buttons' | 'media' | 'cards'; count: number }
  | { code: 'json-path'; path: string; values: string[] }
  | { code: 'invalid-regex'; error: string }
  | { code: 'invalid-json-path'; path: string; error: string }
  /** The hand-over's attributes are a string that is not JSON. */
  | { code: 'attributes-not-json'; attributes: string }
  /**
   * Where a value departs from the expected deep subset: at `path`, `want` an array or an
   * object, `length` elements, a key present, or the `value` (JSON); `got` is what is there.
   */
  | { code: 'subset-mismatch'; path: string; want: 'array' | 'object' | 'present'; got?: string }
  | { code: 'subset-mismatch'; path: string; want: 'length'; length: number; count: number; got: string }
  | { code: 'subset-mismatch'; path: string; want: 'value'; value: string; got: string }
  /** A replayed conversation: one recorded, or this call not recorded (turn, 1-based call, the request). */
  | { code: 'recorded-conversation' }
  | { code: 'not-recorded'; turn: number; call: number; method: string; url: string }
  | { code: 'no-call-recorded' };

/**
 * A replayed turn that failed (`--replay`): the recording `recording` holds no
 * conversation of this name (in `file`), no call at this point of the turn, or a
 * different call; `call` is 1-based. The sides are what the failure shows.
 */
export interface ReplayFailure {
  code: 'conversation-not-recorded' | 'call-not-recorded' | 'call-differs';
  recording?: string;
  conversation?: string;
  file?: string;
  turn: number;
  call: number;
  expected: FailureSide;
  actual: FailureSide;
}
