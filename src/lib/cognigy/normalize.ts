/**
 * A bot's answer to one turn, in one shape whatever Cognigy sent. `outputStack` is the
 * source of truth (one entry per Say node or data-only output); the top-level `text` and
 * `data` are only a summary whose merging rules are not documented.
 */
export type RichKind = 'quickReplies' | 'buttons' | 'gallery' | 'list' | 'image' | 'audio' | 'video' | 'adaptiveCard';

/** Rich content reduced to what a terminal can show (an SMS user receives only the text). */
export interface RichContent {
  kind: RichKind;
  text?: string;
  /** Quick-reply, button or item titles, in order. */
  options: string[];
  urls?: string[];
}

export interface BotOutput {
  /** Null for data-only outputs (empty or missing text). */
  text: string | null;
  data: Record<string, unknown>;
  rich?: RichContent;
  source?: string;
}

export interface Escalation {
  key: string;
  /** Index of the first output whose data asks for it; null when only the top-level data does. */
  outputIndex: number | null;
}

export interface BotTurn {
  outputs: BotOutput[];
  /** The outputs' texts joined with a space (the top-level text if there are no outputs). */
  text: string;
  /** The outputs' data merged in order, then the top-level data over it. */
  data: Record<string, unknown>;
  /** Set when `normalizeResponse` was given an escalation key and the bot asked for a human. */
  escalation?: Escalation;
}

export interface NormalizeOptions {
  escalationKey?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `data` as an object: JSON strings are parsed (LLM outputs send them); anything else is kept under `_raw`. */
export function normalizeData(data: unknown): Record<string, unknown> {
  if (data === undefined || data === null) return {};
  if (isRecord(data)) return data;
  if (typeof data === 'string') {
    if (data.trim() === '') return {};
    try {
      const parsed: unknown = JSON.parse(data);
      if (isRecord(parsed)) return parsed;
    } catch {
      // not JSON: fall through and keep it visible
    }
    return { _raw: data };
  }
  return { _raw: data };
}

export function normalizeResponse(body: unknown, options: NormalizeOptions = {}): BotTurn {
  const root = isRecord(body) ? body : {};
  const stack = Array.isArray(root.outputStack) ? root.outputStack : undefined;
  const outputs: BotOutput[] = [];
  if (stack) {
    for (const entry of stack) outputs.push(normalizeOutput(entry));
  } else if (root.text !== undefined || root.data !== undefined) {
    // No outputStack: fall back to the summary fields as a single output.
    outputs.push(normalizeOutput({ text: root.text, data: root.data }));
  }
  const topData = normalizeData(root.data);
  const texts = outputs.map((o) => o.text).filter((t): t is string => t !== null);
  const text = texts.length ? texts.join(' ') : typeof root.text === 'string' ? root.text : '';
  // Spread, not Object.assign: a `"__proto__"` key in the bot's JSON must stay a key, not
  // become the merged object's prototype.
  let data: Record<string, unknown> = {};
  for (const output of outputs) data = { ...data, ...output.data };
  data = { ...data, ...topData };

  const turn: BotTurn = { outputs, text, data };
  if (options.escalationKey) {
    const escalation = findEscalation(outputs, topData, options.escalationKey);
    if (escalation) turn.escalation = escalation;
  }
  return turn;
}

function normalizeOutput(entry: unknown): BotOutput {
  const raw = isRecord(entry) ? entry : { text: entry };
  const text = typeof raw.text === 'string' && raw.text !== '' ? raw.text : null;
  const data = normalizeData(raw.data);
  const output: BotOutput = { text, data };
  const rich = richContent(data);
  if (rich) output.rich = rich;
  if (typeof raw.source === 'string') output.source = raw.source;
  return output;
}

const RICH_KEYS: Record<string, RichKind> = {
  _quickReplies: 'quickReplies',
  _buttons: 'buttons',
  _gallery: 'gallery',
  _list: 'list',
  _image: 'image',
  _audio: 'audio',
  _video: 'video',
  _adaptiveCard: 'adaptiveCard',
};

/** The `_default` channel payload, at `data._cognigy` or the legacy `data._data._cognigy`. */
export function defaultPayload(data: Record<string, unknown>): Record<string, unknown> | undefined {
  const candidates = [data._cognigy, isRecord(data._data) ? data._data._cognigy : undefined];
  for (const cognigy of candidates) {
    const parsed = typeof cognigy === 'string' ? normalizeData(cognigy) : cognigy;
    if (isRecord(parsed) && isRecord(parsed._default)) return parsed._default;
  }
  return undefined;
}

export function richContent(data: Record<string, unknown>): RichContent | undefined {
  const payload = defaultPayload(data);
  if (!payload) return undefined;
  for (const [key, kind] of Object.entries(RICH_KEYS)) {
    const value = payload[key];
    if (!isRecord(value)) continue;
    return describeRich(kind, value);
  }
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function titles(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => (isRecord(item) ? str(item.title) ?? str(item.payload) : str(item))).filter((t): t is string => !!t);
}

/** Every media or link URL in the payload, in document order, without repeats. */
function collectUrls(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 6) return out;
  if (Array.isArray(value)) {
    for (const item of value) collectUrls(item, out, depth + 1);
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' && /url$/i.test(key) && /^https?:\/\//i.test(item)) {
        if (!out.includes(item)) out.push(item);
      } else if (typeof item === 'object') {
        collectUrls(item, out, depth + 1);
      }
    }
  }
  return out;
}

function describeRich(kind: RichKind, value: Record<string, unknown>): RichContent {
  let text = str(value.text);
  let options: string[] = [];
  switch (kind) {
    case 'quickReplies':
      options = titles(value.quickReplies);
      break;
    case 'buttons':
      options = titles(value.buttons);
      break;
    case 'gallery':
    case 'list':
      options = titles(value.items ?? value.elements);
      break;
    case 'adaptiveCard': {
      const card = isRecord(value.adaptiveCard) ? value.adaptiveCard : value;
      const body = Array.isArray(card.body) ? card.body : [];
      text ??= body.map((b) => (isRecord(b) && b.type === 'TextBlock' ? str(b.text) : undefined)).find((t) => t);
      options = titles(card.actions);
      break;
    }
    default:
      break;
  }
  const rich: RichContent = { kind, options };
  if (text) rich.text = text;
  const urls = collectUrls(value);
  if (urls.length) rich.urls = urls;
  return rich;
}

function lookup(data: Record<string, unknown>, key: string): unknown {
  if (key in data) return data[key];
  let current: unknown = data;
  for (const part of key.split('.')) {
    if (!isRecord(current)) return undefined;
    current = normalizeDataValue(current[part]);
  }
  return current;
}

/** Nested data may itself arrive as a JSON string; only objects are descended into. */
function normalizeDataValue(value: unknown): unknown {
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    const parsed = normalizeData(value);
    return '_raw' in parsed ? value : parsed;
  }
  return value;
}

function truthyFlag(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

function findEscalation(outputs: BotOutput[], topData: Record<string, unknown>, key: string): Escalation | undefined {
  const index = outputs.findIndex((o) => truthyFlag(lookup(o.data, key)));
  if (index >= 0) return { key, outputIndex: index };
  if (truthyFlag(lookup(topData, key))) return { key, outputIndex: null };
  return undefined;
}

function isTurn(value: unknown): value is BotTurn {
  return isRecord(value) && Array.isArray(value.outputs) && isRecord(value.data);
}

/**
 * Whether the bot asks for a human: `key` (dotted for nesting, `a.b`) is `true` or the
 * string `"true"` (any case) in any output's data or in the top-level data.
 */
export function isEscalation(turnOrData: BotTurn | Record<string, unknown> | undefined | null, key: string): boolean {
  if (!turnOrData) return false;
  if (isTurn(turnOrData)) return findEscalation(turnOrData.outputs, turnOrData.data, key) !== undefined;
  return truthyFlag(lookup(normalizeData(turnOrData), key));
}
