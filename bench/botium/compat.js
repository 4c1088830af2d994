#!/usr/bin/env node
// botium-core's side of bench/botium-compat.ts. Each DIR is one suite, read by botium-core's
// own compiler (ReadScriptsFromDirectory + ExpandConvos, as botium-cli does).
//   node bench/botium/compat.js plan DIR…        → the expanded convos' steps (JSON), for the replay bot
//   node bench/botium/compat.js run URL DIR [URL DIR]…  → one verdict per convo (JSON), each suite against its own bot
// The container is SimpleRest set up as botium-connector-cognigy sets it up (src/connector.js):
// one bot message per outputStack entry, its text the quick replies' / buttons' text or else
// the entry's text, buttons from quick replies and buttons that have a payload, media and
// cards from the legacy data._data._cognigy nesting (where the connector reads them), the
// whole answer as sourceData (JSON_PATH), empty entries skipped.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { BotDriver } = require('botium-core');

const get = (obj, dotted) => dotted.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);

function responseHook({ botMsg, botMsgRoot }) {
  let text = get(botMsgRoot, 'data._data._cognigy._default._quickReplies.text') || get(botMsgRoot, 'data._cognigy._default._quickReplies.text');
  if (text == null) text = get(botMsgRoot, 'data._data._cognigy._default._buttons.text') || get(botMsgRoot, 'data._cognigy._default._buttons.text');
  if (text == null && get(botMsgRoot, 'data._plugin.type')) text = `[${get(botMsgRoot, 'data._plugin.type')}]`;
  if (text == null) text = botMsgRoot.text;
  if (text != null) botMsg.messageText = text;
  const media = get(botMsgRoot, 'data._data._cognigy._default._image') || get(botMsgRoot, 'data._data._cognigy._default._audio') || get(botMsgRoot, 'data._data._cognigy._default._video');
  if (media) botMsg.media = [{ mediaUri: media.imageUrl || media.audioUrl || media.videoUrl, altText: '' }];
  const buttons = get(botMsgRoot, 'data._data._cognigy._default._buttons.buttons') || get(botMsgRoot, 'data._cognigy._default._buttons.buttons');
  if (buttons) {
    botMsg.buttons = botMsg.buttons || [];
    for (const b of buttons.filter((b) => b.payload || b.url || b.intentName)) botMsg.buttons.push({ text: b.title, payload: b.payload || b.url || b.intentName });
  }
  const qrs = get(botMsgRoot, 'data._data._cognigy._default._quickReplies.quickReplies') || get(botMsgRoot, 'data._cognigy._default._quickReplies.quickReplies');
  if (qrs) {
    botMsg.buttons = botMsg.buttons || [];
    for (const q of qrs.filter((q) => q.payload)) botMsg.buttons.push({ text: q.title, payload: q.payload });
  }
  const items = get(botMsgRoot, 'data._data._cognigy._default._gallery.items') || get(botMsgRoot, 'data._data._cognigy._default._list.items');
  if (items) {
    botMsg.cards = items.map((i) => ({ text: i.title, subtext: i.subtitle, image: i.imageUrl && { mediaUri: i.imageUrl }, buttons: i.buttons && i.buttons.map((b) => ({ text: b.title, payload: b.payload })) }));
  }
}

function caps(url, tempdir) {
  return {
    PROJECTNAME: 'cognigy-compat',
    TEMPDIR: tempdir,
    CONTAINERMODE: 'simplerest',
    SIMPLEREST_URL: url || 'http://127.0.0.1:9/unused',
    SIMPLEREST_METHOD: 'POST',
    SIMPLEREST_BODY_TEMPLATE: { userId: '{{botium.conversationId}}', sessionId: '{{botium.conversationId}}', text: '{{msg.messageText}}', data: {} },
    SIMPLEREST_BODY_JSONPATH: '$.outputStack.*',
    SIMPLEREST_IGNORE_EMPTY: true,
    SIMPLEREST_RESPONSE_HOOK: responseHook,
    // A convo that waits for a bot that never speaks first fails after this, as it would after 10 s.
    WAITFORBOTTIMEOUT: 2000,
  };
}

function compile(driver, dir) {
  const compiler = driver.BuildCompiler();
  compiler.ReadScriptsFromDirectory(dir);
  compiler.ExpandConvos();
  return compiler;
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  const tempdir = fs.mkdtempSync(path.join(os.tmpdir(), 'botium-compat-'));
  try {
    if (mode === 'plan') {
      const out = [];
      for (const dir of rest) {
        // Convo by convo (botium-core's own expansion of each), so that the replay bot can
        // answer the convos of a suite that ExpandConvos refuses as a whole.
        const compiler = new BotDriver(caps(undefined, tempdir)).BuildCompiler();
        compiler.ReadScriptsFromDirectory(dir);
        const expanded = [];
        for (const convo of compiler.convos) {
          try {
            convo.expandPartialConvos();
            expanded.push(...compiler._expandConvo(convo, {}, { globalContext: { totalConvoCount: 0 } }));
          } catch {
            // refused by botium-core: nothing to replay
          }
        }
        const utterances = {};
        for (const [name, u] of Object.entries(compiler.utterances)) utterances[name] = u.utterances;
        out.push({
          dir,
          utterances,
          convos: expanded.map((c) => ({
            file: path.join(dir, c.sourceTag.filename),
            name: c.header.name,
            steps: c.conversation.map((s) => ({ sender: s.sender, messageText: s.messageText, not: !!s.not, optional: !!s.optional, asserters: s.asserters, userInputs: s.userInputs })),
          })),
        });
      }
      process.stdout.write(JSON.stringify(out));
      return;
    }
    if (mode !== 'run') throw new Error('usage: compat.js plan DIR… | run URL DIR [URL DIR]…');
    const verdicts = [];
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const [url, dir] = [rest[i], rest[i + 1]];
      const driver = new BotDriver(caps(url, tempdir));
      let compiler;
      try {
        compiler = compile(driver, dir);
      } catch (error) {
        verdicts.push({ dir, file: dir, name: '(suite)', passed: false, error: `suite not read: ${String(error.message).split('\n')[0]}` });
        continue;
      }
      const container = await driver.Build();
      try {
        for (const convo of compiler.convos) {
          const verdict = { dir, file: path.join(dir, convo.sourceTag.filename), name: convo.header.name, passed: true };
          await container.Start();
          try {
            await convo.Run(container);
            // A convo that ends with #me does not wait for the answer: let it arrive before
            // Stop, or it lands in the next convo's queue on the same container.
            const last = convo.conversation[convo.conversation.length - 1];
            if (last && last.sender === 'me') await new Promise((resolve) => setTimeout(resolve, 300));
          } catch (error) {
            verdict.passed = false;
            verdict.error = String((error && error.message) || error).split('\n')[0].slice(0, 300);
          } finally {
            await container.Stop();
          }
          verdicts.push(verdict);
        }
      } finally {
        await container.Clean();
      }
    }
    process.stdout.write(JSON.stringify(verdicts));
  } finally {
    fs.rmSync(tempdir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
