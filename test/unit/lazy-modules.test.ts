import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import { assert } from 'chai';

/*
 * What a run loads before its first conversation is start-up every user pays: the main
 * thread of every test-chat and each worker thread of a replay. The yaml package is
 * loaded when a YAML file is read (a script, a stub file, a recording edited by hand),
 * never by loading the interpreter or the runner (it was 40 of their 95 ms).
 */

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs `code` in a fresh node (src/ through tsx) and says whether the yaml package got loaded. */
function loadsYaml(code: string): boolean {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '-e', `${code}; process.stdout.write(String(Object.keys(require.cache).some((f) => f.includes('${path.sep}node_modules${path.sep}yaml${path.sep}'))));`],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  assert.match(out, /^(true|false)$/, out);
  return out === 'true';
}

describe('modules a run loads', () => {
  it('the interpreter, the scripted runner and the conversation driver load without the yaml package', () => {
    assert.isFalse(loadsYaml("require('./src/lib/tasks/run-scripts'); require('./src/lib/runtime'); require('./src/lib/conversation/driver')"));
  });

  it('a stub file loads it when it is read (the check above would see it)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-lazy-'));
    const file = path.join(dir, 'stubs.yaml');
    fs.writeFileSync(file, 'stubs:\n  - url: https://api.example.com/x\n    status: 200\n    body: ok\n');
    try {
      assert.isTrue(loadsYaml(`require('./src/lib/runtime/stubs').readStubFile(${JSON.stringify(file)})`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
