import {
  AssignTag,
  BreakTag,
  CaptureTag,
  CommentTag,
  Context,
  ContinueTag,
  defaultOperators,
  ForTag,
  IfTag,
  isFalsy,
  isTruthy,
  TypeGuards,
  toValue,
  toValueSync,
  UnlessTag,
  type Liquid,
  type Template,
} from 'liquidjs';

/**
 * liquidjs renders through generators (so that one code path serves sync and async
 * rendering), and in a scripted run that machinery was most of the cost of a turn: the
 * built flow's `ReadBotAnswer` templates loop over the bot's outputs and take ~40 µs each
 * through the engine. This module renders the same parsed templates (liquidjs's own parse
 * tree, tags, filters, `Context`, `readProperty`, drops, limits) with plain functions:
 * each step below is liquidjs's render step for that node with `yield x` written as
 * `drive(x)`, which is what `renderSync` does with it. Tags, tokens and options outside the
 * set below make the whole template go to the engine, and so does any error here: the
 * engine then renders it again and its result or error is the answer. A property test
 * (test/unit/fuzz/liquid.test.ts) holds the two equal on random templates and scopes.
 */

type Emit = { buffer: string };
// The engine checks its time limit (MAX_RENDER_MS) before every node; here it is checked
// where time can go, at the start and on every loop iteration (loops run at most 15 times).
type Node = (ctx: Context, out: Emit) => void;
type Value = (ctx: Context) => unknown;
type Operand = (ctx: Context, lenient: boolean) => unknown;

/** Thrown while compiling: the template has a part this module does not render. */
class Unsupported extends Error {}

function unsupported(what: string): never {
  throw new Unsupported(what);
}

function isIterator(value: unknown): value is Iterator<unknown> {
  const v = value as { next?: unknown; throw?: unknown; return?: unknown } | null | undefined;
  return !!v && typeof v.next === 'function' && typeof v.throw === 'function' && typeof v.return === 'function';
}

/** liquidjs's `isArray` (Object.prototype.toString, which a `Symbol.toStringTag` can change). */
const objectToString = Object.prototype.toString;
function isArray(value: unknown): value is unknown[] {
  return objectToString.call(value) === '[object Array]';
}

/** What `yield value` gives back inside liquidjs's sync render. */
function drive(value: unknown): unknown {
  return isIterator(value) ? toValueSync(value) : value;
}

/** liquidjs's `stringify` (the emitter's): drops by value, nil empty, arrays joined. */
function stringify(value: unknown): string {
  value = toValue(value);
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (isArray(value)) return value.map((x) => stringify(x)).join('');
  return String(value);
}

interface Comparable {
  equals(other: unknown): unknown;
  gt(other: unknown): unknown;
  geq(other: unknown): unknown;
  lt(other: unknown): unknown;
  leq(other: unknown): unknown;
}

function isComparable(arg: unknown): arg is Comparable {
  const a = arg as Partial<Comparable> | null | undefined;
  return !!a && typeof a.equals === 'function' && typeof a.gt === 'function' && typeof a.geq === 'function' && typeof a.lt === 'function' && typeof a.leq === 'function';
}

function equals(lhs: unknown, rhs: unknown): boolean {
  if (isComparable(lhs)) return drive(lhs.equals(rhs)) as boolean;
  if (isComparable(rhs)) return drive(rhs.equals(lhs)) as boolean;
  lhs = drive(toValue(lhs));
  rhs = drive(toValue(rhs));
  if (isArray(lhs)) return isArray(rhs) && arrayEquals(lhs, rhs);
  return lhs === rhs;
}

function arrayEquals(lhs: unknown[], rhs: unknown[]): boolean {
  if (lhs.length !== rhs.length) return false;
  for (let i = 0; i < lhs.length; i++) if (!equals(lhs[i], rhs[i])) return false;
  return true;
}

function ordered(op: 'gt' | 'lt' | 'geq' | 'leq', flipped: 'gt' | 'lt' | 'geq' | 'leq', compare: (l: never, r: never) => boolean) {
  return (l: unknown, r: unknown): unknown => {
    if (isComparable(l)) return drive(l[op](r));
    if (isComparable(r)) return drive(r[flipped](l));
    return compare(drive(toValue(l)) as never, drive(toValue(r)) as never);
  };
}

/** `defaultOperators`, each as liquidjs evaluates it (both sides of `and`/`or` are always evaluated). */
const binary: Record<string, (l: unknown, r: unknown, ctx: Context) => unknown> = {
  '==': (l, r) => equals(l, r),
  '!=': (l, r) => !equals(l, r),
  '>': ordered('gt', 'lt', (l, r) => l > r),
  '<': ordered('lt', 'gt', (l, r) => l < r),
  '>=': ordered('geq', 'leq', (l, r) => l >= r),
  '<=': ordered('leq', 'geq', (l, r) => l <= r),
  contains: (l, r) => {
    l = drive(toValue(l));
    if (isArray(l)) {
      for (const value of l) if (equals(value, r)) return true;
      return false;
    }
    const indexOf = (l as { indexOf?: unknown } | null | undefined)?.indexOf;
    if (typeof indexOf === 'function') return (l as { indexOf(x: unknown): number }).indexOf(drive(toValue(r))) > -1;
    return false;
  },
  and: (l, r, ctx) => isTruthy(drive(toValue(l)), ctx) && isTruthy(drive(toValue(r)), ctx),
  or: (l, r, ctx) => isTruthy(drive(toValue(l)), ctx) || isTruthy(drive(toValue(r)), ctx),
};
const UNARY: Record<string, number> = { not: 1 };

/* The parse tree's shapes, as liquidjs builds them (its .d.ts keeps most of them internal). */
interface TokenLike {
  kind: number;
  content?: unknown;
  getText(): string;
}
interface PropertyAccess extends TokenLike {
  variable?: TokenLike;
  props: TokenLike[];
}
interface ExpressionLike {
  postfix: (TokenLike & { operator?: string })[];
}
interface FilterLike {
  name: string;
  handler: (...args: unknown[]) => unknown;
  args: (TokenLike | [string, TokenLike])[];
  token: unknown;
  liquid: Liquid;
}
interface ValueLike {
  initial: ExpressionLike;
  filters: FilterLike[];
}

export interface Compiler {
  /** Plain functions for these parsed templates, or undefined when the engine must render them. */
  compile(templates: Template[]): ((scope: object) => string) | undefined;
}

/**
 * `forTags`: subclasses of ForTag that render a collection (not a range) as ForTag does,
 * their `modifiers` applied to the evaluated `offset`/`limit`/`reversed` (the cap).
 */
export interface ForTagClass {
  new (...args: never[]): ForTag;
  modifiers?(values: Record<string, unknown>): Record<string, unknown>;
}

export function syncCompiler(engine: Liquid, forTags: readonly ForTagClass[] = []): Compiler {
  const options = engine.options as unknown as Record<string, unknown> & { operators: Record<string, unknown> };
  // The loop variable `forloop` is liquidjs's own drop, which it does not export: one
  // render with a Context of ours leaves an instance behind to take the class from.
  const probe = new Context({}, engine.options, { sync: true }, { liquid: engine } as never);
  engine.renderSync(engine.parse('{% for i in "x" %}{% assign f = forloop %}{% endfor %}'), probe);
  const ForloopDrop = (probe.bottom() as { f: object }).f.constructor as new (length: number, collection: string, variable: string) => { next(): void };
  const ownOnly = options.ownPropertyOnly === true;
  const usable =
    !options.keepOutputType &&
    !options.catchAllErrors &&
    !options.orderedFilterParameters &&
    !options.strictVariables &&
    options.operators === defaultOperators &&
    typeof ForloopDrop === 'function';

  function token(t: TokenLike | undefined): Operand {
    if (!t) return () => undefined;
    if ('content' in t) {
      const content = t.content;
      return () => content;
    }
    if (TypeGuards.isPropertyAccessToken(t as never)) return propertyAccess(t as unknown as PropertyAccess);
    return unsupported(`token ${t.getText()}`);
  }

  /** evalTokenValue */
  function tokenValue(t: TokenLike): Operand {
    const read = token(t);
    return (ctx, lenient) => drive(toValue(read(ctx, lenient)));
  }

  function propertyAccess(t: PropertyAccess): Operand {
    const props = t.props.map((p) => tokenValue(p));
    const variable = t.variable ? token(t.variable) : undefined;
    // Names known at parse time (`a.b["c"]`), read without evaluating tokens.
    const names = t.props.every((p) => 'content' in p && typeof p.content === 'string') ? t.props.map((p) => p.content as string) : undefined;
    return (ctx, lenient) => {
      const paths = names ?? props.map((p) => p(ctx, false));
      let scope: unknown = variable ? variable(ctx, lenient) : (ctx as unknown as { findScope(key: string): object }).findScope(paths[0] as string);
      for (let i = 0; i < paths.length; i++) scope = readProperty(ctx, scope, paths[i]);
      return scope;
    };
  }

  /**
   * ctx.readProperty, with its answer for the common case computed here: a string key
   * (not `size`, `first` or `last`) on a plain object without `toLiquid`, which it reads as
   * the own property's value (undefined when not own), a function's value aside.
   */
  function readProperty(ctx: Context, obj: unknown, key: unknown): unknown {
    if (ownOnly && typeof key === 'string' && typeof obj === 'object' && obj !== null && key !== 'size' && key !== 'first' && key !== 'last') {
      const proto: unknown = Object.getPrototypeOf(obj);
      if ((proto === Object.prototype || proto === null) && typeof (obj as { toLiquid?: unknown }).toLiquid !== 'function') {
        if (!Object.hasOwn(obj, key)) return undefined;
        const value = (obj as Record<string, unknown>)[key];
        if (typeof value !== 'function') return value;
      }
    }
    return drive(ctx.readProperty(obj as never, key as never));
  }

  function expression(e: ExpressionLike): Operand {
    const steps = e.postfix.map((t): ((ctx: Context, lenient: boolean, operands: unknown[]) => void) => {
      if (TypeGuards.isOperatorToken(t as never)) {
        const op = t.operator as string;
        if (UNARY[op]) return (ctx, _lenient, operands) => operands.push(isFalsy(drive(toValue(operands.pop())), ctx));
        const apply = binary[op] ?? unsupported(`operator ${op}`);
        return (ctx, _lenient, operands) => {
          const r = operands.pop();
          const l = operands.pop();
          operands.push(apply(l, r, ctx));
        };
      }
      const read = token(t);
      return (ctx, lenient, operands) => operands.push(read(ctx, lenient));
    });
    if (steps.length === 1 && !TypeGuards.isOperatorToken(e.postfix[0] as never)) return token(e.postfix[0]);
    return (ctx, lenient) => {
      const operands: unknown[] = [];
      for (const step of steps) step(ctx, lenient, operands);
      return operands[0];
    };
  }

  /** Value.value(ctx, lenient) */
  function value(v: ValueLike, lenientOf: (ctx: Context) => boolean): Value {
    const initial = expression(v.initial);
    const filters = v.filters.map((f) => {
      const args = f.args.map((arg): ((ctx: Context) => unknown) => {
        if (isArray(arg)) {
          const read = token(arg[1]);
          return (ctx) => [arg[0], read(ctx, false)];
        }
        const read = token(arg);
        return (ctx) => read(ctx, false);
      });
      const self = (ctx: Context) => ({ context: ctx, token: f.token, liquid: f.liquid });
      if (args.length === 0) return (input: unknown, ctx: Context) => drive(f.handler.call(self(ctx), input));
      if (args.length === 1) return (input: unknown, ctx: Context) => drive(f.handler.call(self(ctx), input, args[0](ctx)));
      return (input: unknown, ctx: Context) => drive(f.handler.apply(self(ctx), [input, ...args.map((a) => a(ctx))]));
    });
    const lenientByDefault = !!options.lenientIf && v.filters.length > 0 && v.filters[0].name === 'default';
    return (ctx) => {
      let val = initial(ctx, lenientOf(ctx) || lenientByDefault);
      for (const filter of filters) val = filter(val, ctx);
      return val;
    };
  }

  const lenientIf = (ctx: Context) => !!(ctx.opts as unknown as { lenientIf?: boolean }).lenientIf;
  const never = () => false;

  /** Set while compiling a template that has `break` or `continue`: only then are their flags looked at. */
  let breaks = false;

  function templates(list: Template[]): Node {
    const nodes = list.map(node);
    if (nodes.length === 1) return nodes[0];
    const checked = breaks;
    return (ctx, out) => {
      for (const n of nodes) {
        n(ctx, out);
        if (checked && (ctx.breakCalled || ctx.continueCalled)) break;
      }
    };
  }

  /** renderTemplates without an emitter: a fresh buffer (capture). */
  function captured(list: Template[]): (ctx: Context) => string {
    const body = templates(list);
    return (ctx) => {
      const out = { buffer: '' };
      body(ctx, out);
      return out.buffer;
    };
  }

  function node(tpl: Template): Node {
    const t = tpl as unknown as Record<string, unknown> & { token: TokenLike };
    if (TypeGuards.isHTMLToken(t.token as never)) {
      const str = t.str as string;
      return (_ctx, out) => {
        out.buffer += str;
      };
    }
    if (TypeGuards.isOutputToken(t.token as never)) {
      const read = value(t.value as ValueLike, never);
      return (ctx, out) => {
        out.buffer += stringify(drive(toValue(read(ctx))));
      };
    }
    switch (tpl.constructor) {
      case AssignTag: {
        const read = value(t.value as ValueLike, () => !!options.lenientIf);
        const key = t.key as string;
        return (ctx) => {
          (ctx.bottom() as Record<string, unknown>)[key] = read(ctx);
        };
      }
      case CaptureTag: {
        const body = captured(t.templates as Template[]);
        const variable = t.variable as string;
        return (ctx) => {
          (ctx.bottom() as Record<string, unknown>)[variable] = body(ctx);
        };
      }
      case IfTag:
      case UnlessTag: {
        const branches = (t.branches as { value: ValueLike; test?: (v: unknown, ctx: Context) => boolean; templates: Template[] }[]).map((b) => ({
          read: value(b.value, lenientIf),
          test: tpl.constructor === IfTag ? isTruthy : (b.test ?? unsupported('unless branch')),
          body: templates(b.templates),
        }));
        const otherwise = templates((t.elseTemplates as Template[] | undefined) ?? []);
        return (ctx, out) => {
          for (const b of branches) {
            const v = drive(toValue(b.read(ctx)));
            if (b.test(v, ctx)) return b.body(ctx, out);
          }
          otherwise(ctx, out);
        };
      }
      case BreakTag:
        breaks = true;
        return (ctx) => {
          ctx.breakCalled = true;
        };
      case ContinueTag:
        breaks = true;
        return (ctx) => {
          ctx.continueCalled = true;
        };
      case CommentTag:
        return () => undefined;
      default:
        if (tpl.constructor === ForTag || forTags.includes(tpl.constructor as ForTagClass)) return forLoop(tpl as ForTag, tpl.constructor as ForTagClass);
        return unsupported(`tag ${String(t.name)}`);
    }
  }

  /** ForTag.render with the engine's own (capped) modifiers; ranges are left to the engine's tag. */
  function forLoop(tpl: ForTag, tag: ForTagClass): Node {
    const t = tpl as unknown as { collection: TokenLike; variable: string; hash: { hash: Record<string, TokenLike | undefined> }; templates: Template[]; elseTemplates: Template[] };
    // Hash.render: a modifier without a value (`reversed`) is true.
    const hashTokens = Object.keys(t.hash.hash).map((key): [string, Operand | undefined] => {
      const value = t.hash.hash[key];
      return [key, value === undefined ? undefined : token(value)];
    });
    const modifiers = tag.modifiers ?? ((values: Record<string, unknown>) => values);
    if (TypeGuards.isRangeToken(t.collection as never)) unsupported('range');
    const collectionOf = token(t.collection);
    const text = t.collection.getText();
    const variable = t.variable;
    const continueKey = `continue-${variable}-${text}`;
    const body = templates(t.templates);
    const otherwise = templates(t.elseTemplates);
    return (ctx, out) => {
      let collection = toEnumerable(collectionOf(ctx, false));
      if (!collection.length) return otherwise(ctx, out);
      ctx.push(Object.assign(Object.create(null), { continue: ctx.getRegister(continueKey, {}) }));
      const values: Record<string, unknown> = {};
      for (const [key, read] of hashTokens) values[key] = read ? read(ctx, false) : true;
      const hash = modifiers(values);
      ctx.pop();
      if (hash.offset !== undefined) collection = collection.slice(hash.offset as number);
      if (hash.limit !== undefined) collection = collection.slice(0, hash.limit as number);
      if (hash.reversed !== undefined) collection = [...collection].reverse();
      ctx.setRegister(continueKey, ((hash.offset as number) || 0) + collection.length);
      const scope = Object.assign(Object.create(null), { forloop: new ForloopDrop(collection.length, text, variable) }) as Record<string, unknown> & { forloop: { next(): void } };
      ctx.push(scope);
      for (const item of collection) {
        scope[variable] = item;
        ctx.continueCalled = ctx.breakCalled = false;
        ctx.renderLimit.check(performance.now());
        body(ctx, out);
        if (ctx.breakCalled) break;
        scope.forloop.next();
      }
      ctx.continueCalled = ctx.breakCalled = false;
      ctx.pop();
    };
  }

  return {
    compile(list) {
      if (!usable) return undefined;
      let body: Node;
      breaks = false;
      try {
        body = templates(list);
      } catch (error) {
        if (error instanceof Unsupported) return undefined;
        throw error;
      }
      return (scope) => {
        const ctx = new Context(scope, engine.options, { sync: true }, { liquid: engine } as never);
        ctx.renderLimit.check(performance.now());
        const out = { buffer: '' };
        body(ctx, out);
        return out.buffer;
      };
    },
  };
}

/** liquidjs's toEnumerable. */
function toEnumerable(val: unknown): unknown[] {
  val = toValue(val);
  if (isArray(val)) return val;
  if (typeof val === 'string' && val.length > 0) return [val];
  const isObject = val !== null && (typeof val === 'object' || typeof val === 'function');
  if (isObject && Symbol.iterator in (val as object)) return Array.from(val as Iterable<unknown>);
  if (isObject) return Object.keys(val as object).map((key) => [key, (val as Record<string, unknown>)[key]]);
  return [];
}
