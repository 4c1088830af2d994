import { Liquid } from 'liquidjs';
import type { FlowDefinition } from '../domain/flow';
import { MAX_TASK_ATTRIBUTES_CHARS, MAX_STATES, MAX_TASK_TIMEOUT_SECONDS } from '../domain/studio';
import { isModelledType, SPLIT_CONDITION_TYPES, widgetType, type ModelledWidgetType } from '../domain/widgets';
import { CognigyError } from '../errors';

/**
 * A lint finding: what is wrong, by its code and the values its words need
 * (printers/lint.ts `lintFindingText` says it). `max` is Studio's limit.
 */
export type LintFinding =
  | { code: 'studio-v1' }
  | { code: 'flow-not-object' }
  | { code: 'description-not-string' }
  | { code: 'initial-state-missing' }
  | { code: 'flags-not-object' }
  | { code: 'states-not-list' }
  | { code: 'too-many-widgets'; count: number; max: number }
  | { code: 'trigger-count'; count: number }
  | { code: 'initial-state-not-trigger'; initial: string; trigger: string }
  | { code: 'not-object' }
  | { code: 'no-name' }
  | { code: 'name-characters' }
  | { code: 'no-type' }
  | { code: 'properties-not-object' }
  | { code: 'transitions-not-list' }
  | { code: 'duplicate-name'; count: number }
  | { code: 'unmodelled-type'; type: string }
  | { code: 'unreachable' }
  /** Transitions. */
  | { code: 'no-event' }
  | { code: 'unknown-event'; event: string; type: string; events: readonly string[] }
  | { code: 'duplicate-event'; event: string }
  | { code: 'next-unknown'; next: string }
  /** A split's match transition and its conditions. */
  | { code: 'match-without-conditions' }
  | { code: 'condition-type'; type: string }
  | { code: 'condition-value' }
  | { code: 'condition-arguments' }
  /** A Liquid template that does not parse (`error`, its first line): in a widget property, Studio fails the widget (81018). */
  | { code: 'liquid-property'; error: string }
  | { code: 'liquid-argument'; error: string }
  /** Properties. */
  | { code: 'required' }
  | { code: 'not-string' }
  | { code: 'not-key-values' }
  | { code: 'bad-key-value' }
  | { code: 'variable-type'; type: string }
  | { code: 'method' }
  | { code: 'content-type-missing' }
  | { code: 'content-type' }
  | { code: 'reserved-parameter' }
  | { code: 'auth-not-twilio' }
  | { code: 'wait-timeout' }
  | { code: 'attributes-not-string' }
  | { code: 'not-sid'; prefix: 'WW' | 'TC' | 'FW' }
  | { code: 'task-timeout'; max: number }
  | { code: 'attributes-too-long'; least: number; max: number };

/** A finding where it is (the widget, the property), how bad it is. */
export type LintIssue = LintFinding & {
  widget?: string;
  property?: string;
  severity: 'error' | 'warning';
  /** A warning about what Studio accepts and runs, and the local run takes as Studio does (said once before a run). */
  asStudio?: boolean;
};

/**
 * A flow refused for its lint errors before anything is written (link-flow's deploy): the
 * printers word it (printers/lint.ts), the base command prints it. `details` for -o json.
 */
export class FlowLintError extends CognigyError {
  constructor(readonly issues: LintIssue[]) {
    super('flow-lint', { code: 'flow-lint', details: { errors: issues } });
    this.name = 'FlowLintError';
  }
}

/** Parsing only: unknown filters are Studio's business (`to_json`…), not a template error. */
const liquid = new Liquid();

type Props = Record<string, unknown>;
type Issue = (property: string, finding: LintFinding, severity?: LintIssue['severity'], asStudio?: boolean) => void;
type Check = (props: Props, issue: Issue) => void;

const str = (v: unknown): v is string => typeof v === 'string';
/** A value as JSON shows it: `String()` would call the value's own `toString`, which JSON may override (`{"toString": null}`). */
const shown = (v: unknown): string => (str(v) ? v : JSON.stringify(v) ?? typeof v);
const nonEmpty = (v: unknown): boolean => str(v) && v.trim() !== '';

function requireString(props: Props, issue: Issue, ...keys: string[]): void {
  for (const key of keys) if (!nonEmpty(props[key])) issue(key, { code: 'required' });
}

function requireKeyValues(props: Props, key: string, issue: Issue, required: boolean): void {
  const list = props[key];
  if (list === undefined && !required) return;
  if (!Array.isArray(list)) return issue(key, { code: 'not-key-values' });
  list.forEach((entry, i) => {
    const e = entry as Props;
    if (!e || typeof e !== 'object' || !nonEmpty(e.key) || !str(e.value)) issue(`${key}[${i}]`, { code: 'bad-key-value' });
  });
}

/** Required properties per modelled type (reference: studio-flows.md). */
/** One check per type of the registry (domain/widgets.ts): the compiler refuses a missing one. */
const CHECKS: { readonly [T in ModelledWidgetType]: Check } = {
  trigger: () => undefined,
  'set-variables': (p, issue) => {
    requireKeyValues(p, 'variables', issue, true);
    if (!Array.isArray(p.variables)) return;
    p.variables.forEach((kv, i) => {
      const type = (kv as Props)?.type;
      // "string" (newer exports) and "json" ("Parse as JSON object") are what the runner knows.
      if (type !== undefined && type !== 'string' && type !== 'json') {
        issue(`variables[${i}].type`, { code: 'variable-type', type: shown(type) }, 'warning');
      }
    });
  },
  'make-http-request': (p, issue) => {
    if (p.method !== 'GET' && p.method !== 'POST') issue('method', { code: 'method' });
    // Studio sends the charset whether the export names it or not (`application/json` is
    // what older exports hold); without a content type the runner sends a form, as the Console's default.
    if (p.content_type === undefined) issue('content_type', { code: 'content-type-missing' }, 'warning', true);
    else if (!str(p.content_type) || !/^\s*application\/(x-www-form-urlencoded|json)\s*(;.*)?$/i.test(p.content_type)) {
      issue('content_type', { code: 'content-type' });
    }
    requireString(p, issue, 'url');
    if (p.body !== undefined && !str(p.body)) issue('body', { code: 'not-string' });
    requireKeyValues(p, 'parameters', issue, false);
    if (Array.isArray(p.parameters)) {
      p.parameters.forEach((kv, i) => {
        const key = (kv as Props)?.key;
        if (str(key) && key.toLowerCase() === 'method') issue(`parameters[${i}]`, { code: 'reserved-parameter' }, 'warning');
      });
    }
    if ((p.add_twilio_auth === true || p.add_twilio_auth === 'true') && str(p.url) && !p.url.includes('{{') && !/^https:\/\/([a-z0-9-]+\.)*twilio\.com(\/|$)/i.test(p.url)) {
      issue('add_twilio_auth', { code: 'auth-not-twilio' }, 'warning');
    }
  },
  'split-based-on': (p, issue) => requireString(p, issue, 'input'),
  'send-and-wait-for-reply': (p, issue) => {
    requireString(p, issue, 'body');
    // Exports hold the seconds as a string ("3600") or, from older Consoles and hand-written flows, a number.
    const numeric = typeof p.timeout === 'number' && Number.isInteger(p.timeout) && p.timeout >= 0;
    if (!numeric) requireString(p, issue, 'timeout');
    if (str(p.timeout) && !/^\d+$/.test(p.timeout.trim()) && !p.timeout.includes('{{')) issue('timeout', { code: 'wait-timeout' });
  },
  'send-message': (p, issue) => requireString(p, issue, 'body'),
  'send-to-flex': (p, issue) => {
    // Without attributes Studio sends its default ones (the runtime has them too).
    requireString(p, issue, 'workflow', 'channel');
    if (p.attributes !== undefined && !str(p.attributes)) issue('attributes', { code: 'attributes-not-string' });
    if (str(p.workflow) && !/^WW[0-9a-fA-F]{32}$/.test(p.workflow) && !p.workflow.includes('{{')) issue('workflow', { code: 'not-sid', prefix: 'WW' });
    if (str(p.channel) && !/^TC[0-9a-fA-F]{32}$/.test(p.channel) && !p.channel.includes('{{')) issue('channel', { code: 'not-sid', prefix: 'TC' });
    if (str(p.timeout) && !p.timeout.includes('{{') && p.timeout.trim() !== '') {
      const seconds = Number(p.timeout.trim());
      if (!/^\d+$/.test(p.timeout.trim()) || seconds < 1 || seconds > MAX_TASK_TIMEOUT_SECONDS) {
        issue('timeout', { code: 'task-timeout', max: MAX_TASK_TIMEOUT_SECONDS });
      }
    }
    if (str(p.attributes)) {
      // What renders whatever the values: the text outside Liquid. Over the cap, every
      // task is refused; inside an {% if %} it may not render, so only a warning then.
      const least = p.attributes.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, '').length;
      if (least > MAX_TASK_ATTRIBUTES_CHARS) {
        issue('attributes', { code: 'attributes-too-long', least, max: MAX_TASK_ATTRIBUTES_CHARS }, p.attributes.includes('{%') ? 'warning' : 'error');
      }
    }
  },
  'run-function': (p, issue) => {
    // A Console export of a Function in a Service has `url: ""` and the SIDs Studio resolves it by.
    if (!nonEmpty(p.function_sid)) requireString(p, issue, 'url');
    else if (p.url !== undefined && !str(p.url)) issue('url', { code: 'not-string' });
    requireKeyValues(p, 'parameters', issue, false);
  },
  'run-subflow': (p, issue) => {
    requireString(p, issue, 'flow_sid');
    if (str(p.flow_sid) && !/^FW[0-9a-fA-F]{32}$/.test(p.flow_sid) && !p.flow_sid.includes('{{')) issue('flow_sid', { code: 'not-sid', prefix: 'FW' });
    requireKeyValues(p, 'parameters', issue, false);
  },
};

/**
 * Problems Studio would reject (errors) or that make a flow misbehave or untestable
 * here (warnings). Never throws, whatever it is given.
 */
export function lintFlow(def: FlowDefinition): LintIssue[] {
  const issues: LintIssue[] = [];
  if (isStudioV1Export(def)) {
    issues.push({ property: 'states', code: 'studio-v1', severity: 'error' });
    return issues;
  }
  const flowIssue = (finding: LintFinding, severity: LintIssue['severity'] = 'error', property?: string) =>
    issues.push({ ...(property ? { property } : {}), ...finding, severity });

  if (!def || typeof def !== 'object' || Array.isArray(def)) {
    flowIssue({ code: 'flow-not-object' });
    return issues;
  }
  if (!str(def.description)) flowIssue({ code: 'description-not-string' }, 'warning', 'description');
  if (!str(def.initial_state)) flowIssue({ code: 'initial-state-missing' }, 'error', 'initial_state');
  if (def.flags !== undefined && (typeof def.flags !== 'object' || def.flags === null || Array.isArray(def.flags))) {
    flowIssue({ code: 'flags-not-object' }, 'error', 'flags');
  }
  if (!Array.isArray(def.states)) {
    flowIssue({ code: 'states-not-list' }, 'error', 'states');
    return issues;
  }
  if (def.states.length > MAX_STATES) flowIssue({ code: 'too-many-widgets', count: def.states.length, max: MAX_STATES }, 'error', 'states');

  const names = new Map<string, number>();
  const valid: Array<{ name: string; type: string; properties: Props; transitions: Array<Props> }> = [];
  def.states.forEach((raw, index) => {
    const s = raw as unknown as Props;
    const label = s && str(s.name) && s.name ? s.name : `states[${index}]`;
    const issue = (finding: LintFinding, property?: string, severity: LintIssue['severity'] = 'error') =>
      issues.push({ widget: label, ...(property ? { property } : {}), ...finding, severity });
    if (!s || typeof s !== 'object' || Array.isArray(s)) return issue({ code: 'not-object' });
    if (!nonEmpty(s.name)) issue({ code: 'no-name' }, 'name');
    else if (!/^[A-Za-z0-9_-]+$/.test(s.name as string)) issue({ code: 'name-characters' }, 'name', 'warning');
    if (!nonEmpty(s.type)) issue({ code: 'no-type' }, 'type');
    if (!s.properties || typeof s.properties !== 'object' || Array.isArray(s.properties)) issue({ code: 'properties-not-object' }, 'properties');
    if (!Array.isArray(s.transitions)) issue({ code: 'transitions-not-list' }, 'transitions');
    if (str(s.name)) names.set(s.name, (names.get(s.name) ?? 0) + 1);
    if (nonEmpty(s.name) && nonEmpty(s.type) && s.properties && typeof s.properties === 'object' && Array.isArray(s.transitions)) {
      valid.push({ name: s.name as string, type: s.type as string, properties: s.properties as Props, transitions: s.transitions as Props[] });
    }
  });
  for (const [name, count] of names) if (count > 1) issues.push({ widget: name, property: 'name', code: 'duplicate-name', count, severity: 'error' });

  const triggers = valid.filter((s) => s.type === 'trigger');
  if (triggers.length !== 1) flowIssue({ code: 'trigger-count', count: triggers.length });
  else if (str(def.initial_state) && triggers[0].name !== def.initial_state) {
    flowIssue({ code: 'initial-state-not-trigger', initial: def.initial_state, trigger: triggers[0].name }, 'error', 'initial_state');
  }

  for (const s of valid) lintWidget(s, names, issues);
  lintReachability(def.initial_state, valid, names, issues);
  return issues;
}

function lintWidget(s: { name: string; type: string; properties: Props; transitions: Props[] }, names: Map<string, number>, issues: LintIssue[]): void {
  const issue = (property: string | undefined, finding: LintFinding, severity: LintIssue['severity'] = 'error', asStudio = false) =>
    issues.push({ widget: s.name, ...(property ? { property } : {}), ...finding, severity, ...(asStudio ? { asStudio } : {}) });
  const events = widgetType(s.type)?.events;
  if (!isModelledType(s.type)) issue('type', { code: 'unmodelled-type', type: s.type }, 'warning');
  else CHECKS[s.type](s.properties, (property, finding, severity, asStudio) => issue(property, finding, severity, asStudio));

  const seen = new Set<string>();
  s.transitions.forEach((t, i) => {
    const where = `transitions[${i}]`;
    if (!t || typeof t !== 'object' || !nonEmpty(t.event)) return issue(where, { code: 'no-event' });
    const event = t.event as string;
    if (events && !events.includes(event)) issue(where, { code: 'unknown-event', event, type: s.type, events });
    if (event !== 'match' && seen.has(event)) issue(where, { code: 'duplicate-event', event });
    seen.add(event);
    if (t.next !== undefined && (!str(t.next) || !names.has(t.next))) issue(where, { code: 'next-unknown', next: shown(t.next) });
    if (s.type === 'split-based-on' && event === 'match') lintConditions(t.conditions, where, issue);
  });
  // Studio stores such a template; running it is error 81018 at that widget, which the runtime reproduces.
  lintLiquid(s.properties, '', (property, error) => issue(property, { code: 'liquid-property', error }, 'warning', true));
}

function lintConditions(conditions: unknown, where: string, issue: (p: string, f: LintFinding, severity?: LintIssue['severity']) => void): void {
  if (!Array.isArray(conditions) || conditions.length === 0) return issue(where, { code: 'match-without-conditions' });
  conditions.forEach((raw, j) => {
    const c = raw as Props;
    const at = `${where}.conditions[${j}]`;
    if (!c || typeof c !== 'object') return issue(at, { code: 'not-object' });
    if (!str(c.type) || !(SPLIT_CONDITION_TYPES as readonly string[]).includes(c.type)) issue(at, { code: 'condition-type', type: shown(c.type) });
    if (!str(c.value)) issue(at, { code: 'condition-value' });
    if (!Array.isArray(c.arguments) || !c.arguments.every(str)) issue(at, { code: 'condition-arguments' });
    else
      c.arguments.forEach((a: string, k: number) => {
        const error = parseError(a);
        if (error) issue(`${at}.arguments[${k}]`, { code: 'liquid-argument', error }, 'warning');
      });
  });
}

/** Every string property is a Liquid template in Studio; a parse error is error 81018 at run time. */
function lintLiquid(value: unknown, path: string, issue: (p: string, error: string) => void): void {
  if (typeof value === 'string') {
    const error = parseError(value);
    if (error) issue(path, error);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => lintLiquid(v, `${path}[${i}]`, issue));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== 'offset') lintLiquid(v, path ? `${path}.${k}` : k, issue);
  }
}

function parseError(template: string): string | undefined {
  if (!template.includes('{')) return undefined;
  try {
    liquid.parse(template);
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

function lintReachability(initial: unknown, states: Array<{ name: string; transitions: Props[] }>, names: Map<string, number>, issues: LintIssue[]): void {
  if (!str(initial) || !names.has(initial)) return;
  const byName = new Map(states.map((s) => [s.name, s]));
  const reached = new Set<string>([initial]);
  const queue = [initial];
  while (queue.length) {
    const s = byName.get(queue.shift() as string);
    for (const t of s?.transitions ?? []) {
      const next = t && str(t.next) ? t.next : undefined;
      if (next && byName.has(next) && !reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  for (const s of states) if (!reached.has(s.name)) issues.push({ widget: s.name, code: 'unreachable', severity: 'warning' });
}

/** The pre-2019 flow format: no `initial_state`, widgets such as `InitialState` with FF… IDs. */
export function isStudioV1Export(def: unknown): boolean {
  if (!def || typeof def !== 'object' || Array.isArray(def)) return false;
  const d = def as Record<string, unknown>;
  if (d.initial_state !== undefined || !Array.isArray(d.states)) return false;
  return d.states.some((s) => {
    const state = s as Record<string, unknown> | null;
    return state?.type === 'InitialState' || (typeof state?.sid === 'string' && /^FF[0-9a-f]{32}$/i.test(state.sid));
  });
}
