import * as fs from 'fs';
import * as path from 'path';
import { CognigyError, UsageError } from './errors';
import { checkEntryPoints, wireAddress, wireFlexFlow, WiringResult } from './flex/wiring';
import { redactEndpoint, registerEndpointSecret } from './redact';
import { loadSetup, saveSetup, setupFilePath, PLUGIN_DIR_NAME, writeFileAtomic } from './setup/store';
import { resolveSetup, ResolvedSetup, SetupInput } from './setup/resolve';
import { buildFlow, patchFlow, BuildOptions } from './studio';
import { deployFlow, DeployResult, FlowStatus } from './studio/deploy';
import { hideEndpointToken, revealEndpointToken } from './studio/endpoint-token';
import { FlowHistory } from './studio/history';
import type { FlowDefinition } from './studio/types';
import { TwilioApi } from './twilio/api';
import { parseEndpointUrl } from './cognigy/endpoint';

export interface LinkFlowOptions {
  input: SetupInput;
  client: any;
  configDir: string;
  profileId: string;
  status: FlowStatus;
  commitMessage?: string;
  dryRun: boolean;
  force: boolean;
  out?: string;
  restore?: string;
  address?: string;
  flexFlow?: string;
}

export interface LinkFlowResult {
  deploy: DeployResult;
  setup: ResolvedSetup;
  wiring: WiringResult[];
  out?: string;
  /** `--out` could not be written: the command says so after the results. */
  outError?: CognigyError;
  restoredFrom?: string;
}

/** `cognigy:link-flow` end to end: resolve the setup, deploy the flow, wire the entry point. */
export async function linkFlow(o: LinkFlowOptions): Promise<LinkFlowResult> {
  checkEntryPoints(o);
  const api = new TwilioApi(o.client);
  const file = setupFilePath(o.configDir);
  const saved = loadSetup(file, api.accountSid);
  registerEndpointSecret(saved?.endpointUrl);
  const setup = await resolveSetup(o.input, saved, { api, requireFlex: !o.restore });
  parseEndpointUrl(setup.endpointUrl);
  registerEndpointSecret(setup.endpointUrl);

  let target = setup.flowTarget;
  let desired: (existing?: FlowDefinition) => FlowDefinition;
  let restoredFrom: string | undefined;
  if (o.restore) {
    const backup = readFlowFile(o.restore);
    const definition = revealEndpointToken(backup.definition, setup.endpointUrl);
    if (backup.flowSid) target = { sid: backup.flowSid, name: backup.name ?? backup.flowSid, mustExist: true };
    desired = () => definition;
    restoredFrom = o.restore;
  } else {
    const build = buildOptions(setup);
    desired = (existing) => (existing ? patchFlow(existing, build).definition : buildFlow(build));
  }

  if (target.mustExist && !target.sid) {
    const flows = await api.listFlows();
    const found = flows.find((f) => f.name === target.name) ?? flows.find((f) => f.name.toLowerCase() === target.name.toLowerCase());
    if (!found) {
      const names = flows.map((f) => `"${f.name}" (${f.sid})`).join(', ') || 'none';
      throw new UsageError(`No Studio flow "${target.name}" in this account.`, `Existing flows: ${names}. Use --new-flow NAME to create one.`);
    }
    target = { sid: found.sid, name: found.name, mustExist: true };
  }

  const history = new FlowHistory(path.join(o.configDir, 'plugins', PLUGIN_DIR_NAME));
  const deploy = await deployFlow(api, {
    target,
    desired,
    status: o.status,
    commitMessage: o.commitMessage,
    force: o.force,
    dryRun: o.dryRun,
    history,
    endpointUrl: setup.endpointUrl,
  });

  let out: string | undefined;
  let outError: CognigyError | undefined;
  if (o.out) {
    try {
      writeFileAtomic(path.resolve(o.out), `${JSON.stringify(hideEndpointToken(deploy.definition, setup.endpointUrl), null, 2)}\n`, 'the flow definition');
      out = path.resolve(o.out);
    } catch (error) {
      if (!(error instanceof CognigyError)) throw error;
      outError = error;
    }
  }

  const wiring: WiringResult[] = [];
  const flowSid = deploy.flow.sid;
  if ((o.address || o.flexFlow) && !flowSid) {
    if (!o.dryRun) throw new CognigyError('The flow has no SID, so no entry point can point at it.');
  } else if (flowSid) {
    if (o.address) wiring.push(await wireAddress(api, o.address, flowSid, o.dryRun));
    if (o.flexFlow) wiring.push(await wireFlexFlow(api, o.flexFlow, flowSid, o.dryRun));
  }

  // Remember the SID of the flow the saved setup names once it exists, so later runs
  // (and test-chat --flow) find it without a lookup. Flags stay one-off overrides.
  const savedTarget = !o.input.flow && !o.input.newFlow && !o.restore;
  if (!o.dryRun && flowSid && saved && savedTarget && saved.flow.sid !== flowSid) {
    saveSetup(file, api.accountSid, { ...saved, flow: { sid: flowSid, name: deploy.flow.name } }, o.profileId);
  }
  return { deploy, setup, wiring, out, outError, restoredFrom };
}

export function buildOptions(setup: ResolvedSetup | (Omit<ResolvedSetup, 'flowTarget'>)): BuildOptions {
  return {
    endpointUrl: setup.endpointUrl,
    testMode: setup.testMode,
    channelModel: setup.channelModel,
    escalationKey: setup.escalationKey,
    onBotFailure: setup.onBotFailure,
    workflowSid: setup.workflow?.sid ?? PLACEHOLDER_WORKFLOW,
    taskChannelSid: setup.taskChannel?.sid ?? PLACEHOLDER_TASK_CHANNEL,
  };
}

/** Shown by test-chat when no Flex setup exists: what the hand-over would use. */
export const PLACEHOLDER_WORKFLOW = `WW${'0'.repeat(32)}`;
export const PLACEHOLDER_TASK_CHANNEL = `TC${'0'.repeat(32)}`;

/** A flow file: a plain exported definition, or a link-flow backup around one. */
export function readFlowFile(file: string): { definition: FlowDefinition; flowSid?: string; name?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the flow file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The flow file ${file} is not JSON: ${(error as Error).message}.`, 'Export the flow from the Studio Console (Trigger > Flow Configuration > Export to JSON).');
  }
  const definition = parsed?.definition && parsed?.flowSid ? parsed.definition : parsed?.definition?.states ? parsed.definition : parsed;
  if (!definition || typeof definition !== 'object' || !Array.isArray(definition.states)) {
    throw new UsageError(`The flow file ${file} is not a Studio flow definition (no "states" list).`, 'Export the flow from the Studio Console, or use a link-flow backup.');
  }
  return { definition, flowSid: parsed.flowSid, name: parsed.name };
}

export { redactEndpoint };
