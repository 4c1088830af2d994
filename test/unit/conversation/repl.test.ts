import { describe, it } from 'mocha';
import { assert } from 'chai';
import { PassThrough } from 'node:stream';
import { ChatSession } from '../../../src/lib/conversation/chat';
import { runRepl } from '../../../src/lib/conversation/repl';
import { replView, waitingText } from '../../../src/printers/repl';
import { buildFlow, WIDGET } from '../../../src/lib/studio';
import { fakeTransport, response } from '../runtime/helpers';

const ENDPOINT = 'https://endpoint.example.test/0123456789abcdef';

describe('the REPL, a view of the conversation', () => {
  it('on a terminal, shows which call the flow waits for while it runs (the spinner), and stops it when the answer comes', async () => {
    const flow = buildFlow({ endpointUrl: ENDPOINT, channelModel: 'conversations', escalationKey: 'escalation', onBotFailure: 'escalate', workflowSid: `WW${'2'.repeat(32)}`, taskChannelSid: `TC${'3'.repeat(32)}` });
    const answer = JSON.stringify({ text: 'Hi there', data: {}, outputStack: [{ text: 'Hi there', data: {} }] });
    let shown = '';
    const waited: string[] = [];
    // The bot answers once the REPL has said it waits for it: no race between two timers.
    const slowBot = fakeTransport(async () => {
      for (let i = 0; i < 500 && !waited.length; i++) await new Promise((r) => setTimeout(r, 10));
      return response(200, answer);
    });
    const input = new PassThrough();
    const output = new PassThrough();
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const done = runRepl({
      input,
      output,
      newChat: () => new ChatSession(flow, { http: slowBot, botEndpoint: ENDPOINT, channelModel: 'conversations' }),
      banner: [],
      view: replView({ color: true }),
      waiting: {
        start: (call) => waited.push(`start ${waitingText(call)} (answer shown: ${/Hi there/.test(shown)})`),
        stop: () => waited.push(`stop (answer shown: ${/Hi there/.test(shown)})`),
      },
      waitingAfterMs: 0,
    });
    input.write('hello\n');
    const started = Date.now();
    while (!/Hi there/.test(shown) && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 10));
    input.end();
    await done;
    assert.deepStrictEqual(waited, [`start Calling the bot at ${WIDGET.callBot} (answer shown: false)`, 'stop (answer shown: false)']);
  });
});
