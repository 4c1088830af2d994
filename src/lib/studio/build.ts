import { buildAttributes } from './attributes';
import { DEFAULT_DESCRIPTION, LoopNames, WIDGET } from './constants';
import { WIDGET_TYPES } from '../domain/widgets';
import { flexFailureState, FLEX_FAILURE_EVENTS, gridOffset, loopGrid, loopStates } from './loop';
import { BuildOptions, checkBuildOptions } from './options';
import type { FlowDefinition, Offset, WidgetState } from '../domain/flow';
import { TRIGGER_EVENT } from '../domain/studio';

const ORIGIN: Offset = { x: 0, y: 0 };

/**
 * A new flow holding only the bot loop:
 * Trigger → SetUserText → ProcessUserInput → CheckEscalation → SendUserReply →
 * SetReplyText → ProcessUserInput…; escalation: SendEscalationMessage → SendToFlexAgent;
 * bot failure: [SetBotFailureReason →] SendBotFailureMessage [→ SendToFlexAgent];
 * Flex refuses the task: SendFlexFailureMessage.
 */
export function buildFlow(options: BuildOptions): FlowDefinition {
  checkBuildOptions(options);
  const names: LoopNames = { ...WIDGET };
  const grid = loopGrid(options.onBotFailure);
  const event = TRIGGER_EVENT[options.channelModel];
  const trigger: WidgetState = {
    name: names.trigger,
    type: 'trigger',
    properties: { offset: gridOffset(ORIGIN, grid.trigger) },
    // Studio lists every trigger event; only the channel model's one is wired.
    transitions: WIDGET_TYPES.trigger.events.map((e) => (e === event ? { event: e, next: names.setText } : { event: e })),
  };
  const loop = loopStates(names, options).map(({ role, state }) => withOffset(state, gridOffset(ORIGIN, grid[role])));
  return {
    description: options.description ?? DEFAULT_DESCRIPTION,
    states: [
      trigger,
      ...loop,
      sendToFlexState(names.toFlex, options, names, gridOffset(ORIGIN, grid.toFlex)),
      withOffset(flexFailureState(names.flexFailed, options.channelModel), gridOffset(ORIGIN, grid.flexFailed)),
    ],
    initial_state: names.trigger,
    flags: { allow_concurrent_calls: true },
  };
}

export function sendToFlexState(name: string, options: BuildOptions, names: Pick<LoopNames, 'callBot' | 'flexFailed'>, offset: Offset): WidgetState {
  return {
    name,
    type: 'send-to-flex',
    properties: {
      offset,
      workflow: options.workflowSid,
      channel: options.taskChannelSid,
      attributes: buildAttributes(options.channelModel, names.callBot),
    },
    transitions: [{ event: 'callComplete' }, ...FLEX_FAILURE_EVENTS.map((event) => ({ event, next: names.flexFailed }))],
  };
}

/** The state with its offset first, as Studio exports write it. */
export function withOffset(state: WidgetState, offset: Offset): WidgetState {
  const { offset: _old, ...rest } = state.properties;
  return { ...state, properties: { offset, ...rest } };
}
