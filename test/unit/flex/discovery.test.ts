import { describe, it } from 'mocha';
import { assert } from 'chai';
import { describeEntryPoints } from '../../../src/lib/flex/discovery';
import { printEntryPoints } from '../../../src/printers/init';

describe('describeEntryPoints', () => {
  it('a flow the account does not hold is a SID without a name; the printer names it "(unknown flow)"', () => {
    const known = `FW${'1'.repeat(32)}`;
    const gone = `FW${'2'.repeat(32)}`;
    const flexFlows = [
      { sid: `FO${'1'.repeat(32)}`, name: 'SMS', contactIdentity: '+15005550006', channelType: 'sms', integrationType: 'studio', flowSid: known },
      { sid: `FO${'2'.repeat(32)}`, name: 'Web', contactIdentity: '', channelType: 'web', integrationType: 'studio', flowSid: gone },
    ];
    const points = describeEntryPoints([], flexFlows as never, [{ sid: known, name: 'Messaging Flow' }] as never);
    assert.deepStrictEqual(
      points.map((p) => p.flow),
      [{ sid: known, name: 'Messaging Flow' }, { sid: gone }],
    );
    const lines: string[] = [];
    printEntryPoints({ log: (line: string) => lines.push(line) }, points);
    assert.deepStrictEqual(lines, [
      'Entry points today:',
      `  +15005550006 [sms] → "Messaging Flow" (${known})  (Flex Flow "SMS" FO${'1'.repeat(32)})`,
      `  (any) [web] → "(unknown flow)" (${gone})  (Flex Flow "Web" FO${'2'.repeat(32)})`,
    ]);
  });
});
