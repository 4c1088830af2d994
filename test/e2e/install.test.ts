import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { baseEnv, ROOT, runCli, TWILIO_BIN } from '../helpers/cli';
import { assertNoSecret } from '../helpers/secrets';

/**
 * What a user does with a checkout: the README's Install commands, run as they are
 * written (each block by bash, line by line) in a copy of the working tree with a fresh
 * HOME, and the real `twilio` binary (twilio-cli from the npm registry) on PATH as a
 * global install would put it. Only this machine's npm settings and caches are handed
 * on (the registry, the Node headers node-gyp needs), which a developer's machine has
 * too; the repository's own dist/ is never rebuilt under other tests.
 */
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The shell blocks of the README's Install section that start from a checkout. */
function checkoutBlocks(): string[] {
  const section = /^## Install\n([\s\S]*?)^## /m.exec(README)?.[1] ?? '';
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /^npm ci$/m.test(b));
}

interface Shell {
  code: number;
  out: string;
}

function sh(script: string, o: { cwd: string; env: Record<string, string>; input?: string; timeoutMs: number }): Promise<Shell> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not finish in ${o.timeoutMs} ms:\n${script}\n${out.slice(-4000)}`));
    }, o.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      assertNoSecret(out, script);
      resolve({ code: code ?? 1, out });
    });
    child.stdin.end(o.input ?? '');
  });
}

describe('the README install commands, as pasted, on a fresh HOME', function () {
  // npm pack, npm install and plugins:install take minutes on a loaded 2-core machine:
  // each step has its own bound below (sh's timeoutMs), longer than mocha's default.
  this.timeout(600_000);
  let work: string;
  let checkout: string;
  let bin: string;
  const homes: string[] = [];
  const freshHome = () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-home-'));
    homes.push(home);
    return home;
  };
  /** The environment of a machine with twilio-cli installed globally. */
  const shellEnv = (home: string): Record<string, string> => {
    const env: Record<string, string> = { ...baseEnv(home), PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
    const npmrc = path.join(os.homedir(), '.npmrc');
    if (fs.existsSync(npmrc)) env.npm_config_userconfig = npmrc;
    env.npm_config_cache = path.join(os.homedir(), '.npm');
    return env;
  };

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-checkout-'));
    checkout = path.join(work, 'twilio-plugin-cognigy');
    // The working tree as git sees it (tracked and new files, nothing ignored): a fresh clone.
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of files) {
      // Deleted but not yet committed, or not a plain file (a symlinked node_modules): not in a clone.
      if (!fs.existsSync(path.join(ROOT, f)) || !fs.lstatSync(path.join(ROOT, f)).isFile()) continue;
      fs.mkdirSync(path.dirname(path.join(checkout, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(checkout, f));
    }
    bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(TWILIO_BIN, path.join(bin, 'twilio'));
  });
  after(() => {
    for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('the README has the two checkout blocks: link, and pack + install with file:', () => {
    const blocks = checkoutBlocks();
    assert.strictEqual(blocks.length, 2, blocks.join('\n---\n'));
    assert.match(blocks[0], /twilio plugins:link \./);
    assert.match(blocks[1], /twilio plugins:install "file:\$PWD\/twilio-plugin-cognigy-0\.1\.0\.tgz"/);
    assert.match(README, /twilio plugins:install twilio-plugin-cognigy\n/, 'the registry form is kept for when it is published');
    assert.match(README, /not published yet/);
  });

  let linkedHome: string;
  it('the link block: the plugin answers in the new HOME', async () => {
    linkedHome = freshHome();
    const r = await sh(checkoutBlocks()[0], { cwd: checkout, env: shellEnv(linkedHome), timeoutMs: 420_000 });
    assert.strictEqual(r.code, 0, r.out.slice(-4000));
    const help = await runCli(linkedHome, ['cognigy', '--help']);
    for (const c of ['init', 'link-flow', 'test-chat', 'escalate']) assert.match(help.stdout, new RegExp(`cognigy ${c}`), help.all);
    const chat = await runCli(linkedHome, ['cognigy:test-chat', '--demo', '-m', 'hello', '-m', 'agent', '-o', 'json']);
    assert.strictEqual(chat.code, 0, chat.all);
    assert.strictEqual(JSON.parse(chat.stdout).handedOver, true);
  });

  it('npm run build never leaves the linked plugin without dist/, and removes what no source makes', async () => {
    assert.ok(linkedHome, 'runs after the link block');
    const dist = path.join(checkout, 'dist');
    const watched = ['flags.js', 'base-command.js', 'commands/cognigy/init.js', 'lib/setup/init.js'].map((f) => path.join(dist, f));
    const stale = path.join(dist, 'commands', 'cognigy', 'gone.js');
    fs.writeFileSync(stale, 'module.exports = {};\n');
    fs.utimesSync(path.join(checkout, 'src', 'lib', 'errors.ts'), new Date(), new Date());

    const build = spawn('npm', ['run', 'build', '--silent'], { cwd: checkout, env: shellEnv(linkedHome), stdio: ['ignore', 'pipe', 'pipe'] });
    let buildOut = '';
    build.stdout.on('data', (d) => (buildOut += d));
    build.stderr.on('data', (d) => (buildOut += d));
    const done = new Promise<number>((resolve) => build.on('close', (code) => resolve(code ?? 1)));
    let finished = false;
    void done.then(() => (finished = true));

    const missing = new Set<string>();
    let checks = 0;
    const started = Date.now();
    const helps: Promise<{ code: number; all: string }>[] = [];
    // Bounded: the build is given two minutes; a check every 5 ms, a --help every second.
    while (!finished && Date.now() - started < 120_000) {
      for (const f of watched) if (!fs.existsSync(f)) missing.add(path.relative(dist, f));
      if (!fs.existsSync(dist)) missing.add('dist/');
      checks++;
      if (checks % 200 === 1 && helps.length < 5) helps.push(runCli(linkedHome, ['cognigy:init', '--help']));
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.strictEqual(await done, 0, buildOut);
    assert.ok(checks > 10, `the build was watched (${checks} checks)`);
    assert.deepStrictEqual([...missing], [], 'dist/ and its files were there during the whole build');
    for (const h of await Promise.all(helps)) {
      assert.strictEqual(h.code, 0, h.all);
      assert.match(h.all, /cognigy:init/);
    }
    assert.ok(!fs.existsSync(stale), 'a file no source compiles to is removed');
    assert.ok(!fs.existsSync(path.join(checkout, '.tmp')) || fs.readdirSync(path.join(checkout, '.tmp')).length === 0, 'no scratch left');
  });

  it('the pack + install block: installs the tarball (manifest shipped, no sources) into a new HOME', async () => {
    const home = freshHome();
    const r = await sh(checkoutBlocks()[1], { cwd: checkout, env: shellEnv(home), input: 'y\n', timeoutMs: 480_000 });
    assert.strictEqual(r.code, 0, r.out.slice(-4000));
    const listing = execFileSync('tar', ['tzf', path.join(checkout, 'twilio-plugin-cognigy-0.1.0.tgz')], { encoding: 'utf8' });
    assert.match(listing, /package\/oclif\.manifest\.json/);
    assert.notMatch(listing, /package\/(src|test)\//, 'only bin, dist and the manifest ship');
    const plugins = await runCli(home, ['plugins']);
    assert.match(plugins.stdout, /twilio-plugin-cognigy 0\.1\.0/);
    const chat = await runCli(home, ['cognigy:test-chat', '--demo', '-m', 'hello', '-m', 'agent', '-o', 'json'], { timeoutMs: 60_000 });
    assert.strictEqual(chat.code, 0, chat.all);
    const report = JSON.parse(chat.stdout);
    assert.strictEqual(report.handedOver, true);
    assert.ok(report.transcript.some((e: any) => e.from === 'bot'));
  });

  it('without the plugin in this HOME a command exits 0 silently, and the README says what that means', async () => {
    const r = await runCli(freshHome(), ['cognigy:init', '--yes']);
    assert.strictEqual(r.code, 0);
    assert.strictEqual(r.all.trim(), '', 'the host prints nothing for a command it does not know');
    assert.match(README, /exits 0 and prints nothing means the plugin is not installed for this\s+`HOME`/);
    assert.match(README, /`twilio plugins` lists\s+what is installed/);
  });
});
