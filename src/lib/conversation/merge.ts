/**
 * Merging the reports of a suite run in shards (`--shard I/N` on N machines) into the
 * report one run of the whole suite gives: `--junit` files into one `<testsuite>` with
 * the totals added up, `-o json` documents into one `{ results, summary, coverage }`, the
 * flow coverage counted over every shard's conversations. The shards a
 * report says it holds are checked: a missing shard, one given twice or shards of two
 * different splits are refused, and a conversation found in two reports is named, rather
 * than a partial suite passing as the whole.
 *
 * Only this plugin's own reports are read (`junit-report-merger` and the like keep one
 * `<testsuite>` per file and check no shards, so the merged file would not be a single
 * run's report): they are regular enough to be read element by element without an XML
 * library, and anything else is refused with its file named.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { escapeXmlAttribute, JUNIT_SUITE_NAME, propertiesXml } from './junit';
import { coverageOf, type FlowCoverage } from './coverage';
import type { JsonReport, RunTotals } from './report';
import type { Shard } from './shard';

/**
 * The files to merge: each value a file, or a pattern with `*` / `?` in its file name
 * (`"reports/shard-*.xml"`, quoted so that the value reaches the command whole; every
 * value needs its own flag). Matches are sorted; a pattern that matches nothing is refused.
 */
export function expandFiles(values: string[], flag: string): string[] {
  const files: string[] = [];
  for (const value of values) {
    const name = path.basename(value);
    if (!/[*?]/.test(name)) {
      files.push(value);
      continue;
    }
    const dir = path.dirname(value);
    const pattern = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      // Said below: nothing matches.
    }
    const matched = entries.filter((e) => pattern.test(e)).sort();
    if (!matched.length) throw new UsageError(`${flag} ${value}: no file matches.`, 'Give the reports of every shard, as files or a pattern such as "reports/shard-*.xml".');
    files.push(...matched.map((e) => path.join(dir, e)));
  }
  return files;
}

/** The run's totals over every report, with what the merge found. */
export interface MergedTotals extends RunTotals {
  /** Shards found (`1/4`…), or empty when the reports are whole runs. */
  shards: string[];
  /** `classname` / `name` of test cases found in more than one report. */
  duplicates: string[];
}

interface JUnitPart {
  file: string;
  attributes: Record<string, string>;
  totals: RunTotals;
  shard?: Shard;
  cases: string[];
}

const TOTALS: (keyof RunTotals)[] = ['run', 'passed', 'failed', 'notCheckable', 'scriptErrors', 'notRun'];

function sumTotals(all: RunTotals[]): RunTotals {
  const sum = { run: 0, passed: 0, failed: 0, notCheckable: 0, scriptErrors: 0, notRun: 0 };
  for (const t of all) for (const k of TOTALS) sum[k] += t[k];
  return sum;
}

const ATTRIBUTE = /([\w:-]+)="([^"]*)"/g;

function attributesOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(ATTRIBUTE)) out[m[1]] = m[2];
  return out;
}

function notOurs(file: string, why: string): never {
  throw new UsageError(`${file} is not a cognigy:test-chat report: ${why}.`, 'Merge the files that --junit FILE (or -o json) of twilio cognigy:test-chat --script wrote.');
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}

function readJUnit(file: string): JUnitPart {
  const xml = readText(file);
  const suite = /<testsuite (name="[^"]*"[^>]*)>/.exec(xml);
  if (!xml.startsWith('<?xml') || !suite || (xml.match(/<testsuite /g) ?? []).length !== 1) notOurs(file, 'expected one <testsuite> of an XML file');
  const attributes = attributesOf(suite[1]);
  if (attributes.name !== escapeXmlAttribute(JUNIT_SUITE_NAME)) notOurs(file, `its suite is "${attributes.name}"`);
  const body = xml.slice(suite.index + suite[0].length, xml.lastIndexOf('</testsuite>'));
  // Our writer puts every element on its own lines: a test case ends at its own `/>` or `</testcase>`.
  const cases = [...body.matchAll(/ {4}<testcase [^>]*?(?:\/>|>[\s\S]*?<\/testcase>)\n/g)].map((m) => m[0]);
  if (cases.length !== Number(attributes.tests)) notOurs(file, `it says tests="${attributes.tests}" but holds ${cases.length} test cases`);
  const properties: Record<string, string> = {};
  for (const m of (/<properties>([\s\S]*?)<\/properties>/.exec(body)?.[1] ?? '').matchAll(/<property name="([^"]*)" value="([^"]*)"\/>/g)) properties[m[1]] = m[2];
  const missing = TOTALS.find((k) => !/^\d+$/.test(properties[k] ?? ''));
  if (missing) notOurs(file, `its <properties> lack the run's "${missing}"`);
  const totals = Object.fromEntries(TOTALS.map((k) => [k, Number(properties[k])])) as unknown as RunTotals;
  const shardValue = /^(\d+)\/(\d+)$/.exec(properties.shard ?? '');
  return { file, attributes, totals, cases, ...(shardValue ? { shard: { index: Number(shardValue[1]), total: Number(shardValue[2]) } } : {}) };
}

/** Every shard of one split, each once; or only whole runs. */
function checkShards(parts: { file: string; shard?: Shard }[]): string[] {
  const sharded = parts.filter((p) => p.shard);
  if (!sharded.length) return [];
  if (sharded.length !== parts.length) {
    const whole = parts.find((p) => !p.shard)!;
    throw new UsageError(`${whole.file} is a whole run, the others are shards: merging them would count conversations twice.`);
  }
  const total = sharded[0].shard!.total;
  const other = sharded.find((p) => p.shard!.total !== total);
  if (other) throw new UsageError(`${other.file} is shard ${other.shard!.index}/${other.shard!.total}, ${sharded[0].file} is of ${total} shards: these are two different splits.`);
  const seen = new Map<number, string>();
  for (const p of sharded) {
    const before = seen.get(p.shard!.index);
    if (before) throw new UsageError(`${before} and ${p.file} are both shard ${p.shard!.index}/${total}.`);
    seen.set(p.shard!.index, p.file);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) {
    throw new UsageError(`Shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: the merged report would not be the whole suite.`, 'Pass the report of every shard.');
  }
  return [...seen.keys()].sort((a, b) => a - b).map((i) => `${i}/${total}`);
}

/** Test cases named in more than one part (a suite split wrongly, or a report given twice under two names). */
function duplicatesOf(keys: Iterable<string>): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const key of keys) (seen.has(key) ? twice : seen).add(key);
  return [...twice];
}

/** Merge JUnit reports of this plugin into `out`: one `<testsuite>`, as a single run writes it. */
export function mergeJUnit(files: string[], out: string): MergedTotals {
  const parts = files.map(readJUnit);
  const shards = checkShards(parts);
  const sum = (name: string) => parts.reduce((n, p) => n + (Number(p.attributes[name]) || 0), 0);
  const totals = sumTotals(parts.map((p) => p.totals));
  const timestamp = parts.map((p) => p.attributes.timestamp ?? '').filter(Boolean).sort()[0];
  const name = escapeXmlAttribute(JUNIT_SUITE_NAME);
  const counts = `tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}" time="${sum('time').toFixed(3)}"`;
  const caseKey = (xml: string) => {
    const a = attributesOf(/<testcase [^>]*/.exec(xml)![0]);
    return `${a.classname} / ${a.name}`;
  };
  const duplicates = duplicatesOf(parts.flatMap((p) => p.cases.map(caseKey)));
  const fd = fs.openSync(out, 'w');
  try {
    fs.writeSync(fd, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${name}" ${counts}>\n`);
    fs.writeSync(fd, `  <testsuite name="${name}" ${counts}${timestamp ? ` timestamp="${timestamp}"` : ''}>\n`);
    fs.writeSync(fd, propertiesXml(totals));
    for (const part of parts) fs.writeSync(fd, part.cases.join(''));
    fs.writeSync(fd, '  </testsuite>\n</testsuites>\n');
  } finally {
    fs.closeSync(fd);
  }
  return { ...totals, shards, duplicates };
}

/**
 * Merge `-o json` documents of this plugin into one, as a single run prints it.
 * `coverage`: the flow coverage is needed (`--min-coverage`): reports without one are refused.
 */
export function mergeJson(files: string[], o: { coverage?: boolean } = {}): { report: JsonReport; totals: MergedTotals } {
  const parts = files.map((file) => {
    let doc: JsonReport;
    try {
      doc = JSON.parse(readText(file)) as JsonReport;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      notOurs(file, 'it is not JSON');
    }
    if (!doc || !Array.isArray(doc.results) || typeof doc.summary?.total !== 'number') notOurs(file, 'expected { "results": [...], "summary": {...} }');
    return { file, doc, shard: doc.summary.shard };
  });
  const shards = checkShards(parts);
  const summaries = parts.map((p) => p.doc.summary);
  const add = (pick: (s: JsonReport['summary']) => number | undefined) => summaries.reduce((n, s) => n + (pick(s) ?? 0), 0);
  const summary: JsonReport['summary'] = {
    passed: add((s) => s.passed),
    failed: add((s) => s.failed),
    error: add((s) => s.error),
    timeout: add((s) => s.timeout),
    notCheckable: add((s) => s.notCheckable),
    total: add((s) => s.total),
    notRun: add((s) => s.notRun),
    interrupted: add((s) => s.interrupted),
    aborted: summaries.some((s) => s.aborted),
    elapsedMs: add((s) => s.elapsedMs),
    rateLimit: {
      waits: add((s) => s.rateLimit?.waits),
      waitedMs: add((s) => s.rateLimit?.waitedMs),
      conversations: add((s) => s.rateLimit?.conversations),
    },
    scriptErrors: summaries.flatMap((s) => s.scriptErrors ?? []),
    // Every shard reads the whole suite's definitions: the same note comes from each.
    notes: [...new Set(summaries.flatMap((s) => s.notes ?? []))],
  };
  const results = parts.flatMap((p) => p.doc.results);
  const duplicates = duplicatesOf(results.map((r) => `${r.file} / ${r.name}`));
  const coverage = mergeCoverage(parts);
  if (o.coverage && !coverage) {
    throw new UsageError('--min-coverage: the reports hold no flow coverage (written before test-chat reported it).', 'Run the shards again with this version of the plugin, or drop --min-coverage.');
  }
  return {
    report: { results, summary, ...(coverage ? { coverage } : {}) },
    totals: {
      run: summary.total,
      passed: summary.passed,
      failed: summary.failed,
      notCheckable: summary.notCheckable,
      scriptErrors: summary.scriptErrors.length,
      notRun: summary.notRun,
      shards,
      duplicates,
    },
  };
}

/**
 * The flow coverage of the whole suite from its shards' reports: each widget's and
 * transition's conversations added up, so that one reached in any shard is reached, and
 * the percentages and what was never reached worked out again over the sum. The shards
 * must have run one flow: reports that count other widgets or transitions (another flow,
 * or another revision of it) are refused, naming the first difference. Reports that say
 * no coverage (written before it was reported) give none, unless others do: then the
 * merged coverage would leave out their conversations, and it is refused.
 */
function mergeCoverage(parts: { file: string; doc: JsonReport }[]): FlowCoverage | undefined {
  const covered = parts.filter((p) => p.doc.coverage !== undefined);
  if (!covered.length) return undefined;
  if (covered.length !== parts.length) {
    const without = parts.find((p) => p.doc.coverage === undefined)!;
    throw new UsageError(`${without.file} holds no flow coverage, ${covered[0].file} does: the merged coverage would leave out its conversations.`, 'Merge reports written by the same version of the plugin (run that shard again).');
  }
  const counts = covered.map(({ file, doc }) => {
    const c = doc.coverage as Partial<FlowCoverage>;
    if (!isCounts(c.widgets?.counts) || !isCounts(c.transitions?.counts) || typeof c.conversations !== 'number') notOurs(file, 'its "coverage" lacks the counts of widgets and transitions');
    return { file, conversations: c.conversations, widgets: c.widgets!.counts, transitions: c.transitions!.counts };
  });
  const [first] = counts;
  for (const other of counts.slice(1)) {
    for (const kind of ['widgets', 'transitions'] as const) {
      const only = onlyIn(first[kind], other[kind]) ?? onlyIn(other[kind], first[kind]);
      if (only === undefined) continue;
      const where = only in first[kind] ? first.file : other.file;
      throw new UsageError(
        `${first.file} and ${other.file} cover different flows: the ${kind === 'widgets' ? 'widget' : 'transition'} "${only}" is only in ${where}.`,
        'Merge the reports of shards run with the same flow (the same --flow-file or --flow revision).',
      );
    }
  }
  const sum = (kind: 'widgets' | 'transitions') => {
    const out: Record<string, number> = {};
    for (const key of Object.keys(first[kind])) out[key] = counts.reduce((n, c) => n + c[kind][key], 0);
    return out;
  };
  return coverageOf(
    counts.reduce((n, c) => n + c.conversations, 0),
    sum('widgets'),
    sum('transitions'),
  );
}

function isCounts(value: unknown): value is Record<string, number> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((n) => Number.isInteger(n) && (n as number) >= 0);
}

/** A key of `a` that `b` lacks. */
function onlyIn(a: Record<string, number>, b: Record<string, number>): string | undefined {
  return Object.keys(a).find((k) => !Object.prototype.hasOwnProperty.call(b, k));
}
