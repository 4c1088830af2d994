import { Drop, ForTag, Liquid, type Template } from 'liquidjs';

/**
 * Liquid configured like Studio's (Shopify dialect): lax about missing variables (they
 * render empty), values render as strings (`true` renders "true"), nothing is escaped.
 *
 * Decisions where Studio's behaviour is not documented:
 * - objects and arrays render as JSON (`{{ widgets.X.parsed }}` → `{"a":1}`), which is
 *   what Studio users see "JSON-ish"; Shopify would print `[object Object]`/join arrays;
 * - an unknown filter is an error (81018) rather than silently ignored, so a typo shows
 *   up in the simulator instead of in production;
 * - `for` loops stop after 15 iterations, as Studio documents;
 * - dates use Studio's documented time zone (Pacific).
 */

export const MAX_FOR_ITERATIONS = 15;

/** Studio's template error code. */
export const TEMPLATE_ERROR_CODE = 81018;

class CappedForTag extends ForTag {
  constructor(...args: ConstructorParameters<typeof ForTag>) {
    super(...args);
    // The cap goes through the tag's own `limit:` modifier, so `offset`/`reversed` still
    // apply in Liquid's order and a smaller explicit limit wins.
    const hash = this.hash;
    const render = hash.render.bind(hash);
    hash.render = function* (ctx) {
      const values = (yield render(ctx)) as Record<string, unknown>;
      const limit = Number(values.limit);
      values.limit = Number.isFinite(limit) ? Math.min(limit, MAX_FOR_ITERATIONS) : MAX_FOR_ITERATIONS;
      return values;
    } as typeof hash.render;
  }
}

function renderAsStudio(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && !(value instanceof Date)) {
    // Liquid's own values (drops such as `forloop`, `empty`) keep Liquid's string form.
    if (value instanceof Drop) return String(value.valueOf());
    return JSON.stringify(value) ?? '';
  }
  return String(value);
}

function createEngine(): Liquid {
  const engine = new Liquid({
    strictVariables: false,
    strictFilters: true,
    ownPropertyOnly: true,
    jsTruthy: false,
    cache: false,
    timezoneOffset: 'America/Los_Angeles',
    outputEscape: renderAsStudio,
  });
  engine.registerTag('for', CappedForTag);
  engine.registerFilter('to_json', (value: unknown) => {
    const json = JSON.stringify(value);
    return json === undefined ? '' : json;
  });
  return engine;
}

let sharedEngine: Liquid | undefined;

/** One engine for the process: it is stateless between renders. */
export function studioLiquid(): Liquid {
  sharedEngine ??= createEngine();
  return sharedEngine;
}

/** A template failed to parse or render: Studio's error 81018. */
export class TemplateError extends Error {
  readonly code = TEMPLATE_ERROR_CODE;
  constructor(
    readonly widget: string,
    readonly property: string,
    readonly detail: string,
  ) {
    super(`${TEMPLATE_ERROR_CODE}: template error in widget "${widget}", property "${property}": ${detail}`);
    this.name = 'TemplateError';
  }
}

type Compiled = Template[] | string | Error;

function hasMarkup(source: string): boolean {
  return source.includes('{{') || source.includes('{%');
}

/**
 * Parses each distinct template once and keeps it: a flow has a handful of templates that
 * render on every turn, so parsing dominates otherwise. Parse failures are cached too.
 */
export class TemplateCache {
  private readonly compiled = new Map<string, Compiled>();

  constructor(private readonly engine: Liquid = studioLiquid()) {}

  get size(): number {
    return this.compiled.size;
  }

  private compile(source: string): Compiled {
    let compiled = this.compiled.get(source);
    if (compiled === undefined) {
      if (!hasMarkup(source)) compiled = source;
      else {
        try {
          compiled = this.engine.parse(source);
        } catch (error) {
          compiled = error instanceof Error ? error : new Error(String(error));
        }
      }
      this.compiled.set(source, compiled);
    }
    return compiled;
  }

  /** Renders `source` against `scope`; throws TemplateError naming the widget and property. */
  render(source: unknown, scope: object, widget: string, property: string): string {
    if (source === undefined || source === null) return '';
    const text = typeof source === 'string' ? source : String(source);
    const compiled = this.compile(text);
    if (typeof compiled === 'string') return compiled;
    if (compiled instanceof Error) throw new TemplateError(widget, property, firstLine(compiled.message));
    try {
      const output: unknown = this.engine.renderSync(compiled, scope);
      return typeof output === 'string' ? output : String(output ?? '');
    } catch (error) {
      throw new TemplateError(widget, property, firstLine(error instanceof Error ? error.message : String(error)));
    }
  }
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
