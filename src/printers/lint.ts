/**
 * The words of the flow lint (lib/studio/lint.ts returns findings with codes): a finding
 * as a warning (test-chat's stderr, link-flow's warnings) and in the errors that refuse a
 * flow (printers/errors.ts).
 */
import type { LintFinding, LintIssue } from '../lib/studio/lint';

/** A Studio v1 export: what it is, why it does not run, how to get a v2 export. */
export const STUDIO_V1 = {
  what: 'This is a Studio v1 flow export (widget types such as InitialState, transitions to FF… IDs)',
  why: 'Studio and test-chat run the v2 format',
  how: 'get a v2 export: in the Studio Console, Trigger > Flow Configuration > Export to JSON, or run `twilio api:studio:v2:flows:fetch --sid FW… -o json` and take its definition',
};

const SID_NAMES: Record<Extract<LintFinding, { code: 'not-sid' }>['prefix'], string> = { WW: 'workflow', TC: 'task channel', FW: 'flow' };

/** What a finding says, after its widget and property (`"Say" body: is required…`). */
export function lintFindingText(f: LintFinding): string {
  switch (f.code) {
    case 'studio-v1':
      return `${STUDIO_V1.what}; ${STUDIO_V1.why}. ${STUDIO_V1.how[0].toUpperCase()}${STUDIO_V1.how.slice(1)}`;
    case 'flow-not-object':
      return 'The flow definition is not a JSON object.';
    case 'description-not-string':
      return 'description should be a string.';
    case 'initial-state-missing':
      return 'initial_state must name the trigger widget.';
    case 'flags-not-object':
      return 'flags must be an object.';
    case 'states-not-list':
      return 'states must be a list of widgets.';
    case 'too-many-widgets':
      return `The flow has ${f.count} widgets; Studio allows at most ${f.max}.`;
    case 'trigger-count':
      return `The flow must have exactly one trigger widget; it has ${f.count}.`;
    case 'initial-state-not-trigger':
      return `initial_state is "${f.initial}", not the trigger "${f.trigger}".`;
    case 'not-object':
      return 'is not an object';
    case 'no-name':
      return 'has no name';
    case 'name-characters':
      return 'name should hold only letters, digits, "_" and "-" (Liquid addresses widgets by name)';
    case 'no-type':
      return 'has no type';
    case 'properties-not-object':
      return 'properties must be an object';
    case 'transitions-not-list':
      return 'transitions must be a list';
    case 'duplicate-name':
      return `${f.count} widgets share this name`;
    case 'unmodelled-type':
      return `widget type "${f.type}" is not modelled by test-chat`;
    case 'unreachable':
      return 'is not reachable from the trigger';
    case 'no-event':
      return 'has no event';
    case 'unknown-event':
      return `event "${f.event}" is not an event of ${f.type} (${f.events.join(', ')})`;
    case 'duplicate-event':
      return `event "${f.event}" appears twice`;
    case 'next-unknown':
      return `next "${f.next}" names no widget of the flow`;
    case 'match-without-conditions':
      return 'a match transition needs conditions';
    case 'condition-type':
      return `type "${f.type}" is not a split condition type`;
    case 'condition-value':
      return 'value must be a string';
    case 'condition-arguments':
      return 'arguments must be a list of strings';
    case 'liquid-property':
      return `Liquid does not parse: ${f.error} (Studio fails the widget with error 81018 when it runs)`;
    case 'liquid-argument':
      return `Liquid does not parse: ${f.error}`;
    case 'required':
      return 'is required (a non-empty string)';
    case 'not-string':
      return 'must be a string';
    case 'not-key-values':
      return 'must be a list of {key, value}';
    case 'bad-key-value':
      return 'must have a non-empty key and a string value';
    case 'variable-type':
      return `"${f.type}" is not a variable type test-chat models (string, json): the value is kept as text`;
    case 'method':
      return 'must be GET or POST';
    case 'content-type-missing':
      return 'is missing: the run sends the parameters as a form (the Console default)';
    case 'content-type':
      return 'must be application/x-www-form-urlencoded or application/json (with or without ";charset=utf-8")';
    case 'reserved-parameter':
      return 'is named "method", a reserved word: Studio sends nothing and takes "failed" (error 81014)';
    case 'auth-not-twilio':
      return 'is on for a URL that is not a Twilio API: Studio sends nothing and takes "failed"';
    case 'wait-timeout':
      return 'must be a number of seconds (such as "3600" or 3600)';
    case 'attributes-not-string':
      return 'must be a string (a JSON template)';
    case 'not-sid':
      return `is not a ${SID_NAMES[f.prefix]} SID (${f.prefix}…)`;
    case 'task-timeout':
      return `must be a whole number of seconds from 1 to ${f.max} (Studio's maximum): Flex would refuse the task (failedToEnqueue)`;
    case 'attributes-too-long':
      return `render to at least ${f.least} characters, over Studio's ${f.max}: Flex would refuse the task (failedToEnqueue)`;
  }
}

/** A finding with the widget and property it is about (`"Say" body: …`). */
export function describeIssue(i: LintIssue): string {
  const where = [i.widget ? `"${i.widget}"` : '', i.property ?? ''].filter(Boolean).join(' ');
  return where ? `${where}: ${lintFindingText(i)}` : lintFindingText(i);
}

/** A finding as -o json shows it: its code and fields, and its words as `message`. */
export function issueJson(i: LintIssue): LintIssue & { message: string } {
  return { ...i, message: lintFindingText(i) };
}
