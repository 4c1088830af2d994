import * as fs from 'fs';
import * as path from 'path';
import { CognigyError, UsageError } from '../errors';
import { checkEntryPoints, wireAddress, wireFlexFlow, WiringResult } from '../flex/wiring';
import { redactEndpoint, registerEndpointSecret } from '../redact';
import { writeFileAtomic } from '../files';
import { loadSetup, saveSetup, setupFilePath, PLUGIN_DIR_NAME } from '../setup/store';
import type { ResolvedSetup } from '../domain/setup';
import { resolveSetup, type SetupInput } from '../setup/resolve';
import { buildFlow, patchFlow, BuildOptions } from '../studio';
import type { PatchWarning } from '../studio/patch';
import { deployFlow, DeployResult, FlowStatus } from '../studio/deploy';
import { hideEndpointToken, loopEndpointUrls, revealEndpointToken } from '../studio/endpoint-token';
import { FlowHistory } from '../studio/history';
import type { FlowDefinition } from '../domain/flow';
import type { NamedResource, Setup } from '../domain/setup';
import { TwilioApi } from '../twilio/api';
import { parseEndpointUrl } from '../cognigy/endpoint';
import { CredentialSource, explainAuthFailure } from '../twilio/credentials';
import { notBusy, type Busy } from '../domain/busy';

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
  /** Which credentials this run uses, to explain a refusal (20003). */
  credentials?: CredentialSource;
  /** Shows the reads, the deploy and the wiring while they last. */
  busy?: Busy;
}

export interface LinkFlowResult {
  deploy: DeployResult;
  setup: ResolvedSetup;
  wiring: WiringResult[];
  out?: string;
  /** `--out` could not be written: the command says so after the results. */
  outError?: CognigyError;
  restoredFrom?: string;
  /** What the user should know about the setup deployed (a flow in test mode). */
  notices: LinkFlowNotice[];
  /** What patching an existing flow kept as it was (its send-to-flex's own routing, attributes that are not JSON). */
  patched: PatchWarning[];
  /**
   * Flags that changed what the setup's own flow holds, now saved to the setup so the
   * next plain run and test-chat use what is deployed.
   */
  saved: SettingChange[];
}

/** The flow calls Cognigy's /test/ path (test mode): published with --force, or a draft or dry run. */
export type LinkFlowNotice = { code: 'test-mode'; status: FlowStatus };

/** A setting of the saved setup, before and after; secrets already redacted. */
export interface SettingChange {
  setting: FlowSetting;
  before: string;
  after: string;
}

/** The settings that shape the built flow, in the order the summary lists them. */
export const FLOW_SETTINGS = ['endpointUrl', 'testMode', 'channelModel', 'workspace', 'workflow', 'taskChannel', 'escalationKey', 'onBotFailure', 'requestFormat'] as const;
export type FlowSetting = (typeof FLOW_SETTINGS)[number];

/** `cognigy:link-flow` end to end: resolve the setup, deploy the flow, wire the entry point. */
export async function linkFlow(o: LinkFlowOptions): Promise<LinkFlowResult> {
  checkEntryPoints(o);
  return deployAndWire(o).catch((error) => {
    throw explainAuthFailure(error, o.credentials);
  });
}

async function deployAndWire(o: LinkFlowOptions): Promise<LinkFlowResult> {
  const api = new TwilioApi(o.client);
  const file = setupFilePath(o.configDir);
  const saved = loadSetup(file, api.accountSid);
  registerEndpointSecret(saved?.endpointUrl);
  const busy = o.busy ?? notBusy;
  const setup = await busy({ kind: 'setup' }, () => resolveSetup(o.input, saved, { api, requireFlex: !o.restore }));
  parseEndpointUrl(setup.endpointUrl);
  registerEndpointSecret(setup.endpointUrl);
  const notices = testModeNotices(setup.testMode && !o.restore, o);

  let target = setup.flowTarget;
  let desired: (existing?: FlowDefinition) => FlowDefinition;
  let restoredFrom: string | undefined;
  let patched: PatchWarning[] = [];
  if (o.restore) {
    const backup = readFlowFile(o.restore);
    const definition = revealEndpointToken(backup.definition, setup.endpointUrl);
    if (backup.flowSid) target = { sid: backup.flowSid, name: backup.name ?? backup.flowSid, mustExist: true };
    desired = () => definition;
    restoredFrom = o.restore;
  } else {
    const build = buildOptions(setup);
    desired = (existing) => {
      // The deployed loop may still call an earlier endpoint (the setup's URL changed since):
      // its token is as secret as the current one, and the diff would show it.
      for (const url of loopEndpointUrls(existing)) registerEndpointSecret(url);
      if (!existing) return buildFlow(build);
      const patch = patchFlow(existing, build);
      patched = patch.warnings;
      return patch.definition;
    };
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
  const deploy = await busy({ kind: 'deploy', flow: target.name, dryRun: o.dryRun }, () =>
    deployFlow(api, {
      target,
      desired,
      status: o.status,
      commitMessage: o.commitMessage,
      force: o.force,
      dryRun: o.dryRun,
      history,
      endpointUrl: setup.endpointUrl,
    }),
  );

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
    if (o.address) wiring.push(await busy({ kind: 'wiring' }, () => wireAddress(api, o.address!, flowSid, o.dryRun)));
    if (o.flexFlow) wiring.push(await busy({ kind: 'wiring' }, () => wireFlexFlow(api, o.flexFlow!, flowSid, o.dryRun)));
  }

  // The setup's own flow now holds what was deployed: remember its SID (so later runs
  // and test-chat --flow find it without a lookup) and the flags that shaped it, so the
  // next plain run does not revert them and test-chat tests what is deployed. A flow
  // named by --flow/--new-flow or a restored file is not the setup's: flags stay one-off.
  const savedTarget = !o.input.flow && !o.input.newFlow && !o.restore;
  let changes: SettingChange[] = [];
  if (!o.dryRun && flowSid && saved && savedTarget) {
    const next: Setup = {
      ...saved,
      endpointUrl: setup.endpointUrl,
      testMode: setup.testMode,
      channelModel: setup.channelModel,
      workspace: sameOrNew(saved.workspace, setup.workspace),
      workflow: sameOrNew(saved.workflow, setup.workflow),
      taskChannel: sameOrNew(saved.taskChannel, setup.taskChannel),
      escalationKey: setup.escalationKey,
      onBotFailure: setup.onBotFailure,
      requestFormat: setup.requestFormat,
      flow: { sid: flowSid, name: deploy.flow.name },
    };
    changes = settingChanges(saved, next);
    if (changes.length || saved.flow.sid !== flowSid) saveSetup(file, api.accountSid, next, o.profileId);
  }
  return { deploy, setup, wiring, out, outError, restoredFrom, saved: changes, notices, patched };
}

/** A SID given as a flag carries no name: keep the saved one's name when it is the same resource. */
function sameOrNew(saved: NamedResource | undefined, given: NamedResource | undefined): NamedResource | undefined {
  if (!given || given.sid === saved?.sid) return saved ?? given;
  return given;
}

function settingChanges(before: Setup, after: Setup): SettingChange[] {
  const show = (setting: SettingChange['setting'], v: unknown): string => {
    if (setting === 'endpointUrl') return redactEndpoint(String(v));
    // Setups saved before the request format existed send form parameters.
    if (setting === 'requestFormat') return String(v ?? 'form');
    if (v && typeof v === 'object') {
      const r = v as { sid: string; name: string };
      return r.name && r.name !== r.sid ? `${r.name} (${r.sid})` : r.sid;
    }
    return String(v);
  };
  const out: SettingChange[] = [];
  for (const setting of FLOW_SETTINGS) {
    const b = show(setting, before[setting]);
    const a = show(setting, after[setting]);
    const same = setting === 'endpointUrl' ? before.endpointUrl === after.endpointUrl : b === a;
    if (!same) out.push({ setting, before: b, after: a });
  }
  return out;
}

export function buildOptions(setup: ResolvedSetup | (Omit<ResolvedSetup, 'flowTarget'>)): BuildOptions {
  return {
    endpointUrl: setup.endpointUrl,
    testMode: setup.testMode,
    requestFormat: setup.requestFormat,
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

/**
 * Test mode sends every message to Cognigy's `/test/<token>` path, which is meant for
 * testing: its messages are not billed, and "you can send up to 600 test messages per hour.
 * Any rate above this limit may be considered misuse" (Cognigy, Test Mode for Endpoints).
 * In a published flow that is every customer's message, so it takes --force; a draft or a
 * dry run only warns.
 */
function testModeNotices(testMode: boolean, o: Pick<LinkFlowOptions, 'status' | 'force' | 'dryRun'>): LinkFlowNotice[] {
  if (!testMode) return [];
  if (o.status === 'published' && !o.force && !o.dryRun) {
    throw new UsageError(
      `Test mode in a published flow: every customer's message would go to Cognigy's /test/ path, meant for testing (up to 600 test messages an hour; more may be treated as misuse).`,
      'Deploy with --no-test-mode for production, or --status draft to try it, or pass --force to publish it in test mode anyway.',
    );
  }
  return [{ code: 'test-mode', status: o.status }];
}
