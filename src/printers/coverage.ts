import { coveragePercent, type FlowCoverage } from '../lib/conversation/coverage';

/** The scripted run's flow coverage, in one line (the text report, the HTML report). */
export function coverageLine(c: FlowCoverage): string {
  return `Flow coverage: ${c.widgets.reached} of ${c.widgets.total} widgets (${c.widgets.percent}%), ${c.transitions.taken} of ${c.transitions.total} transitions (${c.transitions.percent}%).`;
}

/** Why `--min-coverage` fails the run. */
export function belowMinCoverageLine(c: FlowCoverage, min: number): string {
  return `Flow coverage ${coveragePercent(c)}% is below --min-coverage ${min}% (${c.widgets.percent}% of the widgets, ${c.transitions.percent}% of the transitions).`;
}
