/**
 * The 17 condition types of split-based-on. Both sides are rendered strings.
 *
 * Twilio documents that "Studio conditions are not case-sensitive and automatically trim
 * leading and trailing spaces of the values", so every comparison here trims both sides
 * and ignores case (regex included: it is compiled with the `i` flag). Where Studio says
 * nothing, these are the rules:
 * - `matches_any_of` / `does_not_match_any_of`: `value` is split on commas, each item
 *   trimmed, empty items ignored; the input must equal one item.
 * - `regex`: JavaScript syntax; the pattern must match the whole (trimmed) input, ignoring
 *   case, as Studio's widget page says (`[1-5]` does not hold for `16`); an invalid
 *   pattern never holds and says so.
 * - `less_than` / `greater_than`: numeric, and only when both sides are numbers; otherwise
 *   the condition does not hold (Studio's FAQ: compare numbers, not strings).
 * - `is_before_time` / `is_after_time`: times of day, `HH:MM`, `HH:MM:SS` (24 h) or
 *   `h:MM AM/PM`, compared as seconds since midnight; unparsable → does not hold.
 * - `is_before_date` / `is_after_date`: calendar dates. `YYYY-MM-DD…` (ISO, the time part
 *   ignored) or anything `Date.parse` accepts (its day in local time); compared by day.
 */

export interface ConditionVerdict {
  holds: boolean;
  /** Why it cannot hold whatever the values' order: data, for whoever shows the split (the values are in its event). */
  note?: ConditionNote;
}

/**
 * A condition that does not hold for a reason of its own: a side (`input` or `value`) that
 * is not a number, time of day or date, a regex that does not compile, a type Studio does
 * not have.
 */
export type ConditionNote =
  | { code: 'not-comparable'; side: 'input' | 'value'; as: 'number' | 'time-of-day' | 'date' }
  | { code: 'invalid-regex'; error: string }
  | { code: 'unknown-type' };

function norm(s: string): string {
  return s.trim().toLowerCase();
}

const verdict = (holds: boolean, note?: ConditionNote): ConditionVerdict => (note ? { holds, note } : { holds });

function anyOf(input: string, value: string): boolean {
  const needle = norm(input);
  return value
    .split(',')
    .map(norm)
    .some((item) => item !== '' && item === needle);
}

const regexCache = new Map<string, RegExp | Error>();

function compileRegex(pattern: string): RegExp | Error {
  let compiled = regexCache.get(pattern);
  if (compiled === undefined) {
    try {
      // Anchored around a group, so an alternation `a|b` is anchored as a whole.
      compiled = new RegExp(`^(?:${pattern})$`, 'i');
    } catch (error) {
      compiled = error instanceof Error ? error : new Error(String(error));
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, compiled);
  }
  return compiled;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function toNumber(s: string): number | undefined {
  const t = s.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?$/i;

/** Seconds since midnight, or undefined. */
export function parseTimeOfDay(s: string): number | undefined {
  const m = TIME.exec(s.trim());
  if (!m) return undefined;
  let hours = Number(m[1]);
  const minutes = Number(m[2]);
  const seconds = m[3] === undefined ? 0 : Number(m[3]);
  const meridiem = m[4]?.toLowerCase();
  if (minutes > 59 || seconds > 59) return undefined;
  if (meridiem) {
    if (hours < 1 || hours > 12) return undefined;
    hours = (hours % 12) + (meridiem === 'pm' ? 12 : 0);
  } else if (hours > 23) return undefined;
  return hours * 3600 + minutes * 60 + seconds;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;

/** A calendar day as a comparable number (YYYYMMDD), or undefined. */
export function parseCalendarDate(s: string): number | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const iso = ISO_DATE.exec(t);
  if (iso) {
    const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
    return y * 10000 + m * 100 + d;
  }
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse reads a date without zone ("March 2, 2024") as local midnight: read the
  // day back in local time so it stays the day that was written.
  const date = new Date(ms);
  return date.getFullYear() * 10000 + (date.getMonth() + 1) * 100 + date.getDate();
}

function compare(
  input: string,
  value: string,
  parse: (s: string) => number | undefined,
  as: 'number' | 'time-of-day' | 'date',
  holds: (a: number, b: number) => boolean,
): ConditionVerdict {
  const a = parse(input);
  const b = parse(value);
  if (a === undefined || b === undefined) {
    return verdict(false, { code: 'not-comparable', side: a === undefined ? 'input' : 'value', as });
  }
  return verdict(holds(a, b));
}

/** Evaluates one condition; an unknown type never holds and says so. */
export function evaluateCondition(type: string, input: string, value: string): ConditionVerdict {
  switch (type) {
    case 'equal_to':
      return verdict(norm(input) === norm(value));
    case 'not_equal_to':
      return verdict(norm(input) !== norm(value));
    case 'matches_any_of':
      return verdict(anyOf(input, value));
    case 'does_not_match_any_of':
      return verdict(!anyOf(input, value));
    case 'is_blank':
      return verdict(input.trim() === '');
    case 'is_not_blank':
      return verdict(input.trim() !== '');
    case 'regex': {
      const re = compileRegex(value.trim());
      if (re instanceof Error) return verdict(false, { code: 'invalid-regex', error: re.message });
      return verdict(re.test(input.trim()));
    }
    case 'contains':
      return verdict(norm(input).includes(norm(value)));
    case 'does_not_contain':
      return verdict(!evaluateCondition('contains', input, value).holds);
    case 'starts_with':
      return verdict(norm(input).startsWith(norm(value)));
    case 'does_not_start_with':
      return verdict(!evaluateCondition('starts_with', input, value).holds);
    case 'less_than':
      return compare(input, value, toNumber, 'number', (a, b) => a < b);
    case 'greater_than':
      return compare(input, value, toNumber, 'number', (a, b) => a > b);
    case 'is_before_time':
      return compare(input, value, parseTimeOfDay, 'time-of-day', (a, b) => a < b);
    case 'is_after_time':
      return compare(input, value, parseTimeOfDay, 'time-of-day', (a, b) => a > b);
    case 'is_before_date':
      return compare(input, value, parseCalendarDate, 'date', (a, b) => a < b);
    case 'is_after_date':
      return compare(input, value, parseCalendarDate, 'date', (a, b) => a > b);
    default:
      return verdict(false, { code: 'unknown-type' });
  }
}
