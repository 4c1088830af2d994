import type { FlowDefinition, SplitCondition, Transition } from '../domain/flow';
import { widgetType, type WidgetTypeInfo } from '../domain/widgets';

const MAX_LABEL = 60;
const END_NODE = 'flowEnd';
/** Mermaid's brackets for each shape of the registry; a type it does not know is a step. */
const SHAPES: Record<WidgetTypeInfo['shape'], [string, string]> = { start: ['([', '])'], decision: ['{', '}'], step: ['[', ']'] };
const shapeOf = (type: string) => widgetType(type)?.shape ?? 'step';

/**
 * A Mermaid `flowchart TD` of the flow: one node per widget (name and type), one edge
 * per wired transition labelled with its event (split branches with their condition),
 * and transitions that end the execution drawn to a single "end" node. Node ids are
 * generated (`w0`, `w1`…) and labels escaped, so no widget name or template can break
 * the diagram.
 */
export function toMermaid(def: FlowDefinition): string {
  const states = Array.isArray(def?.states) ? def.states : [];
  const ids = new Map<string, string>();
  states.forEach((s, i) => {
    if (!ids.has(s.name)) ids.set(s.name, `w${i}`);
  });
  const lines = ['flowchart TD'];
  for (const s of states) {
    if (ids.get(s.name) !== `w${states.indexOf(s)}`) continue;
    const shape = SHAPES[shapeOf(s.type)];
    lines.push(`  ${ids.get(s.name)}${shape[0]}"${label(`${s.name}`)}<br/>${label(s.type)}"${shape[1]}`);
  }
  let ends = false;
  for (const s of states) {
    const from = ids.get(s.name);
    for (const t of Array.isArray(s.transitions) ? s.transitions : []) {
      const text = edgeLabel(t);
      if (t.next !== undefined) {
        const to = ids.get(t.next);
        if (to) lines.push(`  ${from} -->|"${text}"| ${to}`);
      } else if (shapeOf(s.type) !== 'start') {
        // Unwired trigger events are just channels the flow does not serve.
        lines.push(`  ${from} -.->|"${text}"| ${END_NODE}`);
        ends = true;
      }
    }
  }
  if (ends) lines.push(`  ${END_NODE}((end))`);
  return `${lines.join('\n')}\n`;
}

function edgeLabel(t: Transition): string {
  const conditions = Array.isArray(t.conditions) ? t.conditions.map(summary).join(' and ') : '';
  return label(conditions ? `${t.event}: ${conditions}` : t.event);
}

function summary(c: SplitCondition): string {
  return c.value === undefined || c.value === '' ? c.type : `${c.type} ${c.value}`;
}

/** Text safe inside a quoted Mermaid label: entity codes for the characters Mermaid reads. */
export function label(text: string): string {
  const flat = String(text).replace(/\s+/g, ' ').trim();
  const short = flat.length > MAX_LABEL ? `${flat.slice(0, MAX_LABEL - 1)}…` : flat;
  return short
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/`/g, '#96;')
    .replace(/[{}[\]()]/g, (c) => `#${c.charCodeAt(0)};`);
}
