import { CognigyError } from '../errors';
import { mergeCognigyAttributes } from './attributes';
import { sendToFlexState, withOffset } from './build';
import { LoopNames, WIDGET, WidgetRole } from './constants';
import { sameFlow } from './diff';
import { CELL, flexFailureState, FLEX_FAILURE_EVENTS, gridOffset, loopGrid, loopStates } from './loop';
import { BuildOptions, checkBuildOptions } from './options';
import type { FlowDefinition, Offset, WidgetState } from '../domain/flow';
import { TRIGGER_EVENT } from '../domain/studio';

export interface PatchOptions extends BuildOptions {
  /**
   * Point a reused send-to-flex at `workflowSid` / `taskChannelSid`. By default the
   * widget keeps the routing it already has (someone chose it in the Console).
   */
  overrideFlexTarget?: boolean;
}

export interface PatchResult {
  definition: FlowDefinition;
  reused: {
    /** The loop was already in the flow and was updated in place. */
    loop: boolean;
    /** The existing send-to-flex the loop escalates to, if one was reused. */
    sendToFlex?: string;
    workflow?: string;
    channel?: string;
    /** The `cognigy` block was merged into the reused widget's attributes. */
    attributesMerged: boolean;
  };
  /** Widgets of the result that the existing flow did not have. */
  added: string[];
  /** Whether the result differs from the existing flow (canvas offsets aside). */
  changed: boolean;
  /** Things the user should know (attributes left alone, routing differs from the setup…), with codes. */
  warnings: PatchWarning[];
}

/** What patching kept as the existing flow had it, where the setup would have it otherwise. */
export type PatchWarning =
  /** The send-to-flex's attributes are not a JSON template: left as they are, so the agent gets no `cognigy` details. */
  | { code: 'attributes-not-json'; widget: string }
  /** The send-to-flex keeps its own workflow and task channel, not the setup's. */
  | { code: 'own-routing'; widget: string; workflow: string; channel: string };

/**
 * Put the bot loop between the channel model's trigger event and the send-to-flex it
 * led to, reusing that widget's routing and merging `cognigy` into its attributes.
 * Every other widget and transition is kept as it was. Behaviour by case:
 * - the event leads to the loop (an earlier patch): the loop is rebuilt in place, with
 *   the same names and canvas positions; patching twice equals patching once;
 * - the event leads to a send-to-flex: the loop goes in front of it;
 * - the event is not wired (or absent): the loop goes in with a new send-to-flex built
 *   from `workflowSid` / `taskChannelSid`;
 * - the event leads to anything else: CognigyError `flow-not-patchable`, since rewiring
 *   someone's own logic by guess could break their channel.
 * Widget names already taken outside the loop make the loop use `<name>_2`, `_3`…
 */
export function patchFlow(existing: FlowDefinition, options: PatchOptions): PatchResult {
  checkBuildOptions(options);
  const flow = structuredClone(existing);
  if (!flow || !Array.isArray(flow.states)) {
    throw new CognigyError('The existing flow has no states list.', { code: 'flow-not-patchable', hint: 'Export the flow from Studio again, or build a new one.' });
  }
  const malformed = flow.states.findIndex(
    (s) => !s || typeof s.name !== 'string' || typeof s.type !== 'string' || !Array.isArray(s.transitions) || !s.properties || typeof s.properties !== 'object',
  );
  if (malformed >= 0) {
    throw new CognigyError(`Widget ${malformed + 1} of the existing flow lacks a name, type, properties or transitions.`, {
      code: 'flow-not-patchable',
      hint: 'Export the flow from Studio again, or build a new one.',
    });
  }
  const triggers = flow.states.filter((s) => s.type === 'trigger');
  if (triggers.length !== 1) {
    throw new CognigyError(`The existing flow has ${triggers.length} trigger widgets; Studio flows have exactly one.`, { code: 'flow-not-patchable' });
  }
  const trigger = triggers[0];
  const event = TRIGGER_EVENT[options.channelModel];
  const byName = new Map(flow.states.map((s) => [s.name, s]));
  const entryName = trigger.transitions.find((t) => t.event === event)?.next;
  const entry = entryName === undefined ? undefined : byName.get(entryName);
  const old = entry ? findLoop(byName, entry) : undefined;
  const warnings: PatchWarning[] = [];

  let flex: WidgetState | undefined;
  if (old) flex = old.flex;
  else if (entry?.type === 'send-to-flex') flex = entry;
  else if (entryName !== undefined) {
    const what = entry ? `"${entry.name}" (${entry.type})` : `"${entryName}", which is not in the flow`;
    throw new CognigyError(`The trigger's ${event} leads to ${what}, not to a send-to-flex widget.`, {
      code: 'flow-not-patchable',
      hint: `link-flow only inserts the bot in front of a send-to-flex. Wire ${event} to one (or unwire it) in the Studio Console, or deploy a new flow with --flow-name.`,
      details: { event, next: entryName },
    });
  }

  const members = new Set(old ? [...old.members.values()].map((s) => s.name) : []);
  const kept = flow.states.filter((s) => !members.has(s.name));
  const names = chooseNames(new Set(kept.map((s) => s.name)), trigger.name, flex?.name);
  const grid = loopGrid(options.onBotFailure);
  const origin = loopOrigin(flow.states, trigger, old);
  const oldOffsets = new Map<WidgetRole, Offset>();
  for (const [role, state] of old?.members ?? []) if (state.properties.offset) oldOffsets.set(role, state.properties.offset);
  const place = (role: WidgetRole) => oldOffsets.get(role) ?? gridOffset(origin, grid[role]);

  const loop = loopStates(names, options).map(({ role, state }) => withOffset(state, place(role)));
  const added: string[] = [];
  let attributesMerged = false;
  if (flex) {
    const merged = typeof flex.properties.attributes === 'string' ? mergeCognigyAttributes(flex.properties.attributes, options.channelModel, names.callBot) : undefined;
    if (merged !== undefined) {
      flex.properties.attributes = merged;
      attributesMerged = true;
    } else {
      warnings.push({ code: 'attributes-not-json', widget: flex.name });
    }
    if (options.overrideFlexTarget) {
      flex.properties.workflow = options.workflowSid;
      flex.properties.channel = options.taskChannelSid;
    } else if (flex.properties.workflow !== options.workflowSid || flex.properties.channel !== options.taskChannelSid) {
      warnings.push({ code: 'own-routing', widget: flex.name, workflow: shown(flex.properties.workflow), channel: shown(flex.properties.channel) });
    }
    // The user's own failure wiring is kept; only an unwired failure would strand the
    // customer right after "connecting you to an agent".
    let unwired = false;
    for (const event of FLEX_FAILURE_EVENTS) {
      const t = flex.transitions.find((x) => x.event === event);
      if (t?.next) continue;
      unwired = true;
      if (t) t.next = names.flexFailed;
      else flex.transitions.push({ event, next: names.flexFailed });
    }
    if (unwired) loop.push(withOffset(flexFailureState(names.flexFailed, options.channelModel), place('flexFailed')));
  } else {
    loop.push(sendToFlexState(names.toFlex, options, names, place('toFlex')));
    loop.push(withOffset(flexFailureState(names.flexFailed, options.channelModel), place('flexFailed')));
  }

  const triggerIndex = kept.indexOf(trigger);
  const states = [...kept.slice(0, triggerIndex + 1), ...loop, ...kept.slice(triggerIndex + 1)];
  const wiring = trigger.transitions.find((t) => t.event === event);
  if (wiring) wiring.next = names.setText;
  else trigger.transitions.push({ event, next: names.setText });

  const definition: FlowDefinition = { ...flow, states };
  if (options.description !== undefined) definition.description = options.description;
  const before = new Set(existing.states.map((s) => s.name));
  for (const s of states) if (!before.has(s.name)) added.push(s.name);
  return {
    definition,
    reused: {
      loop: old !== undefined,
      sendToFlex: flex?.name,
      workflow: flex ? shown(flex.properties.workflow) : undefined,
      channel: flex ? shown(flex.properties.channel) : undefined,
      attributesMerged,
    },
    added,
    changed: !sameFlow(existing, definition),
    warnings,
  };
}

/** A property as text; `String()` would call the value's own `toString`, which JSON may override (`{"toString": null}`). */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

interface FoundLoop {
  members: Map<WidgetRole, WidgetState>;
  flex?: WidgetState;
}

/** A widget plays a loop role when its type fits and its name is the role's (maybe `_n`). */
function plays(state: WidgetState | undefined, role: WidgetRole, type: string): state is WidgetState {
  return !!state && state.type === type && new RegExp(`^${WIDGET[role]}(_\\d+)?$`).test(state.name);
}

/** Recognise a loop an earlier patch put in, walking from the trigger event's target. */
function findLoop(byName: Map<string, WidgetState>, entry: WidgetState): FoundLoop | undefined {
  const after = (s: WidgetState | undefined, event: string) => {
    const next = s?.transitions.find((t) => t.event === event)?.next;
    return next === undefined ? undefined : byName.get(next);
  };
  if (!plays(entry, 'setText', 'set-variables')) return undefined;
  const callBot = after(entry, 'next');
  if (!plays(callBot, 'callBot', 'make-http-request')) return undefined;
  const members = new Map<WidgetRole, WidgetState>([
    ['setText', entry],
    ['callBot', callBot],
  ]);
  const take = (role: WidgetRole, type: string, state: WidgetState | undefined) => {
    if (plays(state, role, type) && ![...members.values()].includes(state)) {
      members.set(role, state);
      return state;
    }
    return undefined;
  };
  // Loops patched in before ReadBotAnswer existed go straight to the escalation check.
  const read = take('readAnswer', 'set-variables', after(callBot, 'success'));
  const check = take('checkEscalation', 'split-based-on', read ? after(read, 'next') : after(callBot, 'success'));
  // Loops patched in before CheckBotText existed go straight to the reply.
  const checkReply = take('checkReply', 'split-based-on', after(check, 'noMatch'));
  const reply = take('reply', 'send-and-wait-for-reply', after(checkReply ?? check, 'noMatch'));
  const setReply = after(reply, 'incomingMessage');
  if (after(setReply, 'next') === callBot) take('setReply', 'set-variables', setReply);
  const tell = take('tellEscalation', 'send-message', after(check, 'match'));
  const failed = after(callBot, 'failed');
  const mark = take('markBotFailure', 'set-variables', failed);
  const botFailed = take('botFailed', 'send-message', mark ? after(mark, 'next') : failed);
  const flex = [after(tell, 'sent'), after(botFailed, 'sent')].find((s) => s?.type === 'send-to-flex');
  return { members, flex };
}

function chooseNames(taken: Set<string>, triggerName: string, flexName: string | undefined): LoopNames {
  const names = { ...WIDGET, trigger: triggerName } as LoopNames;
  for (const role of Object.keys(WIDGET) as WidgetRole[]) {
    if (role === 'trigger') continue;
    if (role === 'toFlex' && flexName !== undefined) {
      names.toFlex = flexName;
      continue;
    }
    let name: string = WIDGET[role];
    for (let n = 2; taken.has(name); n++) name = `${WIDGET[role]}_${n}`;
    taken.add(name);
    names[role] = name;
  }
  return names;
}

/**
 * Where cell (0, 0) of the loop grid is. An earlier loop keeps its place; a new loop
 * goes in a free band right of every widget, level with the trigger.
 */
function loopOrigin(states: WidgetState[], trigger: WidgetState, old: FoundLoop | undefined): Offset {
  const setText = old?.members.get('setText')?.properties.offset;
  if (setText) return { x: setText.x, y: setText.y - CELL.height };
  const xs = states.map((s) => s.properties?.offset?.x).filter((x): x is number => typeof x === 'number');
  const right = xs.length ? Math.max(...xs) + CELL.width : 0;
  return { x: right, y: trigger.properties.offset?.y ?? 0 };
}
