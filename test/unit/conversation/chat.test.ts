import { describe, it } from 'mocha';
import { assert } from 'chai';
import { ChatSession } from '../../../src/lib/conversation/chat';
import { entryText, formatEntry, transcriptJson } from '../../../src/printers/transcript';
import { fakeTransport, flowOf, response, trigger, widget } from '../runtime/helpers';

const reply = (body: string) => widget('Reply', 'send-message', { body }, [{ event: 'sent' }, { event: 'failed' }]);

describe('the transcript: data from the conversation, words from the printer', () => {
  it('system entries carry what happened as data; the printer says it, once, where the REPL showed it', async () => {
    const flow = flowOf(trigger('Reply', 'incomingMessage'), reply('{% if %}'));
    const chat = new ChatSession(flow, { http: fakeTransport(() => response(200, '{}')), channelModel: 'legacy' });
    await chat.send('hi');
    const system = chat.transcript.filter((e) => e.from === 'system');
    assert.isAbove(system.length, 0);
    for (const entry of system) assert.notProperty(entry, 'text', 'the library writes no sentence');
    // The error and the end with the same words: one line.
    const lines = system.map((e) => formatEntry(e));
    assert.strictEqual(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^ {2}⋯ The flow stopped with an error: /);
    const [json] = transcriptJson(system);
    assert.strictEqual(json.kind, 'error');
    assert.strictEqual(json.text, entryText(system[0]));
    assert.notProperty(json, 'note');
    assert.strictEqual(chat.problems.length, 1);
    assert.strictEqual(chat.problems[0].kind, 'flow-error');
    assert.strictEqual(chat.problems[0].code, 81018);
  });

  it("a slow call is said where it happened, against Studio's 10 s", async () => {
    const flow = flowOf(
      trigger('Lookup', 'incomingMessage'),
      widget('Lookup', 'make-http-request', { method: 'GET', url: 'https://crm.example.com/x', content_type: 'application/json;charset=utf-8' }, [{ event: 'success', next: 'Reply' }, { event: 'failed' }]),
      reply('ok'),
    );
    const chat = new ChatSession(flow, { http: fakeTransport(() => response(200, '{"a":1}', 'application/json', 6_200)), channelModel: 'legacy' });
    await chat.send('hi');
    const slow = chat.transcript.find((e) => e.from === 'system' && e.kind === 'slow');
    assert.ok(slow, JSON.stringify(chat.transcript));
    assert.strictEqual(entryText(slow), 'Lookup waited 6.2 s for its answer: Studio fails the widget past 10 s.');
    const bot = chat.transcript.find((e) => e.from === 'bot');
    assert.strictEqual(bot && entryText(bot), 'ok');
  });
});
