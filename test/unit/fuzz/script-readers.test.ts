import { describe, it, after } from 'mocha';
import { assert } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { UsageError } from '../../../src/lib/errors';
import { readScripts } from '../../../src/lib/conversation/read';
import type { Conversation, ScriptError } from '../../../src/lib/conversation/types';
import { runs, SEED } from './arbitraries';

const root = mkdtempSync(path.join(tmpdir(), 'fuzz-scripts-'));
after(() => rmSync(root, { recursive: true, force: true }));

const text = fc.string({ unit: 'grapheme', maxLength: 20 });

/** `.convo.txt` lines: headers known and unknown, Botium keywords, blank lines, any text. */
const convoLine = fc.oneof(
  fc.constantFrom('#me', '#bot', '#bot web', '#xyz', '#begin', '#end', '#', '# ', '#ME', '  #bot  ', 'BUTTONS a|b||c', 'BUTTONS', '!TEXT x', 'PAUSE 100', 'INTENT greet', '', ' ', '\t', '\uFEFF', 'hello', 'Hi *', 'a|b'),
  text,
);
const newline = fc.constantFrom('\n', '\r\n', '\r');
const convoTxt = fc.tuple(fc.array(convoLine, { maxLength: 14 }), newline).map(([lines, nl]) => lines.join(nl));

/** YAML documents of every shape the reader knows, with random values in every slot. */
const scalar = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.double());
const anyValue = fc.jsonValue({ maxDepth: 3 });
const stepValue = fc.oneof(
  fc.record({ user: fc.oneof(scalar, anyValue) }),
  fc.record({ bot: fc.oneof(scalar, anyValue, fc.record({ text: scalar, contains: scalar, regex: fc.oneof(fc.constantFrom('^Hi', '/^hi/i', '/x/zz', '(', '/(/'), scalar), data: anyValue, quickReplies: anyValue }, { requiredKeys: [] })) }),
  fc.record({ silence: fc.oneof(scalar, anyValue) }),
  fc.record({ handover: fc.oneof(scalar, fc.record({ workflow: scalar, channel: scalar, attributes: anyValue, extra: scalar }, { requiredKeys: [] })) }),
  fc.record({ end: fc.oneof(scalar, fc.record({ reason: scalar }, { requiredKeys: [] })) }),
  fc.record({ me: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })) }),
  fc.record({ bot: fc.array(fc.constantFrom('BUTTONS a|b', 'hi', '!INTENT x', ''), { maxLength: 3 }) }),
  anyValue,
);
const conversation = fc.record(
  { name: fc.oneof(scalar, anyValue), from: scalar, channelModel: fc.oneof(fc.constantFrom('conversations', 'legacy', 'voice'), scalar), steps: fc.oneof(fc.array(stepValue, { maxLength: 5 }), anyValue) },
  { requiredKeys: [] },
);
const yamlDoc = fc.oneof(
  fc.record({ conversations: fc.oneof(fc.array(conversation, { maxLength: 3 }), anyValue), from: scalar, channelModel: scalar }, { requiredKeys: ['conversations'] }).map((v) => stringify(v)),
  fc.array(conversation, { maxLength: 3 }).map((v) => stringify(v)),
  conversation.map((v) => stringify(v)),
  fc.record({ convos: fc.oneof(fc.array(fc.record({ name: scalar, steps: fc.oneof(fc.array(stepValue, { maxLength: 4 }), anyValue) }, { requiredKeys: [] }), { maxLength: 3 }), anyValue) }).map((v) => stringify(v)),
  anyValue.map((v) => stringify(v)),
);
/** Hand-written YAML hazards: anchors and aliases, tags, duplicate keys, several documents, tabs. */
const yamlHazard = fc.constantFrom(
  'steps:\n  - user: &a hi\n  - bot: *a\n',
  'steps:\n  - user: hi\n  - bot:\n      data: &d {a: [*d]}\n',
  'a: &a [x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nsteps:\n  - user: hi\n  - bot:\n      data: {d: [*c, *c, *c, *c, *c, *c]}\n',
  'steps:\n  - user: !!binary aGk=\n  - bot: !!timestamp 2001-12-14\n',
  'steps:\n  - user: hi\n  - user: hi\n    user: again\n',
  'steps: []\n---\nsteps: []\n',
  'conversations:\n\t- name: x\n',
  'steps:\n  - ? [complex, key]\n    : value\n',
  'steps:\n  - user: !custom hi\n',
  'steps:\n  - {user: hi}\n  - {bot: {quickReplies: [a, null, {b: 1}]}}\n',
  'convos:\n  - name: x\n    steps:\n      - me: [hi, {a: 1}]\n',
  'convos:\n  - steps:\n      - begin: x\n      - me: ~\n      - bot: !!str 1\n',
  '%YAML 1.1\n---\nsteps:\n  - user: yes\n  - bot: on\n',
  'steps:\n  - user: "unterminated\n',
  '\uFEFFsteps:\n  - user: hi\n',
);
const yamlText = fc.oneof(
  yamlDoc,
  yamlHazard,
  fc.tuple(yamlDoc, fc.nat(), text).map(([doc, at, junk]) => doc.slice(0, at % (doc.length + 1)) + junk + doc.slice(at % (doc.length + 1))),
  text,
);

const file = fc.oneof(
  fc.record({ name: fc.constantFrom('a.convo.txt', 'B.CONVO.TXT', 'sub/c.convo.txt', '.hidden/d.convo.txt'), content: convoTxt }),
  fc.record({ name: fc.constantFrom('e.yaml', 'f.yml', 'sub/deeper/g.yaml', 'node_modules/h.yaml'), content: yamlText }),
  fc.record({ name: fc.constantFrom('notes.txt', 'x.json'), content: text }),
);

let folder = 0;

function checkItem(item: Conversation | ScriptError, dir: string): void {
  assert.strictEqual(typeof item.file, 'string');
  assert.ok(item.file.startsWith(dir), `${item.file} is not under the folder read`);
  assert.ok(Number.isInteger(item.line) && item.line >= 1, `line ${item.line}`);
  if ('kind' in item && item.kind === 'script-error') {
    assert.strictEqual(typeof item.message, 'string');
    assert.ok(item.message.length > 0);
    assert.deepStrictEqual(Object.keys(item).sort(), ['file', 'kind', 'line', 'message']);
    return;
  }
  const c = item as Conversation;
  assert.strictEqual(typeof c.name, 'string');
  assert.ok(Array.isArray(c.steps) && c.steps.length > 0);
  // Botium #begin hooks (PAUSE, SET_SCRIPTING_MEMORY) may come first; then the customer.
  assert.strictEqual(c.steps.find((s) => s.kind !== 'pause' && s.kind !== 'memory')?.kind, 'user', 'a conversation must start with the customer');
  for (const s of c.steps) {
    assert.ok(['user', 'silence', 'bot', 'handover', 'end', 'pause', 'memory'].includes(s.kind), `step kind ${s.kind}`);
    assert.ok(Number.isInteger(s.line) && s.line >= 1);
    if (s.kind === 'user') assert.strictEqual(typeof s.text, 'string');
    if (s.kind === 'bot') assert.ok(Array.isArray(s.expect) && s.expect.length > 0);
  }
  if (c.from !== undefined) assert.strictEqual(typeof c.from, 'string');
  if (c.channelModel !== undefined) assert.ok(c.channelModel === 'conversations' || c.channelModel === 'legacy');
  assert.doesNotThrow(() => JSON.stringify(c));
}

describe('property: script readers yield conversations or script errors, never a crash', () => {
  it('random .convo.txt and YAML files in a folder', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 4 }), async (files) => {
        const dir = path.join(root, String(folder++));
        const written = new Map<string, string>();
        for (const f of files) written.set(f.name, f.content);
        for (const [name, content] of written) {
          await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
          await writeFile(path.join(dir, name), content);
        }
        const scripts = [...written.keys()].filter((n) => /\.(convo\.txt|ya?ml)$/i.test(n) && !n.startsWith('.hidden/') && !n.startsWith('node_modules/'));
        const seen = new Set<string>();
        for await (const item of readScripts(dir)) {
          checkItem(item, dir);
          seen.add(path.relative(dir, item.file).split(path.sep).join('/'));
        }
        // Only script files are read (an empty list of conversations yields nothing); a
        // .convo.txt always yields exactly one item.
        for (const name of seen) assert.ok(scripts.includes(name), `${name} was read`);
        for (const name of scripts) if (/\.convo\.txt$/i.test(name)) assert.ok(seen.has(name), `${name} was skipped`);
        // A single file is read the same way as through its folder.
        for (const name of scripts) {
          for await (const item of readScripts(path.join(dir, name))) checkItem(item, dir);
        }
      }),
      { seed: SEED, numRuns: runs(200) },
    );
  });

  it('a missing path is the documented UsageError', async () => {
    await assert.isRejected((async () => {
      for await (const _ of readScripts(path.join(root, 'does-not-exist'))) void _;
    })(), UsageError);
  });
});
