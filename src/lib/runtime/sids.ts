import { randomBytes } from 'node:crypto';

/**
 * Twilio SIDs are two letters and 32 hex digits. The interpreter mints them for the
 * execution, messages and tasks it simulates; tests inject `ids` to make them predictable.
 */
export type IdSource = () => string;

export type SidFactory = (prefix: SidPrefix) => string;

/** CH channel/conversation, IM chat message, SM SMS, FN execution, FW flow, IS chat service,
 * KC proxy session, WT task, MB participant, AC account, MG messaging service. */
export type SidPrefix = 'CH' | 'IM' | 'SM' | 'FN' | 'FW' | 'IS' | 'KC' | 'WT' | 'MB' | 'AC' | 'MG';

const HEX32 = /^[0-9a-f]{32}$/;

export function randomHex32(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Unique ids without a call to the system's random source per id: 64 random bits drawn
 * once per process, then a counter. Scripted runs mint over a dozen SIDs per conversation;
 * the channel SID becomes the bot's session id, so ids must differ between runs against
 * the same bot, which the random half sees to.
 */
let uniquePrefix: string | undefined;
let uniqueCounter = 0;
export function uniqueHex32(): string {
  uniquePrefix ??= randomBytes(8).toString('hex');
  return uniquePrefix + (uniqueCounter++).toString(16).padStart(16, '0');
}

/** Sources known to give 32 lower-case hex digits: their ids are not checked again. */
const WELL_FORMED: ReadonlySet<IdSource> = new Set([randomHex32, uniqueHex32]);

/** Deterministic ids for tests: 000…001, 000…002, … */
export function sequentialIds(start = 1): IdSource {
  let next = start;
  return () => (next++).toString(16).padStart(32, '0');
}

/**
 * Wraps an id source into a SID maker. Ids that are not 32 lower-case hex digits are
 * padded or hashed into shape so every SID the runtime shows looks like a real one.
 */
export function sidFactory(ids: IdSource = randomHex32): SidFactory {
  if (WELL_FORMED.has(ids)) return (prefix) => prefix + ids();
  return (prefix) => {
    const id = ids();
    if (HEX32.test(id)) return prefix + id;
    const hex = Buffer.from(id, 'utf8').toString('hex').slice(-32);
    return prefix + hex.padStart(32, '0');
  };
}
