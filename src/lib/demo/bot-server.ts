import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Cognigy-compatible REST endpoint on 127.0.0.1: the demo bot of `test-chat --demo`, and
 * the server under the tests' stand-in (whose fault behaviours, scripted statuses, HTML
 * pages, huge answers…, live in test/stand-ins/cognigy-scripted.ts, not in the shipped
 * plugin). It holds the documented contract (paths, fields, limits, answer shape); where
 * Cognigy's behaviour is undocumented (error statuses and bodies, form bodies) it picks
 * something plausible and says so.
 */

export interface BotRequest {
  userId: string;
  sessionId: string;
  text?: string;
  data?: Record<string, unknown>;
  /** 1 for a session's first message. */
  turn: number;
  testMode: boolean;
}

export interface BotReplyOutput {
  text?: string | null;
  /** An object, or a string to send data as a JSON string (as LLM outputs do). */
  data?: Record<string, unknown> | string;
  source?: string;
}

/** Any answer at all, for failure scripts: `body` objects are sent as JSON. */
export interface RawReply {
  status: number;
  contentType?: string;
  /** Further response headers (`retry-after`…). */
  headers?: Record<string, string>;
  body: string | Buffer | unknown[] | Record<string, unknown>;
}

export interface DelayedReply {
  delayMs: number;
  then: BotReply;
}

export type BotReply = BotReplyOutput[] | RawReply | DelayedReply;
export type BotBehaviour = (request: BotRequest) => BotReply | Promise<BotReply>;

export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string;
  rawBody: string;
  /** The decoded body (JSON or form), undefined when it could not be decoded. */
  body?: unknown;
  testMode: boolean;
  /** Status the server answered. */
  status?: number;
}

export interface BotServer {
  /** `http://127.0.0.1:PORT/<token>` */
  url: string;
  /** `http://127.0.0.1:PORT/test/<token>` */
  testUrl: string;
  token: string;
  requests: ReceivedRequest[];
  setBehaviour(behaviour: BotBehaviour): void;
  close(): Promise<void>;
}

export interface BotServerOptions {
  token?: string;
  behaviour?: BotBehaviour;
  port?: number;
  /**
   * Keep every request in `requests` (default true). Off for long runs (benchmarks, big
   * script suites): `requests` then stays empty and memory stays flat.
   */
  record?: boolean;
  /**
   * Decode form-encoded bodies (default true). Whether Cognigy's REST endpoint reads them is
   * not documented, so tests run both ways: false answers 415, as a JSON-only endpoint would.
   */
  acceptForm?: boolean;
}

const MAX_ID_LENGTH = 256;
const MAX_TEXT_LENGTH = 10_000;
const MAX_REQUEST_BYTES = 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error body shape is not documented by Cognigy; this one is plausible and consistent. */
function errorReply(status: number, error: string, message: string): RawReply {
  return { status, body: { statusCode: status, error, message } };
}

/** Form bodies: `a=1&data[b][c]=2` → `{ a: '1', data: { b: { c: '2' } } }`. */
export function decodeForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match || !match[2]) {
      out[key] = value;
      continue;
    }
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
    let node: Record<string, unknown> = out;
    for (let i = 0; i < path.length - 1; i++) {
      const next = node[path[i]];
      if (!isRecord(next)) node[path[i]] = {};
      node = node[path[i]] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return out;
}

/**
 * What the endpoint refuses, as its reference says: ids are required; "you must provide at
 * least one of text or data ... If both are missing or invalid, the REST Endpoint throws an
 * error". So a valid text with an invalid data (a string, an array) is answered; the
 * invalid data is dropped (what Cognigy does with it is not documented).
 */
function validate(body: unknown): string | undefined {
  if (!isRecord(body)) return 'The body must be an object.';
  for (const field of ['userId', 'sessionId']) {
    const value = body[field];
    if (typeof value !== 'string' || value === '') return `${field} is required.`;
    if (value.length > MAX_ID_LENGTH) return `${field} must be at most ${MAX_ID_LENGTH} characters.`;
  }
  if (typeof body.text === 'string' && body.text.length > MAX_TEXT_LENGTH) return `text must be at most ${MAX_TEXT_LENGTH} characters.`;
  if (typeof body.text !== 'string' && !isRecord(body.data)) return 'Either text (a string) or data (an object) is required.';
  return undefined;
}

/** The documented answer: one outputStack entry per output, top-level text and data as a summary. */
export function cognigyAnswer(outputs: BotReplyOutput[], userId: string, sessionId: string): Record<string, unknown> {
  const traceId = `endpoint-httpIncomingMessage-${randomUUID()}`;
  const outputStack = outputs.map((o) => ({
    text: o.text ?? null,
    data: o.data ?? {},
    traceId,
    disableSensitiveLogging: false,
    source: o.source ?? 'bot',
  }));
  const text = outputs
    .map((o) => o.text)
    .filter((t): t is string => typeof t === 'string' && t !== '')
    .join(' ');
  const data: Record<string, unknown> = {};
  for (const o of outputs) if (isRecord(o.data)) Object.assign(data, o.data);
  return { text, data, outputStack, userId, sessionId };
}

function isDelayed(reply: BotReply): reply is DelayedReply {
  return isRecord(reply) && typeof (reply as DelayedReply).delayMs === 'number' && 'then' in reply;
}

export async function startBotServer(options: BotServerOptions = {}): Promise<BotServer> {
  const token = options.token ?? randomBytes(32).toString('hex');
  let behaviour: BotBehaviour = options.behaviour ?? demoBehaviour;
  const requests: ReceivedRequest[] = [];
  const recording = options.record ?? true;
  const turns = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const send = (res: http.ServerResponse, record: ReceivedRequest, reply: RawReply) => {
    record.status = reply.status;
    if (res.writableEnded || res.destroyed) return;
    const isBuffer = Buffer.isBuffer(reply.body);
    const json = !isBuffer && typeof reply.body !== 'string';
    const payload = isBuffer ? (reply.body as Buffer) : Buffer.from(json ? JSON.stringify(reply.body) : (reply.body as string), 'utf8');
    res.writeHead(reply.status, {
      ...reply.headers,
      'content-type': reply.contentType ?? (json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8'),
      'content-length': String(payload.length),
    });
    res.end(payload);
  };

  const resolveReply = async (reply: BotReply, request: BotRequest): Promise<RawReply> => {
    // Delays may nest; a bound keeps a buggy behaviour from looping forever.
    for (let depth = 0; depth < 10 && isDelayed(reply); depth++) {
      await sleep(reply.delayMs);
      reply = reply.then;
    }
    if (Array.isArray(reply)) return { status: 200, body: cognigyAnswer(reply, request.userId, request.sessionId) };
    if (isDelayed(reply)) return errorReply(500, 'Internal Server Error', 'Delays nested too deep.');
    return reply;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, rawBody: string, overflow: boolean) => {
    const path = (req.url ?? '/').split('?')[0];
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    const testMode = path === `/test/${token}`;
    const record: ReceivedRequest = { method: req.method ?? '', path, contentType, rawBody, testMode };
    if (recording) requests.push(record);

    if (path !== `/${token}` && !testMode) return send(res, record, errorReply(404, 'Not Found', 'No endpoint with this URL token.'));
    if (req.method !== 'POST') return send(res, record, errorReply(405, 'Method Not Allowed', 'Send a POST request.'));
    if (overflow) return send(res, record, errorReply(413, 'Payload Too Large', 'The request body is too large.'));

    let body: unknown;
    if (contentType.startsWith('application/json')) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        return send(res, record, errorReply(400, 'Bad Request', 'The body is not valid JSON.'));
      }
    } else if (contentType.startsWith('application/x-www-form-urlencoded') && options.acceptForm !== false) {
      body = decodeForm(rawBody);
    } else {
      return send(res, record, errorReply(415, 'Unsupported Media Type', 'Send application/json.'));
    }
    record.body = body;
    const problem = validate(body);
    if (problem) return send(res, record, errorReply(400, 'Bad Request', problem));

    const fields = body as Record<string, unknown>;
    const sessionId = fields.sessionId as string;
    const turn = (turns.get(sessionId) ?? 0) + 1;
    turns.set(sessionId, turn);
    const request: BotRequest = {
      userId: fields.userId as string,
      sessionId,
      text: typeof fields.text === 'string' ? fields.text : undefined,
      data: isRecord(fields.data) ? fields.data : undefined,
      turn,
      testMode,
    };
    let reply: RawReply;
    try {
      reply = await resolveReply(await behaviour(request), request);
    } catch (error) {
      reply = errorReply(500, 'Internal Server Error', `The flow failed: ${(error as Error).message}`);
    }
    if (!closed) send(res, record, reply);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) overflow = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'), overflow).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  });
  // Keep-alive as a real endpoint would, but never hold a test run open.
  server.keepAliveTimeout = 2_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: `${base}/${token}`,
    testUrl: `${base}/test/${token}`,
    token,
    requests,
    setBehaviour(next) {
      behaviour = next;
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------
// Behaviours

/**
 * Rich outputs as Cognigy's "AI Default Channel Formats" show them: the output's own text is
 * empty and the text shown with the choices is inside the payload.
 */
export function buttons(text: string, titles: string[]): Record<string, unknown> {
  return {
    type: 'buttons',
    _cognigy: {
      _default: { _buttons: { type: 'buttons', text, buttons: titles.map((title, i) => ({ id: i + 1, type: 'postback', title, payload: title })) } },
    },
  };
}

export function quickReplies(text: string, titles: string[]): Record<string, unknown> {
  return {
    type: 'quickReplies',
    _cognigy: {
      _default: {
        _quickReplies: {
          type: 'quick_replies',
          text,
          quickReplies: titles.map((title, i) => ({ id: i + 1, contentType: 'postback', title, payload: title })),
        },
      },
    },
  };
}

const DEMO_CAPABILITIES = ['Opening hours', 'Order status', 'Pricing', 'Talk to an agent'];

/**
 * The demo bot: greets on a session's first message, knows opening hours, order status
 * and pricing, and asks for a human (`data.escalation: true`) on "agent" or "human".
 */
export const demoBehaviour: BotBehaviour = (request) => {
  const text = (request.text ?? '').trim();
  const outputs: BotReplyOutput[] = [];
  const greeting = request.turn === 1;
  if (greeting) outputs.push({ text: "Hi, I'm the demo bot of twilio-plugin-cognigy." });

  if (/\b(agents?|humans?)\b/i.test(text)) {
    outputs.push({ text: 'Let me connect you to a human agent.', data: { escalation: true } });
  } else if (/\b(hours?|open|opening|close|closing)\b/i.test(text)) {
    outputs.push({ text: 'We are open Monday to Friday, 9:00 to 17:00.' });
  } else if (/\b(order|orders|status|track|tracking|delivery)\b/i.test(text) || /^\d{4,}$/.test(text)) {
    const number = /\b(\d{4,})\b/.exec(text)?.[1];
    outputs.push({
      text: number
        ? `Order ${number} has shipped and should arrive within two working days.`
        : 'Tell me your order number (four digits or more) and I will look it up.',
    });
  } else if (/\b(price|prices|pricing|cost|costs|plan|plans)\b/i.test(text)) {
    outputs.push({ text: 'Basic costs $10 a month, Pro $25 a month; both can be cancelled at any time.' });
  } else if (greeting && /^(hi|hello|hey)\b/i.test(text)) {
    outputs.push({ text: '', data: quickReplies('How can I help you?', DEMO_CAPABILITIES) });
  } else {
    const prompt = 'Sorry, I did not understand that. I can help with:';
    outputs.push({ text: '', data: quickReplies(prompt, DEMO_CAPABILITIES) });
  }
  return outputs;
};
