/** What a resource handler gets and gives back; the server does HTTP, auth and the contract. */
import type { Product } from './contract';
import { pageOf } from './paging';
import type { FakeState } from './state';

export interface HandlerContext {
  state: FakeState;
  /** Path parameters, validated against the contract. */
  params: Record<string, string>;
  /** Query parameters, validated and typed (integers, booleans, arrays). */
  query: Record<string, any>;
  /** Form body, validated and typed. */
  body: Record<string, any>;
  /** Absolute URL of a path in this product, e.g. url('/v2/Flows/FW…'). */
  url(path: string): string;
  /** Absolute URL of a path in another product. */
  urlOf(product: Product, path: string): string;
  /** The request's path inside the product, without the query. */
  path: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

export type Handler = (ctx: HandlerContext) => Reply;
export type HandlerTable = Record<string, Handler>;

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const noContent = (): Reply => ({ status: 204, body: null });

/** A list answer: `{<key>: [...], meta: {...}}` for the page the query asks for. */
export function listReply<T>(ctx: HandlerContext, key: string, items: T[], render: (item: T) => unknown): Reply {
  const page = pageOf(items, { listUrl: ctx.url(ctx.path), query: ctx.query, key });
  return ok({ [key]: page.items.map(render), meta: page.meta });
}

/** Parses a JSON-string parameter, or throws the given error. */
export function parseJsonParam(value: unknown, onError: (message: string) => Error): any {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw onError((err as Error).message);
  }
}
