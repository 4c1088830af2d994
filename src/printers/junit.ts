/**
 * JUnit XML for CI. Each result is written to disk as it arrives (a body file next to the
 * target); `close()` (a reporter's `finish`) writes the target with the suite totals,
 * which are only known at the end, then copies the body in. Memory stays flat however
 * many conversations run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileWriteError } from '../lib/errors';
import { escapeXmlAttribute, escapeXmlText, JUNIT_SUITE_NAME, propertiesXml } from '../lib/conversation/junit';
import { runTotals, type ScriptReporter } from '../lib/conversation/report';
import type { ConversationResult, RunSummary } from '../lib/conversation/runner';
import type { ScriptError } from '../lib/conversation/types';
import { failureLocation, failureMessage, formatExpectedActual, uncheckedText } from './script-report';

const FLUSH_AT = 64 * 1024;

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** One `<testcase>` for a result. */
export function testcaseXml(result: ConversationResult): string {
  const open = `    <testcase classname="${escapeXmlAttribute(result.file)}" name="${escapeXmlAttribute(result.name)}" time="${seconds(result.elapsedMs)}"`;
  if (result.status === 'passed') return `${open}/>\n`;
  let inner = '';
  if (result.status === 'notCheckable') {
    const checks = (result.notCheckable ?? []).map((c) => `${c.file}:${c.line}: ${c.name}: ${uncheckedText(c.reason)}`);
    inner += `      <skipped message="${escapeXmlAttribute(`not checkable: ${(result.notCheckable ?? []).map((c) => c.name).join(', ')}`)}">${escapeXmlText(checks.join('\n'))}</skipped>\n`;
  } else if (result.status === 'failed') {
    for (const failure of result.failures) {
      const message = `${failureMessage(failure)} at ${failureLocation(failure)}`;
      const body = `${failureLocation(failure)}\n${formatExpectedActual(failure.expected, failure.actual)}`;
      inner += `      <failure message="${escapeXmlAttribute(message)}" type="assertion">${escapeXmlText(body)}</failure>\n`;
    }
  } else {
    const message = result.error ?? result.status;
    inner += `      <error message="${escapeXmlAttribute(message)}" type="${result.status}">${escapeXmlText(`${result.file}:${result.line}: ${message}`)}</error>\n`;
  }
  return `${open}>\n${inner}    </testcase>\n`;
}

function scriptErrorXml(error: ScriptError): string {
  return (
    `    <testcase classname="${escapeXmlAttribute(error.file)}" name="${escapeXmlAttribute(`script error at line ${error.line}`)}" time="0.000">\n` +
    `      <error message="${escapeXmlAttribute(error.message)}" type="script-error">${escapeXmlText(`${error.file}:${error.line}: ${error.message}`)}</error>\n` +
    `    </testcase>\n`
  );
}

/** Remove a file that may never have been created (its folder may not exist). */
function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Nothing was there to remove.
  }
}

export class JUnitWriter implements ScriptReporter {
  private readonly bodyFile: string;
  private bodyFd: number | undefined;
  private pending = '';
  private readonly started = new Date();
  private closed = false;
  /** Why the report cannot be written; told by `close()`, after the results are printed. */
  private failure: unknown;

  /**
   * Creates the missing folders and opens (truncates) the body file now. A path that
   * still cannot be written does not stop the run: `close()` says so once the results
   * are out, so a typo in `--junit` never costs the run's results.
   */
  constructor(
    readonly file: string,
    private readonly suiteName = JUNIT_SUITE_NAME,
    /** `shard` (`2/4`): which part of the suite this report holds, for merging (merge.ts). */
    private readonly properties: Record<string, string> = {},
  ) {
    this.bodyFile = `${file}.${process.pid}.part`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.bodyFd = fs.openSync(this.bodyFile, 'w');
    } catch (error) {
      this.failure = error;
    }
  }

  write(result: ConversationResult): void {
    this.append(testcaseXml(result));
  }

  writeScriptError(error: ScriptError): void {
    this.append(scriptErrorXml(error));
  }

  onResult(result: ConversationResult): void {
    this.write(result);
  }

  onScriptError(error: ScriptError): void {
    this.writeScriptError(error);
  }

  finish(summary: RunSummary): void {
    this.close(summary);
  }

  /** Write the finished report to `file` and remove the body file; a clear error if it cannot be written. */
  close(summary: RunSummary): void {
    if (this.closed) throw new Error('JUnit report already closed');
    this.closed = true;
    this.flush();
    if (this.bodyFd === undefined) {
      removeQuietly(this.bodyFile);
      throw fileWriteError('the JUnit report', this.file, this.failure);
    }
    try {
      this.writeReport(summary);
    } catch (error) {
      removeQuietly(this.bodyFile);
      throw fileWriteError('the JUnit report', this.file, error);
    }
  }

  private writeReport(summary: RunSummary): void {
    fs.closeSync(this.bodyFd!);
    this.bodyFd = undefined;
    const failures = summary.counts.failed;
    const errors = summary.counts.error + summary.counts.timeout + summary.scriptErrors.length;
    const tests = summary.total + summary.scriptErrors.length;
    // Not checkable conversations are skipped testcases: neither passed nor failed.
    const totals = `tests="${tests}" failures="${failures}" errors="${errors}" skipped="${summary.notRun + summary.counts.notCheckable}" time="${seconds(summary.elapsedMs)}"`;
    const name = escapeXmlAttribute(this.suiteName);
    const out = fs.openSync(this.file, 'w');
    try {
      fs.writeSync(out, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${name}" ${totals}>\n`);
      fs.writeSync(out, `  <testsuite name="${name}" ${totals} timestamp="${this.started.toISOString().replace(/\.\d+Z$/, '')}">\n`);
      fs.writeSync(out, propertiesXml(runTotals(summary), this.properties));
      const body = fs.openSync(this.bodyFile, 'r');
      try {
        const buffer = Buffer.alloc(64 * 1024);
        for (;;) {
          const n = fs.readSync(body, buffer, 0, buffer.length, null);
          if (n === 0) break;
          fs.writeSync(out, buffer, 0, n);
        }
      } finally {
        fs.closeSync(body);
      }
      fs.writeSync(out, '  </testsuite>\n</testsuites>\n');
    } finally {
      fs.closeSync(out);
      fs.rmSync(this.bodyFile, { force: true });
    }
  }

  private append(xml: string): void {
    if (this.closed) throw new Error('JUnit report already closed');
    if (this.bodyFd === undefined) return;
    // Batched: one write per ~64 kB rather than a synchronous write per conversation.
    this.pending += xml;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    if (this.bodyFd === undefined || !text) return;
    try {
      fs.writeSync(this.bodyFd, text);
    } catch (error) {
      // A full disk mid-run: the run goes on, close() tells.
      this.failure = error;
      fs.closeSync(this.bodyFd);
      this.bodyFd = undefined;
    }
  }
}
