/**
 * Pure matching of one expected bot message against one message the customer received.
 * `expected` describes the check; `actual` is what the customer received, or a state with
 * a code (`FailureSide`) the failure report words.
 */
import type { BotiumMatchMode, Expectation, FailureSide, FailureState, HandoverExpectation } from './types';

export interface ObservedButton {
  text?: string;
  payload?: unknown;
}

export interface ObservedCard {
  text?: string;
  subtext?: string;
  image?: string;
  buttons?: ObservedButton[];
}

export interface ObservedMessage {
  text: string;
  data?: Record<string, unknown>;
  quickReplies?: string[];
  /** Rich output as botium-connector-cognigy maps it: quick replies and buttons, media URLs, gallery/list items. */
  buttons?: ObservedButton[];
  media?: string[];
  cards?: ObservedCard[];
  /** The bot's whole answer (what Botium's JSON_PATH reads: SimpleRest's sourceData is the response body). */
  source?: unknown;
  /**
   * On the first of the messages one SMS was split into (one per Cognigy output): that
   * SMS, and how many messages it was split into, so that a `#bot` written from what the
   * customer saw (the whole SMS) is read too.
   */
  joined?: { message: ObservedMessage; parts: number };
}

export interface MatchResult {
  ok: boolean;
  /** The check that failed, as data (printers/failure.ts describes it). */
  expected: FailureSide;
  actual: FailureSide;
}

export interface MatchOptions {
  /** Botium texts are compared case-insensitively unless this is set. */
  caseSensitive?: boolean;
  /** Botium texts must cover the whole message (still with `*` wildcards) instead of being found inside it. */
  wholeMessage?: boolean;
}

const NO_MESSAGE: FailureState = { code: 'no-message' };

/**
 * Check every expectation against one message; the first that fails is reported.
 * `observed` undefined means the customer received no further message.
 */
export function matchBot(
  expect: Expectation | Expectation[],
  observed: ObservedMessage | undefined,
  options: MatchOptions = {},
): MatchResult {
  const given = Array.isArray(expect) ? expect : [expect];
  const list: Expectation[] = given.length ? given : [{ kind: 'any' }];
  if (!observed) {
    return { ok: false, expected: { code: 'bot-message', expect: list }, actual: NO_MESSAGE };
  }
  let last: MatchResult | undefined;
  for (const one of list) {
    last = matchOne(one, observed, options);
    if (!last.ok) return last;
  }
  return last as MatchResult;
}

/** What a passed check says: nothing is printed for it, so nothing is described. */
function passed(actual: FailureSide): MatchResult {
  return { ok: true, expected: '', actual };
}

/** A failed check returns the expectation as it is: a suite checks every bot message, the report describes only the failures. */
function matchOne(expect: Expectation, msg: ObservedMessage, options: MatchOptions): MatchResult {
  const text = msg.text ?? '';
  const verdict = (ok: boolean, actual: FailureSide = text): MatchResult => (ok ? passed(actual) : { ok, expected: { code: 'bot-message', expect: [expect] }, actual });
  switch (expect.kind) {
    case 'any':
      return passed(text);
    case 'botium': {
      if (expect.mode === undefined && expect.alternatives === undefined && !expect.not) {
        const caseSensitive = expect.caseSensitive ?? options.caseSensitive ?? false;
        return verdict(wildcardMatch(expect.text, text, { caseSensitive, whole: options.wholeMessage ?? false }));
      }
      const mode = expect.mode ?? 'wildcardIgnoreCase';
      const norm = expect.raw ? same : normalizeText;
      const response = norm(text);
      const found = (expect.alternatives ?? [expect.text]).some((u) => botiumMatch(mode, response, norm(u)));
      return verdict(expect.not ? !found : found);
    }
    case 'text': {
      const norm = expect.raw ? same : normalizeText;
      const response = norm(text);
      let found: boolean;
      if (expect.noArgIsJoker && expect.args.length === 0) found = response.length > 0;
      else if (expect.args.length === 0) return passed(text);
      else {
        const hits = expect.args.map((u) => botiumMatch(expect.mode, response, norm(u)));
        found = expect.all ? hits.every(Boolean) : hits.some(Boolean);
        // assertNotConvoStep of an ALL asserter fails when all are found, of an ANY one when any is.
      }
      return verdict(expect.not ? !found : found);
    }
    case 'rich':
      return matchRich(expect, msg, verdict);
    case 'notCheckable':
      // Counted by the runner; never a pass or a failure of its own.
      return passed(text);
    case 'exact':
      return verdict(text === expect.text);
    case 'contains':
      return verdict(text.includes(expect.text));
    case 'regex': {
      let ok: boolean;
      try {
        ok = new RegExp(expect.pattern, expect.flags ?? '').test(text);
      } catch (error) {
        return verdict(false, { code: 'invalid-regex', error: (error as Error).message });
      }
      return verdict(ok);
    }
    case 'data': {
      const mismatch = subsetMismatch(expect.subset, msg.data, 'data');
      return mismatch === undefined ? passed(text) : verdict(false, mismatch);
    }
    case 'quickReplies': {
      const offered = msg.quickReplies ?? [];
      const ok =
        expect.mode === 'exact'
          ? offered.length === expect.values.length && offered.every((value, i) => value === expect.values[i])
          : expect.values.every((want) => offered.some((have) => have.toLowerCase() === want.toLowerCase()));
      return ok ? passed(text) : verdict(false, { code: 'quick-replies', values: offered });
    }
  }
}

type Verdict = (ok: boolean, actual?: FailureSide) => MatchResult;

/** Botium's BUTTONS / MEDIA / CARDS (ButtonsAsserter, MediaAsserter, CardsAsserter) and JSON_PATH (JsonPathAsserter). */
const same = (text: string) => text;

function matchRich(expect: Extract<Expectation, { kind: 'rich' }>, msg: ObservedMessage, verdict: Verdict): MatchResult {
  const match = (have: string, want: string) => botiumMatch(expect.mode, have, want);
  const norm = expect.raw ? same : normalizeText;
  if (expect.name === 'JSON_PATH') {
    const [jsonPath, want] = expect.args;
    const values = jsonPathQuery(msg.source, jsonPath);
    if (!values.ok) return verdict(false, { code: 'invalid-json-path', path: jsonPath, error: values.error });
    const shown: FailureState = { code: 'json-path', path: jsonPath, values: values.values.map(botiumString) };
    if (!values.values.length) return verdict(expect.not, shown);
    if (want === undefined) return verdict(!expect.not, shown);
    const found = values.values.some((v) => match(botiumString(v), want));
    return verdict(expect.not ? !found : found, shown);
  }
  if (expect.name.includes('_COUNT')) {
    // BaseCountAsserter: `2`, `=2`, `>=2`, `<3`…, no argument: more than none; `_REC` counts those of cards too.
    const rec = expect.name.endsWith('_REC');
    const cards = msg.cards ?? [];
    const count = expect.name.startsWith('BUTTONS')
      ? (msg.buttons ?? []).length + (rec ? cards.reduce((n, c) => n + (c.buttons ?? []).length, 0) : 0)
      : expect.name.startsWith('MEDIA')
        ? (msg.media ?? []).length + (rec ? cards.filter((c) => c.image).length : 0)
        : cards.length;
    const ok = countHolds(count, expect.args[0] || '>0');
    return verdict(expect.not ? !ok : ok, { code: 'rich-count', what: expect.name.startsWith('BUTTONS') ? 'buttons' : expect.name.startsWith('MEDIA') ? 'media' : 'cards', count });
  }
  let have: { texts: string[]; extra?: string[] };
  let shown: FailureState;
  if (expect.name === 'BUTTONS') {
    const all = [...(msg.buttons ?? []), ...(msg.cards ?? []).flatMap((c) => c.buttons ?? [])];
    have = { texts: all.map((b) => norm(b.text ?? '')), extra: all.map((b) => payloadString(b.payload)) };
    shown = { code: 'rich', what: 'buttons', values: all.map((b) => b.text ?? b.payload) };
  } else if (expect.name === 'MEDIA') {
    const all = [...(msg.media ?? []), ...(msg.cards ?? []).flatMap((c) => (c.image ? [c.image] : []))];
    have = { texts: all };
    shown = { code: 'rich', what: 'media', values: all };
  } else {
    const all = (msg.cards ?? []).flatMap((c) => [c.text, c.subtext].filter((t): t is string => !!t));
    have = { texts: all.map((t) => norm(t)) };
    shown = { code: 'rich', what: 'cards', values: all };
  }
  const args = expect.name === 'MEDIA' ? expect.args : expect.args.map((a) => norm(a));
  if (!args.length) {
    const some = have.texts.length > 0;
    return verdict(expect.not ? !some : some, shown);
  }
  const isFound = (arg: string) => have.texts.some((t) => match(t, arg)) || (have.extra ?? []).some((p) => match(p, arg));
  const found = args.filter(isFound);
  return verdict(expect.not ? found.length === 0 : found.length === args.length, shown);
}

function countHolds(count: number, check: string): boolean {
  const c = check.trim();
  const m = /^(<=|<|>=|>|==|=)?\s*(-?\d+)/.exec(c);
  if (!m) return false;
  const n = parseInt(m[2], 10);
  switch (m[1]) {
    case '<=':
      return count <= n;
    case '<':
      return count < n;
    case '>=':
      return count >= n;
    case '>':
      return count > n;
    default:
      return count === n;
  }
}

/** ButtonsAsserter compares a payload as its JSON text. */
function payloadString(payload: unknown): string {
  if (payload === undefined || payload === null) return '';
  if (typeof payload === 'string') {
    try {
      return JSON.stringify(JSON.parse(payload));
    } catch {
      return JSON.stringify(payload);
    }
  }
  return JSON.stringify(payload);
}

/** helper.toString. */
function botiumString(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(botiumString).join(',');
  return stringify(value);
}

let jsonPathModule: typeof import('jsonpath-plus') | undefined;

/** JSONPath on the bot's answer; the library is loaded only when a suite uses JSON_PATH. */
export function jsonPathQuery(json: unknown, query: string): { ok: true; values: unknown[] } | { ok: false; error: string } {
  jsonPathModule ??= require('jsonpath-plus') as typeof import('jsonpath-plus');
  if (json === undefined || json === null) return { ok: true, values: [] };
  try {
    const values = jsonPathModule.JSONPath({ path: query, json: json as object, wrap: true, eval: 'safe' }) as unknown[];
    return { ok: true, values: values ?? [] };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/**
 * botium-core's normalizeText with SCRIPTING_NORMALIZE_TEXT (its default): HTML tags
 * dropped, a few entities decoded, control characters and whitespace runs as one space.
 */
export function normalizeText(text: string): string {
  let s = text;
  if (s.includes('<')) s = s.replace(/<p[^>]*>/g, ' ').replace(/<\/p>/g, ' ').replace(/<br[^>]*>/g, ' ').replace(/<[^>]*>/g, '');
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\x00-\x1F\x7F]/g, ' ');
  if (s.includes('&')) s = s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
  return s.replace(/\s+/g, ' ').trim();
}

const quoteRegexp = (s: string) => s.replace(/[-\\^$*+?.()|[\]{}]/g, '\\$&');

/** MatchFunctions.getMatchFunction(mode)(response, utterance), on normalized texts. */
export function botiumMatch(mode: BotiumMatchMode, response: string, utterance: string): boolean {
  switch (mode) {
    case 'regexp':
    case 'regexpIgnoreCase':
      try {
        return new RegExp(utterance, mode === 'regexp' ? '' : 'i').test(response);
      } catch {
        return false;
      }
    case 'wildcard':
    case 'wildcardIgnoreCase':
    case 'wildcardLowerCase':
    case 'wildcardExact':
    case 'wildcardExactIgnoreCase': {
      const exact = mode.startsWith('wildcardExact');
      const body = quoteRegexp(utterance).replace(/\\\*/g, '(.*)');
      return new RegExp(exact ? `^${body}$` : body, mode === 'wildcard' || mode === 'wildcardExact' ? '' : 'i').test(response);
    }
    case 'include':
      return response.includes(utterance);
    case 'includeIgnoreCase':
    case 'includeLowerCase':
      return response.toLowerCase().includes(utterance.toLowerCase());
    case 'equalsIgnoreCase':
      return response.toLowerCase() === utterance.toLowerCase();
    case 'equals':
    default:
      return response === utterance;
  }
}

/**
 * Botium's default text match: `*` stands for any run of characters, the rest is
 * literal, and (unless `whole`) the pattern may occur anywhere in the message, as
 * Botium's default `include`/`wildcard` matching does.
 */
export function wildcardMatch(
  pattern: string,
  text: string,
  options: { caseSensitive?: boolean; whole?: boolean } = {},
): boolean {
  // Plain string search, not a RegExp built per call: a suite checks every bot message
  // with its own pattern, and compiling one each time was the runner's hottest spot.
  const fold = (s: string) => {
    const squashed = s.replace(/\s+/g, ' ').trim();
    return options.caseSensitive ? squashed : squashed.toLowerCase();
  };
  const parts = fold(pattern).split('*');
  const subject = fold(text);
  if (!options.whole) {
    let at = 0;
    for (const part of parts) {
      const found = subject.indexOf(part, at);
      if (found < 0) return false;
      at = found + part.length;
    }
    return true;
  }
  if (parts.length === 1) return subject === parts[0];
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!subject.startsWith(first)) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = subject.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return subject.length - last.length >= at && subject.endsWith(last);
}

/**
 * Where `actual` departs from `expected` (a deep subset), at which path and how;
 * undefined when it holds. Objects: every expected key, recursively; arrays: same length,
 * element by element; anything else: strict equality.
 */
export function subsetMismatch(expected: unknown, actual: unknown, path: string): FailureState | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { code: 'subset-mismatch', path, want: 'array', got: stringify(actual) };
    if (actual.length !== expected.length) {
      return { code: 'subset-mismatch', path, want: 'length', length: expected.length, count: actual.length, got: stringify(actual) };
    }
    for (let i = 0; i < expected.length; i++) {
      const inner = subsetMismatch(expected[i], actual[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return { code: 'subset-mismatch', path, want: 'object', got: stringify(actual) };
    }
    for (const [key, value] of Object.entries(expected)) {
      if (!Object.prototype.hasOwnProperty.call(actual, key)) return { code: 'subset-mismatch', path: `${path}.${key}`, want: 'present' };
      const inner = subsetMismatch(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (inner) return inner;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : { code: 'subset-mismatch', path, want: 'value', value: stringify(expected), got: stringify(actual) };
}

export interface ObservedHandover {
  workflow?: string;
  channel?: string;
  attributes?: unknown;
}

/** Check an escalation against a `handover` step; undefined `observed` means none happened. */
export function matchHandover(expect: HandoverExpectation | undefined, observed: ObservedHandover | undefined): MatchResult {
  const expected: FailureState = { code: 'handover', ...(expect ?? {}) };
  if (!observed) return { ok: false, expected, actual: { code: 'no-handover' } };
  const actual: FailureState = {
    code: 'handover',
    ...(observed.workflow !== undefined ? { workflow: observed.workflow } : {}),
    ...(observed.channel !== undefined ? { channel: observed.channel } : {}),
  };
  if (expect?.workflow !== undefined && observed.workflow !== expect.workflow) {
    return { ok: false, expected, actual };
  }
  if (expect?.channel !== undefined && observed.channel !== expect.channel) {
    return { ok: false, expected, actual };
  }
  if (expect?.attributes) {
    let attributes = observed.attributes;
    // Studio's Send to Flex widget carries attributes as a JSON string.
    if (typeof attributes === 'string') {
      const raw = attributes;
      try {
        attributes = JSON.parse(raw);
      } catch {
        return { ok: false, expected, actual: { code: 'attributes-not-json', attributes: raw } };
      }
    }
    const mismatch = subsetMismatch(expect.attributes, attributes, 'attributes');
    if (mismatch) return { ok: false, expected, actual: mismatch };
  }
  return { ok: true, expected, actual };
}

/** A value as JSON text for a failure's sides (`undefined` and what JSON cannot hold as themselves). */
export function stringify(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
