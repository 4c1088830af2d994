/**
 * The one widget registry: every Studio widget type test-chat runs, with the transition
 * events Studio gives it (Studio's widget pages) and how the diagram draws it. Everything
 * that knows widget types reads it:
 * - the interpreter (runtime/widgets.ts) has exactly one handler per type, and a handler
 *   can follow only its type's events (both checked by the compiler);
 * - the lint (studio/lint.ts) warns about a type not here and refuses an event its type
 *   does not have;
 * - the diagram (studio/diagram.ts) takes each widget's shape from here.
 * A type that is not here is "not modelled": the lint says so, and a run stops at it.
 */
export interface WidgetTypeInfo {
  /** The transition events of the type, in the order Studio lists them. */
  readonly events: readonly string[];
  /**
   * `start`: where executions begin (its unwired events are channels the flow does not
   * serve, not ends); `decision`: a branch on conditions; `step`: anything else.
   */
  readonly shape: 'start' | 'decision' | 'step';
}

export const WIDGET_TYPES = {
  trigger: { events: ['incomingMessage', 'incomingCall', 'incomingConversationMessage', 'incomingRequest', 'incomingParent'], shape: 'start' },
  'set-variables': { events: ['next'], shape: 'step' },
  'make-http-request': { events: ['success', 'failed'], shape: 'step' },
  'split-based-on': { events: ['noMatch', 'match'], shape: 'decision' },
  'send-and-wait-for-reply': { events: ['incomingMessage', 'timeout', 'deliveryFailure'], shape: 'step' },
  'send-message': { events: ['sent', 'failed'], shape: 'step' },
  'send-to-flex': { events: ['callComplete', 'failedToEnqueue', 'callFailure'], shape: 'step' },
  'run-function': { events: ['success', 'fail'], shape: 'step' },
  'run-subflow': { events: ['completed', 'failed'], shape: 'step' },
} as const satisfies Record<string, WidgetTypeInfo>;

export type ModelledWidgetType = keyof typeof WIDGET_TYPES;

/** The transition events of one modelled type. */
export type WidgetEvent<T extends ModelledWidgetType> = (typeof WIDGET_TYPES)[T]['events'][number];

export type TriggerEvent = WidgetEvent<'trigger'>;

export const MODELLED_WIDGET_TYPES = Object.keys(WIDGET_TYPES) as readonly ModelledWidgetType[];

/** The registry's entry for a type; own keys only, so `constructor` or `__proto__` is no type. */
export function widgetType(type: string): WidgetTypeInfo | undefined {
  return Object.hasOwn(WIDGET_TYPES, type) ? WIDGET_TYPES[type as ModelledWidgetType] : undefined;
}

export function isModelledType(type: string): type is ModelledWidgetType {
  return Object.hasOwn(WIDGET_TYPES, type);
}

/** The 17 condition types of split-based-on (Studio's widget page). */
export const SPLIT_CONDITION_TYPES = [
  'equal_to',
  'not_equal_to',
  'matches_any_of',
  'does_not_match_any_of',
  'is_blank',
  'is_not_blank',
  'regex',
  'contains',
  'does_not_contain',
  'starts_with',
  'does_not_start_with',
  'less_than',
  'greater_than',
  'is_before_time',
  'is_after_time',
  'is_before_date',
  'is_after_date',
] as const;

export type SplitConditionType = (typeof SPLIT_CONDITION_TYPES)[number];
