import { PORT_ROW, type Canvas, type CanvasTransition } from '../lib/studio/canvas';

/**
 * The flow canvas as SVG markup, for the web view (lit up by its script through the
 * `data-widget` / `data-transition` attributes and classes) and the HTML report (coloured
 * by coverage). Every text is escaped: widget names and events come from the flow file.
 */
export interface SvgOptions {
  /** Conversations through each widget / transition (by `Widget#index`), and how many ran. */
  coverage?: { widgets: ReadonlyMap<string, number>; transitions: ReadonlyMap<string, number>; conversations: number };
}

/** Coverage colours: never reached, and the lightest to the darkest green by share of the conversations. */
export const COVERAGE_COLOURS = { never: '#f8d7da', neverStroke: '#c0392b', low: '#d4edda', high: '#1e8449' } as const;

export function flowSvg(canvas: Canvas, o: SvgOptions = {}): string {
  const { x, y, width, height } = canvas.bounds;
  const byName = new Map(canvas.widgets.map((w) => [w.name, w]));
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="flow-canvas" viewBox="${x} ${y} ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Studio flow">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>',
  );
  const cov = o.coverage;
  for (const t of canvas.transitions) {
    const target = t.to ? byName.get(t.to) : undefined;
    const count = cov?.transitions.get(t.id);
    const cls = ['transition', target ? 'wired' : 'ends', ...(cov ? [count ? 'taken' : 'never'] : [])].join(' ');
    const stroke = cov ? (count ? shade(count / Math.max(1, cov.conversations)) : COVERAGE_COLOURS.neverStroke) : undefined;
    out.push(`<g class="${cls}" data-transition="${esc(t.id)}" data-from="${esc(t.from)}"${t.to ? ` data-to="${esc(t.to)}"` : ''}${cov ? ` data-count="${count ?? 0}"` : ''}>`);
    out.push(`<title>${esc(`${t.from}.${t.event}${t.to ? ` → ${t.to}` : ' (ends the execution)'}${cov ? `: ${count ?? 0} of ${cov.conversations} conversations` : ''}`)}</title>`);
    // Colours as style, not attributes: a page's stylesheet would win over attributes.
    const strokeStyle = stroke ? ` style="stroke:${stroke}"` : '';
    if (target) out.push(`<path d="${edgePath(t, target)}" fill="none"${strokeStyle} marker-end="url(#arrow)"/>`);
    else out.push(`<line x1="${t.port.x}" y1="${t.port.y + PORT_ROW / 2}" x2="${t.port.x}" y2="${t.port.y + PORT_ROW / 2 + 14}"${strokeStyle}/><circle cx="${t.port.x}" cy="${t.port.y + PORT_ROW / 2 + 18}" r="4"${stroke ? ` style="fill:${stroke}"` : ''}/>`);
    out.push('</g>');
  }
  for (const w of canvas.widgets) {
    const count = cov?.widgets.get(w.name);
    const cls = ['widget', `type-${cssName(w.type)}`, ...(cov ? [count ? 'reached' : 'never'] : [])].join(' ');
    const fill = cov ? (count ? shade(count / Math.max(1, cov.conversations), true) : COVERAGE_COLOURS.never) : undefined;
    out.push(`<g class="${cls}" data-widget="${esc(w.name)}" data-type="${esc(w.type)}"${cov ? ` data-count="${count ?? 0}"` : ''} tabindex="0">`);
    out.push(`<title>${esc(`${w.name} (${w.type})${cov ? `: ${count ?? 0} of ${cov.conversations} conversations` : ''}`)}</title>`);
    const boxStyle = fill ? ` style="fill:${fill}${!count ? `;stroke:${COVERAGE_COLOURS.neverStroke}` : ''}"` : '';
    out.push(`<rect class="box" x="${w.x}" y="${w.y}" width="${w.width}" height="${w.height}" rx="6"${boxStyle}/>`);
    out.push(`<text class="name" x="${w.x + 12}" y="${w.y + 28}">${esc(clip(w.name, 26))}</text>`);
    out.push(`<text class="type" x="${w.x + 12}" y="${w.y + 50}">${esc(clip(w.type, 30))}${cov ? ` · ${count ?? 0}` : ''}</text>`);
    out.push(`<rect class="ports" x="${w.x}" y="${w.y + w.height}" width="${w.width}" height="${PORT_ROW}" rx="3"/>`);
    const ports = canvas.transitions.filter((t) => t.from === w.name);
    // Three ports or more: labels on two rows, every other one lower, so each has twice the room.
    const rows = ports.length > 2 ? 2 : 1;
    const room = Math.max(4, Math.floor((rows * w.width) / Math.max(1, ports.length) / 5.4) - 1);
    ports.forEach((t, i) => {
      const dy = rows === 1 ? 3 : i % 2 === 0 ? -2 : 8;
      out.push(`<text class="port" x="${t.port.x}" y="${t.port.y + dy}" text-anchor="middle">${esc(clip(t.event, room))}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('');
}

/** From the port down, then into the target's top; an arrow back up goes round the side. */
function edgePath(t: CanvasTransition, target: { x: number; y: number; width: number }): string {
  const sx = t.port.x;
  const sy = t.port.y + PORT_ROW / 2;
  const tx = target.x + target.width / 2;
  const ty = target.y;
  if (ty > sy + 20) {
    const bend = Math.max(30, (ty - sy) / 2);
    return `M${sx},${sy} C${sx},${sy + bend} ${tx},${ty - bend} ${tx},${ty}`;
  }
  const side = target.x + target.width + 40;
  return `M${sx},${sy} C${sx},${sy + 60} ${side},${sy + 60} ${side},${(sy + ty) / 2} S${tx},${ty - 60} ${tx},${ty}`;
}

/** Lighter to darker green as more of the conversations went through. */
function shade(share: number, fill = false): string {
  const s = Math.max(0, Math.min(1, share));
  const from = fill ? [0xd4, 0xed, 0xda] : [0x7d, 0xce, 0xa0];
  const to = fill ? [0x7d, 0xce, 0xa0] : [0x1e, 0x84, 0x49];
  return `#${from.map((c, i) => Math.round(c + (to[i] - c) * s).toString(16).padStart(2, '0')).join('')}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function cssName(text: string): string {
  return text.replace(/[^a-zA-Z0-9-]/g, '_');
}

export function esc(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
