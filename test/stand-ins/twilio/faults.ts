/**
 * Fault injection: rules that make the fake answer as an overloaded or broken Twilio would.
 * Rules are checked in the order they were added; the first that fires wins.
 */
import { Random, seededRandom } from './ids';

export type FaultKind =
  | { kind: '429'; retryAfter?: number }
  | { kind: '503' }
  | { kind: 'reset' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'succeed-then-503' };

export type FaultRule = FaultKind & {
  /** HTTP method to match (any when absent), case-insensitive. */
  method?: string;
  /** Regex (a string is a regex source) tested on the path with its product, e.g. /studio/v2/Flows. */
  path?: RegExp | string;
  /** Fire this many times, then stop. */
  times?: number;
  /** Fire with this probability (0..1), drawn from the injector's seeded PRNG. */
  probability?: number;
};

export interface FiredFault {
  rule: FaultRule;
  kind: FaultKind;
}

export class FaultInjector {
  private rules: Array<{ rule: FaultRule; remaining: number }> = [];
  private random: Random;
  /** Every fault that fired, for assertions. */
  readonly fired: Array<{ method: string; path: string; kind: FaultKind['kind'] }> = [];

  constructor(private readonly seed = 1) {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule): this {
    if (rule.probability !== undefined && (rule.probability < 0 || rule.probability > 1)) {
      throw new Error(`fault probability must be within 0..1, got ${rule.probability}`);
    }
    if (rule.kind === 'slow' && !(rule.delayMs >= 0)) throw new Error('a slow fault needs delayMs');
    this.rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  clear(): void {
    this.rules = [];
    this.fired.length = 0;
    this.random = seededRandom(this.seed);
  }

  /** The fault to apply to this request, if any; consumes one firing of its rule. */
  pick(method: string, path: string): FaultKind | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (entry.remaining <= 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path !== undefined) {
        const re = typeof rule.path === 'string' ? new RegExp(rule.path) : rule.path;
        re.lastIndex = 0;
        if (!re.test(path)) continue;
      }
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      entry.remaining -= 1;
      this.fired.push({ method, path, kind: rule.kind });
      return rule;
    }
    return undefined;
  }
}
