/**
 * Deterministic randomness: SIDs and fault probabilities come from a seeded PRNG so a
 * failing test replays the same way.
 */
export type Random = () => number;

/** mulberry32: tiny, fast, good enough for test data. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hex32(random: Random): string {
  let out = '';
  for (let i = 0; i < 32; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** A Twilio SID: two-letter prefix and 32 hex digits, e.g. FW0123…. */
export function makeSid(prefix: string, random: Random): string {
  return `${prefix}${hex32(random)}`;
}

/** ISO 8601 without milliseconds, as Twilio's JSON APIs write dates. */
export function isoNow(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
