#!/usr/bin/env node
// botium-core's own way of running BotiumScript against a Cognigy REST endpoint: the
// SimpleRest container configured as botium-connector-cognigy users configure it
// (see /work/shared/reference/cognigy-rest-endpoint.md), its compiler reading the folder,
// each convo run on a started container, CONCURRENCY containers working through the list.
// Usage: node bench/botium/run.js URL DIR CONCURRENCY   → one JSON line on stdout
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { BotDriver } = require('botium-core');

async function main() {
  const [url, dir, concurrencyArg] = process.argv.slice(2);
  const concurrency = Number(concurrencyArg) || 1;
  const started = performance.now();
  const tempdir = fs.mkdtempSync(path.join(os.tmpdir(), 'botium-bench-'));
  const caps = {
    PROJECTNAME: 'cognigy-bench',
    TEMPDIR: tempdir,
    CONTAINERMODE: 'simplerest',
    SIMPLEREST_URL: url,
    SIMPLEREST_METHOD: 'POST',
    SIMPLEREST_BODY_TEMPLATE: '{"userId": "{{botium.conversationId}}", "sessionId": "{{botium.conversationId}}", "text": "{{msg.messageText}}", "data": {}}',
    SIMPLEREST_BODY_JSONPATH: '$.outputStack.*',
    SIMPLEREST_RESPONSE_JSONPATH: '$.text',
  };
  const driver = new BotDriver(caps);
  const compiler = driver.BuildCompiler();
  compiler.ReadScriptsFromDirectory(dir);
  compiler.ExpandConvos();
  const convos = compiler.convos;
  let next = 0;
  let passed = 0;
  let failed = 0;
  let firstError;
  const worker = async () => {
    const container = await driver.Build();
    try {
      while (next < convos.length) {
        const convo = convos[next++];
        await container.Start();
        try {
          await convo.Run(container);
          passed++;
        } catch (error) {
          failed++;
          firstError ??= String(error && error.message ? error.message : error).split('\n')[0];
        } finally {
          await container.Stop();
        }
      }
    } finally {
      await container.Clean();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  fs.rmSync(tempdir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ conversations: convos.length, passed, failed, firstError, elapsedMs: performance.now() - started })}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
