import { describe, it } from 'mocha';
import { assert } from 'chai';
import fc from 'fast-check';
import { CognigyError } from '../../../src/lib/errors';
import { HttpFailure, type HttpRequest, type HttpResponse } from '../../../src/lib/http/types';
import {
  createRunState,
  FlowSession,
  sequentialIds,
  sidFactory,
  step,
  StepInputError,
  STUDIO_LIMITS,
  type HttpResult,
  type RunState,
  type StepInput,
  type StepResult,
  type Turn,
} from '../../../src/lib/runtime';
import { action, answer, assertJsonData, customerText, definition, runs, SEED, type Answer } from './arbitraries';

/** A transport that plays the generated answers in a cycle, as the bot or any web service would. */
function transport(answers: Answer[]): (request: HttpRequest) => Promise<HttpResponse> {
  let index = 0;
  return async () => {
    const a = answers[index++ % answers.length];
    if (a.kind === 'response') return a.response;
    if (a.kind === 'failure') throw new HttpFailure(a.failure, `simulated ${a.failure}`, a.elapsedMs);
    throw a.value;
  };
}

function clock(): { now(): number } {
  let t = 1_700_000_000_000;
  return { now: () => (t += 7) };
}

/** What every resolved turn must look like. */
function checkTurn(session: FlowSession, turn: Turn): void {
  assert.ok(session.runState.steps <= STUDIO_LIMITS.maxSteps, `ran ${session.runState.steps} steps`);
  const status = session.runState.status;
  assert.ok(status === 'ended' || status === 'waiting-reply', `a turn resolved while the execution is ${status}`);
  assert.strictEqual(turn.waiting !== undefined, status === 'waiting-reply');
  if (turn.ended) assert.strictEqual(status, 'ended');
  assertJsonData(turn.events);
  assert.deepStrictEqual(JSON.parse(JSON.stringify(turn.events)), JSON.parse(JSON.stringify(turn.events)));
  for (const event of turn.events) assert.strictEqual(typeof event.type, 'string');
}

/** Runs one call: it resolves to a well-formed turn or rejects with the plugin's own error only. */
async function play(session: FlowSession, call: () => Promise<Turn>, expectRefusal: boolean): Promise<void> {
  let turn: Turn;
  try {
    turn = await call();
  } catch (error) {
    assert.ok(error instanceof CognigyError, `a turn rejected with ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    assert.ok(expectRefusal, `an allowed call was refused: ${error.message}`);
    assert.strictEqual(error.code, 'flow-not-waiting');
    return;
  }
  assert.ok(!expectRefusal, 'a call the session was not ready for was accepted');
  checkTurn(session, turn);
}

describe('property: the interpreter runs any definition without crashing', () => {
  it('FlowSession: every turn resolves (or is refused with CognigyError) and stays within Studio limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        definition,
        customerText,
        fc.array(action, { maxLength: 6 }),
        fc.array(answer, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('legacy' as const, 'conversations' as const, undefined),
        async (def, first, actions, answers, channelModel) => {
          const session = new FlowSession(def, { http: transport(answers), ids: sequentialIds(), clock: clock(), channelModel });
          await play(session, () => session.start(first), false);
          for (const a of actions) {
            if (a.kind === 'misuse') {
              const ready = a.call === 'start' ? false : session.waiting;
              const call = a.call === 'start' ? () => session.start('again') : a.call === 'reply' ? () => session.reply('x') : () => session.silence();
              await play(session, call, !ready);
              continue;
            }
            if (!session.waiting) break;
            await play(session, a.kind === 'reply' ? () => session.reply(a.text) : () => session.silence(), false);
          }
          assertJsonData(session.events);
        },
      ),
      { seed: SEED, numRuns: runs(300) },
    );
  });

  it('step() is pure: same state and input give deep-equal results, and the input state is not mutated', () => {
    const httpResult: fc.Arbitrary<HttpResult> = answer.map((a) =>
      a.kind === 'response'
        ? { kind: 'response', response: a.response }
        : a.kind === 'failure'
          ? { kind: 'failure', reason: a.failure, message: `simulated ${a.failure}`, elapsedMs: a.elapsedMs }
          : { kind: 'failure', reason: 'network', message: String(a.value), elapsedMs: 0 },
    );
    // Each item says what to feed when the state waits for a reply or an HTTP result;
    // `misuse` feeds an input of the wrong kind, which only StepInputError may refuse.
    const item = fc.record({ body: customerText, silent: fc.boolean(), result: httpResult, misuse: fc.boolean() });
    fc.assert(
      fc.property(definition, customerText, fc.array(item, { maxLength: 8 }), (def, first, items) => {
        // A SID source without memory: stepping the same state twice must give the same SIDs.
        let state: RunState = createRunState(def, { sid: sidFactory(() => '0'.repeat(32)) });
        const feed: Array<(s: RunState) => StepInput> = [
          () => ({ type: 'start', body: first, at: 1 }),
          ...items.map((i, n) => (s: RunState): StepInput => {
            const at = n + 2;
            const httpWanted = s.status === 'waiting-http';
            if (httpWanted !== i.misuse) return { type: 'http-result', result: i.result, at };
            return i.silent ? { type: 'silence', at } : { type: 'reply', body: i.body, at };
          }),
        ];
        for (const make of feed) {
          const next = make(state);
          const before = snapshot(state);
          let once: StepResult;
          try {
            once = step(state, next);
          } catch (error) {
            // Only a driver mistake (an input the state does not expect) may throw, and only as StepInputError.
            assert.ok(error instanceof StepInputError, `step threw ${String(error)}`);
            assert.ok(!fits(state, next), `step refused an input that fits: ${error.message}`);
            assert.deepStrictEqual(snapshot(state), before);
            continue;
          }
          assert.ok(fits(state, next), `step accepted ${next.type} while ${state.status}`);
          const twice = step(state, next);
          assert.deepStrictEqual(snapshot(state), before, 'step mutated its input state');
          assert.deepStrictEqual(twice.events, once.events);
          assert.deepStrictEqual(snapshot(twice.state), snapshot(once.state));
          assert.deepStrictEqual(twice.effect, once.effect);
          assert.ok(once.state.steps <= STUDIO_LIMITS.maxSteps);
          assertJsonData(once.events);
          state = once.state;
        }
      }),
      { seed: SEED, numRuns: runs(300) },
    );
  });
});

function snapshot(state: RunState): unknown {
  const { flow: _flow, env: _env, ...rest } = state;
  return structuredClone(rest);
}

function fits(state: RunState, input: StepInput): boolean {
  switch (input.type) {
    case 'start':
      return state.status === 'ready';
    case 'reply':
    case 'silence':
      return state.status === 'waiting-reply';
    case 'http-result':
      return state.status === 'waiting-http';
  }
}
