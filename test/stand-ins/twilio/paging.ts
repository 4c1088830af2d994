/**
 * Twilio-style list pages: PageSize (default 50), Page and PageToken; `meta` carries absolute
 * URLs so the twilio library can follow `next_page_url`.
 */
import { toQueryString } from './form';

export interface PageMeta {
  page: number;
  page_size: number;
  first_page_url: string;
  previous_page_url: string | null;
  url: string;
  next_page_url: string | null;
  key: string;
}

export interface PageRequest {
  /** Absolute URL of the list without query, e.g. http://127.0.0.1:1234/studio/v2/Flows */
  listUrl: string;
  query: Record<string, any>;
  key: string;
}

const PAGING_PARAMS = new Set(['PageSize', 'Page', 'PageToken']);

/** Offsets travel in the token, so a page stays stable whatever `Page` a client sends. */
function tokenFor(offset: number): string {
  return `PT${offset}`;
}

function offsetFrom(token: unknown, page: number, size: number): number {
  if (typeof token === 'string') {
    const m = /^PT(\d+)$/.exec(token);
    if (m) return Number(m[1]);
  }
  return page * size;
}

export function pageOf<T>(items: T[], req: PageRequest): { items: T[]; meta: PageMeta } {
  const size = Number.isInteger(req.query.PageSize) ? (req.query.PageSize as number) : 50;
  const page = Number.isInteger(req.query.Page) ? (req.query.Page as number) : 0;
  const offset = offsetFrom(req.query.PageToken, page, size);
  // Filters stay in the page URLs, as Twilio keeps them.
  const filters: Record<string, any> = {};
  for (const [k, v] of Object.entries(req.query)) if (!PAGING_PARAMS.has(k) && v !== undefined) filters[k] = v;
  const link = (p: number, off: number | undefined) =>
    `${req.listUrl}?${toQueryString({ ...filters, PageSize: size, Page: p, ...(off ? { PageToken: tokenFor(off) } : {}) })}`;
  const slice = items.slice(offset, offset + size);
  const hasNext = offset + size < items.length;
  return {
    items: slice,
    meta: {
      page,
      page_size: size,
      first_page_url: link(0, undefined),
      previous_page_url: page > 0 ? link(page - 1, Math.max(0, offset - size)) : null,
      url: link(page, offset),
      next_page_url: hasNext ? link(page + 1, offset + size) : null,
      key: req.key,
    },
  };
}
