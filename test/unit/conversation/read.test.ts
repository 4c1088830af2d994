import { describe, it, after } from 'mocha';
import { assert } from 'chai';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readScripts } from '../../../src/lib/conversation/read';
import { parseConvoTxt } from '../../../src/lib/conversation/botium';
import { parseYamlScript } from '../../../src/lib/conversation/yaml-format';
import { isScriptError, type Conversation, type ScriptError } from '../../../src/lib/conversation/types';
import { UsageError } from '../../../src/lib/errors';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'scripts');

async function collect(target: string, options: Parameters<typeof readScripts>[1] = {}): Promise<(Conversation | ScriptError)[]> {
  const items: (Conversation | ScriptError)[] = [];
  for await (const item of readScripts(target, options)) items.push(item);
  return items;
}

function asConversation(item: Conversation | ScriptError): Conversation {
  if (isScriptError(item)) assert.fail(`unexpected script error ${item.file}:${item.line}: ${item.message}`);
  return item;
}

function asError(item: Conversation | ScriptError): ScriptError {
  if (!isScriptError(item)) assert.fail(`expected a script error, got conversation "${item.name}"`);
  return item;
}

const made: string[] = [];
after(() => Promise.all(made.map((dir) => fs.rm(dir, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'convo-read-'));
  made.push(dir);
  return dir;
}

describe('BotiumScript .convo.txt', () => {
  it('title, steps in order with the line of each #me/#bot header', async () => {
    const [item] = await collect(path.join(FIXTURES, 'botium-pass', 'order-status.convo.txt'));
    const conv = asConversation(item);
    assert.strictEqual(conv.name, 'Order status');
    assert.deepStrictEqual(
      conv.steps.map((s) => [s.kind, s.line]),
      [['user', 3], ['bot', 6], ['bot', 9], ['user', 12], ['bot', 15]],
    );
    assert.deepStrictEqual(conv.steps[3], { kind: 'user', text: '12345', line: 12 });
    assert.deepStrictEqual(conv.steps[4], { kind: 'bot', expect: [{ kind: 'botium', text: 'Order 12345 has shipped' }], line: 15 });
  });

  it('description lines are skipped, multi-line text joins with \\n, CRLF and trailing spaces are accepted', () => {
    const source = ['My title', 'A description', 'over two lines', '#me   ', 'first line', '  second line  ', '', '#bot', 'Hi', 'there', ''].join('\r\n');
    const conv = asConversation(parseConvoTxt('x.convo.txt', source));
    assert.strictEqual(conv.name, 'My title');
    assert.deepStrictEqual(conv.steps[0], { kind: 'user', text: 'first line\nsecond line', line: 4 });
    assert.deepStrictEqual(conv.steps[1], { kind: 'bot', expect: [{ kind: 'botium', text: 'Hi\nthere' }], line: 8 });
  });

  it('an empty #bot block expects any message; BUTTONS becomes a Botium BUTTONS check', () => {
    const source = 'T\n#me\nhello\n#bot\n#bot\nHow can I help?\nBUTTONS Opening hours | Pricing\n';
    const conv = asConversation(parseConvoTxt('x.convo.txt', source));
    assert.deepStrictEqual(conv.steps[1], { kind: 'bot', expect: [{ kind: 'any' }], line: 4 });
    assert.deepStrictEqual(conv.steps[2], {
      kind: 'bot',
      expect: [
        { kind: 'botium', text: 'How can I help?' },
        { kind: 'rich', name: 'BUTTONS', args: ['Opening hours', 'Pricing'], not: false, mode: 'wildcardIgnoreCase', line: 7 },
      ],
      line: 5,
    });
  });

  it('without a title line the file name names the conversation (as Botium names it); #begin hooks run as steps', () => {
    const conv = asConversation(parseConvoTxt('/s/refund.convo.txt', '#begin\nPAUSE 100\n#me\nrefund\n#bot\nok'));
    assert.strictEqual(conv.name, 'refund.convo.txt');
    assert.deepStrictEqual(conv.steps.map((s) => s.kind), ['pause', 'user', 'bot']);
  });

  it('a #word that is not a Botium section is text, as Botium reads it; unsupported asserters are script errors at their line', () => {
    const text = asConversation(parseConvoTxt('a.convo.txt', 'T\n#me\nhi\n#robot\nhello'));
    assert.deepStrictEqual(text.steps, [{ kind: 'user', text: 'hi\n#robot\nhello', line: 2 }]);
    const asserter = asError(parseConvoTxt('b.convo.txt', 'T\n#me\nhi\n#bot\nhello\nFORMS a|b'));
    assert.strictEqual(asserter.line, 6);
    assert.match(asserter.message, /FORMS/);
  });

  it('a convo without #me is a script error naming the file', async () => {
    const file = path.join(FIXTURES, 'malformed', 'no-me.convo.txt');
    const [item] = await collect(file);
    const error = asError(item);
    assert.strictEqual(error.file, file);
    assert.match(error.message, /#me/);
  });
});

describe('YAML scripts', () => {
  it('every step and expectation kind, with file defaults and per-conversation overrides', async () => {
    const items = (await collect(path.join(FIXTURES, 'yaml', 'every-kind.yaml'))).map(asConversation);
    assert.strictEqual(items.length, 5);
    const [first, quick, escalation, handover, silent] = items;
    assert.strictEqual(first.name, 'exact, contains and regex');
    assert.strictEqual(first.line, 7);
    assert.strictEqual(first.from, '+15550000001');
    assert.strictEqual(first.channelModel, 'conversations');
    assert.deepStrictEqual(first.steps[1], { kind: 'bot', expect: [{ kind: 'exact', text: "Hi, I'm the demo bot of twilio-plugin-cognigy." }], line: 10 });
    assert.deepStrictEqual(first.steps[2].kind === 'bot' && first.steps[2].expect, [{ kind: 'contains', text: 'Monday to Friday' }]);
    assert.deepStrictEqual(first.steps[4].kind === 'bot' && first.steps[4].expect, [{ kind: 'regex', pattern: '^basic costs \\$\\d+ a month', flags: 'i' }]);
    assert.strictEqual(quick.from, '+15550000002');
    assert.deepStrictEqual(quick.steps[2].kind === 'bot' && quick.steps[2].expect, [
      { kind: 'exact', text: 'How can I help you?' },
      { kind: 'quickReplies', values: ['Opening hours', 'Order status', 'Pricing', 'Talk to an agent'], mode: 'exact' },
    ]);
    assert.deepStrictEqual(escalation.steps.slice(1), [
      { kind: 'bot', expect: [{ kind: 'any' }], line: 29 },
      {
        kind: 'bot',
        expect: [{ kind: 'exact', text: 'Let me connect you to a human agent.' }, { kind: 'data', subset: { escalation: true } }],
        line: 30,
      },
      { kind: 'handover', line: 33 },
      { kind: 'end', reason: 'handover', line: 34 },
    ]);
    assert.strictEqual(handover.channelModel, 'legacy');
    assert.deepStrictEqual(handover.steps[3], {
      kind: 'handover',
      expect: { workflow: 'WWaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', channel: 'chat', attributes: { escalation: true } },
      line: 42,
    });
    assert.deepStrictEqual(silent.steps.slice(3), [
      { kind: 'silence', line: 53 },
      { kind: 'end', line: 54 },
    ]);
  });

  it('a single conversation object and Botium YAML convos', async () => {
    const [single] = (await collect(path.join(FIXTURES, 'yaml', 'single.yaml'))).map(asConversation);
    assert.strictEqual(single.name, 'echo through the scripted test bot');
    assert.deepStrictEqual(single.steps[1], { kind: 'bot', expect: [{ kind: 'exact', text: 'You said: hello there' }], line: 5 });
    const [botium] = (await collect(path.join(FIXTURES, 'yaml', 'botium-convos.yml'))).map(asConversation);
    assert.strictEqual(botium.name, 'Botium YAML greeting');
    assert.deepStrictEqual(botium.steps[0], { kind: 'user', text: 'hello', line: 6 });
    assert.deepStrictEqual(botium.steps[2], {
      kind: 'bot',
      expect: [
        { kind: 'botium', text: 'How can I help you?' },
        { kind: 'rich', name: 'BUTTONS', args: ['Opening hours', 'Pricing'], not: false, mode: 'wildcardIgnoreCase', line: 12 },
      ],
      line: 10,
    });
  });

  it('an unknown expectation key is a script error at its line, and the good conversations of the file still come', () => {
    const source = [
      'conversations:',
      '  - name: good',
      '    steps:',
      '      - user: hi',
      '  - name: bad',
      '    steps:',
      '      - user: hi',
      '      - bot:',
      '          contain: open',
      '  - name: also good',
      '    steps:',
      '      - user: bye',
    ].join('\n');
    const items = parseYamlScript('s.yaml', source);
    assert.strictEqual(items.length, 3);
    assert.strictEqual(asConversation(items[0]).name, 'good');
    const error = asError(items[1]);
    assert.deepStrictEqual([error.file, error.line], ['s.yaml', 9]);
    assert.match(error.message, /unknown key "contain"/);
    assert.strictEqual(asConversation(items[2]).name, 'also good');
  });

  it('bad YAML, unknown step kinds, bad regex and a bot-first conversation are script errors with lines', async () => {
    const bad = asError((await collect(path.join(FIXTURES, 'malformed', 'bad-yaml.yaml')))[0]);
    assert.match(bad.message, /invalid YAML/);
    assert.ok(bad.line >= 4, `line ${bad.line}`);
    const kind = asError(parseYamlScript('k.yaml', 'steps:\n  - user: hi\n  - agent: true\n')[0]);
    assert.deepStrictEqual([kind.line, /unknown step "agent"/.test(kind.message)], [3, true]);
    const regex = asError(parseYamlScript('r.yaml', 'steps:\n  - user: hi\n  - bot: { regex: "(" }\n')[0]);
    assert.deepStrictEqual([regex.line, /regular expression/.test(regex.message)], [3, true]);
    const [botFirst] = await (async () => {
      const dir = await tempDir();
      await fs.writeFile(path.join(dir, 'b.yaml'), 'steps:\n  - bot: true\n  - user: hi\n');
      return collect(dir);
    })();
    // The refusal says both ways out: a customer opening, or a flow the REST API starts.
    assert.strictEqual(asError(botFirst).line, 2);
    assert.match(asError(botFirst).message, /^conversation "b.yaml #1" opens with the bot, but a flow the customer's message starts cannot speak first: open it with a customer message \(#me \/ user\), or wire the trigger's REST API event \(incomingRequest\) and run with --param KEY=VALUE$/);
    const top = asError(parseYamlScript('t.yaml', 'hello: world\n')[0]);
    assert.match(top.message, /not a conversation script/);
  });
});

describe('a conversation that opens with the bot', () => {
  it('reads when the run starts executions itself (REST API, subflow), in both formats; stays refused otherwise', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'outbound.convo.txt'), 'outbound\n\n#bot\nYour parcel is on its way\n\n#me\nthanks\n');
    await fs.writeFile(path.join(dir, 'outbound.yaml'), 'conversations:\n  - name: yaml outbound\n    steps:\n      - bot: Your parcel is on its way\n      - end: flow-ended\n');
    const opened = async (start?: 'incomingRequest' | 'incomingParent') =>
      (await collect(dir, start ? { start } : {})).map((item) => (isScriptError(item) ? `error ${path.basename(item.file)}:${item.line}` : `${item.name}: ${item.steps.map((s) => s.kind).join(' ')}`));
    assert.deepStrictEqual(await opened('incomingRequest'), ['outbound: bot user', 'yaml outbound: bot end']);
    assert.deepStrictEqual(await opened('incomingParent'), ['outbound: bot user', 'yaml outbound: bot end']);
    assert.deepStrictEqual(await opened(), ['error outbound.convo.txt:3', 'error outbound.yaml:4']);
  });
});

describe('readScripts over folders', () => {
  it('the malformed fixtures all come back as script errors, none throws', async () => {
    const items = await collect(path.join(FIXTURES, 'malformed'));
    assert.deepStrictEqual(
      items.map((i) => [path.basename(asError(i).file), asError(i).line]),
      [['bad-yaml.yaml', asError(items[0]).line], ['no-me.convo.txt', 1], ['unknown-key.yaml', 7], ['unsupported-asserter.convo.txt', 7]],
    );
  });

  it('recursive, sorted by code point, folders where they sort, hidden folders and other files skipped', async () => {
    const dir = await tempDir();
    const convo = (name: string) => `${name}\n#me\nhi\n`;
    await fs.mkdir(path.join(dir, 'b', 'inner'), { recursive: true });
    await fs.mkdir(path.join(dir, '.git'));
    await fs.writeFile(path.join(dir, 'c.convo.txt'), convo('c'));
    await fs.writeFile(path.join(dir, 'a.convo.txt'), convo('a'));
    await fs.writeFile(path.join(dir, 'B.yaml'), 'name: B\nsteps:\n  - user: hi\n');
    await fs.writeFile(path.join(dir, 'b', 'z.convo.txt'), convo('b/z'));
    await fs.writeFile(path.join(dir, 'b', 'inner', 'y.yml'), 'name: b/inner/y\nsteps:\n  - user: hi\n');
    await fs.writeFile(path.join(dir, '.git', 'h.convo.txt'), convo('hidden'));
    await fs.writeFile(path.join(dir, 'notes.md'), '# not a script');
    await fs.writeFile(path.join(dir, 'x.txt'), convo('plain txt'));
    const names = (await collect(dir)).map((i) => asConversation(i).name);
    assert.deepStrictEqual(names, ['B', 'a', 'b/inner/y', 'b/z', 'c']);
  });

  it('files are read as the consumer pulls, not up front', async () => {
    const dir = await tempDir();
    const count = 60;
    for (let i = 0; i < count; i++) {
      await fs.writeFile(path.join(dir, `${String(i).padStart(3, '0')}.convo.txt`), `conv ${i}\n#me\nhi\n`);
    }
    const iterator = readScripts(dir);
    const first = await iterator.next();
    assert.strictEqual(asConversation(first.value as Conversation).name, 'conv 0');
    // Rewritten after the first pull: an eager reader would already hold the old text.
    await fs.writeFile(path.join(dir, '059.convo.txt'), 'rewritten later\n#me\nhi\n');
    let last: Conversation | undefined;
    let pulled = 1;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      last = asConversation(next.value);
      pulled++;
      assert.ok(pulled <= count);
    }
    assert.strictEqual(pulled, count);
    assert.strictEqual(last?.name, 'rewritten later');
  });

  it('a missing path is a usage error; a single non-script file is a script error', async () => {
    await assert.isRejected(collect(path.join(os.tmpdir(), 'no-such-scripts-here-42')), UsageError);
    const dir = await tempDir();
    const file = path.join(dir, 'notes.md');
    await fs.writeFile(file, 'x');
    const [item] = await collect(file);
    assert.match(asError(item).message, /not a conversation script/);
  });
});

it('YAML aliases inside expected data are refused with their line, not read as {"source": …}', () => {
  const source = [
    'conversations:',
    '  - name: aliases',
    '    steps:',
    '      - user: hi',
    '      - bot:',
    '          data: { shared: &s { a: 1 }, again: *s }',
  ].join('\n');
  const [result] = parseYamlScript('aliases.yaml', source);
  assert.strictEqual((result as any).kind, 'script-error');
  assert.strictEqual((result as any).line, 6);
  assert.match((result as any).message, /alias/);
});
