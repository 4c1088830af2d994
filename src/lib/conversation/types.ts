/**
 * The one model every script format is read into: a *conversation* is a list of steps
 * the customer takes (`user`, `silence`) and expectations about what comes back (`bot`,
 * `handover`, `end`). Line numbers are 1-based and point at the step in its file, so a
 * failure can say `file:line`.
 */

export type ChannelModelName = 'conversations' | 'legacy';

/** One check against one message the customer received. */
export type Expectation =
  /** BotiumScript text: `*` wildcards, found anywhere in the message, case-insensitive unless `caseSensitive`. */
  | { kind: 'botium'; text: string; caseSensitive?: boolean }
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

export type Step =
  /** `media`: URLs the customer sends with the text (Botium's `MEDIA` in `#me`). */
  | { kind: 'user'; text: string; media?: string[]; line: number }
  /** The customer stays silent: the flow's wait widget times out. */
  | { kind: 'silence'; line: number }
  /** All expectations hold for the next message the customer receives. */
  | { kind: 'bot'; expect: Expectation[]; line: number }
  /** `refused`: Flex refuses the task (the flow takes send-to-flex's failedToEnqueue). */
  | { kind: 'handover'; expect?: HandoverExpectation; refused?: boolean; line: number }
  | { kind: 'end'; reason?: string; line: number };

export interface Conversation {
  name: string;
  file: string;
  /** Line where the conversation starts (1 for a `.convo.txt`). */
  line: number;
  /** Customer address to use; the driver factory picks one when absent. */
  from?: string;
  channelModel?: ChannelModelName;
  steps: Step[];
  /** Parts of the script that were read but are not acted on (e.g. a BotiumScript `#begin` block). */
  warnings?: { line: number; message: string }[];
}

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
