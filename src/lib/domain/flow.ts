/**
 * The Studio flow definition as Twilio stores it (`Definition` of /v2/Flows).
 * This shape is the one source of truth: link-flow deploys it, test-chat runs it.
 * Widget properties stay loosely typed because exported flows carry properties we do
 * not model; the builder, the linter and the interpreter narrow what they read.
 */
export interface FlowDefinition {
  description: string;
  states: WidgetState[];
  initial_state: string;
  flags?: { allow_concurrent_calls?: boolean; [key: string]: unknown };
}

export interface Offset {
  x: number;
  y: number;
}

export interface WidgetState {
  name: string;
  type: string;
  properties: WidgetProperties;
  transitions: Transition[];
}

export interface WidgetProperties {
  offset?: Offset;
  [key: string]: unknown;
}

export interface Transition {
  event: string;
  next?: string;
  conditions?: SplitCondition[];
}

export interface SplitCondition {
  friendly_name: string;
  arguments: string[];
  type: string;
  value: string;
}

export interface KeyValue {
  key: string;
  value: string;
  type?: string;
}
