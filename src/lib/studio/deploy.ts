import { CognigyError } from '../errors';
import type { FlowDetails, FlowSummary, ValidationOutcome } from '../twilio/api';
import { diffFlows, FlowChange } from './diff';
import { isMarked, markedCommitMessage, type FlowHistory } from './history';
import { FlowLintError, lintFlow, type LintIssue } from './lint';
import type { FlowDefinition } from '../domain/flow';

/** The Studio calls a deploy makes; TwilioApi implements it, tests may wrap it. */
export interface StudioApi {
  listFlows(): Promise<FlowSummary[]>;
  fetchFlow(sid: string): Promise<FlowDetails>;
  listFlowRevisions(sid: string, limit: number): Promise<Array<{ revision: number; commitMessage?: string | null }>>;
  validateFlow(name: string, status: string, definition: unknown): Promise<ValidationOutcome>;
  createFlow(o: { name: string; status: string; definition: unknown; commitMessage?: string }): Promise<FlowDetails>;
  updateFlow(sid: string, o: { status: string; definition: unknown; commitMessage?: string }): Promise<FlowDetails>;
}

export type FlowStatus = 'draft' | 'published';

export interface DeployOptions {
  target: { sid?: string; name: string };
  /** The definition to deploy, given what is deployed now (absent for a new flow). */
  desired: (existing?: FlowDefinition) => FlowDefinition;
  status: FlowStatus;
  commitMessage?: string;
  force?: boolean;
  dryRun?: boolean;
  history: FlowHistory;
  /** To keep the URL token out of backups. */
  endpointUrl?: string;
}

export interface DeployResult {
  action: 'created' | 'updated' | 'unchanged' | 'would-create' | 'would-update';
  flow: { sid?: string; name: string; revision?: number; status: FlowStatus; webhookUrl?: string };
  definition: FlowDefinition;
  /** What changed against the deployed flow, canvas offsets ignored. */
  changes: FlowChange[];
  warnings: LintIssue[];
  backup?: string;
  /** The write failed with an error but had gone through (found on a second look). */
  recovered?: boolean;
  /**
   * A dry run on a flow someone else changed since link-flow deployed it: a real run
   * stops there unless `--force`; the dry run still shows what it would overwrite.
   */
  editedElsewhere?: { deployedRevision: number; currentRevision: number };
}

const CREATE_ATTEMPTS = 3;
/** How far back a flow's revisions are searched for one link-flow wrote (one page). */
const REVISIONS_SEARCHED = 50;

/**
 * Create or update a flow so that it holds `desired`: lint, compare, check for Console
 * edits, validate with Studio, back up, write. Writes nothing when nothing changed, and
 * never creates a second flow when a create fails after it went through.
 */
export async function deployFlow(api: StudioApi, o: DeployOptions): Promise<DeployResult> {
  const existing = await findFlow(api, o.target);
  const definition = o.desired(existing?.definition as FlowDefinition | undefined);

  const issues = lintFlow(definition);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new FlowLintError(errors);
  const warnings = issues.filter((i) => i.severity !== 'error');

  if (existing) {
    const changes = diffFlows(existing.definition as FlowDefinition, definition);
    const statusChanged = existing.status !== o.status;
    const base = { definition, changes, warnings };
    const flow = { sid: existing.sid, name: existing.name, revision: existing.revision, status: o.status, webhookUrl: existing.webhookUrl };
    if (changes.length === 0 && !statusChanged) return { action: 'unchanged', flow, ...base };

    const deployedRevision = o.force ? undefined : await editedSince(api, existing, o.history);
    if (deployedRevision !== undefined && o.dryRun) {
      await validate(api, existing.name, o.status, definition);
      return { action: 'would-update', flow, ...base, editedElsewhere: { deployedRevision, currentRevision: existing.revision } };
    }
    if (deployedRevision !== undefined) {
      throw new CognigyError(
        `Flow "${existing.name}" (${existing.sid}) was changed in Twilio since link-flow last deployed it (revision ${deployedRevision}, now ${existing.revision}); nothing was written.`,
        {
          hint: 'Look at the change in the Studio Console; run again with --force to overwrite it (a backup is kept).',
          code: 'flow-edited-elsewhere',
          details: { flowSid: existing.sid, deployedRevision, currentRevision: existing.revision },
        },
      );
    }
    await validate(api, existing.name, o.status, definition);
    if (o.dryRun) return { action: 'would-update', flow, ...base };

    const backup = o.history.backup(
      { sid: existing.sid, name: existing.name, revision: existing.revision, status: existing.status, definition: existing.definition as FlowDefinition },
      o.endpointUrl,
    );
    let updated: FlowDetails;
    let recovered = false;
    try {
      updated = await api.updateFlow(existing.sid, { status: o.status, definition, commitMessage: markedCommitMessage(o.commitMessage) });
    } catch (error) {
      if (!mayHaveSucceeded(error)) throw withNothingChanged(error, backup);
      const now = await api.fetchFlow(existing.sid);
      if (!holds(now, definition, o.status)) throw withNothingChanged(error, backup);
      updated = now;
      recovered = true;
    }
    o.history.recordDeploy(updated.sid, updated.revision);
    return {
      action: 'updated',
      flow: { sid: updated.sid, name: updated.name, revision: updated.revision, status: o.status, webhookUrl: updated.webhookUrl },
      backup,
      recovered,
      ...base,
    };
  }

  await validate(api, o.target.name, o.status, definition);
  const flow = { name: o.target.name, status: o.status };
  if (o.dryRun) return { action: 'would-create', flow, definition, changes: [], warnings };
  const { created, recovered } = await createOnce(api, o, definition);
  o.history.recordDeploy(created.sid, created.revision);
  return {
    action: 'created',
    flow: { sid: created.sid, name: created.name, revision: created.revision, status: o.status, webhookUrl: created.webhookUrl },
    definition,
    changes: [],
    warnings,
    recovered,
  };
}

/**
 * The revision link-flow last wrote, when someone else has written one since (an edit in
 * the Console); undefined when overwriting loses nothing link-flow did not write:
 * - the latest revision carries the deploy marker: link-flow wrote it, here or elsewhere;
 * - this machine remembers the revision it deployed: the flow's revision must still be it;
 * - neither (a fresh HOME, as in CI): one look at the newest revisions; one that carries
 *   the marker means someone edited the flow after link-flow; none means link-flow never
 *   deployed it lately (a first patch of the user's own flow), which is no Console edit.
 */
async function editedSince(api: StudioApi, existing: FlowDetails, history: FlowHistory): Promise<number | undefined> {
  if (isMarked(existing.commitMessage)) return undefined;
  const record = history.lastDeployed(existing.sid);
  if (record) return record.revision !== existing.revision ? record.revision : undefined;
  const revisions = await api.listFlowRevisions(existing.sid, REVISIONS_SEARCHED);
  return revisions.find((r) => isMarked(r.commitMessage))?.revision;
}

async function findFlow(api: StudioApi, target: { sid?: string; name: string }): Promise<FlowDetails | undefined> {
  if (target.sid) {
    try {
      return await api.fetchFlow(target.sid);
    } catch (error: any) {
      if (String(error?.exitCode ?? error?.data?.code) !== '20404') throw error;
      throw new CognigyError(`The Studio flow ${target.sid} ("${target.name}") no longer exists.`, {
        hint: 'Run "twilio cognigy:init" again, or pass --new-flow NAME to create one.',
        code: 'flow-not-found',
      });
    }
  }
  const found = (await api.listFlows()).find((f) => f.name === target.name);
  return found ? api.fetchFlow(found.sid) : undefined;
}

/**
 * A create that failed with a 5xx or a dropped connection may have gone through: look
 * the flow up by name before trying again, so the account never ends with two.
 */
async function createOnce(
  api: StudioApi,
  o: DeployOptions,
  definition: FlowDefinition,
): Promise<{ created: FlowDetails; recovered: boolean }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    if (attempt > 0) {
      const found = (await api.listFlows()).find((f) => f.name === o.target.name);
      if (found) return { created: await api.fetchFlow(found.sid), recovered: true };
    }
    try {
      return {
        created: await api.createFlow({ name: o.target.name, status: o.status, definition, commitMessage: markedCommitMessage(o.commitMessage) }),
        recovered: false,
      };
    } catch (error) {
      if (!mayHaveSucceeded(error)) throw error;
      lastError = error;
    }
  }
  throw new CognigyError(
    `Creating the flow "${o.target.name}" failed ${CREATE_ATTEMPTS} times (${(lastError as Error)?.message ?? 'no answer'}); no flow of that name exists.`,
    { hint: 'Twilio may be having trouble; running link-flow again is safe.', code: 'create-failed' },
  );
}

async function validate(api: StudioApi, name: string, status: string, definition: FlowDefinition): Promise<void> {
  const outcome = await api.validateFlow(name, status, definition);
  if (outcome.valid) return;
  const lines = outcome.errors.map((e) => `  ${e.property ? `${whereIn(definition, e.property)}: ` : ''}${e.message}`);
  throw new CognigyError(`Studio rejected the flow: ${outcome.message ?? 'invalid definition'}${lines.length ? `\n${lines.join('\n')}` : ''}`, {
    hint: 'Nothing was written. Fix the flow file or the setup and run again.',
    code: 'flow-invalid',
    details: { errors: outcome.errors },
  });
}

/**
 * Studio names a failure by JSON pointer (`#/states/3/transitions/0/next`); shown as the
 * lint shows its own, by widget (`CheckEscalation.transitions[0].next`).
 */
function whereIn(definition: FlowDefinition, pointer: string): string {
  const parts = pointer.replace(/^#\/?/, '').split('/').filter(Boolean);
  const widget = parts[0] === 'states' && /^\d+$/.test(parts[1] ?? '') ? definition.states?.[Number(parts[1])]?.name : undefined;
  const rest = (widget ? parts.slice(2) : parts).map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  if (widget) return rest ? `${widget}.${rest}` : widget;
  return `(flow)${rest ? ` ${rest}` : ''}`;
}

/** A 5xx, a non-JSON error page or a dropped connection: the write may have happened. */
export function mayHaveSucceeded(error: any): boolean {
  if (!error) return false;
  const status = Number(error?.data?.status ?? error?.status);
  if (status >= 400 && status < 500) return false;
  if (status >= 500) return true;
  const code = String(error?.exitCode ?? error?.code ?? '');
  if (/^4\d\d$|^20[0-9]{3}$|^8\d{4}$/.test(code)) return false;
  return true;
}

function holds(flow: FlowDetails, definition: FlowDefinition, status: string): boolean {
  return flow.status === status && diffFlows(flow.definition as FlowDefinition, definition).length === 0;
}

function withNothingChanged(error: any, backup: string): Error {
  const message = error?.message ?? String(error);
  return new CognigyError(`Updating the flow failed: ${message}`, {
    hint: `The flow was not changed (a backup of it is at ${backup}); running link-flow again is safe.`,
    code: 'update-failed',
  });
}
