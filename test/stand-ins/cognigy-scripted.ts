import * as http from 'node:http';
import { buttons, cognigyAnswer, quickReplies, type BotBehaviour, type BotReply, type BotRequest } from '../../src/lib/demo/bot-server';

/*
 * The behaviour the tests and benchmarks drive the Cognigy-compatible stand-in with: every
 * answer a real endpoint (or what stands in front of it) may give, faults included. A test
 * tool only, so it lives here and not in the shipped demo bot (src/lib/demo/).
 */

const HTML_502 = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title><style>body { font-family: sans-serif; }</style></head>
<body><h1>502 Bad Gateway</h1>
<p>The server returned an invalid or incomplete response.</p></body></html>
`;

/**
 * The test script: keywords (whole words) in the message select what the bot does.
 * `slow:<ms>` delays and combines with the others; anything else is echoed back as
 * `You said: <text>`, so tests can check the text reached the bot byte for byte.
 */
export const scriptedBehaviour: BotBehaviour = (request) => {
  const text = request.text ?? '';
  const words = text.split(/\s+/).filter(Boolean);
  const slow = words.map((w) => /^slow:(\d+)$/.exec(w)).find((m) => m);
  if (slow) {
    const rest = words.filter((w) => w !== slow[0]).join(' ');
    return { delayMs: Number(slow[1]), then: scriptedReply(rest, `You said: ${text}`, request) };
  }
  return scriptedReply(text, `You said: ${text}`, request);
};

function scriptedReply(text: string, echo: string, request: BotRequest): BotReply {
  const words = new Set(text.split(/\s+/).filter(Boolean));
  const status = [...words].map((w) => /^status:(\d{3})$/.exec(w)).find((m) => m);
  if (status) {
    const code = Number(status[1]);
    return { status: code, body: { statusCode: code, error: http.STATUS_CODES[code] ?? 'Error', message: `Scripted status ${code}.` } };
  }
  if (words.has('multi')) return [{ text: 'First output.' }, { text: 'Second output.' }, { text: 'Third output.' }];
  if (words.has('dataonly')) return [{ text: null, data: { kind: 'dataonly', value: 42 } }];
  if (words.has('escalate-bool')) return [{ text: 'Let me connect you to a human agent.', data: { escalation: true } }];
  if (words.has('escalate-string')) return [{ text: 'Let me connect you to a human agent.', data: { escalation: 'true' } }];
  if (words.has('quick')) {
    return [{ text: '', data: quickReplies('What would you like to do?', ['Opening hours', 'Order status', 'Talk to an agent']) }];
  }
  if (words.has('buttons')) return [{ text: '', data: buttons('Pick a plan:', ['Basic', 'Pro']) }];
  if (words.has('escalate-quick')) {
    return [{ text: '', data: { ...quickReplies('An agent will take over. Anything to add?', ['No, thanks']), escalation: true } }];
  }
  if (words.has('escalate-early')) {
    // The flag on an earlier output; the top-level data as the last output's (one reading
    // of the undocumented merge), so only a flow that reads every output hands over.
    const answer = cognigyAnswer([{ text: 'Let me connect you to a human agent.', data: { escalation: true } }, { text: 'Please hold on.', data: {} }], request.userId, request.sessionId);
    return { status: 200, body: { ...answer, data: {} } };
  }
  if (words.has('handover-node')) {
    // Assumed shape: Cognigy documents the Handover Status object ({handover: {status, error: {reason}}},
    // reason "unsupported" on a channel without handover) but not how a REST answer carries it.
    return [{ text: 'Handing you over to an agent.', data: { handover: { status: 'error', error: { reason: 'unsupported', message: '' } } } }];
  }
  if (words.has('html')) return { status: 502, contentType: 'text/html; charset=utf-8', body: HTML_502 };
  if (words.has('notjson')) return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' };
  if (words.has('array')) return { status: 200, body: [{ text: 'An array is not a Cognigy answer.' }] };
  if (words.has('huge')) return [{ text: 'A very large answer.', data: { blob: 'x'.repeat(1024 * 1024) } }];
  if (words.has('escalate-datastring')) return [{ text: 'Let me connect you to a human agent.', data: JSON.stringify({ escalation: true }) }];
  if (words.has('datastring')) return [{ text: 'Data arrives as a string.', data: JSON.stringify({ answer: 42, nested: { ok: true } }) }];
  if (words.has('nostack')) return { status: 200, body: { text: 'No outputStack here.', data: {} } };
  return [{ text: echo }];
}
