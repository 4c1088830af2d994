import { endpointToken, redact } from '../redact';
import { BareLiquid, parseTemplate } from './attributes';
import { canonicalJson } from './canonical';
import type { FlowDefinition, Transition, WidgetState } from '../domain/flow';

/**
 * One difference between two flows. Canvas offsets and key order are not differences.
 * `path` is relative to the widget (`url`, `parameters[text]`, `transitions.match#2`,
 * `attributes.cognigy.reason` inside a JSON template) or, for kind `flow`, to the
 * definition (`description`, `flags.allow_concurrent_calls`). JSON templates (task
 * attributes) are compared by content, so re-spacing one is not a change.
 */
export interface FlowChange {
  kind: 'flow' | 'widget-added' | 'widget-removed' | 'widget-type' | 'property' | 'transition';
  widget?: string;
  path: string;
  before?: unknown;
  after?: unknown;
}

export function diffFlows(before: FlowDefinition, after: FlowDefinition): FlowChange[] {
  const changes: FlowChange[] = [];
  diffFlowLevel(before, after, changes);
  const left = byName(before.states);
  const right = byName(after.states);
  for (const [name, state] of left) {
    if (!right.has(name)) changes.push({ kind: 'widget-removed', widget: name, path: state.type, before: state.type });
  }
  for (const [name, state] of right) {
    const old = left.get(name);
    if (!old) {
      changes.push({ kind: 'widget-added', widget: name, path: state.type, after: state.type });
      continue;
    }
    if (old.type !== state.type) changes.push({ kind: 'widget-type', widget: name, path: 'type', before: old.type, after: state.type });
    const { offset: _a, ...oldProps } = old.properties ?? {};
    const { offset: _b, ...newProps } = state.properties ?? {};
    diffValues(oldProps, newProps, '', (path, b, a) => changes.push({ kind: 'property', widget: name, path, before: b, after: a }));
    diffTransitions(name, old.transitions ?? [], state.transitions ?? [], changes);
  }
  return changes;
}

/** Equal but for canvas offsets and key order. */
export function sameFlow(a: FlowDefinition, b: FlowDefinition): boolean {
  return diffFlows(a, b).length === 0;
}

function byName(states: WidgetState[] | undefined): Map<string, WidgetState> {
  return new Map((Array.isArray(states) ? states : []).map((s) => [s.name, s]));
}

function diffFlowLevel(before: FlowDefinition, after: FlowDefinition, changes: FlowChange[]): void {
  const { states: _s1, ...left } = before as unknown as Record<string, unknown>;
  const { states: _s2, ...right } = after as unknown as Record<string, unknown>;
  diffValues(left, right, '', (path, b, a) => changes.push({ kind: 'flow', path, before: b, after: a }));
}

type Emit = (path: string, before: unknown, after: unknown) => void;

/**
 * Objects are compared key by key; lists of `{key, value}` (variables, parameters) by
 * key, since their order means nothing to Studio; other lists as a whole.
 */
function diffValues(before: unknown, after: unknown, path: string, emit: Emit): void {
  if (canonicalJson(before) === canonicalJson(after)) return;
  if (before instanceof BareLiquid || after instanceof BareLiquid) return emit(path, before, after);
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of [...keys].sort()) diffValues(before[key], after[key], path ? `${path}.${key}` : key, emit);
    return;
  }
  // Task attributes and JSON bodies are JSON templates: compare what they say, not their spacing.
  if (typeof before === 'string' && typeof after === 'string') {
    const left = parseTemplate(before);
    const right = parseTemplate(after);
    if (left && right) {
      diffValues(left, right, path, emit);
      return;
    }
  }
  if (isKeyedList(before) && isKeyedList(after)) {
    const left = new Map(before.map((e) => [e.key, e]));
    const right = new Map(after.map((e) => [e.key, e]));
    const keys = [...new Set([...left.keys(), ...right.keys()])];
    for (const key of keys) diffValues(left.get(key), right.get(key), `${path}[${key}]`, emit);
    return;
  }
  emit(path, before, after);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function isKeyedList(value: unknown): value is Array<{ key: string }> {
  if (!Array.isArray(value)) return false;
  const keys = value.map((e) => (isPlainObject(e) && typeof e.key === 'string' ? e.key : undefined));
  return keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
}

/** Transitions keyed by event; a repeated event (split `match`) by its rank: `match#2`. */
function transitionMap(transitions: Transition[]): Map<string, { next?: string; conditions?: unknown }> {
  const seen = new Map<string, number>();
  const out = new Map<string, { next?: string; conditions?: unknown }>();
  for (const t of transitions) {
    const n = (seen.get(t.event) ?? 0) + 1;
    seen.set(t.event, n);
    out.set(n === 1 ? t.event : `${t.event}#${n}`, { next: t.next, ...(t.conditions ? { conditions: t.conditions } : {}) });
  }
  return out;
}

function diffTransitions(widget: string, before: Transition[], after: Transition[], changes: FlowChange[]): void {
  const left = transitionMap(before);
  const right = transitionMap(after);
  for (const key of new Set([...left.keys(), ...right.keys()])) {
    const b = left.get(key);
    const a = right.get(key);
    if (canonicalJson(b) !== canonicalJson(a)) changes.push({ kind: 'transition', widget, path: `transitions.${key}`, before: b, after: a });
  }
}

/** Longest value shown on one line; cut after redaction, so a secret is never half shown. */
const MAX_VALUE_LENGTH = 160;

/**
 * Terminal lines, unified-diff style: `+` added, `-` removed, `~` changed followed by
 * `-`/`+` lines with the values. Every value goes through `redactFn` (default: the
 * registered secrets) because widget properties hold the endpoint URL and its token.
 */
export function formatDiff(changes: FlowChange[], redactFn: (text: string) => string = redact): string {
  const show = (value: unknown) => cut(redactFn(describe(value)));
  const lines: string[] = [];
  for (const c of changes) {
    switch (c.kind) {
      case 'widget-added':
        lines.push(`+ ${c.widget} (${c.path})`);
        break;
      case 'widget-removed':
        lines.push(`- ${c.widget} (${c.path})`);
        break;
      default: {
        const where = c.kind === 'flow' ? `(flow) ${c.path}` : `${c.widget} ${c.path}`;
        lines.push(`~ ${where}`);
        if (c.before !== undefined) lines.push(`    - ${show(c.before)}`);
        if (c.after !== undefined) lines.push(`    + ${show(c.after)}`);
      }
    }
  }
  return lines.join('\n');
}

function describe(value: unknown): string {
  if (isPlainObject(value) && 'next' in value && Object.keys(value).every((k) => k === 'next' || k === 'conditions')) {
    const target = typeof value.next === 'string' ? `→ ${value.next}` : '→ (end)';
    return value.conditions ? `${target} when ${canonicalJson(value.conditions)}` : target;
  }
  if (value instanceof BareLiquid) return value.liquid;
  return JSON.stringify(value) ?? 'undefined';
}

function cut(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > MAX_VALUE_LENGTH ? `${flat.slice(0, MAX_VALUE_LENGTH - 1)}…` : flat;
}

/** A redact function that hides one endpoint's URL token wherever it appears. */
export function endpointRedactor(endpointUrl: string): (text: string) => string {
  const token = endpointToken(endpointUrl);
  if (!token || token.length < 6) return (text) => text;
  return (text) => text.split(token).join(`…${token.slice(-4)}`);
}
