/**
 * The local Studio flow interpreter: runs a Studio flow definition (`FlowDefinition`) as
 * Studio would, against the real bot or any injected HTTP transport.
 *
 * - `FlowSession` is the driver the REPL, the script runner and the benchmarks use:
 *   `start(message)`, `reply(text)`, `silence()` each return a `Turn` with the events the
 *   flow produced (`message`, `wait`, `variables`, `http`, `function`, `split`,
 *   `handover`, `inbound`, `error`, `end`, see `events.ts`).
 * - `step(state, input)` is the pure core under it: it runs widgets until the execution
 *   needs I/O (an `Effect`: an HTTP call or a customer reply) or ends. `createRunState`
 *   makes the first state.
 * - Liquid renders as Studio's (strings, `true` → "true", missing → empty, objects as
 *   JSON, `to_json`, `for` capped at 15, errors are 81018); each template is parsed once
 *   per definition. `include`/`render`/`layout` read no files (81018), and one render is
 *   bounded (10 M allocated elements, 2 s, 128 k characters of output: 81018 past them)
 *   so no flow can freeze or crash the process.
 * - Studio's limits apply: 1,000 steps, one widget 10 times in a row, 30 days per
 *   execution, 10 s and 64 kB per HTTP call, 1,024 characters of Flex task attributes
 *   (over them, the task is refused: `failedToEnqueue`).
 *
 * Modelled widgets: trigger, set-variables, make-http-request, split-based-on (17
 * condition types, see `conditions.ts`), send-and-wait-for-reply, send-message (to the
 * customer or another address, media, content templates), send-to-flex (`callComplete`
 * once the task exists, `failedToEnqueue` when TaskRouter would refuse it; the execution
 * then ends with reason `handover`), run-function (a URL-less export through `functions`),
 * run-subflow (the child from `subflows`, in the same execution). Executions start with a
 * customer message, or (`FlowSession.begin`) as a REST API execution or a subflow on its
 * own. `stubs` answer HTTP calls locally. Any other type stops the execution with an error
 * naming the widget and its type. `fidelity.ts` says, widget by widget, what Studio
 * documents and what this does (docs/fidelity-widgets.md is written from it);
 * docs/fidelity.md says how faithful the whole run is and why.
 *
 * Choices where Studio's documentation is silent:
 * - conditions ignore case and trim (Twilio's note on Split Based On); see `conditions.ts`
 *   for the time/date/number rules;
 * - "10 times in a row" means consecutive runs of the same widget (a self-loop); a loop
 *   through several widgets runs into the 1,000-step limit instead (Studio's FAQ says so);
 *   the 11th consecutive run is refused, so 10 runs happen;
 * - the trigger counts as a step; steps accumulate over the whole execution;
 * - after a send-to-flex created the task, a send-and-wait-for-reply ends the execution
 *   (the customer's messages reach the agent, not the flow);
 * - a trigger wiring both messaging events runs the one `channelModel` names (default
 *   Conversations); a trigger wiring neither is an error naming what it wires;
 * - chat and Conversations messages get IM… SIDs; `ids` feeds the 32 hex digits;
 * - `make-http-request` with GET puts form parameters in the query string;
 * - Liquid's `"now"` reads the real time, not the injected clock.
 */
export type * from './events';
export { FlowSession, type Clock, type FlowSessionOptions, type Turn } from './session';
export {
  createRunState,
  step,
  StepInputError,
  STUDIO_LIMITS,
  type CreateRunOptions,
  type RunState,
  type RunStatus,
  type RuntimeEnv,
  type RuntimeLimits,
  type StepInput,
  type StepResult,
} from './step';
export { DEFAULT_FLEX_ATTRIBUTES, type Effect, type Pending } from './widgets';
export { evaluateCondition, type ConditionVerdict } from './conditions';
export {
  TemplateCache,
  TemplateError,
  studioLiquid,
  renderAsStudio,
  TEMPLATE_ERROR_CODE,
  MAX_FOR_ITERATIONS,
  MAX_RENDERED_CHARS,
  MAX_RENDER_MEMORY,
  MAX_RENDER_MS,
} from './liquid';
export {
  classifyHttpResult,
  formEncode,
  parseJsonObject,
  type HttpResult,
} from './http-call';
export { chooseTrigger, compileFlow, type CompiledFlow, type TriggerChoice } from './flow';
export type { FlowContext } from './context';
export { sequentialIds, sidFactory, type IdSource, type SidFactory } from './sids';
