import { describe, it } from 'mocha';
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { CognigyError } from '../../../src/lib/errors';
import {
  buildFlow,
  diffFlows,
  lintFlow,
  patchFlow,
  toMermaid,
  type LintIssue,
  type PatchOptions,
} from '../../../src/lib/studio';
import type { FlowDefinition, WidgetState } from '../../../src/lib/domain/flow';
import { definition, runs, SEED, template, widgetState } from './arbitraries';
import { lintFindingText } from '../../../src/printers/lint';

const ENDPOINT = 'https://endpoint-trial.cognigy.ai/7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const WORKFLOW = 'WW0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const TASK_CHANNEL = 'TC9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const FIXTURES = path.join(__dirname, '../../fixtures/flows');
const fixtures = fs.readdirSync(FIXTURES).map((f) => JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')) as FlowDefinition);

/** Mostly valid options (so patches happen), sometimes any of the invalid values. */
const choose = <T, U>(valid: T[], invalid: U[]) => fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom<T | U>(...valid, ...invalid) });
const patchOptions: fc.Arbitrary<PatchOptions> = fc.record({
  endpointUrl: choose([ENDPOINT, `${ENDPOINT}?x=1`], ['ftp://nope', 'https://host/', 'not a url']),
  testMode: fc.boolean(),
  channelModel: fc.constantFrom('conversations' as const, 'legacy' as const),
  escalationKey: choose(['escalation', 'handover.requested'], ['bad key', '']),
  onBotFailure: fc.constantFrom('escalate' as const, 'end' as const),
  workflowSid: choose([WORKFLOW], ['WW123']),
  taskChannelSid: choose([TASK_CHANNEL], ['TC']),
  overrideFlexTarget: fc.boolean(),
  replyTimeoutSeconds: choose([undefined, 60], [0, 1.5]),
  description: fc.option(fc.string(), { nil: undefined }),
});

/** A widget Studio accepts, so a patch can be judged on what it adds. */
const flexWidget = (name: string, attributes: string): WidgetState => ({
  name,
  type: 'send-to-flex',
  properties: { offset: { x: 10, y: 400 }, workflow: WORKFLOW, channel: TASK_CHANNEL, attributes },
  transitions: [{ event: 'callComplete' }, { event: 'failedToEnqueue' }, { event: 'callFailure' }],
});

/**
 * Flows link-flow meets: the fixtures, flows it built or patched before, and random
 * definitions whose trigger leads to a send-to-flex (with any attributes), to nothing,
 * or to anything else.
 */
const existingFlow: fc.Arbitrary<FlowDefinition> = fc.oneof(
  fc.constantFrom(...fixtures),
  patchOptions.map((o) => {
    try {
      return buildFlow(o);
    } catch {
      return fixtures[0]; // invalid options: buildFlow's own UsageError, tested elsewhere
    }
  }),
  fc
    .tuple(definition, fc.constantFrom('incomingMessage', 'incomingConversationMessage'), fc.constantFrom('Flex', undefined, 'A', 'SetUserText'), fc.oneof(template, fc.constantFrom('{"a": "{{x}}"}', '{"cognigy": 1, "b": {"c": "{{flow.variables.x | to_json}}"}}')))
    .map(([def, event, next, attributes]) => {
      const flow = structuredClone(def);
      const trigger = flow.states.find((s) => s.type === 'trigger');
      if (trigger) {
        trigger.transitions = trigger.transitions.filter((t) => t.event !== event);
        trigger.transitions.push(next ? { event, next } : { event });
      }
      flow.states.push(flexWidget('Flex', attributes));
      return flow;
    }),
);

const key = (i: LintIssue) => `${i.severity}|${i.widget ?? ''}|${i.property ?? ''}|${i.code}|${lintFindingText(i)}`;

/** The same flow with canvas offsets moved, added or removed. */
function moveOffsets(def: FlowDefinition, moves: Array<{ x: number; y: number } | null | undefined>): FlowDefinition {
  const moved = structuredClone(def);
  moved.states.forEach((s, i) => {
    const m = moves[i % Math.max(1, moves.length)];
    if (m === undefined) return;
    if (m === null) delete s.properties.offset;
    else s.properties.offset = m;
  });
  return moved;
}

/** Loose JSON where a definition is expected: lint reads files users wrote by hand. */
const looseDefinition: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  fc.record(
    {
      description: fc.jsonValue({ maxDepth: 1 }),
      initial_state: fc.jsonValue({ maxDepth: 1 }),
      flags: fc.jsonValue({ maxDepth: 1 }),
      states: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.array(
          fc.oneof(
            widgetState(fc.constantFrom('A', 'B')),
            fc.record(
              {
                name: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 }), fc.constant({ toString: null })),
                type: fc.oneof(fc.constantFrom('trigger', 'split-based-on', 'send-message'), fc.jsonValue({ maxDepth: 1 })),
                properties: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ input: fc.jsonValue({ maxDepth: 1 }), variables: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] })),
                transitions: fc.oneof(
                  fc.jsonValue({ maxDepth: 2 }),
                  fc.array(
                    fc.record(
                      {
                        event: fc.oneof(fc.constantFrom('match', 'next', 'noMatch'), fc.jsonValue({ maxDepth: 1 }), fc.constant({ toString: null })),
                        next: fc.oneof(fc.constantFrom('A', 'B'), fc.jsonValue({ maxDepth: 1 }), fc.constant({ toString: null })),
                        conditions: fc.oneof(
                          fc.jsonValue({ maxDepth: 2 }),
                          fc.array(fc.record({ type: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 }), fc.constant({ toString: null })), value: fc.jsonValue({ maxDepth: 1 }), arguments: fc.jsonValue({ maxDepth: 1 }), friendly_name: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] })),
                        ),
                      },
                      { requiredKeys: [] },
                    ),
                  ),
                ),
              },
              { requiredKeys: [] },
            ),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          { maxLength: 5 },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

describe('property: Studio lint, diff and patch on random flows', () => {
  it('lintFlow never throws, whatever JSON it is given, and reports well-formed issues', () => {
    fc.assert(
      fc.property(fc.oneof(definition, looseDefinition), (def) => {
        const issues = lintFlow(def as FlowDefinition);
        assert.ok(Array.isArray(issues));
        for (const i of issues) {
          assert.ok(i.severity === 'error' || i.severity === 'warning');
          assert.ok(lintFindingText(i).length > 0, JSON.stringify(i));
          if (i.widget !== undefined) assert.strictEqual(typeof i.widget, 'string');
          if (i.property !== undefined) assert.strictEqual(typeof i.property, 'string');
        }
      }),
      { seed: SEED, numRuns: runs(500) },
    );
  });

  it('diffFlows: a flow equals itself, and canvas offsets are never a difference', () => {
    const move = fc.option(fc.record({ x: fc.integer({ min: -5000, max: 5000 }), y: fc.integer({ min: -5000, max: 5000 }) }), { nil: null });
    fc.assert(
      fc.property(fc.oneof(definition, existingFlow), fc.array(fc.option(move, { nil: undefined }), { maxLength: 8 }), (def, moves) => {
        assert.deepStrictEqual(diffFlows(def, def), []);
        assert.deepStrictEqual(diffFlows(def, structuredClone(def)), []);
        const moved = moveOffsets(def, moves);
        assert.deepStrictEqual(diffFlows(def, moved), []);
        assert.deepStrictEqual(diffFlows(moved, def), []);
        assert.strictEqual(typeof toMermaid(def), 'string');
      }),
      { seed: SEED, numRuns: runs(300) },
    );
  });

  it('patchFlow returns a flow with no new lint errors (and is idempotent), or throws CognigyError', () => {
    fc.assert(
      fc.property(existingFlow, patchOptions, (existing, options) => {
        const before = new Set(lintFlow(existing).filter((i) => i.severity === 'error').map(key));
        const copy = structuredClone(existing);
        let result;
        try {
          result = patchFlow(existing, options);
        } catch (error) {
          assert.ok(error instanceof CognigyError, `patchFlow threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
          return;
        } finally {
          assert.deepStrictEqual(existing, copy, 'patchFlow changed the flow it was given');
        }
        const introduced = lintFlow(result.definition).filter((i) => i.severity === 'error' && !before.has(key(i)));
        assert.deepStrictEqual(introduced, [], 'the patch introduced lint errors');
        const again = patchFlow(result.definition, options);
        assert.strictEqual(again.changed, false, 'patching twice differs from patching once');
        assert.deepStrictEqual(diffFlows(result.definition, again.definition), []);
      }),
      { seed: SEED, numRuns: runs(300) },
    );
  });
});
