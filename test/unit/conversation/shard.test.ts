import { describe, it } from 'mocha';
import { assert, expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandFiles, mergeJUnit, mergeJson } from '../../../src/lib/conversation/merge';
import { propertiesXml } from '../../../src/lib/conversation/junit';
import { inShard, parseShard, shardOf } from '../../../src/lib/conversation/shard';
import type { Conversation } from '../../../src/lib/conversation/types';

const convo = (file: string, name: string): Conversation => ({ name, file, line: 1, steps: [{ kind: 'user', text: 'hi', line: 2 }] });

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

describe('--shard', () => {
  it('parses INDEX/TOTAL and refuses anything else', () => {
    assert.deepStrictEqual(parseShard('2/4'), { index: 2, total: 4 });
    for (const bad of ['0/4', '5/4', '1', 'a/b', '1/0', '1/1001']) expect(() => parseShard(bad)).to.throw().that.satisfies((e: Error) => e.message === `--shard ${bad} is not a shard.`);
  });

  it('the shards of a suite are disjoint and together the whole suite, whatever the order and the checkout path', async () => {
    const names = Array.from({ length: 200 }, (_, i) => convo(`/ci/a/suite/dir${i % 7}/f${i % 13}.yaml`, `conversation ${i}`));
    const seen: string[] = [];
    const sizes: number[] = [];
    for (let index = 1; index <= 4; index++) {
      const part = await collect(inShard(from(names), '/ci/a/suite', { index, total: 4 }));
      sizes.push(part.length);
      seen.push(...part.map((c) => c.name));
      // Reversed on disk and checked out elsewhere: the same conversations.
      const moved = [...names].reverse().map((c) => ({ ...c, file: c.file.replace('/ci/a/', '/home/runner/work/') }));
      const again = await collect(inShard(from(moved), '/home/runner/work/suite', { index, total: 4 }));
      assert.deepStrictEqual(again.map((c) => c.name).sort(), part.map((c) => c.name).sort());
    }
    assert.deepStrictEqual(seen.sort(), names.map((c) => c.name).sort());
    for (const size of sizes) assert.ok(size > 25 && size < 75, `roughly even: ${sizes}`);
  });

  it('conversations of one file spread; a script error goes to one shard', () => {
    const shards = new Set(Array.from({ length: 20 }, (_, i) => shardOf('/s', convo('/s/one.yaml', `c${i}`), 4)));
    assert.ok(shards.size >= 3);
    const error = { kind: 'script-error' as const, file: '/s/bad.yaml', line: 1, message: 'bad' };
    assert.strictEqual(shardOf('/s', error, 4), shardOf('/s', { ...error, line: 9, message: 'other' }, 4));
  });
});

describe('merging shard reports', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-merge-'));
  const junit = (name: string, shard: string | undefined, cases: string[], failures = 0) => {
    const file = path.join(dir, name);
    const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="1.500"`;
    const totals = { run: cases.length, passed: cases.length - failures, failed: failures, notCheckable: 0, scriptErrors: 0, notRun: 0 };
    const props = propertiesXml(totals, shard ? { shard } : {});
    fs.writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cognigy:test-chat" ${counts}>\n  <testsuite name="cognigy:test-chat" ${counts} timestamp="2026-01-0${name.length % 9}T00:00:00">\n${props}${cases.join('')}  </testsuite>\n</testsuites>\n`,
    );
    return file;
  };
  const passed = (n: string) => `    <testcase classname="s/${n}.convo.txt" name="${n}" time="0.100"/>\n`;
  const failedCase = (n: string) => `    <testcase classname="s/${n}.convo.txt" name="${n}" time="0.100">\n      <failure message="bot message does not match at x" type="assertion">x</failure>\n    </testcase>\n`;

  it('JUnit: one suite with every test case and the totals added up', () => {
    const out = path.join(dir, 'out.xml');
    const totals = mergeJUnit([junit('a.xml', '1/2', [passed('a'), failedCase('b')], 1), junit('b.xml', '2/2', [passed('c')])], out);
    assert.deepStrictEqual(totals, { run: 3, passed: 2, failed: 1, notCheckable: 0, scriptErrors: 0, notRun: 0, shards: ['1/2', '2/2'], duplicates: [] });
    const xml = fs.readFileSync(out, 'utf8');
    assert.strictEqual((xml.match(/<testsuite /g) ?? []).length, 1);
    assert.match(xml, /<testsuite name="cognigy:test-chat" tests="3" failures="1" errors="0" skipped="0" time="3\.000"/);
    assert.ok(xml.includes(failedCase('b')) && xml.includes(passed('a')) && xml.includes(passed('c')));
    assert.ok(xml.includes(propertiesXml({ run: 3, passed: 2, failed: 1, notCheckable: 0, scriptErrors: 0, notRun: 0 })), 'the run totals, as a single run writes them');
    assert.notMatch(xml, /<property name="shard"/);
  });

  it('refuses a missing shard, a shard twice, two splits, a whole run among shards, and files that are not ours', () => {
    const out = path.join(dir, 'refused.xml');
    const one = junit('one.xml', '1/3', [passed('a')]);
    const three = junit('three.xml', '3/3', [passed('c')]);
    assert.throws(() => mergeJUnit([one, three], out), /Shard 2\/3 missing/);
    assert.throws(() => mergeJUnit([one, junit('one-again.xml', '1/3', [passed('b')]), three], out), /are both shard 1\/3/);
    assert.throws(() => mergeJUnit([one, junit('other.xml', '2/4', [passed('b')])], out), /two different splits/);
    assert.throws(() => mergeJUnit([one, junit('whole.xml', undefined, [passed('b')])], out), /is a whole run, the others are shards/);
    const foreign = path.join(dir, 'foreign.xml');
    fs.writeFileSync(foreign, '<?xml version="1.0"?>\n<testsuites><testsuite name="jest" tests="0"></testsuite></testsuites>\n');
    assert.throws(() => mergeJUnit([foreign], out), /foreign\.xml is not a cognigy:test-chat report: its suite is "jest"/);
    const bare = path.join(dir, 'bare.xml');
    fs.writeFileSync(bare, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cognigy:test-chat" tests="1">\n  <testsuite name="cognigy:test-chat" tests="1" failures="0" errors="0" skipped="0" time="0.1">\n${passed('a')}  </testsuite>\n</testsuites>\n`);
    assert.throws(() => mergeJUnit([bare], out), /bare\.xml is not a cognigy:test-chat report: its <properties> lack the run's "run"/);
    const short = junit('short.xml', undefined, [passed('a')]);
    fs.writeFileSync(short, fs.readFileSync(short, 'utf8').replaceAll('tests="1"', 'tests="2"'));
    assert.throws(() => mergeJUnit([short], out), /says tests="2" but holds 1 test cases/);
  });

  it('a pattern in the file name stands for the files it matches, sorted; one that matches nothing is refused', () => {
    const sub = fs.mkdtempSync(path.join(dir, 'glob-'));
    for (const f of ['shard-2.xml', 'shard-1.xml', 'shard-10.xml', 'other.xml', 'shard-1.json']) fs.writeFileSync(path.join(sub, f), '');
    assert.deepStrictEqual(expandFiles([path.join(sub, 'shard-?.xml')], '--merge-junit'), ['shard-1.xml', 'shard-2.xml'].map((f) => path.join(sub, f)));
    assert.deepStrictEqual(expandFiles([path.join(sub, 'shard-*.xml'), path.join(sub, 'other.xml')], '--merge-junit').map((f) => path.basename(f)), ['shard-1.xml', 'shard-10.xml', 'shard-2.xml', 'other.xml']);
    assert.throws(() => expandFiles([path.join(sub, 'none-*.xml')], '--merge-junit'), /--merge-junit .*none-\*\.xml: no file matches\./);
  });

  it('names a conversation found in two reports', () => {
    const totals = mergeJUnit([junit('x.xml', undefined, [passed('a')]), junit('y.xml', undefined, [passed('a')])], path.join(dir, 'dup.xml'));
    assert.deepStrictEqual(totals.duplicates, ['s/a.convo.txt / a']);
  });

  it('JSON: results joined, summaries added up, shards checked', () => {
    const doc = (shard: number, results: { name: string; status: string }[]) => {
      const file = path.join(dir, `r${shard}.json`);
      const passedCount = results.filter((r) => r.status === 'passed').length;
      fs.writeFileSync(
        file,
        JSON.stringify({
          results: results.map((r) => ({ ...r, file: `s/${r.name}`, line: 1, failures: [], turns: 1, elapsedMs: 1 })),
          summary: { passed: passedCount, failed: results.length - passedCount, error: 0, timeout: 0, notCheckable: 0, total: results.length, notRun: 0, interrupted: 0, aborted: false, elapsedMs: 10, rateLimit: { waits: shard, waitedMs: 1000, conversations: 1 }, shard: { index: shard, total: 2 }, scriptErrors: [], notes: ['botium.json: one note'] },
        }),
      );
      return file;
    };
    const { report, totals } = mergeJson([doc(1, [{ name: 'a', status: 'passed' }]), doc(2, [{ name: 'b', status: 'failed' }])]);
    assert.deepStrictEqual(report.results.map((r) => r.name), ['a', 'b']);
    assert.strictEqual(report.summary.total, 2);
    assert.strictEqual(report.summary.failed, 1);
    assert.deepStrictEqual(report.summary.rateLimit, { waits: 3, waitedMs: 2000, conversations: 2 });
    assert.strictEqual(report.summary.shard, undefined, 'the merged report is the whole suite');
    assert.deepStrictEqual(report.summary.notes, ['botium.json: one note'], 'a note every shard gave is given once');
    assert.deepStrictEqual(totals.shards, ['1/2', '2/2']);
    assert.throws(() => mergeJson([doc(1, [])]), /Shard 2\/2 missing/);
  });
});
