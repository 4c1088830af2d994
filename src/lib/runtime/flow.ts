import type { ChannelModel } from '../setup/types';
import type { FlowDefinition, WidgetState } from '../studio/types';
import { TemplateCache } from './liquid';

/** Trigger events that start a messaging execution, by channel model. */
export const MESSAGING_TRIGGER_EVENTS: Record<ChannelModel, string> = {
  legacy: 'incomingMessage',
  conversations: 'incomingConversationMessage',
};

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
export function chooseTrigger(flow: CompiledFlow, preferred?: ChannelModel): TriggerChoice {
  const name = flow.definition.initial_state;
  const trigger = flow.states.get(name);
  if (!trigger) return { ok: false, message: `the initial state "${name}" is not in the flow` };
  if (trigger.type !== 'trigger') {
    return { ok: false, message: `the initial state "${name}" has type "${trigger.type}", not "trigger"` };
  }
  const wired = new Map<string, string>();
  for (const t of trigger.transitions ?? []) if (t.next) wired.set(t.event, t.next);
  const legacy = wired.get(MESSAGING_TRIGGER_EVENTS.legacy);
  const conversations = wired.get(MESSAGING_TRIGGER_EVENTS.conversations);
  const pick = (model: ChannelModel, next: string): TriggerChoice => ({
    ok: true,
    model,
    event: MESSAGING_TRIGGER_EVENTS[model],
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
