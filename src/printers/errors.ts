/**
 * The errors lib leaves to the printers to word (a flow refused for what its lint found,
 * or by test-chat): the base command words them here before it prints them.
 */
import { CognigyError, UsageError } from '../lib/errors';
import { FlowLintError } from '../lib/studio/lint';
import { FlowRefusedError, type FlowRefusal } from '../lib/tasks/test-chat';
import { describeIssue, issueJson, lintFindingText, STUDIO_V1 } from './lint';
import { flowSourceText } from './test-chat';

/** Why test-chat refuses the flow, named by where it comes from. */
export function flowRefusalWords(r: FlowRefusal): { message: string; hint: string } {
  const source = flowSourceText(r.source);
  const Source = `${source[0].toUpperCase()}${source.slice(1)}`;
  switch (r.why) {
    case 'studio-v1':
      return { message: `${Source}: ${STUDIO_V1.what}.`, hint: `${STUDIO_V1.why[0].toUpperCase()}${STUDIO_V1.why.slice(1)}. ${STUDIO_V1.how[0].toUpperCase()}${STUDIO_V1.how.slice(1)}.` };
    case 'phone-only':
      return {
        message: `${Source} starts only with ${r.events.map((e) => `"${e}"`).join(', ')}: Studio runs it for a phone call, which test-chat does not model.`,
        hint: 'test-chat runs executions started by a message (incomingMessage, incomingConversationMessage), the REST API (incomingRequest, with --param) or a parent flow (incomingParent).',
      };
    case 'not-valid': {
      const more = r.issues.length > 1 ? ` (and ${r.issues.length - 1} more)` : '';
      return {
        message: `${Source} is not a valid Studio flow: ${describeIssue(r.issues[0])}${more}.`,
        hint: 'Studio would reject it; fix the flow (or export it again from the Studio Console) and retry.',
      };
    }
  }
}

/**
 * The errors lib leaves to be worded (a refused flow): the same error in words, its data
 * (the findings, with their `message`) for -o json. Any other error as it is.
 */
export function wordedError(error: unknown): unknown {
  if (error instanceof FlowRefusedError) {
    const { message, hint } = flowRefusalWords(error.refusal);
    return new UsageError(message, hint, error.refusal.why === 'not-valid' ? { issues: error.refusal.issues.map(issueJson) } : undefined);
  }
  if (error instanceof FlowLintError) {
    const lines = error.issues.map((e) => `  ${e.widget ?? '(flow)'}${e.property ? `.${e.property}` : ''}: ${lintFindingText(e)}`);
    return new CognigyError(`The flow has ${error.issues.length} problem${error.issues.length > 1 ? 's' : ''}:\n${lines.join('\n')}`, {
      hint: 'Nothing was written.',
      code: 'flow-lint',
      details: { errors: error.issues.map(issueJson) },
    });
  }
  return error;
}
