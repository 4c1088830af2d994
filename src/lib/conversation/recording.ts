/**
 * Recordings of the bot (`test-chat --record FILE`, `--replay FILE`): every call the flow
 * makes to the Cognigy endpoint, per conversation and customer turn, so a suite can test
 * the flow again and again without the bot (no rate limit, no billed conversations, no
 * answers that change under the test).
 *
 * The file is a YAML stream: a header document, then one document per conversation,
 * sorted by conversation name (then script file), turns in order, no timestamps. Every
 * value is written as JSON on its line (JSON is YAML), so a reviewer reads it as YAML and
 * the replay reads a document back without a YAML parser: a suite of 10,000 conversations
 * must not spend its time parsing. A document someone edited by hand into other YAML is
 * read with the `yaml` package instead. Replay holds only an index (name → offset) and reads
 * a conversation's document when the conversation starts, so memory stays flat.
 *
 * What changes from run to run is written as a placeholder and compared as one: the URL
 * token (`$COGNIGY_URL_TOKEN`, as flow files have it), the customer's address
 * (`$CUSTOMER`) and the ids the run mints (`$ID1`, `$ID2`… in order of first appearance:
 * any 32-hex-digit value the flow definition does not hold).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { isBotUrl } from '../cognigy/endpoint';
import { UsageError } from '../errors';
import { HttpFailure, type HttpFailureKind, type HttpRequest, type HttpResponse, type HttpTransport } from '../http/types';
import { endpointToken, redact } from '../redact';
import { writeFileAtomic } from '../files';
import { TOKEN_PLACEHOLDER } from '../studio/endpoint-token';
import { FORM_CONTENT_TYPE } from '../domain/studio';
import { isJsonMediaType } from '../runtime/http-call';
import type { ReplayFailure } from './types';

export const RECORDING_VERSION = 1;
export const CUSTOMER_PLACEHOLDER = '$CUSTOMER';
const ID_PLACEHOLDER = /\$ID(\d+)/g;
const HEX32 = /(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/g;

export type ReplayMode = 'strict' | 'new-only';

/** The request as the flow sent it, with the run's own values as placeholders. */
export interface RecordedRequest {
  method: string;
  url: string;
  contentType?: string;
  /** `params`: a form body, decoded (JSON object text); `json`: a JSON body (its JSON text); `body`: any other body (a JSON string). */
  kind?: 'params' | 'json' | 'body';
  payload?: string;
}

export interface RecordedResponse {
  status?: number;
  contentType?: string;
  /** `json`: the body is this JSON text, byte for byte; `body`: a JSON string holding the body. */
  kind?: 'json' | 'body';
  payload?: string;
  tooLarge?: boolean;
  /** No answer (time-out, network error): what the transport said. */
  failure?: { kind: HttpFailureKind; message: string };
  elapsedMs: number;
}

export interface RecordedCall {
  request: RecordedRequest;
  response: RecordedResponse;
}

export interface RecordedTurn {
  turn: number;
  customer?: string;
  calls: RecordedCall[];
}

export interface RecordedConversation {
  name: string;
  file?: string;
  turns: RecordedTurn[];
}

/** How a conversation is found in a recording: its name and its script file (relative, `/`-separated). */
export function conversationKey(name: string, file?: string): string {
  return `${name}\u0000${file ?? ''}`;
}

/**
 * Script files are named relative to the recording's own folder, with `/`: the same on
 * every machine and from every working directory (a CI job at the repository's root, a
 * developer in a subfolder), as long as the scripts and the recording move together.
 */
export function recordedFileName(file: string | undefined, recording: string): string | undefined {
  if (!file) return undefined;
  return path.relative(path.dirname(path.resolve(recording)), path.resolve(file)).split(path.sep).join('/');
}

// ---------------------------------------------------------------------------------------
// The run's own values as placeholders

/**
 * One conversation's placeholders. Ids are numbered in the order they first appear in
 * its exchanges, which the flow fixes: the same script gives the same numbers every run.
 */
export class Placeholders {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];
  private readonly customerJson: string;
  /** The customer's address as JSON, form and URL encoding write it (each once). */
  private readonly customerForms: string[];
  private readonly fixed: ReadonlySet<string>;

  constructor(
    readonly customer: string,
    /** The flow definition (its text, or its fixedIds): a 32-hex value written in it is part of the flow, not of the run. */
    fixed: string | ReadonlySet<string>,
  ) {
    this.customerJson = JSON.stringify(customer).slice(1, -1);
    const forms = [this.customerJson, new URLSearchParams({ c: customer }).toString().slice(2), encodeURIComponent(customer)];
    this.customerForms = customer ? [...new Set(forms)].filter(Boolean) : [];
    this.fixed = typeof fixed === 'string' ? fixedIds(fixed) : fixed;
  }

  /** Hide the run's values in JSON text or a URL. */
  hide(text: string): string {
    let out = text;
    for (const form of this.customerForms) {
      if (out.includes(form)) out = out.split(form).join(CUSTOMER_PLACEHOLDER);
    }
    return out.replace(HEX32, (hex) => {
      if (this.fixed.has(hex)) return hex;
      let n = this.ids.get(hex);
      if (n === undefined) {
        this.values.push(hex);
        n = this.values.length;
        this.ids.set(hex, n);
      }
      return `$ID${n}`;
    });
  }

  /** Put the run's values back into recorded JSON text (an id the run has not minted stays a placeholder). */
  fillJson(text: string): string {
    let out = text.includes(CUSTOMER_PLACEHOLDER) ? text.split(CUSTOMER_PLACEHOLDER).join(this.customerJson) : text;
    if (out.includes('$ID')) out = out.replace(ID_PLACEHOLDER, (whole, n: string) => this.values[Number(n) - 1] ?? whole);
    return out;
  }
}

/**
 * Every 32-hex string written in `text`, as a set: the 32-character windows of its runs of
 * hex digits, so that `has` answers what `text.includes(hex)` would, without searching the
 * whole definition for each id of each request.
 */
export function fixedIds(text: string): Set<string> {
  const out = new Set<string>();
  for (const run of text.match(/[0-9a-f]{32,}/g) ?? []) for (let i = 0; i + 32 <= run.length; i++) out.add(run.slice(i, i + 32));
  return out;
}

// ---------------------------------------------------------------------------------------
// From the wire to the recording and back

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

/** The endpoint's token becomes `$COGNIGY_URL_TOKEN`, whatever else the URL holds. */
export function maskToken(url: string, endpointUrl: string | undefined): string {
  // A flow calls the same URL on every turn: the last one is remembered.
  if (url === lastMasked.url && endpointUrl === lastMasked.endpointUrl) return lastMasked.masked;
  const token = (endpointUrl && endpointToken(endpointUrl)) || endpointToken(url.split(/[?#]/, 1)[0]);
  const masked = token ? url.split(token).join(TOKEN_PLACEHOLDER) : url;
  lastMasked = { url, endpointUrl, masked };
  return masked;
}

let lastMasked: { url?: string; endpointUrl?: string; masked: string } = { masked: '' };

/** What the recording holds for a request: decoded, with placeholders. */
export function describeRequest(request: HttpRequest, vars: Placeholders, endpointUrl: string | undefined): RecordedRequest {
  const out: RecordedRequest = { method: request.method, url: vars.hide(maskToken(request.url, endpointUrl)) };
  const contentType = header(request.headers, 'content-type');
  if (contentType !== undefined) out.contentType = contentType;
  const body = request.body;
  if (body === undefined) return out;
  const type = (contentType ?? FORM_CONTENT_TYPE).split(';', 1)[0].trim().toLowerCase();
  // Kind and payload are added to `out`, not spread into a new literal: V8 11 (Node 20) gives
  // an object literal that spreads and then adds properties a map of its own each time
  // (bench/README.md, "one map a turn").
  let payload: string | undefined;
  if (type === 'application/x-www-form-urlencoded') {
    const params = request.form && wellFormed(request.form) ? pairsObject(request.form) : formObject(body);
    if (params) {
      out.kind = 'params';
      payload = JSON.stringify(params);
    }
  } else if (type === 'application/json') {
    try {
      payload = JSON.stringify(JSON.parse(body));
      out.kind = 'json';
    } catch {
      // Not JSON after all: kept as text below.
    }
  }
  if (payload === undefined) {
    out.kind = 'body';
    payload = JSON.stringify(body);
  }
  out.payload = vars.hide(payload);
  return out;
}

/** Form pairs as an object, when that loses nothing (no repeated key, no key JSON would reorder). */
function formObject(body: string): Record<string, string> | undefined {
  return pairsObject(new URLSearchParams(body));
}

/** A lone surrogate is sent as U+FFFD: such pairs are not what the body holds, so the body is read instead. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function wellFormed(pairs: ReadonlyArray<readonly [string, string]>): boolean {
  return pairs.every(([key, value]) => !LONE_SURROGATE.test(key) && !LONE_SURROGATE.test(value));
}

function pairsObject(pairs: Iterable<readonly [string, string]>): Record<string, string> | undefined {
  const object: Record<string, string> = {};
  for (const [key, value] of pairs) {
    if (Object.prototype.hasOwnProperty.call(object, key) || /^\d+$/.test(key)) return undefined;
    object[key] = value;
  }
  return object;
}

/** Two digits are enough to replay a latency, and keep a re-recording's diff quiet. */
function roundMs(ms: number): number {
  if (!(ms > 0)) return 0;
  if (ms < 10) return Math.round(ms * 10) / 10;
  const scale = 10 ** (Math.floor(Math.log10(ms)) - 1);
  return Math.round(ms / scale) * scale;
}

export function describeResponse(response: HttpResponse, vars: Placeholders): RecordedResponse {
  const contentType = header(response.headers, 'content-type');
  const out: RecordedResponse = { status: response.status, ...(contentType !== undefined ? { contentType } : {}), elapsedMs: roundMs(response.elapsedMs) };
  if (response.tooLarge) out.tooLarge = true;
  const body = response.body;
  if (contentType !== undefined && isJsonMediaType(contentType)) {
    try {
      // Written as JSON only when that is the body byte for byte: the flow sees `body` too.
      if (JSON.stringify(JSON.parse(body)) === body) return { ...out, kind: 'json', payload: vars.hide(body) };
    } catch {
      // Not JSON: kept as text.
    }
  }
  return { ...out, kind: 'body', payload: vars.hide(JSON.stringify(body)) };
}

export function describeFailure(error: HttpFailure): RecordedResponse {
  return { failure: { kind: error.kind, message: redact(error.message) }, elapsedMs: roundMs(error.elapsedMs) };
}

/** The recorded answer as the transport gives it to the flow, with this run's values. */
export function answerFrom(response: RecordedResponse, vars: Placeholders): HttpResponse {
  if (response.failure) throw new HttpFailure(response.failure.kind, response.failure.message, response.elapsedMs);
  const payload = vars.fillJson(response.payload ?? '""');
  const body = response.kind === 'json' ? payload : (JSON.parse(payload) as string);
  return {
    status: response.status ?? 200,
    headers: response.contentType !== undefined ? { 'content-type': response.contentType } : {},
    body,
    elapsedMs: response.elapsedMs,
    ...(response.tooLarge ? { tooLarge: true } : {}),
  };
}

function requestText(r: RecordedRequest): string {
  return `${r.method}\n${r.url}\n${r.contentType ?? ''}\n${r.kind ?? ''}\n${r.payload ?? ''}`;
}

/** Whether two requests are the same for the bot: field by field, bodies as decoded values (key order aside). */
export function sameRequest(a: RecordedRequest, b: RecordedRequest): boolean {
  if (requestText(a) === requestText(b)) return true;
  if (a.method !== b.method || a.url !== b.url || (a.contentType ?? '') !== (b.contentType ?? '') || a.kind !== b.kind) return false;
  return isDeepStrictEqual(parsePayload(a.payload), parsePayload(b.payload));
}

function parsePayload(payload: string | undefined): unknown {
  if (payload === undefined) return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

/** The fields that differ, one line each (`params.data[channel]: "web"`), for the recorded and the new request. */
export function requestDifference(recorded: RecordedRequest, now: RecordedRequest): { expected: string; actual: string } {
  const expected: string[] = [];
  const actual: string[] = [];
  const field = (name: string, a: unknown, b: unknown) => {
    if (isDeepStrictEqual(a, b)) return;
    expected.push(`${name}: ${a === undefined ? '(none)' : JSON.stringify(a)}`);
    actual.push(`${name}: ${b === undefined ? '(none)' : JSON.stringify(b)}`);
  };
  field('method', recorded.method, now.method);
  field('url', recorded.url, now.url);
  field('content type', recorded.contentType, now.contentType);
  const a = parsePayload(recorded.payload);
  const b = parsePayload(now.payload);
  if (recorded.kind === now.kind && isObject(a) && isObject(b)) {
    const leaves = new Map<string, [unknown, unknown]>();
    collectDifferences(recorded.kind ?? 'body', a, b, leaves);
    for (const [name, [x, y]] of leaves) field(name, x, y);
  } else {
    field(recorded.kind ?? now.kind ?? 'body', a, b);
  }
  return { expected: expected.join('\n'), actual: actual.join('\n') };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const MAX_DIFFERENCES = 8;

function collectDifferences(prefix: string, a: Record<string, unknown>, b: Record<string, unknown>, out: Map<string, [unknown, unknown]>): void {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (out.size >= MAX_DIFFERENCES) return;
    const name = /^[A-Za-z_][\w]*$/.test(key) ? `${prefix}.${key}` : `${prefix}[${JSON.stringify(key)}]`;
    const x = a[key];
    const y = b[key];
    if (isDeepStrictEqual(x, y)) continue;
    if (isObject(x) && isObject(y)) collectDifferences(name, x, y, out);
    else out.set(name, [x, y]);
  }
}

// ---------------------------------------------------------------------------------------
// The file

const HEADER_COMMENT = [
  '# The bot\'s answers, recorded by `twilio cognigy:test-chat --record`, replayed by `--replay`.',
  '# One document per conversation, sorted; every value is JSON (which is YAML). Placeholders:',
  `# ${TOKEN_PLACEHOLDER} (the endpoint's URL token, never written), ${CUSTOMER_PLACEHOLDER} (the customer's address),`,
  '# $ID1, $ID2… (ids the run mints). Review changes to it as you review code.',
];

const j = (value: unknown): string => JSON.stringify(value);

export function headerDocument(): string {
  return `${HEADER_COMMENT.join('\n')}\nrecording: ${RECORDING_VERSION}\n`;
}

/** One conversation's document, `---` first. */
export function conversationDocument(c: RecordedConversation): string {
  const lines = ['---', `conversation: ${j(c.name)}`];
  if (c.file !== undefined) lines.push(`file: ${j(c.file)}`);
  lines.push(c.turns.length ? 'turns:' : 'turns: []');
  for (const turn of c.turns) {
    lines.push(`  - turn: ${turn.turn}`);
    if (turn.customer !== undefined) lines.push(`    customer: ${j(turn.customer)}`);
    lines.push(turn.calls.length ? '    calls:' : '    calls: []');
    for (const call of turn.calls) {
      const r = call.request;
      lines.push('      - request:', `          method: ${j(r.method)}`, `          url: ${j(r.url)}`);
      if (r.contentType !== undefined) lines.push(`          contentType: ${j(r.contentType)}`);
      if (r.kind !== undefined) lines.push(`          ${r.kind}: ${r.payload}`);
      const a = call.response;
      lines.push('        response:');
      if (a.failure) {
        lines.push(`          failure: ${j(a.failure.kind)}`, `          message: ${j(a.failure.message)}`);
      } else {
        lines.push(`          status: ${a.status}`);
        if (a.contentType !== undefined) lines.push(`          contentType: ${j(a.contentType)}`);
        if (a.tooLarge) lines.push('          tooLarge: true');
        lines.push(`          ${a.kind ?? 'body'}: ${a.kind === 'json' ? prettyJson(a.payload as string) : (a.payload ?? '""')}`);
      }
      lines.push(`          elapsedMs: ${a.elapsedMs}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * An answer's JSON, one key a line (what a reviewer wants to read in a diff), indented under
 * its key as YAML's flow style allows; read back, it is the bot's compact body again.
 */
function prettyJson(payload: string): string {
  return JSON.stringify(JSON.parse(payload), null, 2).split('\n').join(`\n${CONTINUATION}`);
}

const CONTINUATION = ' '.repeat(12);

export function compareConversations(a: RecordedConversation, b: RecordedConversation): number {
  return compareKeys(conversationKey(a.name, a.file), conversationKey(b.name, b.file));
}

/** Code-unit order: the same on every machine and locale. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Read one document the way it is written; undefined when it is laid out otherwise (edited by hand). */
export function readDocumentFast(text: string): RecordedConversation | undefined {
  let conversation: RecordedConversation | undefined;
  let turn: RecordedTurn | undefined;
  let call: RecordedCall | undefined;
  let section: 'request' | 'response' | undefined;
  const SPACE = 32;
  try {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      let indent = 0;
      while (text.charCodeAt(start + indent) === SPACE) indent++;
      const first = start + indent;
      if (first === end || text.charCodeAt(first) === 35 /* # */ || (indent === 0 && text.startsWith('---', first) && end - first === 3)) {
        start = end + 1;
        continue;
      }
      // A value spread over lines (an answer's JSON): the lines indented under it.
      while (end < text.length && text.startsWith(CONTINUATION, end + 1)) {
        const next = text.indexOf('\n', end + 1);
        end = next === -1 ? text.length : next;
      }
      let keyStart = first;
      const dash = text.charCodeAt(first) === 45 /* - */ && text.charCodeAt(first + 1) === SPACE;
      if (dash) {
        keyStart += 2;
        indent += 2;
      }
      const colon = text.indexOf(':', keyStart);
      if (colon === -1 || colon > end) return undefined;
      const key = text.slice(keyStart, colon);
      // `key:` alone opens a nested block; `key: VALUE` holds JSON.
      let value: string | undefined;
      if (colon + 1 < end) {
        if (text.charCodeAt(colon + 1) !== SPACE) return undefined;
        value = text.slice(colon + 2, end);
      }
      start = end + 1;
      if (indent === 0) {
        if (key === 'conversation' && value !== undefined) conversation = { name: JSON.parse(value) as string, turns: [] };
        else if (key === 'file' && conversation && value !== undefined) conversation.file = JSON.parse(value) as string;
        else if (key !== 'turns' || !conversation || (value !== undefined && value !== '[]')) return undefined;
      } else if (indent === 4 && conversation) {
        if (dash && key === 'turn' && value !== undefined) conversation.turns.push((turn = { turn: Number(JSON.parse(value)), calls: [] }));
        else if (key === 'customer' && turn && value !== undefined) turn.customer = JSON.parse(value) as string;
        else if (key !== 'calls' || !turn || (value !== undefined && value !== '[]')) return undefined;
      } else if (indent === 8 && turn && value === undefined) {
        if (dash && key === 'request') {
          call = { request: { method: '', url: '' }, response: { elapsedMs: 0 } };
          turn.calls.push(call);
          section = 'request';
        } else if (key === 'response' && call) section = 'response';
        else return undefined;
      } else if (indent === 10 && call && value !== undefined) {
        if (section === 'request') {
          const r = call.request;
          if (key === 'method') r.method = JSON.parse(value) as string;
          else if (key === 'url') r.url = JSON.parse(value) as string;
          else if (key === 'contentType') r.contentType = JSON.parse(value) as string;
          else if (key === 'params' || key === 'json' || key === 'body') {
            // Compared as text with what the run sends; parsed only when they differ.
            r.kind = key;
            r.payload = value;
          } else return undefined;
        } else {
          const a = call.response;
          if (key === 'status') a.status = Number(JSON.parse(value));
          else if (key === 'contentType') a.contentType = JSON.parse(value) as string;
          else if (key === 'tooLarge') a.tooLarge = JSON.parse(value) === true;
          else if (key === 'json') {
            a.kind = key;
            // Written one key a line; the bot sent it compact, and the flow gets it so.
            a.payload = value.includes('\n') ? JSON.stringify(JSON.parse(value)) : value;
          } else if (key === 'body') {
            a.kind = key;
            a.payload = value;
          } else if (key === 'elapsedMs') a.elapsedMs = Number(value);
          else if (key === 'failure') a.failure = { kind: JSON.parse(value) as HttpFailureKind, message: a.failure?.message ?? '' };
          else if (key === 'message') a.failure = { kind: a.failure?.kind ?? 'network', message: JSON.parse(value) as string };
          else return undefined;
        }
      } else return undefined;
    }
  } catch {
    return undefined;
  }
  return conversation;
}

/** Any YAML that holds the same structure (a document edited by hand). */
function readDocumentYaml(text: string, where: string): RecordedConversation {
  const { parse } = require('yaml') as typeof import('yaml');
  let doc: any;
  try {
    doc = parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, 'Record it again with --record, or fix the document.');
  }
  const bad = (what: string) => new UsageError(`${where}: ${what}.`, 'Record it again with --record, or fix the document.');
  if (!isObject(doc) || typeof doc.conversation !== 'string') throw bad('a document without "conversation: NAME"');
  const conversation: RecordedConversation = { name: doc.conversation, ...(typeof doc.file === 'string' ? { file: doc.file } : {}), turns: [] };
  for (const t of Array.isArray(doc.turns) ? doc.turns : []) {
    if (!isObject(t) || typeof t.turn !== 'number') throw bad('a turn without "turn: N"');
    const turn: RecordedTurn = { turn: t.turn, ...(typeof t.customer === 'string' ? { customer: t.customer } : {}), calls: [] };
    for (const c of Array.isArray(t.calls) ? t.calls : []) {
      if (!isObject(c) || !isObject(c.request) || !isObject(c.response)) throw bad(`turn ${t.turn} has a call without request and response`);
      const q = c.request;
      const request: RecordedRequest = { method: String(q.method ?? ''), url: String(q.url ?? '') };
      if (typeof q.contentType === 'string') request.contentType = q.contentType;
      for (const kind of ['params', 'json', 'body'] as const) {
        if (q[kind] !== undefined) {
          request.kind = kind;
          request.payload = JSON.stringify(q[kind]);
        }
      }
      const a = c.response;
      const response: RecordedResponse = { elapsedMs: Number(a.elapsedMs ?? 0) };
      if (typeof a.failure === 'string') response.failure = { kind: a.failure as HttpFailureKind, message: String(a.message ?? '') };
      if (typeof a.status === 'number') response.status = a.status;
      if (typeof a.contentType === 'string') response.contentType = a.contentType;
      if (a.tooLarge === true) response.tooLarge = true;
      if (a.json !== undefined) {
        response.kind = 'json';
        response.payload = JSON.stringify(a.json);
      } else if (a.body !== undefined) {
        response.kind = 'body';
        response.payload = JSON.stringify(String(a.body));
      }
      turn.calls.push({ request, response });
    }
    conversation.turns.push(turn);
  }
  return conversation;
}

/** A 30-bit FNV-1a hash of a conversation's key (30 bits: a small integer for V8, never a boxed number). */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 2;
}

/** In `byHash`: more than one document has this hash; `collided` holds them by key. */
const SCAN_CHUNK = 1 << 20;

const COLLIDED = -1;

/**
 * A recording on disk: an index of where each conversation's document starts, read once
 * in chunks; a document is read (and parsed) when its conversation runs. The index holds
 * no key: each document by the hash of its key (checked against the document when looked
 * up), so a replay of 20,000 conversations keeps ~1 MB of index instead of ~7 MB of keys.
 */
export class RecordingFile {
  /** Document i starts at starts[i] and ends where the next starts (the last at the file's end). */
  private starts = new Float64Array(0);
  private end = 0;
  /** The documents a conversation of the run has taken (see `claim`). */
  private claimed = new Uint8Array(0);
  private readonly byHash = new Map<number, number>();
  private readonly collided = new Map<string, number>();
  private readonly head = Buffer.alloc(2048);
  private last: { key: string; index: number; text?: string } | undefined;
  private fd: number | undefined;

  private constructor(
    readonly file: string,
    private readonly hash: (key: string) => number,
  ) {}

  /** `hash`: for tests, to make keys collide. */
  static open(file: string, hash: (key: string) => number = hashKey): RecordingFile {
    const recording = new RecordingFile(file, hash);
    recording.scan();
    return recording;
  }

  get size(): number {
    return this.starts.length;
  }

  /** The keys, in the file's order (read again from the documents). */
  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.starts.length; i++) yield this.keyAt(i);
  }

  has(key: string): boolean {
    return this.find(key) !== undefined;
  }

  /**
   * A conversation of the run takes its document: false when one already did (two
   * conversations of one name), undefined when the recording has none. Kept in the index,
   * so a long replay holds nothing more per conversation than the index it started with.
   */
  claim(key: string): boolean | undefined {
    const i = this.find(key);
    if (i === undefined) return undefined;
    if (this.claimed[i]) return false;
    this.claimed[i] = 1;
    return true;
  }

  private find(key: string): number | undefined {
    if (this.last?.key === key) return this.last.index;
    let i = this.byHash.get(this.hash(key));
    let text: string | undefined;
    if (i === COLLIDED) i = this.collided.get(key);
    else if (i !== undefined) {
      // The document is read whole here, once: its first lines say whose it is, and the
      // conversation's lookup that follows (claim, then its answers) needs it anyway.
      text = this.readDocument(i);
      if (keyOfDocument(text, this.file, this.starts[i]) !== key) i = undefined;
    }
    if (i !== undefined) this.last = { key, index: i, ...(text !== undefined ? { text } : {}) };
    return i;
  }

  private readDocument(i: number): string {
    const length = this.length(i);
    const buffer = Buffer.allocUnsafe(length);
    const read = fs.readSync(this.fd as number, buffer, 0, length, this.starts[i]);
    return buffer.toString('utf8', 0, read);
  }

  private length(i: number): number {
    return (i + 1 < this.starts.length ? this.starts[i + 1] : this.end) - this.starts[i];
  }

  /** The name and file a document's first lines give. */
  private headerAt(i: number): { name: string; file?: string } {
    const offset = this.starts[i];
    const read = fs.readSync(this.fd as number, this.head, 0, Math.min(this.head.length, this.length(i)), offset);
    return documentHeader(this.head.toString('utf8', 0, read), this.file, offset);
  }

  private keyAt(i: number): string {
    const { name, file } = this.headerAt(i);
    return conversationKey(name, file);
  }

  /**
   * Says what is wrong with a file that is not a recording this plugin reads (a UsageError),
   * reading only its first lines: for a run whose worker threads read the documents.
   */
  static check(file: string): void {
    const recording = new RecordingFile(file, hashKey);
    try {
      recording.openHeader();
    } finally {
      recording.close();
    }
  }

  /** Opens the file and checks its header; the first chunk, read for that, and the file's size. */
  private openHeader(): { chunk: Buffer; head: string; size: number } {
    try {
      this.fd = fs.openSync(this.file, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === 'ENOENT' ? `No recording at ${this.file}.` : `Cannot read the recording ${this.file} (${code ?? (error as Error).message}).`,
        'Record one first: test-chat --script PATH --record FILE (against the bot), then --replay FILE.',
      );
    }
    const size = fs.fstatSync(this.fd).size;
    const chunk = Buffer.alloc(SCAN_CHUNK);
    // The header: the first lines, up to the first document.
    const headRead = fs.readSync(this.fd, chunk, 0, Math.min(SCAN_CHUNK, size), 0);
    const head = chunk.toString('utf8', 0, headRead);
    const firstDocument = head.startsWith('---\n') ? 0 : head.indexOf('\n---\n');
    const header = firstDocument === -1 ? head : head.slice(0, firstDocument);
    const version = /^recording: *(\d+)/m.exec(header);
    if (!version) throw new UsageError(`${this.file} is not a recording made by test-chat --record (no "recording: ${RECORDING_VERSION}" line).`, 'Record one with test-chat --script PATH --record FILE.');
    if (Number(version[1]) !== RECORDING_VERSION) {
      throw new UsageError(`${this.file} is a recording of version ${version[1]}; this plugin reads version ${RECORDING_VERSION}.`, 'Record it again with --record.');
    }
    return { chunk, head, size };
  }

  private scan(): void {
    const { chunk, head, size } = this.openHeader();
    const CHUNK = SCAN_CHUNK;
    // Documents start at a `---` line; their first lines name them. Searched in the bytes,
    // chunk by chunk (a chunk overlaps the next by a few bytes, so no separator is missed).
    const starts: number[] = [];
    // Each document's key, read from its first lines where the chunk holds them (else below, by itself).
    const keys: (string | undefined)[] = [];
    if (head.startsWith('---\n')) {
      starts.push(0);
      keys.push(undefined);
    }
    const separator = Buffer.from('\n---\n');
    for (let position = 0; position < size; position += CHUNK - separator.length) {
      const read = fs.readSync(this.fd as number, chunk, 0, Math.min(CHUNK, size - position), position);
      let at = chunk.indexOf(separator, 0);
      while (at !== -1 && at + separator.length <= read) {
        const start = position + at + 1;
        if (starts[starts.length - 1] !== start) {
          starts.push(start);
          // `---`, `conversation: …`, `file: …`: three lines from the separator's second newline on.
          let end = at + 1;
          for (let line = 0; line < 3 && end !== -1 && end < read; line++) end = chunk.indexOf(10, end + 1);
          keys.push(end !== -1 && end < read ? keyOfDocument(chunk.toString('utf8', at + 1, end + 1), this.file, start) : undefined);
        }
        at = chunk.indexOf(separator, at + 1);
      }
      if (position + read >= size) break;
    }
    this.starts = Float64Array.from(starts);
    this.end = size;
    this.claimed = new Uint8Array(starts.length);
    for (let i = 0; i < starts.length; i++) {
      const key = keys[i] ?? this.keyAt(i);
      const h = this.hash(key);
      const other = this.byHash.get(h);
      if (other === undefined) {
        this.byHash.set(h, i);
        continue;
      }
      if (other !== COLLIDED) {
        this.collided.set(this.keyAt(other), other);
        this.byHash.set(h, COLLIDED);
      }
      if (this.collided.has(key)) {
        const [name, file] = key.split('\u0000');
        throw new UsageError(`${this.file} holds the conversation "${name}"${file ? ` of ${file}` : ''} twice.`, 'Merge recordings with test-chat --merge-recordings, which keeps one of each.');
      }
      this.collided.set(key, i);
    }
  }

  /** The raw document of a conversation (for copying it into a merged or updated file). */
  documentText(key: string): string | undefined {
    const i = this.find(key);
    if (i === undefined || this.fd === undefined) return undefined;
    const last = this.last;
    return last?.index === i && last.text !== undefined ? last.text : this.readDocument(i);
  }

  conversation(key: string): RecordedConversation | undefined {
    const text = this.documentText(key);
    if (text === undefined) return undefined;
    return readDocumentFast(text) ?? readDocumentYaml(text, `${this.file}, conversation "${key.split('\u0000')[0]}"`);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The name and file the first lines of a document give (`offset`: where it starts in `file`, for the message). */
function documentHeader(text: string, file: string, offset: number): { name: string; file?: string } {
  // The first three lines only: `text` may be the whole document.
  const second = text.indexOf('\n') + 1;
  const third = second ? text.indexOf('\n', second) + 1 : 0;
  const fourth = third ? text.indexOf('\n', third) : -1;
  const lines = [text.slice(0, second), text.slice(second, third ? third - 1 : undefined), third ? text.slice(third, fourth === -1 ? undefined : fourth) : undefined];
  const name = lines[1]?.startsWith('conversation:') ? scalar(lines[1].slice('conversation:'.length).trim()) : undefined;
  if (name === undefined) throw new UsageError(`${file}: the document at byte ${offset} does not start with "conversation: NAME".`, 'Record it again with --record, or fix the document.');
  const named = lines[2]?.startsWith('file:') ? scalar(lines[2].slice('file:'.length).trim()) : undefined;
  return { name, ...(named !== undefined ? { file: named } : {}) };
}

function keyOfDocument(text: string, file: string, offset: number): string {
  const { name, file: named } = documentHeader(text, file, offset);
  return conversationKey(name, named);
}

/** A JSON scalar, or a plain YAML one as a person may have written it. */
function scalar(raw: string): string {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'string') return value;
  } catch {
    // not JSON
  }
  const { parse } = require('yaml') as typeof import('yaml');
  return String(parse(raw));
}

/**
 * Writes a recording: the header, then the documents sorted by key. `documents` gives each
 * document's text by key (new ones, or ones copied from an earlier file).
 */
export function writeRecording(file: string, documents: Map<string, string>): void {
  const keys = [...documents.keys()].sort(compareKeys);
  // A last pass through redaction: whatever secret the run registered never reaches the file.
  const text = headerDocument() + keys.map((k) => documents.get(k)).join('');
  writeFileAtomic(file, redact(text), 'the recording');
}

/** One conversation into a recording file: added, or in place of the one of that name and file; the others kept. */
export function saveConversationInto(file: string, conversation: RecordedConversation): void {
  const documents = new Map<string, string>();
  const previous = openIfRecording(file);
  if (!previous && fs.existsSync(file)) {
    throw new UsageError(`${file} exists and is not a recording made by test-chat --record: nothing was written.`, 'Pass another --record file.');
  }
  try {
    for (const key of previous?.keys() ?? []) documents.set(key, previous?.documentText(key) as string);
  } finally {
    previous?.close();
  }
  documents.set(conversationKey(conversation.name, conversation.file), conversationDocument(conversation));
  writeRecording(file, documents);
}

/** `--merge-recordings OUT IN…`: the recordings of several shards (or runs) as one; a conversation in several keeps the last one given. */
export function mergeRecordings(out: string, inputs: readonly string[]): { conversations: number; replaced: number } {
  const documents = new Map<string, string>();
  let replaced = 0;
  for (const input of inputs) {
    const recording = RecordingFile.open(input);
    try {
      for (const key of recording.keys()) {
        // Script files are named from the recording's folder: from the merged file's, now.
        const { key: merged, text } = rebased(key, recording.documentText(key) as string, input, out);
        if (documents.has(merged)) replaced++;
        documents.set(merged, text);
      }
    } finally {
      recording.close();
    }
  }
  writeRecording(out, documents);
  return { conversations: documents.size, replaced };
}

/** A document's key and text with its script file named from `to`'s folder instead of `from`'s. */
function rebased(key: string, text: string, from: string, to: string): { key: string; text: string } {
  const fromDir = path.dirname(path.resolve(from));
  const toDir = path.dirname(path.resolve(to));
  const [name, file] = key.split('\u0000');
  if (fromDir === toDir || !file) return { key, text };
  const moved = path.relative(toDir, path.resolve(fromDir, file)).split(path.sep).join('/');
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.startsWith('file:'));
  if (at === -1) return { key, text };
  lines[at] = `file: ${JSON.stringify(moved)}`;
  return { key: conversationKey(name, moved), text: lines.join('\n') };
}

// ---------------------------------------------------------------------------------------
// The transport in front of the HTTP transport

export interface BotTapOptions {
  /** `record`: every bot call goes to the bot and is written; `replay`: answered from `replay`. */
  record?: string;
  replay?: string;
  mode?: ReplayMode;
  /** `--replay-latency`: wait the recorded time before answering. */
  latency?: boolean;
  /** The transport behind: the network (or the stubs for other services). */
  live: HttpTransport;
  /** The setup's endpoint URL, when there is one: its token is masked, its URL is the bot's. */
  endpointUrl?: string;
  /** The flow definition: its URLs name the bot, its values are not the run's. */
  definitionText: string;
}

/** What made a replayed turn fail, as data (printers/failure.ts says it). */
export type TurnFailure = ReplayFailure;

/** The customer of a recorded turn who stayed silent (a wait widget's time-out). */
export const SILENCE_TURN = '(silence)';

/** One conversation's view of the tap: its transport and its turns. */
export interface ConversationTap {
  http: HttpTransport;
  /** A customer turn starts (its text, or SILENCE_TURN). */
  beginTurn(customer: string): void;
  /** What made the turn fail (a request the recording does not hold), once. */
  takeFailure(): TurnFailure | undefined;
  /** The conversation is over: its exchanges go into the recording. */
  finish(): void;
  /** The turns so far (the REPL saves them under the name of the script it writes). */
  recordedTurns(): RecordedTurn[];
}

export interface BotTap {
  /** `live`: this conversation's transport behind (a paced one), instead of the run's. */
  forConversation(c: { name: string; file?: string; from: string; live?: HttpTransport }): ConversationTap;
  /** Write the recording (record mode, or new-only when something was added); says what was written. */
  save(): { file: string; conversations: number; changed: number } | undefined;
  close(): void;
}

/**
 * Records or answers the bot's calls: those `isBotUrl` names (the known endpoint's host and token, or a
 * Cognigy host). Other services are not recorded: they go to the transport behind (the
 * network), after the flow's stubs, which the interpreter answers before any transport.
 */
export function createBotTap(o: BotTapOptions): BotTap {
  const isBot = (url: string) => isBotUrl(url, o.endpointUrl);
  const fixed = fixedIds(o.definitionText);
  const mode: ReplayMode = o.mode ?? 'strict';
  const recording = o.replay ? RecordingFile.open(o.replay) : undefined;
  /** New documents by key: every conversation when recording, the changed ones in new-only mode. */
  const written = new Map<string, string>();
  /** Keys of conversations the recording does not hold (all of them when recording), to find one name run twice. */
  const seen = new Set<string>();

  const forConversation = (c: { name: string; file?: string; from: string; live?: HttpTransport }): ConversationTap => {
    const behind = c.live ?? o.live;
    const file = recordedFileName(c.file, (o.record ?? o.replay)!);
    const key = conversationKey(c.name, file);
    const first = recording?.claim(key) ?? (!seen.has(key) && Boolean(seen.add(key)));
    if (!first) {
      // Two conversations of one name in one file: the second would answer from the first's recording.
      throw new UsageError(`Two conversations are named "${c.name}"${c.file ? ` in ${c.file}` : ''}: a recording tells them apart by name.`, 'Give each conversation of a file its own name.');
    }
    const vars = new Placeholders(c.from, fixed);
    const turns: RecordedTurn[] = [];
    let current: RecordedTurn | undefined;
    let failure: TurnFailure | undefined;
    const recorded = recording?.conversation(key);
    const replayedTurn = (n: number) => recorded?.turns.find((t) => t.turn === n);
    let live = !o.replay;
    let changed = false;

    const callLive = async (request: HttpRequest, described: RecordedRequest): Promise<HttpResponse> => {
      try {
        const response = await behind(request);
        current?.calls.push({ request: described, response: describeResponse(response, vars) });
        return response;
      } catch (error) {
        if (error instanceof HttpFailure) current?.calls.push({ request: described, response: describeFailure(error) });
        throw error;
      }
    };

    const http: HttpTransport = async (request) => {
      if (!isBot(request.url)) return behind(request);
      current ??= { turn: turns.length + 1, calls: [] };
      if (!turns.includes(current)) turns.push(current);
      const described = describeRequest(request, vars, o.endpointUrl);
      if (live) return callLive(request, described);
      const index = current.calls.length;
      const expected = replayedTurn(current.turn)?.calls[index];
      if (expected && sameRequest(expected.request, described)) {
        current.calls.push(expected);
        if (o.latency && expected.response.elapsedMs > 0) await new Promise((resolve) => setTimeout(resolve, expected.response.elapsedMs));
        return answerFrom(expected.response, vars);
      }
      if (mode === 'new-only') {
        // From here on this conversation talks to the bot: the recorded answers after a changed request may no longer follow.
        live = true;
        changed = true;
        return callLive(request, described);
      }
      const where = `turn ${current.turn}${index > 0 ? `, call ${index + 1}` : ''}`;
      const at = { turn: current.turn, call: index + 1 };
      if (!recorded) {
        failure ??= { code: 'conversation-not-recorded', recording: o.replay, conversation: c.name, ...(file ? { file } : {}), ...at, expected: { code: 'recorded-conversation' }, actual: { code: 'not-recorded', ...at, method: described.method, url: described.url } };
      } else if (!expected) {
        failure ??= { code: 'call-not-recorded', ...at, expected: { code: 'no-call-recorded' }, actual: requestDifference({ method: '', url: '' }, described).actual };
      } else {
        failure ??= { code: 'call-differs', ...at, ...requestDifference(expected.request, described) };
      }
      throw new HttpFailure('network', `not in the recording (${where}): run with --replay-mode new-only or --record to ask the bot`, 0);
    };

    return {
      http,
      beginTurn(customer) {
        current = { turn: turns.length + 1, customer, calls: [] };
        turns.push(current);
      },
      takeFailure() {
        const f = failure;
        failure = undefined;
        return f;
      },
      finish() {
        if (o.record || changed) written.set(key, conversationDocument({ name: c.name, ...(file !== undefined ? { file } : {}), turns }));
      },
      recordedTurns: () => turns.map((t) => ({ ...t, calls: [...t.calls] })),
    };
  };

  return {
    forConversation,
    save() {
      const target = o.record ?? (mode === 'new-only' && written.size ? o.replay : undefined);
      if (!target) return undefined;
      const documents = new Map<string, string>();
      if (!o.record && recording) {
        for (const key of recording.keys()) documents.set(key, recording.documentText(key) as string);
      }
      // Re-recording an unchanged bot leaves the file as it was: a conversation whose exchanges
      // differ only in the time taken keeps its recorded times, so a pull request shows real changes.
      const previous = o.record ? openIfRecording(o.record) : undefined;
      try {
        for (const [key, text] of written) {
          const before = previous?.documentText(key);
          documents.set(key, before !== undefined && withoutTimes(before) === withoutTimes(text) ? before : text);
        }
      } finally {
        previous?.close();
      }
      writeRecording(target, documents);
      return { file: target, conversations: documents.size, changed: written.size };
    },
    close() {
      recording?.close();
    },
  };
}

const ELAPSED_LINE = /^ {10}elapsedMs: .*$/gm;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** A document without what changes on every call to the same bot: the times, and random ids (Cognigy's `traceId`). */
function withoutTimes(document: string): string {
  return document.replace(ELAPSED_LINE, '').replace(UUID, '');
}

/** An earlier recording at the --record path, if there is a readable one. */
function openIfRecording(file: string): RecordingFile | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return RecordingFile.open(file);
  } catch {
    return undefined;
  }
}

/** The command's flags. */
export interface RecordingOptions {
  record?: string;
  replay?: string;
  mode?: ReplayMode;
  latency?: boolean;
}

/** The tap for a prepared run: the bot is the setup's endpoint, the transport behind is the run's. */
export function tapFor(
  prepared: { http: HttpTransport; definition: unknown; setup: { endpointUrl?: string }; run?: { botEndpoint?: string } },
  o: RecordingOptions,
): BotTap {
  return createBotTap({
    ...o,
    live: prepared.http,
    endpointUrl: prepared.run ? prepared.run.botEndpoint : prepared.setup.endpointUrl,
    definitionText: JSON.stringify(prepared.definition),
  });
}
