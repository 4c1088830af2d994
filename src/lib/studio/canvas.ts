import type { FlowDefinition, Transition } from '../domain/flow';

/**
 * The flow as Studio's canvas draws it: each widget a box at its `properties.offset`
 * (Studio's canvas coordinates, the widget's top-left corner), each transition a port
 * under its widget with an arrow to the widget it leads to. A flow whose widgets do not
 * all carry an offset (hand-written JSON, some exports) is laid out with dagre, top to
 * bottom as Studio's own flows read. Pure data: the printers draw it.
 */
export interface Canvas {
  widgets: CanvasWidget[];
  transitions: CanvasTransition[];
  /** Where the positions came from. */
  layout: 'offsets' | 'dagre';
  /** The drawing's bounds, widgets and ports included. */
  bounds: { x: number; y: number; width: number; height: number };
}

export interface CanvasWidget {
  name: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CanvasTransition {
  /** `Widget#index`, as coverage names it (see conversation/coverage.ts). */
  id: string;
  from: string;
  index: number;
  event: string;
  /** The widget it leads to; absent: it ends the execution (or, on the trigger, it is unwired). */
  to?: string;
  /** Where the port sits, under its widget. */
  port: { x: number; y: number };
}

export const WIDGET_WIDTH = 240;
export const WIDGET_HEIGHT = 76;
/** The port row's height under the widget box. */
export const PORT_ROW = 22;

export function flowCanvas(definition: FlowDefinition): Canvas {
  const states = (Array.isArray(definition?.states) ? definition.states : []).filter((s) => s && typeof s.name === 'string');
  const names = new Set(states.map((s) => s.name));
  const drawn = (s: (typeof states)[number]) =>
    (Array.isArray(s.transitions) ? s.transitions : []).map((t: Transition, index) => ({ t, index })).filter(({ t }) => s.type !== 'trigger' || t.next);
  const allOffsets = states.length > 0 && states.every((s) => isOffset(s.properties?.offset));
  const positions = new Map<string, { x: number; y: number }>();
  if (allOffsets) {
    for (const s of states) positions.set(s.name, { x: s.properties.offset!.x, y: s.properties.offset!.y });
  } else {
    // dagre is only loaded for flows that need it.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const dagre = require('@dagrejs/dagre') as typeof import('@dagrejs/dagre');
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: 60, ranksep: 90 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const s of states) g.setNode(s.name, { width: WIDGET_WIDTH, height: WIDGET_HEIGHT + PORT_ROW });
    for (const s of states) {
      for (const { t, index } of drawn(s)) if (t.next && names.has(t.next) && t.next !== s.name) g.setEdge(s.name, t.next, {}, String(index));
    }
    dagre.layout(g);
    for (const s of states) {
      const n = g.node(s.name);
      positions.set(s.name, { x: Math.round(n.x - WIDGET_WIDTH / 2), y: Math.round(n.y - (WIDGET_HEIGHT + PORT_ROW) / 2) });
    }
  }
  const widgets: CanvasWidget[] = states.map((s) => ({ name: s.name, type: String(s.type), ...positions.get(s.name)!, width: WIDGET_WIDTH, height: WIDGET_HEIGHT }));
  const transitions: CanvasTransition[] = [];
  for (const s of states) {
    const at = positions.get(s.name)!;
    const ports = drawn(s);
    ports.forEach(({ t, index }, i) => {
      transitions.push({
        id: `${s.name}#${index}`,
        from: s.name,
        index,
        event: String(t.event),
        ...(t.next && names.has(t.next) ? { to: t.next } : {}),
        port: { x: Math.round(at.x + (WIDGET_WIDTH * (i + 1)) / (ports.length + 1)), y: at.y + WIDGET_HEIGHT + PORT_ROW / 2 },
      });
    });
  }
  const xs = widgets.flatMap((w) => [w.x, w.x + w.width]);
  const ys = widgets.flatMap((w) => [w.y, w.y + w.height + PORT_ROW]);
  const margin = 40;
  const bounds = widgets.length
    ? { x: Math.min(...xs) - margin, y: Math.min(...ys) - margin, width: Math.max(...xs) - Math.min(...xs) + 2 * margin, height: Math.max(...ys) - Math.min(...ys) + 2 * margin }
    : { x: 0, y: 0, width: 100, height: 100 };
  return { widgets, transitions, layout: allOffsets ? 'offsets' : 'dagre', bounds };
}

function isOffset(o: unknown): o is { x: number; y: number } {
  return typeof o === 'object' && o !== null && Number.isFinite((o as any).x) && Number.isFinite((o as any).y);
}
