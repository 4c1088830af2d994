/**
 * The contract: Twilio's own OpenAPI descriptions (shipped in @twilio/cli-core), loaded once
 * per process and held a little stricter than they are written, so that the fake answers
 * what the real API would reject and notices its own answers drifting from the real shape.
 */
import * as fs from 'fs';
import * as path from 'path';
import OpenAPIBackend, { ValidationContext } from 'openapi-backend';
import type { Operation } from 'openapi-backend';

export type Product = 'studio' | 'taskrouter' | 'flex-api' | 'conversations' | 'chat';

const SPEC_FILES: Record<Product, string> = {
  studio: 'twilio_studio_v2.json',
  taskrouter: 'twilio_taskrouter_v1.json',
  'flex-api': 'twilio_flex_v1.json',
  conversations: 'twilio_conversations_v1.json',
  // Programmable Chat v2: the legacy Flex messaging channel's webhooks.
  chat: 'twilio_chat_v2.json',
};

export const PRODUCTS = Object.keys(SPEC_FILES) as Product[];

export function isProduct(name: string): name is Product {
  return Object.prototype.hasOwnProperty.call(SPEC_FILES, name);
}

function specDir(): string {
  const pkg = require.resolve('@twilio/cli-core/package.json');
  return path.join(path.dirname(pkg), 'src', 'services', 'twilio-api');
}

type Json = Record<string, any>;
const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

/**
 * Request bodies in Twilio's files leave `additionalProperties` open, but the real API
 * answers 400 for a parameter it does not know: close them.
 */
function closeRequestBodies(doc: Json): void {
  for (const pathItem of Object.values<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const schema = pathItem[method]?.requestBody?.content?.['application/x-www-form-urlencoded']?.schema;
      if (schema && schema.type === 'object' && schema.additionalProperties === undefined) {
        schema.additionalProperties = false;
      }
    }
  }
}

/**
 * Real Twilio answers carry every field of a resource (null when empty) and nothing else;
 * holding the fake's answers to that catches a forgotten `url`/`links` or a misspelt key.
 */
function closeResponseSchema(schema: Json | undefined, seen: Set<Json>): void {
  if (!schema || typeof schema !== 'object' || seen.has(schema) || schema.$ref) return;
  seen.add(schema);
  if (schema.properties && typeof schema.properties === 'object') {
    if (schema.additionalProperties === undefined) schema.additionalProperties = false;
    schema.required = Object.keys(schema.properties);
    for (const prop of Object.values<Json>(schema.properties)) {
      closeResponseSchema(prop, seen);
      if (prop && prop.type === 'array') closeResponseSchema(prop.items, seen);
    }
  }
}

function closeResponses(doc: Json): void {
  const seen = new Set<Json>();
  for (const schema of Object.values<Json>(doc.components?.schemas ?? {})) closeResponseSchema(schema, seen);
  for (const pathItem of Object.values<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      for (const response of Object.values<Json>(pathItem[method]?.responses ?? {})) {
        closeResponseSchema(response?.content?.['application/json']?.schema, seen);
      }
    }
  }
}

/** Ajv refuses `nullable` without `type`; an untyped schema admits null anyway. */
function dropUntypedNullable(node: unknown, seen = new Set<unknown>()): void {
  if (!node || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  const obj = node as Json;
  if ('nullable' in obj && obj.type === undefined && typeof obj.nullable === 'boolean') delete obj.nullable;
  for (const value of Object.values(obj)) dropUntypedNullable(value, seen);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Formats Twilio's files use that openapi-backend does not define. */
const FORMATS: Record<string, (value: any) => boolean> = {
  'date-time': (v) => typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)),
  uri: (v) => {
    if (typeof v !== 'string') return false;
    try {
      new URL(v);
      return true;
    } catch {
      return false;
    }
  },
  // Twilio accepts E.164 numbers and channel addresses such as `whatsapp:+1…` or `client:bob`.
  'phone-number': (v) => typeof v === 'string' && v.trim().length > 0,
  'uri-map': (v) => typeof v === 'object' && v !== null,
  'http-method': (v) => typeof v === 'string' && /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH)$/i.test(v),
};

function buildBackend(product: Product): OpenAPIBackend {
  const doc = JSON.parse(fs.readFileSync(path.join(specDir(), SPEC_FILES[product]), 'utf8'));
  dropUntypedNullable(doc);
  closeRequestBodies(doc);
  closeResponses(doc);
  return new OpenAPIBackend({
    definition: doc,
    // quick: no meta-validation of Twilio's file and validators compiled lazily, each once
    quick: true,
    coerceTypes: true,
    validate: true,
    ajvOpts: { strict: false, logger: false, allErrors: true },
    customizeAjv: (ajv, ajvOpts, context) => {
      // Form bodies arrive as strings: let the schema's types decide, as Twilio's parser does
      // (a repeated key is an array, a lone value for an array parameter is a one-item array).
      const tuned =
        context === ValidationContext.RequestBody
          ? new (ajv.constructor as any)({ ...ajvOpts, coerceTypes: 'array' })
          : ajv;
      for (const [name, validate] of Object.entries(FORMATS)) tuned.addFormat(name, { validate });
      return tuned;
    },
  });
}

const backends = new Map<Product, Promise<OpenAPIBackend>>();

/** One backend per product per process: parsing and compiling happen once. */
export function contractFor(product: Product): Promise<OpenAPIBackend> {
  let backend = backends.get(product);
  if (!backend) {
    backend = (async () => {
      const api = buildBackend(product);
      await api.init();
      return api;
    })();
    backends.set(product, backend);
  }
  return backend;
}

export interface CheckedRequest {
  operation: Operation;
  params: Record<string, string>;
  query: Record<string, any>;
  body: Record<string, any>;
}

export type RequestCheck = { ok: true; request: CheckedRequest } | { ok: false; reason: string };

interface RawRequest {
  method: string;
  /** Path inside the product, e.g. /v2/Flows */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, string | string[]>;
  hasBody: boolean;
}

function describeErrors(
  errors: Array<{ instancePath?: string; message?: string; params?: any }>,
  root = 'request',
): string {
  return errors
    .map((e) => {
      const where = (e.instancePath ?? '').replace(/^\/requestBody/, 'body').replace(/^\//, '') || root;
      const extra = e.params?.additionalProperty ? ` "${e.params.additionalProperty}"` : '';
      return `${where} ${e.message ?? 'is invalid'}${extra}`;
    })
    .join('; ');
}

export async function checkRequest(product: Product, raw: RawRequest): Promise<RequestCheck> {
  const api = await contractFor(product);
  const method = raw.method.toLowerCase();
  const req = { method, path: raw.path, query: raw.query, headers: raw.headers as any, body: raw.body };
  const operation = api.router.matchOperation(req);
  if (!operation) return { ok: false, reason: `unknown operation ${raw.method} ${raw.path}` };
  const hasForm = Boolean((operation.requestBody as any)?.content?.['application/x-www-form-urlencoded']);
  if (!hasForm && raw.hasBody && Object.keys(raw.body).length > 0) {
    return { ok: false, reason: `${operation.operationId} takes no body, got ${Object.keys(raw.body).join(', ')}` };
  }
  // The body object is coerced in place by the validator (strings to booleans, integers, arrays).
  const body = { ...raw.body };
  const result = api.validateRequest({ ...req, body: hasForm ? body : undefined }, operation);
  if (!result.valid) {
    return { ok: false, reason: `${operation.operationId}: ${describeErrors(result.errors ?? [])}` };
  }
  const coerced = result.coerced as any;
  return {
    ok: true,
    request: { operation, params: coerced.params ?? {}, query: coerced.query ?? {}, body },
  };
}

/** Null when the answer fits the operation's schema for that status, else the reason. */
export async function checkResponse(
  product: Product,
  operation: Operation,
  status: number,
  body: unknown,
): Promise<string | null> {
  const api = await contractFor(product);
  const documented = Object.keys(operation.responses ?? {});
  if (!documented.includes(String(status))) {
    return `${operation.operationId} answered ${status}, documented: ${documented.join(', ')}`;
  }
  const result = api.validateResponse(status === 204 ? null : body, operation, status);
  if (!result.valid) return `${operation.operationId} response: ${describeErrors(result.errors ?? [], 'body')}`;
  return null;
}
