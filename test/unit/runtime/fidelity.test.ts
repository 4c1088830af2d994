import { describe, it } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import { PAGE, renderFidelityPage } from '../../../scripts/fidelity-doc';
import { SOURCES, WIDGET_FIDELITY } from '../../../src/lib/runtime/fidelity';
import { MODELLED_WIDGET_TYPES, WIDGET_TYPES } from '../../../src/lib/domain/widgets';

describe('the fidelity page (docs/fidelity-widgets.md)', () => {
  it('every widget type the interpreter runs has entries, and only those', () => {
    assert.deepStrictEqual(Object.keys(WIDGET_FIDELITY).sort(), [...MODELLED_WIDGET_TYPES].sort());
  });

  it('every transition event of a modelled widget says what the run does with it', () => {
    for (const type of MODELLED_WIDGET_TYPES) {
      const aspects = (WIDGET_FIDELITY[type] ?? []).map((entry) => entry.aspect);
      for (const event of WIDGET_TYPES[type].events) {
        assert.ok(aspects.includes(`event: ${event}`), `${type}: no fidelity entry for event "${event}"`);
      }
    }
  });

  it('a documented behaviour names its source; an assumption says the documentation is silent', () => {
    for (const [type, entries] of Object.entries(WIDGET_FIDELITY)) {
      for (const entry of entries) {
        if (entry.verdict !== 'assumed') assert.ok(SOURCES[entry.source], `${type} "${entry.aspect}": a documented behaviour needs its source`);
      }
    }
  });

  it('the committed page is the generated one (run: node --import tsx scripts/fidelity-doc.ts)', () => {
    assert.strictEqual(fs.readFileSync(PAGE, 'utf8'), renderFidelityPage());
  });
});
