import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import type { AddressInfo } from 'net';
import * as path from 'path';
import type { CliHome } from '../helpers/cli';
import { inProcessHome } from '../helpers/in-process';
import { registerTestSecret } from '../helpers/secrets';

/**
 * Redaction cuts real secrets only: a flow whose HTTP widget calls `…/validate` keeps the
 * word "validate" whole in what the customer wrote, in widget names and in the logged URL,
 * while an API key in another widget's URL never shows (the secret scan of every run
 * checks that).
 */
describe('redaction keeps ordinary words whole', () => {
  let cli: CliHome;
  let server: http.Server;
  let flowFile: string;
  let dir: string;
  const apiKey = 'sk4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5';
  const seen: string[] = [];

  before(async () => {
    registerTestSecret(apiKey);
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'valid' })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cli = await inProcessHome();
    const widget = (name: string, url: string, next: string) => ({
      name,
      type: 'make-http-request',
      properties: { offset: { x: 0, y: 200 }, method: 'POST', url, content_type: 'application/json;charset=utf-8', body: '{"check": "number"}' },
      transitions: [{ event: 'success', next }, { event: 'failed', next }],
    });
    const states = [
      { name: 'Trigger', type: 'trigger', properties: { offset: { x: 0, y: 0 } }, transitions: [{ event: 'incomingMessage', next: 'validate_caller' }, { event: 'incomingConversationMessage', next: 'validate_caller' }] },
      widget('validate_caller', `${base}/validate`, 'lookup'),
      widget('lookup', `${base}/lookup/${apiKey}`, 'say'),
      { name: 'say', type: 'send-message', properties: { offset: { x: 0, y: 400 }, body: 'validate_caller answered {{widgets.validate_caller.parsed.status}}' }, transitions: [{ event: 'sent' }, { event: 'failed' }] },
    ];
    // The user's own flow file holds the key, as theirs would: outside the scanned HOME.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-redaction-'));
    flowFile = path.join(dir, 'validate-flow.json');
    fs.writeFileSync(flowFile, JSON.stringify({ description: 'validate', initial_state: 'Trigger', states, flags: { allow_concurrent_calls: true } }));
  });
  after(async () => {
    server?.close();
    cli?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('"please validate my number" and "validate_caller" are printed whole; the API key in a URL is not', async () => {
    const r = await cli.run(['cognigy:test-chat', '--flow-file', flowFile, '-m', 'please validate my number', '-l', 'debug']);
    assert.strictEqual(r.code, 0, r.all);
    assert.ok(seen.includes('/validate') && seen.includes(`/lookup/${apiKey}`), 'both widgets called their URLs');
    assert.match(r.stdout, /please validate my number/);
    assert.match(r.stdout, /validate_caller answered valid/);
    assert.match(r.stderr, /POST http:\/\/127\.0\.0\.1:\d+\/validate → 200/, 'the logged URL keeps its last segment');
    assert.match(r.stderr, /POST http:\/\/127\.0\.0\.1:\d+\/lookup\/…a6b5 → 200/, 'the API key is cut to its last characters');
    assert.notMatch(r.all, /…date/);
  });

  it('-o json: the transcript and the widget names are whole', async () => {
    const r = await cli.run(['cognigy:test-chat', '--flow-file', flowFile, '-m', 'please validate my number', '-o', 'json']);
    assert.strictEqual(r.code, 0, r.all);
    const report = JSON.parse(r.stdout);
    const texts = report.transcript.map((e: { text: string }) => e.text);
    assert.ok(texts.includes('please validate my number'), texts.join('\n'));
    assert.ok(texts.includes('validate_caller answered valid'), texts.join('\n'));
  });
});
