import type { FlowDefinition, Transition } from '../domain/flow';
import type { FlowEvent } from '../runtime/events';

/**
 * Flow coverage: which widgets and transitions of the flow the conversations went
 * through, counted per conversation (a widget a conversation enters five times counts
 * once). What counts: every widget, every transition of every widget, except the
 * trigger's unwired events (channels the flow does not serve, nothing to take). A
 * transition without `next` counts too: taking it ends the execution (e.g.
 * `SendToFlexAgent.callComplete`). Subflows' own widgets are not counted; their
 * run-subflow widget is, with its `completed`/`failed`.
 */
export interface FlowCoverage {
  conversations: number;
  widgets: CoverageCount & { reached: number; counts: Record<string, number> };
  transitions: CoverageCount & { taken: number; counts: Record<string, number> };
}

export interface CoverageCount {
  total: number;
  /** Reached (taken) of total, in percent with one decimal; 100 for a flow with nothing to count. */
  percent: number;
  /** What no conversation reached (took), in flow order: `Widget` or `Widget.event`. */
  never: string[];
}

/** A transition as coverage names it: `Widget.event`, a split's branch with its condition. */
export interface CountedTransition {
  /** `Widget#index`: the transition's place in the widget's transitions. */
  id: string;
  widget: string;
  index: number;
  label: string;
}

/** The transitions coverage counts, each with its label (unique within the flow). */
export function countedTransitions(definition: FlowDefinition): CountedTransition[] {
  const out: CountedTransition[] = [];
  const seen = new Set<string>();
  for (const state of definition.states ?? []) {
    const transitions: Transition[] = Array.isArray(state.transitions) ? state.transitions : [];
    transitions.forEach((t, index) => {
      if (state.type === 'trigger' && !t.next) return;
      let label = `${state.name}.${t.event}${branchName(t)}`;
      if (seen.has(label)) label = `${label} #${index}`;
      seen.add(label);
      out.push({ id: transitionId(state.name, index), widget: state.name, index, label });
    });
  }
  return out;
}

export function transitionId(widget: string, index: number): string {
  return `${widget}#${index}`;
}

function branchName(t: Transition): string {
  if (t.event !== 'match' || !Array.isArray(t.conditions) || !t.conditions.length) return '';
  const names = t.conditions.map((c) => c.friendly_name || `${c.type} ${c.value ?? ''}`.trim());
  return ` (${names.join(' and ')})`;
}

/**
 * One widget left by one of its transitions, in the order the execution went, read from
 * the interpreter's `transition` events (a traced run): `index` is the transition's place
 * in the widget's `transitions` (-1 when the widget does not declare it, e.g. a split's
 * implicit noMatch); without `next` the transition ended the execution.
 */
export interface PathStep {
  widget: string;
  event: string;
  index: number;
  next?: string;
}

/**
 * Reads the root flow's path out of a conversation's turns, one turn's events at a time.
 * A subflow's own transitions (between its `subflow` start and return events, which may
 * lie turns apart: the child can wait for the customer) are skipped: its widgets are not
 * the flow's. One reader per conversation: it remembers whether a subflow is running.
 */
export function pathReader(definition: FlowDefinition): () => (events: readonly FlowEvent[]) => PathStep[] {
  const transitions = new Map<string, readonly Transition[]>();
  for (const s of definition.states ?? []) if (s && !transitions.has(s.name)) transitions.set(s.name, Array.isArray(s.transitions) ? s.transitions : []);
  return () => {
    let depth = 0;
    return (events) => {
      const path: PathStep[] = [];
      for (const e of events) {
        if (e.type === 'subflow') {
          if (e.phase === 'start') depth++;
          else if (depth > 0) depth--;
          continue;
        }
        // An end ends every frame: the next execution starts in the root flow.
        if (e.type === 'end') depth = 0;
        if (e.type !== 'transition' || depth > 0) continue;
        const { event, index } = transitionOf(transitions.get(e.widget) ?? [], e.event);
        path.push(e.next === undefined ? { widget: e.widget, event, index } : { widget: e.widget, event, index, next: e.next });
      }
      return path;
    };
  };
}

/** The interpreter's name for a transition (`success`, `match #2`, `noMatch`) as the widget declares it. */
export function transitionOf(transitions: readonly Transition[], via: string): { event: string; index: number } {
  const branch = /^match #(\d+)$/.exec(via);
  if (branch) return { event: 'match', index: Number(branch[1]) };
  return { event: via, index: transitions.findIndex((t) => t.event === via) };
}

/** What one conversation went through: widget names and transition ids. */
export interface ConversationPath {
  widgets: Set<string>;
  transitions: Set<string>;
}

export function emptyPath(): ConversationPath {
  return { widgets: new Set(), transitions: new Set() };
}

/** Adds a turn's transitions to a conversation's path (the trigger is entered when any transition is taken). */
export function addToPath(path: ConversationPath, steps: readonly PathStep[], initialState: string): void {
  if (steps.length) path.widgets.add(initialState);
  for (const s of steps) {
    path.widgets.add(s.widget);
    if (s.next !== undefined) path.widgets.add(s.next);
    if (s.index >= 0) path.transitions.add(transitionId(s.widget, s.index));
  }
}

export interface CounterState {
  conversations: number;
  widgets: [string, number][];
  transitions: [string, number][];
}

/** Counts conversations' paths over one flow. */
export class CoverageCounter {
  private readonly widgetCounts = new Map<string, number>();
  private readonly transitionCounts = new Map<string, number>();
  private readonly transitions: CountedTransition[];
  private conversations = 0;

  constructor(definition: FlowDefinition) {
    this.transitions = countedTransitions(definition);
    for (const s of definition.states ?? []) this.widgetCounts.set(s.name, 0);
    for (const t of this.transitions) this.transitionCounts.set(t.id, 0);
  }

  add(path: ConversationPath): void {
    this.conversations++;
    for (const w of path.widgets) if (this.widgetCounts.has(w)) this.widgetCounts.set(w, this.widgetCounts.get(w)! + 1);
    for (const t of path.transitions) if (this.transitionCounts.has(t)) this.transitionCounts.set(t, this.transitionCounts.get(t)! + 1);
  }

  /** The counts as plain data, for another counter of the same flow to add (a worker thread's). */
  state(): CounterState {
    return { conversations: this.conversations, widgets: [...this.widgetCounts], transitions: [...this.transitionCounts] };
  }

  addState(other: CounterState): void {
    this.conversations += other.conversations;
    for (const [w, n] of other.widgets) if (this.widgetCounts.has(w)) this.widgetCounts.set(w, this.widgetCounts.get(w)! + n);
    for (const [t, n] of other.transitions) if (this.transitionCounts.has(t)) this.transitionCounts.set(t, this.transitionCounts.get(t)! + n);
  }

  /** Conversations through each transition, by id (for drawing). */
  countsById(): ReadonlyMap<string, number> {
    return this.transitionCounts;
  }

  result(): FlowCoverage {
    const transitions: Record<string, number> = {};
    for (const t of this.transitions) transitions[t.label] = this.transitionCounts.get(t.id)!;
    return coverageOf(this.conversations, Object.fromEntries(this.widgetCounts), transitions);
  }
}

/**
 * The coverage of `conversations` from the number of them through each widget (by name)
 * and transition (by label), both in flow order: what was reached, the percentages, what
 * never was. One place for these, whether the counts come from a run or from the reports
 * of a suite's shards added up.
 */
export function coverageOf(conversations: number, widgets: Record<string, number>, transitions: Record<string, number>): FlowCoverage {
  const never = (counts: Record<string, number>) => Object.keys(counts).filter((k) => !counts[k]);
  const neverWidgets = never(widgets);
  const neverTransitions = never(transitions);
  const wTotal = Object.keys(widgets).length;
  const tTotal = Object.keys(transitions).length;
  return {
    conversations,
    widgets: { total: wTotal, reached: wTotal - neverWidgets.length, percent: percent(wTotal - neverWidgets.length, wTotal), never: neverWidgets, counts: widgets },
    transitions: { total: tTotal, taken: tTotal - neverTransitions.length, percent: percent(tTotal - neverTransitions.length, tTotal), never: neverTransitions, counts: transitions },
  };
}

function percent(part: number, total: number): number {
  return total === 0 ? 100 : Math.floor((part / total) * 1000) / 10;
}

/** The lower of the two percentages: what `--min-coverage` holds the run to. */
export function coveragePercent(c: FlowCoverage): number {
  return Math.min(c.widgets.percent, c.transitions.percent);
}

