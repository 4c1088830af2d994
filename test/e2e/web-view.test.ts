import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { startBotServer, demoBehaviour, type BotServer } from '../../src/lib/demo/bot-server';
import { linkedHome, ROOT, type CliHome } from '../helpers/cli';
import { launchBrowser, screenshotFile, startCommand, type Running } from '../helpers/browser';
import { assertNoSecret, registerTestSecret } from '../helpers/secrets';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'scripts');
/** The never-reached colour of the coverage drawing (printers/flow-svg.ts), as the browser computes it. */
const NEVER_FILL = 'rgb(248, 215, 218)';
/**
 * Waits until an element's text satisfies `wanted` (a predicate that runs in the page: the
 * tests' TypeScript has no DOM types, and a string predicate would be eval, which the
 * page's Content-Security-Policy refuses).
 */
const textIs = (page: Page, selector: string, wanted: { equals?: string; startsWith?: string }) =>
  page.waitForFunction(
    ([sel, w]) => {
      const t: string | undefined = (globalThis as any).document.querySelector(sel)?.textContent;
      return t !== undefined && (w.equals !== undefined ? t === w.equals : t.startsWith(w.startsWith ?? ''));
    },
    [selector, wanted] as const,
  );

/**
 * test-chat --web and --report in a real browser (Debian's Chromium through
 * playwright-core), against the real twilio binary: what a bot designer sees and clicks.
 */
describe('test-chat --web and --report in a browser', function () {
  let cli: CliHome;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;

  before(async () => {
    cli = await linkedHome();
    browser = await launchBrowser();
    context = browser.context;
  });
  after(async () => {
    await browser?.close();
    cli?.cleanup();
  });

  const open = async (running: Running): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(running.url);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  };
  const say = async (page: Page, text: string, answered: () => Promise<unknown>) => {
    await page.fill('#message', text);
    await page.click('#send');
    await answered();
  };
  const widgetClasses = (page: Page, name: string) => page.getAttribute(`#flow [data-widget="${name}"]`, 'class');

  it('--demo: the chat answers, the highlight follows the flow to the hand-over, the inspector shows it, and the saved test passes', async () => {
    const web = await startCommand(cli.home, ['cognigy:test-chat', '--demo', '--web', '--no-open']);
    let stopped = false;
    try {
      const page = await open(web);
      assert.strictEqual(await page.textContent('#flow-status'), 'not started');
      assert.strictEqual(await page.locator('#flow [data-widget]').count(), 13, 'every widget of the built flow is drawn');

      await say(page, 'hi', () => page.waitForSelector('.msg.bot'));
      assert.match((await page.textContent('.msg.bot'))!, /I'm the demo bot/);
      assert.strictEqual(await page.getAttribute('#flow-status', 'data-current'), 'SendUserReply');
      assert.match((await widgetClasses(page, 'SendUserReply'))!, /\bcurrent\b/);
      assert.match((await widgetClasses(page, 'ProcessUserInput'))!, /\bvisited\b/);
      assert.notMatch((await widgetClasses(page, 'SendToFlexAgent'))!, /\bvisited\b|\bcurrent\b/);
      // The bot's quick replies are buttons, with the note that SMS gets only the text.
      assert.strictEqual(await page.locator('.quick-reply').count(), 4);
      assert.match((await page.textContent('.msg.bot .sms-note'))!, /SMS gets only the text/);
      assert.match((await page.textContent('.timing'))!, /bot call \d+ ms of Studio's 10 s/);

      await say(page, 'agent', () => page.waitForSelector('.sys.handover'));
      assert.strictEqual(await page.getAttribute('#flow-status', 'data-current'), 'SendToFlexAgent');
      assert.match((await widgetClasses(page, 'SendToFlexAgent'))!, /\bcurrent\b/);
      assert.notMatch((await widgetClasses(page, 'SendUserReply'))!, /\bcurrent\b/, 'the highlight moved');
      assert.match((await page.getAttribute('#flow [data-transition="CheckEscalation#1"]', 'class'))!, /\btaken\b/, 'the escalation branch is marked');

      // The inspector: the request the HTTP widget sent (URL redacted), the answer, what Flex would receive.
      await page.locator('.msg.bot').last().click();
      const inspector = (await page.textContent('#inspector'))!;
      assert.match(inspector, /ProcessUserInput: POST request/);
      assert.match(inspector, /POST http:\/\/127\.0\.0\.1:\d+\/…[0-9a-f]{4}\n/, 'the endpoint token is cut');
      assert.match(inspector, /What Flex would receive/);
      assert.match(inspector, /"workflow": "WW0{32}"/);
      assert.match(inspector, /Flow variables/);
      // Each split with its conditions' verdicts (data the page words) and where it went.
      assert.match(inspector, /CheckEscalation: split[^\n]*: "true" equal_to "true": holds\nmatch #1 → SendEscalationMessage/);
      // A widget shows its own part.
      await page.click('#flow [data-widget="SendToFlexAgent"]');
      assert.match((await page.textContent('#inspector-what'))!, /SendToFlexAgent \(send-to-flex\)/);
      assert.match((await page.textContent('#inspector'))!, /callComplete → \(end\)/);
      await page.click('#escalate');
      await textIs(page, '#inspector-what', { equals: 'escalate preview' });
      assert.match((await page.textContent('#inspector'))!, /What "twilio cognigy:escalate" would do/);

      await page.click('#flow [data-widget="SendToFlexAgent"]');
      await page.click('#zoom-out');
      await page.screenshot({ path: screenshotFile('web-view.png') });

      await page.fill('#save-file', 'from-the-web.yaml');
      await page.click('#save');
      await page.waitForSelector('.sys.saved');
      assert.match((await page.textContent('.sys.saved'))!, /Saved the conversation as a script \(\d+ steps\)/);
      // The same as BotiumScript: what it cannot hold is said.
      await page.fill('#save-file', 'from-the-web.convo.txt');
      await page.click('#save');
      await page.waitForSelector('.sys.saved >> nth=1');
      assert.match((await page.locator('.sys.saved').nth(1).textContent())!, /2 hand-over and end steps are not in it: BotiumScript has no step for them/);
      // A path the page may not write is refused, in the chat.
      await page.fill('#save-file', '../outside.yaml');
      await page.click('#save');
      await page.waitForSelector('.sys.error');
      assert.match((await page.textContent('.sys.error'))!, /not a file name this page may write/);
      await page.close();
      const done = await web.stop();
      stopped = true;
      assert.strictEqual(done.code, 0, done.stderr);
    } finally {
      if (!stopped) await web.stop();
    }
    const saved = path.join(cli.home, 'from-the-web.yaml');
    assert.match(fs.readFileSync(saved, 'utf8'), /- user: agent\n\s+- bot: Let me connect you to a human agent\.\n\s+- handover: true/);
    const replay = await cli.run(['cognigy:test-chat', '--demo', '--script', saved]);
    assert.strictEqual(replay.code, 0, replay.all);
    assert.match(replay.stdout, /^1 passed, 0 failed$/m);
    const convo = path.join(cli.home, 'from-the-web.convo.txt');
    assert.match(fs.readFileSync(convo, 'utf8'), /^from-the-web\n\n#me\nhi\n\n#bot\n/);
    const botium = await cli.run(['cognigy:test-chat', '--demo', '--script', convo]);
    assert.strictEqual(botium.code, 0, botium.all);
    assert.match(botium.stdout, /^1 passed, 0 failed$/m);
    assert.isFalse(fs.existsSync(path.join(path.dirname(cli.home), 'outside.yaml')));
  });

  it('silence takes the wait\'s time-out branch, reset starts a new session on a clean canvas', async () => {
    const web = await startCommand(cli.home, ['cognigy:test-chat', '--demo', '--web', '--no-open']);
    try {
      const page = await open(web);
      await say(page, 'hi', () => page.waitForSelector('.msg.bot'));
      await page.click('#silence');
      await textIs(page, '#flow-status', { startsWith: 'ended at' });
      assert.match((await page.getAttribute('#flow [data-transition="SendUserReply#1"]', 'class'))!, /\btaken\b/, 'the timeout branch');
      await page.click('#reset');
      await textIs(page, '#conversation-no', { equals: '· session 2' });
      assert.strictEqual(await page.locator('#chat .msg').count(), 0);
      assert.strictEqual(await page.locator('#flow .visited').count(), 0, 'a new session starts with a clean canvas');
    } finally {
      await web.stop();
    }
  });

  it('--flow-file: a widget the run does not model is marked from the start, and as failed once the run stops there', async () => {
    const flow = path.join(cli.home, 'unmodelled.json');
    const state = (name: string, type: string, y: number, properties: Record<string, unknown>, transitions: unknown[]) => ({ name, type, properties: { offset: { x: 0, y }, ...properties }, transitions });
    fs.writeFileSync(
      flow,
      JSON.stringify({
        description: 'a messaging flow that transfers to a phone',
        initial_state: 'Trigger',
        flags: { allow_concurrent_calls: true },
        states: [
          state('Trigger', 'trigger', 0, {}, [{ event: 'incomingMessage', next: 'Hello' }, { event: 'incomingCall' }, { event: 'incomingConversationMessage', next: 'Hello' }, { event: 'incomingRequest' }, { event: 'incomingParent' }]),
          state('Hello', 'send-message', 200, { body: 'Hello, transferring you.', from: '{{flow.channel.address}}', to: '{{contact.channel.address}}' }, [{ event: 'sent', next: 'Transfer' }, { event: 'failed' }]),
          state('Transfer', 'connect-call-to', 400, { noun: 'number', to: '+15551230000', caller_id: '{{contact.channel.address}}' }, [{ event: 'callCompleted' }, { event: 'hangup' }]),
        ],
      }),
    );
    const web = await startCommand(cli.home, ['cognigy:test-chat', '--flow-file', flow, '--web', '--no-open']);
    try {
      const page = await open(web);
      assert.match((await widgetClasses(page, 'Transfer'))!, /\bunmodelled\b/);
      assert.notMatch((await widgetClasses(page, 'Hello'))!, /\bunmodelled\b/);
      await say(page, 'hi', () => page.waitForSelector('.sys.error'));
      assert.match((await page.textContent('.sys.error'))!, /"Transfer" has type "connect-call-to", which the local runner does not model/);
      assert.match((await widgetClasses(page, 'Transfer'))!, /\bfailed\b/);
      assert.match((await page.textContent('#flow-status'))!, /^ended at Transfer \(error\)$/);
      await page.click('#flow [data-widget="Transfer"]');
      assert.match((await page.textContent('#inspector'))!, /test-chat does not model "connect-call-to"/);
    } finally {
      await web.stop();
    }
  });

  it('--report of a failing suite: coverage colours, the "never taken" list, each failure beside its transcript; --min-coverage fails the run', async () => {
    const suite = fs.mkdtempSync(path.join(cli.home, 'suite-'));
    for (const dir of ['botium-pass', 'botium-fail']) {
      for (const f of fs.readdirSync(path.join(FIXTURES, dir))) fs.copyFileSync(path.join(FIXTURES, dir, f), path.join(suite, f));
    }
    const report = path.join(cli.home, 'reports', 'report.html');
    const r = await cli.run(['cognigy:test-chat', '--demo', '--script', suite, '--report', report, '--min-coverage', '90']);
    assert.strictEqual(r.code, 1, r.all);
    assert.match(r.stdout, /^Flow coverage: 10 of 13 widgets \(76\.9%\), 11 of 23 transitions \(47\.8%\)\.\n4 passed, 1 failed$/m);
    assert.match(r.stderr, /Flow coverage 47\.8% is below --min-coverage 90%/);

    const page = await context.newPage();
    await page.goto(`file://${report}`);
    const fill = (name: string) => page.$eval(`[data-widget="${name}"] rect.box`, (e) => (globalThis as any).getComputedStyle(e).fill as string);
    assert.strictEqual(await fill('SetBotFailureReason'), NEVER_FILL, 'never reached: the never colour');
    assert.notStrictEqual(await fill('Trigger'), NEVER_FILL);
    assert.notStrictEqual(await fill('SendToFlexAgent'), NEVER_FILL, 'one conversation handed over');
    assert.notStrictEqual(await fill('Trigger'), await fill('SendToFlexAgent'), 'all five conversations are darker than one');
    assert.strictEqual(await page.getAttribute('[data-widget="SendToFlexAgent"]', 'data-count'), '1');
    const never = await page.$$eval('#never li', (items) => items.map((i) => i.textContent));
    assert.include(never, 'SendToFlexAgent.failedToEnqueue: never taken');
    assert.include(never, 'SetBotFailureReason: never reached');
    assert.notInclude(never, 'CheckEscalation.noMatch: never taken');
    const failed = page.locator('details.conversation.failed');
    assert.strictEqual(await failed.count(), 1);
    assert.strictEqual(await failed.getAttribute('open'), '', 'a failed conversation is open');
    assert.match((await failed.locator('.transcript').textContent())!, /customeropening hours.*botWe are open Monday to Friday/);
    assert.match((await failed.locator('.failures').textContent())!, /expected.*We are open 24\/7\..*actual.*We are open Monday to Friday/s);
    assert.strictEqual(await page.locator('script').count(), 0, 'the report runs no script');
    await page.screenshot({ path: screenshotFile('report.png'), fullPage: true });
    await page.close();
  });

  it('no secret reaches the page, the event stream or the report', async () => {
    const bot: BotServer = await startBotServer({ behaviour: demoBehaviour });
    registerTestSecret(bot.token);
    registerTestSecret(bot.url);
    try {
      const web = await startCommand(cli.home, ['cognigy:test-chat', '--endpoint-url', bot.url, '--web', '--no-open']);
      let stream = '';
      try {
        const u = new URL(web.url);
        const events = http.get({ host: u.hostname, port: u.port, path: `${u.pathname}events` }, (res) => res.on('data', (d) => (stream += d)));
        const page = await context.newPage();
        const bodies: string[] = [];
        page.on('response', (res) => {
          if (!res.url().endsWith('/events')) bodies.push(`${res.url()}`);
          if (!res.url().endsWith('/events')) res.text().then((t) => bodies.push(t), () => undefined);
        });
        await page.goto(web.url);
        await page.waitForSelector('body[data-ready="true"]');
        await say(page, 'hi', () => page.waitForSelector('.msg.bot'));
        await say(page, 'agent', () => page.waitForSelector('.sys.handover'));
        await page.locator('.msg.bot').last().click();
        const shown = (await page.textContent('#inspector'))!;
        assert.include(shown, `…${bot.token.slice(-4)}`, 'the URL is shown, its token cut');
        const html = await page.content();
        events.destroy();
        assert.ok(bot.requests.length >= 2, 'the bot was called with its token');
        assert.match(stream, /event: turn\ndata: .*ProcessUserInput/, 'the stream carried the turns');
        // While a turn runs, the stream says where the flow is: the call to the bot starts before the turn is told.
        const callStarted = stream.search(/event: live\ndata: \{"type":"live","event":\{"type":"call-started"[^\n]*"widget":"ProcessUserInput"[^\n]*"bot":true/);
        assert.isAtLeast(callStarted, 0, stream.slice(0, 2000));
        assert.isBelow(callStarted, stream.indexOf('event: turn\n'));
        assert.match(stream, /"type":"widget-left","at":\d+,"widget":"CheckEscalation","via":"match #1","next":"SendEscalationMessage"\},"transition":"CheckEscalation#1"/);
        assertNoSecret(html, 'the web page');
        assertNoSecret(stream, 'the event stream');
        assertNoSecret(bodies.join('\n'), 'the answers to the page');
        await page.close();
      } finally {
        await web.stop();
      }
      const report = path.join(cli.home, 'secret-report.html');
      const r = await cli.run(['cognigy:test-chat', '--endpoint-url', bot.url, '--script', path.join(FIXTURES, 'botium-pass'), '--report', report]);
      assert.strictEqual(r.code, 0, r.all);
      assertNoSecret(fs.readFileSync(report, 'utf8'), 'the HTML report');
    } finally {
      await bot.close();
    }
  });
});
