import { UsageError, CognigyError } from '../errors';
import {
  DiscoveryApi,
  EntryPoint,
  FLEX_DEFAULTS,
  describeChoices,
  describeEntryPoints,
  matchResource,
  preferredResource,
} from '../flex/discovery';
import type { FlowSummary, Resource } from '../twilio/api';
import {
  BotFailureAction,
  ChannelModel,
  DEFAULT_ESCALATION_KEY,
  DEFAULT_FLOW_NAME,
  NamedResource,
  RequestFormat,
  Setup,
} from '../domain/setup';
import { assertEscalationKey as validateEscalationKey } from '../studio/options';
import { redactEndpoint } from '../redact';

/** What the user said on the command line (flags and env), all optional. */
export interface InitInput {
  endpointUrl?: string;
  testMode?: boolean;
  requestFormat?: RequestFormat;
  workspace?: string;
  workflow?: string;
  taskChannel?: string;
  flow?: string;
  newFlow?: string;
  channelModel?: ChannelModel;
  escalationKey?: string;
  onBotFailure?: BotFailureAction;
  /** Accept every discovered default without asking. */
  yes?: boolean;
  skipProbe?: boolean;
}

/** How init asks a person; absent when stdin is not a terminal. */
export interface Asker {
  input(
    message: string,
    options: { default?: string; validate?: (v: string) => true | string; shownAfterEntry?: (v: string) => string },
  ): Promise<string>;
  choose<T>(message: string, choices: { name: string; value: T }[], defaultValue?: T): Promise<T>;
  /** Tells the person something before the next question. */
  say?(message: string): void;
}

export interface ProbeOutcome {
  ok: boolean;
  endpoint: string;
  elapsedMs: number;
  warning?: string;
  failure?: { message: string };
  /** The body format probed. */
  requestFormat?: RequestFormat;
  /** The form body failed where the same message as JSON was answered. */
  jsonWorks?: boolean;
}

export interface InitDeps {
  api: DiscoveryApi;
  ask?: Asker;
  probe: (endpointUrl: string, testMode: boolean, requestFormat: RequestFormat, channelModel: ChannelModel) => Promise<ProbeOutcome>;
  validateEndpoint: (url: string) => void;
  saved?: Setup;
  /** Shows the entry points to the person about to choose the flow: which flow each number starts today. */
  showEntryPoints?: (points: EntryPoint[]) => void;
  /** Shows the wizard's person the probe's result as soon as it is known. */
  showProbe?: (probe: ProbeOutcome) => void;
}

export interface InitResult {
  setup: Setup;
  probe?: ProbeOutcome;
  entryPoints: EntryPoint[];
  /** What the wizard already showed while asking, so the summary does not repeat it. */
  shown: { probe: boolean; entryPoints: boolean };
}

/** How many URLs the wizard probes before it gives up (a person can also press Ctrl-C). */
const PROBE_ATTEMPTS = 5;

const DEFAULT_TASK_CHANNEL: Record<ChannelModel, string[]> = {
  conversations: ['chat', 'sms'],
  legacy: ['sms', 'chat'],
};

/**
 * Decide the setup: each value comes from its flag, else the saved setup, else a
 * person's answer (defaulting to what discovery found), else, with `--yes`, the
 * discovered default. Without a terminal a value that has none of these is an error
 * that names the flag to pass.
 */
export async function decideSetup(input: InitInput, deps: InitDeps): Promise<InitResult> {
  const { api, ask, saved } = deps;
  const acceptDefault = Boolean(input.yes);

  // The endpoint first: a wrong URL should stop init before it reads the account.
  let endpointUrl = input.endpointUrl ?? saved?.endpointUrl;
  // Typed in clear, so a typo can be seen; shown redacted once entered.
  const askEndpoint = (a: Asker) =>
    a
      .input('Cognigy REST endpoint URL', {
        shownAfterEntry: (v) => redactEndpoint(v.trim()),
        validate: (v) => {
          try {
            deps.validateEndpoint(v.trim());
            return true;
          } catch (e) {
            return (e as Error).message;
          }
        },
      })
      .then((v) => v.trim());
  if (!endpointUrl && ask) endpointUrl = await askEndpoint(ask);
  if (!endpointUrl) {
    throw new UsageError(
      'No Cognigy endpoint URL.',
      'Pass --endpoint-url https://endpoint-….cognigy.ai/<token> or set COGNIGY_ENDPOINT_URL.',
    );
  }
  deps.validateEndpoint(endpointUrl);
  const testMode = input.testMode ?? saved?.testMode ?? false;

  // The probe runs right after the URL is known; in the wizard its result is shown at
  // once, and a failure asks for the URL again instead of ending the wizard. It sends the
  // body the flow will send (form by default).
  let requestFormat: RequestFormat = input.requestFormat ?? saved?.requestFormat ?? 'form';
  const probeModel = input.channelModel ?? saved?.channelModel ?? 'conversations';
  let probe: ProbeOutcome | undefined;
  for (let attempt = 1; !input.skipProbe; attempt++) {
    probe = await deps.probe(endpointUrl, testMode, requestFormat, probeModel);
    // The form body the flow would send is refused where JSON is answered: offer JSON (a
    // wizard asks, --yes accepts what works), unless the user asked for form explicitly.
    if (!probe.ok && probe.jsonWorks && input.requestFormat === undefined && requestFormat === 'form') {
      const why = `The bot endpoint ${probe.endpoint} refused the form-encoded body the flow sends (${probe.failure?.message ?? 'no answer'}), but answered the same message as JSON.`;
      const useJson = ask
        ? await ask.choose(`${why} Send the bot a JSON body instead?`, [
            { name: 'Yes: the flow sends a JSON body (--request-format json)', value: true },
            { name: 'No: stop here', value: false },
          ], true)
        : acceptDefault;
      if (!useJson) {
        throw new CognigyError(why, { hint: 'Run init again with --request-format json: the flow then sends a JSON body.', code: 'probe-form-refused', exitCode: 1 });
      }
      requestFormat = 'json';
      probe = await deps.probe(endpointUrl, testMode, requestFormat, probeModel);
      if (probe.ok) {
        const switched = 'The bot endpoint refused the form-encoded body and answered JSON: the setup now says --request-format json, so link-flow builds a flow that sends a JSON body.';
        probe = { ...probe, warning: probe.warning ? `${switched} ${probe.warning}` : switched };
      }
    }
    if (ask) deps.showProbe?.(probe);
    if (probe.ok) break;
    if (!ask || attempt >= PROBE_ATTEMPTS) {
      throw new CognigyError(`The bot endpoint ${probe.endpoint} failed the probe: ${probe.failure?.message ?? 'no answer'}`, {
        hint: 'Fix the endpoint (or pass --skip-probe to save it unchecked), then run init again.',
        code: 'probe-failed',
        exitCode: 1,
      });
    }
    endpointUrl = await askEndpoint(ask);
    deps.validateEndpoint(endpointUrl);
  }

  const [workspaces, flows, addresses, flexFlows] = await Promise.all([
    api.listWorkspaces(),
    api.listFlows(),
    api.listAddressConfigurations().catch(() => []),
    api.listFlexFlows().catch(() => []),
  ]);
  const entryPoints = describeEntryPoints(addresses, flexFlows, flows);

  const channelModel: ChannelModel = await decide<ChannelModel>({
    given: input.channelModel,
    saved: saved?.channelModel,
    discovered: addresses.length > 0 || flexFlows.length === 0 ? 'conversations' : 'legacy',
    flag: 'channel-model',
    what: 'channel model',
    acceptDefault: true, // always discoverable; the wizard still asks
    ask: ask && ((d) =>
      ask.choose<ChannelModel>(
        'Which Flex messaging model do your customers come in on?',
        [
          { name: 'Flex Conversations (SMS, WhatsApp, chat through Conversations)', value: 'conversations' },
          { name: 'Legacy Flex messaging (Programmable Chat, Flex Flows)', value: 'legacy' },
        ],
        d,
      )),
  });

  if (workspaces.length === 0) {
    throw new CognigyError('This account has no TaskRouter workspace, so there is no Flex to hand conversations to.', {
      hint: 'Set up Flex in this account (or pick the right profile with -p), then run init again.',
      code: 'no-flex',
    });
  }
  const workspace = await decideResource({
    items: workspaces,
    given: input.workspace,
    saved: saved?.workspace,
    preferred: [FLEX_DEFAULTS.workspace],
    what: { kind: 'TaskRouter workspace', flag: 'workspace', prefix: 'WS' },
    acceptDefault,
    ask,
  });

  // The saved workflow and task channel belong to the saved workspace, not to another one.
  const sameWorkspace = workspace.sid === saved?.workspace?.sid;
  const [workflows, taskChannels] = await Promise.all([
    api.listWorkflows(workspace.sid),
    api.listTaskChannels(workspace.sid),
  ]);
  const workflow = await decideResource({
    items: workflows,
    given: input.workflow,
    saved: sameWorkspace ? saved?.workflow : undefined,
    preferred: [FLEX_DEFAULTS.workflow],
    what: { kind: 'workflow', flag: 'workflow', prefix: 'WW' },
    acceptDefault,
    ask,
  });
  const taskChannel = await decideResource({
    items: taskChannels,
    given: input.taskChannel,
    saved: sameWorkspace ? saved?.taskChannel : undefined,
    preferred: DEFAULT_TASK_CHANNEL[channelModel],
    what: { kind: 'task channel', flag: 'task-channel', prefix: 'TC' },
    acceptDefault,
    ask,
  });

  let entryPointsShown = false;
  const flow = await decideFlow(input, flows, saved, acceptDefault, ask, () => {
    if (entryPoints.length && deps.showEntryPoints) {
      deps.showEntryPoints(entryPoints);
      entryPointsShown = true;
    }
  });

  const escalationKey = input.escalationKey ?? saved?.escalationKey ?? DEFAULT_ESCALATION_KEY;
  validateEscalationKey(escalationKey);
  const onBotFailure = input.onBotFailure ?? saved?.onBotFailure ?? 'escalate';

  return {
    setup: { endpointUrl, testMode, workspace, workflow, taskChannel, flow, channelModel, escalationKey, onBotFailure, requestFormat },
    probe,
    entryPoints,
    shown: { probe: Boolean(probe && ask && deps.showProbe), entryPoints: entryPointsShown },
  };
}

async function decide<T>(o: {
  given?: T;
  saved?: T;
  discovered?: T;
  flag: string;
  what: string;
  acceptDefault: boolean;
  ask?: (defaultValue?: T) => Promise<T>;
}): Promise<T> {
  if (o.given !== undefined) return o.given;
  if (o.saved !== undefined) return o.saved;
  if (o.ask) return o.ask(o.discovered);
  if (o.discovered !== undefined && o.acceptDefault) return o.discovered;
  throw new UsageError(`No ${o.what} chosen.`, `Pass --${o.flag}, or --yes to accept what was discovered.`);
}

async function decideResource(o: {
  items: Resource[];
  given?: string;
  saved?: NamedResource;
  preferred: string[];
  what: { kind: string; flag: string; prefix: string };
  acceptDefault: boolean;
  ask?: Asker;
}): Promise<NamedResource> {
  if (o.given) return matchResource(o.items, o.given, o.what);
  // A saved choice counts only while the account still has it (the name may have changed).
  if (o.saved && o.items.some((i) => i.sid === o.saved!.sid)) {
    return matchResource(o.items, o.saved.sid, o.what);
  }
  const discovered = preferredResource(o.items, o.preferred);
  const gone = o.saved && `The saved ${o.what.kind} "${o.saved.name}" (${o.saved.sid}) no longer exists in this account.`;
  // Without a person to choose again, a deleted choice is never silently replaced.
  if (gone && !o.ask) {
    throw new CognigyError(gone, {
      hint: `Pass --${o.what.flag} to choose another; init saves it. ${describeChoices(o.items, o.what.kind)}`,
      code: 'saved-resource-gone',
      details: { kind: o.what.kind, sid: o.saved!.sid },
    });
  }
  if (o.ask) {
    if (gone) o.ask.say?.(gone);
    if (o.items.length === 0) throw new UsageError(`There is no ${o.what.kind} in this account.`);
    const sid = await o.ask.choose(
      `Which ${o.what.kind}?`,
      o.items.map((i) => ({ name: `${i.name} (${i.sid})`, value: i.sid })),
      discovered?.sid,
    );
    return matchResource(o.items, sid, o.what);
  }
  if (discovered && o.acceptDefault) return discovered;
  throw new UsageError(
    `No ${o.what.kind} chosen${discovered ? ` (found "${discovered.name}")` : ''}.`,
    `Pass --${o.what.flag}${discovered ? ', or --yes to accept it' : ''}. ${describeChoices(o.items, o.what.kind)}`,
  );
}

async function decideFlow(
  input: InitInput,
  flows: FlowSummary[],
  saved: Setup | undefined,
  acceptDefault: boolean,
  ask?: Asker,
  beforeAsking?: () => void,
): Promise<{ sid?: string; name: string }> {
  if (input.flow && input.newFlow) {
    throw new UsageError('Pass either --flow (an existing flow to patch) or --new-flow (a flow to create), not both.');
  }
  if (input.flow) {
    const found = matchResource(flows, input.flow, { kind: 'Studio flow', flag: 'flow', prefix: 'FW' });
    return found;
  }
  if (input.newFlow) {
    const existing = flows.find((f) => f.name === input.newFlow);
    // Re-running init after link-flow created the flow must not ask to create it again.
    return existing ? { sid: existing.sid, name: existing.name } : { name: input.newFlow };
  }
  if (saved?.flow?.sid && !flows.some((f) => f.sid === saved.flow.sid)) {
    const gone = `The saved Studio flow "${saved.flow.name}" (${saved.flow.sid}) no longer exists in this account.`;
    if (!ask) {
      throw new CognigyError(gone, {
        hint: `Pass --new-flow "${saved.flow.name}" to have link-flow create it again, or --flow NAME|FW… to patch an existing one; init saves it.`,
        code: 'saved-resource-gone',
        details: { kind: 'Studio flow', sid: saved.flow.sid },
      });
    }
    ask.say?.(gone);
  } else if (saved?.flow) {
    const bySid = saved.flow.sid ? flows.find((f) => f.sid === saved.flow.sid) : undefined;
    // A flow saved before link-flow created it is found by name once it exists.
    const found = bySid ?? flows.find((f) => f.name === saved.flow.name);
    return found ? { sid: found.sid, name: found.name } : { name: saved.flow.name };
  }
  const existingDefault = flows.find((f) => f.name === DEFAULT_FLOW_NAME);
  const discovered = existingDefault ? { sid: existingDefault.sid, name: existingDefault.name } : { name: DEFAULT_FLOW_NAME };
  if (ask) {
    const messaging = flows.find((f) => f.name === FLEX_DEFAULTS.messagingFlow);
    const choices: { name: string; value: string }[] = [];
    if (!existingDefault) choices.push({ name: `Create a new flow "${DEFAULT_FLOW_NAME}"`, value: '__new__' });
    if (messaging) choices.push({ name: `Patch "${messaging.name}" (${messaging.sid}): insert the bot before its hand-over to Flex`, value: messaging.sid });
    for (const f of flows) if (f !== messaging) choices.push({ name: `Patch or update "${f.name}" (${f.sid})`, value: f.sid });
    // Which flow each number starts today is what tells a person which flow to patch.
    beforeAsking?.();
    const answer = await ask.choose('Which Studio flow should hold the bot loop?', choices, choices[0]?.value);
    if (answer === '__new__') return { name: DEFAULT_FLOW_NAME };
    const chosen = flows.find((f) => f.sid === answer)!;
    return { sid: chosen.sid, name: chosen.name };
  }
  if (acceptDefault) return discovered;
  throw new UsageError(
    'No Studio flow chosen.',
    `Pass --flow "Messaging Flow" (an existing flow to patch), --new-flow NAME, or --yes to create "${DEFAULT_FLOW_NAME}".`,
  );
}
