import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';

/*
 * The folder layering of src/ (.dependency-cruiser.js, docs/architecture.md): checked here
 * so `npm test` (and CI) refuses an import upwards, sideways or in a cycle, not only
 * `npm run lint`. dependency-cruiser reads the imports as the TypeScript compiler does,
 * type-only imports included.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const config = require(path.join(ROOT, '.dependency-cruiser.js'));

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

async function violations(baseDir: string): Promise<Violation[]> {
  const { cruise } = await import('dependency-cruiser');
  const result = await cruise(
    ['src'],
    { ...config.options, baseDir, ruleSet: { forbidden: config.forbidden }, validate: true },
    { extensions: ['.ts', '.js', '.json'] },
  );
  const output = result.output as { summary: { violations: Violation[] } };
  return output.summary.violations.map((v) => ({ from: v.from, to: v.to, rule: { name: v.rule.name } }));
}

const line = (v: Violation) => `${v.rule.name}: ${v.from} → ${v.to}`;

describe('the layers of src/', () => {
  it('no import goes upwards, sideways or in a cycle', async () => {
    assert.deepStrictEqual((await violations(ROOT)).map(line), []);
  });

  describe('a planted violation is refused', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      };
      // runtime (low) imports tasks (high): upwards.
      write('src/lib/runtime/low.ts', "import { high } from '../tasks/high';\nexport const low = () => high;\n");
      write('src/lib/tasks/high.ts', 'export const high = 1;\n');
      // Two files of one folder import each other: allowed by the layers, refused as a cycle.
      write('src/lib/studio/x.ts', "import { y } from './y';\nexport const x = () => y;\n");
      write('src/lib/studio/y.ts', "import { x } from './x';\nexport const y = () => x;\n");
      // Two modules of one layer (cognigy, twilio) may not import each other.
      write('src/lib/cognigy/a.ts', "import { b } from '../twilio/b';\nexport const a = b;\n");
      write('src/lib/twilio/b.ts', 'export const b = 1;\n');
      // Shipped code never imports a test file.
      write('src/lib/studio/c.ts', "import { d } from '../../../test/d';\nexport const c = d;\n");
      write('test/d.ts', 'export const d = 1;\n');
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('upwards, sideways, in a cycle and into the tests: each named with its rule', async () => {
      const found = (await violations(dir)).map(line).sort();
      assert.deepStrictEqual(found, [
        'layer-cognigy: src/lib/cognigy/a.ts → src/lib/twilio/b.ts',
        'layer-runtime: src/lib/runtime/low.ts → src/lib/tasks/high.ts',
        'no-circular: src/lib/studio/x.ts → src/lib/studio/y.ts',
        'src-not-from-test: src/lib/studio/c.ts → test/d.ts',
      ]);
    });
  });
});
