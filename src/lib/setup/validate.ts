import { UsageError } from '../errors';

/**
 * The escalation key ends up inside a Liquid expression of the flow
 * (`widgets.ProcessUserInput.parsed.data.<key>`), so only plain names and dotted paths
 * are accepted: anything else could inject Liquid.
 */
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

export function validateEscalationKey(key: string): void {
  if (!KEY.test(key) || key.length > 64) {
    throw new UsageError(
      `--escalation-key "${key}" is not a data key.`,
      'Use letters, digits, "_" or "-", and dots for nesting (e.g. escalation or handover.requested).',
    );
  }
}
