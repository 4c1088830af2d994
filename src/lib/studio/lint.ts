import { Liquid } from 'liquidjs';
import type { FlowDefinition } from '../domain/flow';
import { MAX_TASK_ATTRIBUTES_CHARS, MAX_STATES, MAX_TASK_TIMEOUT_SECONDS } from '../domain/studio';
import { isModelledType, SPLIT_CONDITION_TYPES, widgetType, type ModelledWidgetType } from '../domain/widgets';

export interface LintIssue {
  widget?: string;
  property?: string;
  message: string;
  severity: 'error' | 'warning';
  /** A warning about what Studio accepts and runs, and the local run takes as Studio does (said once before a run). */
  asStudio?: boolean;
}

/** Parsing only: unknown filters are Studio's business (`to_json`…), not a template error. */
const liquid = new Liquid();

type Props = Record<string, unknown>;
type Check = (props: Props, issue: (property: string, message: string, severity?: LintIssue['severity'], asStudio?: boolean) => void) => void;

const str = (v: unknown): v is string => typeof v === 'string';
/** A value as JSON shows it: `String()` would call the value's own `toString`, which JSON may override (`{"toString": null}`). */
const shown = (v: unknown): string => (str(v) ? v : JSON.stringify(v) ?? typeof v);
const nonEmpty = (v: unknown): boolean => str(v) && v.trim() !== '';

function requireString(props: Props, issue: (p: string, m: string) => void, ...keys: string[]): void {
  for (const key of keys) if (!nonEmpty(props[key])) issue(key, `is required (a non-empty string)`);
}

function requireKeyValues(props: Props, key: string, issue: (p: string, m: string) => void, required: boolean): void {
  const list = props[key];
  if (list === undefined && !required) return;
  if (!Array.isArray(list)) return issue(key, 'must be a list of {key, value}');
  list.forEach((entry, i) => {
    const e = entry as Props;
    if (!e || typeof e !== 'object' || !nonEmpty(e.key) || !str(e.value)) issue(`${key}[${i}]`, 'must have a non-empty key and a string value');
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
        issue(`variables[${i}].type`, `"${shown(type)}" is not a variable type test-chat models (string, json): the value is kept as text`, 'warning');
      }
    });
  },
  'make-http-request': (p, issue) => {
    if (p.method !== 'GET' && p.method !== 'POST') issue('method', 'must be GET or POST');
    // Studio sends the charset whether the export names it or not (`application/json` is
    // what older exports hold); without a content type the runner sends a form, as the Console's default.
    if (p.content_type === undefined) issue('content_type', 'is missing: the run sends the parameters as a form (the Console default)', 'warning', true);
    else if (!str(p.content_type) || !/^\s*application\/(x-www-form-urlencoded|json)\s*(;.*)?$/i.test(p.content_type)) {
      issue('content_type', `must be application/x-www-form-urlencoded or application/json (with or without ";charset=utf-8")`);
    }
    requireString(p, issue, 'url');
    if (p.body !== undefined && !str(p.body)) issue('body', 'must be a string');
    requireKeyValues(p, 'parameters', issue, false);
    if (Array.isArray(p.parameters)) {
      p.parameters.forEach((kv, i) => {
        const key = (kv as Props)?.key;
        if (str(key) && key.toLowerCase() === 'method') issue(`parameters[${i}]`, 'is named "method", a reserved word: Studio sends nothing and takes "failed" (error 81014)', 'warning');
      });
    }
    if ((p.add_twilio_auth === true || p.add_twilio_auth === 'true') && str(p.url) && !p.url.includes('{{') && !/^https:\/\/([a-z0-9-]+\.)*twilio\.com(\/|$)/i.test(p.url)) {
      issue('add_twilio_auth', 'is on for a URL that is not a Twilio API: Studio sends nothing and takes "failed"', 'warning');
    }
  },
  'split-based-on': (p, issue) => requireString(p, issue, 'input'),
  'send-and-wait-for-reply': (p, issue) => {
    requireString(p, issue, 'body');
    // Exports hold the seconds as a string ("3600") or, from older Consoles and hand-written flows, a number.
    const numeric = typeof p.timeout === 'number' && Number.isInteger(p.timeout) && p.timeout >= 0;
    if (!numeric) requireString(p, issue, 'timeout');
    if (str(p.timeout) && !/^\d+$/.test(p.timeout.trim()) && !p.timeout.includes('{{')) issue('timeout', 'must be a number of seconds (such as "3600" or 3600)');
  },
  'send-message': (p, issue) => requireString(p, issue, 'body'),
  'send-to-flex': (p, issue) => {
    // Without attributes Studio sends its default ones (the runtime has them too).
    requireString(p, issue, 'workflow', 'channel');
    if (p.attributes !== undefined && !str(p.attributes)) issue('attributes', 'must be a string (a JSON template)');
    if (str(p.workflow) && !/^WW[0-9a-fA-F]{32}$/.test(p.workflow) && !p.workflow.includes('{{')) issue('workflow', 'is not a workflow SID (WW…)');
    if (str(p.channel) && !/^TC[0-9a-fA-F]{32}$/.test(p.channel) && !p.channel.includes('{{')) issue('channel', 'is not a task channel SID (TC…)');
    if (str(p.timeout) && !p.timeout.includes('{{') && p.timeout.trim() !== '') {
      const seconds = Number(p.timeout.trim());
      if (!/^\d+$/.test(p.timeout.trim()) || seconds < 1 || seconds > MAX_TASK_TIMEOUT_SECONDS) {
        issue('timeout', `must be a whole number of seconds from 1 to ${MAX_TASK_TIMEOUT_SECONDS} (Studio's maximum): Flex would refuse the task (failedToEnqueue)`);
      }
    }
    if (str(p.attributes)) {
      // What renders whatever the values: the text outside Liquid. Over the cap, every
      // task is refused; inside an {% if %} it may not render, so only a warning then.
      const least = p.attributes.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, '').length;
      if (least > MAX_TASK_ATTRIBUTES_CHARS) {
        issue(
          'attributes',
          `render to at least ${least} characters, over Studio's ${MAX_TASK_ATTRIBUTES_CHARS}: Flex would refuse the task (failedToEnqueue)`,
          p.attributes.includes('{%') ? 'warning' : 'error',
        );
      }
    }
  },
  'run-function': (p, issue) => {
    // A Console export of a Function in a Service has `url: ""` and the SIDs Studio resolves it by.
    if (!nonEmpty(p.function_sid)) requireString(p, issue, 'url');
    else if (p.url !== undefined && !str(p.url)) issue('url', 'must be a string');
    requireKeyValues(p, 'parameters', issue, false);
  },
  'run-subflow': (p, issue) => {
    requireString(p, issue, 'flow_sid');
    if (str(p.flow_sid) && !/^FW[0-9a-fA-F]{32}$/.test(p.flow_sid) && !p.flow_sid.includes('{{')) issue('flow_sid', 'is not a flow SID (FW…)');
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
    issues.push({ property: 'states', message: STUDIO_V1_MESSAGE, severity: 'error' });
    return issues;
  }
  const flowIssue = (message: string, severity: LintIssue['severity'] = 'error', property?: string) =>
    issues.push({ ...(property ? { property } : {}), message, severity });

  if (!def || typeof def !== 'object' || Array.isArray(def)) {
    flowIssue('The flow definition is not a JSON object.');
    return issues;
  }
  if (!str(def.description)) flowIssue('description should be a string.', 'warning', 'description');
  if (!str(def.initial_state)) flowIssue('initial_state must name the trigger widget.', 'error', 'initial_state');
  if (def.flags !== undefined && (typeof def.flags !== 'object' || def.flags === null || Array.isArray(def.flags))) {
    flowIssue('flags must be an object.', 'error', 'flags');
  }
  if (!Array.isArray(def.states)) {
    flowIssue('states must be a list of widgets.', 'error', 'states');
    return issues;
  }
  if (def.states.length > MAX_STATES) flowIssue(`The flow has ${def.states.length} widgets; Studio allows at most ${MAX_STATES}.`, 'error', 'states');

  const names = new Map<string, number>();
  const valid: Array<{ name: string; type: string; properties: Props; transitions: Array<Props> }> = [];
  def.states.forEach((raw, index) => {
    const s = raw as unknown as Props;
    const label = s && str(s.name) && s.name ? s.name : `states[${index}]`;
    const issue = (message: string, property?: string, severity: LintIssue['severity'] = 'error') =>
      issues.push({ widget: label, ...(property ? { property } : {}), message, severity });
    if (!s || typeof s !== 'object' || Array.isArray(s)) return issue('is not an object');
    if (!nonEmpty(s.name)) issue('has no name', 'name');
    else if (!/^[A-Za-z0-9_-]+$/.test(s.name as string)) issue('name should hold only letters, digits, "_" and "-" (Liquid addresses widgets by name)', 'name', 'warning');
    if (!nonEmpty(s.type)) issue('has no type', 'type');
    if (!s.properties || typeof s.properties !== 'object' || Array.isArray(s.properties)) issue('properties must be an object', 'properties');
    if (!Array.isArray(s.transitions)) issue('transitions must be a list', 'transitions');
    if (str(s.name)) names.set(s.name, (names.get(s.name) ?? 0) + 1);
    if (nonEmpty(s.name) && nonEmpty(s.type) && s.properties && typeof s.properties === 'object' && Array.isArray(s.transitions)) {
      valid.push({ name: s.name as string, type: s.type as string, properties: s.properties as Props, transitions: s.transitions as Props[] });
    }
  });
  for (const [name, count] of names) if (count > 1) issues.push({ widget: name, property: 'name', message: `${count} widgets share this name`, severity: 'error' });

  const triggers = valid.filter((s) => s.type === 'trigger');
  if (triggers.length !== 1) flowIssue(`The flow must have exactly one trigger widget; it has ${triggers.length}.`);
  else if (str(def.initial_state) && triggers[0].name !== def.initial_state) {
    flowIssue(`initial_state is "${def.initial_state}", not the trigger "${triggers[0].name}".`, 'error', 'initial_state');
  }

  for (const s of valid) lintWidget(s, names, issues);
  lintReachability(def.initial_state, valid, names, issues);
  return issues;
}

function lintWidget(s: { name: string; type: string; properties: Props; transitions: Props[] }, names: Map<string, number>, issues: LintIssue[]): void {
  const issue = (property: string | undefined, message: string, severity: LintIssue['severity'] = 'error', asStudio = false) =>
    issues.push({ widget: s.name, ...(property ? { property } : {}), message, severity, ...(asStudio ? { asStudio } : {}) });
  const events = widgetType(s.type)?.events;
  if (!isModelledType(s.type)) issue('type', `widget type "${s.type}" is not modelled by test-chat`, 'warning');
  else CHECKS[s.type](s.properties, (property, message, severity, asStudio) => issue(property, message, severity, asStudio));

  const seen = new Set<string>();
  s.transitions.forEach((t, i) => {
    const where = `transitions[${i}]`;
    if (!t || typeof t !== 'object' || !nonEmpty(t.event)) return issue(where, 'has no event');
    const event = t.event as string;
    if (events && !events.includes(event)) issue(where, `event "${event}" is not an event of ${s.type} (${events.join(', ')})`);
    if (event !== 'match' && seen.has(event)) issue(where, `event "${event}" appears twice`);
    seen.add(event);
    if (t.next !== undefined && (!str(t.next) || !names.has(t.next))) issue(where, `next "${shown(t.next)}" names no widget of the flow`);
    if (s.type === 'split-based-on' && event === 'match') lintConditions(t.conditions, where, issue);
  });
  // Studio stores such a template; running it is error 81018 at that widget, which the runtime reproduces.
  lintLiquid(s.properties, '', (property, message) => issue(property, `${message} (Studio fails the widget with error 81018 when it runs)`, 'warning', true));
}

function lintConditions(conditions: unknown, where: string, issue: (p: string, m: string, severity?: LintIssue['severity']) => void): void {
  if (!Array.isArray(conditions) || conditions.length === 0) return issue(where, 'a match transition needs conditions');
  conditions.forEach((raw, j) => {
    const c = raw as Props;
    const at = `${where}.conditions[${j}]`;
    if (!c || typeof c !== 'object') return issue(at, 'is not an object');
    if (!str(c.type) || !(SPLIT_CONDITION_TYPES as readonly string[]).includes(c.type)) issue(at, `type "${shown(c.type)}" is not a split condition type`);
    if (!str(c.value)) issue(at, 'value must be a string');
    if (!Array.isArray(c.arguments) || !c.arguments.every(str)) issue(at, 'arguments must be a list of strings');
    else c.arguments.forEach((a: string, k: number) => parseError(a) && issue(`${at}.arguments[${k}]`, `Liquid does not parse: ${parseError(a)}`, 'warning'));
  });
}

/** Every string property is a Liquid template in Studio; a parse error is error 81018 at run time. */
function lintLiquid(value: unknown, path: string, issue: (p: string, m: string) => void): void {
  if (typeof value === 'string') {
    const error = parseError(value);
    if (error) issue(path, `Liquid does not parse: ${error}`);
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
  for (const s of states) if (!reached.has(s.name)) issues.push({ widget: s.name, message: 'is not reachable from the trigger', severity: 'warning' });
}

export const STUDIO_V1_MESSAGE =
  'This is a Studio v1 flow export (widget types such as InitialState, transitions to FF… IDs); Studio and test-chat run the v2 format. Get a v2 export: in the Studio Console, Trigger > Flow Configuration > Export to JSON, or run `twilio api:studio:v2:flows:fetch --sid FW… -o json` and take its definition';

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
