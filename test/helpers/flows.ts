/**
 * Flow files for record/replay tests (test/commands/replay.test.ts, test/e2e/replay-host.test.ts).
 */
import { assert } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PLACEHOLDER_TASK_CHANNEL, PLACEHOLDER_WORKFLOW } from '../../src/lib/tasks/link-flow';
import { buildFlow } from '../../src/lib/studio';
import { hideEndpointToken } from '../../src/lib/studio/endpoint-token';
import type { FlowDefinition } from '../../src/lib/domain/flow';

/** The flow link-flow builds for the bot at `url`, with the placeholder hand-over SIDs. */
export function builtFlow(url: string): FlowDefinition {
  return buildFlow({
    endpointUrl: url,
    testMode: false,
    channelModel: 'conversations',
    escalationKey: 'escalation',
    onBotFailure: 'escalate',
    workflowSid: PLACEHOLDER_WORKFLOW,
    taskChannelSid: PLACEHOLDER_TASK_CHANNEL,
  } as Parameters<typeof buildFlow>[0]) as FlowDefinition;
}

/**
 * The flow link-flow builds for the bot at `url`, as a flow file (token left out, as
 * link-flow --out writes it), and the same flow sending another `data` to the bot.
 */
export function writeFlows(url: string, dir: string): { flowFile: string; changedFlow: string } {
  const definition = builtFlow(url);
  const text = JSON.stringify(hideEndpointToken(definition, url), null, 2);
  assert.ok(text.includes('"twilio-conversations"'));
  fs.mkdirSync(dir, { recursive: true });
  const flowFile = path.join(dir, 'flow.json');
  fs.writeFileSync(flowFile, text);
  const changedFlow = path.join(dir, 'flow-changed.json');
  fs.writeFileSync(changedFlow, text.replace('"twilio-conversations"', '"twilio-web"'));
  return { flowFile, changedFlow };
}


/**
 * The flow link-flow builds, started by the REST API (`incomingRequest`): an outbound flow
 * that speaks first. A REST API execution has no customer message, so by default the
 * customer and the Cognigy session come as flow.data (`--param customer=… --param
 * session=…`) and the trigger wires the REST API only. `messaging`: the customer's message
 * starts it too (so a run starts it the REST API's way only with --param); `customer` and
 * `session`: what the bot call sends as userId and sessionId.
 */
export function restApiFlow(url: string, o: { messaging?: boolean; customer?: string; session?: string } = {}): FlowDefinition {
  const definition = builtFlow(url);
  const trigger = definition.states.find((s) => s.type === 'trigger')!;
  const call = definition.states.find((s) => s.name === 'ProcessUserInput')!;
  const parameters = call.properties.parameters as { key: string; value: string }[];
  parameters.find((p) => p.key === 'userId')!.value = o.customer ?? '{{flow.data.customer}}';
  parameters.find((p) => p.key === 'sessionId')!.value = o.session ?? '{{flow.data.session}}';
  trigger.transitions = trigger.transitions.map((t) =>
    t.event === 'incomingConversationMessage' && !o.messaging ? { event: t.event } : t.event === 'incomingRequest' ? { event: t.event, next: 'SetUserText' } : t,
  );
  return definition;
}
