/**
 * Pure matching of one expected bot message against one message the customer received.
 * `expected`/`actual` are short human texts for the side-by-side failure report.
 */
import type { Expectation, HandoverExpectation } from './types';

export interface ObservedMessage {
  text: string;
  data?: Record<string, unknown>;
  quickReplies?: string[];
}

export interface MatchResult {
  ok: boolean;
  expected: string;
  actual: string;
}

export interface MatchOptions {
  /** Botium texts are compared case-insensitively unless this is set. */
  caseSensitive?: boolean;
  /** Botium texts must cover the whole message (still with `*` wildcards) instead of being found inside it. */
  wholeMessage?: boolean;
}

const NO_MESSAGE = '(no message)';

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
    return { ok: false, expected: list.map(describeExpectation).join('; '), actual: NO_MESSAGE };
  }
  let last: MatchResult | undefined;
  for (const one of list) {
    last = matchOne(one, observed, options);
    if (!last.ok) return last;
  }
  return last as MatchResult;
}

/** What a passed check says: nothing is printed for it, so nothing is described. */
function passed(actual: string): MatchResult {
  return { ok: true, expected: '', actual };
}

/** The expectation is described only when it failed: a suite checks every bot message. */
function matchOne(expect: Expectation, msg: ObservedMessage, options: MatchOptions): MatchResult {
  const text = msg.text ?? '';
  const verdict = (ok: boolean, actual: string = text): MatchResult => (ok ? passed(actual) : { ok, expected: describeExpectation(expect), actual });
  switch (expect.kind) {
    case 'any':
      return passed(text);
    case 'botium': {
      const caseSensitive = expect.caseSensitive ?? options.caseSensitive ?? false;
      return verdict(wildcardMatch(expect.text, text, { caseSensitive, whole: options.wholeMessage ?? false }));
    }
    case 'exact':
      return verdict(text === expect.text);
    case 'contains':
      return verdict(text.includes(expect.text));
    case 'regex': {
      let ok: boolean;
      try {
        ok = new RegExp(expect.pattern, expect.flags ?? '').test(text);
      } catch (error) {
        return verdict(false, `(invalid regular expression: ${(error as Error).message})`);
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
      return ok ? passed(text) : verdict(false, `quick replies ${stringify(offered)}`);
    }
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
 * Where `actual` departs from `expected` (a deep subset), as `path: expected X, got Y`;
 * undefined when it holds. Objects: every expected key, recursively; arrays: same length,
 * element by element; anything else: strict equality.
 */
export function subsetMismatch(expected: unknown, actual: unknown, path: string): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${stringify(actual)}`;
    if (actual.length !== expected.length) {
      return `${path}: expected ${expected.length} element(s), got ${actual.length}: ${stringify(actual)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const inner = subsetMismatch(expected[i], actual[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${path}: expected an object, got ${stringify(actual)}`;
    }
    for (const [key, value] of Object.entries(expected)) {
      if (!Object.prototype.hasOwnProperty.call(actual, key)) return `${path}.${key}: missing`;
      const inner = subsetMismatch(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (inner) return inner;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${path}: expected ${stringify(expected)}, got ${stringify(actual)}`;
}

export interface ObservedHandover {
  workflow?: string;
  channel?: string;
  attributes?: unknown;
}

/** Check an escalation against a `handover` step; undefined `observed` means none happened. */
export function matchHandover(expect: HandoverExpectation | undefined, observed: ObservedHandover | undefined): MatchResult {
  const expected = describeHandover(expect);
  if (!observed) return { ok: false, expected, actual: '(no handover)' };
  const actual = describeHandover({
    workflow: observed.workflow,
    channel: observed.channel,
    attributes: undefined,
  });
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
      try {
        attributes = JSON.parse(attributes);
      } catch {
        return { ok: false, expected, actual: `attributes (not JSON): ${attributes}` };
      }
    }
    const mismatch = subsetMismatch(expect.attributes, attributes, 'attributes');
    if (mismatch) return { ok: false, expected, actual: mismatch };
  }
  return { ok: true, expected, actual };
}

export function describeExpectation(expect: Expectation): string {
  switch (expect.kind) {
    case 'any':
      return 'any message';
    case 'botium':
      return `text like ${stringify(expect.text)}${expect.caseSensitive ? '' : ' (ignoring case)'}`;
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

function describeHandover(expect: HandoverExpectation | undefined): string {
  const parts: string[] = [];
  if (expect?.workflow !== undefined) parts.push(`workflow ${expect.workflow}`);
  if (expect?.channel !== undefined) parts.push(`channel ${expect.channel}`);
  if (expect?.attributes !== undefined) parts.push(`attributes including ${stringify(expect.attributes)}`);
  return parts.length ? `handover (${parts.join(', ')})` : 'handover';
}

function stringify(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
