import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, runCli } from '../helpers/cli';

/**
 * What a user does: `twilio plugins:install` of the packed tarball (yarn 1 inside
 * ~/.twilio-cli, dependencies from the npm registry), then a command runs from it.
 * The package is packed from a copy, so the repository's dist/ is never rebuilt under
 * other tests.
 */
describe('the packed plugin installs into the real twilio binary', () => {
  let work: string;
  let home: string;
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-pack-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-home-'));
  });
  after(() => {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('plugins:install file:<tarball> then test-chat --demo runs, with the shipped manifest', async () => {
    const pkg = path.join(work, 'package');
    fs.mkdirSync(pkg);
    for (const entry of ['package.json', 'bin', 'dist']) fs.cpSync(path.join(ROOT, entry), path.join(pkg, entry), { recursive: true });
    // The manifest generator requires the command files, which require their dependencies.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'manifest.js'), pkg], { stdio: 'pipe' });
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: pkg, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!;
    const listing = execFileSync('tar', ['tzf', path.join(work, tarball)], { encoding: 'utf8' });
    assert.match(listing, /package\/oclif\.manifest\.json/);
    assert.doesNotMatch(listing, /package\/(src|test)\//, 'only bin, dist and the manifest ship');

    const install = await runCli(home, ['plugins:install', `file:${path.join(work, tarball)}`], {
      input: 'y\n',
      env: { YARN_IGNORE_ENGINES: 'true' },
      timeoutMs: 240_000,
    });
    assert.equal(install.code, 0, install.all);
    const plugins = await runCli(home, ['plugins']);
    assert.match(plugins.stdout, /twilio-plugin-cognigy 0\.1\.0/);

    const chat = await runCli(home, ['cognigy:test-chat', '--demo', '-m', 'hello', '-m', 'agent', '-o', 'json'], { timeoutMs: 60_000 });
    assert.equal(chat.code, 0, chat.all);
    const report = JSON.parse(chat.stdout);
    assert.equal(report.escalated, true);
    assert.ok(report.transcript.some((e: any) => e.from === 'bot'));
  });
});
