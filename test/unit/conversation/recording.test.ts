import { describe, it } from 'mocha';
import { assert, expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { HttpFailure, type HttpRequest, type HttpResponse } from '../../../src/lib/http/types';
import { replayFailureText } from '../../../src/printers/failure';
import {
  Placeholders,
  RecordingFile,
  conversationDocument,
  createBotTap,
  describeRequest,
  describeResponse,
  headerDocument,
  readDocumentFast,
  requestDifference,
  sameRequest,
  writeRecording,
  conversationKey,
  answerFrom,
  type RecordedConversation,
} from '../../../src/lib/conversation/recording';

const ENDPOINT = 'https://endpoint-trial.cognigy.ai/5f2a9c0e1b7d4e3fa6c8b9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0';
const FORM = 'application/x-www-form-urlencoded;charset=utf-8';
const MINTED = '0123456789abcdef0123456789abcdef';
const FIXED = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

function botCall(text: string, extra: Record<string, string> = {}): HttpRequest {
  const body = new URLSearchParams({ userId: '+15550000001', sessionId: `CH${MINTED}`, text, 'data[channel]': 'twilio-conversations', ...extra }).toString();
  return { method: 'POST', url: ENDPOINT, headers: { 'Content-Type': FORM }, body };
}

function answer(text: string, sessionId = `CH${MINTED}`): HttpResponse {
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ text, data: {}, outputStack: [{ text, data: {} }], userId: '+15550000001', sessionId }), elapsedMs: 12.34 };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'recording-test-'));

describe('recordings: a request described from the pairs the flow encoded', () => {
  it('is described as its body decoded would be, and by the body where the pairs are not what was sent', () => {
    const values = ['hi', 'a b+c', 'x&y=z', 'line\nbreak', 'caf\u00e9 \u{1F600}', '%41', '', ' ', '\ud800 lone', 'tail \udc00', '"quoted" \\ back'];
    const keys = ['text', 'data[channel]', 'userId', '0', 'a+b', 'text'];
    let seed = 7;
    const pick = <T>(xs: readonly T[]) => xs[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % xs.length];
    for (let round = 0; round < 300; round++) {
      const pairs: [string, string][] = Array.from({ length: 1 + (round % 5) }, () => [pick(keys), pick(values)]);
      const params = new URLSearchParams();
      for (const [k, v] of pairs) params.append(k, v);
      const request: HttpRequest = { method: 'POST', url: ENDPOINT, headers: { 'Content-Type': FORM }, body: params.toString() };
      const fromBody = describeRequest(request, new Placeholders('+15550000001', ''), ENDPOINT);
      const fromPairs = describeRequest({ ...request, form: pairs }, new Placeholders('+15550000001', ''), ENDPOINT);
      assert.deepStrictEqual(fromPairs, fromBody, JSON.stringify(pairs));
    }
  });
});

describe('recordings: what is written', () => {
  it('the token, the customer and the ids the run mints become placeholders; a value of the flow stays', () => {
    const vars = new Placeholders('+15550000001', `{"workflow":"WW${FIXED}"}`);
    const r = describeRequest(botCall('hi', { workflow: `WW${FIXED}` }), vars, ENDPOINT);
    assert.strictEqual(r.url, 'https://endpoint-trial.cognigy.ai/$COGNIGY_URL_TOKEN');
    assert.strictEqual(r.kind, 'params');
    assert.deepStrictEqual(JSON.parse(r.payload!), { userId: '$CUSTOMER', sessionId: 'CH$ID1', text: 'hi', 'data[channel]': 'twilio-conversations', workflow: `WW${FIXED}` });
    const a = describeResponse(answer('Hello'), vars);
    assert.strictEqual(a.kind, 'json');
    assert.strictEqual(JSON.parse(a.payload!).sessionId, 'CH$ID1', 'the same id, the same placeholder');
    assert.strictEqual(a.elapsedMs, 12);
    // Replayed in another run: that run's values are put back, byte for byte.
    const other = new Placeholders('+15559999999', '');
    describeRequest(botCall('hi'), other, ENDPOINT);
    const replayed = answerFrom(a, other);
    assert.strictEqual(JSON.parse(replayed.body).userId, '+15559999999');
  });

  it('a JSON body is kept as JSON, any other body as text; an answer that is not compact JSON is kept as its text', () => {
    const vars = new Placeholders('+1', '');
    const json = describeRequest({ method: 'POST', url: ENDPOINT, headers: { 'Content-Type': 'application/json' }, body: '{ "text": "hi" }' }, vars, ENDPOINT);
    assert.deepStrictEqual([json.kind, json.payload], ['json', '{"text":"hi"}']);
    const text = describeRequest({ method: 'POST', url: ENDPOINT, headers: { 'Content-Type': 'text/plain' }, body: 'hi' }, vars, ENDPOINT);
    assert.deepStrictEqual([text.kind, text.payload], ['body', '"hi"']);
    const spaced = describeResponse({ status: 200, headers: { 'content-type': 'application/json' }, body: '{ "text": "x" }', elapsedMs: 1 }, vars);
    assert.strictEqual(spaced.kind, 'body');
    assert.strictEqual(answerFrom(spaced, vars).body, '{ "text": "x" }');
  });

  it('a document reads back as written, by the fast reader and by the yaml package alike', () => {
    const vars = new Placeholders('+15550000001', '');
    const conversation: RecordedConversation = {
      name: 'Greeting: "quoted"',
      file: 'tests/greeting.convo.txt',
      turns: [
        { turn: 1, customer: 'hi', calls: [{ request: describeRequest(botCall('hi'), vars, ENDPOINT), response: describeResponse(answer('Hello\nthere'), vars) }] },
        { turn: 2, customer: '(silence)', calls: [] },
        { turn: 3, customer: 'bye', calls: [{ request: describeRequest(botCall('bye'), vars, ENDPOINT), response: { failure: { kind: 'timeout', message: 'no answer within 10 s' }, elapsedMs: 10000 } }] },
      ],
    };
    const text = conversationDocument(conversation);
    assert.deepStrictEqual(readDocumentFast(text), conversation);
    const [doc] = parseAllDocuments(headerDocument() + text).slice(1).map((d) => d.toJS());
    assert.strictEqual(doc.conversation, conversation.name);
    assert.strictEqual(doc.turns[0].calls[0].response.json.text, 'Hello\nthere', 'the answer is YAML a reviewer reads');
    assert.strictEqual(doc.turns[2].calls[0].response.failure, 'timeout');
  });

  it('a document edited by hand into block YAML is still read (through the yaml package)', () => {
    const dir = tmp();
    const file = path.join(dir, 'r.yaml');
    const edited = [
      '---',
      'conversation: Greeting',
      'turns:',
      '  - turn: 1',
      '    calls:',
      '      - request:',
      '          method: POST',
      '          url: https://endpoint-trial.cognigy.ai/$COGNIGY_URL_TOKEN',
      '          contentType: application/x-www-form-urlencoded;charset=utf-8',
      '          params:',
      '            text: hi',
      '        response:',
      '          status: 200',
      '          contentType: application/json',
      '          json:',
      '            text: Hello',
      '          elapsedMs: 3',
      '',
    ].join('\n');
    fs.writeFileSync(file, headerDocument() + edited);
    const recording = RecordingFile.open(file);
    try {
      assert.strictEqual(readDocumentFast(edited), undefined, 'not the written layout');
      const c = recording.conversation(conversationKey('Greeting'))!;
      assert.deepStrictEqual(c.turns[0].calls[0].request, { method: 'POST', url: 'https://endpoint-trial.cognigy.ai/$COGNIGY_URL_TOKEN', contentType: FORM, kind: 'params', payload: '{"text":"hi"}' });
      assert.strictEqual(c.turns[0].calls[0].response.payload, '{"text":"Hello"}');
    } finally {
      recording.close();
    }
  });

  it('the index finds every document of a large file; a repeated conversation and another version are refused', () => {
    const dir = tmp();
    const file = path.join(dir, 'r.yaml');
    const documents = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const c: RecordedConversation = { name: `c${i}`, file: 'x.yaml', turns: [{ turn: 1, calls: [] }] };
      documents.set(conversationKey(c.name, c.file), conversationDocument(c));
    }
    writeRecording(file, documents);
    const recording = RecordingFile.open(file);
    assert.strictEqual(recording.size, 3000);
    assert.strictEqual(recording.conversation(conversationKey('c2999', 'x.yaml'))!.name, 'c2999');
    recording.close();
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text + conversationDocument({ name: 'c7', file: 'x.yaml', turns: [] }));
    assert.throws(() => RecordingFile.open(file), /holds the conversation "c7" of x\.yaml twice/);
    fs.writeFileSync(file, text.replace('recording: 1', 'recording: 2'));
    assert.throws(() => RecordingFile.open(file), /version 2; this plugin reads version 1/);
  });

  it('the index holds documents by the hash of their key: keys of one hash, and a key of no document with that hash, are told apart', () => {
    const file = path.join(tmp(), 'r.yaml');
    const documents = new Map<string, string>();
    for (const name of ['a', 'b', 'c']) documents.set(conversationKey(name, 'x.yaml'), conversationDocument({ name, file: 'x.yaml', turns: [{ turn: 1, customer: name, calls: [] }] }));
    writeRecording(file, documents);
    for (const hash of [() => 7, (key: string) => (key.startsWith('a') ? 1 : 2)]) {
      const recording = RecordingFile.open(file, hash);
      try {
        assert.deepStrictEqual([...recording.keys()], ['a', 'b', 'c'].map((n) => conversationKey(n, 'x.yaml')));
        for (const name of ['a', 'b', 'c']) assert.strictEqual(recording.conversation(conversationKey(name, 'x.yaml'))!.turns[0].customer, name);
        assert.strictEqual(recording.has(conversationKey('a', 'y.yaml')), false, 'same hash, no document');
        assert.strictEqual(recording.claim(conversationKey('a', 'y.yaml')), undefined);
        assert.strictEqual(recording.claim(conversationKey('b', 'x.yaml')), true);
        assert.strictEqual(recording.claim(conversationKey('b', 'x.yaml')), false);
        assert.strictEqual(recording.claim(conversationKey('c', 'x.yaml')), true);
      } finally {
        recording.close();
      }
    }
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8') + conversationDocument({ name: 'b', file: 'x.yaml', turns: [] }));
    assert.throws(() => RecordingFile.open(file, () => 7), /holds the conversation "b" of x\.yaml twice/);
    assert.throws(() => RecordingFile.open(file), /holds the conversation "b" of x\.yaml twice/);
  });

  it('the difference names the fields that changed, recorded and now', () => {
    const vars = new Placeholders('+15550000001', '');
    const a = describeRequest(botCall('hi'), vars, ENDPOINT);
    const b = describeRequest(botCall('hi', { 'data[channel]': 'web' }), vars, ENDPOINT);
    assert.strictEqual(sameRequest(a, b), false);
    assert.deepStrictEqual(requestDifference(a, b), { expected: 'params["data[channel]"]: "twilio-conversations"', actual: 'params["data[channel]"]: "web"' });
    // The same values in another key order are the same request.
    assert.strictEqual(sameRequest(a, { ...a, payload: JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(a.payload!)).reverse())) }), true);
  });
});

describe('recordings: the transport in front of the HTTP transport', () => {
  const definitionText = '{}';

  it('record, then replay: the bot is answered from the file, other services still go to the transport behind', async () => {
    const dir = tmp();
    const file = path.join(dir, 'r.yaml');
    const calls: string[] = [];
    const live = async (request: HttpRequest): Promise<HttpResponse> => {
      calls.push(request.url);
      if (request.url.startsWith('https://api.example.com')) return { status: 200, headers: {}, body: 'ok', elapsedMs: 1 };
      const text = new URLSearchParams(request.body).get('text');
      return answer(`You said: ${text}`, new URLSearchParams(request.body).get('sessionId')!);
    };
    const recorder = createBotTap({ record: file, live, endpointUrl: ENDPOINT, definitionText });
    const conversation = recorder.forConversation({ name: 'echo', file: 'x.yaml', from: '+15550000001' });
    conversation.beginTurn('hi');
    await conversation.http(botCall('hi'));
    conversation.finish();
    assert.deepStrictEqual(recorder.save(), { file, conversations: 1, changed: 1 });
    recorder.close();
    assert.ok(!fs.readFileSync(file, 'utf8').includes(ENDPOINT.split('/').pop()!), 'no token');

    calls.length = 0;
    const replay = createBotTap({ replay: file, live, endpointUrl: ENDPOINT, definitionText });
    const again = replay.forConversation({ name: 'echo', file: 'x.yaml', from: '+15557777777' });
    again.beginTurn('hi');
    const other = { ...botCall('hi'), body: botCall('hi').body!.replace('%2B15550000001', '%2B15557777777').replace(MINTED, 'f'.repeat(32)) };
    const replayed = await again.http(other);
    assert.strictEqual(JSON.parse(replayed.body).text, 'You said: hi');
    assert.strictEqual(JSON.parse(replayed.body).sessionId, `CH${'f'.repeat(32)}`, "this run's session id");
    assert.deepStrictEqual(calls, [], 'the bot was not asked');
    assert.strictEqual(again.takeFailure(), undefined);
    const service = await again.http({ method: 'GET', url: 'https://api.example.com/orders' });
    assert.strictEqual(service.body, 'ok');
    assert.deepStrictEqual(calls, ['https://api.example.com/orders']);

    // A second turn the recording does not hold: the flow's call fails, the conversation says why.
    again.beginTurn('more');
    await expect(again.http(botCall('more'))).to.be.rejected.and.eventually.satisfy((e: unknown) => e instanceof HttpFailure && /not in the recording \(turn 2\)/.test(e.message));
    const failure = again.takeFailure()!;
    assert.deepStrictEqual([failure.code, failure.turn, failure.call, failure.expected], ['call-not-recorded', 2, 1, { code: 'no-call-recorded' }]);
    assert.strictEqual(replayFailureText(failure), 'the flow called the bot in turn 2, which the recording does not hold');
    assert.strictEqual(replay.save(), undefined, 'a strict replay writes nothing');
    replay.close();
  });

  it('new-only: a changed call goes to the bot, and so does the rest of that conversation; the file keeps the others', async () => {
    const dir = tmp();
    const file = path.join(dir, 'r.yaml');
    let asked = 0;
    const live = async (request: HttpRequest): Promise<HttpResponse> => {
      asked++;
      return answer(`You said: ${new URLSearchParams(request.body).get('text')}`);
    };
    const recorder = createBotTap({ record: file, live, endpointUrl: ENDPOINT, definitionText });
    for (const name of ['a', 'b']) {
      const c = recorder.forConversation({ name, from: '+1' });
      c.beginTurn('hi');
      await c.http(botCall('hi'));
      c.beginTurn('two');
      await c.http(botCall('two'));
      c.finish();
    }
    recorder.save();
    recorder.close();
    asked = 0;
    const tap = createBotTap({ replay: file, mode: 'new-only', live, endpointUrl: ENDPOINT, definitionText });
    const c = tap.forConversation({ name: 'a', from: '+1' });
    c.beginTurn('hi');
    await c.http(botCall('hi!'));
    c.beginTurn('two');
    await c.http(botCall('two'));
    c.finish();
    assert.strictEqual(asked, 2, 'the changed turn and the one after it');
    assert.deepStrictEqual(tap.save(), { file, conversations: 2, changed: 1 });
    tap.close();
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).slice(1).map((d) => d.toJS());
    assert.deepStrictEqual(docs.map((d) => [d.conversation, d.turns[0].calls[0].request.params.text]), [['a', 'hi!'], ['b', 'hi']]);
  });

  it('two conversations of one name in one file cannot share a recording', () => {
    const tap = createBotTap({ record: path.join(tmp(), 'r.yaml'), live: async () => answer('x'), definitionText });
    tap.forConversation({ name: 'same', file: 'x.yaml', from: '+1' });
    assert.throws(() => tap.forConversation({ name: 'same', file: 'x.yaml', from: '+2' }), /Two conversations are named "same" in x\.yaml/);
    tap.forConversation({ name: 'same', file: 'y.yaml', from: '+3' });
  });

  it('nor when replaying, whether the recording holds that conversation or not', () => {
    const file = path.join(tmp(), 'r.yaml');
    const recorder = createBotTap({ record: file, live: async () => answer('x'), definitionText });
    recorder.forConversation({ name: 'same', file: 'x.yaml', from: '+1' }).finish();
    recorder.save();
    const tap = createBotTap({ replay: file, live: async () => answer('x'), definitionText });
    tap.forConversation({ name: 'same', file: 'x.yaml', from: '+1' });
    assert.throws(() => tap.forConversation({ name: 'same', file: 'x.yaml', from: '+2' }), /Two conversations are named "same" in x\.yaml/);
    tap.forConversation({ name: 'other', file: 'x.yaml', from: '+3' });
    assert.throws(() => tap.forConversation({ name: 'other', file: 'x.yaml', from: '+4' }), /Two conversations are named "other" in x\.yaml/);
    tap.close();
  });
});
