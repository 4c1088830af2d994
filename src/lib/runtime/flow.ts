import type { ChannelModel } from '../domain/setup';
import type { FlowDefinition, WidgetState } from '../domain/flow';
import { TRIGGER_EVENT } from '../domain/studio';
import { TemplateCache } from './liquid';

/**
 * A definition prepared for running: states by name and a template cache shared by every
 * session on the same definition object (a benchmark or a script runner starts many).
 */
export interface CompiledFlow {
  readonly definition: FlowDefinition;
  readonly states: ReadonlyMap<string, WidgetState>;
  readonly templates: TemplateCache;
}

const compiled = new WeakMap<FlowDefinition, CompiledFlow>();

export function compileFlow(definition: FlowDefinition): CompiledFlow {
  let flow = compiled.get(definition);
  if (!flow) {
    const states = new Map<string, WidgetState>();
    for (const state of definition.states ?? []) if (!states.has(state.name)) states.set(state.name, state);
    flow = { definition, states, templates: new TemplateCache() };
    compiled.set(definition, flow);
  }
  return flow;
}

export type TriggerChoice =
  | { ok: true; model: ChannelModel; event: string; next: string }
  | { ok: false; message: string };

/**
 * Picks the trigger event a messaging execution starts with: the one the flow wires (has
 * a `next`); when both messaging events are wired, `preferred` decides (default:
 * Conversations, the current Flex model).
 */
export function chooseTrigger(flow: CompiledFlow, preferred?: ChannelModel, event?: OtherStartEvent): TriggerChoice {
  const name = flow.definition.initial_state;
  const trigger = flow.states.get(name);
  if (!trigger) return { ok: false, message: `the initial state "${name}" is not in the flow` };
  if (trigger.type !== 'trigger') {
    return { ok: false, message: `the initial state "${name}" has type "${trigger.type}", not "trigger"` };
  }
  const wired = wiredEvents(flow.definition);
  if (event) {
    const next = wired.get(event);
    if (!next) return { ok: false, message: `the trigger "${name}" does not wire "${event}"` };
    // The channel model still decides how messages are addressed; a REST or subflow start has no inbound message.
    return { ok: true, model: preferred ?? 'conversations', event, next };
  }
  const legacy = wired.get(TRIGGER_EVENT.legacy);
  const conversations = wired.get(TRIGGER_EVENT.conversations);
  const pick = (model: ChannelModel, next: string): TriggerChoice => ({
    ok: true,
    model,
    event: TRIGGER_EVENT[model],
    next,
  });
  if (legacy && conversations) {
    return (preferred ?? 'conversations') === 'legacy' ? pick('legacy', legacy) : pick('conversations', conversations);
  }
  if (legacy) return pick('legacy', legacy);
  if (conversations) return pick('conversations', conversations);
  const what = wired.size ? `it wires only ${[...wired.keys()].map((e) => `"${e}"`).join(', ')}` : 'it wires no trigger event';
  return {
    ok: false,
    message: `the trigger "${name}" starts no messaging execution: ${what}; the local runner needs "incomingMessage" (legacy Flex) or "incomingConversationMessage" (Flex Conversations)`,
  };
}

/** Starts other than a customer's message: a REST API execution, a subflow run on its own. */
export type OtherStartEvent = 'incomingRequest' | 'incomingParent';

/** The trigger's wired events (those with a `next`), by event. */
export function wiredEvents(definition: FlowDefinition): Map<string, string> {
  const wired = new Map<string, string>();
  const trigger = definition.states?.find((s) => s.name === definition.initial_state);
  if (trigger?.type !== 'trigger') return wired;
  for (const t of trigger.transitions ?? []) if (t.next) wired.set(t.event, t.next);
  return wired;
}

/**
 * How a local run starts a flow: with the customer's message when the trigger wires a
 * messaging event, unless parameters were given for a REST execution; a flow wiring only
 * `incomingRequest` or `incomingParent` starts that way (its parameters become flow.data).
 */
export function startEventFor(definition: FlowDefinition, withParameters: boolean): OtherStartEvent | undefined {
  const wired = wiredEvents(definition);
  const messaging = Object.values(TRIGGER_EVENT).some((e) => wired.has(e));
  if (withParameters) return wired.has('incomingRequest') ? 'incomingRequest' : wired.has('incomingParent') ? 'incomingParent' : undefined;
  if (messaging) return undefined;
  return wired.has('incomingRequest') ? 'incomingRequest' : wired.has('incomingParent') ? 'incomingParent' : undefined;
}
