/**
 * The JUnit XML this plugin writes, as far as both its writer (`src/printers/junit.ts`)
 * and the merge of shard reports (`merge.ts`) need it: escaping, the suite's name and its
 * `<properties>`.
 */
import type { RunTotals } from './report';

/** Characters XML 1.0 forbids (and lone surrogates), shown as `\uXXXX` text instead. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function replaceForbidden(text: string): string {
  return text.replace(FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escape for element content. */
export function escapeXmlText(text: string): string {
  return replaceForbidden(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape for a double-quoted attribute; whitespace is kept as character references so it survives normalisation. */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

export const JUNIT_SUITE_NAME = 'cognigy:test-chat';

/**
 * The suite's `<properties>`: the run's summary (the same numbers as the text report's
 * closing line and -o json), then any others (`shard`).
 */
export function propertiesXml(totals: RunTotals, others: Record<string, string> = {}): string {
  const items = [...Object.entries(totals), ...Object.entries(others)]
    .map(([k, v]) => `      <property name="${escapeXmlAttribute(k)}" value="${escapeXmlAttribute(String(v))}"/>\n`)
    .join('');
  return `    <properties>\n${items}    </properties>\n`;
}

