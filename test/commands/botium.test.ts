/**
 * BotiumScript as botium-core reads it, run in-process through the flow link-flow builds,
 * against the Cognigy-compatible stand-in: negation and optional steps, utterance lists,
 * partial convos, Botium YAML/JSON, rich output (BUTTONS, MEDIA, CARDS, JSON_PATH), BUTTON
 * in #me, scripting memory, the joined SMS, what cannot be checked or run, and one summary
 * in every report.
 */
import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BotBehaviour, BotReplyOutput } from '../../src/lib/demo/bot-server';
import { secretsIn, startWorld, type World } from '../helpers/stand-ins';

interface JsonResult {
  name: string;
  file: string;
  status: string;
  failures: { line: number; expected: string; actual: string }[];
  notCheckable?: { line: number; name: string; code: string; reason: string }[];
}
interface JsonReport {
  summary: { passed: number; failed: number; notCheckable: number; total: number; scriptErrors: { file: string; line: number; message: string }[]; notes: string[] };
  results: JsonResult[];
}

const quickReplies = (text: string, titles: [string, string][]) => ({
  _cognigy: { _default: { _quickReplies: { type: 'quick_replies', text, quickReplies: titles.map(([title, payload], i) => ({ id: i + 1, contentType: 'postback', title, payload })) } } },
});

/** A bot with a few Cognigy answers worth scripting against; anything else is echoed. */
const bot: BotBehaviour = (request) => {
  const text = request.text ?? '';
  const answers: Record<string, BotReplyOutput[]> = {
    'say forbidden': [{ text: 'This is the forbidden answer.' }],
    'say allowed': [{ text: 'All fine.' }],
    'two outputs': [{ text: 'First part.' }, { text: 'Second part.' }],
    order: [{ text: 'Your order number is 4711.' }],
    rich: [
      { text: 'Pick one', data: quickReplies('Pick one', [['Yes', 'YES_PAYLOAD'], ['No', 'NO_PAYLOAD']]) },
      { text: 'Here is a picture', data: { _cognigy: { _default: { _image: { type: 'image', imageUrl: 'https://example.com/logo.png' } } } } },
      {
        text: 'Our hotels',
        data: {
          order: { id: 'A-17' },
          _cognigy: { _default: { _gallery: { type: 'carousel', items: [{ title: 'Grand Hotel', subtitle: 'Vienna', buttons: [{ title: 'Book', payload: 'BOOK_GRAND' }] }, { title: 'Park Inn', subtitle: 'Graz' }] } } },
        },
      },
    ],
  };
  return answers[text] ?? [{ text: `You said: ${text}` }];
};

describe('BotiumScript as botium-core reads it', () => {
  let world: World;
  let work: string;
  before(async () => {
    world = await startWorld({ inProcess: true });
    world.bot.setBehaviour(bot);
    work = fs.mkdtempSync(path.join(world.cli.home, 'botium-'));
  });
  after(async () => {
    await world?.close();
  });

  const folder = (name: string, files: Record<string, string>) => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
    return dir;
  };
  const json = async (dir: string, ...args: string[]) => {
    const r = await world.run(['cognigy:test-chat', '--script', dir, '--endpoint-url', world.bot.url, '-o', 'json', ...args]);
    assert.deepStrictEqual(secretsIn(world, r.all), []);
    return { r, report: JSON.parse(r.stdout) as JsonReport };
  };
  const statuses = (report: JsonReport) => Object.fromEntries(report.results.map((x) => [x.name, x.status]));

  it('!text fails when the bot says it and passes when not; ?text is skipped when it does not match and a #bot follows', async () => {
    const dir = folder('negation', {
      'a.convo.txt': 'not said, passes\n\n#me\nsay allowed\n\n#bot\n!forbidden\n',
      'b.convo.txt': 'said, fails\n\n#me\nsay forbidden\n\n#bot\n!forbidden\n',
      'c.convo.txt': 'optional skipped\n\n#me\ntwo outputs\n\n#bot\n?Not what the bot says\n\n#bot\nFirst part.\n\n#bot\nSecond part.\n',
      'd.convo.txt': 'optional last, fails\n\n#me\nsay allowed\n\n#bot\n?Something else\n',
      'e.convo.txt': 'negated asserter\n\n#me\nsay allowed\n\n#bot\n!TEXT_CONTAINS_ANY forbidden|bad\n',
    });
    const { r, report } = await json(dir);
    assert.strictEqual(r.code, 1, r.all);
    assert.deepStrictEqual(statuses(report), {
      'not said, passes': 'passed',
      'said, fails': 'failed',
      'optional skipped': 'passed',
      'optional last, fails': 'failed',
      'negated asserter': 'passed',
    });
    const said = report.results.find((x) => x.name === 'said, fails')!;
    assert.deepStrictEqual([said.failures[0].line, said.failures[0].expected, said.failures[0].actual], [6, 'text NOT like "forbidden" (ignoring case)', 'This is the forbidden answer.']);
  });

  it('utterance lists: one conversation per utterance in #me (named as Botium names them), any utterance in #bot; partial convos, Botium YAML and JSON', async () => {
    const dir = folder('suite', {
      'UTT_GREET.utterances.txt': 'UTT_GREET\nhello\nhi there\n',
      'UTT_FINE.utterances.txt': 'UTT_FINE\nNot good.\nAll fine.\n',
      'greet.convo.txt': 'Greet\n\n#me\nUTT_GREET\n\n#bot\nYou said: *\n',
      'fine.convo.txt': 'Fine\n\n#me\nsay allowed\n\n#bot\nUTT_FINE\n',
      'login.pconvo.txt': 'Login\n\n#me\nlogin\n\n#bot\nYou said: login\n',
      'main.convo.txt': 'Main\n\n#me\nstart\n\n#bot\nYou said: start\n\n#include Login\n\n#me\nagain\n\n#bot\nYou said: again\nINCLUDE Login\n',
      'convos.yml': [
        'convos:',
        '  - name: YAML with begin and include',
        '    steps:',
        '      - begin:',
        '          - PAUSE 10',
        '      - me:',
        '          - UTT_YAML',
        '      - bot:',
        '          - "You said: yaml"',
        '      - include: P',
        'partialConvos:',
        '  - name: P',
        '    steps:',
        '      - me: [p]',
        '      - bot: ["You said: p"]',
        'utterances:',
        '  UTT_YAML: [yaml]',
        '',
      ].join('\n'),
      'convo.json': JSON.stringify({ convos: [{ name: 'JSON convo', steps: [{ me: ['json'] }, { bot: ['You said: json'] }] }] }),
      'package.json': '{ "name": "not a script" }',
    });
    const { r, report } = await json(dir);
    assert.strictEqual(r.code, 0, r.all);
    assert.deepStrictEqual(statuses(report), {
      'Fine': 'passed',
      'Greet/UTT_GREET-L1': 'passed',
      'Greet/UTT_GREET-L2': 'passed',
      'Main': 'passed',
      'YAML with begin and include': 'passed',
      'JSON convo': 'passed',
    });
    const sent = world.bot.requests.map((q) => (q.body as { text?: string }).text);
    for (const text of ['hello', 'hi there', 'login', 'yaml', 'p', 'json']) assert.ok(sent.includes(text), `the bot received ${text}`);
    assert.ok(!sent.includes('UTT_GREET'), 'an utterance name is never sent as text');
  });

  it('BUTTONS, MEDIA, CARDS and JSON_PATH on Cognigy rich output; BUTTON in #me sends the button title', async () => {
    const dir = folder('rich', {
      'rich.convo.txt': [
        'rich',
        '#me',
        'rich',
        '#bot',
        'Pick one',
        'BUTTONS Yes|No',
        '#bot',
        'Here is a picture',
        'MEDIA *logo.png',
        '#bot',
        'Our hotels',
        'CARDS Grand Hotel|Park Inn',
        'BUTTONS Book',
        'JSON_PATH $.data.order.id|A-17',
        '#me',
        'BUTTON YES_PAYLOAD|Yes',
        '#bot',
        'You said: Yes',
        '',
      ].join('\n'),
      'wrong.convo.txt': 'wrong buttons\n#me\nrich\n#bot\nBUTTONS Maybe\n',
      'no-media.convo.txt': 'no media here\n#me\nrich\n#bot\n!MEDIA\n',
    });
    const { r, report } = await json(dir);
    assert.strictEqual(r.code, 1, r.all);
    assert.deepStrictEqual(statuses(report), { rich: 'passed', 'wrong buttons': 'failed', 'no media here': 'passed' });
    const wrong = report.results.find((x) => x.name === 'wrong buttons')!;
    assert.deepStrictEqual([wrong.failures[0].line, wrong.failures[0].expected, wrong.failures[0].actual], [4, 'BUTTONS Maybe', 'buttons ["Yes","No"]']);
    assert.ok(world.bot.requests.some((q) => (q.body as { text?: string }).text === 'Yes'), 'the tapped quick reply reaches the bot as its title');
  });

  it('scripting memory (also one conversation per .scriptingmemory.txt set), the joined SMS read whole or per output, NLU not checkable, unsupported features named at their line, one summary everywhere', async () => {
    const dir = folder('memory', {
      'botium.json': JSON.stringify({
        botium: {
          Capabilities: { SCRIPTING_ENABLE_MEMORY: true, CONTAINERMODE: 'cognigy', COGNIGY_URL: 'https://endpoint.invalid/x', ASSERTERS: [{ ref: 'MYASSERTER', src: './my.js' }] },
        },
      }),
      'memory.convo.txt': [
        'memory',
        '#begin',
        'SET_SCRIPTING_MEMORY greeting|hello',
        '#me',
        '$greeting',
        '#bot',
        'You said: hello',
        '#me',
        'order',
        '#bot',
        'Your order number is $order.',
        '#me',
        'status of $order',
        '#bot',
        'You said: status of 4711',
        '',
      ].join('\n'),
      'cities.scriptingmemory.txt': '|$city\nvienna|Vienna\ngraz|Graz\n',
      'city.convo.txt': 'city\n#me\nweather in $city\n#bot\nYou said: weather in $city\n',
      'joined.convo.txt': 'whole SMS\n#me\ntwo outputs\n#bot\nFirst part. Second part.\n',
      'split.convo.txt': 'one #bot per output\n#me\ntwo outputs\n#bot\nFirst part.\n#bot\nSecond part.\n',
      'nlu.convo.txt': 'intent\n#me\nsay allowed\n#bot\nAll fine.\nINTENT fine\n',
      'hook.convo.txt': 'hook\n#me\nsay allowed\n#bot\nAll fine.\nCONDITIONAL_STEP_TIME_BASED 9:00|17:00|G1\n',
      'custom.convo.txt': 'custom\n#me\nsay allowed\n#bot\nMYASSERTER x\n',
    });
    const junit = path.join(work, 'memory.xml');
    const { r, report } = await json(dir, '--junit', junit);
    assert.strictEqual(r.code, 1, r.all);
    assert.deepStrictEqual(statuses(report), {
      memory: 'passed',
      'city.graz': 'passed',
      'city.vienna': 'passed',
      'whole SMS': 'passed',
      'one #bot per output': 'passed',
      intent: 'notCheckable',
    });
    for (const city of ['Vienna', 'Graz']) assert.ok(world.bot.requests.some((q) => (q.body as { text?: string }).text === `weather in ${city}`), `one conversation per memory set: ${city}`);
    assert.deepStrictEqual(report.results.find((x) => x.name === 'intent')!.notCheckable!.map((c) => [c.name, c.line, c.code, c.reason]), [
      ['INTENT', 6, 'no-nlu', 'a Cognigy REST endpoint returns no NLU result (intent, confidence, entities)'],
    ]);
    assert.ok(world.bot.requests.some((q) => (q.body as { text?: string }).text === 'status of 4711'), 'the captured $order was sent back');
    assert.deepStrictEqual(
      report.summary.scriptErrors.map((e) => [path.basename(e.file), e.line, e.message.split(':')[0]]),
      [
        ['custom.convo.txt', 5, '"MYASSERTER" is a custom asserter declared in botium.json'],
        ['hook.convo.txt', 6, 'Botium logic hook CONDITIONAL_STEP_TIME_BASED in #bot is not supported'],
      ],
    );
    assert.deepStrictEqual([report.summary.total, report.summary.passed, report.summary.failed, report.summary.notCheckable], [6, 5, 0, 1]);
    assert.match(report.summary.notes.join('\n'), /botium\.json: 2 capabilities that only configure Botium's own connector ignored \(CONTAINERMODE, COGNIGY_URL\)/);

    // The same numbers in the text report and in JUnit.
    const text = await world.run(['cognigy:test-chat', '--script', dir, '--endpoint-url', world.bot.url]);
    assert.strictEqual(text.code, 1, text.all);
    assert.match(text.stdout, /^5 passed, 0 failed, 1 not checkable, 2 script errors$/m);
    assert.match(text.stdout, /\? intent \(1 turn, \d+ ms\): not checkable\n {4}.*nlu\.convo\.txt:6: INTENT not checked: a Cognigy REST endpoint returns no NLU result/);
    const xml = fs.readFileSync(junit, 'utf8');
    for (const [name, value] of [['run', 6], ['passed', 5], ['failed', 0], ['notCheckable', 1], ['scriptErrors', 2]]) {
      assert.ok(xml.includes(`<property name="${name}" value="${value}"/>`), `${name}=${value} in ${xml}`);
    }
    assert.match(xml, /<skipped message="not checkable: INTENT">/);
  });
});
