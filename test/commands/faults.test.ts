import { describe, it, before, after } from 'mocha';
import { assert } from 'chai';
import { startWorld, World } from '../helpers/stand-ins';
import type { FaultRule } from '../stand-ins/twilio';
import { twilioRequest } from '../helpers/twilio-direct';

/**
 * Each fault kind the fake can inject, on the calls each command makes: the command
 * completes with the right end state (never a duplicate flow), or stops with a message
 * that says a re-run is safe. The number of scenarios is a README figure.
 */
const flowsNamed = (w: World, name: string) => [...w.fake.state.flows.values()].filter((f) => f.friendly_name === name);

interface Scenario {
  name: string;
  faults: FaultRule[];
  command: 'init' | 'create' | 'update' | 'test-chat' | 'address' | 'flex-flow';
}

const ADDRESS_WRITE = /\/conversations\/v1\/Configuration\/Addresses\/IG/;
const FLEX_FLOW_WRITE = /\/flex-api\/v1\/FlexFlows\/FO/;

const SCENARIOS: Scenario[] = [
  { name: 'init: 429 with Retry-After on every first read', command: 'init', faults: [{ kind: '429', retryAfter: 1, method: 'GET', times: 3 }] },
  { name: 'init: 503 on reads', command: 'init', faults: [{ kind: '503', method: 'GET', times: 3 }] },
  { name: 'init: connection resets on reads', command: 'init', faults: [{ kind: 'reset', method: 'GET', times: 3 }] },
  { name: 'init: slow answers', command: 'init', faults: [{ kind: 'slow', delayMs: 1500, method: 'GET', times: 2 }] },
  { name: 'link-flow create: 429 on the create', command: 'create', faults: [{ kind: '429', retryAfter: 0, method: 'POST', path: /\/v2\/Flows$/, times: 2 }] },
  { name: 'link-flow create: 503 on the create (not applied)', command: 'create', faults: [{ kind: '503', method: 'POST', path: /\/v2\/Flows$/, times: 1 }] },
  { name: 'link-flow create: the create succeeds but answers 503', command: 'create', faults: [{ kind: 'succeed-then-503', method: 'POST', path: /\/v2\/Flows$/, times: 1 }] },
  { name: 'link-flow create: the connection resets on the create', command: 'create', faults: [{ kind: 'reset', method: 'POST', path: /\/v2\/Flows$/, times: 1 }] },
  { name: 'link-flow create: 503 on Validate', command: 'create', faults: [{ kind: '503', method: 'POST', path: /Validate$/, times: 2 }] },
  { name: 'link-flow update: the update succeeds but answers 503', command: 'update', faults: [{ kind: 'succeed-then-503', method: 'POST', path: /\/v2\/Flows\/FW/, times: 1 }] },
  { name: 'link-flow update: resets and 503 on the update', command: 'update', faults: [{ kind: 'reset', method: 'POST', path: /\/v2\/Flows\/FW/, times: 1 }, { kind: '503', method: 'POST', path: /\/v2\/Flows\/FW/, times: 1 }] },
  { name: 'link-flow update: 503 on every update (gives up, says a re-run is safe)', command: 'update', faults: [{ kind: '503', method: 'POST', path: /\/v2\/Flows\/FW/, times: 20 }] },
  { name: 'link-flow create: slow answers', command: 'create', faults: [{ kind: 'slow', delayMs: 1500, times: 4 }] },
  { name: 'link-flow update: slow answers on the read and the update', command: 'update', faults: [{ kind: 'slow', delayMs: 1500, method: 'GET', times: 1 }, { kind: 'slow', delayMs: 1500, method: 'POST', path: /\/v2\/Flows\/FW/, times: 1 }] },
  { name: 'link-flow --address: 503 on the address write (not applied)', command: 'address', faults: [{ kind: '503', method: 'POST', path: ADDRESS_WRITE, times: 1 }] },
  { name: 'link-flow --address: the address write succeeds but answers 503', command: 'address', faults: [{ kind: 'succeed-then-503', method: 'POST', path: ADDRESS_WRITE, times: 1 }] },
  { name: 'link-flow --flex-flow: 503 on the Flex Flow write (not applied)', command: 'flex-flow', faults: [{ kind: '503', method: 'POST', path: FLEX_FLOW_WRITE, times: 1 }] },
  { name: 'link-flow --flex-flow: the Flex Flow write succeeds but answers 503', command: 'flex-flow', faults: [{ kind: 'succeed-then-503', method: 'POST', path: FLEX_FLOW_WRITE, times: 1 }] },
  { name: 'test-chat --flow: 503 and a reset on the fetch', command: 'test-chat', faults: [{ kind: '503', method: 'GET', times: 1 }, { kind: 'reset', method: 'GET', times: 1 }] },
];

export const FAULT_SCENARIOS = SCENARIOS.length;

describe(`faults: ${SCENARIOS.length} scenarios`, () => {
  for (const s of SCENARIOS) {
    describe(s.name, () => {
      let world: World;
      before(async () => {
        world = await startWorld({ inProcess: true });
        if (s.command !== 'init') {
          const init = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--yes']);
          assert.strictEqual(init.code, 0, init.all);
        }
        if (s.command !== 'init' && s.command !== 'create') {
          const create = await world.run(['cognigy:link-flow']);
          assert.strictEqual(create.code, 0, create.all);
        }
      });
      after(async () => world?.close());

      it('ends in the right state, or stops saying a re-run is safe', async () => {
        for (const f of s.faults) world.fake.faults.add(f);
        let fired = 0;
        if (s.command === 'init') {
          const r = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--yes', '-o', 'json']);
          assert.strictEqual(r.code, 0, r.all);
          assert.strictEqual(JSON.parse(r.stdout).setup.workflow.name, 'Assign to Anyone');
        } else if (s.command !== 'test-chat') {
          const seeded = world.fake.state.seeded!;
          const entryPoint = { address: ['--address', seeded.phoneNumber], 'flex-flow': ['--flex-flow', seeded.flexFlowSid] } as Record<string, string[]>;
          const args = ['cognigy:link-flow', ...(s.command === 'update' ? ['--escalation-key', 'handover'] : entryPoint[s.command] ?? [])];
          const r = await world.run(args);
          if (r.code !== 0) {
            assert.match(r.stderr, /re-?run|again/i, r.all);
            fired = world.fake.faults.fired.length;
            world.fake.faults.clear();
            const again = await world.run(args);
            assert.strictEqual(again.code, 0, again.all);
          }
          const flows = flowsNamed(world, 'Cognigy Bot Flow');
          assert.strictEqual(flows.length, 1, 'exactly one flow');
          if (s.command === 'update') assert.match(JSON.stringify(flows[0].definition), /parsed\.data\[\\"handover\\"\]/);
          if (entryPoint[s.command]) {
            const points =
              s.command === 'address'
                ? (await twilioRequest(world, 'GET', `/conversations/v1/Configuration/Addresses/${seeded.addressConfigurationSid}`)).auto_creation.studio_flow_sid
                : (await twilioRequest(world, 'GET', `/flex-api/v1/FlexFlows/${seeded.flexFlowSid}`)).integration.flow_sid;
            assert.strictEqual(points, flows[0].sid, 'the entry point starts the flow');
            const writes = world.fake.writes().length;
            const rerun = await world.run(args);
            assert.strictEqual(rerun.code, 0, rerun.all);
            assert.match(rerun.stdout, /already starts the flow/);
            assert.strictEqual(world.fake.writes().length, writes, 'a re-run writes nothing');
          }
        } else {
          const [flow] = flowsNamed(world, 'Cognigy Bot Flow');
          const r = await world.run(['cognigy:test-chat', '--flow', flow.sid, '-m', 'hello', '-o', 'json']);
          assert.strictEqual(r.code, 0, r.all);
          assert.strictEqual(JSON.parse(r.stdout).transcript.find((e: any) => e.from === 'bot')?.text, 'You said: hello');
        }
        assert.ok(fired + world.fake.faults.fired.length > 0, 'the fault fired');
        assert.deepStrictEqual(world.fake.violations, []);
      });
    });
  }
});
