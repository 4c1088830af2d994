import * as fs from 'fs';
import { UsageError } from '../errors';
import type { HttpRequest, HttpResponse } from '../http/types';

/**
 * Local answers for the other services a flow calls (its own APIs, Twilio Functions):
 * `--stub FILE` and the `stubs:` section of a YAML script. A stub matches a widget by
 * name, or a URL pattern (`*` is any run of characters; the query string is ignored
 * unless the pattern has a `?`) and optionally a method. The first stub that matches
 * answers; a call no stub matches goes out as it would without stubs.
 */
export interface Stub {
  widget?: string;
  url?: string;
  method?: 'GET' | 'POST';
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds before the answer; past Studio's 10 s the widget fails as timed out. */
  delayMs: number;
  /** Where it was written, for messages: `stubs.yaml stubs[2]`. */
  source: string;
}

export type StubSet = readonly Stub[];

const KEYS = new Set(['widget', 'url', 'method', 'status', 'headers', 'body', 'delay']);
/** A stub cannot hold a run longer than this (Studio gives up at 10 s anyway). */
export const MAX_STUB_DELAY_MS = 60_000;

/** Reads stubs from a parsed YAML/JSON value: a list, or an object with a `stubs` list. */
export function parseStubs(value: unknown, where: string): Stub[] {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? (value as Record<string, unknown>).stubs : undefined;
  if (!Array.isArray(list)) throw new UsageError(`${where} holds no list of stubs.`, 'Write a list of stubs, or an object with a "stubs" list: each with "widget" or "url", and "status", "body".');
  return list.map((raw, i) => parseStub(raw, `${where} stubs[${i}]`));
}

function parseStub(raw: unknown, source: string): Stub {
  const bad = (what: string): never => {
    throw new UsageError(`${source}: ${what}.`, 'A stub has "widget" (a widget name) or "url" (a pattern, * for any text), optional "method" (GET or POST), "status" (default 200), "headers", "body" (text, or YAML/JSON turned into JSON) and "delay" (milliseconds).');
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) bad('is not an object');
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.has(k));
  if (unknown.length) bad(`unknown key ${unknown.map((k) => `"${k}"`).join(', ')}`);
  if (o.widget === undefined && o.url === undefined) bad('matches nothing: give "widget" or "url"');
  if (o.widget !== undefined && (typeof o.widget !== 'string' || !o.widget)) bad('"widget" must be a widget name');
  if (o.url !== undefined && (typeof o.url !== 'string' || !o.url)) bad('"url" must be a URL pattern');
  let method: Stub['method'];
  if (o.method !== undefined) {
    const m = typeof o.method === 'string' ? o.method.toUpperCase() : '';
    if (m !== 'GET' && m !== 'POST') bad('"method" must be GET or POST (what Studio sends)');
    method = m as Stub['method'];
  }
  const status = o.status === undefined ? 200 : o.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) bad('"status" must be an HTTP status (100 to 599)');
  const headers: Record<string, string> = {};
  if (o.headers !== undefined) {
    if (!o.headers || typeof o.headers !== 'object' || Array.isArray(o.headers)) bad('"headers" must be an object of names and values');
    for (const [k, v] of Object.entries(o.headers as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number') bad(`header "${k}" must be text`);
      headers[k.toLowerCase()] = String(v);
    }
  }
  let body = '';
  if (typeof o.body === 'string') body = o.body;
  else if (o.body !== undefined && o.body !== null) {
    body = JSON.stringify(o.body);
    headers['content-type'] ??= 'application/json';
  }
  const delay = o.delay === undefined ? 0 : o.delay;
  if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0 || delay > MAX_STUB_DELAY_MS) bad(`"delay" must be milliseconds from 0 to ${MAX_STUB_DELAY_MS}`);
  return {
    ...(o.widget !== undefined ? { widget: o.widget as string } : {}),
    ...(o.url !== undefined ? { url: o.url as string } : {}),
    ...(method ? { method } : {}),
    status: status as number,
    headers,
    body,
    delayMs: delay as number,
    source,
  };
}

/** `--stub FILE` (YAML or JSON). */
export function readStubFile(file: string): Stub[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the stub file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  let value: unknown;
  try {
    // Loaded here, not at the top: the interpreter loads this file for every run (and every
    // worker thread), and the yaml package was 40 of its 95 ms of module loading.
    const { parse } = require('yaml') as typeof import('yaml');
    value = parse(text);
  } catch (error) {
    throw new UsageError(`The stub file ${file} is neither YAML nor JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseStubs(value, file);
}

function urlMatches(pattern: string, url: string): boolean {
  const target = pattern.includes('?') ? url : url.split('?')[0];
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(target);
}

/** The first stub answering this widget's call, if any. */
export function findStub(stubs: StubSet | undefined, widget: string, request: HttpRequest): Stub | undefined {
  if (!stubs?.length) return undefined;
  return stubs.find(
    (s) =>
      (s.widget === undefined || s.widget === widget) &&
      (s.url === undefined || urlMatches(s.url, request.url)) &&
      (s.method === undefined || s.method === request.method),
  );
}

/** The stub's answer, after its delay (cut at the call's time budget: the widget fails then anyway). */
export async function answerWithStub(stub: Stub, request: HttpRequest): Promise<HttpResponse> {
  const budget = request.timeoutMs ?? MAX_STUB_DELAY_MS;
  const wait = Math.min(stub.delayMs, budget + 1);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return { status: stub.status, headers: { ...stub.headers }, body: stub.body, elapsedMs: stub.delayMs };
}
