import { syncCompiler, type Compiler } from './liquid-sync';
import { Drop, ForTag, Liquid, Tag, TypeGuards, evalTokenValue, type Context, type Emitter, type TagToken, type Template, type TopLevelToken } from 'liquidjs';

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

/**
 * DoS bounds for one render, far above what a Studio template needs: a range or filter
 * building more than this many elements/characters, or a render running longer, is
 * error 81018 instead of freezing or crashing the process.
 */
export const MAX_RENDER_MEMORY = 10_000_000;
export const MAX_RENDER_MS = 2_000;
/**
 * The longest text one template may render to: twice the largest body a widget can
 * receive (64 kB). Without it a flow that doubles a variable in a loop reaches V8's string
 * limit within 60 steps and its events can no longer be printed as JSON. Studio documents
 * no such limit; this is the local runner's safety bound.
 */
export const MAX_RENDERED_CHARS = 128 * 1024;

class CappedForTag extends ForTag {
  constructor(...args: ConstructorParameters<typeof ForTag>) {
    super(...args);
    // The cap goes through the tag's own `limit:` modifier, so `offset`/`reversed` still
    // apply in Liquid's order and a smaller explicit limit wins.
    const hash = this.hash;
    const render = hash.render.bind(hash);
    hash.render = function* (ctx) {
      return CappedForTag.modifiers((yield render(ctx)) as Record<string, unknown>);
    } as typeof hash.render;
  }

  /** The loop's modifiers with the cap on `limit` (liquid-sync.ts applies it too). */
  static modifiers(values: Record<string, unknown>): Record<string, unknown> {
    const limit = Number(values.limit);
    values.limit = Number.isFinite(limit) ? Math.min(limit, MAX_FOR_ITERATIONS) : MAX_FOR_ITERATIONS;
    return values;
  }

  /**
   * Liquid builds a range as a whole array before `offset`/`limit` apply, so
   * `(1..1000000000)` would allocate a billion elements (a fatal V8 error). A range is
   * built here only as far as the loop can reach: `offset` plus the 15-iteration cap.
   */
  override *render(ctx: Context, emitter: Emitter): Generator<unknown, void | string, Template[]> {
    const range = this.collection;
    if (!TypeGuards.isRangeToken(range)) return yield* super.render(ctx, emitter);
    const low = Number(yield evalTokenValue(range.lhs, ctx));
    const high = Number(yield evalTokenValue(range.rhs, ctx));
    // The offset as ForTag reads it (`offset: continue` looks up the loop's register).
    ctx.push({ continue: ctx.getRegister(`continue-${this.variable}-${range.getText()}`) });
    const values = (yield this.hash.render(ctx)) as unknown as Record<string, unknown>;
    ctx.pop();
    const offset = Math.max(0, Math.trunc(Number(values.offset) || 0));
    const reach = Math.min(high, low + offset + MAX_FOR_ITERATIONS - 1);
    const items: number[] = [];
    ctx.memoryLimit.use(reach - low + 1);
    for (let i = low; i < reach + 1; i++) items.push(i);
    // Same tag, this one collection: a per-render view, so the parsed template is never changed.
    const view = Object.create(this, { collection: { value: { content: items, getText: () => range.getText() } } }) as ForTag;
    return yield* ForTag.prototype.render.call(view, ctx, emitter);
  }
}

/** Studio templates cannot pull in files; liquidjs would read them from the working directory. */
class NoFilesTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    throw new Error(`"${token.name}" is not available in Studio templates`);
  }
  render(): void {
    return undefined;
  }
}

/** A value as Studio prints it: strings as-is, objects as JSON, nothing as empty. */
export function renderAsStudio(value: unknown): string {
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
    // No file system: `include`, `render` and `layout` find nothing (see NoFilesTag).
    templates: {},
    memoryLimit: MAX_RENDER_MEMORY,
    renderLimit: MAX_RENDER_MS,
  });
  engine.registerTag('for', CappedForTag);
  for (const tag of ['include', 'render', 'layout']) engine.registerTag(tag, NoFilesTag);
  engine.registerFilter('to_json', (value: unknown) => {
    const json = JSON.stringify(value);
    return json === undefined ? '' : json;
  });
  return engine;
}

let sharedEngine: Liquid | undefined;
const compilers = new WeakMap<Liquid, Compiler>();

/** One engine for the process: it is stateless between renders. */
export function studioLiquid(): Liquid {
  sharedEngine ??= createEngine();
  return sharedEngine;
}

function compilerOf(engine: Liquid): Compiler {
  let compiler = compilers.get(engine);
  if (!compiler) compilers.set(engine, (compiler = syncCompiler(engine, [CappedForTag])));
  return compiler;
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

/**
 * `{{ a.b.c }}` and nothing else: the shape of nearly every template in a bot loop
 * (`{{trigger.conversation.Body}}`, `{{widgets.X.parsed.text}}`). Such a template is read
 * straight from the scope, without the engine; see `lookup` for when the engine is still
 * asked.
 */
class Lookup {
  parsed: Parsed | Error | undefined;
  constructor(
    readonly source: string,
    readonly path: readonly string[],
  ) {}
}

/** A parsed template, with the plain-function form of it when there is one (see liquid-sync.ts). */
class Parsed {
  constructor(
    readonly templates: Template[],
    readonly fast: ((scope: object) => string) | undefined,
  ) {}
}

type Compiled = Parsed | string | Error | Lookup;

const LOOKUP = /^\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}$/;
/** Names liquidjs reads specially (`size` of a string, `first` of an array…): the engine decides. */
const SPECIAL_NAMES = new Set(['size', 'first', 'last']);
/** Liquid literals (`{{ true }}` prints "true", `{{ empty }}` nothing): never scope names. */
const LITERALS = new Set(['true', 'false', 'nil', 'null', 'empty', 'blank']);
const ASK_ENGINE = Symbol('ask the engine');

/**
 * What liquidjs (lax, own properties only) reads for `path`, as long as every step goes
 * through a plain object: missing and inherited names read as undefined. Anything else on
 * the way (a string's `length`, an array, a drop, an object with `toLiquid`, a function)
 * is left to the engine, so the answer is always the engine's.
 */
function lookup(scope: object, path: readonly string[]): unknown {
  let value: unknown = scope;
  for (const name of path) {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'object' || Array.isArray(value) || SPECIAL_NAMES.has(name)) return ASK_ENGINE;
    const proto = Object.getPrototypeOf(value);
    if ((proto !== Object.prototype && proto !== null) || typeof (value as { toLiquid?: unknown }).toLiquid === 'function') return ASK_ENGINE;
    value = Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
  }
  return typeof value === 'function' ? ASK_ENGINE : value;
}

function hasMarkup(source: string): boolean {
  return source.includes('{{') || source.includes('{%');
}

/**
 * Parses each distinct template once and keeps it: a flow has a handful of templates that
 * render on every turn, so parsing dominates otherwise. Parse failures are cached too.
 */
export class TemplateCache {
  private readonly compiled = new Map<string, Compiled>();

  private readonly compiler: Compiler;

  constructor(private readonly engine: Liquid = studioLiquid()) {
    this.compiler = compilerOf(engine);
  }

  get size(): number {
    return this.compiled.size;
  }

  private compile(source: string): Compiled {
    let compiled = this.compiled.get(source);
    if (compiled === undefined) {
      const path = LOOKUP.exec(source);
      if (!hasMarkup(source)) compiled = source;
      else if (path && !LITERALS.has(path[1].split('.', 1)[0])) compiled = new Lookup(source, path[1].split('.'));
      else {
        compiled = this.parse(source);
      }
      this.compiled.set(source, compiled);
    }
    return compiled;
  }

  private parse(source: string): Parsed | Error {
    try {
      const templates = this.engine.parse(source);
      return new Parsed(templates, this.compiler.compile(templates));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Renders `source` against `scope`; throws TemplateError naming the widget and property. */
  render(source: unknown, scope: object, widget: string, property: string): string {
    if (source === undefined || source === null) return '';
    // Studio stores templates as strings; anything else (a number, an object in a hand-made
    // file) is read as the text it prints as, without calling the value's own methods.
    const template = typeof source === 'string' ? source : renderAsStudio(source);
    let compiled = this.compile(template);
    if (typeof compiled === 'string') return compiled;
    if (compiled instanceof Lookup) {
      const value = lookup(scope, compiled.path);
      if (value !== ASK_ENGINE) return this.bounded(renderAsStudio(value), widget, property);
      compiled = compiled.parsed ??= this.parse(compiled.source);
    }
    if (compiled instanceof Error) throw new TemplateError(widget, property, firstLine(compiled.message));
    let output: unknown;
    if (compiled.fast) {
      // Any error here (a filter's, a limit's) is left to the engine to render again: its
      // result or its error is the answer.
      let text: string | undefined;
      try {
        text = compiled.fast(scope);
      } catch {
        text = undefined;
      }
      if (text !== undefined) return this.bounded(text, widget, property);
    }
    try {
      output = this.engine.renderSync(compiled.templates, scope);
    } catch (error) {
      throw new TemplateError(widget, property, firstLine(error instanceof Error ? error.message : String(error)));
    }
    return this.bounded(renderAsStudio(output), widget, property);
  }

  private bounded(text: string, widget: string, property: string): string {
    if (text.length > MAX_RENDERED_CHARS) {
      throw new TemplateError(widget, property, `renders to ${text.length} characters, over the local runner's bound of ${MAX_RENDERED_CHARS}`);
    }
    return text;
  }
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
