import { UsageError } from '../errors';
import { DiscoveryApi, FLEX_DEFAULTS, looksLikeSid, matchResource, preferredResource } from '../flex/discovery';
import type { InitInput } from './init';
import { DEFAULT_ESCALATION_KEY, DEFAULT_FLOW_NAME, type FlowTarget, type NamedResource, type ResolvedSetup, type Setup } from '../domain/setup';
import { assertEscalationKey as validateEscalationKey } from '../studio/options';

export type SetupInput = Omit<InitInput, 'yes' | 'skipProbe'>;

/**
 * The setup a command runs with: each flag over the saved value. Names given as flags
 * are looked up in the account only when they are not SIDs, so a saved setup or SIDs
 * alone cost no API call. `requireFlex` is false for test-chat, which can run a flow
 * without a Flex account (the hand-over is then shown with the SIDs it would use).
 */
export async function resolveSetup(
  input: SetupInput,
  saved: Setup | undefined,
  options: { api?: DiscoveryApi; requireFlex: boolean },
): Promise<ResolvedSetup> {
  const endpointUrl = input.endpointUrl ?? saved?.endpointUrl;
  if (!endpointUrl) {
    throw new UsageError(
      'No Cognigy endpoint URL: there is no saved setup for this account.',
      'Run "twilio cognigy:init" first, or pass --endpoint-url (or set COGNIGY_ENDPOINT_URL).',
    );
  }
  const escalationKey = input.escalationKey ?? saved?.escalationKey ?? DEFAULT_ESCALATION_KEY;
  validateEscalationKey(escalationKey);

  let workspace = saved?.workspace;
  const needsLookup = [input.workflow, input.taskChannel].some((v) => v && !looksLikeSid(v));
  if ((input.workspace || needsLookup) && options.api) {
    const workspaces = await options.api.listWorkspaces();
    workspace = input.workspace
      ? matchResource(workspaces, input.workspace, { kind: 'TaskRouter workspace', flag: 'workspace', prefix: 'WS' })
      : workspace ?? preferredResource(workspaces, [FLEX_DEFAULTS.workspace]);
  }
  const workflow = await pick(input.workflow, saved?.workflow, 'workflow', 'WW', workspace, options, (ws) => options.api!.listWorkflows(ws));
  const taskChannel = await pick(input.taskChannel, saved?.taskChannel, 'task-channel', 'TC', workspace, options, (ws) =>
    options.api!.listTaskChannels(ws),
  );

  if (input.flow && input.newFlow) {
    throw new UsageError('Pass either --flow (an existing flow) or --new-flow (a flow to create), not both.');
  }
  let flowTarget: FlowTarget;
  if (input.flow) flowTarget = looksLikeSid(input.flow, 'FW') ? { sid: input.flow, name: input.flow, mustExist: true } : { name: input.flow, mustExist: true };
  else if (input.newFlow) flowTarget = { name: input.newFlow, mustExist: false };
  else if (saved?.flow) flowTarget = { ...saved.flow, mustExist: false };
  else flowTarget = { name: DEFAULT_FLOW_NAME, mustExist: false };

  return {
    endpointUrl,
    testMode: input.testMode ?? saved?.testMode ?? false,
    workspace,
    workflow,
    taskChannel,
    flow: { sid: flowTarget.sid, name: flowTarget.name },
    flowTarget,
    channelModel: input.channelModel ?? saved?.channelModel ?? 'conversations',
    escalationKey,
    onBotFailure: input.onBotFailure ?? saved?.onBotFailure ?? 'escalate',
    requestFormat: input.requestFormat ?? saved?.requestFormat ?? 'form',
  };
}

async function pick(
  given: string | undefined,
  saved: NamedResource | undefined,
  flag: string,
  prefix: string,
  workspace: NamedResource | undefined,
  options: { api?: DiscoveryApi; requireFlex: boolean },
  list: (workspaceSid: string) => Promise<{ sid: string; name: string }[]>,
): Promise<NamedResource | undefined> {
  const kind = flag === 'workflow' ? 'workflow' : 'task channel';
  if (given && looksLikeSid(given, prefix)) return { sid: given, name: given };
  if (given) {
    // Without an API (test-chat runs the flow locally) no workspace helps: only a SID does.
    if (!options.api) {
      throw new UsageError(`Cannot look up the ${kind} "${given}": this command reads nothing from TaskRouter.`, `Pass its SID (${prefix}…), or save it with twilio cognigy:init --${flag} "${given}".`);
    }
    if (!workspace) {
      throw new UsageError(`Cannot look up the ${kind} "${given}" without a TaskRouter workspace.`, `Pass its SID (${prefix}…) or --workspace.`);
    }
    return matchResource(await list(workspace.sid), given, { kind, flag, prefix });
  }
  if (saved) return saved;
  if (options.requireFlex) {
    throw new UsageError(`No ${kind} for the hand-over to Flex.`, `Run "twilio cognigy:init" first, or pass --${flag} ${prefix}….`);
  }
  return undefined;
}
