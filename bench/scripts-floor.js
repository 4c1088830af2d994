#!/usr/bin/env node
// The floor of bench/scripts-bench.ts: the very HTTP calls the plugin's flow makes for the
// same conversations (a form POST per customer turn, same fields, keep-alive, the same
// number of conversations at once), with the least work around them: parse the answer
// and compare its text. No scripts are read, no flow is interpreted.
// Usage: node bench/scripts-floor.js URL CONVERSATIONS TURNS CONCURRENCY
'use strict';
const http = require('http');

const [url, conversationsArg, turnsArg, concurrencyArg] = process.argv.slice(2);
const conversations = Number(conversationsArg);
const turns = Number(turnsArg);
const concurrency = Number(concurrencyArg);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

async function conversation(n) {
  const from = `+1555${String(n % 10_000_000).padStart(7, '0')}`;
  const session = `CH${String(n).padStart(32, '0')}`;
  for (let t = 1; t <= turns; t++) {
    const text = `message ${t} of conversation ${n}`;
    const body = new URLSearchParams({ userId: from, sessionId: session, text, 'data[channel]': 'twilio-conversations', 'data[twilioNumber]': '+15550000000' }).toString();
    const answer = JSON.parse(await post(body));
    if (answer.text !== `You said: ${text}`) throw new Error(`conversation ${n} turn ${t}: unexpected answer ${answer.text}`);
  }
}

async function main() {
  const started = performance.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < conversations) {
      const n = next++;
      await conversation(n).catch(() => failed++);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ conversations, failed, elapsedMs: performance.now() - started })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
