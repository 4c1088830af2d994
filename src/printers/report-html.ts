import type { FlowCoverage } from '../lib/conversation/coverage';
import { coverageLine } from './coverage';
import { failureMessage, uncheckedText } from './script-report';
import { flowSourceText } from './test-chat';
import { sideText } from './failure';
import type { ReportedConversation, TranscriptLine } from '../lib/conversation/coverage-tap';
import type { RunTotals } from '../lib/conversation/report';
import type { ScriptError } from '../lib/conversation/types';
import { COVERAGE_COLOURS, esc, flowSvg } from './flow-svg';
import { runTotals } from '../lib/conversation/report';
import type { ScriptRunResult } from '../lib/tasks/run-scripts';
import type { PreparedChat } from '../lib/conversation/prepared';
import { redact } from '../lib/redact';
import { writeFileAtomic } from '../lib/files';
import { flowCanvas } from '../lib/studio/canvas';

/**
 * `--report FILE.html`: one self-contained page for a scripted run (a CI artefact): no
 * script, no link, no font or image from elsewhere. The summary, the flow coloured by
 * coverage with what no conversation reached, then each conversation with its transcript
 * beside its failures (failed ones first).
 */
export interface HtmlReport {
  flow: string;
  generatedAt: string;
  totals: RunTotals;
  elapsedMs: number;
  coverage: FlowCoverage;
  /** The flow drawn with coverage colours (flowSvg with `coverage`). */
  svg: string;
  conversations: ReportedConversation[];
  scriptErrors: ScriptError[];
  minCoverage?: number;
}

export function reportHtml(r: HtmlReport): string {
  const t = r.totals;
  const order = { failed: 0, error: 0, timeout: 0, notCheckable: 1, passed: 2 } as const;
  const conversations = [...r.conversations].sort((a, b) => order[a.result.status] - order[b.result.status]);
  const status = t.failed || t.scriptErrors || t.run === 0 ? 'failed' : 'passed';
  const never = [
    ...r.coverage.widgets.never.map((w) => `<li class="never-widget">${esc(w)}: never reached</li>`),
    ...r.coverage.transitions.never.map((tr) => `<li class="never-transition">${esc(tr)}: never taken</li>`),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>test-chat report: ${t.passed} passed, ${t.failed} failed</title>
<style>${CSS}</style></head>
<body>
<header class="${status}"><h1>test-chat report</h1>
<div>${esc(r.flow)} · ${esc(r.generatedAt)} · ${(r.elapsedMs / 1000).toFixed(1)} s</div></header>
<section id="summary"><h2>Summary</h2>
<p class="totals"><span class="passed">${t.passed} passed</span>, <span class="failed">${t.failed} failed</span>${t.notCheckable ? `, ${t.notCheckable} not checkable` : ''}${t.scriptErrors ? `, ${t.scriptErrors} script error${t.scriptErrors === 1 ? '' : 's'}` : ''}${t.notRun ? `, ${t.notRun} skipped` : ''}</p>
<p class="coverage-line">${esc(coverageLine(r.coverage))}${r.minCoverage !== undefined ? ` Required: ${r.minCoverage}%.` : ''}</p>
${r.scriptErrors.length ? `<ul class="script-errors">${r.scriptErrors.map((e) => `<li>${esc(`${e.file}:${e.line}: ${e.message}`)}</li>`).join('')}</ul>` : ''}
</section>
<section id="coverage"><h2>Flow coverage</h2>
<p class="legend"><span class="swatch" style="background:${COVERAGE_COLOURS.never};border-color:${COVERAGE_COLOURS.neverStroke}"></span> never reached <span class="swatch" style="background:${COVERAGE_COLOURS.low}"></span> few conversations <span class="swatch" style="background:#7dcea0"></span> all ${r.coverage.conversations} conversation${r.coverage.conversations === 1 ? '' : 's'} (the number on each widget: conversations through it)</p>
<div class="columns"><div class="canvas">${r.svg}</div>
<div><h3>What no conversation reached</h3>
${never.length ? `<ul id="never">${never.join('')}</ul>` : '<p id="never">Every widget and transition was reached.</p>'}</div></div>
</section>
<section id="conversations"><h2>Conversations</h2>
${conversations.map(conversationHtml).join('\n')}
</section>
</body></html>
`;
}

/** What was said, or what the flow did, in words. */
function lineText(l: TranscriptLine): string {
  if (l.from !== 'flow') return l.text;
  return l.event === 'handover' ? `hand-over to Flex (workflow ${l.workflow})` : `the flow ended (${l.reason}${l.detail ? `: ${l.detail}` : ''})`;
}

function conversationHtml(c: ReportedConversation): string {
  const r = c.result;
  const failing = r.status !== 'passed';
  const transcript = c.transcript.map((l) => `<div class="line ${l.from}"><span class="who">${l.from}</span>${esc(lineText(l))}</div>`).join('');
  const failures = [
    ...r.failures.map(
      (f) => `<div class="failure"><div class="where">${esc(`${f.file}:${f.line}, turn ${f.turn}`)}</div><div>${esc(failureMessage(f))}</div><table><tr><th>expected</th><td><pre>${esc(sideText(f.expected))}</pre></td></tr><tr><th>actual</th><td><pre>${esc(sideText(f.actual))}</pre></td></tr></table></div>`,
    ),
    ...(r.error ? [`<div class="failure"><div class="where">${esc(`${r.file}:${r.line}`)}</div><div>${esc(`${r.status}: ${r.error}`)}</div></div>`] : []),
    ...(r.notCheckable ?? []).map((n) => `<div class="unchecked">${esc(`${n.file}:${n.line}: ${n.name} not checked: ${uncheckedText(n.reason)}`)}</div>`),
  ].join('');
  return `<details class="conversation ${r.status}"${failing ? ' open' : ''}><summary><span class="status">${esc(r.status)}</span> ${esc(r.name)} <span class="where">${esc(`${r.file}:${r.line}`)} · ${r.turns} turn${r.turns === 1 ? '' : 's'} · ${Math.round(r.elapsedMs)} ms</span></summary>
<div class="side-by-side"><div class="transcript">${transcript || '<em>no turn</em>'}</div><div class="failures">${failures || '<em>passed</em>'}</div></div></details>`;
}

const CSS = `
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2430;background:#f4f5f7}
header{padding:12px 20px;color:#fff;background:#1e8449}header.failed{background:#c0392b}header h1{margin:0;font-size:20px}
section{background:#fff;margin:14px 20px;padding:10px 16px;border:1px solid #c9ced6;border-radius:8px}
h2{font-size:16px;margin:4px 0 10px}.totals .passed{color:#1e8449;font-weight:600}.totals .failed{color:#c0392b;font-weight:600}
.canvas{overflow:auto;border:1px solid #e5e7eb}.canvas svg{display:block;margin:auto;width:auto;height:auto;max-width:100%;max-height:90vh}
svg .widget .box{fill:#fff;stroke:#8792a2;stroke-width:1.5}svg .widget.never .box{stroke:${COVERAGE_COLOURS.neverStroke};stroke-dasharray:6 3;stroke-width:2.5}
svg .widget .ports{fill:#eef1f5;stroke:#c9ced6}svg .name{font-weight:600;font-size:15px}svg .type{font-size:12px;fill:#6b7280}svg .port{font-size:9px;fill:#4b5563}
svg .transition path,svg .transition line{stroke:#9aa4b2;stroke-width:2;fill:none}svg .transition.taken path,svg .transition.taken line{stroke-width:3.5}
svg .transition.never path,svg .transition.never line{stroke-dasharray:5 4}
.legend .swatch{display:inline-block;width:14px;height:14px;border:1px solid #8792a2;vertical-align:middle;margin:0 4px 0 12px}
#never li.never-transition,#never li.never-widget{color:#c0392b}
details.conversation{border-top:1px solid #e5e7eb;padding:6px 0}summary{cursor:pointer}
.status{display:inline-block;min-width:70px;font-weight:600}.passed .status{color:#1e8449}.failed .status,.error .status,.timeout .status{color:#c0392b}.notCheckable .status{color:#b7791f}
.where{color:#6b7280;font-size:12px}.side-by-side{display:grid;grid-template-columns:1fr 1fr;gap:14px;margin-top:8px}
#coverage .columns{display:grid;grid-template-columns:minmax(0,3fr) minmax(220px,1fr);gap:16px}
.line{padding:3px 8px;margin:2px 0;border-radius:6px;white-space:pre-wrap}.line .who{display:inline-block;min-width:64px;color:#6b7280;font-size:11px}
.line.customer{background:#dcf8c6}.line.bot{background:#eef1f5}.line.flow{background:#e1f3fb;font-size:12px}
.failure{background:#fdecea;border-radius:6px;padding:6px 8px;margin-bottom:6px}.failure table{border-collapse:collapse;width:100%}
.failure th{text-align:left;vertical-align:top;width:70px;color:#6b7280;font-weight:normal}.failure pre{margin:0;white-space:pre-wrap;word-break:break-word}
.unchecked{background:#fff3cd;border-radius:6px;padding:6px 8px}
`;

/** Renders the run's report and writes it (redacted) to `file`. */
export function writeHtmlReport(file: string, prepared: PreparedChat, result: ScriptRunResult, minCoverage?: number): void {
  const html = reportHtml({
    flow: flowSourceText(prepared.source),
    generatedAt: new Date().toISOString(),
    totals: runTotals(result.summary),
    elapsedMs: result.summary.elapsedMs,
    coverage: result.coverage,
    svg: flowSvg(flowCanvas(prepared.definition), { coverage: result.coverageCounts }),
    conversations: result.conversations ?? [],
    scriptErrors: result.summary.scriptErrors,
    ...(minCoverage !== undefined ? { minCoverage } : {}),
  });
  writeFileAtomic(file, redact(html), 'the HTML report');
}
