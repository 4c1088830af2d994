/**
 * Whether cognigy:escalate creates a hand-over, given the open Flex tasks the conversation
 * already has. Pure, so the rule is tested on its own:
 * - none open: create;
 * - one waiting for an agent (pending, reserved): the hand-over is in place, so a re-run
 *   (or a retry after a failure) creates nothing and succeeds;
 * - one an agent holds (assigned, wrapping): the conversation is with an agent; that is
 *   said as a failure (non-zero exit), since whoever asked for an agent is likely looking
 *   at the wrong conversation, and nothing is touched;
 * - `force`: create another whatever is open.
 */
export const OPEN_TASK_STATUSES = ['pending', 'reserved', 'assigned', 'wrapping'] as const;
const WITH_AGENT = new Set(['assigned', 'wrapping']);

export interface OpenHandover {
  taskSid: string;
  assignmentStatus: string;
  interactionSid?: string;
  /** Who made it: `twilio cognigy:escalate`, or undefined (the flow, Flex, someone else). */
  madeBy?: string;
}

export type HandoverDecision =
  | { action: 'create'; existing: OpenHandover[] }
  | { action: 'already-handed-over'; existing: OpenHandover }
  | { action: 'with-agent'; existing: OpenHandover };

export function decideHandover(open: OpenHandover[], force: boolean): HandoverDecision {
  const live = open.filter((h) => (OPEN_TASK_STATUSES as readonly string[]).includes(h.assignmentStatus));
  if (force || live.length === 0) return { action: 'create', existing: live };
  const held = live.find((h) => WITH_AGENT.has(h.assignmentStatus));
  if (held) return { action: 'with-agent', existing: held };
  return { action: 'already-handed-over', existing: live[0] };
}
